#include "domain/process/allocation_format.h"

#include <cstdint>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace pharmacrm::sales_pipeline::process {

std::string FormatUnits(int64_t units) {
  // The magnitude as unsigned, so INT64_MIN has one too.
  const uint64_t magnitude =
      units < 0 ? ~static_cast<uint64_t>(units) + 1 : static_cast<uint64_t>(units);
  const std::string digits = absl::StrCat(magnitude);
  std::string out = units < 0 ? "-" : "";
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return out;
}

std::string FormatPercent(double share) { return absl::StrFormat("%.2f%%", share * 100); }

}  // namespace pharmacrm::sales_pipeline::process
