// Running the channel checks (domain/channel/checks.h) over what
// sales-pipeline stores, and keeping their results: findings with their
// life (domain/channel/finding_lifecycle.h) and events, and the stock
// positions and reconciliations the queries answer from.
//
// When they run. Every event that can change a finding (FlowPeriodLoaded,
// StockReported, ShipmentRecorded, DistributorAccountChanged,
// ProductChanged) raises ChannelChecksState.requested in the batch that
// consumes it (projections/channel_checks_projection). A worker thread
// polls that state (every `poll`) and, when requested > checked, runs the
// checks and writes their results, the events they publish and
// checked = the requested it started from, in one batch: a crash before
// the write runs them again after the restart, and many events in a burst
// cost one run. RunChannelChecks runs them at once.
//
// One run at a time (and no decision on a finding during a run): mu().
// Thread-safe; `host` must outlive it.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_API_CHANNEL_CHECKS_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_API_CHANNEL_CHECKS_H_

#include <atomic>
#include <string>
#include <thread>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "domain/channel/channel_data.h"
#include "domain/channel/checks.h"
#include "pharmacrm/runtime/host.h"
#include "pharmacrm/store/store.h"
#include "pharmacrm/v1/channel_control_service.pb.h"
#include "storage/channel_repository.h"
#include "storage/control_repository.h"

namespace pharmacrm::sales_pipeline {

// Owner of a finding whose distributor has no key account manager.
inline constexpr char kUnassignedOwner[] = "unassigned";

class ChannelChecks {
 public:
  explicit ChannelChecks(runtime::ServiceHost& host, channel::ChecksRules rules = {});
  ~ChannelChecks();  // Stops the worker.
  ChannelChecks(const ChannelChecks&) = delete;
  ChannelChecks& operator=(const ChannelChecks&) = delete;

  // The whole stored channel as the rules read it.
  absl::StatusOr<channel::ChannelData> Load() const;

  // Runs the checks and puts their results, events (caused by
  // `request_id`, by `actor`) and the checks state into `batch`. The
  // caller holds mu() until the batch is written.
  absl::StatusOr<v1::ChannelChecksSummary> RunInto(store::Batch& batch, const std::string& actor,
                                                   const std::string& request_id);

  // Runs and writes when a run is requested and not yet done; true when it
  // ran.
  absl::StatusOr<bool> RunIfRequested();

  // Starts the worker thread (at most once).
  void StartWorker(absl::Duration poll);

  absl::Mutex& mu() { return mu_; }

 private:
  void Work(absl::Duration poll);

  runtime::ServiceHost& host_;
  const channel::ChecksRules rules_;
  ChannelRepository channel_;
  ControlRepository control_;
  absl::Mutex mu_;
  absl::Mutex stop_mu_;
  bool stopping_ ABSL_GUARDED_BY(stop_mu_) = false;
  std::thread worker_;
};

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_API_CHANNEL_CHECKS_H_
