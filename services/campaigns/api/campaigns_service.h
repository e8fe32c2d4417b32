// gRPC edge of campaigns (queries of its audience read model).
#ifndef PHARMACRM_SERVICES_CAMPAIGNS_API_CAMPAIGNS_SERVICE_H_
#define PHARMACRM_SERVICES_CAMPAIGNS_API_CAMPAIGNS_SERVICE_H_

#include "pharmacrm/store/store.h"
#include "pharmacrm/v1/campaigns.grpc.pb.h"

namespace pharmacrm::campaigns {

// Reads the audience read model (merged customers answer for their survivor). Thread-safe;
// `store` must outlive it.
class CampaignsService final : public v1::Campaigns::Service {
 public:
  explicit CampaignsService(const store::Store& store) : store_(store) {}
  grpc::Status GetAudienceMember(grpc::ServerContext* context,
                                 const v1::GetAudienceMemberRequest* request,
                                 v1::AudienceMember* response) override;

 private:
  const store::Store& store_;
};

}  // namespace pharmacrm::campaigns

#endif  // PHARMACRM_SERVICES_CAMPAIGNS_API_CAMPAIGNS_SERVICE_H_
