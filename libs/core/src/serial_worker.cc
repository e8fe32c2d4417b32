#include "pharmacrm/core/serial_worker.h"

#include <pthread.h>

#include <algorithm>
#include <utility>

namespace pharmacrm::core {

void SetCurrentThreadName(const std::string& name) {
  pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
}

SerialWorker::SerialWorker(std::string name, size_t max_waiting)
    : name_(std::move(name)),
      max_waiting_(std::max<size_t>(max_waiting, 1)),
      thread_([this] { Run(); }) {}

SerialWorker::~SerialWorker() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  thread_.join();
}

absl::Status SerialWorker::Submit(Task task) {
  absl::MutexLock lock(&mu_);
  auto room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
    return !failure_.ok() || queue_.size() < max_waiting_;
  };
  mu_.Await(absl::Condition(&room));
  if (!failure_.ok()) return failure_;
  queue_.push_back(std::move(task));
  return absl::OkStatus();
}

absl::Status SerialWorker::Finish() {
  absl::MutexLock lock(&mu_);
  auto idle = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return queue_.empty() && !running_; };
  mu_.Await(absl::Condition(&idle));
  return failure_;
}

void SerialWorker::Run() {
  SetCurrentThreadName(name_);
  while (true) {
    Task task;
    {
      absl::MutexLock lock(&mu_);
      auto ready = [this]()
                       ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return stopping_ || !queue_.empty(); };
      mu_.Await(absl::Condition(&ready));
      if (queue_.empty()) return;  // Stopping, and nothing is left.
      task = std::move(queue_.front());
      queue_.pop_front();
      running_ = true;
    }
    absl::Status status = std::move(task)();
    absl::MutexLock lock(&mu_);
    running_ = false;
    if (!status.ok() && failure_.ok()) {
      failure_ = std::move(status);
      queue_.clear();  // Dropped unrun.
    }
  }
}

}  // namespace pharmacrm::core
