#include "projections/process_inputs_projection.h"

#include <optional>
#include <string>
#include <utility>

#include "domain/process/organisation.h"
#include "domain/process/target_inputs.h"
#include "pharmacrm/bus/kafka.h"
#include "pharmacrm/core/payload.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/territories.pb.h"
#include "storage/process_repository.h"

namespace pharmacrm::sales_pipeline {

absl::Status ApplyProcessInput(store::Store& store, const v1::EventEnvelope& event,
                               store::Batch& batch) {
  ProcessRepository repo(store);
  const google::protobuf::Any& payload = event.payload();
  if (core::PayloadIs<v1::TerritoryChanged>(payload)) {
    ASSIGN_OR_RETURN(v1::TerritoryChanged changed,
                     core::UnpackPayload<v1::TerritoryChanged>(payload));
    if (changed.territory().id().empty()) {
      return core::FieldError("payload.territory.id", "must be set");
    }
    ASSIGN_OR_RETURN(std::optional<v1::Territory> current,
                     repo.Territory(changed.territory().id(), &batch));
    // A redelivered older version does not undo a newer one.
    if (current && current->version() > changed.territory().version()) return absl::OkStatus();
    repo.PutTerritory(batch, changed.territory());
    return absl::OkStatus();
  }
  if (core::PayloadIs<v1::CustomerAligned>(payload)) {
    ASSIGN_OR_RETURN(v1::CustomerAligned aligned,
                     core::UnpackPayload<v1::CustomerAligned>(payload));
    const std::string& id = aligned.alignment().subject_id();
    ASSIGN_OR_RETURN(std::optional<v1::AlignmentHistory> history,
                     repo.CustomerAlignment(id, &batch));
    ASSIGN_OR_RETURN(v1::AlignmentHistory next,
                     process::AddAlignment(std::move(history), aligned.alignment()));
    repo.PutCustomerAlignment(batch, id, next);
    return absl::OkStatus();
  }
  if (core::PayloadIs<v1::RepAligned>(payload)) {
    ASSIGN_OR_RETURN(v1::RepAligned aligned, core::UnpackPayload<v1::RepAligned>(payload));
    const std::string& id = aligned.alignment().subject_id();
    ASSIGN_OR_RETURN(std::optional<v1::AlignmentHistory> history, repo.RepAlignment(id, &batch));
    ASSIGN_OR_RETURN(v1::AlignmentHistory next,
                     process::AddAlignment(std::move(history), aligned.alignment()));
    repo.PutRepAlignment(batch, id, next);
    return absl::OkStatus();
  }
  if (core::PayloadIs<v1::MetricsRecorded>(payload)) {
    ASSIGN_OR_RETURN(v1::MetricsRecorded recorded,
                     core::UnpackPayload<v1::MetricsRecorded>(payload));
    const v1::CustomerMetrics& m = recorded.metrics();
    if (m.customer_id().empty() || m.period().empty()) {
      return core::FieldError("payload.metrics", "customer_id and period must be set");
    }
    ASSIGN_OR_RETURN(std::optional<v1::CustomerMetrics> current,
                     repo.Metrics(m.customer_id(), m.period(), &batch));
    if (process::KeepMetrics(current, m)) repo.PutMetrics(batch, m);
    return absl::OkStatus();
  }
  return absl::OkStatus();
}

void AddProcessInputsProjection(runtime::ServiceHost& host) {
  store::Store* store = &host.store();
  host.AddProjection({std::string(bus::kCustomerTopic)},
                     [store](const v1::EventEnvelope& event, store::Batch& batch) {
                       return ApplyProcessInput(*store, event, batch);
                     });
}

}  // namespace pharmacrm::sales_pipeline
