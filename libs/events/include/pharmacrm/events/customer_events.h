// Reading customer-master's events (pharmacrm.customer.events.v1) in the
// read models of other services. Pure: the generated messages and Abseil
// only, so a service's domain/ library may link it.
#ifndef PHARMACRM_EVENTS_CUSTOMER_EVENTS_H_
#define PHARMACRM_EVENTS_CUSTOMER_EVENTS_H_

#include <optional>

#include "absl/status/statusor.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/events.pb.h"

namespace pharmacrm::events {

// The record of the event's customer after the change: the customer of
// CustomerRegistered, ProfileChanged, CustomerDeactivated and
// CustomerReactivated, the survivor of CustomersMerged and CustomersUnmerged
// (whose profile the merge or unmerge changed). nullopt for other events. A
// payload that does not parse is INVALID_ARGUMENT naming "payload"; a record
// without an id names "payload.customer.id".
absl::StatusOr<std::optional<v1::Customer>> CustomerCarried(const v1::EventEnvelope& event);

}  // namespace pharmacrm::events

#endif  // PHARMACRM_EVENTS_CUSTOMER_EVENTS_H_
