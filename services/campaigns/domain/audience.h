// The audience read model campaign targeting selects from. Pure.
#ifndef PHARMACRM_SERVICES_CAMPAIGNS_DOMAIN_AUDIENCE_H_
#define PHARMACRM_SERVICES_CAMPAIGNS_DOMAIN_AUDIENCE_H_

#include <optional>

#include "absl/status/statusor.h"
#include "pharmacrm/v1/campaigns.pb.h"
#include "pharmacrm/v1/events.pb.h"

namespace pharmacrm::campaigns {

// Customer events set the targeting attributes from the record they carry
// (events::CustomerCarried; newest customer version wins); VisitLogged counts visits. Events may arrive in any order across
// topics. Other events change nothing; a corrupt payload is poison.
absl::StatusOr<std::optional<v1::AudienceMember>> ProjectAudience(
    const v1::EventEnvelope& event, std::optional<v1::AudienceMember> current);

// Adds a merged customer's member entry to its survivor's: visits summed,
// the latest visit kept; targeting attributes stay the survivor's.
void FoldAudience(const v1::AudienceMember& merged, v1::AudienceMember* survivor);

}  // namespace pharmacrm::campaigns

#endif  // PHARMACRM_SERVICES_CAMPAIGNS_DOMAIN_AUDIENCE_H_
