// Per-customer activity counts that scoring builds on. Pure.
#ifndef PHARMACRM_SERVICES_VALUE_SCORING_DOMAIN_CUSTOMER_VALUE_H_
#define PHARMACRM_SERVICES_VALUE_SCORING_DOMAIN_CUSTOMER_VALUE_H_

#include <optional>

#include "absl/status/statusor.h"
#include "pharmacrm/v1/events.pb.h"
#include "pharmacrm/v1/value_scoring.pb.h"

namespace pharmacrm::value_scoring {

// CustomerRegistered creates the entry; ProfileChanged and VisitLogged
// count; deactivation, merges and unmerges only move last_event_at; last_event_at is the latest occurred_at seen. Each event must be
// applied once (the consumer's inbox guarantees it). Other events change
// nothing; a corrupt payload is poison.
absl::StatusOr<std::optional<v1::CustomerValue>> ProjectCustomerValue(
    const v1::EventEnvelope& event, std::optional<v1::CustomerValue> current);

// Adds a merged customer's counts to its survivor's (summed; the latest
// event time kept).
void FoldCustomerValue(const v1::CustomerValue& merged, v1::CustomerValue* survivor);

}  // namespace pharmacrm::value_scoring

#endif  // PHARMACRM_SERVICES_VALUE_SCORING_DOMAIN_CUSTOMER_VALUE_H_
