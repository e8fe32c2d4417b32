#include "domain/audience.h"

#include "gtest/gtest.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/sales_pipeline.pb.h"
#include "pharmacrm/v1/territories.pb.h"

namespace pharmacrm::campaigns {
namespace {

v1::EventEnvelope Wrap(const google::protobuf::Message& payload) {
  v1::EventEnvelope env;
  env.set_customer_id("c-1");
  env.mutable_payload()->PackFrom(payload);
  return env;
}

v1::EventEnvelope Profile(const std::string& name, int64_t version) {
  v1::ProfileChanged e;
  e.mutable_customer()->set_id("c-1");
  e.mutable_customer()->set_version(version);
  e.mutable_customer()->mutable_profile()->set_name(name);
  e.mutable_customer()->mutable_profile()->set_kind(v1::CUSTOMER_KIND_DOCTOR);
  return Wrap(e);
}

TEST(ProjectAudience, VisitBeforeRegistrationStillCountsAndProfileFillsLater) {
  v1::VisitLogged visit;
  visit.mutable_visit()->mutable_visited_at()->set_seconds(100);
  auto m = ProjectAudience(Wrap(visit), std::nullopt);
  ASSERT_TRUE(m.ok() && m->has_value());
  EXPECT_EQ((*m)->visits(), 1);
  m = ProjectAudience(Profile("张伟", 1), **m);
  EXPECT_EQ((*m)->name(), "张伟");
  EXPECT_EQ((*m)->visits(), 1);
  EXPECT_EQ((*m)->last_visit_at().seconds(), 100);
}

TEST(ProjectAudience, OlderProfileVersionDoesNotOverwriteNewer) {
  auto m = ProjectAudience(Profile("new", 3), std::nullopt);
  m = ProjectAudience(Profile("old", 2), **m);
  EXPECT_EQ((*m)->name(), "new");
  EXPECT_EQ((*m)->profile_version(), 3);
}

TEST(ProjectAudience, UnrelatedEventsChangeNothingAndCorruptPayloadIsPoison) {
  EXPECT_FALSE(ProjectAudience(Wrap(v1::GetCustomerRequest()), std::nullopt)->has_value());
  v1::TerritoryChanged territory;
  territory.mutable_territory()->set_id("t-1");
  EXPECT_FALSE(ProjectAudience(Wrap(territory), std::nullopt)->has_value());
  v1::EventEnvelope bad = Wrap(v1::VisitLogged());
  bad.mutable_payload()->set_value("\xff\xff");
  EXPECT_EQ(ProjectAudience(bad, std::nullopt).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(ProjectAudience, AMergeSetsTheGoldenRecordsTargetingAttributes) {
  auto m = ProjectAudience(Profile("北京协和医院", 1), std::nullopt);
  v1::CustomersMerged merged;
  merged.mutable_survivor()->set_id("c-1");
  merged.mutable_survivor()->set_version(2);
  merged.mutable_survivor()->mutable_profile()->set_name("北京协和医院");
  merged.mutable_survivor()->mutable_profile()->set_province("北京市");
  merged.mutable_survivor()->mutable_profile()->set_hospital_grade(v1::HOSPITAL_GRADE_3A);
  merged.add_merged_ids("c-2");
  m = ProjectAudience(Wrap(merged), **m);
  ASSERT_TRUE(m.ok() && m->has_value());
  EXPECT_EQ((*m)->province(), "北京市");
  EXPECT_EQ((*m)->hospital_grade(), v1::HOSPITAL_GRADE_3A);
  EXPECT_EQ((*m)->profile_version(), 2);
}

TEST(FoldAudience, SumsVisitsAndKeepsTheSurvivorsAttributes) {
  v1::AudienceMember survivor;
  survivor.set_name("张伟");
  survivor.set_visits(2);
  survivor.mutable_last_visit_at()->set_seconds(100);
  v1::AudienceMember merged;
  merged.set_name("章伟");
  merged.set_visits(3);
  merged.mutable_last_visit_at()->set_seconds(150);
  FoldAudience(merged, &survivor);
  EXPECT_EQ(survivor.visits(), 5);
  EXPECT_EQ(survivor.last_visit_at().seconds(), 150);
  EXPECT_EQ(survivor.name(), "张伟");
}

}  // namespace
}  // namespace pharmacrm::campaigns
