// Kafka over librdkafka: topic names, client configuration, topic creation.
#ifndef PHARMACRM_BUS_KAFKA_H_
#define PHARMACRM_BUS_KAFKA_H_

#include <map>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace pharmacrm::bus {

inline constexpr absl::string_view kCustomerTopic = "pharmacrm.customer.events.v1";
inline constexpr absl::string_view kSalesTopic = "pharmacrm.sales.events.v1";
inline constexpr absl::string_view kCampaignTopic = "pharmacrm.campaign.events.v1";
inline constexpr absl::string_view kServiceTopic = "pharmacrm.service.events.v1";
inline constexpr absl::string_view kScoringTopic = "pharmacrm.scoring.events.v1";
inline constexpr absl::string_view kDlqTopic = "pharmacrm.dlq.v1";

// Every events topic of the suite; all get the same partition count so one
// customer's events share a partition number everywhere.
std::vector<std::string> AllTopics();

struct KafkaOptions {
  std::string bootstrap = "127.0.0.1:9092";
  std::string client_id = "pharmacrm";
  // Extra librdkafka properties, applied last (tests, tuning).
  std::map<std::string, std::string> extra;
};

// Creates the topics that do not exist yet. Existing ones are left alone.
// UNAVAILABLE if the cluster does not answer within `timeout`.
absl::Status EnsureTopics(const KafkaOptions& options, const std::vector<std::string>& topics,
                          int partitions, int replication_factor, absl::Duration timeout);

}  // namespace pharmacrm::bus

#endif  // PHARMACRM_BUS_KAFKA_H_
