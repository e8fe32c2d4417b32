#include "domain/process/alert_records.h"

#include <algorithm>
#include <string>
#include <vector>

#include "gtest/gtest.h"
#include "pharmacrm/core/time.h"

namespace pharmacrm::sales_pipeline::process {
namespace {

const absl::Time kAt = absl::FromCivil(absl::CivilDay(2026, 3, 2), absl::UTCTimeZone());

TEST(AlertRecords, AnAlertStoredAndMovedKeepsItsHistory) {
  FactorChange competitor{
      ChangeFactor::kCompetitor, "H1", "competitor", "", "竞品进院", "li.na", kAt};
  AlertOwner owner{"li.na", "T1", "the rep of 成都武侯 (T1) on 2026-03-02",
                   "2026-03-02 成都武侯 (T1) 的医药代表"};
  v1::Alert stored =
      ToAlertProto(RaiseAlert("A1", "li.na", competitor), owner, "华西医院", "2026-03-01");
  EXPECT_EQ(stored.version(), 1);
  EXPECT_EQ(stored.factor(), v1::CHANGE_FACTOR_COMPETITOR);
  EXPECT_EQ(stored.state(), v1::ALERT_STATE_OPEN);
  EXPECT_FALSE(stored.unassigned());
  EXPECT_EQ(stored.territory_id(), "T1");
  EXPECT_EQ(stored.customer_name(), "华西医院");
  EXPECT_EQ(stored.occurred_on(), "2026-03-01");
  EXPECT_EQ(core::FromTimestamp(stored.due_by(), "due_by").value(), kAt + absl::Hours(24 * 7));
  ASSERT_EQ(stored.history_size(), 1);
  EXPECT_EQ(stored.history(0).note(), "raised");

  Alert back = FromAlertProto(stored);
  EXPECT_EQ(back.change.factor, ChangeFactor::kCompetitor);
  EXPECT_EQ(back.due_by, kAt + absl::Hours(24 * 7));
  absl::StatusOr<Alert> ack = MoveAlert(back, AlertState::kAcknowledged, "li.na",
                                        "calling on 心内科", kAt + absl::Hours(2));
  ASSERT_TRUE(ack.ok()) << ack.status();
  v1::Alert moved = WithMove(stored, *ack);
  EXPECT_EQ(moved.version(), 2);
  EXPECT_EQ(moved.state(), v1::ALERT_STATE_ACKNOWLEDGED);
  ASSERT_EQ(moved.history_size(), 2);
  EXPECT_EQ(moved.history(1).by(), "li.na");
  EXPECT_EQ(moved.history(1).note(), "calling on 心内科");
}

TEST(AlertRecords, FactorsAndStatesBothWays) {
  for (ChangeFactor f : {ChangeFactor::kNeeds, ChangeFactor::kPeopleInCharge, ChangeFactor::kBudget,
                         ChangeFactor::kCompetitor, ChangeFactor::kTimetable}) {
    EXPECT_EQ(FactorOf(ToProto(f)), f);
  }
  EXPECT_FALSE(FactorOf(v1::CHANGE_FACTOR_UNSPECIFIED).has_value());
  EXPECT_FALSE(FactorOf(static_cast<v1::ChangeFactor>(42)).has_value());
  for (AlertState s :
       {AlertState::kOpen, AlertState::kAcknowledged, AlertState::kDone, AlertState::kExpired}) {
    EXPECT_EQ(StateOf(ToProto(s)), s);
  }
  EXPECT_FALSE(StateOf(v1::ALERT_STATE_UNSPECIFIED).has_value());
}

TEST(AlertRecords, NewestFirstThenIdDescending) {
  std::vector<v1::Alert> alerts(3);
  alerts[0].set_id("a");
  *alerts[0].mutable_raised_at() = core::ToTimestamp(kAt);
  alerts[1].set_id("b");
  *alerts[1].mutable_raised_at() = core::ToTimestamp(kAt);
  alerts[2].set_id("c");
  *alerts[2].mutable_raised_at() = core::ToTimestamp(kAt - absl::Seconds(1));
  std::sort(alerts.begin(), alerts.end(), NewestFirst);
  EXPECT_EQ(alerts[0].id(), "b");
  EXPECT_EQ(alerts[1].id(), "a");
  EXPECT_EQ(alerts[2].id(), "c");
}

TEST(AlertRecords, ASnapshotGivesThePeopleBack) {
  PeopleInCharge people;
  people.director = "王院长";
  people.committee = {{"张伟", "主任委员"}, {"陈静", "委员"}};
  people.department_heads = {{"心内科", "D1"}};
  v1::PeopleSnapshot s = ToSnapshot("H1", 3, people);
  EXPECT_EQ(s.customer_version(), 3);
  PeopleInCharge back = FromSnapshot(s);
  EXPECT_EQ(back.director, people.director);
  EXPECT_EQ(back.committee, people.committee);
  EXPECT_EQ(back.department_heads, people.department_heads);
  EXPECT_TRUE(PeopleChanges("H1", people, back, kAt).empty());
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::process
