// Targets as they are stored and answered: an allocation (allocation.h) to
// and from its TargetRecord (inputs, method, the amounts of each node), and
// to the API's TargetAllocation. Pure and thread-safe.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_TARGET_RECORDS_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_TARGET_RECORDS_H_

#include "absl/status/statusor.h"
#include "domain/process/allocation.h"
#include "pharmacrm/v1/sales_pipeline_storage.pb.h"
#include "pharmacrm/v1/sales_process.pb.h"

namespace pharmacrm::sales_pipeline::process {

// The method of a request's weights (doctor points and growth cap as the
// defaults of allocation.h).
AllocationMethod MethodOf(const v1::TargetWeights& weights);

// The record of `allocation` (inputs, states, totals). Version, versions,
// drug class, weights and missing inputs are the caller's to set.
v1::TargetRecord ToRecord(const Allocation& allocation);

// The allocation a record stands for: its inputs allocated again by its
// method and target, then each node's amount, lock and basis as stored.
// DATA_LOSS when the record's states do not fit its inputs.
absl::StatusOr<Allocation> Restore(const v1::TargetRecord& record);

// One node as the API answers it.
v1::TargetNode ToNodeProto(const Allocation& allocation, int index);

// The API's view of a record's allocation, with the nodes of levels up to
// `depth` (1 nation .. 5 customers; 0 means 4).
v1::TargetAllocation ToAllocationProto(const v1::TargetRecord& record,
                                       const Allocation& allocation, int depth);

}  // namespace pharmacrm::sales_pipeline::process

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_TARGET_RECORDS_H_
