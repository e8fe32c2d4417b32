// The per-customer activity counts scoring builds on: built from customer-master's and sales-pipeline's events.
//
// Consumes pharmacrm.customer.events.v1 and pharmacrm.sales.events.v1 (one
// consumer, group pharmacrm.value-scoring). Each event goes through the pure step
// ProjectCustomerValue (domain/customer_value.h) into the customer's kCustomerValue entry (storage/keys.h),
// in the batch that also records the event in the inbox; CustomersMerged and
// CustomersUnmerged also move the merge redirects (runtime/merges.h).
#ifndef PHARMACRM_SERVICES_VALUE_SCORING_PROJECTIONS_CUSTOMER_VALUE_PROJECTION_H_
#define PHARMACRM_SERVICES_VALUE_SCORING_PROJECTIONS_CUSTOMER_VALUE_PROJECTION_H_

#include "pharmacrm/runtime/host.h"

namespace pharmacrm::value_scoring {

// Adds the projection to `host` (consumed from host.Run on).
void AddCustomerValueProjection(runtime::ServiceHost& host);

}  // namespace pharmacrm::value_scoring

#endif  // PHARMACRM_SERVICES_VALUE_SCORING_PROJECTIONS_CUSTOMER_VALUE_PROJECTION_H_
