#include "domain/process/target_inputs.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "absl/strings/str_join.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::process {
namespace {

using ::testing::HasSubstr;

v1::Territory Territory(const std::string& id, v1::TerritoryLevel level, const std::string& parent) {
  v1::Territory t;
  t.set_id(id);
  t.set_code(id);
  t.set_name(id);
  t.set_level(level);
  t.set_parent_id(parent);
  return t;
}

std::vector<v1::Territory> Tree() {
  return {Territory("CN", v1::TERRITORY_LEVEL_NATION, ""),
          Territory("N", v1::TERRITORY_LEVEL_REGION, "CN"),
          Territory("N-BJ", v1::TERRITORY_LEVEL_AREA, "N"),
          Territory("T-BJ-1", v1::TERRITORY_LEVEL_TERRITORY, "N-BJ"),
          Territory("T-BJ-2", v1::TERRITORY_LEVEL_TERRITORY, "N-BJ"),  // nobody aligned
          Territory("S", v1::TERRITORY_LEVEL_REGION, "CN")};           // no area at all
}

TargetCustomer Customer(const std::string& id, v1::CustomerKind kind, const std::string& territory) {
  TargetCustomer c;
  c.id = id;
  c.name = id;
  c.kind = kind;
  c.territory_id = territory;
  c.grade = v1::HOSPITAL_GRADE_3A;
  c.has_metrics = true;
  c.own_prescriptions = 1200;
  c.market = 50'000;
  c.last_year_sales = 10'000;
  c.sales_year_before = 8'000;
  c.sold_so_far = 700;
  c.last_year_by_month[1] = 300;
  return c;
}

TEST(GradeScore, FollowsTheHospitalGrade) {
  EXPECT_EQ(GradeScore(v1::HOSPITAL_GRADE_3A), 10);
  EXPECT_EQ(GradeScore(v1::HOSPITAL_GRADE_2B), 5);
  EXPECT_EQ(GradeScore(v1::HOSPITAL_GRADE_1C), 2);
  EXPECT_EQ(GradeScore(v1::HOSPITAL_GRADE_UNGRADED), 1);
  EXPECT_EQ(GradeScore(v1::HOSPITAL_GRADE_UNSPECIFIED), 0);
}

TEST(ClassifyDoctor, ByTheMonthlyAverageWithoutRounding) {
  const DoctorClassRule rule;  // A from 100 a month, B from 30
  EXPECT_EQ(ClassifyDoctor(1200, 12, rule), DoctorClass::kA);
  EXPECT_EQ(ClassifyDoctor(1199, 12, rule), DoctorClass::kB) << "99.9 a month";
  EXPECT_EQ(ClassifyDoctor(360, 12, rule), DoctorClass::kB);
  EXPECT_EQ(ClassifyDoctor(359, 12, rule), DoctorClass::kC);
  EXPECT_EQ(ClassifyDoctor(1, 12, rule), DoctorClass::kC);
  EXPECT_EQ(ClassifyDoctor(0, 12, rule), DoctorClass::kNone);
  EXPECT_EQ(ClassifyDoctor(100, 1, rule), DoctorClass::kA) << "one month of figures";
  EXPECT_EQ(DoctorClassName(DoctorClass::kB), "B");
}

TEST(KeepMetrics, WholeCustomerFiguresOfTheLatestVersion) {
  v1::CustomerMetrics m;
  m.set_customer_id("H1");
  m.set_period("2025-03");
  m.set_version(2);
  m.mutable_hospital()->set_outpatient_visits(10);
  EXPECT_TRUE(KeepMetrics(std::nullopt, m));
  v1::CustomerMetrics newer = m;
  newer.set_version(3);
  EXPECT_FALSE(KeepMetrics(newer, m)) << "an older version does not replace a newer one";
  EXPECT_TRUE(KeepMetrics(m, newer));
  v1::CustomerMetrics department = m;
  department.set_department("心内科");
  EXPECT_FALSE(KeepMetrics(std::nullopt, department));
  v1::CustomerMetrics distributor;
  distributor.mutable_distributor()->set_sales_volume(5);
  EXPECT_FALSE(KeepMetrics(std::nullopt, distributor));
}

TEST(ClassFiguresOf, OursAndAllMakersOfTheClass) {
  v1::CustomerMetrics m;
  v1::DrugClassFigure* all = m.mutable_hospital()->add_prescriptions();
  all->set_drug_class("心血管系统用药");
  all->set_volume(5000);
  v1::DrugClassFigure* other = m.mutable_hospital()->add_prescriptions();
  other->set_drug_class("抗感染药");
  other->set_volume(9000);
  v1::DrugClassFigure* own = m.mutable_hospital()->add_own_prescriptions();
  own->set_drug_class("心血管系统用药");
  own->set_volume(800);
  ClassFigures f = ClassFiguresOf(m, "心血管系统用药");
  EXPECT_EQ(f.own, 800);
  EXPECT_EQ(f.all, 5000);
  EXPECT_EQ(ClassFiguresOf(m, "消化系统用药").all, 0);
}

TEST(BuildTargetTree, TerritoriesWithTheirCustomersAndWhatWasLeftOut) {
  std::vector<TargetCustomer> customers = {
      Customer("H1", v1::CUSTOMER_KIND_HOSPITAL, "T-BJ-1"),
      Customer("P1", v1::CUSTOMER_KIND_PHARMACY, "T-BJ-1"),
      Customer("D1", v1::CUSTOMER_KIND_DOCTOR, "T-BJ-1"),    // not a buyer
      Customer("H2", v1::CUSTOMER_KIND_HOSPITAL, ""),        // unaligned
      Customer("H3", v1::CUSTOMER_KIND_HOSPITAL, "T-BJ-1")};
  customers[4].has_metrics = false;
  absl::StatusOr<TargetTree> tree = BuildTargetTree(Tree(), customers);
  ASSERT_TRUE(tree.ok()) << tree.status();
  std::vector<std::string> ids;
  for (const Node& n : tree->nodes) ids.push_back(n.id);
  // The empty territory and the region without customers are not nodes.
  EXPECT_THAT(ids, ::testing::ElementsAre("CN", "N", "N-BJ", "T-BJ-1", "H1", "P1", "H3"));
  EXPECT_EQ(tree->nodes[0].parent_id, "");
  EXPECT_EQ(tree->nodes[4].level, Level::kCustomer);
  EXPECT_EQ(tree->nodes[4].factors.grade_score, 10);
  EXPECT_EQ(tree->nodes[4].factors.market_size, 50'000);
  EXPECT_EQ(tree->nodes[4].factors.prescriptions, 1200);
  EXPECT_EQ(tree->nodes[4].last_year_by_month[1], 300);
  const std::string missing = absl::StrJoin(tree->missing_inputs, "\n");
  EXPECT_THAT(missing, HasSubstr("H2 (H2) is not aligned"));
  EXPECT_THAT(missing, HasSubstr("T-BJ-2 (T-BJ-2) has no customers"));
  EXPECT_THAT(missing, HasSubstr("no metrics of the year before for H3"));
  EXPECT_THAT(missing, ::testing::Not(HasSubstr("D1")));
  // The tree allocates.
  AllocationMethod method;
  method.weights.last_year_sales = 1;
  CompanyTarget target;
  target.amount = 30'000;
  absl::StatusOr<Allocation> allocation = Allocate(tree->nodes, method, target);
  ASSERT_TRUE(allocation.ok()) << allocation.status();
  EXPECT_EQ(allocation->nodes[FindNode(*allocation, "H1")].amount, 10'000);
}

TEST(BuildTargetTree, NoNationOrNobodyAlignedIsAFailedPrecondition) {
  std::vector<v1::Territory> no_nation = Tree();
  no_nation.erase(no_nation.begin());
  absl::Status s =
      BuildTargetTree(no_nation, {Customer("H1", v1::CUSTOMER_KIND_HOSPITAL, "T-BJ-1")}).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(core::FieldOf(s).value_or(""), "territories");
  s = BuildTargetTree(Tree(), {Customer("H1", v1::CUSTOMER_KIND_HOSPITAL, "")}).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::process
