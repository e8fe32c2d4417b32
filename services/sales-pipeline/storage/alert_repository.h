// Every key and every read and write of change factors' records
// (storage/keys.h 40-44): alerts with their indexes by owner, by customer
// and, while open or acknowledged, by due time; and each hospital's people
// in charge as its last profile consumed named them. Writes go into the
// caller's batch. Thread-safe (the store is); callers serialise changes.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_ALERT_REPOSITORY_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_ALERT_REPOSITORY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pharmacrm/store/store.h"
#include "pharmacrm/v1/change_alerts.pb.h"
#include "pharmacrm/v1/sales_pipeline_storage.pb.h"

namespace pharmacrm::sales_pipeline {

class AlertRepository {
 public:
  explicit AlertRepository(store::Store& store) : store_(store) {}

  // The alert, a change already in `pending` winning over the store.
  absl::StatusOr<std::optional<v1::Alert>> Alert(absl::string_view alert_id,
                                                 const store::Batch* pending = nullptr) const;
  // Every alert of an owner ("": the unassigned), of a customer, or at
  // all; in the order of their ids.
  absl::StatusOr<std::vector<v1::Alert>> AlertsOfOwner(absl::string_view owner) const;
  absl::StatusOr<std::vector<v1::Alert>> AlertsOfCustomer(absl::string_view customer_id) const;
  absl::StatusOr<std::vector<v1::Alert>> Alerts() const;
  // Ids of the open and acknowledged alerts whose due_by is before `now`,
  // the longest overdue first, at most `limit`.
  absl::StatusOr<std::vector<std::string>> OverdueIds(absl::Time now, size_t limit) const;
  // The alert (new, or moved: its owner, customer and due time never
  // change) with its index entries; its due entry only while it is open or
  // acknowledged.
  void PutAlert(store::Batch& batch, const v1::Alert& alert) const;

  absl::StatusOr<std::optional<v1::PeopleSnapshot>> PeopleSnapshot(
      absl::string_view customer_id, const store::Batch* pending = nullptr) const;
  void PutPeopleSnapshot(store::Batch& batch, const v1::PeopleSnapshot& snapshot) const;

 private:
  // The alerts whose ids end the keys under `prefix` (an index).
  absl::StatusOr<std::vector<v1::Alert>> Indexed(const std::string& prefix) const;

  store::Store& store_;
};

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_ALERT_REPOSITORY_H_
