// The write path shared by every command handler: once per request id, in
// one Batch with the state change and the outbox records.
#ifndef PHARMACRM_RUNTIME_COMMAND_H_
#define PHARMACRM_RUNTIME_COMMAND_H_

#include <array>
#include <functional>

#include "absl/status/status.h"
#include "absl/synchronization/mutex.h"
#include "google/protobuf/message.h"
#include "pharmacrm/store/store.h"

namespace pharmacrm::runtime {

// A fixed set of mutexes picked by key hash: serialises work on one
// aggregate (or one request id) without a lock per key. Thread-safe.
class StripedLocks {
 public:
  absl::Mutex& For(absl::string_view key);

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
