// The contact cards agents see: built from customer-master's and sales-pipeline's events.
//
// Consumes pharmacrm.customer.events.v1 and pharmacrm.sales.events.v1 (one
// consumer, group pharmacrm.service-desk). Each event goes through the pure step
// ProjectContactCard (domain/contact_card.h) into the customer's kContactCard entry (storage/keys.h),
// in the batch that also records the event in the inbox; CustomersMerged and
// CustomersUnmerged also move the merge redirects (runtime/merges.h).
#ifndef PHARMACRM_SERVICES_SERVICE_DESK_PROJECTIONS_CONTACT_CARD_PROJECTION_H_
#define PHARMACRM_SERVICES_SERVICE_DESK_PROJECTIONS_CONTACT_CARD_PROJECTION_H_

#include "pharmacrm/runtime/host.h"

namespace pharmacrm::service_desk {

// Adds the projection to `host` (consumed from host.Run on).
void AddContactCardProjection(runtime::ServiceHost& host);

}  // namespace pharmacrm::service_desk

#endif  // PHARMACRM_SERVICES_SERVICE_DESK_PROJECTIONS_CONTACT_CARD_PROJECTION_H_
