// Reading stored protobuf records: one in, one by key (through a pending
// batch), or all under a prefix. Shared by
// the repositories of storage/.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_RECORDS_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_RECORDS_H_

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/store/store.h"

namespace pharmacrm::sales_pipeline {

// The record in `bytes` (a store::Get answer); nullopt when absent,
// DATA_LOSS naming `what` when it does not parse.
template <typename T>
absl::StatusOr<std::optional<T>> ParseRecord(absl::StatusOr<std::optional<std::string>> bytes,
                                             absl::string_view what) {
  if (!bytes.ok()) return bytes.status();
  if (!bytes->has_value()) return std::nullopt;
  T record;
  if (!record.ParseFromString(**bytes)) {
    return absl::DataLossError(absl::StrCat("stored ", what, " does not parse"));
  }
  return record;
}

// The record under `key`, a change already in `pending` (when given)
// winning over the store.
template <typename T>
absl::StatusOr<std::optional<T>> ReadRecord(const store::Store& store, const std::string& key,
                                            const store::Batch* pending, absl::string_view what) {
  if (pending != nullptr) {
    std::optional<std::optional<std::string>> staged = pending->Pending(store::Family::kState, key);
    if (staged.has_value()) {
      return ParseRecord<T>(absl::StatusOr<std::optional<std::string>>(*std::move(staged)), what);
    }
  }
  return ParseRecord<T>(store.Get(store::Family::kState, key), what);
}

// Every record of `T` under `prefix` in the state family, in key order.
template <typename T>
absl::StatusOr<std::vector<T>> ScanRecords(const store::Store& store, const std::string& prefix,
                                           absl::string_view what) {
  std::vector<T> out;
  bool bad = false;
  RETURN_IF_ERROR(store.ScanPrefix(store::Family::kState, prefix,
                                   [&](absl::string_view, absl::string_view value) {
                                     T record;
                                     if (!record.ParseFromArray(value.data(), value.size())) {
                                       bad = true;
                                       return false;
                                     }
                                     out.push_back(std::move(record));
                                     return true;
                                   }));
  if (bad) return absl::DataLossError(absl::StrCat("a stored ", what, " does not parse"));
  return out;
}

// Calls `visit` with each record of `T` under `prefix`, in key order, parsed
// into one message reused from record to record (no allocation per record
// once its fields have grown): for scans that only read.
template <typename T, typename Visit>
absl::Status VisitRecords(const store::Store& store, const std::string& prefix,
                          absl::string_view what, Visit visit) {
  T record;
  bool bad = false;
  RETURN_IF_ERROR(store.ScanPrefix(store::Family::kState, prefix,
                                   [&](absl::string_view, absl::string_view value) {
                                     record.Clear();
                                     if (!record.ParseFromArray(value.data(), value.size())) {
                                       bad = true;
                                       return false;
                                     }
                                     visit(record);
                                     return true;
                                   }));
  if (bad) return absl::DataLossError(absl::StrCat("a stored ", what, " does not parse"));
  return absl::OkStatus();
}

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_RECORDS_H_
