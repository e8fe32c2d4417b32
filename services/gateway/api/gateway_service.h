// gRPC edge of the gateway.
#ifndef PHARMACRM_SERVICES_GATEWAY_API_GATEWAY_SERVICE_H_
#define PHARMACRM_SERVICES_GATEWAY_API_GATEWAY_SERVICE_H_

#include "api/backends.h"
#include "pharmacrm/v1/gateway.grpc.pb.h"
#include "pharmacrm/v1/privacy.pb.h"

namespace pharmacrm::gateway {

class GatewayService final : public v1::Gateway::Service {
 public:
  GatewayService(Backends& backends, v1::DataClass max_class)
      : backends_(backends), max_class_(max_class) {}
  grpc::Status GetCustomer360(grpc::ServerContext* context,
                              const v1::GetCustomer360Request* request,
                              v1::Customer360* response) override;

 private:
  Backends& backends_;
  v1::DataClass max_class_;  // Fields above it are withheld (domain/masking.h).
};

}  // namespace pharmacrm::gateway

#endif  // PHARMACRM_SERVICES_GATEWAY_API_GATEWAY_SERVICE_H_
