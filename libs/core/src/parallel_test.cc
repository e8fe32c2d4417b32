#include "pharmacrm/core/parallel.h"

#include <atomic>
#include <chrono>
#include <set>
#include <thread>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "gtest/gtest.h"

namespace pharmacrm::core {
namespace {

TEST(ParallelForTest, CallsEveryIndexOnce) {
  for (int threads : {1, 2, 3, 8}) {
    for (size_t n : {0u, 1u, 7u, 1000u}) {
      std::vector<std::atomic<int>> calls(n);
      ParallelFor(threads, n, 3, [&](size_t i) { calls[i].fetch_add(1); });
      for (size_t i = 0; i < n; ++i) {
        EXPECT_EQ(calls[i].load(), 1) << "index " << i << " of " << n << ", " << threads;
      }
    }
  }
}

TEST(ParallelForTest, UsesSeveralThreadsAndTheCallersOne) {
  absl::Mutex mu;
  std::set<std::thread::id> seen;
  std::atomic<int> inside{0};
  std::atomic<bool> overlapped{false};
  ParallelFor(2, 64, 1, [&](size_t) {
    if (inside.fetch_add(1) > 0) overlapped = true;
    // Long enough for the second thread to take a block meanwhile.
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
    inside.fetch_sub(1);
    absl::MutexLock lock(&mu);
    seen.insert(std::this_thread::get_id());
  });
  EXPECT_EQ(seen.size(), 2u);
  EXPECT_EQ(seen.count(std::this_thread::get_id()), 1u);
  EXPECT_TRUE(overlapped.load());
}

TEST(ParallelForTest, OneThreadRunsInOrderOnTheCaller) {
  const std::thread::id caller = std::this_thread::get_id();
  std::vector<size_t> order;
  ParallelFor(1, 5, 2, [&](size_t i) {
    EXPECT_EQ(std::this_thread::get_id(), caller);
    order.push_back(i);
  });
  EXPECT_EQ(order, (std::vector<size_t>{0, 1, 2, 3, 4}));
}

TEST(ParallelForTest, DefaultThreadsIsWithinItsCap) {
  EXPECT_GE(DefaultThreads(), 1);
  EXPECT_LE(DefaultThreads(), 4);
  EXPECT_EQ(DefaultThreads(1), 1);
  EXPECT_EQ(DefaultThreads(0), 1);
}

}  // namespace
}  // namespace pharmacrm::core
