#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/functional/any_invocable.h"
#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"

namespace pharmacrm::core {

// Names the calling thread as `top -H`, `ps -L` and perf show it (the first
// 15 bytes; Linux allows no more).
void SetCurrentThreadName(const std::string& name);

// Runs tasks one at a time, in the order they were submitted, on a thread of
// its own: the next stage of a pipeline (an import checks a batch while the
// one before it is written). At most `max_waiting` tasks wait; Submit blocks
// while that many do. Once a task fails, the tasks after it are dropped
// unrun, and Submit and Finish return that first failure.
class SerialWorker {
 public:
  using Task = absl::AnyInvocable<absl::Status() &&>;

  // `name` names its thread (SetCurrentThreadName).
  SerialWorker(std::string name, size_t max_waiting);
  // Runs what is queued (unless a task failed), then stops.
  ~SerialWorker();
  SerialWorker(const SerialWorker&) = delete;
  SerialWorker& operator=(const SerialWorker&) = delete;

  // Queues `task`; it is dropped, and the failure returned, when a task
  // before it failed.
  absl::Status Submit(Task task);

  // Waits until every queued task has run; the first failure, if any.
  absl::Status Finish();

 private:
  void Run();

  const std::string name_;
  const size_t max_waiting_;
  absl::Mutex mu_;
  std::deque<Task> queue_ ABSL_GUARDED_BY(mu_);
  bool running_ ABSL_GUARDED_BY(mu_) = false;  // A task is being run.
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  absl::Status failure_ ABSL_GUARDED_BY(mu_);
  std::thread thread_;  // Last: started once the rest is built.
};

}  // namespace pharmacrm::core
