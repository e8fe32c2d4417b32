#include "domain/process/allocation.h"

#include <array>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "domain/process/allocation_testing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pharmacrm::sales_pipeline::process {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using namespace ::pharmacrm::sales_pipeline::process::testing;  // NOLINT

TEST(AllocationHand, FiveHospitalsByHand) {
  const Allocation a = HandAllocation();
  // Weights (effective = configured, every used factor has a total > 0):
  //   H1 0.1·10/40 + 0.1·10/50 + 0.2·2/10 + 0.5·25/100 + 0.1·1.25/5
  //      = 0.025 + 0.02 + 0.04 + 0.125 + 0.025 = 0.235
  //   H2 0.1·6/40 + 0.1·5/50 + 0.2·1/10 + 0.5·5/100 + 0.1·1/5
  //      = 0.015 + 0.01 + 0.02 + 0.025 + 0.02 = 0.09
  //   H3 0.025 + 0.1·18/50 + 0.2·4/10 + 0.5·30/100 + 0.1·0.75/5
  //      = 0.025 + 0.036 + 0.08 + 0.15 + 0.015 = 0.306
  //   H4 0.1·8/40 + 0.1·10/50 + 0.04 + 0.15 + 0.02 = 0.02 + 0.02 + 0.04 + 0.15 + 0.02 = 0.25
  //   H5 0.015 + 0.1·7/50 + 0.02 + 0.5·10/100 + 0.02 = 0.015 + 0.014 + 0.02 + 0.05 + 0.02 = 0.119
  EXPECT_NEAR(At(a, "H1").weight, 0.235, 1e-12);
  EXPECT_NEAR(At(a, "H2").weight, 0.09, 1e-12);
  EXPECT_NEAR(At(a, "H3").weight, 0.306, 1e-12);
  EXPECT_NEAR(At(a, "H4").weight, 0.25, 1e-12);
  EXPECT_NEAR(At(a, "H5").weight, 0.119, 1e-12);
  EXPECT_NEAR(At(a, "R1").weight, 0.325, 1e-12);  // 0.235 + 0.09
  EXPECT_NEAR(At(a, "T3").weight, 0.369, 1e-12);  // 0.25 + 0.119
  EXPECT_NEAR(At(a, "N").weight, 1, 1e-12);
  // N 1,000,000 → R1 1,000,000 × 0.325 = 325,000, R2 × 0.675 = 675,000.
  EXPECT_EQ(AmountOf(a, "N"), 1'000'000);
  EXPECT_EQ(AmountOf(a, "R1"), 325'000);
  EXPECT_EQ(AmountOf(a, "R2"), 675'000);
  // Only children pass the amount down whole.
  EXPECT_EQ(AmountOf(a, "A1"), 325'000);
  EXPECT_EQ(AmountOf(a, "T1"), 325'000);
  EXPECT_EQ(AmountOf(a, "A2"), 675'000);
  // T1 325,000 × 0.235/0.325 = 235,000; × 0.09/0.325 = 90,000.
  EXPECT_EQ(AmountOf(a, "H1"), 235'000);
  EXPECT_EQ(AmountOf(a, "H2"), 90'000);
  // A2 675,000 × 0.306/0.675 = 306,000 (T2, all to H3); × 0.369/0.675 = 369,000.
  EXPECT_EQ(AmountOf(a, "T2"), 306'000);
  EXPECT_EQ(AmountOf(a, "H3"), 306'000);
  EXPECT_EQ(AmountOf(a, "T3"), 369'000);
  // T3 369,000 × 0.25/0.369 = 250,000; × 0.119/0.369 = 119,000.
  EXPECT_EQ(AmountOf(a, "H4"), 250'000);
  EXPECT_EQ(AmountOf(a, "H5"), 119'000);
  ExpectExactSums(a);
  // Preorder, children by id; the input order does not matter.
  std::vector<std::string> order;
  for (const NodeAllocation& node : a.nodes) order.push_back(node.node.id);
  EXPECT_THAT(order, ElementsAre("N", "R1", "A1", "T1", "H1", "H2", "R2", "A2", "T2", "H3", "T3",
                                 "H4", "H5"));
  EXPECT_EQ(At(a, "H1").basis, AmountBasis::kWeight);
  EXPECT_EQ(At(a, "N").basis, AmountBasis::kManual);
}

TEST(AllocationHand, TargetFromLastYearAndGrowth) {
  CompanyTarget target;
  target.expected_growth = 0.12;  // customers' last year 100,000 × 1.12
  absl::StatusOr<Allocation> a = Allocate(HandTree(), HandMethod(), target);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->last_year_total, 100'000);
  EXPECT_EQ(a->company_target, 112'000);
  // 112,000 × 0.235 = 26,320 for H1 (T1 112,000 × 0.325 = 36,400 first).
  EXPECT_EQ(AmountOf(*a, "R1"), 36'400);
  EXPECT_EQ(AmountOf(*a, "H1"), 26'320);
  ExpectExactSums(*a);

  // Halves up: 5 × 1.3 = 6.5 → 7 (growth is read to 6 decimals, exactly).
  target.last_year_total = 5;
  target.expected_growth = 0.3;
  a = Allocate(HandTree(), HandMethod(), target);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->company_target, 7);
  target.expected_growth = -0.5;  // 2.5 → 3
  a = Allocate(HandTree(), HandMethod(), target);
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->company_target, 3);
}

// Three regions with one identical customer each, given out of order.
std::vector<Node> ThreeEqualRegions() {
  const CustomerFactors same = Factors(5, 1, 1, 1, 1000, 100, 100);
  return {Interior("R3", "N", Level::kRegion), Customer("C3", "R3", same),
          Interior("N", "", Level::kNation),   Interior("R1", "N", Level::kRegion),
          Customer("C1", "R1", same),          Interior("R2", "N", Level::kRegion),
          Customer("C2", "R2", same)};
}

TEST(AllocationRounding, TenOverThreeEqualGoesToTheLowerId) {
  // 10/3 = 3.33 each: whole parts 3+3+3 = 9; the 1 left ties (.33 each) and
  // goes to the lowest id, R1, though R3 comes first in the input.
  absl::StatusOr<Allocation> a = Allocate(ThreeEqualRegions(), ByLastYear(), Explicit(10));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(AmountOf(*a, "R1"), 4);
  EXPECT_EQ(AmountOf(*a, "R2"), 3);
  EXPECT_EQ(AmountOf(*a, "R3"), 3);
  EXPECT_EQ(AmountOf(*a, "C1"), 4);
  ExpectExactSums(*a);
}

TEST(AllocationRounding, HundredByThirds) {
  // 100 × (1/3) = 33.33 each: 33+33+33 = 99, the 1 left to the first.
  absl::StatusOr<std::vector<int64_t>> parts = SplitByWeights(100, {1.0 / 3, 1.0 / 3, 1.0 / 3});
  ASSERT_TRUE(parts.ok()) << parts.status();
  EXPECT_THAT(*parts, ElementsAre(34, 33, 33));
  absl::StatusOr<Allocation> a = Allocate(ThreeEqualRegions(), ByLastYear(), Explicit(100));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(AmountOf(*a, "R1"), 34);
  EXPECT_EQ(AmountOf(*a, "R2"), 33);
  EXPECT_EQ(AmountOf(*a, "R3"), 33);
}

TEST(AllocationRounding, LargestRemainderFirst) {
  // 7 × 0.5, 0.3, 0.2 = 3.5, 2.1, 1.4: 3+2+1 = 6, the 1 left to .5.
  EXPECT_THAT(*SplitByWeights(7, {0.5, 0.3, 0.2}), ElementsAre(4, 2, 1));
  // 7 × 0.2, 0.3, 0.5 = 1.4, 2.1, 3.5: the same, wherever .5 stands.
  EXPECT_THAT(*SplitByWeights(7, {0.2, 0.3, 0.5}), ElementsAre(1, 2, 4));
  // 100 × 0.215, 0.335, 0.45 = 21.5, 33.5, 45: two .5 (as doubles not quite
  // equal) tie, the 1 left to the first.
  EXPECT_THAT(*SplitByWeights(100, {0.215, 0.335, 0.45}), ElementsAre(22, 33, 45));
  // 11 over 4, 0 weights: evenly, 3, 3, 3, 2.
  EXPECT_THAT(*SplitByWeights(11, {0, 0, 0, 0}), ElementsAre(3, 3, 3, 2));
  EXPECT_THAT(*SplitByWeights(0, {1, 2}), ElementsAre(0, 0));
  ExpectFieldError(SplitByWeights(5, {1, -1}).status(), absl::StatusCode::kInvalidArgument,
                   "weights[1]", ">= 0");
  ExpectFieldError(SplitByWeights(-5, {1}).status(), absl::StatusCode::kInvalidArgument, "amount",
                   "-5");
}

TEST(AllocationRounding, ZeroWeightTreeSplitsEvenlyPerLevel) {
  // No customer has any value: every split is even, per level (R1 with two
  // customers gets the same as R2 with one).
  std::vector<Node> nodes = {
      Interior("N", "", Level::kNation),
      Interior("R1", "N", Level::kRegion),
      Interior("R2", "N", Level::kRegion),
      Customer("C1", "R1", {}),
      Customer("C2", "R1", {}),
      Customer("C3", "R2", {}),
  };
  absl::StatusOr<Allocation> a = Allocate(nodes, ByLastYear(), Explicit(11));
  ASSERT_TRUE(a.ok()) << a.status();
  // 11 → R1 6, R2 5 (the extra unit to the lower id); R1 6 → C1 3, C2 3.
  EXPECT_EQ(AmountOf(*a, "R1"), 6);
  EXPECT_EQ(AmountOf(*a, "R2"), 5);
  EXPECT_EQ(AmountOf(*a, "C1"), 3);
  EXPECT_EQ(AmountOf(*a, "C2"), 3);
  EXPECT_EQ(AmountOf(*a, "C3"), 5);
  EXPECT_EQ(At(*a, "C1").basis, AmountBasis::kEvenSplit);
  EXPECT_EQ(At(*a, "N").weight, 0);
  ExpectExactSums(*a);
}

TEST(AllocationRounding, FactorWithNoTotalSpreadsItsWeight) {
  // market_size weighs 0.5 but nobody has a market: last_year_sales carries
  // all (0.3 / (0.3 + 0.2) = 0.6, growth 0.2 / 0.5 = 0.4).
  AllocationMethod method;
  method.weights.market_size = 0.5;
  method.weights.last_year_sales = 0.3;
  method.weights.growth = 0.2;
  std::vector<Node> nodes = {
      Interior("N", "", Level::kNation),
      Customer("C1", "N", Factors(0, 0, 0, 0, 0, 300, 300)),  // growth index 1
      Customer("C2", "N", Factors(0, 0, 0, 0, 0, 100, 100)),  // growth index 1
  };
  absl::StatusOr<Allocation> a = Allocate(nodes, method, Explicit(1000));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_DOUBLE_EQ(a->effective_weights[static_cast<int>(Factor::kMarketSize)], 0);
  EXPECT_NEAR(a->effective_weights[static_cast<int>(Factor::kLastYearSales)], 0.6, 1e-12);
  EXPECT_NEAR(a->effective_weights[static_cast<int>(Factor::kGrowth)], 0.4, 1e-12);
  // C1 0.6 × 300/400 + 0.4 × 1/2 = 0.45 + 0.2 = 0.65 → 650; C2 0.15 + 0.2 → 350.
  EXPECT_EQ(AmountOf(*a, "C1"), 650);
  EXPECT_EQ(AmountOf(*a, "C2"), 350);
  EXPECT_THAT(*Explain(*a, "C1"), HasSubstr("market_size is 0 for every customer"));
}

TEST(AllocationRounding, GrowthIndexIsClippedAndNeverNegative) {
  AllocationMethod method;
  method.weights.growth = 1;
  std::vector<Node> nodes = {
      Interior("N", "", Level::kNation),
      Customer("Down", "N", Factors(0, 0, 0, 0, 0, 0, 500)),        // index 0
      Customer("Flat", "N", Factors(0, 0, 0, 0, 0, 0, 0)),          // index 1 (no sales at all)
      Customer("New", "N", Factors(0, 0, 0, 0, 0, 50, 0)),          // index 3: the cap
      Customer("Tenfold", "N", Factors(0, 0, 0, 0, 0, 1000, 100)),  // 10 → the cap, 3
  };
  absl::StatusOr<Allocation> a = Allocate(nodes, method, Explicit(700));
  ASSERT_TRUE(a.ok()) << a.status();
  // Indexes 0 + 1 + 3 + 3 = 7: 0, 100, 300, 300.
  EXPECT_EQ(AmountOf(*a, "Down"), 0);
  EXPECT_EQ(AmountOf(*a, "Flat"), 100);
  EXPECT_EQ(AmountOf(*a, "New"), 300);
  EXPECT_EQ(AmountOf(*a, "Tenfold"), 300);
}

TEST(AllocationBadInput, WeightsMustSumToOne) {
  AllocationMethod method = HandMethod();
  method.weights.last_year_sales = 0.4;  // sum 0.9
  ExpectFieldError(Allocate(HandTree(), method, Explicit(1)).status(),
                   absl::StatusCode::kInvalidArgument, "weights", "sum to 0.9, not 1");
}

TEST(AllocationBadInput, NegativeWeight) {
  AllocationMethod method = HandMethod();
  method.weights.market_size = -0.2;
  method.weights.last_year_sales = 0.9;  // sum 1 still
  ExpectFieldError(Allocate(HandTree(), method, Explicit(1)).status(),
                   absl::StatusCode::kInvalidArgument, "weights.market_size", "-0.2");
  method = HandMethod();
  method.weights.growth = std::numeric_limits<double>::quiet_NaN();
  ExpectFieldError(Allocate(HandTree(), method, Explicit(1)).status(),
                   absl::StatusCode::kInvalidArgument, "weights.growth", "nan");
}

TEST(AllocationBadInput, NanOrNegativeFactorNamesTheCustomer) {
  std::vector<Node> nodes = HandTree();
  nodes[10].factors.grade_score = std::numeric_limits<double>::quiet_NaN();  // H3
  ExpectFieldError(Allocate(nodes, HandMethod(), Explicit(1)).status(),
                   absl::StatusCode::kInvalidArgument, "nodes[10].factors.grade_score",
                   "customer H3");
  nodes = HandTree();
  nodes[12].factors.prescriptions = std::numeric_limits<double>::infinity();  // H5
  ExpectFieldError(Allocate(nodes, HandMethod(), Explicit(1)).status(),
                   absl::StatusCode::kInvalidArgument, "nodes[12].factors.prescriptions",
                   "customer H5");
  nodes = HandTree();
  nodes[9].factors.last_year_sales = -1;  // H2
  ExpectFieldError(Allocate(nodes, HandMethod(), Explicit(1)).status(),
                   absl::StatusCode::kInvalidArgument, "nodes[9].factors.last_year_sales",
                   "customer H2");
  nodes = HandTree();
  nodes[8].last_year_by_month[1] = -3;  // H1, February
  ExpectFieldError(Allocate(nodes, HandMethod(), Explicit(1)).status(),
                   absl::StatusCode::kInvalidArgument, "nodes[8].last_year_by_month[1]",
                   "customer H1");
}

TEST(AllocationBadInput, TreeErrorsNameTheNode) {
  std::vector<Node> nodes = HandTree();
  nodes[6].parent_id = "A9";  // T2
  ExpectFieldError(Allocate(nodes, HandMethod(), Explicit(1)).status(),
                   absl::StatusCode::kInvalidArgument, "nodes[6].parent_id",
                   "node T2 names parent A9, which is not in the tree");

  nodes = HandTree();
  nodes.push_back(Customer("H2", "T3", {}));
  ExpectFieldError(Allocate(nodes, HandMethod(), Explicit(1)).status(),
                   absl::StatusCode::kInvalidArgument, "nodes[13].id", "duplicate id H2 (nodes[9]");

  nodes = HandTree();
  nodes[4].parent_id = "";  // R2 a second root
  ExpectFieldError(Allocate(nodes, HandMethod(), Explicit(1)).status(),
                   absl::StatusCode::kInvalidArgument, "nodes[4].parent_id",
                   "R2 has no parent_id, nor has N");

  nodes = HandTree();
  nodes[5].parent_id = "T3";  // A2 under T3, T3 under A2
  ExpectFieldError(Allocate(nodes, HandMethod(), Explicit(1)).status(),
                   absl::StatusCode::kInvalidArgument, "nodes[5].parent_id",
                   "cycle of parents: A2 → T3 → A2");

  nodes = HandTree();
  nodes[0].parent_id = "H1";  // no root at all
  ExpectFieldError(Allocate(nodes, HandMethod(), Explicit(1)).status(),
                   absl::StatusCode::kInvalidArgument, "nodes[0].parent_id",
                   "no node is without a parent");

  nodes = HandTree();
  nodes.push_back(Interior("T9", "A2", Level::kTerritory));  // no customers
  ExpectFieldError(Allocate(nodes, HandMethod(), Explicit(1)).status(),
                   absl::StatusCode::kInvalidArgument, "nodes[13]",
                   "territory T9 has no customers below it");

  nodes = HandTree();
  nodes[3].level = Level::kRegion;  // T1 under area A1
  ExpectFieldError(Allocate(nodes, HandMethod(), Explicit(1)).status(),
                   absl::StatusCode::kInvalidArgument, "nodes[3].level",
                   "region T1 is under area A1");

  nodes = HandTree();
  nodes[9].parent_id = "H1";
  ExpectFieldError(Allocate(nodes, HandMethod(), Explicit(1)).status(),
                   absl::StatusCode::kInvalidArgument, "nodes[9].parent_id",
                   "customers have no nodes below them");

  ExpectFieldError(Allocate({}, HandMethod(), Explicit(1)).status(),
                   absl::StatusCode::kInvalidArgument, "nodes", "root");
}

TEST(AllocationBadInput, Target) {
  ExpectFieldError(Allocate(HandTree(), HandMethod(), Explicit(-1)).status(),
                   absl::StatusCode::kInvalidArgument, "target.amount", "-1");
  CompanyTarget target;
  target.expected_growth = -1.5;
  ExpectFieldError(Allocate(HandTree(), HandMethod(), target).status(),
                   absl::StatusCode::kInvalidArgument, "target.expected_growth", "-1.5");
}

TEST(AllocationPhasing, ChineseNewYearDip) {
  // Last year 1,180 units: Feb low (春节), Oct lower (国庆), December high.
  const std::array<int64_t, kMonths> history = {110, 50,  100, 100, 100, 100,
                                                100, 100, 100, 90,  100, 130};
  // 12,000 × h / 1,180: Jan 1,118.64, Feb 508.47, the 100s 1,016.95, Oct
  // 915.25, Dec 1,322.03. Whole parts sum to 11,991; the 9 left go to the
  // eight .95 months and then January (.64).
  absl::StatusOr<std::array<int64_t, kMonths>> months = PhaseMonthly(12'000, history);
  ASSERT_TRUE(months.ok()) << months.status();
  EXPECT_THAT(*months,
              ElementsAre(1119, 508, 1017, 1017, 1017, 1017, 1017, 1017, 1017, 915, 1017, 1322));
  int64_t sum = 0;
  for (int64_t m : *months) sum += m;
  EXPECT_EQ(sum, 12'000);
}

TEST(AllocationPhasing, NoHistoryIsEven) {
  absl::StatusOr<std::array<int64_t, kMonths>> months = PhaseMonthly(12'000, {});
  ASSERT_TRUE(months.ok()) << months.status();
  for (int64_t m : *months) EXPECT_EQ(m, 1000);
  // 13 over 12 months: January gets the extra unit.
  EXPECT_THAT(*PhaseMonthly(13, {}), ElementsAre(2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1));
  std::array<int64_t, kMonths> bad{};
  bad[4] = -1;
  ExpectFieldError(PhaseMonthly(12, bad).status(), absl::StatusCode::kInvalidArgument,
                   "last_year_by_month[4]", "-1");
}

TEST(AllocationPhasing, NodeBySummedHistory) {
  std::vector<Node> nodes = HandTree();
  nodes[11].last_year_by_month = {10, 0, 10, 10, 10, 10, 10, 10, 10, 10, 10, 10};  // H4
  nodes[12].last_year_by_month = {0, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0, 0};            // H5
  absl::StatusOr<Allocation> a = Allocate(nodes, HandMethod(), Explicit(1'000'000));
  ASSERT_TRUE(a.ok()) << a.status();
  // T3's months are H4's and H5's summed: 10, 0, 30, then 10 to December
  // (130 in all). 369,000 × 10/130 = 28,384.615 for the ten months of 10,
  // 369,000 × 30/130 = 85,153.846 for March. Whole parts 28,384 × 10 +
  // 85,153 = 368,993; the 7 left go to March (.846) and then six of the ten
  // .615 months, ties to the earlier month: Jan, Apr, May, Jun, Jul, Aug.
  absl::StatusOr<std::array<int64_t, kMonths>> months = PhaseNode(*a, "T3");
  ASSERT_TRUE(months.ok()) << months.status();
  EXPECT_THAT(*months, ElementsAre(28'385, 0, 85'154, 28'385, 28'385, 28'385, 28'385, 28'385,
                                   28'384, 28'384, 28'384, 28'384));
  EXPECT_EQ(PhaseNode(*a, "X").status().code(), absl::StatusCode::kNotFound);
}

TEST(AllocationExplanation, ContributionsSumToTheShare) {
  const Allocation a = HandAllocation();
  for (const NodeAllocation& node : a.nodes) {
    double sum = 0;
    for (const FactorPart& part : node.parts) sum += part.contribution;
    EXPECT_NEAR(sum, node.weight, 1e-12) << node.node.id;
    EXPECT_NEAR(sum, node.weight_share_of_root, 1e-12) << node.node.id;
    for (int f = 0; f < kFactorCount; ++f) {
      const double expected =
          a.totals[f] > 0 ? a.effective_weights[f] * node.parts[f].value / a.totals[f] : 0;
      EXPECT_NEAR(node.parts[f].contribution, expected, 1e-12) << node.node.id << " " << f;
    }
  }
  // H1: grade 0.025, doctors 0.02, prescriptions 0 (weight 0), market 0.04,
  // last year 0.125, growth 0.025.
  const NodeAllocation& h1 = At(a, "H1");
  EXPECT_NEAR(h1.parts[static_cast<int>(Factor::kLastYearSales)].contribution, 0.125, 1e-12);
  EXPECT_EQ(h1.parts[static_cast<int>(Factor::kPrescriptions)].contribution, 0);
  EXPECT_EQ(h1.parts[static_cast<int>(Factor::kPrescriptions)].value, 900);
  EXPECT_NEAR(At(a, "H1").weight_share_of_parent, 0.235 / 0.325, 1e-12);
  EXPECT_NEAR(At(a, "T3").parts[static_cast<int>(Factor::kDoctorMix)].value, 17, 1e-12);

  // As docs/SALES_PROCESS.md shows it.
  EXPECT_EQ(*Explain(a, "H1"),
            "customer H1, under territory T1\n"
            "amount: 235,000 units = 72.31% of T1's 325,000, 23.50% of N's 1,000,000\n"
            "how: T1's 325,000 split by weight: 325,000 × 0.235 / 0.325 = 235000.00, whole "
            "units by the largest remainder (ties to the lower id) → 235,000\n"
            "weight: 0.235 = 23.50% of N, 72.31% of T1; per factor: effective weight × value / "
            "total = contribution\n"
            "  grade_score      weight 0.1    effective 0.1       0.1 × 10 / 40 = 0.025\n"
            "  doctor_mix       weight 0.1    effective 0.1       0.1 × 10 / 50 = 0.02\n"
            "  prescriptions    weight 0      effective 0         0 × 900 / 1,000 = 0\n"
            "  market_size      weight 0.2    effective 0.2       0.2 × 2,000,000 / 10,000,000 = "
            "0.04\n"
            "  last_year_sales  weight 0.5    effective 0.5       0.5 × 25,000 / 100,000 = 0.125\n"
            "  growth           weight 0.1    effective 0.1       0.1 × 1.25 / 5 = 0.025\n"
            "inputs: grade score 10; doctors A 2 B 2 C 0 at 3/2/1 points; prescriptions 900; "
            "class market 2,000,000; last year 25,000, the year before 20,000 (growth index "
            "1.25, at most 3)\n"
            "sold so far this year: 0 units\n");
  const std::string text = *Explain(a, "H1");
  EXPECT_THAT(text, HasSubstr("customer H1, under territory T1"));
  EXPECT_THAT(text, HasSubstr("amount: 235,000 units = 72.31% of T1's 325,000, 23.50% of N's"));
  EXPECT_THAT(text, HasSubstr("T1's 325,000 split by weight: 325,000 × 0.235 / 0.325 = "
                              "235000.00"));
  EXPECT_THAT(text, HasSubstr("last_year_sales  weight 0.5    effective 0.5       0.5 × 25,000 / "
                              "100,000 = 0.125"));
  EXPECT_THAT(text, HasSubstr("growth index 1.25"));
  EXPECT_THAT(*Explain(a, "N"), HasSubstr("the company target, given as 1,000,000"));
  absl::StatusOr<Allocation> adjusted = Adjust(a, SetTo("T2", 316'000));
  ASSERT_TRUE(adjusted.ok());
  EXPECT_THAT(*Explain(*adjusted, "T3"),
              HasSubstr("369,000 less 10,000, its part of a sibling's adjustment under A2"));
  EXPECT_THAT(*Explain(*adjusted, "T2"), HasSubstr("set by a manager (locked)"));
  EXPECT_EQ(Explain(a, "X").status().code(), absl::StatusCode::kNotFound);
}

TEST(AllocationHeadroom, PerCustomerLargestFirst) {
  std::vector<Node> nodes = HandTree();
  nodes[11].sold_so_far = 100'000;  // H4
  absl::StatusOr<Allocation> a = Allocate(nodes, HandMethod(), Explicit(1'000'000));
  ASSERT_TRUE(a.ok()) << a.status();
  absl::StatusOr<std::vector<CustomerHeadroom>> rows = Headroom(*a, "A2");
  ASSERT_TRUE(rows.ok()) << rows.status();
  ASSERT_EQ(rows->size(), 3);
  // H3 4,000,000 − 306,000 = 3,694,000; H4 2,000,000 − 250,000 = 1,750,000;
  // H5 1,000,000 − 119,000 = 881,000.
  EXPECT_EQ((*rows)[0].customer_id, "H3");
  EXPECT_EQ((*rows)[0].headroom, 3'694'000);
  EXPECT_NEAR(*(*rows)[0].growth, -0.25, 1e-12);
  EXPECT_EQ((*rows)[1].customer_id, "H4");
  EXPECT_EQ((*rows)[1].headroom, 1'750'000);
  EXPECT_EQ((*rows)[1].to_go, 150'000);
  EXPECT_NEAR((*rows)[1].target_share_of_market, 0.125, 1e-12);
  EXPECT_EQ((*rows)[2].customer_id, "H5");
  EXPECT_EQ((*rows)[2].headroom, 881'000);
  EXPECT_EQ(Headroom(*a, "H1")->size(), 1);
  EXPECT_EQ(Headroom(*a, "X").status().code(), absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::process
