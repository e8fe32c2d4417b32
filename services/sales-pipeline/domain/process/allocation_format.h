// Numbers written for the people who check an allocation (allocation.h).
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_ALLOCATION_FORMAT_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_ALLOCATION_FORMAT_H_

#include <cstdint>
#include <string>

namespace pharmacrm::sales_pipeline::process {

// Whole units with thousands separators: 1234567 -> "1,234,567",
// -10000 -> "-10,000".
std::string FormatUnits(int64_t units);

// A share as a percentage with two decimals: 0.325 -> "32.50%".
std::string FormatPercent(double share);

}  // namespace pharmacrm::sales_pipeline::process

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_ALLOCATION_FORMAT_H_
