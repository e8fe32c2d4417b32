// gRPC edge of the gateway.
#ifndef PHARMACRM_SERVICES_GATEWAY_API_GATEWAY_SERVICE_H_
#define PHARMACRM_SERVICES_GATEWAY_API_GATEWAY_SERVICE_H_

#include "api/backends.h"
#include "pharmacrm/v1/gateway.grpc.pb.h"

namespace pharmacrm::gateway {

class GatewayService final : public v1::Gateway::Service {
 public:
  explicit GatewayService(Backends& backends) : backends_(backends) {}
  grpc::Status GetCustomer360(grpc::ServerContext* context, const v1::GetCustomer360Request* request,
                              v1::Customer360* response) override;

 private:
  Backends& backends_;
};

}  // namespace pharmacrm::gateway

#endif  // PHARMACRM_SERVICES_GATEWAY_API_GATEWAY_SERVICE_H_
