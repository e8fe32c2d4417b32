#include "domain/process/doctor_months.h"

#include "gtest/gtest.h"

namespace pharmacrm::sales_pipeline::process {
namespace {

const DoctorClassRule kRule{100, 30};

TEST(ClassIn, AveragesTheMonthsWithFiguresOfTheTwelveBefore) {
  DoctorMonths months;
  months[absl::CivilMonth(2025, 2)] = {40, 0};  // 13 months before 2026-03: not counted
  months[absl::CivilMonth(2025, 3)] = {20, 0};
  months[absl::CivilMonth(2025, 9)] = {40, 0};
  months[absl::CivilMonth(2026, 3)] = {500, 0};  // the month itself: not counted
  // (20 + 40) / 2 = 30 a month: B.
  EXPECT_EQ(ClassIn(months, absl::CivilMonth(2026, 3), kRule), DoctorClass::kB);
  // A month later March 2026 counts: (40 + 500) / 2 = 270, A.
  EXPECT_EQ(ClassIn(months, absl::CivilMonth(2026, 4), kRule), DoctorClass::kA);
  // Nothing in the twelve months before: no class.
  EXPECT_EQ(ClassIn(months, absl::CivilMonth(2025, 2), kRule), DoctorClass::kNone);
}

TEST(NewPrescriberIn, FirstOwnPrescriptionsInThirteenMonths) {
  DoctorMonths months;
  months[absl::CivilMonth(2025, 1)] = {10, 3};
  months[absl::CivilMonth(2026, 2)] = {10, 0};
  months[absl::CivilMonth(2026, 3)] = {10, 2};
  // January 2025 is 14 months before March 2026.
  EXPECT_TRUE(NewPrescriberIn(months, absl::CivilMonth(2026, 3)));
  months[absl::CivilMonth(2025, 5)] = {10, 1};
  EXPECT_FALSE(NewPrescriberIn(months, absl::CivilMonth(2026, 3)));
  EXPECT_FALSE(NewPrescriberIn(months, absl::CivilMonth(2026, 2)));  // none of ours then
  EXPECT_FALSE(NewPrescriberIn(months, absl::CivilMonth(2026, 4)));  // no figures
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::process
