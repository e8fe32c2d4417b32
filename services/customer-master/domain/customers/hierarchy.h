// Parents and branches: a pharmacy or distributor may name a parent
// (profile.<kind>.parent_id), and a distributor its branches
// (profile.distributor.branch_ids). These rules keep the two sides
// agreeing and the chain of parents free of loops. Pure: the caller reads
// the customers they are about and passes them in (or, for the chain of
// parents, a function that reads one).
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_CUSTOMERS_HIERARCHY_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_CUSTOMERS_HIERARCHY_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::customer_master {

// A distributor `branch` named in profile.distributor.branch_ids (at
// `field`) must not also be the profile's parent (INVALID_ARGUMENT), and
// must not have a parent other than the customer `self_id`, empty when
// registering (FAILED_PRECONDITION).
absl::Status CheckBranchAgrees(const std::string& field, const v1::Customer& branch,
                               const v1::CustomerProfile& profile, absl::string_view self_id);

// A distributor `self_id` given the parent `parent_id` (at `field`) must
// not be among the branch_ids of another distributor: FAILED_PRECONDITION
// naming the first of `referrers` (the active customers naming `self_id`)
// other than the parent whose branch_ids list it.
absl::Status CheckNotBranchOfAnother(const std::string& field, absl::string_view parent_id,
                                     absl::string_view self_id,
                                     const std::vector<v1::Customer>& referrers);

// Reads a customer by id: nullopt if there is none.
using CustomerLookup = absl::FunctionRef<absl::StatusOr<std::optional<v1::Customer>>(
    const std::string& id)>;

// INVALID_ARGUMENT on `field` if customer `self_id` is among the parents of
// `parent` (pharmacy or distributor parent_id, followed upwards with
// `lookup`, at most 64 deep; a longer chain is refused too). A parent that
// is not stored ends the chain. Errors of `lookup` are returned.
absl::Status CheckNoParentCycle(const std::string& field, v1::Customer parent,
                                absl::string_view self_id, CustomerLookup lookup);

// A merge of distributors must leave parent and branches agreeing: the
// merged `profile` (its distributor details taken from record `source`,
// empty if not said) may name no record of the merge (`merging`) as parent
// or branch, and its parent_id, when set, must be every active distributor
// that lists one of them among its branch_ids (those lists are re-pointed
// to the survivor). `listing` holds, for records of the merge, the active
// customers outside it that name them (merged id, customer).
// FAILED_PRECONDITION naming the profile field otherwise; OK for other
// kinds.
absl::Status CheckMergedDistributor(
    const v1::CustomerProfile& profile, const std::vector<std::string>& merging,
    absl::string_view source,
    const std::vector<std::pair<std::string, v1::Customer>>& listing);

}  // namespace pharmacrm::customer_master

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_CUSTOMERS_HIERARCHY_H_
