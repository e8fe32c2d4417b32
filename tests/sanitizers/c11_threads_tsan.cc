// Linked into every executable of a ThreadSanitizer build only
// (cmake/checks.cmake). librdkafka starts its threads and takes its locks
// through C11 <threads.h> (thrd_create, mtx_lock, cnd_wait, ...). glibc
// implements those by calling its pthread functions internally, past the
// TSan runtime's pthread interceptors (clang 14 and 16 intercept no C11
// thread function), so TSan would never learn of librdkafka's threads:
// the first event on one crashes the runtime, and its locks would not
// order anything. These definitions, in the executable, take the place of
// glibc's and call the intercepted pthread functions. glibc's thrd_t is a
// pthread_t, and its mtx_t and cnd_t begin with a pthread_mutex_t and a
// pthread_cond_t (sysdeps/pthread/threads.h), so the objects are shared
// as they are.
#include <errno.h>
#include <pthread.h>
#include <threads.h>
#include <time.h>

#include <cstdint>
#include <new>

namespace {

int FromPthread(int err) {
  switch (err) {
    case 0: return thrd_success;
    case EBUSY: return thrd_busy;
    case ETIMEDOUT: return thrd_timedout;
    case ENOMEM: return thrd_nomem;
    default: return thrd_error;
  }
}

struct Start {
  thrd_start_t func;
  void* arg;
};

void* Trampoline(void* p) {
  Start start = *static_cast<Start*>(p);
  delete static_cast<Start*>(p);
  return reinterpret_cast<void*>(static_cast<intptr_t>(start.func(start.arg)));
}

pthread_mutex_t* AsPthread(mtx_t* m) { return reinterpret_cast<pthread_mutex_t*>(m); }
pthread_cond_t* AsPthread(cnd_t* c) { return reinterpret_cast<pthread_cond_t*>(c); }

}  // namespace

extern "C" {

int thrd_create(thrd_t* thr, thrd_start_t func, void* arg) {
  auto* start = new (std::nothrow) Start{func, arg};
  if (start == nullptr) return thrd_nomem;
  const int err = pthread_create(thr, nullptr, Trampoline, start);
  if (err != 0) delete start;
  return FromPthread(err);
}

int thrd_join(thrd_t thr, int* res) {
  void* value = nullptr;
  const int err = pthread_join(thr, &value);
  if (err == 0 && res != nullptr) *res = static_cast<int>(reinterpret_cast<intptr_t>(value));
  return FromPthread(err);
}

int thrd_detach(thrd_t thr) { return FromPthread(pthread_detach(thr)); }

int mtx_init(mtx_t* m, int type) {
  pthread_mutexattr_t attr;
  pthread_mutexattr_init(&attr);
  if (type & mtx_recursive) pthread_mutexattr_settype(&attr, PTHREAD_MUTEX_RECURSIVE);
  const int err = pthread_mutex_init(AsPthread(m), &attr);
  pthread_mutexattr_destroy(&attr);
  return FromPthread(err);
}

int mtx_lock(mtx_t* m) { return FromPthread(pthread_mutex_lock(AsPthread(m))); }
int mtx_trylock(mtx_t* m) { return FromPthread(pthread_mutex_trylock(AsPthread(m))); }
int mtx_timedlock(mtx_t* __restrict m, const struct timespec* __restrict ts) {
  return FromPthread(pthread_mutex_timedlock(AsPthread(m), ts));
}
int mtx_unlock(mtx_t* m) { return FromPthread(pthread_mutex_unlock(AsPthread(m))); }
void mtx_destroy(mtx_t* m) { pthread_mutex_destroy(AsPthread(m)); }

int cnd_init(cnd_t* c) { return FromPthread(pthread_cond_init(AsPthread(c), nullptr)); }
int cnd_signal(cnd_t* c) { return FromPthread(pthread_cond_signal(AsPthread(c))); }
int cnd_broadcast(cnd_t* c) { return FromPthread(pthread_cond_broadcast(AsPthread(c))); }
int cnd_wait(cnd_t* c, mtx_t* m) { return FromPthread(pthread_cond_wait(AsPthread(c), AsPthread(m))); }
int cnd_timedwait(cnd_t* __restrict c, mtx_t* __restrict m, const struct timespec* __restrict ts) {
  return FromPthread(pthread_cond_timedwait(AsPthread(c), AsPthread(m), ts));
}
void cnd_destroy(cnd_t* c) { pthread_cond_destroy(AsPthread(c)); }

void call_once(once_flag* flag, void (*func)(void)) {
  static_assert(sizeof(once_flag) == sizeof(pthread_once_t));
  pthread_once(reinterpret_cast<pthread_once_t*>(flag), func);
}

}  // extern "C"
