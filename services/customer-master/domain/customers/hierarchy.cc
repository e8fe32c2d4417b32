#include "domain/customers/hierarchy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {
namespace {

bool ListsBranch(const v1::Customer& c, absl::string_view id) {
  const auto& branches = c.profile().distributor().branch_ids();
  return std::find(branches.begin(), branches.end(), id) != branches.end();
}

}  // namespace

absl::Status CheckBranchAgrees(const std::string& field, const v1::Customer& branch,
                               const v1::CustomerProfile& profile, absl::string_view self_id) {
  if (branch.id() == profile.distributor().parent_id()) {
    return core::FieldError(field, absl::StrCat("'", branch.id(), "' is also its parent_id"));
  }
  const std::string& parent = branch.profile().distributor().parent_id();
  if (!parent.empty() && parent != self_id) {
    return core::FieldStatus(
        absl::StatusCode::kFailedPrecondition, field,
        absl::StrCat("'", branch.id(), "' has another parent, '", parent,
                     "' (its profile.distributor.parent_id): change that first"));
  }
  return absl::OkStatus();
}

absl::Status CheckNotBranchOfAnother(const std::string& field, absl::string_view parent_id,
                                     absl::string_view self_id,
                                     const std::vector<v1::Customer>& referrers) {
  for (const v1::Customer& c : referrers) {
    if (c.id() == parent_id || c.id() == self_id) continue;
    if (ListsBranch(c, self_id)) {
      return core::FieldStatus(absl::StatusCode::kFailedPrecondition, field,
                               absl::StrCat("this distributor is among the branch_ids of '",
                                            c.id(),
                                            "': remove it there first, or make that its parent"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckNoParentCycle(const std::string& field, v1::Customer parent,
                                absl::string_view self_id, CustomerLookup lookup) {
  // Up the chain of parents from the new one: reaching the customer itself
  // would make it its own ancestor.
  constexpr int kMaxDepth = 64;
  for (int depth = 0; depth < kMaxDepth; ++depth) {
    const std::string next = parent.profile().has_distributor()
                                 ? parent.profile().distributor().parent_id()
                                 : parent.profile().pharmacy().parent_id();
    if (next.empty()) return absl::OkStatus();
    if (next == self_id) {
      return core::FieldError(field, absl::StrCat("'", parent.id(), "' is under this customer ",
                                                  "already: the chain of parents would loop"));
    }
    ASSIGN_OR_RETURN(std::optional<v1::Customer> up, lookup(next));
    if (!up) return absl::OkStatus();
    parent = *std::move(up);
  }
  return core::FieldError(field, absl::StrCat("the chain of parents above it is longer than ",
                                              kMaxDepth, " customers"));
}

absl::Status CheckMergedDistributor(
    const v1::CustomerProfile& profile, const std::vector<std::string>& merging,
    absl::string_view source,
    const std::vector<std::pair<std::string, v1::Customer>>& listing) {
  if (profile.kind() != v1::CUSTOMER_KIND_DISTRIBUTOR) return absl::OkStatus();
  auto in_merge = [&](const std::string& id) {
    return std::find(merging.begin(), merging.end(), id) != merging.end();
  };
  const v1::DistributorDetails& d = profile.distributor();
  const std::string from = source.empty() ? "" : absl::StrCat(" (taken from '", source, "')");
  if (!d.parent_id().empty() && in_merge(d.parent_id())) {
    return core::FieldStatus(
        absl::StatusCode::kFailedPrecondition, "profile.distributor.parent_id",
        absl::StrCat("'", d.parent_id(), "' is in this merge", from,
                     ": the merged distributor would be its own parent; clear that parent_id "
                     "first"));
  }
  for (int i = 0; i < d.branch_ids_size(); ++i) {
    if (!in_merge(d.branch_ids(i))) continue;
    return core::FieldStatus(
        absl::StatusCode::kFailedPrecondition,
        absl::StrCat("profile.distributor.branch_ids[", i, "]"),
        absl::StrCat("'", d.branch_ids(i), "' is in this merge", from,
                     ": the merged distributor would be its own branch; remove it from those "
                     "branch_ids first"));
  }
  if (d.parent_id().empty()) return absl::OkStatus();
  for (const auto& [id, other] : listing) {
    if (other.id() == d.parent_id() || in_merge(other.id()) || !ListsBranch(other, id)) continue;
    return core::FieldStatus(
        absl::StatusCode::kFailedPrecondition, "profile.distributor.parent_id",
        absl::StrCat("the merged distributor's parent would be '", d.parent_id(), "'", from,
                     ", but '", other.id(), "' lists '", id,
                     "' among its branch_ids: remove it there first, or take "
                     "profile.distributor from the record whose parent that is (field_rules)"));
  }
  return absl::OkStatus();
}

}  // namespace pharmacrm::customer_master
