// The sales process's copy of what customer-master knows about the
// organisation and its customers' figures: the territory tree
// (TerritoryChanged), customers' and reps' alignment histories
// (CustomerAligned, RepAligned) and whole-customer monthly metrics
// (MetricsRecorded), into storage/process_repository's key spaces.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_PROJECTIONS_PROCESS_INPUTS_PROJECTION_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_PROJECTIONS_PROCESS_INPUTS_PROJECTION_H_

#include "absl/status/status.h"
#include "pharmacrm/runtime/host.h"
#include "pharmacrm/store/store.h"
#include "pharmacrm/v1/events.pb.h"

namespace pharmacrm::sales_pipeline {

// Applies one customer-topic event to the process's read models (other
// payloads are skipped): the consumer's step, exposed for tests.
absl::Status ApplyProcessInput(store::Store& store, const v1::EventEnvelope& event,
                               store::Batch& batch);

void AddProcessInputsProjection(runtime::ServiceHost& host);

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_PROJECTIONS_PROCESS_INPUTS_PROJECTION_H_
