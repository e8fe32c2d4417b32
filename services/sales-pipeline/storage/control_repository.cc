#include "storage/control_repository.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "pharmacrm/store/key.h"
#include "storage/keys.h"
#include "storage/records.h"

namespace pharmacrm::sales_pipeline {
namespace {

std::string PositionKey(const v1::StockPosition& p) {
  return store::KeyBuilder(kStockPosition)
      .String(p.distributor_id())
      .String(p.month())
      .String(p.product_id())
      .String(p.batch_no())
      .key();
}

std::string ReconciliationKey(const v1::Reconciliation& r) {
  return store::KeyBuilder(kReconciliation)
      .String(r.distributor_id())
      .String(r.product_id())
      .String(r.month())
      .key();
}

std::string FactKey(const v1::SalesFact& f) {
  return store::KeyBuilder(kSalesFact)
      .String(f.customer_id())
      .String(f.month())
      .String(f.product_id())
      .String(f.distributor_id())
      .Int64(f.source())
      .key();
}

// Adds to `changes` the writes and deletes that turn what is stored under
// `prefix` into `wanted` (key -> bytes).
absl::Status Replace(const store::Store& store, store::Batch& batch, const std::string& prefix,
                     absl::flat_hash_map<std::string, std::string> wanted, int64_t* changes) {
  RETURN_IF_ERROR(store.ScanPrefix(store::Family::kState, prefix,
                                   [&](absl::string_view key, absl::string_view value) {
                                     auto it = wanted.find(key);
                                     if (it == wanted.end()) {
                                       batch.Delete(store::Family::kState, key);
                                       ++*changes;
                                     } else {
                                       if (it->second != value) {
                                         batch.Put(store::Family::kState, key, it->second);
                                         ++*changes;
                                       }
                                       wanted.erase(it);
                                     }
                                     return true;
                                   }));
  for (const auto& [key, bytes] : wanted) {
    batch.Put(store::Family::kState, key, bytes);
    ++*changes;
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<std::optional<v1::StockReport>> ControlRepository::StockReport(
    absl::string_view distributor_id, absl::string_view as_of) const {
  return ParseRecord<v1::StockReport>(
      store_.Get(store::Family::kState,
                 store::KeyBuilder(kStockReport).String(distributor_id).String(as_of).key()),
      "stock report");
}

absl::StatusOr<std::vector<v1::StockReport>> ControlRepository::StockReports() const {
  return ScanRecords<v1::StockReport>(store_, store::KeyBuilder(kStockReport).key(),
                                      "stock report");
}

void ControlRepository::PutStockReport(store::Batch& batch, const v1::StockReport& report) const {
  batch.Put(store::Family::kState,
            store::KeyBuilder(kStockReport)
                .String(report.distributor_id())
                .String(report.as_of())
                .key(),
            report.SerializeAsString());
}

absl::StatusOr<std::optional<v1::Finding>> ControlRepository::Finding(
    absl::string_view finding_id) const {
  return ParseRecord<v1::Finding>(
      store_.Get(store::Family::kState, store::KeyBuilder(kFinding).String(finding_id).key()),
      "finding");
}

absl::StatusOr<std::vector<v1::Finding>> ControlRepository::Findings() const {
  return ScanRecords<v1::Finding>(store_, store::KeyBuilder(kFinding).key(), "finding");
}

absl::StatusOr<std::vector<v1::Finding>> ControlRepository::DistributorFindings(
    absl::string_view distributor_id) const {
  std::vector<std::string> ids;
  RETURN_IF_ERROR(store_.ScanPrefix(
      store::Family::kState, store::KeyBuilder(kDistributorFinding).String(distributor_id).key(),
      [&](absl::string_view key, absl::string_view) {
        store::KeyReader reader(key);
        (void)reader.KeySpace();
        (void)reader.String();
        absl::StatusOr<std::string> id = reader.String();
        if (id.ok()) ids.push_back(*std::move(id));
        return true;
      }));
  std::vector<v1::Finding> out;
  out.reserve(ids.size());
  for (const std::string& id : ids) {
    ASSIGN_OR_RETURN(std::optional<v1::Finding> finding, Finding(id));
    if (finding.has_value()) out.push_back(*std::move(finding));
  }
  return out;
}

void ControlRepository::PutFinding(store::Batch& batch, const v1::Finding& finding) const {
  batch.Put(store::Family::kState, store::KeyBuilder(kFinding).String(finding.id()).key(),
            finding.SerializeAsString());
  batch.Put(store::Family::kState,
            store::KeyBuilder(kDistributorFinding)
                .String(finding.distributor_id())
                .String(finding.id())
                .key(),
            "");
}

absl::StatusOr<std::vector<v1::StockPosition>> ControlRepository::Positions(
    absl::string_view distributor_id, absl::string_view month) const {
  return ScanRecords<v1::StockPosition>(
      store_, store::KeyBuilder(kStockPosition).String(distributor_id).String(month).key(),
      "stock position");
}

absl::StatusOr<std::vector<v1::Reconciliation>> ControlRepository::Reconciliations(
    absl::string_view distributor_id) const {
  return ScanRecords<v1::Reconciliation>(
      store_, store::KeyBuilder(kReconciliation).String(distributor_id).key(), "reconciliation");
}

absl::StatusOr<int64_t> ControlRepository::ReplaceChecked(
    store::Batch& batch, const std::vector<v1::StockPosition>& positions,
    const std::vector<v1::Reconciliation>& reconciliations) const {
  int64_t changes = 0;
  absl::flat_hash_map<std::string, std::string> wanted;
  wanted.reserve(positions.size());
  for (const v1::StockPosition& p : positions) wanted[PositionKey(p)] = p.SerializeAsString();
  RETURN_IF_ERROR(Replace(store_, batch, store::KeyBuilder(kStockPosition).key(),
                          std::move(wanted), &changes));
  wanted = {};
  wanted.reserve(reconciliations.size());
  for (const v1::Reconciliation& r : reconciliations) {
    wanted[ReconciliationKey(r)] = r.SerializeAsString();
  }
  RETURN_IF_ERROR(Replace(store_, batch, store::KeyBuilder(kReconciliation).key(),
                          std::move(wanted), &changes));
  return changes;
}

absl::StatusOr<std::vector<v1::SalesFact>> ControlRepository::CustomerFacts(
    absl::string_view customer_id, absl::string_view from_month,
    absl::string_view to_month) const {
  ASSIGN_OR_RETURN(std::vector<v1::SalesFact> all,
                   ScanRecords<v1::SalesFact>(
                       store_, store::KeyBuilder(kSalesFact).String(customer_id).key(),
                       "sales fact"));
  std::vector<v1::SalesFact> out;
  for (v1::SalesFact& fact : all) {
    if (fact.month() >= from_month && fact.month() <= to_month) out.push_back(std::move(fact));
  }
  return out;
}

absl::Status ControlRepository::ReplacePeriodFacts(
    store::Batch& batch, absl::string_view distributor_id, absl::string_view month,
    const google::protobuf::RepeatedPtrField<v1::SalesFact>& facts) const {
  const std::string list_key =
      store::KeyBuilder(kPeriodFacts).String(distributor_id).String(month).key();
  ASSIGN_OR_RETURN(std::optional<v1::FlowPeriodLoaded> previous,
                   ParseRecord<v1::FlowPeriodLoaded>(Read(batch, list_key), "period facts"));
  if (previous) {
    for (const v1::SalesFact& fact : previous->facts()) {
      batch.Delete(store::Family::kState, FactKey(fact));
    }
  }
  v1::FlowPeriodLoaded list;
  for (const v1::SalesFact& fact : facts) {
    batch.Put(store::Family::kState, FactKey(fact), fact.SerializeAsString());
    *list.add_facts() = fact;
  }
  batch.Put(store::Family::kState, list_key, list.SerializeAsString());
  return absl::OkStatus();
}

absl::Status ControlRepository::AddFacts(store::Batch& batch,
                                         const std::vector<v1::SalesFact>& facts) const {
  for (const v1::SalesFact& fact : facts) {
    const std::string key = FactKey(fact);
    ASSIGN_OR_RETURN(std::optional<v1::SalesFact> stored,
                     ParseRecord<v1::SalesFact>(Read(batch, key), "sales fact"));
    v1::SalesFact sum = fact;
    if (stored) {
      sum.set_quantity(stored->quantity() + fact.quantity());
      sum.set_amount_fen(stored->amount_fen() + fact.amount_fen());
    }
    batch.Put(store::Family::kState, key, sum.SerializeAsString());
  }
  return absl::OkStatus();
}

absl::StatusOr<std::optional<std::string>> ControlRepository::Read(const store::Batch& batch,
                                                                   const std::string& key) const {
  std::optional<std::optional<std::string>> pending = batch.Pending(store::Family::kState, key);
  if (pending.has_value()) return *pending;
  return store_.Get(store::Family::kState, key);
}

absl::StatusOr<v1::ChannelChecksState> ControlRepository::ChecksState() const {
  ASSIGN_OR_RETURN(std::optional<v1::ChannelChecksState> state,
                   ParseRecord<v1::ChannelChecksState>(
                       store_.Get(store::Family::kState, store::KeyBuilder(kChecksState).key()),
                       "channel checks state"));
  ASSIGN_OR_RETURN(
      std::optional<v1::ChannelChecksState> requested,
      ParseRecord<v1::ChannelChecksState>(
          store_.Get(store::Family::kState, store::KeyBuilder(kChecksRequested).key()),
          "channel checks request"));
  v1::ChannelChecksState out = state.value_or(v1::ChannelChecksState());
  out.set_requested(requested ? requested->requested() : 0);
  return out;
}

void ControlRepository::PutChecksState(store::Batch& batch,
                                       const v1::ChannelChecksState& state) const {
  v1::ChannelChecksState run = state;
  run.clear_requested();
  batch.Put(store::Family::kState, store::KeyBuilder(kChecksState).key(), run.SerializeAsString());
}

absl::Status ControlRepository::RequestChecks(store::Batch& batch) const {
  const std::string key = store::KeyBuilder(kChecksRequested).key();
  ASSIGN_OR_RETURN(std::optional<v1::ChannelChecksState> current,
                   ParseRecord<v1::ChannelChecksState>(Read(batch, key), "channel checks request"));
  v1::ChannelChecksState next;
  next.set_requested((current ? current->requested() : 0) + 1);
  batch.Put(store::Family::kState, key, next.SerializeAsString());
  return absl::OkStatus();
}

}  // namespace pharmacrm::sales_pipeline
