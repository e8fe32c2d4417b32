// Every key and every read and write of the field force's records
// (storage/keys.h 30-33): call reports by rep and month, their indexes by
// customer (and attendee) and by the manager of a joint call, and each
// rep's sample stock by product and batch. Writes go into the caller's
// batch. Thread-safe (the store is); callers serialise changes of a rep.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_FIELD_FORCE_REPOSITORY_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_FIELD_FORCE_REPOSITORY_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/process/call_reports.h"
#include "pharmacrm/store/store.h"
#include "pharmacrm/v1/field_force.pb.h"

namespace pharmacrm::sales_pipeline {

class FieldForceRepository {
 public:
  explicit FieldForceRepository(store::Store& store) : store_(store) {}

  // A rep's reports of a month ("YYYY-MM"), by call id.
  absl::StatusOr<std::vector<v1::CallReport>> RepCalls(absl::string_view rep_id,
                                                       absl::string_view month) const;
  // The same, each handed to `visit` (the message is reused: copy what is
  // kept).
  absl::Status VisitRepCalls(absl::string_view rep_id, absl::string_view month,
                             const std::function<void(const v1::CallReport&)>& visit) const;
  // The reports of a month naming the customer (called on, or present), and
  // those where the person was the manager of a joint call.
  absl::StatusOr<std::vector<v1::CallReport>> CustomerCalls(absl::string_view customer_id,
                                                            absl::string_view month) const;
  absl::StatusOr<std::vector<v1::CallReport>> JointCalls(absl::string_view manager_id,
                                                         absl::string_view month) const;
  // The report and its index entries; `month` is the call's in China.
  void PutCall(store::Batch& batch, const v1::CallReport& call, absl::string_view month) const;

  // A rep's stock, every line.
  absl::StatusOr<std::map<process::StockKey, v1::SampleStockLine>> Stock(
      absl::string_view rep_id) const;
  void PutStockLine(store::Batch& batch, absl::string_view rep_id,
                    const v1::SampleStockLine& line) const;

 private:
  // The reports an index (customer or joint) names for a month.
  absl::StatusOr<std::vector<v1::CallReport>> Indexed(uint8_t key_space, absl::string_view id,
                                                      absl::string_view month) const;

  store::Store& store_;
};

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_FIELD_FORCE_REPOSITORY_H_
