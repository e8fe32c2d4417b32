// Every key and every read and write of the channel's control records
// (storage/keys.h 13-19): stock reports, findings and their index by
// distributor, the stock positions and reconciliations of the last checks
// run, sales facts, and the checks' own state. Writes go into the caller's
// batch. Thread-safe (the store is); callers serialise changes.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_CONTROL_REPOSITORY_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_CONTROL_REPOSITORY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pharmacrm/store/store.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "pharmacrm/v1/channel.pb.h"
#include "pharmacrm/v1/sales_pipeline_storage.pb.h"

namespace pharmacrm::sales_pipeline {

class ControlRepository {
 public:
  explicit ControlRepository(store::Store& store) : store_(store) {}

  absl::StatusOr<std::optional<v1::StockReport>> StockReport(absl::string_view distributor_id,
                                                             absl::string_view as_of) const;
  // Every stock report, by distributor and date.
  absl::StatusOr<std::vector<v1::StockReport>> StockReports() const;
  void PutStockReport(store::Batch& batch, const v1::StockReport& report) const;

  absl::StatusOr<std::optional<v1::Finding>> Finding(absl::string_view finding_id) const;
  // Every finding, in id order.
  absl::StatusOr<std::vector<v1::Finding>> Findings() const;
  // The findings of one responsible distributor, in id order.
  absl::StatusOr<std::vector<v1::Finding>> DistributorFindings(
      absl::string_view distributor_id) const;
  // Writes the finding and its index entry.
  void PutFinding(store::Batch& batch, const v1::Finding& finding) const;

  // The positions of one distributor's month, by product and batch.
  absl::StatusOr<std::vector<v1::StockPosition>> Positions(absl::string_view distributor_id,
                                                           absl::string_view month) const;
  // One distributor's reconciliations, by product and month.
  absl::StatusOr<std::vector<v1::Reconciliation>> Reconciliations(
      absl::string_view distributor_id) const;
  // Makes the stored positions and reconciliations exactly `positions` and
  // `reconciliations`: writes what is new or changed and deletes what is
  // gone, into `batch`. Returns the number of records written or deleted.
  absl::StatusOr<int64_t> ReplaceChecked(store::Batch& batch,
                                         const std::vector<v1::StockPosition>& positions,
                                         const std::vector<v1::Reconciliation>& reconciliations) const;

  // A customer's facts with month in [from_month, to_month] (YYYY-MM), by
  // month, product, distributor and source.
  absl::StatusOr<std::vector<v1::SalesFact>> CustomerFacts(absl::string_view customer_id,
                                                           absl::string_view from_month,
                                                           absl::string_view to_month) const;
  // Makes `facts` the facts of a distributor's flow period: deletes those
  // of its previous load, writes these, and keeps their list.
  absl::Status ReplacePeriodFacts(store::Batch& batch, absl::string_view distributor_id,
                                  absl::string_view month,
                                  const google::protobuf::RepeatedPtrField<v1::SalesFact>& facts)
      const;
  // Adds each fact's quantity and amount to the stored fact of its key
  // (reading what `batch` already holds): sell-in, shipment by shipment.
  absl::Status AddFacts(store::Batch& batch, const std::vector<v1::SalesFact>& facts) const;

  // The last run (checked, checked_at, last) with the requested count
  // (ChecksRequested); all zero when never written.
  absl::StatusOr<v1::ChannelChecksState> ChecksState() const;
  // Writes the run's fields (not requested).
  void PutChecksState(store::Batch& batch, const v1::ChannelChecksState& state) const;
  // Adds one to the requested count, reading what `batch` already holds.
  absl::Status RequestChecks(store::Batch& batch) const;

 private:
  // What `key` holds once `batch` is written.
  absl::StatusOr<std::optional<std::string>> Read(const store::Batch& batch,
                                                  const std::string& key) const;

  store::Store& store_;
};

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_CONTROL_REPOSITORY_H_
