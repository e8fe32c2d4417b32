// librdkafka plumbing shared by the bus's .cc files.
#ifndef PHARMACRM_BUS_SRC_INTERNAL_H_
#define PHARMACRM_BUS_SRC_INTERNAL_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "pharmacrm/core/status.h"
#include "librdkafka/rdkafkacpp.h"
#include "pharmacrm/bus/kafka.h"

namespace pharmacrm::bus::internal {

// A global Conf with bootstrap, client id, `defaults` and then options.extra.
absl::StatusOr<std::unique_ptr<RdKafka::Conf>> MakeConf(
    const KafkaOptions& options, const std::map<std::string, std::string>& defaults);

absl::Status Set(RdKafka::Conf* conf, const std::string& name, const std::string& value);

// Idempotent, acks=all producer defaults. message.timeout.ms=0: librdkafka
// retries without a deadline while the broker is away; the outbox holds the
// records durably meanwhile.
std::map<std::string, std::string> ProducerDefaults();

}  // namespace pharmacrm::bus::internal

#endif  // PHARMACRM_BUS_SRC_INTERNAL_H_
