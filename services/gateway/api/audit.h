// The audit of reads: every gateway answer that served personal data or
// above (domain/masking.h, Audited) is logged and counted.
#ifndef PHARMACRM_SERVICES_GATEWAY_API_AUDIT_H_
#define PHARMACRM_SERVICES_GATEWAY_API_AUDIT_H_

#include "absl/strings/string_view.h"
#include "domain/masking.h"

namespace pharmacrm::gateway {

// One log line "audit: personal data served" with the route, the target
// (path or RPC), the actor (x-pharmacrm-actor, else "anonymous"), the
// highest class served and how many fields were withheld, under the
// request's correlation id; and pharmacrm_gateway_audited_reads_total{class}.
void AuditRead(absl::string_view route, absl::string_view target, absl::string_view actor,
               const Disclosure& disclosed);

}  // namespace pharmacrm::gateway

#endif  // PHARMACRM_SERVICES_GATEWAY_API_AUDIT_H_
