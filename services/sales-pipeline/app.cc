#include "app.h"

#include "api/sales_pipeline_service.h"
#include "domain/known_customers.h"
#include "pharmacrm/bus/kafka.h"
#include "pharmacrm/runtime/merges.h"
#include "storage/keys.h"

namespace pharmacrm::sales_pipeline {

absl::Status Wire(runtime::ServiceHost& host) {
  static SalesPipelineService* service = new SalesPipelineService(host);
  host.AddGrpcService(service);
  host.AddProjection({std::string(bus::kCustomerTopic)},
                     runtime::MergeFollowingProjection<v1::Customer>(&host.store(), kKnownCustomer,
                                                            ProjectKnownCustomer));
  return absl::OkStatus();
}

}  // namespace pharmacrm::sales_pipeline
