// The text of .xlsx cell values: numbers as Excel shows them, number
// formats classified as dates or times, and date serials as dates. Pure;
// used by xlsx.cc and its test only.
#ifndef PHARMACRM_LIBS_TABULAR_SRC_XLSX_VALUES_H_
#define PHARMACRM_LIBS_TABULAR_SRC_XLSX_VALUES_H_

#include <optional>
#include <string>

#include "absl/strings/string_view.h"

namespace pharmacrm::tabular::xlsx_internal {

// What a number format shows a number as.
enum class NumberKind {
  kNumber,
  kDate,      // a day: y, m or d and no time of day
  kDateTime,  // a day and a time of day
  kTime,      // a time of day only: h or s, no y or d
};

// The kind of built-in format `id` (0..163; see xlsx.h for the ids).
NumberKind BuiltinKind(int id);

// The kind of a custom format code: its first section (up to an unquoted
// ";"), with quoted text, escaped characters (\x, _x, *x) and brackets
// ([Red], [$-804], [DBNum1]) left out, except the elapsed-time brackets
// [h], [mm], [ss]. y and d (any case) are dates; h and s times; m a month
// unless the code also has h or s (then minutes).
NumberKind FormatCodeKind(absl::string_view code);

// `value` (the text of a <v>: "12", "1.5E-3", "45.799999999999997")
// rounded to 15 significant digits, without exponent or trailing zeros;
// nullopt when it is not a finite number.
std::optional<std::string> NumberText(absl::string_view value);

// The date serial `value` as `kind` shows it (see xlsx.h), in the 1900 or
// the 1904 date system; the number as NumberText writes it when it is out
// of range or `kind` is kNumber; nullopt when `value` is not a number.
std::optional<std::string> SerialText(absl::string_view value, NumberKind kind, bool date1904);

// "2026-03-05T09:30:00Z" (an ISO 8601 date cell, t="d") as
// "2026-03-05 09:30:00", or "2026-03-05" at midnight; nullopt when it does
// not start with YYYY-MM-DD.
std::optional<std::string> IsoDateText(absl::string_view value);

}  // namespace pharmacrm::tabular::xlsx_internal

#endif  // PHARMACRM_LIBS_TABULAR_SRC_XLSX_VALUES_H_
