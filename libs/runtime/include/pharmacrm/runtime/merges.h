// Read models that follow customer-master's merges (CustomersMerged,
// CustomersUnmerged).
//
// A merged customer's entry is kept as it was, under its own id, and goes on
// taking events still in flight for it; a redirect records which customer it
// was merged into. A read of any id of a merged group answers for the
// survivor: its own entry with the entries of every customer merged into it
// (transitively) folded in by a per-model FoldFn. An unmerge deletes the
// redirect, so each customer has its own entry again, exactly as it was
// plus what arrived for it since.
//
// Both key spaces live in the service's `state` family next to its own:
//   kMergedInto   = 0xF0: String(merged_id) -> survivor id
//   kMergedMember = 0xF1: String(survivor_id) String(merged_id) -> ""
#ifndef PHARMACRM_RUNTIME_MERGES_H_
#define PHARMACRM_RUNTIME_MERGES_H_

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "pharmacrm/bus/consumer.h"
#include "pharmacrm/runtime/projection.h"
#include "pharmacrm/store/store.h"
#include "pharmacrm/v1/events.pb.h"

namespace pharmacrm::runtime {

inline constexpr uint8_t kMergedInto = 0xF0;
inline constexpr uint8_t kMergedMember = 0xF1;

// Longest chain of redirects followed (A into B, B into C, ...). Longer
// chains, or a cycle, are DATA_LOSS: customer-master never produces them.
inline constexpr int kMaxMergeDepth = 16;

// What one customer event changes in the redirects. Pure.
struct MergeChange {
  std::string survivor_id;
  std::vector<std::string> merged_ids;    // CustomersMerged: now redirected.
  std::vector<std::string> restored_ids;  // CustomersUnmerged: own again.
};

// The redirect change of a CustomersMerged or CustomersUnmerged event;
// nullopt for other events. A payload that does not parse, a missing
// survivor id or an empty or self-referencing merged id is INVALID_ARGUMENT
// naming the field (poison).
absl::StatusOr<std::optional<MergeChange>> MergeChangeOf(const v1::EventEnvelope& event);

// Puts (or deletes) the redirect keys of `change` in `batch`.
void StageMergeChange(const MergeChange& change, store::Batch& batch);

// The id a read of `customer_id` answers for: its survivor after following
// redirects, or itself when it was not merged.
absl::StatusOr<std::string> ResolveSurvivor(const store::Store& store,
                                            absl::string_view customer_id,
                                            const store::Batch* pending = nullptr);

// The ids merged into `survivor_id`, transitively, in key order per level
// (the survivor itself not included).
absl::StatusOr<std::vector<std::string>> MergedInto(const store::Store& store,
                                                    absl::string_view survivor_id);

// Adds what a merged customer's entry contributes to the survivor's (counts
// summed, latest times kept...). Pure.
template <typename T>
using FoldFn = std::function<void(const T& merged, T* survivor)>;

// A read model entry answered for a merged group.
template <typename T>
struct GroupEntry {
  std::string survivor_id;              // Whom the answer is for.
  std::vector<std::string> merged_ids;  // Folded in (those with an entry).
  T entry;
};

// The entry for `customer_id` following merges: the survivor's own entry
// (or an empty T when only merged customers have one) with the merged
// entries folded in. NOT_FOUND naming customer_id when no one in the group
// has an entry.
template <typename T>
absl::StatusOr<GroupEntry<T>> ReadFollowingMerges(const store::Store& store, uint8_t key_space,
                                                  absl::string_view customer_id,
                                                  const FoldFn<T>& fold) {
  if (customer_id.empty()) return core::FieldError("customer_id", "must be set");
  GroupEntry<T> group;
  ASSIGN_OR_RETURN(group.survivor_id, ResolveSurvivor(store, customer_id));
  bool found = false;
  absl::StatusOr<T> own = ReadKeyed<T>(store, key_space, group.survivor_id);
  if (own.ok()) {
    group.entry = *std::move(own);
    found = true;
  } else if (own.status().code() != absl::StatusCode::kNotFound) {
    return own.status();
  }
  ASSIGN_OR_RETURN(std::vector<std::string> merged, MergedInto(store, group.survivor_id));
  for (const std::string& id : merged) {
    absl::StatusOr<T> entry = ReadKeyed<T>(store, key_space, id);
    if (entry.status().code() == absl::StatusCode::kNotFound) continue;
    RETURN_IF_ERROR(entry.status());
    fold(*entry, &group.entry);
    group.merged_ids.push_back(id);
    found = true;
  }
  if (!found) {
    return core::FieldStatus(absl::StatusCode::kNotFound, "customer_id",
                             absl::StrCat("'", customer_id, "' is not known here"));
  }
  return group;
}

// ReadFollowingMerges for a read model message with `customer_id` and
// `repeated string merged_ids` fields: the folded entry, its customer_id the
// survivor's and merged_ids those folded in.
template <typename T>
absl::StatusOr<T> ReadMergedEntry(const store::Store& store, uint8_t key_space,
                                  absl::string_view customer_id, const FoldFn<T>& fold) {
  ASSIGN_OR_RETURN(GroupEntry<T> group,
                   ReadFollowingMerges<T>(store, key_space, customer_id, fold));
  group.entry.set_customer_id(group.survivor_id);
  group.entry.clear_merged_ids();
  for (std::string& id : group.merged_ids) group.entry.add_merged_ids(std::move(id));
  return std::move(group.entry);
}

// KeyedProjection that also keeps the redirects of CustomersMerged and
// CustomersUnmerged (in the same batch as the entry change).
template <typename T>
bus::ApplyFn MergeFollowingProjection(store::Store* store, uint8_t key_space,
                                      ProjectFn<T> project) {
  bus::ApplyFn keyed = KeyedProjection<T>(store, key_space, std::move(project));
  return [keyed = std::move(keyed)](const v1::EventEnvelope& event,
                                    store::Batch& batch) -> absl::Status {
    ASSIGN_OR_RETURN(std::optional<MergeChange> change, MergeChangeOf(event));
    RETURN_IF_ERROR(keyed(event, batch));
    if (change) StageMergeChange(*change, batch);
    return absl::OkStatus();
  };
}

}  // namespace pharmacrm::runtime

#endif  // PHARMACRM_RUNTIME_MERGES_H_
