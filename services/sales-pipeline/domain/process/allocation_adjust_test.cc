#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "domain/process/allocation.h"
#include "domain/process/allocation_testing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pharmacrm::sales_pipeline::process {
namespace {

using namespace ::pharmacrm::sales_pipeline::process::testing;  // NOLINT

TEST(AllocationAdjust, HandTerritoryUpTenThousand) {
  const Allocation before = HandAllocation();
  absl::StatusOr<Allocation> a = Adjust(before, SetTo("T2", 316'000));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(AmountOf(*a, "T2"), 316'000);
  EXPECT_EQ(AmountOf(*a, "H3"), 316'000);
  // T3, the only sibling, absorbs −10,000: 359,000, split again:
  // H4 359,000 × 0.25/0.369 = 243,224.93, H5 × 0.119/0.369 = 115,775.07;
  // 243,224 + 115,775 = 358,999, the 1 left to H4 (.93 > .07).
  EXPECT_EQ(AmountOf(*a, "T3"), 359'000);
  EXPECT_EQ(AmountOf(*a, "H4"), 243'225);
  EXPECT_EQ(AmountOf(*a, "H5"), 115'775);
  EXPECT_EQ(AmountOf(*a, "A2"), 675'000);
  EXPECT_EQ(AmountOf(*a, "R1"), 325'000);
  EXPECT_EQ(AmountOf(*a, "H1"), 235'000);
  EXPECT_TRUE(At(*a, "T2").locked);
  EXPECT_EQ(At(*a, "T2").basis, AmountBasis::kManual);
  EXPECT_EQ(At(*a, "T3").basis, AmountBasis::kRebalanced);
  EXPECT_EQ(At(*a, "T3").rebalance_delta, -10'000);
  ExpectExactSums(*a);
  // The input is not changed.
  EXPECT_EQ(AmountOf(before, "T2"), 306'000);
  EXPECT_FALSE(At(before, "T2").locked);
}

// N ─ R ─ A ─ T1..T4, each territory with three hospitals of different sizes.
std::vector<Node> FourTerritories() {
  std::vector<Node> nodes = {Interior("N", "", Level::kNation), Interior("R", "N", Level::kRegion),
                             Interior("A", "R", Level::kArea)};
  int64_t sales = 1000;
  for (int t = 1; t <= 4; ++t) {
    const std::string territory = absl::StrCat("T", t);
    nodes.push_back(Interior(territory, "A", Level::kTerritory));
    for (int h = 1; h <= 3; ++h) {
      sales += 1337 * t + 911 * h;
      nodes.push_back(
          Customer(absl::StrCat(territory, "H", h), territory, Factors(0, 0, 0, 0, 0, sales, 0)));
    }
  }
  return nodes;
}

std::vector<double> Weights(const Allocation& a, const std::vector<std::string>& ids) {
  std::vector<double> out;
  for (const std::string& id : ids) out.push_back(At(a, id).weight);
  return out;
}

TEST(AllocationAdjust, SiblingsLoseExactlyTheDifferenceByWeight) {
  absl::StatusOr<Allocation> before = Allocate(FourTerritories(), ByLastYear(), Explicit(987'654));
  ASSERT_TRUE(before.ok()) << before.status();
  const int64_t t1 = AmountOf(*before, "T1");
  absl::StatusOr<Allocation> a = Adjust(*before, SetTo("T1", t1 + 10'000));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(AmountOf(*a, "A"), 987'654);
  // The siblings' losses: 10,000 split by their weights, exactly.
  const std::vector<std::string> siblings = {"T2", "T3", "T4"};
  const std::vector<int64_t> losses = *SplitByWeights(10'000, Weights(*a, siblings));
  int64_t lost = 0;
  for (size_t k = 0; k < siblings.size(); ++k) {
    const int64_t loss = AmountOf(*before, siblings[k]) - AmountOf(*a, siblings[k]);
    EXPECT_EQ(loss, losses[k]) << siblings[k];
    EXPECT_GT(loss, 0);
    lost += loss;
  }
  EXPECT_EQ(lost, 10'000);
  // T1's customers split its new amount by their weights.
  const std::vector<std::string> t1_customers = {"T1H1", "T1H2", "T1H3"};
  const std::vector<int64_t> split = *SplitByWeights(t1 + 10'000, Weights(*a, t1_customers));
  for (size_t k = 0; k < t1_customers.size(); ++k) {
    EXPECT_EQ(AmountOf(*a, t1_customers[k]), split[k]) << t1_customers[k];
  }
  ExpectExactSums(*a);
}

TEST(AllocationAdjust, LockedSiblingKeepsItsAmount) {
  absl::StatusOr<Allocation> a = Allocate(FourTerritories(), ByLastYear(), Explicit(987'654));
  ASSERT_TRUE(a.ok()) << a.status();
  a = Adjust(*a, SetTo("T2", 200'000));  // T2 locked
  ASSERT_TRUE(a.ok()) << a.status();
  const Allocation before = *a;
  a = Adjust(before, SetTo("T1", AmountOf(before, "T1") - 30'000));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(AmountOf(*a, "T2"), 200'000);
  EXPECT_EQ(AmountOf(*a, "T2H1"), AmountOf(before, "T2H1"));
  // T3 and T4 take the 30,000 by weight.
  const std::vector<int64_t> gains = *SplitByWeights(30'000, Weights(*a, {"T3", "T4"}));
  EXPECT_EQ(AmountOf(*a, "T3") - AmountOf(before, "T3"), gains[0]);
  EXPECT_EQ(AmountOf(*a, "T4") - AmountOf(before, "T4"), gains[1]);
  EXPECT_EQ(AmountOf(*a, "A"), 987'654);
  ExpectExactSums(*a);
}

TEST(AllocationAdjust, RootChangesEverythingProportionally) {
  absl::StatusOr<Allocation> a = Adjust(HandAllocation(), SetTo("N", 2'000'000));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(a->company_target, 2'000'000);
  EXPECT_EQ(a->target.amount, 2'000'000);
  const Allocation once = HandAllocation();
  for (const NodeAllocation& node : a->nodes) {
    EXPECT_EQ(node.amount, 2 * AmountOf(once, node.node.id)) << node.node.id;
  }
  ExpectExactSums(*a);
}

TEST(AllocationAdjust, RootAdjustmentKeepsLocks) {
  absl::StatusOr<Allocation> a = Adjust(HandAllocation(), SetTo("T2", 316'000));
  ASSERT_TRUE(a.ok()) << a.status();
  a = Adjust(*a, SetTo("N", 2'000'000));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(AmountOf(*a, "R2"), 1'350'000);
  EXPECT_EQ(AmountOf(*a, "T2"), 316'000);
  EXPECT_EQ(AmountOf(*a, "T3"), 1'350'000 - 316'000);
  ExpectExactSums(*a);
}

TEST(AllocationAdjust, Errors) {
  const Allocation hand = HandAllocation();
  ExpectFieldError(Adjust(hand, SetTo("T7", 5)).status(), absl::StatusCode::kNotFound,
                   "adjustment.node_id", "no node T7");
  ExpectFieldError(Adjust(hand, SetTo("T2", -5)).status(), absl::StatusCode::kInvalidArgument,
                   "adjustment.amount", "-5");
  ExpectFieldError(Adjust(hand, SetTo("A1", 5)).status(), absl::StatusCode::kFailedPrecondition,
                   "adjustment.node_id", "area A1 is the only child of region R1");
  // T3 has 369,000 to give.
  ExpectFieldError(Adjust(hand, SetTo("T2", 700'000)).status(),
                   absl::StatusCode::kFailedPrecondition, "adjustment.amount",
                   "territory T3 would have to give up 394,000 units of its 369,000");
}

TEST(AllocationAdjust, AllSiblingsLocked) {
  absl::StatusOr<Allocation> a = Allocate(FourTerritories(), ByLastYear(), Explicit(987'654));
  ASSERT_TRUE(a.ok()) << a.status();
  for (const char* id : {"T2", "T3", "T4"}) {
    a = Adjust(*a, SetTo(id, AmountOf(*a, id) + 1));
    ASSERT_TRUE(a.ok()) << a.status();
  }
  ExpectFieldError(Adjust(*a, SetTo("T1", 5)).status(), absl::StatusCode::kFailedPrecondition,
                   "adjustment.node_id", "every sibling of territory T1 under A is locked");
  // Setting a node to its own amount needs nobody to absorb anything.
  EXPECT_TRUE(Adjust(*a, SetTo("T1", AmountOf(*a, "T1"))).ok());
  // The parent cannot change with every child locked either.
  Allocation locked = *a;
  locked.nodes[FindNode(locked, "T1")].locked = true;
  ExpectFieldError(Adjust(locked, SetTo("A", 1'000'000)).status(),
                   absl::StatusCode::kFailedPrecondition, "adjustment.node_id",
                   "area A is the only child of region R");
  ExpectFieldError(Adjust(locked, SetTo("N", 1'000'000)).status(),
                   absl::StatusCode::kFailedPrecondition, "adjustment.amount",
                   "every child of area A is locked");
}

TEST(AllocationAdjust, BelowSoldSoFar) {
  std::vector<Node> nodes = HandTree();
  nodes[11].sold_so_far = 245'000;  // H4, which would get 243,225
  absl::StatusOr<Allocation> a = Allocate(nodes, HandMethod(), Explicit(1'000'000));
  ASSERT_TRUE(a.ok()) << a.status();
  EXPECT_EQ(At(*a, "T3").sold_so_far, 245'000);
  ExpectFieldError(Adjust(*a, SetTo("T2", 316'000)).status(), absl::StatusCode::kFailedPrecondition,
                   "adjustment.amount", "customer H4 would get 243,225 units, below the 245,000");
  Adjustment allowed = SetTo("T2", 316'000);
  allowed.forbid_below_sold = false;
  absl::StatusOr<Allocation> adjusted = Adjust(*a, allowed);
  ASSERT_TRUE(adjusted.ok()) << adjusted.status();
  EXPECT_EQ(AmountOf(*adjusted, "H4"), 243'225);
  // The node itself counts too.
  ExpectFieldError(Adjust(*a, SetTo("T3", 200'000)).status(), absl::StatusCode::kFailedPrecondition,
                   "adjustment.amount", "territory T3 would get 200,000 units, below the 245,000");
}

// A random organisation: 1-4 regions, 1-4 areas each, 1-5 territories
// each, 1-12 customers each (sometimes straight under an area), a third of
// customers without sales, some factor values 0.
std::vector<Node> RandomTree(std::mt19937_64& rng) {
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  std::vector<Node> nodes = {Interior("N", "", Level::kNation)};
  int customers = 0;
  auto add_customer = [&](const std::string& parent) {
    CustomerFactors f;
    f.grade_score = static_cast<double>(uniform(0, 10));
    f.doctors_a = uniform(0, 5);
    f.doctors_b = uniform(0, 8);
    f.doctors_c = uniform(0, 12);
    f.prescriptions = uniform(0, 3) == 0 ? 0 : static_cast<double>(uniform(0, 50'000)) / 7;
    f.market_size = uniform(0, 2'000'000);
    f.last_year_sales = uniform(0, 2) == 0 ? 0 : uniform(0, 90'000);
    f.sales_year_before = uniform(0, 2) == 0 ? 0 : uniform(0, 90'000);
    Node node =
        Customer(absl::StrCat("C", 100000 + uniform(0, 899999), "-", customers++), parent, f);
    node.sold_so_far = uniform(0, 1000);
    nodes.push_back(std::move(node));
  };
  for (int64_t r = uniform(1, 4); r > 0; --r) {
    const std::string region = absl::StrCat("R", r);
    nodes.push_back(Interior(region, "N", Level::kRegion));
    for (int64_t ar = uniform(1, 4); ar > 0; --ar) {
      const std::string area = absl::StrCat(region, "A", ar);
      nodes.push_back(Interior(area, region, Level::kArea));
      if (uniform(0, 5) == 0) add_customer(area);
      for (int64_t t = uniform(1, 5); t > 0; --t) {
        const std::string territory = absl::StrCat(area, "T", t);
        nodes.push_back(Interior(territory, area, Level::kTerritory));
        for (int64_t c = uniform(1, 12); c > 0; --c) add_customer(territory);
      }
    }
  }
  std::shuffle(nodes.begin(), nodes.end(), rng);
  return nodes;
}

AllocationMethod RandomMethod(std::mt19937_64& rng) {
  std::array<double, kFactorCount> raw{};
  double sum = 0;
  for (double& w : raw) {
    w = std::uniform_int_distribution<int>(0, 3)(rng) == 0
            ? 0
            : std::uniform_real_distribution<double>(0, 1)(rng);
    sum += w;
  }
  if (sum == 0) raw[4] = sum = 1;
  AllocationMethod method;
  method.weights = {raw[0] / sum, raw[1] / sum, raw[2] / sum,
                    raw[3] / sum, raw[4] / sum, raw[5] / sum};
  return method;
}

TEST(AllocationProperty, RandomTreesSumExactlyBeforeAndAfterAdjustments) {
  std::mt19937_64 rng(20260101);
  int adjusted = 0;
  for (int round = 0; round < 200; ++round) {
    const std::vector<Node> nodes = RandomTree(rng);
    const int64_t target = std::uniform_int_distribution<int64_t>(0, 50'000'000)(rng);
    absl::StatusOr<Allocation> a = Allocate(nodes, RandomMethod(rng), Explicit(target));
    ASSERT_TRUE(a.ok()) << a.status();
    ASSERT_EQ(a->nodes.size(), nodes.size());
    ExpectExactSums(*a);
    double weight = 0;
    for (const NodeAllocation& node : a->nodes) {
      if (node.children.empty()) weight += node.weight;
    }
    EXPECT_TRUE(std::abs(weight - 1) < 1e-9 || weight == 0) << weight;
    for (int step = 0; step < 5; ++step) {
      const int i =
          std::uniform_int_distribution<int>(0, static_cast<int>(a->nodes.size()) - 1)(rng);
      const NodeAllocation& node = a->nodes[i];
      const int64_t parent_amount = node.parent >= 0 ? a->nodes[node.parent].amount : -1;
      std::vector<std::pair<int, int64_t>> locked;
      for (int k = 0; k < static_cast<int>(a->nodes.size()); ++k) {
        if (k != i && a->nodes[k].locked) locked.push_back({k, a->nodes[k].amount});
      }
      Adjustment adjustment = SetTo(
          node.node.id, std::max<int64_t>(0, node.amount + std::uniform_int_distribution<int64_t>(
                                                               -node.amount, 20'000)(rng)));
      adjustment.forbid_below_sold = false;
      absl::StatusOr<Allocation> next = Adjust(*a, adjustment);
      if (!next.ok()) {
        EXPECT_EQ(next.status().code(), absl::StatusCode::kFailedPrecondition) << next.status();
        continue;
      }
      ++adjusted;
      ExpectExactSums(*next);
      EXPECT_EQ(next->nodes[i].amount, adjustment.amount);
      if (parent_amount >= 0) {
        EXPECT_EQ(next->nodes[node.parent].amount, parent_amount);
      }
      // A root adjustment may move locked nodes' ancestors, never the locked.
      for (const auto& [k, amount] : locked) EXPECT_EQ(next->nodes[k].amount, amount);
      a = std::move(next);
    }
  }
  EXPECT_GT(adjusted, 300);
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::process
