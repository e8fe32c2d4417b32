// The outbox relay: publishes a Store's outbox to Kafka and deletes each
// entry only after its delivery report says the broker has it (acks=all,
// idempotent producer, so per-partition order is kept and retries do not
// duplicate within a producer session).
//
// At start it loads every entry still stored (left by a crash or an earlier
// run); afterwards it takes entries straight from Store::Write. An entry the
// broker refuses permanently stays in the outbox, is counted in
// pharmacrm_outbox_delivery_failures_total and is retried at the next start.
//
// An entry stored without its value (one with an envelope_without_payload, see
// bus::MakeRebuildableOutboxRecord) has it rebuilt at start by the service's
// OutboxRebuilder. One that cannot be rebuilt (no rebuilder, or it fails)
// is logged, counted as a delivery failure and stays in the outbox; the
// others are published.
//
// Thread-safe; Start once, Stop once.
#ifndef PHARMACRM_BUS_RELAY_H_
#define PHARMACRM_BUS_RELAY_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pharmacrm/bus/kafka.h"
#include "pharmacrm/store/store.h"

namespace pharmacrm::bus {

// The value of an outbox record stored without it, rebuilt from its
// envelope_without_payload and the service's state.
using OutboxRebuilder = std::function<absl::StatusOr<std::string>(const v1::OutboxRecord&)>;

class OutboxRelay {
 public:
  OutboxRelay(store::Store* store, KafkaOptions options, OutboxRebuilder rebuilder = nullptr);
  ~OutboxRelay();

  absl::Status Start();
  // Waits up to `flush_timeout` in all; what Kafka did not confirm stays in the outbox.
  void Stop(absl::Duration flush_timeout);

  // Entries handed to the relay and not yet acknowledged by the broker.
  size_t InFlightForTest() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace pharmacrm::bus

#endif  // PHARMACRM_BUS_RELAY_H_
