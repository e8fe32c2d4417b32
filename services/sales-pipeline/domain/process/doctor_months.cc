#include "domain/process/doctor_months.h"

#include "domain/channel/dates.h"

namespace pharmacrm::sales_pipeline::process {

DoctorClass ClassIn(const DoctorMonths& months, absl::CivilMonth month,
                    const DoctorClassRule& rule) {
  const std::string from = channel::FormatMonth(month - 12);
  const std::string before = channel::FormatMonth(month);
  int64_t sum = 0;
  int counted = 0;
  for (auto it = months.lower_bound(from); it != months.end() && it->first < before; ++it) {
    sum += it->second.all;
    ++counted;
  }
  if (counted == 0) return DoctorClass::kNone;
  return ClassifyDoctor(sum, counted, rule);
}

bool NewPrescriberIn(const DoctorMonths& months, absl::CivilMonth month) {
  auto now = months.find(channel::FormatMonth(month));
  if (now == months.end() || now->second.own <= 0) return false;
  const std::string from = channel::FormatMonth(month - 12);
  for (auto it = months.lower_bound(from); it != now; ++it) {
    if (it->second.own > 0) return false;
  }
  return true;
}

}  // namespace pharmacrm::sales_pipeline::process
