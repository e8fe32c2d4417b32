// Match & merge decisions: the golden record of a merge by survivorship
// rules, with the source of every field (lineage), and the reverse for an
// unmerge. Pure.
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_MATCHING_MERGE_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_MATCHING_MERGE_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::customer_master {

inline constexpr int kMaxMergedPerRequest = 20;

// Request rules and the records' eligibility: survivor and merged records
// active, of one kind, distinct; reason given; field rules name profile
// fields. Errors name the field (merged_ids[i], field_rules[...]).
// INVALID_ARGUMENT on merged_ids unless it holds 1 to kMaxMergedPerRequest
// ids; checked before anything is read for them.
absl::Status ValidateMergedIdCount(const v1::MergeCustomersRequest& request);

absl::Status ValidateMerge(const v1::MergeCustomersRequest& request, const v1::Customer& survivor,
                           const std::vector<v1::Customer>& merged);

struct MergeOutcome {
  v1::CustomerProfile profile;
  // Profile field -> id of the record whose value was taken (only fields
  // that have a value).
  std::map<std::string, std::string> field_sources;
};

// For every profile field but kind (typed details count as one field, the
// set member of the oneof): the value of the record the rule picks among
// those that have one. Records "have" a value when a string is non-empty,
// an enum not UNSPECIFIED, a message set. Recency is updated_at.
MergeOutcome MergeProfiles(const v1::Customer& survivor, const std::vector<v1::Customer>& merged,
                           const v1::MergeCustomersRequest& request);

// The survivor's profile once `removed_id` is taken out: every field whose
// source was `removed_id` gets its value from `before_merge` (the survivor's
// profile before that merge); other fields stay.
v1::CustomerProfile UnmergeProfile(const v1::CustomerProfile& current,
                                   const std::map<std::string, std::string>& field_sources,
                                   const std::string& removed_id,
                                   const v1::CustomerProfile& before_merge);

}  // namespace pharmacrm::customer_master

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_MATCHING_MERGE_H_
