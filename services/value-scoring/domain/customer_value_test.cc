#include "domain/customer_value.h"

#include "gtest/gtest.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/sales_pipeline.pb.h"
#include "pharmacrm/v1/territories.pb.h"

namespace pharmacrm::value_scoring {
namespace {

v1::EventEnvelope Wrap(const google::protobuf::Message& payload, int64_t at) {
  v1::EventEnvelope env;
  env.set_customer_id("c-1");
  env.mutable_occurred_at()->set_seconds(at);
  env.mutable_payload()->PackFrom(payload);
  return env;
}

TEST(ProjectCustomerValue, CountsVisitsAndProfileChanges) {
  std::optional<v1::CustomerValue> v;
  v1::CustomerRegistered registered;
  registered.mutable_customer()->set_id("c-1");
  v = *ProjectCustomerValue(Wrap(registered, 10), v);
  v = *ProjectCustomerValue(Wrap(v1::VisitLogged(), 30), v);
  v1::ProfileChanged changed;
  changed.mutable_customer()->set_id("c-1");
  v = *ProjectCustomerValue(Wrap(changed, 20), v);
  v = *ProjectCustomerValue(Wrap(v1::VisitLogged(), 25), v);
  EXPECT_EQ(v->visit_count(), 2);
  EXPECT_EQ(v->profile_change_count(), 1);
  EXPECT_EQ(v->last_event_at().seconds(), 30);
  EXPECT_EQ(v->customer_id(), "c-1");
}

TEST(ProjectCustomerValue, IgnoresOtherEventsAndRejectsCorruptOnes) {
  EXPECT_FALSE(ProjectCustomerValue(Wrap(v1::GetCustomerRequest(), 1), std::nullopt)->has_value());
  v1::TerritoryChanged territory;  // Not counted, nor does it move last_event_at.
  territory.mutable_territory()->set_id("t-1");
  EXPECT_FALSE(ProjectCustomerValue(Wrap(territory, 1), std::nullopt)->has_value());
  v1::EventEnvelope bad = Wrap(v1::VisitLogged(), 1);
  bad.mutable_payload()->set_value("\xff\xff");
  EXPECT_EQ(ProjectCustomerValue(bad, std::nullopt).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ProjectCustomerValue, MergesMoveTheLastEventTimeWithoutCounting) {
  v1::CustomersMerged merged;
  merged.mutable_survivor()->set_id("c-1");
  merged.add_merged_ids("c-2");
  auto v = ProjectCustomerValue(Wrap(merged, 50), std::nullopt);
  ASSERT_TRUE(v.ok() && v->has_value());
  EXPECT_EQ((*v)->profile_change_count(), 0);
  EXPECT_EQ((*v)->last_event_at().seconds(), 50);
  v1::CustomersMerged no_survivor;
  EXPECT_EQ(ProjectCustomerValue(Wrap(no_survivor, 1), std::nullopt).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(FoldCustomerValue, SumsCountsAndKeepsTheLatestEvent) {
  v1::CustomerValue survivor;
  survivor.set_visit_count(2);
  survivor.set_profile_change_count(1);
  survivor.mutable_last_event_at()->set_seconds(100);
  v1::CustomerValue merged;
  merged.set_visit_count(3);
  merged.set_profile_change_count(4);
  merged.mutable_last_event_at()->set_seconds(90);
  FoldCustomerValue(merged, &survivor);
  EXPECT_EQ(survivor.visit_count(), 5);
  EXPECT_EQ(survivor.profile_change_count(), 5);
  EXPECT_EQ(survivor.last_event_at().seconds(), 100);
  merged.mutable_last_event_at()->set_seconds(200);
  FoldCustomerValue(merged, &survivor);
  EXPECT_EQ(survivor.last_event_at().seconds(), 200);
}

}  // namespace
}  // namespace pharmacrm::value_scoring
