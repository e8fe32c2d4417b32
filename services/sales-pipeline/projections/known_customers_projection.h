// sales-pipeline's own copy of the customers it may log visits to, built
// from customer-master's events.
//
// Consumes pharmacrm.customer.events.v1 (one consumer, group
// pharmacrm.sales-pipeline). Each event goes through the pure step
// ProjectKnownCustomer (domain/known_customers.h) into the customer's
// kKnownCustomer entry (storage/keys.h), in the batch that also records the
// event in the inbox; CustomersMerged and CustomersUnmerged also move the
// merge redirects (runtime/merges.h) that LogVisit and GetCustomerActivity
// follow.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_PROJECTIONS_KNOWN_CUSTOMERS_PROJECTION_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_PROJECTIONS_KNOWN_CUSTOMERS_PROJECTION_H_

#include "pharmacrm/runtime/host.h"

namespace pharmacrm::sales_pipeline {

// Adds the projection to `host` (consumed from host.Run on).
void AddKnownCustomersProjection(runtime::ServiceHost& host);

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_PROJECTIONS_KNOWN_CUSTOMERS_PROJECTION_H_
