#include "domain/process/call_reports.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"

namespace pharmacrm::sales_pipeline::process {
namespace {

const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 3, 15, 2, 0, 0), absl::UTCTimeZone());

std::string FieldOf(const absl::Status& s) { return core::FieldOf(s).value_or(""); }

v1::CallReport Call() {
  v1::CallReport c;
  c.set_rep_id("li.na");
  c.set_customer_id("D-A");
  c.set_duration_minutes(20);
  c.add_product_ids("P001");
  c.add_key_messages("每日一次");
  c.set_outcome(v1::CALL_OUTCOME_POSITIVE);
  return c;
}

TEST(ValidateCallReport, AHistoryCallMayBeTenYearsOldButNotAhead) {
  constexpr CallSource kHistory = CallSource::kHistory;
  EXPECT_TRUE(ValidateCallReport(Call(), kNow - absl::Hours(24 * 730), kNow, kHistory).ok());
  EXPECT_TRUE(ValidateCallReport(Call(), kNow - absl::Hours(24 * 3653), kNow, kHistory).ok());
  EXPECT_TRUE(ValidateCallReport(Call(), kNow, kNow, kHistory).ok());
  EXPECT_EQ(FieldOf(ValidateCallReport(Call(), kNow - absl::Hours(24 * 3653) - absl::Seconds(1),
                                       kNow, kHistory)),
            "call.called_at");
  EXPECT_EQ(FieldOf(ValidateCallReport(Call(), kNow + absl::Seconds(1), kNow, kHistory)),
            "call.called_at");
  // A reported call two years old is refused, pointing at the import.
  const absl::Status live = ValidateCallReport(Call(), kNow - absl::Hours(24 * 730), kNow);
  EXPECT_EQ(FieldOf(live), "call.called_at");
  EXPECT_NE(live.message().find("ImportCallHistory"), absl::string_view::npos) << live;
}

TEST(ValidateCallReport, AWellFormedReportPassesAndEachFlawIsNamed) {
  EXPECT_TRUE(ValidateCallReport(Call(), kNow, kNow).ok());
  EXPECT_TRUE(ValidateCallReport(Call(), kNow + absl::Hours(23), kNow).ok());
  EXPECT_EQ(FieldOf(ValidateCallReport(Call(), kNow + absl::Hours(25), kNow)), "call.called_at");
  EXPECT_EQ(FieldOf(ValidateCallReport(Call(), kNow - absl::Hours(24 * 366), kNow)),
            "call.called_at");
  struct Case {
    void (*spoil)(v1::CallReport&);
    const char* field;
  };
  const Case cases[] = {
      {[](v1::CallReport& c) { c.clear_rep_id(); }, "call.rep_id"},
      {[](v1::CallReport& c) { c.set_customer_id(std::string(65, 'x')); }, "call.customer_id"},
      {[](v1::CallReport& c) { c.set_duration_minutes(0); }, "call.duration_minutes"},
      {[](v1::CallReport& c) { c.add_product_ids("P001"); }, "call.product_ids[1]"},
      {[](v1::CallReport& c) { c.set_key_messages(0, std::string(201, 'x')); },
       "call.key_messages[0]"},
      {[](v1::CallReport& c) { c.set_outcome(v1::CALL_OUTCOME_UNSPECIFIED); }, "call.outcome"},
      {[](v1::CallReport& c) { c.add_attendee_ids("D-A"); }, "call.attendee_ids[0]"},
      {[](v1::CallReport& c) {
         v1::SampleLeft* s = c.add_samples();
         s->set_product_id("P001");
         s->set_batch_no("B1");
         s->set_quantity(1001);
       },
       "call.samples[0].quantity"},
      {[](v1::CallReport& c) { c.set_joint_with("li.na"); }, "call.joint_with"},
      {[](v1::CallReport& c) { c.set_outside_territory(true); }, "call.outside_reason"},
      {[](v1::CallReport& c) { c.set_notes(std::string(2001, 'x')); }, "call.notes"},
  };
  for (const Case& c : cases) {
    v1::CallReport call = Call();
    c.spoil(call);
    absl::Status s = ValidateCallReport(call, kNow, kNow);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_EQ(FieldOf(s), c.field) << s;
  }
}

TEST(CheckTerritory, TheCustomersTerritoryMustBeTheRepsOrBelowIt) {
  const absl::flat_hash_map<std::string, std::string> parent_of = {
      {"CN", ""}, {"N-BJ", "CN"}, {"T1", "N-BJ"}, {"T2", "N-BJ"}};
  EXPECT_TRUE(WithinTerritory(parent_of, "T1", "T1"));
  EXPECT_TRUE(WithinTerritory(parent_of, "T1", "N-BJ"));  // a manager's area
  EXPECT_FALSE(WithinTerritory(parent_of, "N-BJ", "T1"));
  EXPECT_FALSE(WithinTerritory(parent_of, "", "T1"));
  v1::CallReport call = Call();
  EXPECT_TRUE(CheckTerritory(call, "T1", "T1", parent_of).ok());
  absl::Status outside = CheckTerritory(call, "T1", "T2", parent_of);
  EXPECT_EQ(outside.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(FieldOf(outside), "call.customer_id");
  EXPECT_THAT(std::string(outside.message()), ::testing::HasSubstr("outside_territory"));
  EXPECT_EQ(FieldOf(CheckTerritory(call, "", "T1", parent_of)), "call.customer_id");
  call.set_outside_territory(true);
  call.set_outside_reason("covering");
  EXPECT_TRUE(CheckTerritory(call, "T1", "T2", parent_of).ok());
}

TEST(ManagersOf, UpTheLineStoppingAtALoopOrAnUnknownPerson) {
  absl::flat_hash_map<std::string, v1::Rep> people;
  auto person = [&](const std::string& id, const std::string& manager) {
    v1::Rep p;
    p.set_id(id);
    p.set_manager_id(manager);
    people[id] = p;
    return p;
  };
  const v1::Rep rep = person("li.na", "wang.qiang");
  person("wang.qiang", "zhao.wei");
  person("zhao.wei", "");
  EXPECT_THAT(ManagersOf(rep, people), ::testing::ElementsAre("wang.qiang", "zhao.wei"));
  person("zhao.wei", "li.na");  // a loop back to the rep
  EXPECT_THAT(ManagersOf(rep, people), ::testing::ElementsAre("wang.qiang", "zhao.wei"));
  people.erase("zhao.wei");
  EXPECT_THAT(ManagersOf(rep, people), ::testing::ElementsAre("wang.qiang"));
}

TEST(TakeSamples, LinesOfOneBatchAreSummedAndNothingIsTakenWhenShort) {
  absl::StatusOr<v1::SampleStockLine> line = IssueTo({}, "B1", 5);
  ASSERT_TRUE(line.ok());
  line->set_product_id("P001");
  line->set_batch_no("B1");
  EXPECT_EQ(line->on_hand(), 5);
  std::map<StockKey, v1::SampleStockLine> stock = {{{"P001", "B1"}, *line}};
  v1::CallReport call = Call();
  for (int packs : {2, 3}) {
    v1::SampleLeft* s = call.add_samples();
    s->set_product_id("P001");
    s->set_batch_no("B1");
    s->set_quantity(packs);
  }
  absl::StatusOr<std::map<StockKey, v1::SampleStockLine>> after = TakeSamples(stock, call);
  ASSERT_TRUE(after.ok()) << after.status();
  EXPECT_EQ(after->at({"P001", "B1"}).given(), 5);
  EXPECT_EQ(after->at({"P001", "B1"}).on_hand(), 0);
  call.mutable_samples(1)->set_quantity(4);  // 2 + 4 > 5
  absl::Status short_of = TakeSamples(stock, call).status();
  EXPECT_EQ(short_of.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(FieldOf(short_of), "call.samples[1].quantity");
  EXPECT_EQ(FieldOf(IssueTo({}, "B1", 0).status()), "quantity");
  EXPECT_EQ(FieldOf(IssueTo({}, "", 1).status()), "batch_no");
}

TEST(VisitDoctorsCalled, TheCustomerAndTheAttendeesWhoAreDoctors) {
  v1::CallReport call = Call();
  call.set_customer_id("H-PUMC");
  call.add_attendee_ids("D-B");
  call.add_attendee_ids("P-1");
  std::vector<std::string> seen;
  VisitDoctorsCalled(
      call, [](const std::string& id) { return id.rfind("D-", 0) == 0; },
      [&](const std::string& id) { seen.push_back(id); });
  EXPECT_THAT(seen, ::testing::ElementsAre("D-B"));
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::process
