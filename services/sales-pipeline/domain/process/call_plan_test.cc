#include "domain/process/call_plan.h"

#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::process {
namespace {

PlanDoctor Doctor(std::string id, DoctorClass c, int calls, std::optional<absl::CivilDay> last) {
  PlanDoctor d;
  d.id = id;
  d.name = id;
  d.doctor_class = c;
  d.calls_this_month = calls;
  d.last_call = last;
  return d;
}

TEST(ProposeWeeklyPlan, TheWorkedExample) {
  const std::vector<PlanDoctor> doctors = {
      Doctor("zhang", DoctorClass::kA, 1, absl::CivilDay(2026, 2, 25)),
      Doctor("li", DoctorClass::kB, 0, std::nullopt),
      Doctor("wang", DoctorClass::kC, 1, absl::CivilDay(2026, 3, 10)),
      Doctor("zhao", DoctorClass::kNone, 0, std::nullopt),
  };
  absl::StatusOr<std::vector<PlannedCall>> plan =
      ProposeWeeklyPlan(doctors, absl::CivilDay(2026, 3, 16), CallFrequencies{});
  ASSERT_TRUE(plan.ok()) << plan.status();
  ASSERT_EQ(plan->size(), 2u);
  EXPECT_EQ((*plan)[0].doctor_id, "zhang");
  EXPECT_DOUBLE_EQ((*plan)[0].urgency, 2.5);
  EXPECT_EQ((*plan)[0].calls, 1);
  EXPECT_EQ((*plan)[0].reason, "A: 1 of 4 calls this month, 3 owed, last call 19 days ago");
  EXPECT_EQ((*plan)[0].reason_zh, "A 类：本月已拜访 1 次（应 4 次），尚欠 3 次，上次拜访于 19 天前");
  EXPECT_EQ((*plan)[1].doctor_id, "li");
  EXPECT_NEAR((*plan)[1].urgency, 2.0 / 3 + 1.0, 1e-12);
  EXPECT_EQ((*plan)[1].calls, 1);
  EXPECT_EQ((*plan)[1].reason, "B: 0 of 2 calls this month, 2 owed, never called");
}

TEST(ProposeWeeklyPlan, TheLastWeekAsksForEverythingOwedWithinCapacity) {
  // Monday 2026-03-30: one week left in March; an A doctor owing 3 needs 3.
  std::vector<PlanDoctor> doctors = {Doctor("a1", DoctorClass::kA, 1, absl::CivilDay(2026, 3, 2)),
                                     Doctor("a2", DoctorClass::kA, 2, absl::CivilDay(2026, 3, 20))};
  CallFrequencies f;
  f.weekly_capacity = 4;
  absl::StatusOr<std::vector<PlannedCall>> plan =
      ProposeWeeklyPlan(doctors, absl::CivilDay(2026, 3, 30), f);
  ASSERT_TRUE(plan.ok());
  ASSERT_EQ(plan->size(), 2u);
  EXPECT_EQ((*plan)[0].doctor_id, "a1");
  EXPECT_EQ((*plan)[0].calls, 3);
  EXPECT_EQ((*plan)[1].calls, 1) << "capacity 4: one call left for a2, who owes 2";
}

TEST(ProposeWeeklyPlan, BadInputIsNamed) {
  absl::Status not_monday =
      ProposeWeeklyPlan({}, absl::CivilDay(2026, 3, 17), CallFrequencies{}).status();
  EXPECT_EQ(core::FieldOf(not_monday).value_or(""), "week_start");
  CallFrequencies inverted;
  inverted.c = 3;
  EXPECT_EQ(core::FieldOf(ValidateFrequencies(inverted)).value_or(""), "call_frequencies");
  CallFrequencies zero;
  zero.a = 0;
  EXPECT_EQ(core::FieldOf(ValidateFrequencies(zero)).value_or(""), "call_frequencies.a");
  CallFrequencies busy;
  busy.weekly_capacity = 500;
  EXPECT_EQ(core::FieldOf(ValidateFrequencies(busy)).value_or(""),
            "call_frequencies.weekly_capacity");
}

TEST(FrequencyAttainment, DoctorsWithAClassWhoseCallsReachedIt) {
  const std::vector<PlanDoctor> doctors = {Doctor("a", DoctorClass::kA, 4, std::nullopt),
                                           Doctor("b", DoctorClass::kB, 1, std::nullopt),
                                           Doctor("c", DoctorClass::kC, 2, std::nullopt),
                                           Doctor("n", DoctorClass::kNone, 5, std::nullopt)};
  Attainment a = FrequencyAttainment(doctors, CallFrequencies{});
  EXPECT_EQ(a.doctors, 3);
  EXPECT_EQ(a.attained, 2);
  EXPECT_NEAR(a.Rate(), 2.0 / 3, 1e-12);
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::process
