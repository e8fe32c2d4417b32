#include "pharmacrm/core/serial_worker.h"

#include <pthread.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/synchronization/notification.h"
#include "gtest/gtest.h"

namespace pharmacrm::core {
namespace {

TEST(SerialWorkerTest, RunsTasksOneAtATimeInTheOrderSubmitted) {
  std::vector<int> ran;  // Written by the worker only, read after Finish.
  std::atomic<int> running = 0;
  std::atomic<bool> overlapped = false;
  SerialWorker worker("test-worker", 2);
  for (int i = 0; i < 100; ++i) {
    ASSERT_TRUE(worker
                    .Submit([&, i]() -> absl::Status {
                      if (running.fetch_add(1) != 0) overlapped = true;
                      ran.push_back(i);
                      running.fetch_sub(1);
                      return absl::OkStatus();
                    })
                    .ok());
  }
  ASSERT_TRUE(worker.Finish().ok());
  ASSERT_EQ(ran.size(), 100u);
  for (int i = 0; i < 100; ++i) EXPECT_EQ(ran[i], i);
  EXPECT_FALSE(overlapped);
}

TEST(SerialWorkerTest, NamesItsThread) {
  SerialWorker worker("import-write-and-more", 1);
  std::string name;
  ASSERT_TRUE(worker
                  .Submit([&]() -> absl::Status {
                    char buffer[32] = {};
                    pthread_getname_np(pthread_self(), buffer, sizeof(buffer));
                    name = buffer;
                    return absl::OkStatus();
                  })
                  .ok());
  ASSERT_TRUE(worker.Finish().ok());
  EXPECT_EQ(name, "import-write-an");  // Linux keeps 15 bytes.
}

TEST(SerialWorkerTest, SubmitWaitsWhileTheQueueIsFull) {
  absl::Notification release;
  std::atomic<int> done = 0;
  SerialWorker worker("test-worker", 1);
  auto blocked = [&]() -> absl::Status {
    release.WaitForNotification();
    ++done;
    return absl::OkStatus();
  };
  ASSERT_TRUE(worker.Submit(blocked).ok());  // Running (or about to).
  ASSERT_TRUE(worker.Submit(blocked).ok());  // Waiting: the queue is full.
  std::atomic<bool> third_queued = false;
  std::thread submitter([&] {
    EXPECT_TRUE(worker.Submit(blocked).ok());
    third_queued = true;
  });
  absl::SleepFor(absl::Milliseconds(100));
  // The first task cannot have finished, so at least one waits.
  EXPECT_FALSE(third_queued.load());
  release.Notify();
  submitter.join();
  EXPECT_TRUE(third_queued.load());
  ASSERT_TRUE(worker.Finish().ok());
  EXPECT_EQ(done.load(), 3);
}

TEST(SerialWorkerTest, AFailureDropsTheTasksAfterItAndIsReturned) {
  absl::Notification release;
  std::vector<std::string> ran;
  SerialWorker worker("test-worker", 10);
  ASSERT_TRUE(worker
                  .Submit([&]() -> absl::Status {
                    release.WaitForNotification();
                    ran.push_back("first");
                    return absl::UnavailableError("disk full");
                  })
                  .ok());
  ASSERT_TRUE(worker
                  .Submit([&]() -> absl::Status {
                    ran.push_back("second");
                    return absl::OkStatus();
                  })
                  .ok());
  release.Notify();
  absl::Status finished = worker.Finish();
  EXPECT_EQ(finished.code(), absl::StatusCode::kUnavailable);
  EXPECT_EQ(finished.message(), "disk full");
  EXPECT_EQ(ran, std::vector<std::string>{"first"});
  bool third_ran = false;
  absl::Status refused = worker.Submit([&]() -> absl::Status {
    third_ran = true;
    return absl::OkStatus();
  });
  EXPECT_EQ(refused.code(), absl::StatusCode::kUnavailable);
  EXPECT_TRUE(worker.Finish().code() == absl::StatusCode::kUnavailable);
  EXPECT_FALSE(third_ran);
}

TEST(SerialWorkerTest, DestroyingRunsWhatIsQueued) {
  std::atomic<int> done = 0;
  {
    SerialWorker worker("test-worker", 8);
    for (int i = 0; i < 8; ++i) {
      ASSERT_TRUE(worker
                      .Submit([&]() -> absl::Status {
                        absl::SleepFor(absl::Milliseconds(2));
                        ++done;
                        return absl::OkStatus();
                      })
                      .ok());
    }
  }
  EXPECT_EQ(done.load(), 8);
}

}  // namespace
}  // namespace pharmacrm::core
