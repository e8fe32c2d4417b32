// The bus against librdkafka's built-in mock cluster: fast, and able to take
// brokers down and inject request errors. The real broker is exercised by the
// integration tests.
#include <atomic>
#include <filesystem>
#include <map>
#include <numeric>
#include <random>
#include <set>
#include <thread>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "librdkafka/rdkafka.h"
#include "librdkafka/rdkafka_mock.h"
#include "librdkafka/rdkafkacpp.h"
#include "pharmacrm/bus/consumer.h"
#include "pharmacrm/bus/envelope.h"
#include "pharmacrm/bus/kafka.h"
#include "pharmacrm/bus/relay.h"
#include "pharmacrm/core/ids.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "src/internal.h"

namespace pharmacrm::bus {
namespace {

constexpr char kTopic[] = "pharmacrm.customer.events.v1";
constexpr int16_t kProduceApiKey = 0;  // Kafka protocol ApiKey of Produce.

class MockCluster {
 public:
  MockCluster() {
    char err[256];
    rd_kafka_conf_t* conf = rd_kafka_conf_new();
    rk_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, err, sizeof(err));
    cluster_ = rd_kafka_mock_cluster_new(rk_, 3);
    bootstrap_ = rd_kafka_mock_cluster_bootstraps(cluster_);
    rd_kafka_mock_topic_create(cluster_, kTopic, 3, 1);
    rd_kafka_mock_topic_create(cluster_, "pharmacrm.dlq.v1", 1, 1);
  }
  ~MockCluster() {
    rd_kafka_mock_cluster_destroy(cluster_);
    rd_kafka_destroy(rk_);
  }
  rd_kafka_mock_cluster_t* get() { return cluster_; }
  KafkaOptions Options(std::string client) const {
    KafkaOptions o;
    o.bootstrap = bootstrap_;
    o.client_id = std::move(client);
    return o;
  }

 private:
  rd_kafka_t* rk_;
  rd_kafka_mock_cluster_t* cluster_;
  std::string bootstrap_;
};

class BusMockTest : public testing::Test {
 protected:
  void SetUp() override {
    root_ = std::filesystem::temp_directory_path() /
            ("pcrm-bus-" + std::to_string(std::random_device{}()));
  }
  void TearDown() override { std::filesystem::remove_all(root_); }

  std::unique_ptr<store::Store> OpenStore(const std::string& name) {
    auto s = store::Store::Open({(root_ / name).string(), false});
    EXPECT_TRUE(s.ok()) << s.status();
    return std::move(*s);
  }

  // Commits `n` events to `store`'s outbox, one per customer.
  std::vector<std::string> CommitEvents(store::Store* store, int n) {
    std::vector<std::string> ids;
    for (int i = 0; i < n; ++i) {
      EventMeta m;
      m.event_id = ids_.Next();
      m.source = "test";
      m.aggregate_kind = "customer";
      m.aggregate_id = "c" + std::to_string(i);
      m.occurred_at = m.recorded_at = absl::Now();
      v1::CustomerRegistered payload;
      payload.mutable_customer()->set_id(m.aggregate_id);
      store::Batch b;
      b.AppendOutbox(MakeOutboxRecord(kTopic, MakeEnvelope(m, payload)));
      EXPECT_TRUE(store->Write(std::move(b)).ok());
      ids.push_back(m.event_id);
    }
    return ids;
  }

  // A consumer of kTopic from its start, in consumer group `group`.
  std::unique_ptr<RdKafka::KafkaConsumer> TopicReader(const std::string& group) {
    std::string err;
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    conf->set("bootstrap.servers", cluster_.Options("").bootstrap, err);
    conf->set("group.id", group, err);
    conf->set("auto.offset.reset", "earliest", err);
    std::unique_ptr<RdKafka::KafkaConsumer> reader(RdKafka::KafkaConsumer::create(conf.get(), err));
    reader->subscribe({kTopic});
    return reader;
  }

  static bool WaitFor(const std::function<bool()>& pred, absl::Duration timeout = absl::Seconds(30)) {
    absl::Time deadline = absl::Now() + timeout;
    while (absl::Now() < deadline) {
      if (pred()) return true;
      absl::SleepFor(absl::Milliseconds(20));
    }
    return pred();
  }

  MockCluster cluster_;
  core::IdGenerator ids_;
  std::filesystem::path root_;
};

TEST_F(BusMockTest, RelayPublishesAndConsumerAppliesEachEventOnceAcrossRestarts) {
  auto producer_store = OpenStore("producer");
  OutboxRelay relay(producer_store.get(), cluster_.Options("relay"));
  ASSERT_TRUE(relay.Start().ok());
  std::vector<std::string> sent = CommitEvents(producer_store.get(), 50);
  ASSERT_TRUE(WaitFor([&] { return relay.InFlightForTest() == 0; }));
  EXPECT_TRUE(WaitFor([&] { return *producer_store->CountOutbox() == 0; }));

  auto consumer_store = OpenStore("consumer");
  std::multiset<std::string> applied;
  absl::Mutex mu;
  auto apply = [&](const v1::EventEnvelope& e, store::Batch& b) {
    absl::MutexLock lock(&mu);
    applied.insert(e.event_id());
    b.Put(store::Family::kState, e.event_id(), "x");
    return absl::OkStatus();
  };
  ConsumerOptions copts{cluster_.Options("consumer"), "group-a", {kTopic}};
  {
    EventConsumer consumer(consumer_store.get(), copts, apply);
    ASSERT_TRUE(consumer.Start().ok());
    ASSERT_TRUE(WaitFor([&] { return consumer.stats().applied == 50; }));
    consumer.Stop();
  }
  // More events, then a consumer in a NEW group: it must resume from the
  // offsets in RocksDB, not from the beginning.
  std::vector<std::string> more = CommitEvents(producer_store.get(), 10);
  copts.group_id = "group-b";
  EventConsumer consumer(consumer_store.get(), copts, apply);
  ASSERT_TRUE(consumer.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return consumer.stats().applied == 10; }));
  absl::SleepFor(absl::Milliseconds(500));
  absl::MutexLock lock(&mu);
  EXPECT_EQ(applied.size(), 60u);
  for (const auto& id : sent) EXPECT_EQ(applied.count(id), 1u) << id;
  for (const auto& id : more) EXPECT_EQ(applied.count(id), 1u) << id;
  relay.Stop(absl::Seconds(5));
}

TEST_F(BusMockTest, RelayKeepsRecordsWhileBrokersAreDownAndDeliversAfter) {
  for (int b = 1; b <= 3; ++b) rd_kafka_mock_broker_set_down(cluster_.get(), b);
  auto s = OpenStore("producer");
  OutboxRelay relay(s.get(), cluster_.Options("relay"));
  ASSERT_TRUE(relay.Start().ok());
  CommitEvents(s.get(), 5);
  absl::SleepFor(absl::Seconds(1));
  EXPECT_EQ(*s->CountOutbox(), 5u);  // Nothing acknowledged, nothing deleted.
  for (int b = 1; b <= 3; ++b) rd_kafka_mock_broker_set_up(cluster_.get(), b);
  EXPECT_TRUE(WaitFor([&] { return *s->CountOutbox() == 0; }));
  relay.Stop(absl::Seconds(5));
}

TEST_F(BusMockTest, RelayRetriesInjectedProduceErrorsWithoutDuplicates) {
  rd_kafka_mock_push_request_errors(cluster_.get(), kProduceApiKey, 3,
                                    RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION,
                                    RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT,
                                    RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS);
  auto s = OpenStore("producer");
  OutboxRelay relay(s.get(), cluster_.Options("relay"));
  ASSERT_TRUE(relay.Start().ok());
  std::vector<std::string> sent = CommitEvents(s.get(), 20);
  ASSERT_TRUE(WaitFor([&] { return *s->CountOutbox() == 0; }));
  relay.Stop(absl::Seconds(5));

  auto cs = OpenStore("consumer");
  std::multiset<std::string> applied;
  absl::Mutex mu;
  EventConsumer consumer(cs.get(), {cluster_.Options("c"), "g", {kTopic}},
                         [&](const v1::EventEnvelope& e, store::Batch&) {
                           absl::MutexLock lock(&mu);
                           applied.insert(e.event_id());
                           return absl::OkStatus();
                         });
  ASSERT_TRUE(consumer.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return consumer.stats().applied >= 20; }));
  absl::SleepFor(absl::Milliseconds(300));
  absl::MutexLock lock(&mu);
  EXPECT_EQ(applied.size(), 20u);
  for (const auto& id : sent) EXPECT_EQ(applied.count(id), 1u);
}

// Headers of records stored by earlier versions are sent as stored; newer
// records' are derived from the envelope; a value that is not an envelope
// is still sent, without them.
TEST_F(BusMockTest, RelaySendsStoredHeadersAsTheyAreAndDerivesTheOthers) {
  auto s = OpenStore("producer");
  EventMeta m;
  m.event_id = ids_.Next();
  m.source = "test";
  m.aggregate_kind = "customer";
  m.aggregate_id = "derived";
  m.occurred_at = m.recorded_at = absl::Now();
  v1::CustomerRegistered payload;
  v1::OutboxRecord derived = MakeOutboxRecord(kTopic, MakeEnvelope(m, payload));
  v1::OutboxRecord stored = derived;
  stored.set_key("stored");
  v1::OutboxHeader* h = stored.add_headers();
  h->set_key("ce_id");
  h->set_value("as-stored");
  v1::OutboxRecord opaque;
  opaque.set_topic(kTopic);
  opaque.set_key("opaque");
  opaque.set_value("\xff not an envelope");
  store::Batch b;
  b.AppendOutbox(derived);
  b.AppendOutbox(stored);
  b.AppendOutbox(opaque);
  ASSERT_TRUE(s->Write(std::move(b)).ok());
  OutboxRelay relay(s.get(), cluster_.Options("relay"));
  ASSERT_TRUE(relay.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return *s->CountOutbox() == 0; }));

  std::unique_ptr<RdKafka::KafkaConsumer> reader = TopicReader("header-reader");
  std::map<std::string, std::map<std::string, std::string>> by_key;
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (by_key.size() < 3 && absl::Now() < deadline) {
    std::unique_ptr<RdKafka::Message> msg(reader->consume(200));
    if (msg->err() != RdKafka::ERR_NO_ERROR || msg->key() == nullptr) continue;
    std::map<std::string, std::string>& headers = by_key[*msg->key()];
    if (msg->headers() == nullptr) continue;
    for (const RdKafka::Headers::Header& x : msg->headers()->get_all()) {
      headers[x.key()] = std::string(static_cast<const char*>(x.value()), x.value_size());
    }
  }
  reader->close();
  relay.Stop(absl::Seconds(5));
  ASSERT_EQ(by_key.size(), 3u);
  EXPECT_EQ(by_key["derived"].size(), 8u);
  EXPECT_EQ(by_key["derived"]["ce_id"], m.event_id);
  EXPECT_EQ(by_key["derived"]["ce_subject"], "customer/derived");
  EXPECT_EQ(by_key["stored"], (std::map<std::string, std::string>{{"ce_id", "as-stored"}}));
  EXPECT_TRUE(by_key["opaque"].empty());
}

// Records stored without their value (written before the relay started,
// as after a crash) are sent as the rebuilder makes them again; one it
// cannot rebuild stays in the outbox, and without a rebuilder all do.
TEST_F(BusMockTest, RelayRebuildsRecordsStoredWithoutTheirValueAndKeepsThoseItCannot) {
  auto s = OpenStore("producer");
  std::map<std::string, std::string> payloads;  // By customer id: the "state".
  std::map<std::string, std::string> values;    // By customer id: the whole value.
  store::Batch b;
  for (const std::string id : {"c1", "c2", "gone"}) {
    EventMeta m;
    m.event_id = ids_.Next();
    m.source = "test";
    m.aggregate_kind = "customer";
    m.aggregate_id = id;
    m.aggregate_version = 1;
    m.occurred_at = m.recorded_at = absl::Now();
    v1::CustomerRegistered payload;
    payload.mutable_customer()->set_id(id);
    payload.mutable_customer()->mutable_profile()->set_name("药房 " + id);
    v1::OutboxRecord r = MakeRebuildableOutboxRecord(kTopic, m, "pharmacrm.v1.CustomerRegistered",
                                                     payload.SerializeAsString());
    values[id] = r.value();
    if (id != "gone") payloads[id] = payload.SerializeAsString();
    b.AppendOutbox(std::move(r));
  }
  ASSERT_TRUE(s->Write(std::move(b)).ok());  // No listener: stored only.

  {  // No rebuilder: nothing can be sent.
    OutboxRelay relay(s.get(), cluster_.Options("relay"));
    ASSERT_TRUE(relay.Start().ok());
    EXPECT_EQ(relay.InFlightForTest(), 0u);
    relay.Stop(absl::Seconds(5));
    EXPECT_EQ(*s->CountOutbox(), 3u);
  }
  std::atomic<int> calls{0};
  OutboxRelay relay(s.get(), cluster_.Options("relay"),
                    [&](const v1::OutboxRecord& r) -> absl::StatusOr<std::string> {
                      ++calls;
                      auto it = payloads.find(r.key());
                      if (it == payloads.end()) return absl::DataLossError("customer gone");
                      return EnvelopeWithPayload(r.envelope_without_payload(), it->second);
                    });
  ASSERT_TRUE(relay.Start().ok());
  EXPECT_EQ(calls.load(), 3);
  ASSERT_TRUE(WaitFor([&] { return *s->CountOutbox() == 1; }));

  std::unique_ptr<RdKafka::KafkaConsumer> reader = TopicReader("rebuilt-reader");
  std::map<std::string, std::string> sent;  // By key: the value.
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (sent.size() < 2 && absl::Now() < deadline) {
    std::unique_ptr<RdKafka::Message> msg(reader->consume(200));
    if (msg->err() != RdKafka::ERR_NO_ERROR || msg->key() == nullptr) continue;
    sent[*msg->key()] = std::string(static_cast<const char*>(msg->payload()), msg->len());
  }
  reader->close();
  relay.Stop(absl::Seconds(5));
  EXPECT_EQ(sent, (std::map<std::string, std::string>{{"c1", values["c1"]}, {"c2", values["c2"]}}));
  auto left = s->ReadOutbox(10);
  ASSERT_TRUE(left.ok());
  ASSERT_EQ(left->size(), 1u);
  EXPECT_EQ((*left)[0].record.key(), "gone");
}

// Three partitions acknowledge every third entry each: a round sees
// interleaved entries, which wait for their neighbours rather than become a
// tombstone each; runs go at once; nothing waits more than one round.
TEST(PlanOutboxDeletes, EntriesOutsideARunWaitOneRoundForTheirNeighbours) {
  std::vector<uint64_t> partition0, partition12;
  for (uint64_t seq = 1; seq <= 30; ++seq) (seq % 3 == 1 ? partition0 : partition12).push_back(seq);
  internal::OutboxDeletes first = internal::PlanOutboxDeletes(partition0, {}, false);
  EXPECT_TRUE(first.now.empty());
  EXPECT_EQ(first.hold, partition0);
  internal::OutboxDeletes second = internal::PlanOutboxDeletes(partition12, first.hold, false);
  std::vector<uint64_t> all(30);
  std::iota(all.begin(), all.end(), 1);
  EXPECT_EQ(second.now, all);  // One run of 30.
  EXPECT_TRUE(second.hold.empty());

  // A run of 8 goes at once; a short run waits one round, then goes even
  // if its neighbours never come (a record the broker refused).
  std::vector<uint64_t> acked = {40, 41, 42, 43, 44, 45, 46, 47, 60, 61, 70};
  internal::OutboxDeletes plan = internal::PlanOutboxDeletes(acked, {}, false);
  EXPECT_EQ(plan.now, (std::vector<uint64_t>{40, 41, 42, 43, 44, 45, 46, 47}));
  EXPECT_EQ(plan.hold, (std::vector<uint64_t>{60, 61, 70}));
  plan = internal::PlanOutboxDeletes({62, 90}, plan.hold, false);
  EXPECT_EQ(plan.now, (std::vector<uint64_t>{60, 61, 62, 70}));
  EXPECT_EQ(plan.hold, (std::vector<uint64_t>{90}));
  // At stop nothing waits.
  plan = internal::PlanOutboxDeletes({95}, plan.hold, true);
  EXPECT_EQ(plan.now, (std::vector<uint64_t>{90, 95}));
  EXPECT_TRUE(plan.hold.empty());
}

TEST_F(BusMockTest, PoisonRecordsGoToTheDlqAndTheConsumerKeepsGoing) {
  // Two poison records (not an envelope; an event the handler rejects) between
  // good ones.
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", cluster_.Options("").bootstrap, err);
  std::unique_ptr<RdKafka::Producer> p(RdKafka::Producer::create(conf.get(), err));
  std::string garbage = "\xff\xfe not protobuf";
  p->produce(kTopic, 0, RdKafka::Producer::RK_MSG_COPY, garbage.data(), garbage.size(), "k", 1, 0,
             nullptr);
  auto s = OpenStore("producer");
  OutboxRelay relay(s.get(), cluster_.Options("relay"));
  ASSERT_TRUE(relay.Start().ok());
  CommitEvents(s.get(), 6);
  p->flush(5000);

  auto cs = OpenStore("consumer");
  EventConsumer consumer(cs.get(), {cluster_.Options("c"), "g", {kTopic}},
                         [&](const v1::EventEnvelope& e, store::Batch&) {
                           if (e.aggregate_id() == "c3") {
                             return absl::InvalidArgumentError("customer.id: rejected for test");
                           }
                           return absl::OkStatus();
                         });
  ASSERT_TRUE(consumer.Start().ok());
  ASSERT_TRUE(WaitFor([&] {
    auto st = consumer.stats();
    return st.applied == 5 && st.dead_lettered == 2;
  })) << consumer.stats().applied << " " << consumer.stats().dead_lettered;

  // The DLQ holds both, each with its reason.
  std::unique_ptr<RdKafka::Conf> cconf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  cconf->set("bootstrap.servers", cluster_.Options("").bootstrap, err);
  cconf->set("group.id", "dlq-reader", err);
  cconf->set("auto.offset.reset", "earliest", err);
  std::unique_ptr<RdKafka::KafkaConsumer> reader(RdKafka::KafkaConsumer::create(cconf.get(), err));
  reader->subscribe({"pharmacrm.dlq.v1"});
  std::vector<std::string> reasons;
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (reasons.size() < 2 && absl::Now() < deadline) {
    std::unique_ptr<RdKafka::Message> m(reader->consume(200));
    if (m->err() != RdKafka::ERR_NO_ERROR || m->headers() == nullptr) continue;
    RdKafka::Headers::Header h = m->headers()->get_last("pharmacrm_dlq_reason");
    reasons.emplace_back(static_cast<const char*>(h.value()), h.value_size());
  }
  reader->close();
  ASSERT_EQ(reasons.size(), 2u);
  std::sort(reasons.begin(), reasons.end());
  EXPECT_NE(reasons[0].find("customer.id: rejected for test"), std::string::npos) << reasons[0];
  EXPECT_NE(reasons[1].find("not a pharmacrm.v1.EventEnvelope"), std::string::npos) << reasons[1];
  relay.Stop(absl::Seconds(5));
}

}  // namespace
}  // namespace pharmacrm::bus
