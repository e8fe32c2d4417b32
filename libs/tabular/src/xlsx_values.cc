#include "xlsx_values.h"

#include <cmath>
#include <cstdint>
#include <cstdlib>

#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"

namespace pharmacrm::tabular::xlsx_internal {
namespace {

constexpr int64_t kSecondsPerDay = 86'400;
constexpr int64_t kLastSerial1900 = 2'958'465;  // 9999-12-31
constexpr int64_t kLastSerial1904 = 2'957'003;  // 9999-12-31

bool IsElapsed(absl::string_view bracket) {
  if (bracket.empty()) return false;
  const char c = absl::ascii_tolower(static_cast<unsigned char>(bracket.front()));
  if (c != 'h' && c != 'm' && c != 's') return false;
  for (char x : bracket) {
    if (absl::ascii_tolower(static_cast<unsigned char>(x)) != c) return false;
  }
  return true;
}

std::string TimeText(int64_t seconds) {
  return absl::StrFormat("%02d:%02d:%02d", seconds / 3600, seconds / 60 % 60, seconds % 60);
}

}  // namespace

NumberKind BuiltinKind(int id) {
  if ((id >= 14 && id <= 17) || (id >= 27 && id <= 31) || id == 36 || (id >= 50 && id <= 54) ||
      id == 57 || id == 58) {
    return NumberKind::kDate;
  }
  if (id == 22) return NumberKind::kDateTime;
  if ((id >= 18 && id <= 21) || (id >= 32 && id <= 35) || (id >= 45 && id <= 47) || id == 55 ||
      id == 56) {
    return NumberKind::kTime;
  }
  return NumberKind::kNumber;
}

NumberKind FormatCodeKind(absl::string_view code) {
  bool date = false, time = false, month = false;
  for (size_t i = 0; i < code.size(); ++i) {
    const char c = absl::ascii_tolower(static_cast<unsigned char>(code[i]));
    if (c == ';') break;
    switch (c) {
      case '"': {
        const size_t close = code.find('"', i + 1);
        if (close == absl::string_view::npos) return NumberKind::kNumber;  // unterminated
        i = close;
        break;
      }
      case '\\':
      case '_':
      case '*':
        ++i;  // the next character is literal (or padding)
        break;
      case '[': {
        const size_t close = code.find(']', i + 1);
        if (close == absl::string_view::npos) return NumberKind::kNumber;
        if (IsElapsed(code.substr(i + 1, close - i - 1))) time = true;
        i = close;
        break;
      }
      case 'y':
      case 'd':
        date = true;
        break;
      case 'h':
      case 's':
        time = true;
        break;
      case 'm':
        month = true;
        break;
      default:
        break;
    }
  }
  if (month && !time) date = true;
  if (date) return time ? NumberKind::kDateTime : NumberKind::kDate;
  return time ? NumberKind::kTime : NumberKind::kNumber;
}

std::optional<std::string> NumberText(absl::string_view value) {
  double v = 0;
  if (!absl::SimpleAtod(value, &v) || !std::isfinite(v)) return std::nullopt;
  if (v == 0) return "0";
  // "-4.57999999999999e+01": a sign, 15 digits and the exponent.
  const std::string e = absl::StrFormat("%.14e", v);
  const bool negative = e.front() == '-';
  const size_t mark = e.find('e');
  std::string digits;
  for (size_t i = negative ? 1 : 0; i < mark; ++i) {
    if (e[i] != '.') digits.push_back(e[i]);
  }
  int exponent = 0;
  if (!absl::SimpleAtoi(absl::string_view(e).substr(mark + 1), &exponent)) return std::nullopt;
  while (digits.size() > 1 && digits.back() == '0') digits.pop_back();
  // Digits before the point.
  const int whole = exponent + 1;
  std::string out = negative ? "-" : "";
  if (whole <= 0) {
    absl::StrAppend(&out, "0.", std::string(static_cast<size_t>(-whole), '0'), digits);
  } else if (static_cast<size_t>(whole) >= digits.size()) {
    absl::StrAppend(&out, digits, std::string(whole - digits.size(), '0'));
  } else {
    absl::StrAppend(&out, absl::string_view(digits).substr(0, whole), ".",
                    absl::string_view(digits).substr(whole));
  }
  return out;
}

std::optional<std::string> SerialText(absl::string_view value, NumberKind kind, bool date1904) {
  std::optional<std::string> number = NumberText(value);
  if (!number || kind == NumberKind::kNumber) return number;
  double serial = 0;
  if (!absl::SimpleAtod(value, &serial)) return number;  // NumberText read it; kept as written.
  const double whole = std::floor(serial);
  int64_t days = static_cast<int64_t>(whole);
  int64_t seconds = std::llround((serial - whole) * kSecondsPerDay);
  if (seconds == kSecondsPerDay) {
    ++days;
    seconds = 0;
  }
  if (kind == NumberKind::kTime) {
    return serial < 0 ? number : std::optional<std::string>(TimeText(seconds));
  }
  std::string day;
  if (date1904) {
    if (days < 0 || days > kLastSerial1904) return number;
    day = absl::FormatCivilTime(absl::CivilDay(1904, 1, 1) + days);
  } else {
    if (days < 1 || days > kLastSerial1900) return number;
    // Excel counts 1900-02-29, which never was (Lotus 1-2-3's bug, kept).
    if (days == 60) {
      day = "1900-02-29";
    } else {
      day = absl::FormatCivilTime(absl::CivilDay(1899, 12, days < 60 ? 31 : 30) + days);
    }
  }
  if (kind == NumberKind::kDateTime && seconds != 0) {
    absl::StrAppend(&day, " ", TimeText(seconds));
  }
  return day;
}

std::optional<std::string> IsoDateText(absl::string_view value) {
  absl::CivilDay day;
  if (value.size() < 10 || !absl::ParseCivilTime(value.substr(0, 10), &day)) return std::nullopt;
  std::string out = absl::FormatCivilTime(day);
  absl::string_view rest = value.substr(10);
  absl::CivilSecond second;
  if (rest.size() >= 9 && (rest[0] == 'T' || rest[0] == ' ') &&
      absl::ParseCivilTime(absl::StrCat("2000-01-01T", rest.substr(1, 8)), &second) &&
      (second.hour() != 0 || second.minute() != 0 || second.second() != 0)) {
    absl::StrAppend(&out, " ", rest.substr(1, 8));
  }
  return out;
}

}  // namespace pharmacrm::tabular::xlsx_internal
