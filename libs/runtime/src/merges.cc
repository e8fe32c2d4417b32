#include "pharmacrm/runtime/merges.h"

#include <set>

#include "pharmacrm/core/payload.h"
#include "pharmacrm/store/key.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::runtime {
namespace {

std::string IntoKey(absl::string_view merged_id) {
  return store::KeyBuilder(kMergedInto).String(merged_id).key();
}

std::string MemberKey(absl::string_view survivor_id, absl::string_view merged_id) {
  return store::KeyBuilder(kMergedMember).String(survivor_id).String(merged_id).key();
}

absl::StatusOr<std::optional<std::string>> ReadRedirect(const store::Store& store,
                                                        absl::string_view id,
                                                        const store::Batch* pending) {
  std::string key = IntoKey(id);
  if (pending != nullptr) {
    if (auto staged = pending->Pending(store::Family::kState, key); staged.has_value()) {
      return *staged;
    }
  }
  return store.Get(store::Family::kState, key);
}

}  // namespace

absl::StatusOr<std::optional<MergeChange>> MergeChangeOf(const v1::EventEnvelope& event) {
  const auto& payload = event.payload();
  MergeChange change;
  if (core::PayloadIs<v1::CustomersMerged>(payload)) {
    ASSIGN_OR_RETURN(auto e, core::UnpackPayload<v1::CustomersMerged>(payload));
    change.survivor_id = e.survivor().id();
    if (change.survivor_id.empty()) return core::FieldError("payload.survivor.id", "missing");
    if (e.merged_ids().empty()) return core::FieldError("payload.merged_ids", "is empty");
    for (int i = 0; i < e.merged_ids_size(); ++i) {
      const std::string& id = e.merged_ids(i);
      if (id.empty() || id == change.survivor_id) {
        return core::FieldError(absl::StrCat("payload.merged_ids[", i, "]"),
                                id.empty() ? "is empty" : "is the survivor itself");
      }
      change.merged_ids.push_back(id);
    }
    return change;
  }
  if (core::PayloadIs<v1::CustomersUnmerged>(payload)) {
    ASSIGN_OR_RETURN(auto e, core::UnpackPayload<v1::CustomersUnmerged>(payload));
    change.survivor_id = e.survivor().id();
    if (change.survivor_id.empty()) return core::FieldError("payload.survivor.id", "missing");
    if (e.restored().id().empty() || e.restored().id() == change.survivor_id) {
      return core::FieldError("payload.restored.id",
                              e.restored().id().empty() ? "missing" : "is the survivor itself");
    }
    change.restored_ids.push_back(e.restored().id());
    return change;
  }
  return std::nullopt;
}

void StageMergeChange(const MergeChange& change, store::Batch& batch) {
  for (const std::string& id : change.merged_ids) {
    batch.Put(store::Family::kState, IntoKey(id), change.survivor_id);
    batch.Put(store::Family::kState, MemberKey(change.survivor_id, id), "");
  }
  for (const std::string& id : change.restored_ids) {
    batch.Delete(store::Family::kState, IntoKey(id));
    batch.Delete(store::Family::kState, MemberKey(change.survivor_id, id));
  }
}

absl::StatusOr<std::string> ResolveSurvivor(const store::Store& store,
                                            absl::string_view customer_id,
                                            const store::Batch* pending) {
  std::string current(customer_id);
  for (int hop = 0; hop < kMaxMergeDepth; ++hop) {
    ASSIGN_OR_RETURN(std::optional<std::string> next, ReadRedirect(store, current, pending));
    if (!next) return current;
    current = *std::move(next);
  }
  return absl::DataLossError(
      absl::StrCat("merge redirects from '", customer_id, "' are longer than ", kMaxMergeDepth));
}

absl::StatusOr<std::vector<std::string>> MergedInto(const store::Store& store,
                                                    absl::string_view survivor_id) {
  std::vector<std::string> out;
  std::set<std::string> seen = {std::string(survivor_id)};
  std::vector<std::string> level = {std::string(survivor_id)};
  for (int depth = 0; !level.empty(); ++depth) {
    if (depth >= kMaxMergeDepth) {
      return absl::DataLossError(absl::StrCat("customers merged into '", survivor_id,
                                              "' nest deeper than ", kMaxMergeDepth));
    }
    std::vector<std::string> next;
    for (const std::string& id : level) {
      std::string prefix = store::KeyBuilder(kMergedMember).String(id).key();
      absl::Status parse = absl::OkStatus();
      RETURN_IF_ERROR(store.ScanPrefix(
          store::Family::kState, prefix, [&](absl::string_view key, absl::string_view) {
            store::KeyReader reader(key);
            absl::StatusOr<std::string> merged;
            if (!reader.KeySpace().ok() || !reader.String().ok() ||
                !(merged = reader.String()).ok()) {
              parse = absl::DataLossError("merge member key does not parse");
              return false;
            }
            if (seen.insert(*merged).second) next.push_back(*merged);
            return true;
          }));
      RETURN_IF_ERROR(parse);
    }
    out.insert(out.end(), next.begin(), next.end());
    level = std::move(next);
  }
  return out;
}

}  // namespace pharmacrm::runtime
