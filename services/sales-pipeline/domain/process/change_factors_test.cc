#include "domain/process/change_factors.h"

#include <string>
#include <vector>

#include "domain/process/organisation_testing.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::process {
namespace {

const absl::Time kAt = absl::FromCivil(absl::CivilDay(2026, 3, 2), absl::UTCTimeZone());

v1::Customer Hospital(const std::string& director,
                      const std::vector<std::pair<std::string, std::string>>& committee,
                      const std::vector<std::pair<std::string, std::string>>& heads) {
  v1::Customer c;
  c.set_id("H1");
  *c.mutable_profile()->mutable_hospital() = testing_data::TestPeople(director, committee, heads);
  return c;
}

TEST(PeopleChanges, TheCommitteeTheDirectorAndDepartmentHeads) {
  const PeopleInCharge before = PeopleOf(Hospital(
      "王院长", {{"张伟", "主任委员"}, {"李娜", "委员"}}, {{"心内科", "D1"}, {"内分泌科", "D2"}}));
  const PeopleInCharge after = PeopleOf(Hospital("刘院长", {{"张伟", "委员"}, {"陈静", "委员"}},
                                                 {{"心内科", "D9"}, {"内分泌科", "D2"}}));
  std::vector<FactorChange> changes = PeopleChanges("H1", before, after, kAt);
  ASSERT_EQ(changes.size(), 5u);
  EXPECT_EQ(changes[0].what, "director");
  EXPECT_EQ(changes[0].before, "王院长");
  EXPECT_EQ(changes[0].after, "刘院长");
  EXPECT_EQ(changes[1].what, "pharmacy_committee");  // 张伟's role
  EXPECT_EQ(changes[1].before, "张伟 (主任委员)");
  EXPECT_EQ(changes[1].after, "张伟 (委员)");
  EXPECT_EQ(changes[2].before, "李娜 (委员)");  // left
  EXPECT_EQ(changes[2].after, "");
  EXPECT_EQ(changes[3].after, "陈静 (委员)");  // joined
  EXPECT_EQ(changes[4].what, "department_head:心内科");
  EXPECT_EQ(changes[4].before, "D1");
  EXPECT_EQ(changes[4].after, "D9");
  for (const FactorChange& c : changes) {
    EXPECT_EQ(c.factor, ChangeFactor::kPeopleInCharge);
    EXPECT_EQ(c.source, "customer-master");
  }
  EXPECT_TRUE(PeopleChanges("H1", after, after, kAt).empty());
}

TEST(SuggestResponse, ByTheKindOfChange) {
  const PeopleInCharge none;
  const PeopleInCharge joined = PeopleOf(Hospital("", {{"陈静", "委员"}}, {}));
  std::vector<FactorChange> c = PeopleChanges("H1", none, joined, kAt);
  ASSERT_EQ(c.size(), 1u);
  Suggestion s = SuggestResponse(c[0]);
  EXPECT_EQ(s.text,
            "Introduce the product to the new P&T committee member 陈静 (委员) before the "
            "next P&T meeting");
  EXPECT_EQ(s.due_in_days, 14);
  FactorChange tender{ChangeFactor::kTimetable, "H1",    "tender", "",
                      "2026-04 省级集采",       "li.na", kAt};
  EXPECT_EQ(SuggestResponse(tender).due_in_days, 7);
  EXPECT_FALSE(SuggestResponse(tender).text_zh.empty());
}

TEST(Alerts, OpenAcknowledgedDoneOrExpiredWithTheirHistory) {
  FactorChange budget{
      ChangeFactor::kBudget, "H1", "drug budget 2026", "1200万", "900万", "li.na", kAt};
  Alert a = RaiseAlert("A1", "li.na", budget);
  EXPECT_EQ(a.state, AlertState::kOpen);
  EXPECT_EQ(a.due_by, kAt + absl::Hours(24 * 14));
  absl::StatusOr<Alert> ack =
      MoveAlert(a, AlertState::kAcknowledged, "li.na", "", kAt + absl::Hours(1));
  ASSERT_TRUE(ack.ok()) << ack.status();
  EXPECT_EQ(
      core::FieldOf(MoveAlert(*ack, AlertState::kDone, "li.na", "", kAt).status()).value_or(""),
      "note");
  absl::StatusOr<Alert> done = MoveAlert(*ack, AlertState::kDone, "li.na",
                                         "met 药剂科主任; terms kept", kAt + absl::Hours(48));
  ASSERT_TRUE(done.ok());
  ASSERT_EQ(done->history.size(), 3u);
  EXPECT_EQ(done->history[2].note, "met 药剂科主任; terms kept");
  EXPECT_EQ(MoveAlert(*done, AlertState::kAcknowledged, "x", "", kAt).status().code(),
            absl::StatusCode::kFailedPrecondition);
  // Past due: expired first, so it cannot be done any more.
  absl::StatusOr<Alert> late =
      MoveAlert(a, AlertState::kDone, "li.na", "too late", kAt + absl::Hours(24 * 15));
  EXPECT_EQ(core::FieldOf(late.status()).value_or(""), "state");
  std::vector<Alert> alerts = {a, *done};
  EXPECT_EQ(ExpireAlerts(alerts, kAt + absl::Hours(24 * 15)), 1);
  EXPECT_EQ(alerts[0].state, AlertState::kExpired);
  EXPECT_EQ(alerts[1].state, AlertState::kDone);
}

TEST(ValidateEnteredChange, NamesTheField) {
  FactorChange c{ChangeFactor::kCompetitor, "H1", "competitor", "", "竞品进院", "li.na", kAt};
  EXPECT_TRUE(ValidateEnteredChange(c).ok());
  FactorChange people = c;
  people.factor = ChangeFactor::kPeopleInCharge;
  EXPECT_EQ(core::FieldOf(ValidateEnteredChange(people)).value_or(""), "factor");
  FactorChange empty = c;
  empty.after.clear();
  EXPECT_EQ(core::FieldOf(ValidateEnteredChange(empty)).value_or(""), "after");
  FactorChange long_text = c;
  long_text.what = std::string(501, 'x');
  EXPECT_EQ(core::FieldOf(ValidateEnteredChange(long_text)).value_or(""), "what");
  FactorChange no_customer = c;
  no_customer.customer_id.clear();
  EXPECT_EQ(core::FieldOf(ValidateEnteredChange(no_customer)).value_or(""), "customer_id");
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::process
