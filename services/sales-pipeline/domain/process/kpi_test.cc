#include "domain/process/kpi.h"

#include <string>
#include <utility>
#include <vector>

#include "gtest/gtest.h"

namespace pharmacrm::sales_pipeline::process {
namespace {

// A rep's March 2026, computed by hand below.
KpiInputs LiNaMarch() {
  KpiInputs in;
  in.calls = 62;
  in.target_doctors = 40;
  in.target_doctors_called = 34;
  in.classed_doctors = 40;
  in.classed_doctors_attained = 29;
  in.target_units = 1'000;
  in.sales_units = 920;
  in.sales_units_year_before = 800;
  in.cost_fen = 1'850'000;  // ¥18,500
  in.new_prescribers = 3;
  in.samples_given = 45;
  in.samples_budget = 60;
  return in;
}

TEST(ComputeKpis, ByHand) {
  const Kpis k = ComputeKpis(LiNaMarch());
  EXPECT_EQ(k.calls, 62);
  EXPECT_DOUBLE_EQ(*k.coverage, 0.85);                // 34 / 40
  EXPECT_DOUBLE_EQ(*k.frequency_attainment, 0.725);   // 29 / 40
  EXPECT_DOUBLE_EQ(*k.target_attainment, 0.92);       // 920 / 1,000
  EXPECT_DOUBLE_EQ(*k.growth, 0.15);                  // 920 / 800 − 1
  EXPECT_NEAR(*k.cost_per_unit_fen, 2010.87, 0.005);  // 1,850,000 / 920 = ¥20.11 a pack
  EXPECT_EQ(k.new_prescribers, 3);
  EXPECT_DOUBLE_EQ(*k.sample_use, 0.75);              // 45 / 60
}

TEST(ComputeKpis, AZeroDenominatorIsUnknownNotZero) {
  KpiInputs none;
  const Kpis k = ComputeKpis(none);
  EXPECT_FALSE(k.coverage.has_value());
  EXPECT_FALSE(k.target_attainment.has_value());
  EXPECT_FALSE(k.growth.has_value());
  EXPECT_FALSE(k.cost_per_unit_fen.has_value());
  EXPECT_FALSE(k.sample_use.has_value());
}

TEST(SumInputs, RollUpsSumTheInputsNotTheRatios) {
  KpiInputs other;
  other.target_units = 3'000;
  other.sales_units = 3'300;
  other.target_doctors = 10;
  other.target_doctors_called = 10;
  const Kpis area = ComputeKpis(SumInputs({LiNaMarch(), other}));
  // (920 + 3,300) / (1,000 + 3,000) = 1.055, not the mean of 0.92 and 1.1.
  EXPECT_DOUBLE_EQ(*area.target_attainment, 1.055);
  EXPECT_DOUBLE_EQ(*area.coverage, 44.0 / 50);
}

TEST(RankBy, BestFirstTiesShareARankUnknownLast) {
  auto with = [](double attainment) {
    Kpis k;
    k.target_attainment = attainment;
    k.cost_per_unit_fen = 1000 / attainment;
    return k;
  };
  std::vector<std::pair<std::string, Kpis>> reps = {
      {"c", with(0.9)}, {"a", with(1.1)}, {"b", with(0.9)}, {"d", Kpis{}}, {"e", with(0.7)}};
  std::vector<Ranked> by_attainment = RankBy(reps, KpiMetric::kTargetAttainment);
  ASSERT_EQ(by_attainment.size(), 5u);
  EXPECT_EQ(by_attainment[0].id, "a");
  EXPECT_EQ(by_attainment[0].rank, 1);
  EXPECT_EQ(by_attainment[1].id, "b");
  EXPECT_EQ(by_attainment[1].rank, 2);
  EXPECT_EQ(by_attainment[2].id, "c");
  EXPECT_EQ(by_attainment[2].rank, 2);
  EXPECT_EQ(by_attainment[3].id, "e");
  EXPECT_EQ(by_attainment[3].rank, 4);
  EXPECT_EQ(by_attainment[4].id, "d");
  EXPECT_EQ(by_attainment[4].rank, 0) << "unknown: unranked";
  // Cost per unit: lower is better.
  std::vector<Ranked> by_cost = RankBy(reps, KpiMetric::kCostPerUnit);
  EXPECT_EQ(by_cost[0].id, "a");
  EXPECT_EQ(by_cost[3].id, "e");
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::process
