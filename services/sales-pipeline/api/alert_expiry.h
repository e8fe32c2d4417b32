// Expiring change factors' alerts (domain/process/change_factors.h
// ExpireAlerts): the open and acknowledged alerts past their due_by become
// expired, each published as AlertStateChanged, in one batch per run of at
// most kMaxExpiredPerRun. A worker thread runs it every `poll`
// (--alert_expiry_poll_ms); ExpireAlerts runs it at once. Between two runs
// an overdue alert still reads as open or acknowledged, but it cannot be
// moved any more (MoveAlert expires it first and refuses).
//
// Runs are serialised against each other and against the moves of single
// alerts by mu(): a run holds it as a writer, a move as a reader (with the
// alert's own lock). Thread-safe; `host` must outlive it.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_API_ALERT_EXPIRY_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_API_ALERT_EXPIRY_H_

#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "pharmacrm/runtime/host.h"
#include "pharmacrm/v1/change_alerts.pb.h"
#include "storage/alert_repository.h"

namespace pharmacrm::sales_pipeline {

// Who expires alerts in their history and events.
inline constexpr char kExpiryActor[] = "change-factors";

class AlertExpiry {
 public:
  static constexpr size_t kMaxExpiredPerRun = 1000;

  explicit AlertExpiry(runtime::ServiceHost& host) : host_(host), alerts_(host.store()) {}
  ~AlertExpiry();  // Stops the worker.
  AlertExpiry(const AlertExpiry&) = delete;
  AlertExpiry& operator=(const AlertExpiry&) = delete;

  // Expires what is overdue at the host's time into `batch`, the events by
  // `actor` caused by `request_id`. The caller holds mu() as a writer
  // until the batch is written.
  absl::StatusOr<v1::ExpireAlertsResponse> RunInto(store::Batch& batch, const std::string& actor,
                                                   const std::string& request_id);

  // Runs and writes when something is overdue; the run's answer.
  absl::StatusOr<v1::ExpireAlertsResponse> RunOnce();

  // Starts the worker thread (at most once).
  void StartWorker(absl::Duration poll);

  absl::Mutex& mu() { return mu_; }

 private:
  void Work(absl::Duration poll);

  runtime::ServiceHost& host_;
  AlertRepository alerts_;
  absl::Mutex mu_;
  absl::Mutex stop_mu_;
  bool stopping_ ABSL_GUARDED_BY(stop_mu_) = false;
  std::thread worker_;
};

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_API_ALERT_EXPIRY_H_
