#include "domain/channel/money.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

// The magnitude in uint64, which also holds that of INT64_MIN.
uint64_t Magnitude(int64_t fen) {
  return fen < 0 ? 0 - static_cast<uint64_t>(fen) : static_cast<uint64_t>(fen);
}

std::string Grouped(uint64_t n) {
  std::string digits = absl::StrCat(n);
  std::string out;
  for (size_t k = 0; k < digits.size(); ++k) {
    if (k > 0 && (digits.size() - k) % 3 == 0) out.push_back(',');
    out.push_back(digits[k]);
  }
  return out;
}

}  // namespace

std::string FormatYuan(int64_t fen) {
  const uint64_t magnitude = Magnitude(fen);
  return absl::StrFormat("%s¥%s.%02d", fen < 0 ? "-" : "", Grouped(magnitude / 100),
                         static_cast<int>(magnitude % 100));
}

std::string YuanDigits(int64_t fen) {
  const uint64_t magnitude = Magnitude(fen);
  return absl::StrFormat("%s%d.%02d", fen < 0 ? "-" : "", magnitude / 100, magnitude % 100);
}

}  // namespace pharmacrm::sales_pipeline::channel
