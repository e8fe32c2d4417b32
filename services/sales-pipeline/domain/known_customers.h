// sales-pipeline's view of customers, built from customer events. Pure.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_KNOWN_CUSTOMERS_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_KNOWN_CUSTOMERS_H_

#include <optional>

#include "absl/status/statusor.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/events.pb.h"

namespace pharmacrm::sales_pipeline {

// CustomerRegistered and ProfileChanged set the customer (a change older
// than what is held is ignored); other events change nothing. A payload
// that does not parse is INVALID_ARGUMENT (poison).
absl::StatusOr<std::optional<v1::Customer>> ProjectKnownCustomer(
    const v1::EventEnvelope& event, std::optional<v1::Customer> current);

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_KNOWN_CUSTOMERS_H_
