#include "storage/process_repository.h"

#include <utility>

#include "pharmacrm/store/key.h"
#include "storage/keys.h"
#include "storage/records.h"

namespace pharmacrm::sales_pipeline {
namespace {

std::string RepKey(absl::string_view rep_id) {
  return store::KeyBuilder(kRep).String(rep_id).key();
}

std::string TerritoryKey(absl::string_view id) {
  return store::KeyBuilder(kTerritory).String(id).key();
}

std::string CustomerAlignmentKey(absl::string_view id) {
  return store::KeyBuilder(kCustomerAlignment).String(id).key();
}

std::string RepAlignmentKey(absl::string_view id) {
  return store::KeyBuilder(kRepAlignment).String(id).key();
}

std::string MetricsKey(absl::string_view customer_id, absl::string_view period) {
  return store::KeyBuilder(kMetrics).String(customer_id).String(period).key();
}

std::string TargetKey(absl::string_view product_id, int year) {
  return store::KeyBuilder(kTarget).String(product_id).Int64(year).key();
}

std::string TargetVersionKey(absl::string_view product_id, int year, int64_t version) {
  return store::KeyBuilder(kTargetVersion).String(product_id).Int64(year).Int64(version).key();
}

}  // namespace

absl::StatusOr<std::optional<v1::Rep>> ProcessRepository::Rep(absl::string_view rep_id,
                                                               const store::Batch* pending) const {
  return ReadRecord<v1::Rep>(store_, RepKey(rep_id), pending, "person");
}

absl::StatusOr<std::vector<v1::Rep>> ProcessRepository::RepVersions(
    absl::string_view rep_id) const {
  return ScanRecords<v1::Rep>(store_, store::KeyBuilder(kRepVersion).String(rep_id).key(),
                              "person version");
}

absl::StatusOr<std::vector<v1::Rep>> ProcessRepository::Reps() const {
  return ScanRecords<v1::Rep>(store_, store::KeyBuilder(kRep).key(), "person");
}

void ProcessRepository::PutRep(store::Batch& batch, const v1::Rep& rep) const {
  const std::string bytes = rep.SerializeAsString();
  batch.Put(store::Family::kState, RepKey(rep.id()), bytes);
  batch.Put(store::Family::kState,
            store::KeyBuilder(kRepVersion).String(rep.id()).Int64(rep.version()).key(), bytes);
}

absl::StatusOr<std::optional<v1::Territory>> ProcessRepository::Territory(
    absl::string_view territory_id, const store::Batch* pending) const {
  return ReadRecord<v1::Territory>(store_, TerritoryKey(territory_id), pending, "territory");
}

absl::StatusOr<std::vector<v1::Territory>> ProcessRepository::Territories() const {
  return ScanRecords<v1::Territory>(store_, store::KeyBuilder(kTerritory).key(), "territory");
}

void ProcessRepository::PutTerritory(store::Batch& batch, const v1::Territory& territory) const {
  batch.Put(store::Family::kState, TerritoryKey(territory.id()), territory.SerializeAsString());
}

absl::StatusOr<std::optional<v1::AlignmentHistory>> ProcessRepository::CustomerAlignment(
    absl::string_view customer_id, const store::Batch* pending) const {
  return ReadRecord<v1::AlignmentHistory>(store_, CustomerAlignmentKey(customer_id), pending,
                                    "customer alignment");
}

absl::StatusOr<std::optional<v1::AlignmentHistory>> ProcessRepository::RepAlignment(
    absl::string_view rep_id, const store::Batch* pending) const {
  return ReadRecord<v1::AlignmentHistory>(store_, RepAlignmentKey(rep_id), pending, "rep alignment");
}

absl::StatusOr<std::vector<v1::AlignmentHistory>> ProcessRepository::CustomerAlignments() const {
  return ScanRecords<v1::AlignmentHistory>(store_, store::KeyBuilder(kCustomerAlignment).key(),
                                           "customer alignment");
}

void ProcessRepository::PutCustomerAlignment(store::Batch& batch, absl::string_view customer_id,
                                             const v1::AlignmentHistory& history) const {
  batch.Put(store::Family::kState, CustomerAlignmentKey(customer_id), history.SerializeAsString());
}

void ProcessRepository::PutRepAlignment(store::Batch& batch, absl::string_view rep_id,
                                        const v1::AlignmentHistory& history) const {
  batch.Put(store::Family::kState, RepAlignmentKey(rep_id), history.SerializeAsString());
}

absl::StatusOr<std::optional<v1::CustomerMetrics>> ProcessRepository::Metrics(
    absl::string_view customer_id, absl::string_view period, const store::Batch* pending) const {
  return ReadRecord<v1::CustomerMetrics>(store_, MetricsKey(customer_id, period), pending, "metrics");
}

absl::Status ProcessRepository::ScanMetrics(
    absl::string_view from, absl::string_view to,
    const std::function<bool(const v1::CustomerMetrics&)>& visit) const {
  bool bad = false;
  RETURN_IF_ERROR(store_.ScanPrefix(store::Family::kState, store::KeyBuilder(kMetrics).key(),
                                    [&](absl::string_view, absl::string_view value) {
                                      v1::CustomerMetrics m;
                                      if (!m.ParseFromArray(value.data(),
                                                            static_cast<int>(value.size()))) {
                                        bad = true;
                                        return false;
                                      }
                                      if (m.period() < from || m.period() > to) return true;
                                      return visit(m);
                                    }));
  if (bad) return absl::DataLossError("a stored metrics record does not parse");
  return absl::OkStatus();
}

absl::Status ProcessRepository::VisitCustomerMetrics(
    absl::string_view customer_id,
    const std::function<void(const v1::CustomerMetrics&)>& visit) const {
  return VisitRecords<v1::CustomerMetrics>(
      store_, store::KeyBuilder(kMetrics).String(customer_id).key(), "metrics", visit);
}

void ProcessRepository::PutMetrics(store::Batch& batch, const v1::CustomerMetrics& metrics) const {
  batch.Put(store::Family::kState, MetricsKey(metrics.customer_id(), metrics.period()),
            metrics.SerializeAsString());
}

absl::StatusOr<std::optional<v1::TargetRecord>> ProcessRepository::Target(
    absl::string_view product_id, int year, int64_t version) const {
  const std::string key =
      version > 0 ? TargetVersionKey(product_id, year, version) : TargetKey(product_id, year);
  return ReadRecord<v1::TargetRecord>(store_, key, nullptr, "target");
}

absl::StatusOr<std::vector<v1::TargetRecord>> ProcessRepository::TargetsOfYear(int year) const {
  ASSIGN_OR_RETURN(std::vector<v1::TargetRecord> all,
                   ScanRecords<v1::TargetRecord>(store_, store::KeyBuilder(kTarget).key(), "target"));
  std::vector<v1::TargetRecord> out;
  for (v1::TargetRecord& t : all) {
    if (t.year() == year) out.push_back(std::move(t));
  }
  return out;
}

void ProcessRepository::PutTarget(store::Batch& batch, const v1::TargetRecord& target) const {
  const std::string bytes = target.SerializeAsString();
  batch.Put(store::Family::kState, TargetKey(target.product_id(), target.year()), bytes);
  batch.Put(store::Family::kState,
            TargetVersionKey(target.product_id(), target.year(), target.version()), bytes);
}

}  // namespace pharmacrm::sales_pipeline
