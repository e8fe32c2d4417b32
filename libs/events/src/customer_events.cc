#include "pharmacrm/events/customer_events.h"

#include <utility>

#include "pharmacrm/core/payload.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::events {

using core::PayloadIs;
using core::UnpackPayload;

absl::StatusOr<std::optional<v1::Customer>> CustomerCarried(const v1::EventEnvelope& event) {
  const auto& payload = event.payload();
  v1::Customer customer;
  if (PayloadIs<v1::CustomerRegistered>(payload)) {
    ASSIGN_OR_RETURN(auto e, UnpackPayload<v1::CustomerRegistered>(payload));
    customer = std::move(*e.mutable_customer());
  } else if (PayloadIs<v1::ProfileChanged>(payload)) {
    ASSIGN_OR_RETURN(auto e, UnpackPayload<v1::ProfileChanged>(payload));
    customer = std::move(*e.mutable_customer());
  } else if (PayloadIs<v1::CustomerDeactivated>(payload)) {
    ASSIGN_OR_RETURN(auto e, UnpackPayload<v1::CustomerDeactivated>(payload));
    customer = std::move(*e.mutable_customer());
  } else if (PayloadIs<v1::CustomerReactivated>(payload)) {
    ASSIGN_OR_RETURN(auto e, UnpackPayload<v1::CustomerReactivated>(payload));
    customer = std::move(*e.mutable_customer());
  } else if (PayloadIs<v1::CustomersMerged>(payload)) {
    ASSIGN_OR_RETURN(auto e, UnpackPayload<v1::CustomersMerged>(payload));
    customer = std::move(*e.mutable_survivor());
  } else if (PayloadIs<v1::CustomersUnmerged>(payload)) {
    ASSIGN_OR_RETURN(auto e, UnpackPayload<v1::CustomersUnmerged>(payload));
    customer = std::move(*e.mutable_survivor());
  } else {
    return std::nullopt;
  }
  if (customer.id().empty()) return core::FieldError("payload.customer.id", "missing");
  return customer;
}

}  // namespace pharmacrm::events
