#include "projections/change_factors_projection.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/alert_owner_reads.h"
#include "domain/channel/dates.h"
#include "domain/process/alert_records.h"
#include "domain/process/change_factors.h"
#include "pharmacrm/bus/envelope.h"
#include "pharmacrm/bus/kafka.h"
#include "pharmacrm/core/payload.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/events/customer_events.h"
#include "pharmacrm/v1/change_alerts.pb.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "storage/alert_repository.h"
#include "storage/process_repository.h"

namespace pharmacrm::sales_pipeline {

absl::Status ApplyChangeFactors(store::Store& store, const core::Clock& clock,
                                const v1::EventEnvelope& event, store::Batch& batch) {
  ASSIGN_OR_RETURN(std::optional<v1::Customer> customer, events::CustomerCarried(event));
  if (!customer || customer->profile().kind() != v1::CUSTOMER_KIND_HOSPITAL) {
    return absl::OkStatus();
  }
  AlertRepository alerts(store);
  ASSIGN_OR_RETURN(std::optional<v1::PeopleSnapshot> snapshot,
                   alerts.PeopleSnapshot(customer->id(), &batch));
  if (snapshot && snapshot->customer_version() >= customer->version()) return absl::OkStatus();
  const process::PeopleInCharge people = process::PeopleOf(*customer);
  const bool compare = snapshot && core::PayloadIs<v1::ProfileChanged>(event.payload());
  std::vector<process::FactorChange> changes;
  absl::Time at;
  if (compare) {
    if (!event.has_occurred_at()) return core::FieldError("occurred_at", "must be set");
    ASSIGN_OR_RETURN(at, core::FromTimestamp(event.occurred_at(), "occurred_at"));
    changes = process::PeopleChanges(customer->id(), process::FromSnapshot(*snapshot), people, at);
  }
  if (!changes.empty()) {
    ASSIGN_OR_RETURN(process::AlertOwner owner,
                     ReadAlertOwner(ProcessRepository(store), customer->id(), "", at, &batch));
    const std::string occurred_on = channel::FormatDate(channel::ChinaDay(at));
    for (size_t i = 0; i < changes.size(); ++i) {
      const std::string id = absl::StrCat(event.event_id(), "-", i + 1);
      ASSIGN_OR_RETURN(std::optional<v1::Alert> raised, alerts.Alert(id, &batch));
      if (raised) continue;
      v1::Alert alert = process::ToAlertProto(process::RaiseAlert(id, owner.person_id, changes[i]),
                                              owner, customer->profile().name(), occurred_on);
      alerts.PutAlert(batch, alert);
      bus::EventMeta meta;
      meta.event_id = absl::StrCat(id, "-raised");
      meta.source = "sales-pipeline";
      meta.aggregate_kind = "alert";
      meta.aggregate_id = id;
      meta.aggregate_version = alert.version();
      meta.customer_id = alert.customer_id();
      meta.occurred_at = at;
      meta.recorded_at = clock.Now();
      meta.actor = event.actor();
      meta.correlation_id = event.correlation_id();
      meta.causation_id = event.event_id();
      v1::AlertRaised payload;
      *payload.mutable_alert() = std::move(alert);
      batch.AppendOutbox(bus::MakeOutboxRecord(bus::kSalesTopic, bus::MakeEnvelope(meta, payload)));
    }
  }
  alerts.PutPeopleSnapshot(batch, process::ToSnapshot(customer->id(), customer->version(), people));
  return absl::OkStatus();
}

void AddChangeFactorsProjection(runtime::ServiceHost& host) {
  store::Store* store = &host.store();
  const core::Clock* clock = &host.clock();
  host.AddProjection({std::string(bus::kCustomerTopic)},
                     [store, clock](const v1::EventEnvelope& event, store::Batch& batch) {
                       return ApplyChangeFactors(*store, *clock, event, batch);
                     });
}

}  // namespace pharmacrm::sales_pipeline
