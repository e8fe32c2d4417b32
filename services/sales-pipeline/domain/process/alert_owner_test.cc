#include "domain/process/alert_owner.h"

#include <map>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "pharmacrm/core/time.h"

namespace pharmacrm::sales_pipeline::process {
namespace {

// 2026-03-02 10:00 China Standard Time.
const absl::Time kAt = absl::FromCivil(absl::CivilSecond(2026, 3, 2, 2, 0, 0), absl::UTCTimeZone());

v1::AlignmentHistory Aligned(const std::string& subject,
                             const std::vector<std::pair<absl::CivilDay, std::string>>& spells) {
  v1::AlignmentHistory h;
  for (const auto& [from, territory] : spells) {
    v1::Alignment* a = h.add_alignments();
    a->set_subject_id(subject);
    a->set_territory_id(territory);
    *a->mutable_effective_from() =
        core::ToTimestamp(absl::FromCivil(from, absl::FixedTimeZone(8 * 3600)));
  }
  return h;
}

Person Someone(const std::string& id, v1::SalesRole role, const std::string& territory,
               const std::string& start = "2025-01-02", const std::string& end = "") {
  Person p;
  p.rep.set_id(id);
  p.rep.set_role(role);
  p.rep.set_start_date(start);
  p.rep.set_end_date(end);
  p.alignments = Aligned(id, {{absl::CivilDay(2025, 1, 2), territory}});
  return p;
}

// 全国 CN > 华西大区 W > 成都地区 W-CD > 成都武侯 T1, 成都锦江 T2.
std::map<std::string, v1::Territory> Tree() {
  std::map<std::string, v1::Territory> tree;
  auto add = [&](const std::string& id, const std::string& parent, const std::string& name) {
    v1::Territory t;
    t.set_id(id);
    t.set_parent_id(parent);
    t.set_name(name);
    tree[id] = t;
  };
  add("CN", "", "全国");
  add("W", "CN", "华西大区");
  add("W-CD", "W", "成都地区");
  add("T1", "W-CD", "成都武侯");
  add("T2", "W-CD", "成都锦江");
  return tree;
}

TEST(EmployedOn, FromTheStartDateToTheEndDateBothIncluded) {
  v1::Rep rep;
  rep.set_start_date("2025-01-02");
  rep.set_end_date("2026-03-02");
  EXPECT_FALSE(EmployedOn(rep, absl::CivilDay(2025, 1, 1)));
  EXPECT_TRUE(EmployedOn(rep, absl::CivilDay(2025, 1, 2)));
  EXPECT_TRUE(EmployedOn(rep, absl::CivilDay(2026, 3, 2)));
  EXPECT_FALSE(EmployedOn(rep, absl::CivilDay(2026, 3, 3)));
  rep.set_start_date("someday");
  EXPECT_FALSE(EmployedOn(rep, absl::CivilDay(2026, 1, 1)));
}

TEST(AccountTerritoryAt, TheCustomersOwnElseItsHospitals) {
  const v1::AlignmentHistory hospital = Aligned("H1", {{absl::CivilDay(2024, 1, 1), "T1"}});
  const v1::AlignmentHistory doctor = Aligned("D1", {{absl::CivilDay(2026, 6, 1), "T2"}});
  EXPECT_EQ(AccountTerritoryAt(&hospital, nullptr, kAt), "T1");
  EXPECT_EQ(AccountTerritoryAt(&doctor, &hospital, kAt), "T1")
      << "the doctor's is not yet in force";
  EXPECT_EQ(AccountTerritoryAt(&doctor, &hospital, kAt + absl::Hours(24 * 120)), "T2");
  EXPECT_EQ(AccountTerritoryAt(nullptr, &hospital, kAt), "T1");
  EXPECT_EQ(AccountTerritoryAt(nullptr, nullptr, kAt), "");
}

TEST(FindAlertOwner, TheRepOfTheTerritoryFirstOfSeveralById) {
  const std::vector<Person> people = {Someone("wang.fang", v1::SALES_ROLE_REP, "T1"),
                                      Someone("li.na", v1::SALES_ROLE_REP, "T1"),
                                      Someone("chen.jie", v1::SALES_ROLE_DISTRICT_MANAGER, "T1"),
                                      Someone("zhou.min", v1::SALES_ROLE_REP, "T2")};
  AlertOwner owner = FindAlertOwner("T1", Tree(), people, kAt);
  EXPECT_EQ(owner.person_id, "li.na");
  EXPECT_EQ(owner.territory_id, "T1");
  EXPECT_EQ(owner.assignment, "the rep of 成都武侯 (T1) on 2026-03-02");
  EXPECT_EQ(owner.assignment_zh, "2026-03-02 成都武侯 (T1) 的医药代表");
}

TEST(FindAlertOwner, ARepWhoLeftOrMovedAwayDoesNotOwnIt) {
  Person moved = Someone("li.na", v1::SALES_ROLE_REP, "T1");
  moved.alignments =
      Aligned("li.na", {{absl::CivilDay(2025, 1, 2), "T1"}, {absl::CivilDay(2026, 3, 1), "T2"}});
  const std::vector<Person> people = {
      moved, Someone("wang.fang", v1::SALES_ROLE_REP, "T1", "2025-01-02", "2026-02-28"),
      Someone("chen.jie", v1::SALES_ROLE_DISTRICT_MANAGER, "W-CD")};
  AlertOwner owner = FindAlertOwner("T1", Tree(), people, kAt);
  EXPECT_EQ(owner.person_id, "chen.jie");
  EXPECT_EQ(owner.assignment,
            "no rep in 成都武侯 (T1) on 2026-03-02: the manager of 成都地区 (W-CD)");
  EXPECT_EQ(owner.assignment_zh,
            "2026-03-02 成都武侯 (T1) 无在职医药代表，由 成都地区 (W-CD) 的经理负责");
  // A day before li.na moved, she owned it.
  EXPECT_EQ(FindAlertOwner("T1", Tree(), people, kAt - absl::Hours(48)).person_id, "li.na");
}

TEST(FindAlertOwner, TheNearestManagerUpTheTree) {
  const std::vector<Person> people = {
      Someone("zhao.wei", v1::SALES_ROLE_NATIONAL_DIRECTOR, "CN"),
      Someone("sun.li", v1::SALES_ROLE_REGIONAL_MANAGER, "W"),
      Someone("zhou.min", v1::SALES_ROLE_REP, "W")};  // A rep above a territory is no owner.
  AlertOwner owner = FindAlertOwner("T1", Tree(), people, kAt);
  EXPECT_EQ(owner.person_id, "sun.li");
  EXPECT_EQ(FindAlertOwner("T1", Tree(), {people[0]}, kAt).person_id, "zhao.wei");
}

TEST(FindAlertOwner, UnassignedWithoutATerritoryOrAnybody) {
  AlertOwner none = FindAlertOwner("", Tree(), {}, kAt);
  EXPECT_EQ(none.person_id, "");
  EXPECT_EQ(none.assignment, "unassigned: the customer is in no territory on 2026-03-02");
  EXPECT_EQ(none.assignment_zh, "未分配：该客户 2026-03-02 不属于任何辖区");
  AlertOwner nobody =
      FindAlertOwner("T1", Tree(), {Someone("li.na", v1::SALES_ROLE_REP, "T2")}, kAt);
  EXPECT_EQ(nobody.person_id, "");
  EXPECT_EQ(nobody.territory_id, "T1");
  EXPECT_EQ(nobody.assignment,
            "unassigned: nobody has 成都武侯 (T1) or a territory above it on 2026-03-02");
  // A territory not (yet) known: its reps still own it, the climb stops.
  EXPECT_EQ(FindAlertOwner("T9", {}, {Someone("li.na", v1::SALES_ROLE_REP, "T9")}, kAt).assignment,
            "the rep of T9 on 2026-03-02");
  // A cycle in the tree ends the climb.
  std::map<std::string, v1::Territory> loop = Tree();
  loop["CN"].set_parent_id("T1");
  EXPECT_EQ(FindAlertOwner("T1", loop, {}, kAt).person_id, "");
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::process
