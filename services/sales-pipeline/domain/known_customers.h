// sales-pipeline's view of customers, built from customer events. Pure.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_KNOWN_CUSTOMERS_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_KNOWN_CUSTOMERS_H_

#include <optional>

#include "absl/status/statusor.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/events.pb.h"

namespace pharmacrm::sales_pipeline {

// The customer record an event carries (events::CustomerCarried: registered,
// changed, deactivated, or the survivor of a merge or unmerge) replaces the
// one held unless it is older; other events change nothing. Who was merged
// into whom is kept beside it (runtime/merges.h). A payload
// that does not parse is INVALID_ARGUMENT (poison).
absl::StatusOr<std::optional<v1::Customer>> ProjectKnownCustomer(
    const v1::EventEnvelope& event, std::optional<v1::Customer> current);

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_KNOWN_CUSTOMERS_H_
