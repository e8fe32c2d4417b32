#include "domain/channel/dates.h"

#include <algorithm>
#include <cstdint>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

absl::Status Invalid(absl::string_view field, absl::string_view text, absl::string_view want) {
  return core::FieldStatus(absl::StatusCode::kInvalidArgument, field,
                           absl::StrCat("'", text, "' is not a ", want));
}

// Splits "2026-03-15", "2026/3/15", "2026.03.15" or "20260315" into its
// numbers; `parts` is 3 for a date, 2 for a month.
bool SplitNumbers(absl::string_view text, int parts, int64_t out[3]) {
  for (char sep : {'-', '/', '.'}) {
    if (text.find(sep) == absl::string_view::npos) continue;
    int n = 0;
    size_t start = 0;
    while (true) {
      size_t end = text.find(sep, start);
      absl::string_view part =
          text.substr(start, end == absl::string_view::npos ? absl::string_view::npos : end - start);
      if (n == parts || part.empty() || part.size() > 4 ||
          !std::all_of(part.begin(), part.end(), absl::ascii_isdigit) ||
          !absl::SimpleAtoi(part, &out[n])) {
        return false;
      }
      ++n;
      if (end == absl::string_view::npos) break;
      start = end + 1;
    }
    return n == parts;
  }
  // Digits only: YYYYMMDD or YYYYMM.
  if (text.size() != static_cast<size_t>(parts == 3 ? 8 : 6) ||
      !std::all_of(text.begin(), text.end(), absl::ascii_isdigit)) {
    return false;
  }
  return absl::SimpleAtoi(text.substr(0, 4), &out[0]) &&
         absl::SimpleAtoi(text.substr(4, 2), &out[1]) &&
         (parts == 2 || absl::SimpleAtoi(text.substr(6, 2), &out[2]));
}

}  // namespace

absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view text, absl::string_view field) {
  text = absl::StripAsciiWhitespace(text);
  int64_t n[3] = {0, 0, 0};
  if (!SplitNumbers(text, 3, n)) return Invalid(field, text, "date (YYYY-MM-DD)");
  const absl::CivilDay day(n[0], n[1], n[2]);
  // CivilDay normalises 2026-02-30 to 2026-03-02; a real date survives.
  if (day.year() != n[0] || day.month() != n[1] || day.day() != n[2]) {
    return Invalid(field, text, "date of the calendar");
  }
  if (day < kFirstDay || day > kLastDay) {
    return core::FieldStatus(absl::StatusCode::kInvalidArgument, field,
                             absl::StrCat("'", text, "' is outside ", FormatDate(kFirstDay),
                                          "..", FormatDate(kLastDay)));
  }
  return day;
}

absl::StatusOr<absl::CivilMonth> ParseMonth(absl::string_view text, absl::string_view field) {
  text = absl::StripAsciiWhitespace(text);
  int64_t n[3] = {0, 0, 0};
  if (!SplitNumbers(text, 2, n) || n[1] < 1 || n[1] > 12) {
    return Invalid(field, text, "month (YYYY-MM)");
  }
  const absl::CivilMonth month(n[0], n[1]);
  if (month < absl::CivilMonth(kFirstDay) || month > absl::CivilMonth(kLastDay)) {
    return core::FieldStatus(absl::StatusCode::kInvalidArgument, field,
                             absl::StrCat("'", text, "' is outside ",
                                          FormatMonth(absl::CivilMonth(kFirstDay)), "..",
                                          FormatMonth(absl::CivilMonth(kLastDay))));
  }
  return month;
}

std::string FormatDate(absl::CivilDay day) {
  return absl::StrFormat("%04d-%02d-%02d", day.year(), day.month(), day.day());
}

std::string FormatMonth(absl::CivilMonth month) {
  return absl::StrFormat("%04d-%02d", month.year(), month.month());
}

namespace {
const absl::TimeZone& China() {
  static const absl::TimeZone kChina = absl::FixedTimeZone(8 * 60 * 60);
  return kChina;
}
}  // namespace

absl::CivilDay ChinaDay(absl::Time t) {
  return absl::ToCivilDay(t, China());
}

absl::Time ChinaDayStart(absl::CivilDay day) { return absl::FromCivil(day, China()); }

int DaysInMonth(absl::CivilMonth month) {
  return static_cast<int>(absl::CivilDay(month + 1) - absl::CivilDay(month));
}

}  // namespace pharmacrm::sales_pipeline::channel
