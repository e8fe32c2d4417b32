#pragma once

#include <algorithm>
#include <atomic>
#include <cstddef>
#include <thread>
#include <vector>

namespace pharmacrm::core {

// The threads a CPU-bound stage of one request uses by default: the
// machine's cores, at most `cap` (and at least 1).
inline int DefaultThreads(int cap = 4) {
  const unsigned cores = std::thread::hardware_concurrency();
  return std::clamp(static_cast<int>(cores), 1, std::max(1, cap));
}

// Calls f(i) for every i in [0, n), on up to `threads` threads (the caller's
// among them), handing out indices in blocks of `grain` as threads become
// free; returns when every call has returned. Calls for different indices
// may run concurrently; f must not throw. With threads <= 1, or n <= grain,
// runs in order on the calling thread.
template <typename F>
void ParallelFor(int threads, size_t n, size_t grain, F&& f) {
  grain = std::max<size_t>(1, grain);
  const size_t blocks = (n + grain - 1) / grain;
  const int used = static_cast<int>(std::min<size_t>(std::max(1, threads), blocks));
  if (used <= 1) {
    for (size_t i = 0; i < n; ++i) f(i);
    return;
  }
  std::atomic<size_t> next{0};
  auto work = [&] {
    for (;;) {
      const size_t from = next.fetch_add(grain, std::memory_order_relaxed);
      if (from >= n) return;
      const size_t to = std::min(n, from + grain);
      for (size_t i = from; i < to; ++i) f(i);
    }
  };
  std::vector<std::thread> pool;
  pool.reserve(static_cast<size_t>(used - 1));
  for (int t = 1; t < used; ++t) pool.emplace_back(work);
  work();
  for (std::thread& thread : pool) thread.join();
}

}  // namespace pharmacrm::core
