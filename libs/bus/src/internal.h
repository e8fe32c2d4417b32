// librdkafka plumbing shared by the bus's .cc files.
#ifndef PHARMACRM_BUS_SRC_INTERNAL_H_
#define PHARMACRM_BUS_SRC_INTERNAL_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "librdkafka/rdkafkacpp.h"
#include "pharmacrm/bus/kafka.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::bus::internal {

// A global Conf with bootstrap, client id, `defaults` and then options.extra.
absl::StatusOr<std::unique_ptr<RdKafka::Conf>> MakeConf(
    const KafkaOptions& options, const std::map<std::string, std::string>& defaults);

absl::Status Set(RdKafka::Conf* conf, const std::string& name, const std::string& value);

// Idempotent, acks=all producer defaults. message.timeout.ms=0: librdkafka
// retries without a deadline while the broker is away; the outbox holds the
// records durably meanwhile.
std::map<std::string, std::string> ProducerDefaults();

// Which acknowledged outbox entries the relay deletes now. Acknowledgements
// come per partition batch, so the entries acknowledged in one round
// interleave with those of other partitions still in flight: deleted then,
// they would be a tombstone each rather than one range tombstone per run
// (Store::DeleteOutbox). An entry outside a run of kOutboxDeleteRun
// therefore waits one round for its neighbours, and goes with the next
// round whatever they do. `held`: the entries that waited a round already,
// sorted. With `all` (at stop) nothing waits.
struct OutboxDeletes {
  std::vector<uint64_t> now;   // Sorted.
  std::vector<uint64_t> hold;  // Sorted: the next round's `held`.
};
OutboxDeletes PlanOutboxDeletes(std::vector<uint64_t> acked, const std::vector<uint64_t>& held,
                                bool all);

}  // namespace pharmacrm::bus::internal

#endif  // PHARMACRM_BUS_SRC_INTERNAL_H_
