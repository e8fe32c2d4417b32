#include "pharmacrm/core/time.h"

#include <cstdint>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/util/time_util.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::core {
namespace {
using google::protobuf::Timestamp;
using google::protobuf::util::TimeUtil;

constexpr int32_t kMaxNanos = 999'999'999;

Timestamp MakeTimestamp(int64_t seconds, int32_t nanos) {
  Timestamp ts;
  ts.set_seconds(seconds);
  ts.set_nanos(nanos);
  return ts;
}

// Appends `v` as `width` decimal digits.
void AppendDigits(uint64_t v, int width, std::string* out) {
  const size_t at = out->size();
  out->resize(at + static_cast<size_t>(width));
  for (int i = width - 1; i >= 0; --i) {
    (*out)[at + static_cast<size_t>(i)] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
}

}  // namespace

bool IsValidTimestamp(const Timestamp& ts) {
  return ts.seconds() >= TimeUtil::kTimestampMinSeconds &&
         ts.seconds() <= TimeUtil::kTimestampMaxSeconds && ts.nanos() >= 0 &&
         ts.nanos() <= kMaxNanos;
}

Timestamp ToTimestamp(absl::Time t) {
  // Whole seconds first: absl::ToUnixNanos saturates outside 1677..2262.
  const absl::Time min = absl::FromUnixSeconds(TimeUtil::kTimestampMinSeconds);
  const absl::Time max_second = absl::FromUnixSeconds(TimeUtil::kTimestampMaxSeconds);
  if (t < min) return MakeTimestamp(TimeUtil::kTimestampMinSeconds, 0);
  if (t >= max_second + absl::Seconds(1)) {
    return MakeTimestamp(TimeUtil::kTimestampMaxSeconds, kMaxNanos);
  }
  const int64_t seconds = absl::ToUnixSeconds(t);  // Rounds down.
  const int64_t nanos =
      absl::ToInt64Nanoseconds(t - absl::FromUnixSeconds(seconds));  // In [0, 1e9).
  return MakeTimestamp(seconds, static_cast<int32_t>(nanos));
}

absl::StatusOr<absl::Time> FromTimestamp(const Timestamp& ts, absl::string_view field) {
  if (!IsValidTimestamp(ts)) {
    return FieldError(field, absl::StrCat("not a valid timestamp (seconds ", ts.seconds(),
                                          ", nanos ", ts.nanos(),
                                          "; must lie in 0001-01-01T00:00:00Z .. "
                                          "9999-12-31T23:59:59.999999999Z)"));
  }
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

std::string FormatRfc3339(const Timestamp& ts) {
  if (!IsValidTimestamp(ts)) return TimeUtil::ToString(ts);
  const absl::CivilSecond s =
      absl::ToCivilSecond(absl::FromUnixSeconds(ts.seconds()), absl::UTCTimeZone());
  std::string out;
  out.reserve(30);
  AppendDigits(static_cast<uint64_t>(s.year()), 4, &out);
  out.push_back('-');
  AppendDigits(static_cast<uint64_t>(s.month()), 2, &out);
  out.push_back('-');
  AppendDigits(static_cast<uint64_t>(s.day()), 2, &out);
  out.push_back('T');
  AppendDigits(static_cast<uint64_t>(s.hour()), 2, &out);
  out.push_back(':');
  AppendDigits(static_cast<uint64_t>(s.minute()), 2, &out);
  out.push_back(':');
  AppendDigits(static_cast<uint64_t>(s.second()), 2, &out);
  const uint64_t nanos = static_cast<uint64_t>(ts.nanos());
  if (nanos != 0) {
    out.push_back('.');
    if (nanos % 1000000 == 0) {
      AppendDigits(nanos / 1000000, 3, &out);
    } else if (nanos % 1000 == 0) {
      AppendDigits(nanos / 1000, 6, &out);
    } else {
      AppendDigits(nanos, 9, &out);
    }
  }
  out.push_back('Z');
  return out;
}

}  // namespace pharmacrm::core
