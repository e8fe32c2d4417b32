#include "domain/customers/hierarchy.h"

#include <map>

#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {
namespace {

v1::Customer Distributor(const std::string& id, const std::string& parent,
                         std::vector<std::string> branches = {}) {
  v1::Customer c;
  c.set_id(id);
  c.mutable_profile()->set_kind(v1::CUSTOMER_KIND_DISTRIBUTOR);
  c.mutable_profile()->set_name(id);
  c.mutable_profile()->mutable_distributor()->set_parent_id(parent);
  for (auto& b : branches) c.mutable_profile()->mutable_distributor()->add_branch_ids(b);
  return c;
}

v1::Customer Pharmacy(const std::string& id, const std::string& parent) {
  v1::Customer c;
  c.set_id(id);
  c.mutable_profile()->set_kind(v1::CUSTOMER_KIND_PHARMACY);
  c.mutable_profile()->mutable_pharmacy()->set_parent_id(parent);
  return c;
}

TEST(Hierarchy, ABranchMustNotBeTheParentNorHaveAnotherParent) {
  const std::string field = "profile.distributor.branch_ids[0]";
  v1::CustomerProfile self = Distributor("d-self", "d-top", {"d-b"}).profile();
  EXPECT_TRUE(CheckBranchAgrees(field, Distributor("d-b", ""), self, "d-self").ok());
  EXPECT_TRUE(CheckBranchAgrees(field, Distributor("d-b", "d-self"), self, "d-self").ok());
  absl::Status also_parent = CheckBranchAgrees(field, Distributor("d-top", ""), self, "d-self");
  EXPECT_EQ(also_parent.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(core::FieldOf(also_parent), field);
  absl::Status other = CheckBranchAgrees(field, Distributor("d-b", "d-other"), self, "d-self");
  EXPECT_EQ(other.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(other.message().find("d-other"), absl::string_view::npos) << other;
  // Registering: any parent is another one.
  EXPECT_EQ(CheckBranchAgrees(field, Distributor("d-b", "d-self"), self, "").code(),
            absl::StatusCode::kFailedPrecondition);
}

TEST(Hierarchy, ADistributorListedAsBranchElsewhereCannotTakeAnotherParent) {
  const std::string field = "profile.distributor.parent_id";
  std::vector<v1::Customer> referrers = {Distributor("d-new", ""),
                                         Distributor("d-old", "", {"d-self"})};
  EXPECT_TRUE(CheckNotBranchOfAnother(field, "d-old", "d-self", referrers).ok());
  absl::Status s = CheckNotBranchOfAnother(field, "d-new", "d-self", referrers);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(core::FieldOf(s), field);
  EXPECT_NE(s.message().find("'d-old'"), absl::string_view::npos) << s;
  EXPECT_TRUE(CheckNotBranchOfAnother(field, "d-new", "d-self", {}).ok());
}

TEST(Hierarchy, TheChainOfParentsMustNotLoop) {
  std::map<std::string, v1::Customer> stored = {
      {"p-1", Pharmacy("p-1", "p-2")}, {"p-2", Pharmacy("p-2", "p-3")}, {"p-3", Pharmacy("p-3", "")}};
  auto lookup = [&](const std::string& id) -> absl::StatusOr<std::optional<v1::Customer>> {
    auto it = stored.find(id);
    if (it == stored.end()) return std::nullopt;
    return it->second;
  };
  const std::string field = "profile.pharmacy.parent_id";
  EXPECT_TRUE(CheckNoParentCycle(field, stored["p-1"], "p-new", lookup).ok());
  // p-3 taking p-1 as parent: p-1 is under p-3 already.
  absl::Status loop = CheckNoParentCycle(field, stored["p-1"], "p-3", lookup);
  EXPECT_EQ(loop.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(core::FieldOf(loop), field);
  // A parent that is not stored ends the chain.
  EXPECT_TRUE(CheckNoParentCycle(field, Pharmacy("p-x", "p-gone"), "p-3", lookup).ok());
  // Errors of the lookup are returned.
  auto failing = [](const std::string&) -> absl::StatusOr<std::optional<v1::Customer>> {
    return absl::UnavailableError("store down");
  };
  EXPECT_EQ(CheckNoParentCycle(field, stored["p-1"], "p-new", failing).code(),
            absl::StatusCode::kUnavailable);
}

TEST(Hierarchy, AnOverlongChainOfParentsIsRefused) {
  std::map<std::string, v1::Customer> stored;
  for (int i = 0; i < 100; ++i) {
    std::string id = "p-" + std::to_string(i);
    stored[id] = Pharmacy(id, "p-" + std::to_string(i + 1));
  }
  auto lookup = [&](const std::string& id) -> absl::StatusOr<std::optional<v1::Customer>> {
    auto it = stored.find(id);
    if (it == stored.end()) return std::nullopt;
    return it->second;
  };
  absl::Status s = CheckNoParentCycle("f", stored["p-0"], "p-new", lookup);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("longer than 64"), absl::string_view::npos) << s;
}

TEST(Hierarchy, AMergedDistributorIsNeitherItsOwnParentNorItsOwnBranch) {
  const std::vector<std::string> merging = {"d-a", "d-b"};
  v1::CustomerProfile own_parent = Distributor("d-a", "d-b").profile();
  absl::Status s = CheckMergedDistributor(own_parent, merging, "d-a", {});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(core::FieldOf(s), "profile.distributor.parent_id");
  EXPECT_NE(s.message().find("taken from 'd-a'"), absl::string_view::npos) << s;
  v1::CustomerProfile own_branch = Distributor("d-a", "", {"d-x", "d-b"}).profile();
  s = CheckMergedDistributor(own_branch, merging, "", {});
  EXPECT_EQ(core::FieldOf(s), "profile.distributor.branch_ids[1]");
  EXPECT_EQ(s.message().find("taken from"), absl::string_view::npos) << s;
  // Other kinds are not checked.
  v1::CustomerProfile pharmacy = Pharmacy("d-a", "d-b").profile();
  EXPECT_TRUE(CheckMergedDistributor(pharmacy, merging, "", {}).ok());
}

TEST(Hierarchy, AMergedDistributorsParentMustBeWhoeverListsItsRecordsAsBranches) {
  const std::vector<std::string> merging = {"d-a", "d-b"};
  v1::CustomerProfile merged = Distributor("d-a", "d-top").profile();
  // d-top lists d-b: the parent agrees.
  EXPECT_TRUE(
      CheckMergedDistributor(merged, merging, "", {{"d-b", Distributor("d-top", "", {"d-b"})}})
          .ok());
  // d-other lists d-b too: the merged record's parent would disagree.
  absl::Status s = CheckMergedDistributor(
      merged, merging, "d-a",
      {{"d-b", Distributor("d-top", "", {"d-b"})}, {"d-b", Distributor("d-other", "", {"d-b"})}});
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(core::FieldOf(s), "profile.distributor.parent_id");
  EXPECT_NE(s.message().find("'d-other' lists 'd-b'"), absl::string_view::npos) << s;
  // A referrer that names the record otherwise (not among its branch_ids) is fine.
  EXPECT_TRUE(
      CheckMergedDistributor(merged, merging, "", {{"d-b", Distributor("d-other", "d-b")}}).ok());
  // Without a parent nothing is asked of the referrers.
  v1::CustomerProfile no_parent = Distributor("d-a", "").profile();
  EXPECT_TRUE(
      CheckMergedDistributor(no_parent, merging, "", {{"d-b", Distributor("d-other", "", {"d-b"})}})
          .ok());
}

}  // namespace
}  // namespace pharmacrm::customer_master
