#include "pharmacrm/core/time.h"

#include <cstdint>

#include "absl/strings/match.h"
#include "absl/time/civil_time.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::core {
namespace {
using google::protobuf::Timestamp;
using google::protobuf::util::TimeUtil;

Timestamp Ts(int64_t seconds, int32_t nanos) {
  Timestamp ts;
  ts.set_seconds(seconds);
  ts.set_nanos(nanos);
  return ts;
}

TEST(Time, ToTimestampMatchesProtobufWithinItsNanosecondRange) {
  for (int64_t nanos : {int64_t{0}, int64_t{1}, int64_t{-1}, int64_t{1'790'000'000'123'456'789},
                        int64_t{-86'401'000'000'007}, int64_t{999'999'999}}) {
    const absl::Time t = absl::FromUnixNanos(nanos);
    EXPECT_EQ(ToTimestamp(t), TimeUtil::NanosecondsToTimestamp(nanos)) << nanos;
  }
}

TEST(Time, ToTimestampRoundsDownToTheNanosecond) {
  const absl::Time t = absl::FromUnixNanos(-1) - absl::Nanoseconds(1) / 4;
  EXPECT_EQ(ToTimestamp(t), Ts(-1, 999'999'998));
}

TEST(Time, ToTimestampKeepsInstantsBeyondTheNanosecondRange) {
  // absl::ToUnixNanos saturates here; seconds and nanos must not.
  const absl::Time year_3000 = absl::FromCivil(absl::CivilSecond(3000, 1, 1, 0, 0, 0),
                                               absl::UTCTimeZone()) +
                               absl::Nanoseconds(5);
  EXPECT_EQ(ToTimestamp(year_3000), Ts(32'503'680'000, 5));
  const absl::Time year_1 =
      absl::FromCivil(absl::CivilSecond(1, 1, 1, 0, 0, 0), absl::UTCTimeZone());
  EXPECT_EQ(ToTimestamp(year_1), Ts(TimeUtil::kTimestampMinSeconds, 0));
}

TEST(Time, ToTimestampClampsToTheValidRange) {
  EXPECT_EQ(ToTimestamp(absl::InfinitePast()), Ts(TimeUtil::kTimestampMinSeconds, 0));
  EXPECT_EQ(ToTimestamp(absl::InfiniteFuture()),
            Ts(TimeUtil::kTimestampMaxSeconds, 999'999'999));
  EXPECT_EQ(ToTimestamp(absl::FromUnixSeconds(TimeUtil::kTimestampMinSeconds) -
                        absl::Nanoseconds(1)),
            Ts(TimeUtil::kTimestampMinSeconds, 0));
  EXPECT_EQ(ToTimestamp(absl::FromUnixSeconds(TimeUtil::kTimestampMaxSeconds + 1)),
            Ts(TimeUtil::kTimestampMaxSeconds, 999'999'999));
  EXPECT_TRUE(IsValidTimestamp(ToTimestamp(absl::InfiniteFuture())));
}

TEST(Time, FromTimestampRoundTrips) {
  for (const Timestamp& ts :
       {Ts(0, 0), Ts(1'790'000'000, 123'456'789), Ts(-1, 999'999'999),
        Ts(TimeUtil::kTimestampMinSeconds, 0), Ts(TimeUtil::kTimestampMaxSeconds, 999'999'999)}) {
    absl::StatusOr<absl::Time> t = FromTimestamp(ts, "visited_at");
    ASSERT_TRUE(t.ok()) << t.status();
    EXPECT_EQ(ToTimestamp(*t), ts);
  }
}

TEST(Time, FromTimestampRejectsOutOfRangeNamingTheField) {
  for (const Timestamp& ts : {Ts(TimeUtil::kTimestampMinSeconds - 1, 0),
                              Ts(TimeUtil::kTimestampMaxSeconds + 1, 0), Ts(0, -1),
                              Ts(0, 1'000'000'000), Ts(INT64_MAX, 0)}) {
    absl::StatusOr<absl::Time> t = FromTimestamp(ts, "effective_from");
    ASSERT_FALSE(t.ok()) << ts.ShortDebugString();
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(FieldOf(t.status()), "effective_from");
    EXPECT_TRUE(absl::StartsWith(t.status().message(), "effective_from: not a valid timestamp"))
        << t.status();
    EXPECT_FALSE(IsValidTimestamp(ts));
  }
}

TEST(Time, FormatRfc3339WritesWhatProtobufWrites) {
  for (int64_t seconds : {int64_t{0}, int64_t{1'700'000'000}, int64_t{-86'401},
                          int64_t{951'782'400}, int64_t{253'402'300'799},
                          TimeUtil::kTimestampMinSeconds}) {
    for (int32_t nanos :
         {0, 5'000'000, 123'000'000, 123'456'000, 1'000, 123'456'789, 999'999'999}) {
      const Timestamp t = Ts(seconds, nanos);
      EXPECT_EQ(FormatRfc3339(t), TimeUtil::ToString(t)) << seconds << " " << nanos;
    }
  }
  EXPECT_EQ(FormatRfc3339(Ts(1'700'000'000, 123'000'000)), "2023-11-14T22:13:20.123Z");
}

}  // namespace
}  // namespace pharmacrm::core
