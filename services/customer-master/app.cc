#include "app.h"

#include "api/customer_master_service.h"

namespace pharmacrm::customer_master {

absl::Status Wire(runtime::ServiceHost& host) {
  static CustomerMasterService* service = new CustomerMasterService(host);
  host.AddGrpcService(service);
  return absl::OkStatus();
}

}  // namespace pharmacrm::customer_master
