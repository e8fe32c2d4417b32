#include "domain/channel/dates.h"

#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

TEST(Dates, ReadsTheWaysChineseSpreadsheetsWriteADate) {
  for (const char* text : {"2026-03-05", "2026/3/5", "2026.03.05", "20260305", " 2026-03-05 "}) {
    absl::StatusOr<absl::CivilDay> day = ParseDate(text, "sale_date");
    ASSERT_TRUE(day.ok()) << text << ": " << day.status();
    EXPECT_EQ(FormatDate(*day), "2026-03-05") << text;
  }
}

TEST(Dates, RefusesWhatIsNotADateNamingTheField) {
  for (const char* text : {"", "2026-02-30", "2026-13-01", "2026-03", "5/3/2026x", "2026-03-05-1",
                           "1999-12-31", "2100-01-01", "二〇二六年"}) {
    absl::StatusOr<absl::CivilDay> day = ParseDate(text, "sale_date");
    ASSERT_FALSE(day.ok()) << text;
    EXPECT_EQ(day.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(core::FieldOf(day.status()), "sale_date") << text;
  }
}

TEST(Dates, MonthsAndTheirLengths) {
  absl::StatusOr<absl::CivilMonth> month = ParseMonth("2028-02", "month");
  ASSERT_TRUE(month.ok());
  EXPECT_EQ(FormatMonth(*month), "2028-02");
  EXPECT_EQ(DaysInMonth(*month), 29);
  EXPECT_EQ(DaysInMonth(absl::CivilMonth(2026, 2)), 28);
  EXPECT_EQ(FormatMonth(*ParseMonth("202612", "month")), "2026-12");
  EXPECT_FALSE(ParseMonth("2026-00", "month").ok());
  EXPECT_FALSE(ParseMonth("2026-3-1", "month").ok());
}

TEST(Dates, TheChinaDayOfAnInstant) {
  // 2026-03-05 16:30 UTC is already 03-06 in Beijing.
  EXPECT_EQ(ChinaDay(absl::FromCivil(absl::CivilSecond(2026, 3, 5, 16, 30, 0), absl::UTCTimeZone())),
            absl::CivilDay(2026, 3, 6));
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::channel
