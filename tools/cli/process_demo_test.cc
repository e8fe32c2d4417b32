#include <map>
#include <set>
#include <string>
#include <vector>

#include "calls_demo.h"
#include "gmock/gmock.h"
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

TEST(PlanDemoCalls, AYearOfCallsOnEachRepsDoctorsWithSamplesAndJointCalls) {
  const DemoOrganisation plan = PlanDemoOrganisation({
      {"h1", "北京协和医院", "北京市", v1::CUSTOMER_KIND_HOSPITAL},
      {"h2", "湘雅医院", "湖南省", v1::CUSTOMER_KIND_HOSPITAL},
  });
  const std::vector<DemoDoctor> doctors = {{"d1", "h1"}, {"d2", "h1"}, {"d3", "h2"}, {"d9", "x"}};
  // Today 2026-12-08: the months December 2025 to November 2026, but not
  // before the alignments of 2026-01-01.
  const DemoCallsPlan calls = PlanDemoCalls(plan, doctors, "P001", absl::CivilDay(2026, 12, 8),
                                            absl::CivilDay(2026, 1, 1), "t");
  ASSERT_EQ(calls.issues.size(), 2u);  // the reps of 北京 and 湖南
  EXPECT_EQ(calls.issues[0].quantity(), 150);
  // Per doctor and month {4, 2, 1, 3, 0, 2}[(i + month) % 6], January to
  // November: i = 0 gives 2+1+3+0+2+4+2+1+3+0+2 = 20, i = 1 gives
  // 1+3+0+2+4+2+1+3+0+2+4 = 22; 湖南's only doctor (i = 0) 20.
  std::map<std::string, int> per_doctor;
  int joint = 0, samples = 0;
  for (const v1::ReportCallRequest& r : calls.calls) {
    ++per_doctor[r.call().customer_id()];
    if (!r.call().joint_with().empty()) ++joint;
    samples += r.call().samples_size();
    EXPECT_GE(r.call().called_at().seconds(),
              absl::ToUnixSeconds(
                  absl::FromCivil(absl::CivilDay(2026, 1, 1), absl::FixedTimeZone(8 * 3600))));
  }
  EXPECT_EQ(per_doctor["d1"], 20);
  EXPECT_EQ(per_doctor["d2"], 22);
  EXPECT_EQ(per_doctor["d3"], 20);
  EXPECT_FALSE(per_doctor.count("d9"));
  // The first call of each month with calls leaves a pack; the first
  // doctor's is a joint call with the district manager.
  EXPECT_EQ(samples, 9 + 9 + 9);
  EXPECT_EQ(joint, 9 + 9);
  EXPECT_EQ(calls.calls.front().call().joint_with(), "dm.n01");
}

TEST(PlanDemoCalls, TwoYearsOfCallsTheYearBeforeLastAsHistory) {
  const DemoOrganisation plan = PlanDemoOrganisation({
      {"h1", "北京协和医院", "北京市", v1::CUSTOMER_KIND_HOSPITAL},
      {"h2", "湘雅医院", "湖南省", v1::CUSTOMER_KIND_HOSPITAL},
  });
  const std::vector<DemoDoctor> doctors = {{"d1", "h1"}, {"d2", "h1"}, {"d3", "h2"}};
  // Today 2026-12-08, aligned from 2024-01-01: the 24 months December 2024
  // to November 2026. Calls from 2025-12-09 (364 days back) are reported,
  // older ones history. d1 (i = 0) by month: 2024-12 4; 2025 24 (2 1 3 0 2
  // 4 2 1 3 0 2 4); 2026 to November 20: 48 calls. December 2025's 4 fall
  // on the 3rd (history) and the 10th, 17th, 24th (reported): 23 reported,
  // 25 history. d2 (i = 1): 2 + 24 + 22 = 48; December 2025's 2 on the 3rd
  // and 10th: 23 reported, 25 history. d3 (i = 0 of 湖南) as d1.
  const DemoCallsPlan calls = PlanDemoCalls(plan, doctors, "P001", absl::CivilDay(2026, 12, 8),
                                            absl::CivilDay(2024, 1, 1), "t");
  const absl::TimeZone china = absl::FixedTimeZone(8 * 3600);
  const int64_t reportable =
      absl::ToUnixSeconds(absl::FromCivil(absl::CivilDay(2025, 12, 9), china));
  const int64_t first_month =
      absl::ToUnixSeconds(absl::FromCivil(absl::CivilDay(2024, 12, 1), china));
  std::map<std::string, int> reported, history;
  int history_samples = 0, history_joint = 0;
  for (const v1::ReportCallRequest& r : calls.calls) {
    ++reported[r.call().customer_id()];
    EXPECT_GE(r.call().called_at().seconds(), reportable);
  }
  ASSERT_EQ(calls.history.size(), 2u);  // one request a rep (at most 500 calls each)
  for (const v1::ImportCallHistoryRequest& r : calls.history) {
    EXPECT_EQ(r.source(), "PharmaCRM demo history");
    EXPECT_LE(r.calls_size(), kDemoHistoryBatch);
    for (const v1::CallReport& c : r.calls()) {
      ++history[c.customer_id()];
      EXPECT_LT(c.called_at().seconds(), reportable);
      EXPECT_GE(c.called_at().seconds(), first_month);
      history_samples += c.samples_size();
      if (!c.joint_with().empty()) ++history_joint;
      for (const v1::SampleLeft& s : c.samples()) {
        EXPECT_THAT(s.batch_no(), testing::AnyOf("DEMO-2024", "DEMO-2025"));
      }
    }
  }
  EXPECT_EQ(reported["d1"], 23);
  EXPECT_EQ(reported["d2"], 23);
  EXPECT_EQ(reported["d3"], 23);
  EXPECT_EQ(history["d1"], 25);
  EXPECT_EQ(history["d2"], 25);
  EXPECT_EQ(history["d3"], 25);
  // A pack on each history month's first call: 2024-12, the 9 months of
  // January to November 2025 with calls, and 3 December 2025, for each of
  // the 3 doctors; the first doctors' (d1, d3) are joint calls.
  EXPECT_EQ(history_samples, 3 * 11);
  EXPECT_EQ(history_joint, 2 * 11);
}

}  // namespace
}  // namespace pharmacrm::cli
