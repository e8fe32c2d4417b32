// Built and run only in a ThreadSanitizer build (make sanitize), where
// CTest expects it to FAIL: it races on purpose, so a TSan set-up that
// would miss races in our code (a suppression too wide, the runtime not
// linked, TSan options not reaching the tests) turns the run red.
//
//   tsan_canary plain   two threads write one int, no lock at all
//   tsan_canary mutex   one thread writes under an absl::Mutex, the other
//                       without it (what a missing lock in a handler is)
#include <cstring>
#include <thread>

#include "absl/synchronization/mutex.h"

namespace {

int shared_value = 0;
absl::Mutex mu;

// Each side writes many times, yielding in between: TSan checks each access
// against the shadow of the recent ones, and a lone pair of writes was
// missed once in a loaded run of make sanitize (1 of about 60).
constexpr int kWrites = 200;

void Plain() {
  std::thread other([] {
    for (int i = 0; i < kWrites; ++i) {
      shared_value = 1;
      std::this_thread::yield();
    }
  });
  for (int i = 0; i < kWrites; ++i) {
    shared_value = 2;
    std::this_thread::yield();
  }
  other.join();
}

void HalfLocked() {
  std::thread other([] {
    for (int i = 0; i < kWrites; ++i) {
      absl::MutexLock lock(&mu);
      shared_value = 1;
      std::this_thread::yield();
    }
  });
  for (int i = 0; i < kWrites; ++i) {
    shared_value = 2;
    std::this_thread::yield();
  }
  other.join();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) return 2;
  if (std::strcmp(argv[1], "plain") == 0) {
    Plain();
  } else if (std::strcmp(argv[1], "mutex") == 0) {
    HalfLocked();
  } else {
    return 2;
  }
  return shared_value == 0 ? 3 : 0;
}
