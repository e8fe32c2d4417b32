#include "api/visit_log.h"

#include "absl/strings/str_cat.h"
#include "domain/visit_rules.h"
#include "pharmacrm/bus/envelope.h"
#include "pharmacrm/bus/kafka.h"
#include "pharmacrm/core/log.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/runtime/merges.h"
#include "pharmacrm/store/key.h"
#include "storage/keys.h"

namespace pharmacrm::sales_pipeline {

absl::StatusOr<v1::Customer> VisitLog::ActiveCustomer(const std::string& customer_id,
                                                      const std::string& as_given,
                                                      absl::string_view field) const {
  absl::StatusOr<v1::Customer> customer =
      runtime::ReadKeyed<v1::Customer>(host_.store(), kKnownCustomer, customer_id);
  if (customer.status().code() == absl::StatusCode::kNotFound) {
    return core::FieldStatus(
        absl::StatusCode::kNotFound, field,
        absl::StrCat("'", as_given,
                     "' is not (yet) known to sales-pipeline; register it in customer-master"));
  }
  RETURN_IF_ERROR(customer.status());
  if (customer->status() == v1::CUSTOMER_STATUS_INACTIVE) {
    return core::FieldStatus(
        absl::StatusCode::kFailedPrecondition, field,
        absl::StrCat("'", customer_id, "' is deactivated; visits to it are not logged"));
  }
  return customer;
}

absl::Status VisitLog::Append(store::Batch& batch, v1::Visit& visit, const v1::CallReport* report,
                              const std::string& actor, const std::string& request_id,
                              absl::Time now, PendingActivity* pending) {
  const std::string& customer_id = visit.customer_id();
  v1::CustomerActivity before;
  auto in_batch = pending != nullptr ? pending->find(customer_id) : PendingActivity::iterator();
  if (pending != nullptr && in_batch != pending->end()) {
    before = in_batch->second;
  } else {
    absl::StatusOr<v1::CustomerActivity> stored =
        runtime::ReadKeyed<v1::CustomerActivity>(host_.store(), kActivity, customer_id);
    if (!stored.ok() && stored.status().code() != absl::StatusCode::kNotFound) {
      return stored.status();
    }
    if (stored.ok()) before = *std::move(stored);
  }
  visit.set_id(report != nullptr ? report->id() : host_.ids().Next());
  v1::CustomerActivity updated = AddVisit(std::move(before), visit);
  if (pending != nullptr) (*pending)[customer_id] = updated;
  batch.Put(store::Family::kState, runtime::CustomerKey(kActivity, customer_id),
            updated.SerializeAsString());
  batch.Put(store::Family::kState,
            store::KeyBuilder(kVisit).String(customer_id).String(visit.id()).key(),
            visit.SerializeAsString());
  ASSIGN_OR_RETURN(absl::Time visited_at, core::FromTimestamp(visit.visited_at(), "visited_at"));
  bus::EventMeta meta;
  meta.event_id = host_.ids().Next();
  meta.source = "sales-pipeline";
  meta.aggregate_kind = "visit";
  meta.aggregate_id = visit.id();
  meta.aggregate_version = 1;
  meta.customer_id = customer_id;
  meta.occurred_at = visited_at;
  meta.recorded_at = now;
  meta.actor = actor;
  meta.correlation_id = core::CurrentCorrelationId();
  meta.causation_id = request_id;
  v1::VisitLogged event;
  *event.mutable_visit() = visit;
  if (report != nullptr) *event.mutable_call_report() = *report;
  batch.AppendOutbox(bus::MakeOutboxRecord(bus::kSalesTopic, bus::MakeEnvelope(meta, event)));
  return absl::OkStatus();
}

}  // namespace pharmacrm::sales_pipeline
