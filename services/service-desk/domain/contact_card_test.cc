#include "domain/contact_card.h"

#include "gtest/gtest.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/sales_pipeline.pb.h"
#include "pharmacrm/v1/territories.pb.h"

namespace pharmacrm::service_desk {
namespace {

v1::EventEnvelope Wrap(const google::protobuf::Message& payload) {
  v1::EventEnvelope env;
  env.set_customer_id("c-1");
  env.mutable_payload()->PackFrom(payload);
  return env;
}

v1::EventEnvelope Visit(int64_t seconds, const std::string& rep) {
  v1::VisitLogged e;
  e.mutable_visit()->mutable_visited_at()->set_seconds(seconds);
  e.mutable_visit()->set_rep_id(rep);
  return Wrap(e);
}

TEST(ProjectContactCard, KeepsPhoneAndTheLatestFieldContact) {
  v1::CustomerRegistered reg;
  reg.mutable_customer()->set_id("c-1");
  reg.mutable_customer()->set_version(1);
  reg.mutable_customer()->mutable_profile()->set_phone("010-6915 6114");
  auto card = ProjectContactCard(Wrap(reg), std::nullopt);
  card = ProjectContactCard(Visit(200, "rep-b"), **card);
  card = ProjectContactCard(Visit(100, "rep-a"), **card);  // Late-arriving older visit.
  EXPECT_EQ((*card)->phone(), "010-6915 6114");
  EXPECT_EQ((*card)->last_field_rep_id(), "rep-b");
  EXPECT_EQ((*card)->last_field_contact_at().seconds(), 200);
}

TEST(ProjectContactCard, OtherEventsChangeNothing) {
  v1::TerritoryChanged territory;
  territory.mutable_territory()->set_id("t-1");
  EXPECT_FALSE(ProjectContactCard(Wrap(territory), std::nullopt)->has_value());
  v1::ContactCard card;
  card.set_customer_id("c-1");
  EXPECT_FALSE(ProjectContactCard(Wrap(territory), card)->has_value());
}

TEST(ProjectContactCard, CorruptPayloadIsPoison) {
  v1::EventEnvelope bad = Wrap(v1::CustomerRegistered());
  bad.mutable_payload()->set_value("\xff\xff");
  EXPECT_EQ(ProjectContactCard(bad, std::nullopt).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ProjectContactCard, AMergeOrUnmergeSetsTheSurvivorsContactDetails) {
  v1::CustomersMerged merged;
  merged.mutable_survivor()->set_id("c-1");
  merged.mutable_survivor()->set_version(4);
  merged.mutable_survivor()->mutable_profile()->set_phone("13800138000");  // Taken from the duplicate.
  merged.add_merged_ids("c-2");
  auto card = ProjectContactCard(Wrap(merged), std::nullopt);
  ASSERT_TRUE(card.ok() && card->has_value());
  EXPECT_EQ((*card)->phone(), "13800138000");
  v1::CustomersUnmerged unmerged;
  *unmerged.mutable_survivor() = merged.survivor();
  unmerged.mutable_survivor()->set_version(5);
  unmerged.mutable_survivor()->mutable_profile()->set_phone("010-6915 6114");
  unmerged.mutable_restored()->set_id("c-2");
  card = ProjectContactCard(Wrap(unmerged), **card);
  EXPECT_EQ((*card)->phone(), "010-6915 6114");
  EXPECT_EQ((*card)->profile_version(), 5);
}

TEST(FoldContactCard, KeepsTheLatestFieldContactOfTheGroup) {
  v1::ContactCard survivor;
  survivor.set_phone("010-6915 6114");
  survivor.mutable_last_field_contact_at()->set_seconds(100);
  survivor.set_last_field_rep_id("rep-a");
  v1::ContactCard merged;
  merged.set_phone("other");
  merged.mutable_last_field_contact_at()->set_seconds(300);
  merged.set_last_field_rep_id("rep-b");
  FoldContactCard(merged, &survivor);
  EXPECT_EQ(survivor.last_field_contact_at().seconds(), 300);
  EXPECT_EQ(survivor.last_field_rep_id(), "rep-b");
  EXPECT_EQ(survivor.phone(), "010-6915 6114");
  FoldContactCard(v1::ContactCard(), &survivor);  // Never visited: nothing changes.
  EXPECT_EQ(survivor.last_field_rep_id(), "rep-b");
}

}  // namespace
}  // namespace pharmacrm::service_desk
