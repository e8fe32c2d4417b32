#include "domain/visit_rules.h"

#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline {
namespace {

const absl::Time kNow = absl::FromUnixSeconds(1'790'000'000);

v1::LogVisitRequest Request() {
  v1::LogVisitRequest r;
  r.set_request_id("r");
  r.set_customer_id("c-1");
  r.set_rep_id("rep-7");
  r.set_notes("介绍新适应症");
  return r;
}

TEST(VisitRules, AcceptsARecentVisit) {
  EXPECT_TRUE(ValidateVisit(Request(), kNow - absl::Hours(3), kNow).ok());
}

TEST(VisitRules, RejectsVisitInTheFutureOrTooOld) {
  EXPECT_EQ(core::FieldOf(ValidateVisit(Request(), kNow + absl::Hours(1), kNow)), "visited_at");
  EXPECT_EQ(core::FieldOf(ValidateVisit(Request(), kNow - absl::Hours(24 * 31), kNow)),
            "visited_at");
  EXPECT_TRUE(ValidateVisit(Request(), kNow + absl::Minutes(4), kNow).ok());
}

TEST(VisitRules, NamesMissingAndOversizedFields) {
  auto r = Request();
  r.clear_customer_id();
  EXPECT_EQ(core::FieldOf(ValidateVisit(r, kNow, kNow)), "customer_id");
  r = Request();
  r.clear_rep_id();
  EXPECT_EQ(core::FieldOf(ValidateVisit(r, kNow, kNow)), "rep_id");
  r = Request();
  r.set_notes(std::string(kMaxNotesBytes + 1, 'x'));
  EXPECT_EQ(core::FieldOf(ValidateVisit(r, kNow, kNow)), "notes");
}

TEST(AddVisit, CountsAndKeepsTheLatestVisit) {
  using google::protobuf::util::TimeUtil;
  v1::Visit late, early;
  late.set_customer_id("c-1");
  late.set_rep_id("rep-late");
  *late.mutable_visited_at() = TimeUtil::SecondsToTimestamp(2000);
  early = late;
  early.set_rep_id("rep-early");
  *early.mutable_visited_at() = TimeUtil::SecondsToTimestamp(1000);
  v1::CustomerActivity a = AddVisit(AddVisit({}, late), early);
  EXPECT_EQ(a.visit_count(), 2);
  EXPECT_EQ(a.last_rep_id(), "rep-late");
  EXPECT_EQ(a.last_visit_at().seconds(), 2000);
}

TEST(FoldActivity, SumsVisitsAndKeepsTheLatestVisitAndItsRep) {
  v1::CustomerActivity survivor;
  survivor.set_visit_count(1);
  survivor.mutable_last_visit_at()->set_seconds(500);
  survivor.set_last_rep_id("rep-a");
  v1::CustomerActivity merged;
  merged.set_visit_count(4);
  merged.mutable_last_visit_at()->set_seconds(400);
  merged.set_last_rep_id("rep-b");
  FoldActivity(merged, &survivor);
  EXPECT_EQ(survivor.visit_count(), 5);
  EXPECT_EQ(survivor.last_rep_id(), "rep-a");
  merged.mutable_last_visit_at()->set_seconds(600);
  FoldActivity(merged, &survivor);
  EXPECT_EQ(survivor.visit_count(), 9);
  EXPECT_EQ(survivor.last_rep_id(), "rep-b");
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline
