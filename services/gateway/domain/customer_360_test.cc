#include "domain/customer_360.h"

#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::gateway {
namespace {

Parts AllOk() {
  Parts p;
  v1::Customer c;
  c.set_id("c-1");
  p.profile = c;
  v1::CustomerActivity a;
  a.set_visit_count(2);
  p.activity = a;
  p.audience = v1::AudienceMember();
  p.contact_card = v1::ContactCard();
  v1::CustomerValue v;
  v.set_visit_count(2);
  p.value = v;
  v1::CustomerChannel ch;
  ch.set_is_distributor(true);
  ch.set_open_findings_total(2);
  p.channel = ch;
  v1::CustomerProcess process;
  process.set_calls_last_12_months(14);
  v1::CustomerYearTarget* target = process.add_targets();
  target->set_product_id("P001");
  target->set_target_units(6'600);
  p.process = process;
  return p;
}

TEST(MergeCustomer360, AllPartsMakeACompleteAnswer) {
  auto r = MergeCustomer360("c-1", AllOk());
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->complete());
  EXPECT_EQ(r->customer().id(), "c-1");
  EXPECT_EQ(r->activity().visit_count(), 2);
  EXPECT_EQ(r->missing_parts_size(), 0);
  EXPECT_TRUE(r->channel().is_distributor());
  EXPECT_EQ(r->channel().open_findings_total(), 2);
  EXPECT_EQ(r->process().calls_last_12_months(), 14);
  EXPECT_EQ(r->process().targets(0).target_units(), 6'600);
}

TEST(MergeCustomer360, TheProcessPartMissingIsNamedAsSalesPipelines) {
  Parts p = AllOk();
  p.process = absl::DeadlineExceededError("late");
  auto r = MergeCustomer360("c-1", std::move(p));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->complete());
  ASSERT_EQ(r->missing_parts_size(), 1);
  EXPECT_EQ(r->missing_parts(0).part(), "process");
  EXPECT_EQ(r->missing_parts(0).service(), "sales-pipeline");
  EXPECT_FALSE(r->has_process());
}

TEST(MergeCustomer360, TheChannelPartMissingIsNamedAsSalesPipelines) {
  Parts p = AllOk();
  p.channel = absl::UnavailableError("connection refused");
  auto r = MergeCustomer360("c-1", std::move(p));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->complete());
  ASSERT_EQ(r->missing_parts_size(), 1);
  EXPECT_EQ(r->missing_parts(0).part(), "channel");
  EXPECT_EQ(r->missing_parts(0).service(), "sales-pipeline");
  EXPECT_FALSE(r->has_channel());
}

TEST(MergeCustomer360, ADownServiceYieldsAPartialAnswerNamingIt) {
  Parts p = AllOk();
  p.activity = absl::UnavailableError("connection refused");
  p.value = absl::DeadlineExceededError("deadline");
  auto r = MergeCustomer360("c-1", std::move(p));
  ASSERT_TRUE(r.ok());
  EXPECT_FALSE(r->complete());
  ASSERT_EQ(r->missing_parts_size(), 2);
  EXPECT_EQ(r->missing_parts(0).part(), "activity");
  EXPECT_EQ(r->missing_parts(0).service(), "sales-pipeline");
  EXPECT_EQ(r->missing_parts(0).code(), "UNAVAILABLE");
  EXPECT_EQ(r->missing_parts(1).code(), "DEADLINE_EXCEEDED");
  EXPECT_FALSE(r->has_activity());
  EXPECT_EQ(r->customer().id(), "c-1");
}

TEST(MergeCustomer360, UnknownCustomerIsNotFound) {
  Parts p = AllOk();
  p.profile = absl::NotFoundError("no customer");
  auto r = MergeCustomer360("c-9", std::move(p));
  EXPECT_EQ(r.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(core::FieldOf(r.status()), "customer_id");
}

TEST(MergeCustomer360, ProfileServiceDownIsPartialNotAnError) {
  Parts p = AllOk();
  p.profile = absl::UnavailableError("down");
  auto r = MergeCustomer360("c-1", std::move(p));
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->missing_parts(0).part(), "profile");
}

}  // namespace
}  // namespace pharmacrm::gateway
