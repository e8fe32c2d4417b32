#include "domain/customer_value.h"

#include "gtest/gtest.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/sales_pipeline.pb.h"

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
  v = *ProjectCustomerValue(Wrap(v1::CustomerRegistered(), 10), v);
  v = *ProjectCustomerValue(Wrap(v1::VisitLogged(), 30), v);
  v = *ProjectCustomerValue(Wrap(v1::ProfileChanged(), 20), v);
  v = *ProjectCustomerValue(Wrap(v1::VisitLogged(), 25), v);
  EXPECT_EQ(v->visit_count(), 2);
  EXPECT_EQ(v->profile_change_count(), 1);
  EXPECT_EQ(v->last_event_at().seconds(), 30);
  EXPECT_EQ(v->customer_id(), "c-1");
}

TEST(ProjectCustomerValue, IgnoresOtherEventsAndRejectsCorruptOnes) {
  EXPECT_FALSE(ProjectCustomerValue(Wrap(v1::GetCustomerRequest(), 1), std::nullopt)->has_value());
  v1::EventEnvelope bad = Wrap(v1::VisitLogged(), 1);
  bad.mutable_payload()->set_value("\xff\xff");
  EXPECT_EQ(ProjectCustomerValue(bad, std::nullopt).status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pharmacrm::value_scoring
