// Wires customer-master into a ServiceHost.
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_APP_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_APP_H_

#include "pharmacrm/runtime/host.h"

namespace pharmacrm::customer_master {

inline const runtime::HostDefaults kDefaults{"customer-master", 7051, 9101};

// customer-master publishes pharmacrm.customer.events.v1 and consumes nothing.
absl::Status Wire(runtime::ServiceHost& host);

}  // namespace pharmacrm::customer_master

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_APP_H_
