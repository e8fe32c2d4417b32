// Duplicates and merge: duplicate candidates of a customer, the scan of the
// whole data set, merge into a golden record (re-pointing what named the
// merged records) and unmerge.
#include <algorithm>
#include <optional>
#include <thread>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "api/customer_master_service.h"
#include "api/internal.h"
#include "domain/customers/customer_rules.h"
#include "domain/customers/hierarchy.h"
#include "domain/customers/lifecycle.h"
#include "domain/customers/references.h"
#include "domain/matching/duplicate_scan.h"
#include "domain/matching/matching.h"
#include "domain/matching/merge.h"
#include "pharmacrm/core/log.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/matching/similarity.h"
#include "pharmacrm/rpc/server.h"

namespace pharmacrm::customer_master {

using ::pharmacrm::matching::BlockingKeys;
using ::pharmacrm::matching::MatchReason;

namespace {

using internal::MultiLock;

// What a ScanDuplicates answer keeps free of pairs below the largest
// message, and the bytes a repeated field adds to each element (tag and
// length).
constexpr int kScanAnswerMargin = 4096;
constexpr size_t kRepeatedOverhead = 6;

}  // namespace

grpc::Status CustomerMasterService::MergeCustomers(grpc::ServerContext* context,
                                                   const v1::MergeCustomersRequest* request,
                                                   v1::Customer* response) {
  return rpc::HandleRpc("CustomerMaster/MergeCustomers", context,
                        [&] { return Merge(*request, rpc::ActorOf(*context), response); });
}

grpc::Status CustomerMasterService::UnmergeCustomer(grpc::ServerContext* context,
                                                    const v1::UnmergeCustomerRequest* request,
                                                    v1::Customer* response) {
  return rpc::HandleRpc("CustomerMaster/UnmergeCustomer", context,
                        [&] { return Unmerge(*request, rpc::ActorOf(*context), response); });
}

absl::Status CustomerMasterService::Merge(const v1::MergeCustomersRequest& request,
                                          const std::string& actor, v1::Customer* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  if (request.survivor_id().empty()) return core::FieldError("survivor_id", "must be set");
  RETURN_IF_ERROR(ValidateMergedIdCount(request));
  std::vector<std::string> ids(request.merged_ids().begin(), request.merged_ids().end());
  ids.push_back(request.survivor_id());
  // Customers that name a merged one are re-pointed at the survivor: they
  // are locked too. Who names a merged record is read under its lock (a
  // registration or update that names it holds that lock while it writes
  // its referrer key): if the read finds a customer not yet locked, the
  // locks are let go and taken again with it.
  absl::flat_hash_set<std::string> merging(ids.begin(), ids.end());
  std::map<std::string, std::vector<std::string>> referrers;
  absl::flat_hash_set<std::string> referrers_locked;
  auto read_referrers = [&]() -> absl::StatusOr<bool> {
    referrers.clear();
    bool all_locked = true;
    for (const std::string& merged_id : request.merged_ids()) {
      ASSIGN_OR_RETURN(std::vector<std::string> found, repo_.Referrers(merged_id));
      std::vector<std::string>& outside = referrers[merged_id];  // Each merged id has an entry.
      for (std::string& id : found) {
        if (merging.contains(id)) continue;
        if (referrers_locked.insert(id).second) all_locked = false;
        outside.push_back(std::move(id));
      }
    }
    return all_locked;
  };
  RETURN_IF_ERROR(read_referrers().status());  // A first guess, without locks.
  std::optional<MultiLock> lock;
  while (true) {
    std::vector<std::string> locked = ids;
    locked.insert(locked.end(), referrers_locked.begin(), referrers_locked.end());
    lock.emplace(locks_, locked);
    ASSIGN_OR_RETURN(bool all_locked, read_referrers());
    if (all_locked) break;
    lock.reset();
  }
  return WriteOnce(
      "MergeCustomers", request.request_id(), request, response,
      [&](CustomerWrite& write) -> absl::Status {
        ASSIGN_OR_RETURN(v1::Customer survivor, Load(request.survivor_id(), "survivor_id"));
        std::vector<v1::Customer> merged;
        for (int i = 0; i < request.merged_ids_size(); ++i) {
          ASSIGN_OR_RETURN(v1::Customer m, Load(request.merged_ids(i), absl::StrCat("merged_ids[", i, "]")));
          merged.push_back(std::move(m));
        }
        RETURN_IF_ERROR(ValidateMerge(request, survivor, merged));
        MergeOutcome outcome = MergeProfiles(survivor, merged, request);
        auto source = outcome.field_sources.find("distributor");
        RETURN_IF_ERROR(CheckMergedDistributor(
            outcome.profile, ids, referrers,
            source == outcome.field_sources.end() ? "" : absl::string_view(source->second)));
        absl::Time now = host_.clock().Now();
        const v1::Customer before = survivor;
        *survivor.mutable_profile() = outcome.profile;
        for (const auto& m : merged) survivor.add_merged_from(m.id());
        survivor.set_version(survivor.version() + 1);
        *survivor.mutable_updated_at() = core::ToTimestamp(now);
        RETURN_IF_ERROR(PutVersion(write, survivor,
                                   ProfileDiff(before.profile(), survivor.profile()), actor,
                                   request.reason(), request.request_id(), &outcome.field_sources)
                            .status());
        for (v1::Customer& m : merged) {
          const v1::CustomerStatus previous = m.status();
          m.set_status(v1::CUSTOMER_STATUS_MERGED);
          m.set_merged_into(survivor.id());
          m.set_version(m.version() + 1);
          *m.mutable_updated_at() = core::ToTimestamp(now);
          RETURN_IF_ERROR(PutVersion(write, m, {StatusChange(previous, v1::CUSTOMER_STATUS_MERGED)},
                                     actor, request.reason(), request.request_id())
                              .status());
          v1::RepointedReferences moved;
          RETURN_IF_ERROR(
              Repoint(write, referrers[m.id()], m.id(), survivor.id(), nullptr, actor,
                      absl::StrCat("references re-pointed: ", m.id(), " was merged into ",
                                   survivor.id(), " (", request.reason(), ")"),
                      request.request_id(), &moved));
          if (moved.references_size() > 0) {
            moved.set_survivor_id(survivor.id());
            CustomerRepository::PutRepointed(write.batch, m.id(), moved);
          }
        }
        v1::CustomersMerged event;
        *event.mutable_survivor() = survivor;
        for (const auto& m : merged) event.add_merged_ids(m.id());
        for (const auto& [field, source] : outcome.field_sources) {
          (*event.mutable_field_sources())[field] = source;
        }
        event.set_reason(request.reason());
        write.batch.AppendOutbox(Event(survivor, event, request.request_id(), actor));
        *response = std::move(survivor);
        return absl::OkStatus();
      });
}

absl::Status CustomerMasterService::Unmerge(const v1::UnmergeCustomerRequest& request,
                                            const std::string& actor, v1::Customer* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  if (request.survivor_id().empty()) return core::FieldError("survivor_id", "must be set");
  if (request.merged_id().empty()) return core::FieldError("merged_id", "must be set");
  if (absl::StripAsciiWhitespace(request.reason()).empty()) {
    return core::FieldError("reason", "say why the records are not the same customer");
  }
  // What the merge re-pointed at the survivor goes back to the restored
  // customer: those customers are locked too.
  ASSIGN_OR_RETURN(std::optional<v1::RepointedReferences> stored,
                   repo_.Repointed(request.merged_id()));
  const v1::RepointedReferences repointed_before = stored.value_or(v1::RepointedReferences());
  std::vector<std::string> locked = {request.survivor_id(), request.merged_id()};
  std::vector<std::string> back_ids;
  absl::flat_hash_set<std::string> back_fields;
  if (repointed_before.survivor_id() == request.survivor_id()) {
    for (const auto& r : repointed_before.references()) {
      if (back_fields.insert(absl::StrCat(r.customer_id(), " ", r.field())).second &&
          std::find(back_ids.begin(), back_ids.end(), r.customer_id()) == back_ids.end()) {
        back_ids.push_back(r.customer_id());
      }
    }
  }
  locked.insert(locked.end(), back_ids.begin(), back_ids.end());
  MultiLock lock(locks_, locked);
  return WriteOnce(
      "UnmergeCustomer", request.request_id(), request, response,
      [&](CustomerWrite& write) -> absl::Status {
        ASSIGN_OR_RETURN(v1::Customer survivor, Load(request.survivor_id(), "survivor_id"));
        ASSIGN_OR_RETURN(v1::Customer merged, Load(request.merged_id(), "merged_id"));
        if (merged.status() != v1::CUSTOMER_STATUS_MERGED || merged.merged_into() != survivor.id()) {
          return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "merged_id",
                                   "was not merged into survivor_id");
        }
        // The survivor's version that took the record in, and the one before.
        ASSIGN_OR_RETURN(std::vector<v1::CustomerVersion> history, repo_.History(survivor.id()));
        const v1::CustomerVersion* merge_version = nullptr;
        const v1::CustomerVersion* before_merge = nullptr;
        for (size_t i = 1; i < history.size(); ++i) {
          const auto& from = history[i].customer().merged_from();
          if (std::find(from.begin(), from.end(), merged.id()) != from.end()) {
            merge_version = &history[i];
            before_merge = &history[i - 1];
            break;
          }
        }
        if (merge_version == nullptr) return absl::DataLossError("merge not found in the survivor's history");
        std::map<std::string, std::string> sources(merge_version->field_sources().begin(),
                                                   merge_version->field_sources().end());
        absl::Time now = host_.clock().Now();
        const v1::Customer survivor_before = survivor;
        *survivor.mutable_profile() = UnmergeProfile(survivor.profile(), sources, merged.id(),
                                                     before_merge->customer().profile());
        auto* from = survivor.mutable_merged_from();
        from->erase(std::remove(from->begin(), from->end(), merged.id()), from->end());
        survivor.set_version(survivor.version() + 1);
        *survivor.mutable_updated_at() = core::ToTimestamp(now);
        RETURN_IF_ERROR(PutVersion(write, survivor,
                                   ProfileDiff(survivor_before.profile(), survivor.profile()),
                                   actor, request.reason(), request.request_id())
                            .status());
        // The merged record as it was before the merge, active again.
        ASSIGN_OR_RETURN(std::vector<v1::CustomerVersion> merged_history, repo_.History(merged.id()));
        for (auto it = merged_history.rbegin(); it != merged_history.rend(); ++it) {
          if (it->customer().status() != v1::CUSTOMER_STATUS_MERGED) {
            *merged.mutable_profile() = it->customer().profile();
            break;
          }
        }
        merged.set_status(v1::CUSTOMER_STATUS_ACTIVE);
        merged.clear_merged_into();
        merged.set_version(merged.version() + 1);
        *merged.mutable_updated_at() = core::ToTimestamp(now);
        RETURN_IF_ERROR(
            PutVersion(write, merged,
                       {StatusChange(v1::CUSTOMER_STATUS_MERGED, v1::CUSTOMER_STATUS_ACTIVE)},
                       actor, request.reason(), request.request_id())
                .status());
        if (stored) {
          v1::RepointedReferences moved_back;
          RETURN_IF_ERROR(Repoint(
              write, back_ids, survivor.id(), merged.id(), &back_fields, actor,
              absl::StrCat("references re-pointed back: ", merged.id(), " was unmerged from ",
                           survivor.id(), " (", request.reason(), ")"),
              request.request_id(), &moved_back));
          CustomerRepository::DeleteRepointed(write.batch, request.merged_id());
        }
        v1::CustomersUnmerged event;
        *event.mutable_survivor() = survivor;
        *event.mutable_restored() = merged;
        event.set_reason(request.reason());
        write.batch.AppendOutbox(Event(survivor, event, request.request_id(), actor));
        *response = std::move(survivor);
        return absl::OkStatus();
      });
}

absl::Status CustomerMasterService::Repoint(
    CustomerWrite& write, const std::vector<std::string>& ids, const std::string& from,
    const std::string& to, const absl::flat_hash_set<std::string>* only, const std::string& actor,
    const std::string& reason, const std::string& request_id, v1::RepointedReferences* moved) {
  for (const std::string& id : ids) {
    absl::StatusOr<v1::Customer> c = repo_.Customer(id);
    if (c.status().code() == absl::StatusCode::kNotFound) continue;
    RETURN_IF_ERROR(c.status());
    if (!IsActive(*c)) continue;  // Its profile no longer changes.
    const v1::CustomerProfile before = c->profile();
    bool any = false;
    for (const CustomerReference& ref : ReferencesOf(c->mutable_profile())) {
      if (*ref.id != from) continue;
      if (only != nullptr && !only->contains(absl::StrCat(id, " ", ref.field))) continue;
      *ref.id = to;
      any = true;
      v1::RepointedReferences::Reference* r = moved->add_references();
      r->set_customer_id(id);
      r->set_field(ref.field);
    }
    if (!any) continue;
    c->set_version(c->version() + 1);
    *c->mutable_updated_at() = core::ToTimestamp(host_.clock().Now());
    std::vector<v1::FieldChange> changes = ProfileDiff(before, c->profile());
    RETURN_IF_ERROR(PutVersion(write, *c, changes, actor, reason, request_id).status());
    v1::ProfileChanged event;
    *event.mutable_customer() = *c;
    for (auto& change : changes) *event.add_changes() = std::move(change);
    event.set_reason(reason);
    write.batch.AppendOutbox(Event(*c, event, request_id, actor));
  }
  return absl::OkStatus();
}

grpc::Status CustomerMasterService::FindDuplicateCandidates(
    grpc::ServerContext* context, const v1::FindDuplicateCandidatesRequest* request,
    v1::DuplicateCandidates* response) {
  return rpc::HandleRpc("CustomerMaster/FindDuplicateCandidates", context, [&]() -> absl::Status {
    RETURN_IF_ERROR(ValidateFindDuplicates(*request));
    ASSIGN_OR_RETURN(v1::Customer subject, Load(request->customer_id(), "customer_id"));
    std::set<std::string> ids;
    bool partial = false;
    for (const std::string& block : BlockingKeys(MatchInputFor(subject, pinyin_))) {
      bool truncated = false;
      for (auto& id : index_.IdsWithBlockKey(block, internal::kMaxCandidates, &truncated)) {
        ids.insert(std::move(id));
      }
      partial = partial || truncated;
    }
    std::vector<v1::Customer> candidates;
    for (const std::string& id : ids) {
      if (id == subject.id()) continue;
      absl::StatusOr<v1::Customer> c = repo_.Customer(id);
      if (c.status().code() == absl::StatusCode::kNotFound) continue;
      RETURN_IF_ERROR(c.status());
      candidates.push_back(*std::move(c));
    }
    for (auto& d : RankCandidates(subject, candidates, *request, pinyin_)) {
      *response->add_candidates() = std::move(d);
    }
    response->set_partial(partial);
    return absl::OkStatus();
  });
}

grpc::Status CustomerMasterService::ScanDuplicates(grpc::ServerContext* context,
                                                   const v1::ScanDuplicatesRequest* request,
                                                   v1::ScanDuplicatesResponse* response) {
  return rpc::HandleRpc("CustomerMaster/ScanDuplicates", context, [&]() -> absl::Status {
    RETURN_IF_ERROR(ValidateScanDuplicates(*request));
    ScanOptions options;
    if (request->min_score() != 0) options.min_score = request->min_score();
    if (request->limit() != 0) options.limit = static_cast<size_t>(request->limit());
    options.threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
    absl::MutexLock lock(&scan_mu_);
    absl::Time start = absl::Now();
    CustomerIndex::DuplicateScan scan = index_.ScanDuplicates(request->kind(), request->province(), options);
    // The pairs stop short of the largest message gRPC sends; the rest of
    // the answer takes far less than the margin.
    const size_t budget =
        static_cast<size_t>(std::max(0, host_.max_message_bytes() - kScanAnswerMargin));
    size_t bytes = 0;
    for (const ScoredPair& p : scan.result.pairs) {
      const MatchRecord& first = *scan.records[p.first];
      const MatchRecord& second = *scan.records[p.second];
      v1::DuplicatePair* out = response->add_pairs();
      out->set_first_id(first.id);
      out->set_first_name(std::string(first.input().name));
      out->set_second_id(second.id);
      out->set_second_name(std::string(second.input().name));
      out->set_kind(first.kind);
      out->set_score(p.match.score);
      for (const MatchReason& r : p.match.reasons) {
        v1::MatchSignal* s = out->add_reasons();
        s->set_signal(r.signal);
        s->set_score(r.score);
        s->set_detail(r.detail);
      }
      bytes += out->ByteSizeLong() + kRepeatedOverhead;
      if (bytes > budget) {
        response->mutable_pairs()->RemoveLast();
        response->set_cut_to_message_size(true);
        break;
      }
    }
    response->set_records_scanned(static_cast<int64_t>(scan.records.size()));
    response->set_blocks(scan.result.blocks);
    response->set_blocks_windowed(scan.result.blocks_windowed);
    response->set_windowed_comparisons(scan.result.windowed_comparisons);
    response->set_comparisons(scan.result.comparisons);
    response->set_pairs_found(scan.result.pairs_found);
    response->set_truncated(scan.result.truncated || response->cut_to_message_size());
    response->set_elapsed_ms(absl::ToInt64Milliseconds(absl::Now() - start));
    core::Log(core::LogLevel::kInfo, "duplicate scan",
              {{"records", std::to_string(scan.records.size())},
               {"comparisons", std::to_string(scan.result.comparisons)},
               {"pairs", std::to_string(scan.result.pairs_found)},
               {"ms", std::to_string(response->elapsed_ms())}});
    return absl::OkStatus();
  });
}

absl::Status CustomerMasterService::CheckMergedDistributor(
    const v1::CustomerProfile& profile, const std::vector<std::string>& merging,
    const std::map<std::string, std::vector<std::string>>& merged_referrers,
    absl::string_view source) const {
  std::vector<std::pair<std::string, v1::Customer>> listing;
  // Only a distributor with a parent is checked against who lists its records.
  if (profile.kind() == v1::CUSTOMER_KIND_DISTRIBUTOR && !profile.distributor().parent_id().empty()) {
    for (const std::string& id : merging) {
      // The merged records' referrers are known already; the survivor's are read.
      std::vector<std::string> read;
      const std::vector<std::string>* referrers = &read;
      if (auto it = merged_referrers.find(id); it != merged_referrers.end()) {
        referrers = &it->second;
      } else {
        ASSIGN_OR_RETURN(read, repo_.Referrers(id));
      }
      ASSIGN_OR_RETURN(std::vector<v1::Customer> active, ActiveAmong(*referrers));
      for (v1::Customer& c : active) listing.emplace_back(id, std::move(c));
    }
  }
  return customer_master::CheckMergedDistributor(profile, merging, source, listing);
}

}  // namespace pharmacrm::customer_master
