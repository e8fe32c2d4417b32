#include "app.h"

#include "api/customer_master_service.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {

absl::Status Wire(runtime::ServiceHost& host) {
  ASSIGN_OR_RETURN(std::unique_ptr<PinyinConverter> pinyin, PinyinConverter::Create());
  static CustomerMasterService* service = new CustomerMasterService(host, *pinyin.release());
  host.AddGrpcService(service);
  return absl::OkStatus();
}

}  // namespace pharmacrm::customer_master
