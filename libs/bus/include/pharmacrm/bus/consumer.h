// A consumer that applies events to a read model exactly once.
//
// For each record: the value must parse as a pharmacrm.v1.EventEnvelope with
// an event id; an event whose id is already applied is skipped; otherwise the
// apply function adds its read-model changes to a Batch, and the consumer adds
// the record's offset and the event id to the same Batch before committing
// it. On partition assignment each partition resumes right after the offset
// stored in RocksDB, whatever the group's committed offsets say (those are
// committed too, from stored offsets only, so lag shows in Kafka tooling).
//
// Errors from the apply function:
//   INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE, NOT_FOUND  -> poison:
//     the record goes to pharmacrm.dlq.v1 with the reason, then is marked
//     consumed, and the consumer keeps going;
//   anything else -> transient: retried with backoff, nothing is skipped.
//
// A fatal librdkafka error (for example a static member fenced after a long
// broker outage) ends the process with exit code 70 after logging it: the
// state is safe in RocksDB and a supervisor's restart resumes cleanly, while
// a consumer that silently stopped would not.
//
// Thread-safe; Start once, Stop once. The apply function runs on the
// consumer's thread.
#ifndef PHARMACRM_BUS_CONSUMER_H_
#define PHARMACRM_BUS_CONSUMER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "pharmacrm/bus/kafka.h"
#include "pharmacrm/store/store.h"
#include "pharmacrm/v1/events.pb.h"

namespace pharmacrm::bus {

using ApplyFn = std::function<absl::Status(const v1::EventEnvelope& event, store::Batch& batch)>;

struct ConsumerOptions {
  KafkaOptions kafka;
  std::string group_id;
  std::vector<std::string> topics;
  std::string dlq_topic = std::string(kDlqTopic);
  // Static group membership (group.instance.id) if set: a restarted replica
  // takes its partitions back without a rebalance. (Initialised, so that
  // an aggregate initialiser may leave it out under -Wextra.)
  std::string group_instance_id = {};
  int session_timeout_ms = 10000;
};

struct ConsumerStats {
  int64_t applied = 0;
  int64_t duplicates = 0;
  int64_t dead_lettered = 0;
};

class EventConsumer {
 public:
  EventConsumer(store::Store* store, ConsumerOptions options, ApplyFn apply);
  ~EventConsumer();

  absl::Status Start();
  // Finishes the records in hand, commits stored offsets and closes the consumer (a
  // static member keeps its partitions for the session timeout). Returns within about
  // 5 s even if Kafka does not answer: the applied offsets are in RocksDB anyway.
  void Stop();
  ConsumerStats stats() const;
  // True once the first partition assignment has been received.
  bool assigned() const;

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Whether an apply error means the event can never be applied.
bool IsPoison(const absl::Status& status);

}  // namespace pharmacrm::bus

#endif  // PHARMACRM_BUS_CONSUMER_H_
