#include "domain/customers/first_version.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::customer_master {
namespace {

using ::testing::HasSubstr;

v1::Customer Customer(int64_t version, const std::string& name) {
  v1::Customer c;
  c.set_id("c-1");
  c.set_version(version);
  c.mutable_profile()->set_kind(v1::CUSTOMER_KIND_PHARMACY);
  c.mutable_profile()->set_name(name);
  return c;
}

// Version 1's record as PutVersion writes it: without the customer while it
// is the only version.
std::string BareFirstVersion() {
  v1::CustomerVersion v;
  v.set_actor("importer");
  v.set_reason("imported");
  v.set_request_id("req-1");
  return v.SerializeAsString();
}

TEST(FirstVersionCustomer, WhileVersionOneIsTheOnlyOneTheCustomerRecordHoldsIt) {
  const std::string stored = Customer(1, "益丰大药房").SerializeAsString();
  absl::StatusOr<std::string> first = FirstVersionCustomer("c-1", BareFirstVersion(), stored);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, stored);
}

TEST(FirstVersionCustomer, OnceVersionTwoIsWrittenVersionOnesSnapshotHoldsIt) {
  // CompleteFirstVersion appends the customer record's bytes as field 1.
  const std::string at_one = Customer(1, "益丰大药房").SerializeAsString();
  std::string completed = BareFirstVersion();
  v1::CustomerVersion with_snapshot;
  *with_snapshot.mutable_customer() = Customer(1, "益丰大药房");
  completed += with_snapshot.SerializeAsString();
  const std::string now = Customer(2, "益丰大药房（长沙店）").SerializeAsString();
  absl::StatusOr<std::string> first = FirstVersionCustomer("c-1", completed, now);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, at_one);
  // Also with the customer record gone.
  first = FirstVersionCustomer("c-1", completed, std::nullopt);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(*first, at_one);
}

TEST(FirstVersionCustomer, WhatHoldsNeitherIsDataLossNamingTheCustomer) {
  const std::string later = Customer(3, "益丰大药房").SerializeAsString();
  struct Case {
    std::string version_record;
    std::optional<std::string> customer_record;
    std::string reason;
  };
  std::string bad_snapshot = BareFirstVersion();
  bad_snapshot += std::string("\x0a\x03\xff\xff\xff", 5);  // Field 1, not a Customer.
  for (const Case& c : std::vector<Case>{
           {BareFirstVersion(), later, "the stored customer is version 3"},
           {BareFirstVersion(), std::nullopt, "the customer is not stored"},
           {BareFirstVersion(), std::string("\xff\xff", 2), "the stored customer does not parse"},
           {std::string("\x0a\x05"
                        "ab",
                        4),
            later, "version 1 does not parse"},
           {std::string("\xff\xff\xff", 3), later, "version 1 does not parse"},
           {bad_snapshot, later, "snapshot does not parse"}}) {
    std::optional<absl::string_view> record;
    if (c.customer_record) record = *c.customer_record;
    absl::StatusOr<std::string> first = FirstVersionCustomer("c-1", c.version_record, record);
    EXPECT_EQ(first.status().code(), absl::StatusCode::kDataLoss) << c.reason;
    EXPECT_THAT(std::string(first.status().message()), HasSubstr("customer c-1: ")) << c.reason;
    EXPECT_THAT(std::string(first.status().message()), HasSubstr(c.reason));
  }
}

}  // namespace
}  // namespace pharmacrm::customer_master
