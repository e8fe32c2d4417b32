// Calendar dates and months of the channel's records ("YYYY-MM-DD",
// "YYYY-MM"), read strictly and named in errors. Days are China Standard
// Time (UTC+8, no daylight saving), the calendar the users' ERPs and flow
// files are kept in. Pure and thread-safe.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_DATES_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_DATES_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"

namespace pharmacrm::sales_pipeline::channel {

// The earliest and latest dates a channel record may carry.
inline constexpr absl::CivilDay kFirstDay{2000, 1, 1};
inline constexpr absl::CivilDay kLastDay{2099, 12, 31};

// "2026-03-15" (exactly; also 2026/03/15 and 2026.03.15 as Chinese
// spreadsheets write them, and 20260315) within kFirstDay..kLastDay.
// INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<absl::CivilDay> ParseDate(absl::string_view text, absl::string_view field);
// "2026-03" (also 2026/03, 202603) within the years of kFirstDay..kLastDay.
absl::StatusOr<absl::CivilMonth> ParseMonth(absl::string_view text, absl::string_view field);

std::string FormatDate(absl::CivilDay day);      // "2026-03-15"
std::string FormatMonth(absl::CivilMonth month); // "2026-03"

// The China Standard Time calendar day of an instant.
absl::CivilDay ChinaDay(absl::Time t);
// The instant `day` starts in China Standard Time.
absl::Time ChinaDayStart(absl::CivilDay day);

// Days in the month of `month`.
int DaysInMonth(absl::CivilMonth month);

}  // namespace pharmacrm::sales_pipeline::channel

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_DATES_H_
