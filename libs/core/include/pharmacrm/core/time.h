// Conversions between absl::Time and google.protobuf.Timestamp, the one place
// the suite checks a Timestamp's range and writes one in RFC 3339.
//
// A Timestamp is valid when it lies in 0001-01-01T00:00:00Z ..
// 9999-12-31T23:59:59.999999999Z with nanos in 0..999999999: the range
// protobuf's JSON mapping accepts. absl::Time accepts instants far outside
// it, and nanos outside 0..999999999 would shift the instant silently, so
// every Timestamp that comes from a request is read with FromTimestamp.
// All functions are pure and thread-safe.
#ifndef PHARMACRM_CORE_TIME_H_
#define PHARMACRM_CORE_TIME_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"

namespace pharmacrm::core {

// Whether `ts` lies in the valid range (above) with nanos in 0..999999999.
bool IsValidTimestamp(const google::protobuf::Timestamp& ts);

// `t` as a Timestamp, rounded down to the nanosecond. Instants before or
// after the valid range (absl::InfinitePast(), absl::InfiniteFuture() among
// them) are clamped to its first or last nanosecond.
google::protobuf::Timestamp ToTimestamp(absl::Time t);

// `ts` as an absl::Time; INVALID_ARGUMENT naming `field` ("<field>: not a
// valid timestamp ...") when it is outside the valid range.
absl::StatusOr<absl::Time> FromTimestamp(const google::protobuf::Timestamp& ts,
                                         absl::string_view field);

// `ts` in RFC 3339 as google::protobuf::util::TimeUtil::ToString writes it
// ("2026-11-28T15:04:05.123Z": UTC, 0, 3, 6 or 9 fractional digits), without
// its format strings (the event bus writes one per record). `ts` must be
// valid; an invalid one is written by TimeUtil::ToString.
std::string FormatRfc3339(const google::protobuf::Timestamp& ts);

}  // namespace pharmacrm::core

#endif  // PHARMACRM_CORE_TIME_H_
