#include "projections/audience_projection.h"

#include <string>

#include "domain/audience.h"
#include "pharmacrm/bus/kafka.h"
#include "pharmacrm/runtime/merges.h"
#include "storage/keys.h"

namespace pharmacrm::campaigns {

void AddAudienceProjection(runtime::ServiceHost& host) {
  host.AddProjection({std::string(bus::kCustomerTopic), std::string(bus::kSalesTopic)},
                     runtime::MergeFollowingProjection<v1::AudienceMember>(&host.store(), kAudience,
                                                                  ProjectAudience));
}

}  // namespace pharmacrm::campaigns
