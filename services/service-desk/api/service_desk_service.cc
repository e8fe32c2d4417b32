#include "api/service_desk_service.h"

#include "domain/contact_card.h"
#include "pharmacrm/bus/kafka.h"
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

absl::Status Wire(runtime::ServiceHost& host) {
  static ServiceDeskService* service = new ServiceDeskService(host.store());
  host.AddGrpcService(service);
  host.AddProjection({std::string(bus::kCustomerTopic), std::string(bus::kSalesTopic)},
                     runtime::MergeFollowingProjection<v1::ContactCard>(&host.store(), kContactCard,
                                                                        ProjectContactCard));
  return absl::OkStatus();
}

}  // namespace pharmacrm::service_desk
