#include "pharmacrm/bus/kafka.h"

#include "absl/strings/str_cat.h"
#include "librdkafka/rdkafka.h"
#include "pharmacrm/core/status.h"
#include "src/internal.h"

namespace pharmacrm::bus {

std::vector<std::string> AllTopics() {
  return {std::string(kCustomerTopic), std::string(kSalesTopic),   std::string(kCampaignTopic),
          std::string(kServiceTopic),  std::string(kScoringTopic), std::string(kDlqTopic)};
}

namespace internal {

absl::Status Set(RdKafka::Conf* conf, const std::string& name, const std::string& value) {
  std::string err;
  if (conf->set(name, value, err) != RdKafka::Conf::CONF_OK) {
    return absl::InvalidArgumentError(absl::StrCat("kafka property ", name, "=", value, ": ", err));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::unique_ptr<RdKafka::Conf>> MakeConf(
    const KafkaOptions& options, const std::map<std::string, std::string>& defaults) {
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  RETURN_IF_ERROR(Set(conf.get(), "bootstrap.servers", options.bootstrap));
  RETURN_IF_ERROR(Set(conf.get(), "client.id", options.client_id));
  for (const auto& [k, v] : defaults) RETURN_IF_ERROR(Set(conf.get(), k, v));
  for (const auto& [k, v] : options.extra) RETURN_IF_ERROR(Set(conf.get(), k, v));
  return conf;
}

std::map<std::string, std::string> ProducerDefaults() {
  return {{"enable.idempotence", "true"},
          {"acks", "all"},
          // Larger produce requests: far less broker CPU per event. Commands
          // are acknowledged at the RocksDB commit, so this adds to event lag
          // only, not to command latency.
          {"linger.ms", "20"},
          {"message.timeout.ms", "0"},
          {"compression.type", "lz4"}};
}

}  // namespace internal

absl::Status EnsureTopics(const KafkaOptions& options, const std::vector<std::string>& topics,
                          int partitions, int replication_factor, absl::Duration timeout) {
  if (partitions < 1) return absl::InvalidArgumentError("partitions: must be at least 1");
  char err[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  auto set = [&](const char* k, const std::string& v) -> absl::Status {
    if (rd_kafka_conf_set(conf, k, v.c_str(), err, sizeof(err)) != RD_KAFKA_CONF_OK) {
      return absl::InvalidArgumentError(absl::StrCat("kafka property ", k, ": ", err));
    }
    return absl::OkStatus();
  };
  absl::Status st = set("bootstrap.servers", options.bootstrap);
  for (const auto& [k, v] : options.extra) {
    if (st.ok()) st = set(k.c_str(), v);
  }
  if (!st.ok()) {
    rd_kafka_conf_destroy(conf);
    return st;
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
  if (rk == nullptr) return absl::InternalError(absl::StrCat("kafka client: ", err));

  std::vector<rd_kafka_NewTopic_t*> new_topics;
  for (const auto& t : topics) {
    rd_kafka_NewTopic_t* nt =
        rd_kafka_NewTopic_new(t.c_str(), partitions, replication_factor, err, sizeof(err));
    if (nt == nullptr) {
      for (auto* x : new_topics) rd_kafka_NewTopic_destroy(x);
      rd_kafka_destroy(rk);
      return absl::InvalidArgumentError(absl::StrCat("topic ", t, ": ", err));
    }
    new_topics.push_back(nt);
  }
  rd_kafka_queue_t* queue = rd_kafka_queue_new(rk);
  rd_kafka_AdminOptions_t* admin = rd_kafka_AdminOptions_new(rk, RD_KAFKA_ADMIN_OP_CREATETOPICS);
  rd_kafka_AdminOptions_set_request_timeout(admin, static_cast<int>(absl::ToInt64Milliseconds(timeout)),
                                            err, sizeof(err));
  rd_kafka_CreateTopics(rk, new_topics.data(), new_topics.size(), admin, queue);
  rd_kafka_event_t* ev =
      rd_kafka_queue_poll(queue, static_cast<int>(absl::ToInt64Milliseconds(timeout)) + 2000);
  absl::Status result = absl::OkStatus();
  if (ev == nullptr) {
    result = absl::UnavailableError(
        absl::StrCat("kafka at ", options.bootstrap, " did not answer CreateTopics in time"));
  } else if (rd_kafka_event_error(ev) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    result = absl::UnavailableError(absl::StrCat("kafka at ", options.bootstrap,
                                                 ": CreateTopics: ", rd_kafka_event_error_string(ev)));
  } else {
    const rd_kafka_CreateTopics_result_t* res = rd_kafka_event_CreateTopics_result(ev);
    size_t n = 0;
    const rd_kafka_topic_result_t** results = rd_kafka_CreateTopics_result_topics(res, &n);
    for (size_t i = 0; i < n; ++i) {
      rd_kafka_resp_err_t e = rd_kafka_topic_result_error(results[i]);
      if (e != RD_KAFKA_RESP_ERR_NO_ERROR && e != RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS) {
        result = absl::UnavailableError(absl::StrCat("topic ", rd_kafka_topic_result_name(results[i]),
                                                     ": ", rd_kafka_err2str(e)));
      }
    }
  }
  if (ev) rd_kafka_event_destroy(ev);
  rd_kafka_AdminOptions_destroy(admin);
  rd_kafka_queue_destroy(queue);
  for (auto* x : new_topics) rd_kafka_NewTopic_destroy(x);
  rd_kafka_destroy(rk);
  return result;
}

}  // namespace pharmacrm::bus
