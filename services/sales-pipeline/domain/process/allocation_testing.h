// Test helpers of the target allocation (allocation.h): builders of nodes,
// the worked example of allocation.h and docs/SALES_PROCESS.md, and checks.
// Only for *_test.cc files.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_ALLOCATION_TESTING_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_ALLOCATION_TESTING_H_

#include <algorithm>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/process/allocation.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::process::testing {

inline Node Interior(std::string id, std::string parent_id, Level level) {
  Node node;
  node.id = std::move(id);
  node.parent_id = std::move(parent_id);
  node.level = level;
  return node;
}

inline Node Customer(std::string id, std::string parent_id, CustomerFactors factors) {
  Node node = Interior(std::move(id), std::move(parent_id), Level::kCustomer);
  node.factors = factors;
  return node;
}

inline CustomerFactors Factors(double grade, int64_t a, int64_t b, int64_t c, int64_t market,
                               int64_t last_year, int64_t year_before) {
  CustomerFactors f;
  f.grade_score = grade;
  f.doctors_a = a;
  f.doctors_b = b;
  f.doctors_c = c;
  f.market_size = market;
  f.last_year_sales = last_year;
  f.sales_year_before = year_before;
  return f;
}

// Only last year's sales count.
inline AllocationMethod ByLastYear() {
  AllocationMethod method;
  method.weights.last_year_sales = 1;
  return method;
}

inline CompanyTarget Explicit(int64_t amount) {
  CompanyTarget target;
  target.product_id = "P001";
  target.year = 2026;
  target.amount = amount;
  return target;
}

// The worked example of allocation.h and docs/SALES_PROCESS.md.
//   N ─ R1 ─ A1 ─ T1 ─ H1, H2
//     └ R2 ─ A2 ─ T2 ─ H3
//                └ T3 ─ H4, H5
// Doctor points (A 3, B 2, C 1): H1 2·3+2·2 = 10, H2 2·2+1 = 5,
// H3 3·3+3·2+3 = 18, H4 3+3·2+1 = 10, H5 3+2+2·1 = 7; total 50.
// Growth indexes: H1 25,000/20,000 = 1.25, H2 1, H3 30,000/40,000 = 0.75,
// H4 1, H5 1; total 5. Grades total 40, markets 10,000,000, last year
// 100,000. Prescriptions are given but weigh 0.
inline std::vector<Node> HandTree() {
  std::vector<Node> nodes = {
      Interior("N", "", Level::kNation),
      Interior("R1", "N", Level::kRegion),
      Interior("A1", "R1", Level::kArea),
      Interior("T1", "A1", Level::kTerritory),
      Interior("R2", "N", Level::kRegion),
      Interior("A2", "R2", Level::kArea),
      Interior("T2", "A2", Level::kTerritory),
      Interior("T3", "A2", Level::kTerritory),
      Customer("H1", "T1", Factors(10, 2, 2, 0, 2'000'000, 25'000, 20'000)),
      Customer("H2", "T1", Factors(6, 0, 2, 1, 1'000'000, 5'000, 5'000)),
      Customer("H3", "T2", Factors(10, 3, 3, 3, 4'000'000, 30'000, 40'000)),
      Customer("H4", "T3", Factors(8, 1, 3, 1, 2'000'000, 30'000, 30'000)),
      Customer("H5", "T3", Factors(6, 1, 1, 2, 1'000'000, 10'000, 10'000)),
  };
  nodes[8].factors.prescriptions = 900;
  nodes[10].factors.prescriptions = 100;
  return nodes;
}

inline AllocationMethod HandMethod() {
  AllocationMethod method;
  method.weights.grade_score = 0.1;
  method.weights.doctor_mix = 0.1;
  method.weights.prescriptions = 0;
  method.weights.market_size = 0.2;
  method.weights.last_year_sales = 0.5;
  method.weights.growth = 0.1;
  return method;
}

inline Allocation HandAllocation() {
  absl::StatusOr<Allocation> allocation = Allocate(HandTree(), HandMethod(), Explicit(1'000'000));
  EXPECT_TRUE(allocation.ok()) << allocation.status();
  return *std::move(allocation);
}

inline const NodeAllocation& At(const Allocation& allocation, absl::string_view id) {
  const int i = FindNode(allocation, id);
  EXPECT_GE(i, 0) << id;
  return allocation.nodes[std::max(i, 0)];
}

inline int64_t AmountOf(const Allocation& allocation, absl::string_view id) {
  return At(allocation, id).amount;
}

// Every interior node's children sum exactly to it; no amount below 0.
inline void ExpectExactSums(const Allocation& allocation) {
  for (const NodeAllocation& node : allocation.nodes) {
    EXPECT_GE(node.amount, 0) << node.node.id;
    if (node.children.empty()) continue;
    int64_t sum = 0;
    for (int c : node.children) sum += allocation.nodes[c].amount;
    EXPECT_EQ(sum, node.amount) << node.node.id;
  }
  EXPECT_EQ(allocation.nodes[0].amount, allocation.company_target);
}

inline void ExpectFieldError(const absl::Status& status, absl::StatusCode code,
                             absl::string_view field, absl::string_view in_message) {
  EXPECT_EQ(status.code(), code) << status;
  EXPECT_EQ(core::FieldOf(status).value_or("(none)"), field) << status;
  EXPECT_THAT(std::string(status.message()), ::testing::HasSubstr(in_message));
}

inline Adjustment SetTo(std::string id, int64_t amount) {
  Adjustment adjustment;
  adjustment.node_id = std::move(id);
  adjustment.amount = amount;
  return adjustment;
}

}  // namespace pharmacrm::sales_pipeline::process::testing

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_ALLOCATION_TESTING_H_
