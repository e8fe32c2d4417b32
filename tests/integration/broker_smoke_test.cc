// The real-broker test support: a broker starts, carries messages end to end
// with the same client settings the services use, and stops answering once
// killed.
#include <unistd.h>

#include <memory>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "librdkafka/rdkafkacpp.h"
#include "pharmacrm/bus/kafka.h"
#include "support/kafka_broker.h"
#include "support/subprocess.h"

namespace pharmacrm::itest {
namespace {

constexpr int kMessages = 100;

class DeliveryReports : public RdKafka::DeliveryReportCb {
 public:
  void dr_cb(RdKafka::Message& message) override {
    if (message.err() == RdKafka::ERR_NO_ERROR) {
      ++delivered_;
    } else {
      errors_.push_back(message.errstr());
    }
  }
  int delivered() const { return delivered_; }
  const std::vector<std::string>& errors() const { return errors_; }

 private:
  int delivered_ = 0;
  std::vector<std::string> errors_;
};

void Set(RdKafka::Conf* conf, const std::string& name, const std::string& value) {
  std::string err;
  ASSERT_EQ(conf->set(name, value, err), RdKafka::Conf::CONF_OK) << name << ": " << err;
}

// A unique tag, so the test only counts its own messages in the shared topic.
std::string RunTag(absl::string_view what) {
  return absl::StrCat(what, "-", ::getpid(), "-", absl::ToUnixNanos(absl::Now()));
}

TEST(BrokerSmokeTest, ProducedMessagesAreConsumedBack) {
  KafkaBroker* broker = SharedBroker();
  ASSERT_NE(broker, nullptr);
  const std::string topic(bus::kCustomerTopic);
  const std::string run = RunTag("smoke");

  // Produce: idempotent, acks=all, as the services' relay does.
  DeliveryReports reports;
  std::unique_ptr<RdKafka::Conf> pconf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  Set(pconf.get(), "bootstrap.servers", broker->bootstrap());
  Set(pconf.get(), "client.id", "broker-smoke-producer");
  Set(pconf.get(), "enable.idempotence", "true");
  Set(pconf.get(), "acks", "all");
  Set(pconf.get(), "linger.ms", "5");
  std::string err;
  ASSERT_EQ(pconf->set("dr_cb", &reports, err), RdKafka::Conf::CONF_OK) << err;
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(pconf.get(), err));
  ASSERT_NE(producer, nullptr) << err;

  for (int i = 0; i < kMessages; ++i) {
    const std::string key = absl::StrCat(run, "/", i);
    const std::string value = absl::StrCat("payload ", i);
    RdKafka::ErrorCode code;
    while ((code = producer->produce(
                topic, RdKafka::Topic::PARTITION_UA, RdKafka::Producer::RK_MSG_COPY,
                const_cast<char*>(value.data()), value.size(), key.data(), key.size(),
                /*timestamp=*/0, /*msg_opaque=*/nullptr)) == RdKafka::ERR__QUEUE_FULL) {
      producer->poll(100);
    }
    ASSERT_EQ(code, RdKafka::ERR_NO_ERROR) << RdKafka::err2str(code);
    producer->poll(0);
  }
  ASSERT_EQ(producer->flush(30000), RdKafka::ERR_NO_ERROR);
  EXPECT_EQ(producer->outq_len(), 0);
  EXPECT_EQ(reports.delivered(), kMessages);
  EXPECT_TRUE(reports.errors().empty()) << reports.errors().front();

  // Consume from the start with a fresh group.
  std::unique_ptr<RdKafka::Conf> cconf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  Set(cconf.get(), "bootstrap.servers", broker->bootstrap());
  Set(cconf.get(), "client.id", "broker-smoke-consumer");
  Set(cconf.get(), "group.id", run);
  Set(cconf.get(), "auto.offset.reset", "earliest");
  std::unique_ptr<RdKafka::KafkaConsumer> consumer(
      RdKafka::KafkaConsumer::create(cconf.get(), err));
  ASSERT_NE(consumer, nullptr) << err;
  ASSERT_EQ(consumer->subscribe({topic}), RdKafka::ERR_NO_ERROR);

  std::set<int> seen;
  std::set<int32_t> partitions;
  int duplicates = 0;
  const absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (static_cast<int>(seen.size()) < kMessages && absl::Now() < deadline) {
    std::unique_ptr<RdKafka::Message> message(consumer->consume(500));
    if (message->err() == RdKafka::ERR__TIMED_OUT) continue;
    ASSERT_EQ(message->err(), RdKafka::ERR_NO_ERROR) << message->errstr();
    if (message->key() == nullptr) continue;
    absl::string_view key = *message->key();
    if (!absl::ConsumePrefix(&key, run + "/")) continue;  // Another test's message.
    int i = -1;
    ASSERT_TRUE(absl::SimpleAtoi(key, &i)) << *message->key();
    EXPECT_EQ(absl::string_view(static_cast<const char*>(message->payload()), message->len()),
              absl::StrCat("payload ", i));
    if (!seen.insert(i).second) ++duplicates;
    partitions.insert(message->partition());
  }
  consumer->close();

  EXPECT_EQ(static_cast<int>(seen.size()), kMessages);
  EXPECT_EQ(duplicates, 0);
  // Keys spread over the topic's partitions (Start created them with 3).
  EXPECT_GT(partitions.size(), 1u);
}

TEST(BrokerSmokeTest, KilledBrokerStopsAnswering) {
  // A broker of its own: the shared one must stay up for other tests.
  absl::StatusOr<std::unique_ptr<KafkaBroker>> started = KafkaBroker::Start();
  ASSERT_TRUE(started.ok()) << started.status();
  KafkaBroker& broker = **started;
  const bus::KafkaOptions options = broker.Options("broker-smoke-admin");
  std::vector<std::string> topics = bus::AllTopics();
  topics.push_back("pharmacrm.itest.after-kill");

  const absl::Status up =
      bus::EnsureTopics(options, topics, KafkaBroker::kPartitions, 1, absl::Seconds(5));
  ASSERT_TRUE(up.ok()) << "the broker should answer while it runs: " << up;

  const pid_t pid = broker.pid();
  broker.Kill();
  EXPECT_EQ(broker.pid(), 0);
  EXPECT_NE(::kill(pid, 0), 0) << "process " << pid << " still exists";
  EXPECT_FALSE(PortOpen(broker.port()));

  const absl::Duration timeout = absl::Seconds(2);
  const absl::Time start = absl::Now();
  const absl::Status status =
      bus::EnsureTopics(options, topics, KafkaBroker::kPartitions, 1, timeout);
  const absl::Duration elapsed = absl::Now() - start;
  EXPECT_FALSE(status.ok());
  EXPECT_EQ(status.code(), absl::StatusCode::kUnavailable) << status;
  // EnsureTopics gives the admin request `timeout` and waits at most 2 s more
  // for its result.
  EXPECT_LT(elapsed, timeout + absl::Seconds(3)) << status;
}

}  // namespace
}  // namespace pharmacrm::itest
