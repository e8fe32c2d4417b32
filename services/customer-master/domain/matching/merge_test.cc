#include "domain/matching/merge.h"

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {
namespace {

v1::Customer Pharmacy(const std::string& id, int64_t updated, const std::string& name,
                      const std::string& phone, const std::string& address) {
  v1::Customer c;
  c.set_id(id);
  c.set_status(v1::CUSTOMER_STATUS_ACTIVE);
  c.mutable_updated_at()->set_seconds(updated);
  c.mutable_profile()->set_kind(v1::CUSTOMER_KIND_PHARMACY);
  c.mutable_profile()->set_name(name);
  c.mutable_profile()->set_phone(phone);
  c.mutable_profile()->set_address(address);
  return c;
}

v1::MergeCustomersRequest Request(std::vector<std::string> ids) {
  v1::MergeCustomersRequest r;
  r.set_request_id("m");
  r.set_survivor_id("s");
  for (auto& id : ids) r.add_merged_ids(id);
  r.set_reason("same pharmacy");
  return r;
}

TEST(MergeProfiles, SurvivorFirstFillsGapsFromTheMostRecentRecord) {
  v1::Customer s = Pharmacy("s", 100, "益丰大药房（五一店）", "", "五一大道1号");
  std::vector<v1::Customer> merged = {Pharmacy("old", 50, "益丰大药房", "0731-1111111", ""),
                                      Pharmacy("new", 200, "益丰五一店", "0731-2222222", "")};
  MergeOutcome m = MergeProfiles(s, merged, Request({"old", "new"}));
  EXPECT_EQ(m.profile.name(), "益丰大药房（五一店）");
  EXPECT_EQ(m.profile.phone(), "0731-2222222");  // Most recent of those that have one.
  EXPECT_EQ(m.profile.address(), "五一大道1号");
  EXPECT_EQ(m.field_sources.at("name"), "s");
  EXPECT_EQ(m.field_sources.at("phone"), "new");
  EXPECT_EQ(m.field_sources.count("department"), 0u);
}

TEST(MergeProfiles, FieldRulesOverrideTheDefault) {
  v1::Customer s = Pharmacy("s", 100, "A", "0731-1111111", "");
  std::vector<v1::Customer> merged = {Pharmacy("new", 200, "B", "0731-2222222", "")};
  v1::MergeCustomersRequest r = Request({"new"});
  (*r.mutable_field_rules())["phone"] = v1::SURVIVORSHIP_RULE_MOST_RECENT;
  MergeOutcome m = MergeProfiles(s, merged, r);
  EXPECT_EQ(m.profile.name(), "A");
  EXPECT_EQ(m.profile.phone(), "0731-2222222");
  r.set_default_rule(v1::SURVIVORSHIP_RULE_MOST_RECENT);
  EXPECT_EQ(MergeProfiles(s, merged, r).profile.name(), "B");
}

TEST(UnmergeProfile, RestoresOnlyTheFieldsThatCameFromTheRemovedRecord) {
  v1::Customer s = Pharmacy("s", 100, "A", "", "五一大道1号");
  std::vector<v1::Customer> merged = {Pharmacy("x", 200, "X", "0731-2222222", "X路")};
  MergeOutcome m = MergeProfiles(s, merged, Request({"x"}));
  ASSERT_EQ(m.profile.phone(), "0731-2222222");
  v1::CustomerProfile back = UnmergeProfile(m.profile, m.field_sources, "x", s.profile());
  EXPECT_EQ(back.phone(), "");
  EXPECT_EQ(back.address(), "五一大道1号");
  EXPECT_EQ(back.name(), "A");
}

TEST(ValidateMerge, NamesWhatIsWrong) {
  v1::Customer s = Pharmacy("s", 1, "A", "", "");
  v1::Customer other_kind = Pharmacy("d", 1, "B", "", "");
  other_kind.mutable_profile()->set_kind(v1::CUSTOMER_KIND_DOCTOR);
  EXPECT_EQ(core::FieldOf(ValidateMerge(Request({"d"}), s, {other_kind})), "merged_ids[0]");
  EXPECT_EQ(core::FieldOf(ValidateMerge(Request({"s"}), s, {s})), "merged_ids[0]");
  EXPECT_EQ(core::FieldOf(ValidateMerge(Request({}), s, {})), "merged_ids");
  v1::Customer inactive = Pharmacy("i", 1, "C", "", "");
  inactive.set_status(v1::CUSTOMER_STATUS_MERGED);
  EXPECT_EQ(ValidateMerge(Request({"i"}), s, {inactive}).code(), absl::StatusCode::kFailedPrecondition);
  v1::MergeCustomersRequest r = Request({"i"});
  r.clear_reason();
  EXPECT_EQ(core::FieldOf(ValidateMerge(r, s, {Pharmacy("i", 1, "C", "", "")})), "reason");
  r = Request({"i"});
  (*r.mutable_field_rules())["kind"] = v1::SURVIVORSHIP_RULE_MOST_RECENT;
  EXPECT_EQ(core::FieldOf(ValidateMerge(r, s, {Pharmacy("i", 1, "C", "", "")})), "field_rules[kind]");
}

}  // namespace
}  // namespace pharmacrm::customer_master

namespace pharmacrm::customer_master {
namespace {

TEST(ValidateMergedIdCount, OneToTwentyIds) {
  v1::MergeCustomersRequest r;
  EXPECT_EQ(core::FieldOf(ValidateMergedIdCount(r)), "merged_ids");
  r.add_merged_ids("a");
  EXPECT_TRUE(ValidateMergedIdCount(r).ok());
  for (int i = 1; i < kMaxMergedPerRequest; ++i) r.add_merged_ids(absl::StrCat("m", i));
  EXPECT_TRUE(ValidateMergedIdCount(r).ok());
  r.add_merged_ids("one too many");
  EXPECT_EQ(core::FieldOf(ValidateMergedIdCount(r)), "merged_ids");
}

}  // namespace
}  // namespace pharmacrm::customer_master
