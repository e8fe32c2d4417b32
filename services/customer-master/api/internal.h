// What the handler files of CustomerMasterService share; not part of its
// interface.
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_API_INTERNAL_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_API_INTERNAL_H_

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "pharmacrm/bus/envelope.h"
#include "pharmacrm/bus/kafka.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/runtime/command.h"
#include "pharmacrm/v1/events.pb.h"

namespace pharmacrm::customer_master::internal {

inline constexpr char kService[] = "customer-master";
// Most customers one worklist or duplicate-candidate lookup collects.
inline constexpr size_t kMaxCandidates = 5000;
// Matches a search counts in a long candidate list before it stops (once it
// also has its page): totals are exact up to about this many.
inline constexpr size_t kSearchCounted = 1000;
// Customers of one territory a search restricted to it considers.
inline constexpr size_t kMaxTerritoryMembers = 50000;

// Locks the stripes of several ids at once, each stripe once, in address
// order: two writes locking overlapping sets never deadlock.
class MultiLock {
 public:
  MultiLock(runtime::StripedLocks& locks, const std::vector<std::string>& ids) {
    for (const auto& id : ids) mutexes_.push_back(&locks.For(id));
    std::sort(mutexes_.begin(), mutexes_.end());
    mutexes_.erase(std::unique(mutexes_.begin(), mutexes_.end()), mutexes_.end());
    for (absl::Mutex* m : mutexes_) m->Lock();
  }
  ~MultiLock() {
    for (auto it = mutexes_.rbegin(); it != mutexes_.rend(); ++it) (*it)->Unlock();
  }
  MultiLock(const MultiLock&) = delete;
  MultiLock& operator=(const MultiLock&) = delete;

 private:
  std::vector<absl::Mutex*> mutexes_;
};

// `status` with its field (if any) under `prefix` ("metrics." + "period").
inline absl::Status WithFieldPrefix(const absl::Status& status, absl::string_view prefix) {
  std::optional<std::string> field = core::FieldOf(status);
  if (status.ok() || !field) return status;
  std::string message(status.message());
  if (absl::StartsWith(message, *field)) message = message.substr(field->size() + 2);
  return core::FieldStatus(status.code(), absl::StrCat(prefix, *field), message);
}

// The outbox record of the CustomerRegistered event of a customer already
// serialized, written without building the envelope message. The customer
// is stored in the same write, so the record is stored without its value
// (RebuildOutboxValue makes it again after a restart): an import writes
// each customer once, not twice.
inline v1::OutboxRecord RegisteredRecord(const bus::EventMeta& meta, absl::string_view customer) {
  std::string payload;
  bus::AppendLengthDelimited(v1::CustomerRegistered::kCustomerFieldNumber, customer, &payload);
  return bus::MakeRebuildableOutboxRecord(
      bus::kCustomerTopic, meta, v1::CustomerRegistered::descriptor()->full_name(), payload);
}

}  // namespace pharmacrm::customer_master::internal

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_API_INTERNAL_H_
