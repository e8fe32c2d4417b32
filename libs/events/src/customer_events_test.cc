#include "pharmacrm/events/customer_events.h"

#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/v1/territories.pb.h"

namespace pharmacrm::events {
namespace {

v1::Customer Named(const std::string& id) {
  v1::Customer c;
  c.set_id(id);
  c.mutable_profile()->set_name("协和医院");
  return c;
}

template <typename T>
v1::EventEnvelope Event(const T& payload) {
  v1::EventEnvelope env;
  env.set_event_id("e1");
  env.mutable_payload()->PackFrom(payload);
  return env;
}

TEST(CustomerCarried, TheCustomerOfEachChange) {
  v1::CustomerRegistered registered;
  *registered.mutable_customer() = Named("c1");
  v1::ProfileChanged changed;
  *changed.mutable_customer() = Named("c2");
  v1::CustomerDeactivated deactivated;
  *deactivated.mutable_customer() = Named("c3");
  v1::CustomerReactivated reactivated;
  *reactivated.mutable_customer() = Named("c4");
  for (const auto& [event, id] :
       {std::pair{Event(registered), "c1"}, std::pair{Event(changed), "c2"},
        std::pair{Event(deactivated), "c3"}, std::pair{Event(reactivated), "c4"}}) {
    absl::StatusOr<std::optional<v1::Customer>> customer = CustomerCarried(event);
    ASSERT_TRUE(customer.ok()) << customer.status();
    ASSERT_TRUE(customer->has_value());
    EXPECT_EQ((*customer)->id(), id);
    EXPECT_EQ((*customer)->profile().name(), "协和医院");
  }
}

TEST(CustomerCarried, TheSurvivorOfAMergeOrUnmerge) {
  v1::CustomersMerged merged;
  *merged.mutable_survivor() = Named("s1");
  merged.add_merged_ids("m1");
  v1::CustomersUnmerged unmerged;
  *unmerged.mutable_survivor() = Named("s2");
  *unmerged.mutable_restored() = Named("r2");
  EXPECT_EQ((*CustomerCarried(Event(merged)))->id(), "s1");
  EXPECT_EQ((*CustomerCarried(Event(unmerged)))->id(), "s2");
}

TEST(CustomerCarried, NothingForOtherEvents) {
  v1::MetricsRecorded metrics;
  metrics.mutable_metrics()->set_customer_id("c1");
  v1::TerritoryChanged territory;  // Keyed by the territory id, no customer.
  territory.mutable_territory()->set_id("t1");
  v1::RepAligned rep;
  rep.mutable_alignment()->set_subject_id("rep-1");
  for (const v1::EventEnvelope& event : {Event(metrics), Event(territory), Event(rep)}) {
    absl::StatusOr<std::optional<v1::Customer>> customer = CustomerCarried(event);
    ASSERT_TRUE(customer.ok()) << customer.status();
    EXPECT_FALSE(customer->has_value()) << event.payload().type_url();
  }
}

TEST(CustomerCarried, CorruptPayloadNamesPayload) {
  v1::EventEnvelope env = Event(v1::CustomerRegistered());
  env.mutable_payload()->set_value("\xff\xff\xff");
  absl::StatusOr<std::optional<v1::Customer>> customer = CustomerCarried(env);
  ASSERT_FALSE(customer.ok());
  EXPECT_EQ(customer.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(core::FieldOf(customer.status()), "payload");
}

TEST(CustomerCarried, RecordWithoutIdNamesIt) {
  v1::ProfileChanged changed;
  changed.mutable_customer()->mutable_profile()->set_name("无编号");
  absl::StatusOr<std::optional<v1::Customer>> customer = CustomerCarried(Event(changed));
  ASSERT_FALSE(customer.ok());
  EXPECT_EQ(core::FieldOf(customer.status()), "payload.customer.id");
}

}  // namespace
}  // namespace pharmacrm::events
