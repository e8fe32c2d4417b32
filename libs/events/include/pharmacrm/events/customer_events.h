// The customer record a customer-master event carries, for read models in
// other services. Header-only, like payload.h, so pure domain code can use it
// with nothing but the generated messages.
#ifndef PHARMACRM_CORE_CUSTOMER_EVENTS_H_
#define PHARMACRM_CORE_CUSTOMER_EVENTS_H_

#include <optional>

#include "absl/status/statusor.h"
#include "pharmacrm/core/payload.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/events.pb.h"

namespace pharmacrm::core {

// The record of the event's customer after the change: the customer of
// CustomerRegistered, ProfileChanged and CustomerDeactivated, the survivor
// of CustomersMerged and CustomersUnmerged (whose profile the merge or
// unmerge changed). nullopt for other events. A payload that does not parse
// is INVALID_ARGUMENT naming "payload"; a record without an id names
// "payload.customer.id".
inline absl::StatusOr<std::optional<v1::Customer>> CustomerCarried(const v1::EventEnvelope& event) {
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
  if (customer.id().empty()) return FieldError("payload.customer.id", "missing");
  return customer;
}

}  // namespace pharmacrm::core

#endif  // PHARMACRM_CORE_CUSTOMER_EVENTS_H_
