// Wires service-desk into a ServiceHost.
#ifndef PHARMACRM_SERVICES_SERVICE_DESK_APP_H_
#define PHARMACRM_SERVICES_SERVICE_DESK_APP_H_

#include "pharmacrm/runtime/host.h"

namespace pharmacrm::service_desk {

inline const runtime::HostDefaults kDefaults{"service-desk", 7054, 9104};

// Serves ServiceDeskService (api/) over contact cards, which one projection (projections/)
// builds from customer and sales events. Produces no events yet.
absl::Status Wire(runtime::ServiceHost& host);

}  // namespace pharmacrm::service_desk

#endif  // PHARMACRM_SERVICES_SERVICE_DESK_APP_H_
