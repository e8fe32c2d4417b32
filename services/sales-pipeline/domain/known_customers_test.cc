#include "domain/known_customers.h"

#include "gtest/gtest.h"
#include "pharmacrm/v1/sales_pipeline.pb.h"
#include "pharmacrm/v1/territories.pb.h"

namespace pharmacrm::sales_pipeline {
namespace {

v1::EventEnvelope Registered(int64_t version) {
  v1::CustomerRegistered e;
  e.mutable_customer()->set_id("c-1");
  e.mutable_customer()->set_version(version);
  v1::EventEnvelope env;
  env.mutable_payload()->PackFrom(e);
  return env;
}

TEST(ProjectKnownCustomer, RegistrationAddsTheCustomer) {
  auto r = ProjectKnownCustomer(Registered(1), std::nullopt);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(r->has_value());
  EXPECT_EQ((*r)->id(), "c-1");
}

TEST(ProjectKnownCustomer, IgnoresOlderVersionsAndOtherEvents) {
  v1::Customer current;
  current.set_id("c-1");
  current.set_version(3);
  EXPECT_FALSE(ProjectKnownCustomer(Registered(2), current)->has_value());
  v1::EventEnvelope visit;
  visit.mutable_payload()->PackFrom(v1::VisitLogged());
  EXPECT_FALSE(ProjectKnownCustomer(visit, std::nullopt)->has_value());
  // A territory's event (acted on by no read model yet) is skipped too.
  v1::TerritoryChanged changed;
  changed.mutable_territory()->set_id("t-1");
  v1::EventEnvelope territory;
  territory.set_customer_id("t-1");
  territory.mutable_payload()->PackFrom(changed);
  EXPECT_FALSE(ProjectKnownCustomer(territory, std::nullopt)->has_value());
  EXPECT_FALSE(ProjectKnownCustomer(territory, current)->has_value());
}

TEST(ProjectKnownCustomer, CorruptPayloadIsPoison) {
  v1::EventEnvelope env = Registered(1);
  env.mutable_payload()->set_value("\xff\xff\xff");
  EXPECT_EQ(ProjectKnownCustomer(env, std::nullopt).status().code(),
            absl::StatusCode::kInvalidArgument);
}

TEST(ProjectKnownCustomer, TheSurvivorOfAMergeAndADeactivatedOrReactivatedRecordReplaceTheOneHeld) {
  v1::Customer current;
  current.set_id("c-1");
  current.set_version(1);
  v1::CustomersMerged merged;
  merged.mutable_survivor()->set_id("c-1");
  merged.mutable_survivor()->set_version(2);
  merged.mutable_survivor()->add_merged_from("c-2");
  merged.add_merged_ids("c-2");
  v1::EventEnvelope env;
  env.mutable_payload()->PackFrom(merged);
  auto r = ProjectKnownCustomer(env, current);
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_EQ((*r)->version(), 2);
  EXPECT_EQ((*r)->merged_from(0), "c-2");

  v1::CustomerDeactivated deactivated;
  deactivated.mutable_customer()->set_id("c-1");
  deactivated.mutable_customer()->set_version(3);
  deactivated.mutable_customer()->set_status(v1::CUSTOMER_STATUS_INACTIVE);
  env.mutable_payload()->PackFrom(deactivated);
  r = ProjectKnownCustomer(env, **r);
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_EQ((*r)->status(), v1::CUSTOMER_STATUS_INACTIVE);

  v1::CustomerReactivated reactivated;
  reactivated.mutable_customer()->set_id("c-1");
  reactivated.mutable_customer()->set_version(4);
  reactivated.mutable_customer()->set_status(v1::CUSTOMER_STATUS_ACTIVE);
  reactivated.mutable_customer()->mutable_profile()->set_hospital_id("h-survivor");
  env.mutable_payload()->PackFrom(reactivated);
  r = ProjectKnownCustomer(env, **r);
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_EQ((*r)->status(), v1::CUSTOMER_STATUS_ACTIVE);
  EXPECT_EQ((*r)->profile().hospital_id(), "h-survivor");
  EXPECT_EQ((*r)->version(), 4);

  // A reactivation without its customer's id is bad input, named.
  reactivated.mutable_customer()->clear_id();
  env.mutable_payload()->PackFrom(reactivated);
  r = ProjectKnownCustomer(env, **r);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("payload.customer.id"), std::string::npos) << r.status();
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline
