// The one writer of visits: SalesPipeline/LogVisit's bare visits and
// FieldForce/ReportCall's call reports both go through it, so a customer's
// activity is changed under one lock and every visit is published the same
// way (VisitLogged, with the report when there is one). Thread-safe;
// `host` must outlive it.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_API_VISIT_LOG_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_API_VISIT_LOG_H_

#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "pharmacrm/runtime/command.h"
#include "pharmacrm/runtime/host.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/field_force.pb.h"
#include "pharmacrm/v1/sales_pipeline.pb.h"

namespace pharmacrm::sales_pipeline {

class VisitLog {
 public:
  explicit VisitLog(runtime::ServiceHost& host) : host_(host) {}

  // Held while a visit to the customer is decided and written.
  absl::Mutex& LockFor(const std::string& customer_id) { return locks_.For(customer_id); }
  // The same for several customers at once (StripedLocks::ForAll).
  runtime::HeldStripes LockAll(const std::vector<std::string>& customer_ids) {
    return locks_.ForAll(customer_ids);
  }

  // The customer as sales-pipeline knows it: NOT_FOUND naming `field` until
  // its registration has been consumed, FAILED_PRECONDITION once its
  // deactivation has.
  absl::StatusOr<v1::Customer> ActiveCustomer(const std::string& customer_id,
                                              const std::string& as_given,
                                              absl::string_view field) const;

  // The customers' activity as changed by the visits already put into one
  // batch, for a batch of several visits (see Append).
  using PendingActivity = absl::flat_hash_map<std::string, v1::CustomerActivity>;

  // Puts `visit` (id set here) into `batch`: the customer's activity, the
  // visit and its VisitLogged event, carrying `report` when not null.
  // Call with LockFor(visit.customer_id()) held. A batch of several visits
  // passes the same `pending` to each, so a customer's second visit adds
  // to its first.
  absl::Status Append(store::Batch& batch, v1::Visit& visit, const v1::CallReport* report,
                      const std::string& actor, const std::string& request_id, absl::Time now,
                      PendingActivity* pending = nullptr);

 private:
  runtime::ServiceHost& host_;
  runtime::StripedLocks locks_;
};

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_API_VISIT_LOG_H_
