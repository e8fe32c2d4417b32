// gRPC edge of service-desk (queries of its contact-card read model).
#ifndef PHARMACRM_SERVICES_SERVICE_DESK_API_SERVICE_DESK_SERVICE_H_
#define PHARMACRM_SERVICES_SERVICE_DESK_API_SERVICE_DESK_SERVICE_H_

#include "pharmacrm/store/store.h"
#include "pharmacrm/v1/service_desk.grpc.pb.h"

namespace pharmacrm::service_desk {

// Reads contact cards (merged customers answer for their survivor). Thread-safe;
// `store` must outlive it.
class ServiceDeskService final : public v1::ServiceDesk::Service {
 public:
  explicit ServiceDeskService(const store::Store& store) : store_(store) {}
  grpc::Status GetContactCard(grpc::ServerContext* context, const v1::GetContactCardRequest* request,
                              v1::ContactCard* response) override;

 private:
  const store::Store& store_;
};

}  // namespace pharmacrm::service_desk

#endif  // PHARMACRM_SERVICES_SERVICE_DESK_API_SERVICE_DESK_SERVICE_H_
