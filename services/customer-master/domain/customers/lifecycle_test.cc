#include "domain/customers/lifecycle.h"

#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {
namespace {

v1::Customer WithStatus(v1::CustomerStatus status) {
  v1::Customer c;
  c.set_id("c-1");
  c.set_status(status);
  c.mutable_profile()->set_kind(v1::CUSTOMER_KIND_DOCTOR);
  c.mutable_profile()->set_name("张伟");
  c.mutable_profile()->set_hospital_id("h-merged");
  return c;
}

TEST(Lifecycle, ACustomerWithoutAStatusIsActive) {
  EXPECT_TRUE(IsActive(WithStatus(v1::CUSTOMER_STATUS_UNSPECIFIED)));
  EXPECT_TRUE(IsActive(WithStatus(v1::CUSTOMER_STATUS_ACTIVE)));
  EXPECT_FALSE(IsActive(WithStatus(v1::CUSTOMER_STATUS_INACTIVE)));
  EXPECT_FALSE(IsActive(WithStatus(v1::CUSTOMER_STATUS_MERGED)));
}

TEST(Lifecycle, StatusChangeNamesBothStatuses) {
  v1::FieldChange c = StatusChange(v1::CUSTOMER_STATUS_ACTIVE, v1::CUSTOMER_STATUS_MERGED);
  EXPECT_EQ(c.field(), "status");
  EXPECT_EQ(c.old_value(), "CUSTOMER_STATUS_ACTIVE");
  EXPECT_EQ(c.new_value(), "CUSTOMER_STATUS_MERGED");
}

TEST(Lifecycle, DeactivatesOnlyAnActiveCustomer) {
  v1::Customer c = WithStatus(v1::CUSTOMER_STATUS_ACTIVE);
  auto changes = Deactivate(c);
  ASSERT_TRUE(changes.ok()) << changes.status();
  EXPECT_EQ(c.status(), v1::CUSTOMER_STATUS_INACTIVE);
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_EQ((*changes)[0].new_value(), "CUSTOMER_STATUS_INACTIVE");
  for (v1::CustomerStatus s : {v1::CUSTOMER_STATUS_INACTIVE, v1::CUSTOMER_STATUS_MERGED}) {
    v1::Customer other = WithStatus(s);
    auto refused = Deactivate(other);
    EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
    EXPECT_EQ(core::FieldOf(refused.status()), "customer_id");
    EXPECT_EQ(other.status(), s);  // Unchanged.
  }
}

TEST(Lifecycle, ReactivatesOnlyAnInactiveCustomer) {
  EXPECT_TRUE(CheckCanReactivate(WithStatus(v1::CUSTOMER_STATUS_INACTIVE)).ok());
  v1::Customer merged = WithStatus(v1::CUSTOMER_STATUS_MERGED);
  merged.set_merged_into("c-9");
  absl::Status s = CheckCanReactivate(merged);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("UnmergeCustomer"), absl::string_view::npos) << s;
  EXPECT_EQ(CheckCanReactivate(WithStatus(v1::CUSTOMER_STATUS_ACTIVE)).code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(Lifecycle, ReactivationRecordsTheStatusThenTheRepointedReferences) {
  v1::Customer c = WithStatus(v1::CUSTOMER_STATUS_INACTIVE);
  v1::CustomerProfile repointed = c.profile();
  repointed.set_hospital_id("h-survivor");
  std::vector<v1::FieldChange> changes = Reactivate(c, repointed);
  EXPECT_EQ(c.status(), v1::CUSTOMER_STATUS_ACTIVE);
  EXPECT_EQ(c.profile().hospital_id(), "h-survivor");
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].field(), "status");
  EXPECT_EQ(changes[0].old_value(), "CUSTOMER_STATUS_INACTIVE");
  EXPECT_EQ(changes[1].field(), "hospital_id");
  EXPECT_EQ(changes[1].old_value(), "h-merged");
  EXPECT_EQ(changes[1].new_value(), "h-survivor");

  v1::Customer unchanged = WithStatus(v1::CUSTOMER_STATUS_INACTIVE);
  EXPECT_EQ(Reactivate(unchanged, unchanged.profile()).size(), 1u);
}

}  // namespace
}  // namespace pharmacrm::customer_master
