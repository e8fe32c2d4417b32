#include "app.h"

#include "api/campaigns_service.h"
#include "projections/audience_projection.h"

namespace pharmacrm::campaigns {

absl::Status Wire(runtime::ServiceHost& host) {
  host.EmplaceService<CampaignsService>(host.store());
  AddAudienceProjection(host);
  return absl::OkStatus();
}

}  // namespace pharmacrm::campaigns
