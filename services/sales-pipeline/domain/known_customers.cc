#include "domain/known_customers.h"

#include "pharmacrm/core/payload.h"

namespace pharmacrm::sales_pipeline {

absl::StatusOr<std::optional<v1::Customer>> ProjectKnownCustomer(
    const v1::EventEnvelope& event, std::optional<v1::Customer> current) {
  v1::Customer customer;
  if (core::PayloadIs<v1::CustomerRegistered>(event.payload())) {
    ASSIGN_OR_RETURN(auto e, core::UnpackPayload<v1::CustomerRegistered>(event.payload()));
    customer = e.customer();
  } else if (core::PayloadIs<v1::ProfileChanged>(event.payload())) {
    ASSIGN_OR_RETURN(auto e, core::UnpackPayload<v1::ProfileChanged>(event.payload()));
    customer = e.customer();
  } else {
    return std::nullopt;
  }
  if (customer.id().empty()) return core::FieldError("payload.customer.id", "missing");
  if (current && current->version() >= customer.version()) return std::nullopt;
  return customer;
}

}  // namespace pharmacrm::sales_pipeline
