// Requests a run of the channel checks (api/channel_checks.h) for every
// event of sales-pipeline's own topic that can change a finding
// (channel::TriggersChecks): consumes pharmacrm.sales.events.v1 (its own
// consumer, group pharmacrm.sales-pipeline) and raises the requested count
// (kChecksRequested) in the batch that records the event in the inbox. The
// run itself is the worker's, so a burst of events costs one run.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_PROJECTIONS_CHANNEL_CHECKS_PROJECTION_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_PROJECTIONS_CHANNEL_CHECKS_PROJECTION_H_

#include "pharmacrm/runtime/host.h"

namespace pharmacrm::sales_pipeline {

void AddChannelChecksProjection(runtime::ServiceHost& host);

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_PROJECTIONS_CHANNEL_CHECKS_PROJECTION_H_
