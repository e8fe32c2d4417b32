// Wires customer-master into a ServiceHost.
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_APP_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_APP_H_

#include "pharmacrm/runtime/host.h"

namespace pharmacrm::customer_master {

inline const runtime::HostDefaults kDefaults{"customer-master", 7051, 9101};

// config/completeness_rules.textproto, compiled in.
extern const char kDefaultCompletenessRules[];

// Serves CustomerMasterService (api/), which publishes
// pharmacrm.customer.events.v1; its in-memory search, region and
// blocking-key index is loaded from the store here, before serving, and kept
// by the service's own writes. No projections. Flag --completeness_rules: a
// rules file replacing the compiled-in defaults (a bad file stops start-up
// with the line at fault).
absl::Status Wire(runtime::ServiceHost& host);

}  // namespace pharmacrm::customer_master

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_APP_H_
