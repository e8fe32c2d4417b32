// Wires sales-pipeline into a ServiceHost.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_APP_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_APP_H_

#include "pharmacrm/runtime/host.h"

namespace pharmacrm::sales_pipeline {

inline const runtime::HostDefaults kDefaults{"sales-pipeline", 7052, 9102};

// Serves SalesPipelineService (api/: LogVisit, GetCustomerActivity) and
// ChannelService (api/: the product catalogue, distributor accounts,
// sell-in, payments and receivables), which publish on
// pharmacrm.sales.events.v1, and the known-customers projection
// (projections/) of pharmacrm.customer.events.v1.
absl::Status Wire(runtime::ServiceHost& host);

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_APP_H_
