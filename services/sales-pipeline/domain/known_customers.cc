#include "domain/known_customers.h"

#include "pharmacrm/core/status.h"
#include "pharmacrm/events/customer_events.h"

namespace pharmacrm::sales_pipeline {

absl::StatusOr<std::optional<v1::Customer>> ProjectKnownCustomer(
    const v1::EventEnvelope& event, std::optional<v1::Customer> current) {
  ASSIGN_OR_RETURN(std::optional<v1::Customer> customer, events::CustomerCarried(event));
  if (!customer) return std::nullopt;
  if (current && current->version() >= customer->version()) return std::nullopt;
  return customer;
}

}  // namespace pharmacrm::sales_pipeline
