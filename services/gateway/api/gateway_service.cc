#include "api/gateway_service.h"

#include "api/audit.h"
#include "domain/masking.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/rpc/server.h"

namespace pharmacrm::gateway {

grpc::Status GatewayService::GetCustomer360(grpc::ServerContext* context,
                                            const v1::GetCustomer360Request* request,
                                            v1::Customer360* response) {
  return rpc::HandleRpc("Gateway/GetCustomer360", context, [&]() -> absl::Status {
    if (request->customer_id().empty()) return core::FieldError("customer_id", "must be set");
    ASSIGN_OR_RETURN(*response, backends_.GetCustomer360(request->customer_id()));
    Disclosure disclosed = Disclose(response, max_class_);
    if (disclosed.withheld > 0) {
      context->AddTrailingMetadata("x-pharmacrm-withheld-fields",
                                   std::to_string(disclosed.withheld));
    }
    if (Audited(disclosed)) {
      AuditRead("Gateway/GetCustomer360", request->customer_id(), rpc::ActorOf(*context),
                disclosed);
    }
    return absl::OkStatus();
  });
}

}  // namespace pharmacrm::gateway
