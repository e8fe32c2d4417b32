#include "api/campaigns_service.h"

#include "domain/audience.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/runtime/merges.h"
#include "storage/keys.h"

namespace pharmacrm::campaigns {

grpc::Status CampaignsService::GetAudienceMember(grpc::ServerContext* context,
                                                 const v1::GetAudienceMemberRequest* request,
                                                 v1::AudienceMember* response) {
  return rpc::HandleRpc("Campaigns/GetAudienceMember", context, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(*response, runtime::ReadMergedEntry<v1::AudienceMember>(
                                    store_, kAudience, request->customer_id(), FoldAudience));
    return absl::OkStatus();
  });
}

}  // namespace pharmacrm::campaigns
