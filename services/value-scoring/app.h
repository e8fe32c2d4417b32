// Wires value-scoring into a ServiceHost.
#ifndef PHARMACRM_SERVICES_VALUE_SCORING_APP_H_
#define PHARMACRM_SERVICES_VALUE_SCORING_APP_H_

#include "pharmacrm/runtime/host.h"

namespace pharmacrm::value_scoring {

inline const runtime::HostDefaults kDefaults{"value-scoring", 7055, 9105};

// Serves ValueScoringService (api/) over per-customer activity counts, which one projection (projections/)
// builds from customer and sales events. Produces no events yet.
absl::Status Wire(runtime::ServiceHost& host);

}  // namespace pharmacrm::value_scoring

#endif  // PHARMACRM_SERVICES_VALUE_SCORING_APP_H_
