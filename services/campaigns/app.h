// Wires campaigns into a ServiceHost.
#ifndef PHARMACRM_SERVICES_CAMPAIGNS_APP_H_
#define PHARMACRM_SERVICES_CAMPAIGNS_APP_H_

#include "pharmacrm/runtime/host.h"

namespace pharmacrm::campaigns {

inline const runtime::HostDefaults kDefaults{"campaigns", 7053, 9103};

// Serves CampaignsService (api/) over the audience read model, which one projection (projections/)
// builds from customer and sales events. Produces no events yet.
absl::Status Wire(runtime::ServiceHost& host);

}  // namespace pharmacrm::campaigns

#endif  // PHARMACRM_SERVICES_CAMPAIGNS_APP_H_
