// A doctor's months of prescriptions (every drug class the metrics name), and
// what the field force reads from them (docs/SALES_PROCESS.md, "Call
// plans", "KPIs"). Pure and thread-safe.
//
//   class in a month   ClassifyDoctor over the 12 months before it: the
//                      prescriptions of all makers summed over the months
//                      with figures, divided by their number (at least 1).
//                      A doctor without figures in those months has no
//                      class (not planned, not a target doctor).
//   new prescriber     prescribed our drugs in the month (own > 0) and in
//                      none of the 12 months before.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_DOCTOR_MONTHS_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_DOCTOR_MONTHS_H_

#include <cstdint>
#include <map>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/time/civil_time.h"
#include "domain/process/target_inputs.h"

namespace pharmacrm::sales_pipeline::process {

struct PrescriptionMonth {
  int64_t all = 0;  // every maker's prescriptions of the classes
  int64_t own = 0;  // ours
};
// month -> figures
using DoctorMonths = std::map<absl::CivilMonth, PrescriptionMonth>;
// doctor id -> months
using DoctorPrescriptions = absl::flat_hash_map<std::string, DoctorMonths>;

DoctorClass ClassIn(const DoctorMonths& months, absl::CivilMonth month,
                    const DoctorClassRule& rule);

bool NewPrescriberIn(const DoctorMonths& months, absl::CivilMonth month);

}  // namespace pharmacrm::sales_pipeline::process

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_DOCTOR_MONTHS_H_
