// Finding a change factor alert's owner (domain/process/alert_owner.h) from
// what sales-pipeline stores: the account's alignment (a doctor's
// hospital's too), every person with their alignments, and the territory
// tree above the account's territory. Shared by RecordChange and the
// consumer of customer-master's profile changes.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_API_ALERT_OWNER_READS_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_API_ALERT_OWNER_READS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "domain/process/alert_owner.h"
#include "pharmacrm/store/store.h"
#include "storage/process_repository.h"

namespace pharmacrm::sales_pipeline {

// The owner at `at` of `customer_id` (`hospital_id`: a doctor's hospital,
// or ""), changes already in `pending` winning over the store.
absl::StatusOr<process::AlertOwner> ReadAlertOwner(const ProcessRepository& process,
                                                   const std::string& customer_id,
                                                   const std::string& hospital_id, absl::Time at,
                                                   const store::Batch* pending = nullptr);

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_API_ALERT_OWNER_READS_H_
