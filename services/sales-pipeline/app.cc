#include "app.h"

#include "api/channel_service.h"
#include "api/sales_pipeline_service.h"
#include "projections/known_customers_projection.h"

namespace pharmacrm::sales_pipeline {

absl::Status Wire(runtime::ServiceHost& host) {
  host.EmplaceService<SalesPipelineService>(host);
  host.EmplaceService<ChannelService>(host);
  AddKnownCustomersProjection(host);
  return absl::OkStatus();
}

}  // namespace pharmacrm::sales_pipeline
