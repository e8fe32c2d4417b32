// The audience campaign targeting selects from: built from customer-master's and sales-pipeline's events.
//
// Consumes pharmacrm.customer.events.v1 and pharmacrm.sales.events.v1 (one
// consumer, group pharmacrm.campaigns). Each event goes through the pure step
// ProjectAudience (domain/audience.h) into the customer's kAudience entry (storage/keys.h),
// in the batch that also records the event in the inbox; CustomersMerged and
// CustomersUnmerged also move the merge redirects (runtime/merges.h).
#ifndef PHARMACRM_SERVICES_CAMPAIGNS_PROJECTIONS_AUDIENCE_PROJECTION_H_
#define PHARMACRM_SERVICES_CAMPAIGNS_PROJECTIONS_AUDIENCE_PROJECTION_H_

#include "pharmacrm/runtime/host.h"

namespace pharmacrm::campaigns {

// Adds the projection to `host` (consumed from host.Run on).
void AddAudienceProjection(runtime::ServiceHost& host);

}  // namespace pharmacrm::campaigns

#endif  // PHARMACRM_SERVICES_CAMPAIGNS_PROJECTIONS_AUDIENCE_PROJECTION_H_
