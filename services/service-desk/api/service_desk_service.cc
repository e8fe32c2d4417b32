#include "api/service_desk_service.h"

#include "domain/contact_card.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/runtime/merges.h"
#include "storage/keys.h"

namespace pharmacrm::service_desk {

grpc::Status ServiceDeskService::GetContactCard(grpc::ServerContext* context,
                                                const v1::GetContactCardRequest* request,
                                                v1::ContactCard* response) {
  return rpc::HandleRpc("ServiceDesk/GetContactCard", context, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(*response, runtime::ReadMergedEntry<v1::ContactCard>(
                                    store_, kContactCard, request->customer_id(), FoldContactCard));
    return absl::OkStatus();
  });
}

}  // namespace pharmacrm::service_desk
