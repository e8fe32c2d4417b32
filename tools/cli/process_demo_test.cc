#include <map>
#include <set>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "process_demo_command.h"

namespace pharmacrm::cli {
namespace {

TEST(PlanDemoOrganisation, ATerritoryPerProvinceWithItsRepAndCustomers) {
  const std::vector<DemoCustomer> customers = {
      {"h1", "北京协和医院", "北京市", v1::CUSTOMER_KIND_HOSPITAL},
      {"h2", "北京大学第一医院", "北京市", v1::CUSTOMER_KIND_HOSPITAL},
      {"p1", "老百姓大药房", "湖南省", v1::CUSTOMER_KIND_PHARMACY},
      {"h3", "广西医科大学第一附属医院", "广西壮族自治区", v1::CUSTOMER_KIND_HOSPITAL},
      {"x", "无省份医院", "", v1::CUSTOMER_KIND_HOSPITAL},
  };
  const DemoOrganisation plan = PlanDemoOrganisation(customers);
  std::map<std::string, const DemoOrganisation::Territory*> by_code;
  std::set<std::string> seen;
  for (const DemoOrganisation::Territory& t : plan.territories) {
    // Parents come first.
    if (!t.parent_code.empty()) {
      EXPECT_TRUE(seen.count(t.parent_code)) << t.code;
    }
    seen.insert(t.code);
    by_code[t.code] = &t;
  }
  // Nation, 3 regions (华北, 华南, 华中), 3 areas, 3 territories.
  EXPECT_EQ(plan.territories.size(), 10u);
  ASSERT_TRUE(by_code.count("CN-N-01-01"));
  EXPECT_EQ(by_code["CN-N-01-01"]->name, "北京一区");
  EXPECT_EQ(by_code["CN-N-01-01"]->level, v1::TERRITORY_LEVEL_TERRITORY);
  EXPECT_EQ(by_code["CN-S-02"]->name, "广西地区");
  EXPECT_EQ(by_code["CN-C-03-01"]->parent_code, "CN-C-03");
  // Every customer with a province aligned to its province's territory.
  std::map<std::string, std::string> aligned(plan.customer_alignments.begin(),
                                             plan.customer_alignments.end());
  EXPECT_EQ(aligned.size(), 4u);
  EXPECT_EQ(aligned["h2"], "CN-N-01-01");
  EXPECT_EQ(aligned["p1"], "CN-C-03-01");
  EXPECT_FALSE(aligned.count("x"));
  // A rep per territory; managers before the people they manage.
  EXPECT_EQ(plan.rep_alignments.size(), 3u);
  std::set<std::string> people;
  for (const v1::Rep& p : plan.people) {
    if (!p.manager_id().empty()) {
      EXPECT_TRUE(people.count(p.manager_id())) << p.id();
    }
    EXPECT_EQ(p.costs_size(), 2) << p.id();
    people.insert(p.id());
  }
  // A director, 3 regional and 3 district managers, 3 reps.
  EXPECT_EQ(plan.people.size(), 10u);
}

}  // namespace
}  // namespace pharmacrm::cli
