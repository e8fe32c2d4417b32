#include "storage/alert_repository.h"

#include <utility>

#include "pharmacrm/core/status.h"
#include "pharmacrm/store/key.h"
#include "storage/keys.h"
#include "storage/records.h"

namespace pharmacrm::sales_pipeline {
namespace {

std::string AlertKey(absl::string_view alert_id) {
  return store::KeyBuilder(kAlert).String(alert_id).key();
}

int64_t DueMicros(const v1::Alert& alert) {
  return alert.due_by().seconds() * 1'000'000 + alert.due_by().nanos() / 1'000;
}

std::string DueKey(const v1::Alert& alert) {
  return store::KeyBuilder(kAlertDue).Int64(DueMicros(alert)).String(alert.id()).key();
}

std::string SnapshotKey(absl::string_view customer_id) {
  return store::KeyBuilder(kPeopleSnapshot).String(customer_id).key();
}

}  // namespace

absl::StatusOr<std::optional<v1::Alert>> AlertRepository::Alert(absl::string_view alert_id,
                                                                const store::Batch* pending) const {
  return ReadRecord<v1::Alert>(store_, AlertKey(alert_id), pending, "alert");
}

absl::StatusOr<std::vector<v1::Alert>> AlertRepository::Indexed(const std::string& prefix) const {
  std::vector<std::string> keys;
  bool bad = false;
  RETURN_IF_ERROR(store_.ScanPrefix(store::Family::kState, prefix,
                                    [&](absl::string_view key, absl::string_view) {
                                      store::KeyReader reader(key.substr(prefix.size()));
                                      absl::StatusOr<std::string> id = reader.String();
                                      if (!id.ok()) {
                                        bad = true;
                                        return false;
                                      }
                                      keys.push_back(AlertKey(*id));
                                      return true;
                                    }));
  if (bad) return absl::DataLossError("a stored alert index key does not parse");
  ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> values,
                   store_.MultiGet(store::Family::kState, keys));
  std::vector<v1::Alert> out;
  out.reserve(values.size());
  for (std::optional<std::string>& value : values) {
    if (!value) continue;  // Not possible: an alert and its index entries are written together.
    v1::Alert alert;
    if (!alert.ParseFromString(*value)) return absl::DataLossError("a stored alert does not parse");
    out.push_back(std::move(alert));
  }
  return out;
}

absl::StatusOr<std::vector<v1::Alert>> AlertRepository::AlertsOfOwner(
    absl::string_view owner) const {
  return Indexed(store::KeyBuilder(kOwnerAlert).String(owner).key());
}

absl::StatusOr<std::vector<v1::Alert>> AlertRepository::AlertsOfCustomer(
    absl::string_view customer_id) const {
  return Indexed(store::KeyBuilder(kCustomerAlert).String(customer_id).key());
}

absl::StatusOr<std::vector<v1::Alert>> AlertRepository::Alerts() const {
  return ScanRecords<v1::Alert>(store_, store::KeyBuilder(kAlert).key(), "alert");
}

absl::StatusOr<std::vector<std::string>> AlertRepository::OverdueIds(absl::Time now,
                                                                     size_t limit) const {
  const std::string prefix = store::KeyBuilder(kAlertDue).key();
  const int64_t now_micros = absl::ToUnixMicros(now);
  std::vector<std::string> ids;
  bool bad = false;
  RETURN_IF_ERROR(store_.ScanPrefix(store::Family::kState, prefix,
                                    [&](absl::string_view key, absl::string_view) {
                                      store::KeyReader reader(key);
                                      absl::StatusOr<uint8_t> space = reader.KeySpace();
                                      absl::StatusOr<int64_t> due = reader.Int64();
                                      absl::StatusOr<std::string> id = reader.String();
                                      if (!space.ok() || !due.ok() || !id.ok()) {
                                        bad = true;
                                        return false;
                                      }
                                      if (*due >= now_micros || ids.size() == limit) return false;
                                      ids.push_back(*std::move(id));
                                      return true;
                                    }));
  if (bad) return absl::DataLossError("a stored alert due key does not parse");
  return ids;
}

void AlertRepository::PutAlert(store::Batch& batch, const v1::Alert& alert) const {
  batch.Put(store::Family::kState, AlertKey(alert.id()), alert.SerializeAsString());
  batch.Put(store::Family::kState,
            store::KeyBuilder(kOwnerAlert).String(alert.owner()).String(alert.id()).key(), "");
  batch.Put(store::Family::kState,
            store::KeyBuilder(kCustomerAlert).String(alert.customer_id()).String(alert.id()).key(),
            "");
  if (alert.state() == v1::ALERT_STATE_OPEN || alert.state() == v1::ALERT_STATE_ACKNOWLEDGED) {
    batch.Put(store::Family::kState, DueKey(alert), "");
  } else {
    batch.Delete(store::Family::kState, DueKey(alert));
  }
}

absl::StatusOr<std::optional<v1::PeopleSnapshot>> AlertRepository::PeopleSnapshot(
    absl::string_view customer_id, const store::Batch* pending) const {
  return ReadRecord<v1::PeopleSnapshot>(store_, SnapshotKey(customer_id), pending, "people snapshot");
}

void AlertRepository::PutPeopleSnapshot(store::Batch& batch,
                                        const v1::PeopleSnapshot& snapshot) const {
  batch.Put(store::Family::kState, SnapshotKey(snapshot.customer_id()),
            snapshot.SerializeAsString());
}

}  // namespace pharmacrm::sales_pipeline
