#include "domain/process/doctor_months.h"

namespace pharmacrm::sales_pipeline::process {

DoctorClass ClassIn(const DoctorMonths& months, absl::CivilMonth month,
                    const DoctorClassRule& rule) {
  int64_t sum = 0;
  int counted = 0;
  for (auto it = months.lower_bound(month - 12); it != months.end() && it->first < month; ++it) {
    sum += it->second.all;
    ++counted;
  }
  if (counted == 0) return DoctorClass::kNone;
  return ClassifyDoctor(sum, counted, rule);
}

bool NewPrescriberIn(const DoctorMonths& months, absl::CivilMonth month) {
  auto now = months.find(month);
  if (now == months.end() || now->second.own <= 0) return false;
  for (auto it = months.lower_bound(month - 12); it != now; ++it) {
    if (it->second.own > 0) return false;
  }
  return true;
}

}  // namespace pharmacrm::sales_pipeline::process
