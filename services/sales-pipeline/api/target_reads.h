// Reads what a target allocation stands on from sales-pipeline's stores
// (docs/SALES_PROCESS.md, "Where the inputs come from"): the territory tree,
// the customers aligned at the year's start, their metrics of the year
// before, their doctors' classes and the product's sales facts, shaped by
// domain/process/target_inputs.h.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_API_TARGET_READS_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_API_TARGET_READS_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "domain/process/target_inputs.h"
#include "storage/channel_repository.h"
#include "storage/control_repository.h"
#include "storage/process_repository.h"

namespace pharmacrm::sales_pipeline {

// The tree of `product_id`'s target for `year`, with the customers aligned
// on 1 January of the year (China Standard Time; an alignment recorded in
// advance counts), their figures of year − 1 (metrics of `drug_class`,
// sales facts; growth against year − 2) and their sales of `year` up to
// `today`.
absl::StatusOr<process::TargetTree> ReadTargetTree(const ChannelRepository& channel,
                                                   const ControlRepository& control,
                                                   const ProcessRepository& process,
                                                   absl::string_view product_id, int year,
                                                   absl::string_view drug_class,
                                                   const process::DoctorClassRule& doctors,
                                                   absl::CivilDay today);

// The instant 1 January of `year` starts in China Standard Time.
absl::Time YearStart(int year);

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_API_TARGET_READS_H_
