// Every key and every read and write of the sales process's records
// (storage/keys.h 22-29): people and their versions, the territory tree and
// the alignments and metrics projected from customer-master's events, and
// targets with every version. Writes go into the caller's batch.
// Thread-safe (the store is); callers serialise changes.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_PROCESS_REPOSITORY_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_PROCESS_REPOSITORY_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pharmacrm/store/store.h"
#include "pharmacrm/v1/customer_metrics.pb.h"
#include "pharmacrm/v1/sales_pipeline_storage.pb.h"
#include "pharmacrm/v1/sales_process.pb.h"
#include "pharmacrm/v1/territories.pb.h"

namespace pharmacrm::sales_pipeline {

class ProcessRepository {
 public:
  explicit ProcessRepository(store::Store& store) : store_(store) {}

  absl::StatusOr<std::optional<v1::Rep>> Rep(absl::string_view rep_id,
                                             const store::Batch* pending = nullptr) const;
  // Every version of a person, oldest first.
  absl::StatusOr<std::vector<v1::Rep>> RepVersions(absl::string_view rep_id) const;
  // Every person's current version, by id.
  absl::StatusOr<std::vector<v1::Rep>> Reps() const;
  // The current version and its copy among the versions.
  void PutRep(store::Batch& batch, const v1::Rep& rep) const;

  absl::StatusOr<std::optional<v1::Territory>> Territory(
      absl::string_view territory_id, const store::Batch* pending = nullptr) const;
  absl::StatusOr<std::vector<v1::Territory>> Territories() const;
  void PutTerritory(store::Batch& batch, const v1::Territory& territory) const;

  // A customer's (or a rep's) alignment history; nullopt when never aligned.
  absl::StatusOr<std::optional<v1::AlignmentHistory>> CustomerAlignment(
      absl::string_view customer_id, const store::Batch* pending = nullptr) const;
  absl::StatusOr<std::optional<v1::AlignmentHistory>> RepAlignment(
      absl::string_view rep_id, const store::Batch* pending = nullptr) const;
  // Every customer's history, keyed by customer id in the answer's order.
  absl::StatusOr<std::vector<v1::AlignmentHistory>> CustomerAlignments() const;
  void PutCustomerAlignment(store::Batch& batch, absl::string_view customer_id,
                            const v1::AlignmentHistory& history) const;
  void PutRepAlignment(store::Batch& batch, absl::string_view rep_id,
                       const v1::AlignmentHistory& history) const;

  absl::StatusOr<std::optional<v1::CustomerMetrics>> Metrics(
      absl::string_view customer_id, absl::string_view period,
      const store::Batch* pending = nullptr) const;
  // Every customer's metrics with period in [from, to] ("YYYY-MM"), by
  // customer and period; `visit` returns false to stop.
  absl::Status ScanMetrics(absl::string_view from, absl::string_view to,
                           const std::function<bool(const v1::CustomerMetrics&)>& visit) const;
  // One customer's metrics, by period, each handed to `visit` (the message
  // is reused: copy what is kept).
  absl::Status VisitCustomerMetrics(
      absl::string_view customer_id,
      const std::function<void(const v1::CustomerMetrics&)>& visit) const;
  void PutMetrics(store::Batch& batch, const v1::CustomerMetrics& metrics) const;

  // The latest version of a product's target for a year, or the one asked
  // for (version > 0).
  absl::StatusOr<std::optional<v1::TargetRecord>> Target(absl::string_view product_id, int year,
                                                         int64_t version = 0) const;
  // Every latest target of a year, by product.
  absl::StatusOr<std::vector<v1::TargetRecord>> TargetsOfYear(int year) const;
  // As the latest version and among the versions.
  void PutTarget(store::Batch& batch, const v1::TargetRecord& target) const;

 private:
  store::Store& store_;
};

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_PROCESS_REPOSITORY_H_
