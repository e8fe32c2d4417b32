#include "domain/customer_value.h"

#include "google/protobuf/util/time_util.h"
#include "pharmacrm/core/payload.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/events/customer_events.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/sales_pipeline.pb.h"

namespace pharmacrm::value_scoring {

absl::StatusOr<std::optional<v1::CustomerValue>> ProjectCustomerValue(
    const v1::EventEnvelope& event, std::optional<v1::CustomerValue> current) {
  v1::CustomerValue v = current.value_or(v1::CustomerValue());
  v.set_customer_id(event.customer_id());
  const auto& payload = event.payload();
  ASSIGN_OR_RETURN(std::optional<v1::Customer> customer, events::CustomerCarried(event));
  if (customer) {
    if (core::PayloadIs<v1::ProfileChanged>(payload)) {
      v.set_profile_change_count(v.profile_change_count() + 1);
    }
  } else if (core::PayloadIs<v1::VisitLogged>(payload)) {
    RETURN_IF_ERROR(core::UnpackPayload<v1::VisitLogged>(payload).status());
    v.set_visit_count(v.visit_count() + 1);
  } else {
    return std::nullopt;
  }
  if (!v.has_last_event_at() || v.last_event_at() < event.occurred_at()) {
    *v.mutable_last_event_at() = event.occurred_at();
  }
  return v;
}

void FoldCustomerValue(const v1::CustomerValue& merged, v1::CustomerValue* survivor) {
  survivor->set_visit_count(survivor->visit_count() + merged.visit_count());
  survivor->set_profile_change_count(survivor->profile_change_count() +
                                     merged.profile_change_count());
  if (merged.has_last_event_at() &&
      (!survivor->has_last_event_at() || survivor->last_event_at() < merged.last_event_at())) {
    *survivor->mutable_last_event_at() = merged.last_event_at();
  }
}

}  // namespace pharmacrm::value_scoring
