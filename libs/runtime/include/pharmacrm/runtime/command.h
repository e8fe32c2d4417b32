// The write path shared by every command handler: once per request id, in
// one Batch with the state change and the outbox records.
#ifndef PHARMACRM_RUNTIME_COMMAND_H_
#define PHARMACRM_RUNTIME_COMMAND_H_

#include <array>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/message.h"
#include "pharmacrm/store/store.h"

namespace pharmacrm::runtime {

// The mutexes of several keys held at once (StripedLocks::ForAll): each
// stripe locked once, in stripe order, and all unlocked when this goes.
class HeldStripes {
 public:
  // The analysis cannot follow a run-time set of mutexes.
  explicit HeldStripes(std::vector<absl::Mutex*> held) ABSL_NO_THREAD_SAFETY_ANALYSIS;
  ~HeldStripes() ABSL_NO_THREAD_SAFETY_ANALYSIS;
  HeldStripes(const HeldStripes&) = delete;
  HeldStripes& operator=(const HeldStripes&) = delete;
  HeldStripes(HeldStripes&& other) noexcept : held_(std::move(other.held_)) { other.held_.clear(); }
  HeldStripes& operator=(HeldStripes&&) = delete;

 private:
  std::vector<absl::Mutex*> held_;
};

// A fixed set of mutexes picked by key hash: serialises work on one
// aggregate (or one request id) without a lock per key. Thread-safe.
class StripedLocks {
 public:
  absl::Mutex& For(absl::string_view key);

  // Locks the stripes of all `keys` for a command that changes several
  // aggregates at once. Keys sharing a stripe lock it once, and stripes are
  // taken in index order, so callers of ForAll never wait on each other in
  // a cycle; a caller holding one stripe from For must not call ForAll.
  HeldStripes ForAll(const std::vector<std::string>& keys);

 private:
  std::array<absl::Mutex, 512> locks_;
};

inline constexpr size_t kMaxRequestIdLength = 128;

// Checks request_id's presence and length (field named `request_id`).
absl::Status ValidateRequestId(absl::string_view request_id);

// Runs `decide` at most once per request id:
//   - a request id seen before with the same request returns the stored
//     response (no new effect);
//   - seen before with a different request: FAILED_PRECONDITION on
//     request_id;
//   - otherwise `decide` fills the batch and the response; the batch, plus
//     the idempotency record, is written atomically and durably.
// The caller holds the lock that serialises the aggregate (and request id).
absl::Status ExecuteOnce(
    store::Store& store, absl::string_view method, absl::string_view request_id,
    const google::protobuf::Message& request, google::protobuf::Message* response,
    const std::function<absl::Status(store::Batch&, google::protobuf::Message*)>& decide);

}  // namespace pharmacrm::runtime

#endif  // PHARMACRM_RUNTIME_COMMAND_H_
