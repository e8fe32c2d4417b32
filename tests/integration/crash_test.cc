// kill -9 at the two places where a crash could lose or double an event:
// customer-master between its WriteBatch and the relay's publish (for a
// command, and in the middle of a bulk import), and
// value-scoring between consuming an event and applying it (and right after
// applying it). After a restart nothing accepted is lost and nothing is
// applied twice, checked against what the test sent.
#include <csignal>
#include <map>
#include <set>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "librdkafka/rdkafkacpp.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"
#include "pharmacrm/v1/events.pb.h"
#include "pharmacrm/v1/value_scoring.grpc.pb.h"
#include "support/import_stream.h"
#include "support/kafka_broker.h"
#include "support/suite.h"
#include "support/wait.h"

namespace pharmacrm::itest {
namespace {

class CrashTest : public testing::Test {
 protected:
  void SetUp() override {
    broker_ = SharedBroker();
    ASSERT_NE(broker_, nullptr);
  }

  void Connect(Suite& suite) {
    customers_ = CustomerMasterClient(suite);
    scoring_ = v1::ValueScoring::NewStub(rpc::MakeChannel(suite.GrpcAddress("value-scoring")));
  }

  grpc::Status Register(const std::string& request_id, const std::string& name, v1::Customer* out) {
    v1::RegisterCustomerRequest req;
    req.set_request_id(request_id);
    req.mutable_profile()->set_kind(v1::CUSTOMER_KIND_PHARMACY);
    req.mutable_profile()->set_name(name);
    auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
    return customers_->RegisterCustomer(ctx.get(), req, out);
  }

  grpc::Status Rename(const v1::Customer& c, const std::string& request_id, v1::Customer* out) {
    v1::UpdateCustomerRequest req;
    req.set_request_id(request_id);
    req.set_customer_id(c.id());
    req.set_expected_version(c.version());
    req.mutable_profile()->set_name(c.profile().name() + "（更名）");
    req.mutable_update_mask()->add_paths("name");
    auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
    return customers_->UpdateCustomer(ctx.get(), req, out);
  }

  absl::StatusOr<v1::CustomerValue> Value(const std::string& id) {
    v1::GetCustomerValueRequest req;
    req.set_customer_id(id);
    v1::CustomerValue out;
    auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(2));
    grpc::Status s = scoring_->GetCustomerValue(ctx.get(), req, &out);
    if (!s.ok()) return absl::UnavailableError(s.error_message());
    return out;
  }

  // Registers `n` customers and renames each once, retrying a call that
  // fails (the service may be down) with the same request id until it
  // succeeds; `on_failure` runs once per failed call (it restarts).
  std::vector<v1::Customer> RegisterAndRename(const std::string& tag, int n,
                                              const std::function<void()>& on_failure) {
    std::vector<v1::Customer> out;
    for (int i = 0; i < n; ++i) {
      v1::Customer c;
      std::string rid = absl::StrCat(tag, "-reg-", i);
      grpc::Status s = Register(rid, absl::StrCat(tag, " 药房 ", i), &c);
      if (!s.ok()) {
        on_failure();
        s = Register(rid, absl::StrCat(tag, " 药房 ", i), &c);
      }
      EXPECT_TRUE(s.ok()) << rid << ": " << s.error_message();
      out.push_back(c);
    }
    for (int i = 0; i < n; ++i) {
      v1::Customer renamed;
      std::string rid = absl::StrCat(tag, "-rename-", i);
      grpc::Status s = Rename(out[i], rid, &renamed);
      if (!s.ok()) {
        on_failure();
        s = Rename(out[i], rid, &renamed);
      }
      EXPECT_TRUE(s.ok()) << rid << ": " << s.error_message();
      EXPECT_EQ(renamed.version(), 2);
    }
    return out;
  }

  // A consumer of the customer topic from its start, in a group of its own.
  std::unique_ptr<RdKafka::KafkaConsumer> CustomerTopicReader() {
    std::string err;
    std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
    conf->set("bootstrap.servers", broker_->bootstrap(), err);
    conf->set("group.id", absl::StrCat("itest-topic-reader-", absl::ToUnixNanos(absl::Now())), err);
    conf->set("auto.offset.reset", "earliest", err);
    std::unique_ptr<RdKafka::KafkaConsumer> reader(RdKafka::KafkaConsumer::create(conf.get(), err));
    EXPECT_NE(reader, nullptr) << err;
    if (reader != nullptr) reader->subscribe({"pharmacrm.customer.events.v1"});
    return reader;
  }

  // Distinct event ids per customer on the customer topic, for customers
  // whose registered name starts with `tag`.
  std::map<std::string, std::set<std::string>> EventsOnTopic(const std::set<std::string>& ids,
                                                             size_t expected_events) {
    std::unique_ptr<RdKafka::KafkaConsumer> reader = CustomerTopicReader();
    std::map<std::string, std::set<std::string>> events;
    size_t total = 0;
    absl::Time deadline = absl::Now() + absl::Seconds(30);
    while (absl::Now() < deadline && total < expected_events) {
      std::unique_ptr<RdKafka::Message> m(reader->consume(200));
      if (m->err() != RdKafka::ERR_NO_ERROR) continue;
      v1::EventEnvelope env;
      if (!env.ParseFromArray(m->payload(), static_cast<int>(m->len()))) continue;
      if (!ids.count(env.customer_id())) continue;
      if (events[env.customer_id()].insert(env.event_id()).second) ++total;
    }
    // Give late duplicates a moment to show up too.
    absl::Time extra = absl::Now() + absl::Seconds(1);
    while (absl::Now() < extra) {
      std::unique_ptr<RdKafka::Message> m(reader->consume(100));
      if (m->err() != RdKafka::ERR_NO_ERROR) continue;
      v1::EventEnvelope env;
      if (env.ParseFromArray(m->payload(), static_cast<int>(m->len())) && ids.count(env.customer_id())) {
        events[env.customer_id()].insert(env.event_id());
      }
    }
    reader->close();
    return events;
  }

  // Every customer ends with exactly one profile change counted, and stays
  // there.
  void ExpectEachAppliedOnce(const std::vector<v1::Customer>& customers) {
    for (const auto& c : customers) {
      ASSERT_TRUE(WaitUntil([&] {
        auto v = Value(c.id());
        return v.ok() && v->profile_change_count() >= 1;
      }, absl::Seconds(60))) << c.id();
    }
    absl::SleepFor(absl::Seconds(1));
    for (const auto& c : customers) {
      auto v = Value(c.id());
      ASSERT_TRUE(v.ok());
      EXPECT_EQ(v->profile_change_count(), 1) << c.id();
      EXPECT_EQ(v->visit_count(), 0) << c.id();
    }
  }

  KafkaBroker* broker_ = nullptr;
  std::unique_ptr<v1::CustomerMaster::Stub> customers_;
  std::unique_ptr<v1::ValueScoring::Stub> scoring_;
};

TEST_F(CrashTest, CustomerMasterKilledBetweenCommitAndPublishLosesNothing) {
  auto suite = Suite::Start(*broker_, {"customer-master", "value-scoring"},
                            {{"customer-master", {"--crash_at=after_commit_before_publish:3"}}});
  ASSERT_TRUE(suite.ok()) << suite.status();
  Connect(**suite);
  int crashes = 0;
  std::vector<v1::Customer> customers = RegisterAndRename("cm-crash", 6, [&] {
    ++crashes;
    ServiceProcess& cm = (*suite)->process("customer-master");
    auto status = cm.WaitExit(absl::Seconds(10));
    ASSERT_TRUE(status.ok()) << status.status();
    EXPECT_TRUE(KilledBySignal(*status, SIGKILL)) << DescribeWaitStatus(*status);
    ASSERT_TRUE((*suite)->StartService("customer-master").ok());  // Without the crash point.
  });
  ASSERT_EQ(crashes, 1);
  ASSERT_EQ(customers.size(), 6u);

  // The broker has each customer's registration and rename exactly once
  // (by event id), including the command whose process died before publishing.
  std::set<std::string> ids;
  for (const auto& c : customers) ids.insert(c.id());
  ASSERT_EQ(ids.size(), 6u);
  auto events = EventsOnTopic(ids, 12);
  for (const auto& id : ids) EXPECT_EQ(events[id].size(), 2u) << id;
  ExpectEachAppliedOnce(customers);
}

// customer-master is killed in the middle of a bulk import, right after one
// of its batches is committed and before that batch's events are published
// (the import writes batches on a thread of its own). Sent again with the
// same request_id, the file imports the rest: every row is one customer,
// and the topic has one CustomerRegistered for each, none lost (the batch
// committed before the crash is published after the restart) and none
// twice.
TEST_F(CrashTest, AnImportKilledMidwayResumesWithItsRequestIdAndLosesNothing) {
  // About seven batches: the reader cuts one once it holds 500 rows or more
  // after a 64 KiB chunk (about 870 of these rows).
  constexpr int kRows = 6000;
  const std::string prefix = "断点续传药房";
  std::string data;
  for (int i = 0; i < kRows; ++i) {
    absl::StrAppend(&data, R"({"external_id":"RESUME-)", i,
                    R"(","profile":{"kind":"CUSTOMER_KIND_PHARMACY","name":")", prefix, i,
                    R"(号","province":"湖南省","city":"长沙市"}})", "\n");
  }
  // The 4th commit: at least the import's second batch (a first start
  // writes at most two batches of its own before serving), and well before
  // its last one and its summary.
  auto suite = Suite::Start(*broker_, {"customer-master"},
                            {{"customer-master", {"--crash_at=after_commit_before_publish:4"}}});
  ASSERT_TRUE(suite.ok()) << suite.status();
  auto stub = CustomerMasterClient(**suite);
  constexpr size_t kChunk = 64 * 1024;
  ImportResult first =
      StreamImport(*stub, "resume-import", v1::IMPORT_FORMAT_JSON_LINES, data, kChunk);
  EXPECT_FALSE(first.status.ok()) << "the import was not interrupted";
  EXPECT_FALSE(first.summary.done());
  ServiceProcess& cm = (*suite)->process("customer-master");
  auto exit = cm.WaitExit(absl::Seconds(10));
  ASSERT_TRUE(exit.ok()) << exit.status();
  EXPECT_TRUE(KilledBySignal(*exit, SIGKILL)) << DescribeWaitStatus(*exit);
  ASSERT_TRUE((*suite)->StartService("customer-master").ok());  // Without the crash point.
  stub = CustomerMasterClient(**suite);

  ImportResult resumed =
      StreamImport(*stub, "resume-import", v1::IMPORT_FORMAT_JSON_LINES, data, kChunk);
  ASSERT_TRUE(resumed.status.ok()) << resumed.status.error_message();
  const v1::ImportProgress& rest = resumed.summary;
  EXPECT_TRUE(rest.done());
  EXPECT_EQ(rest.rows_read(), kRows);
  EXPECT_EQ(rest.rejected(), 0);
  EXPECT_EQ(rest.accepted() + rest.duplicates(), kRows);
  EXPECT_GE(rest.duplicates(), 1000);  // The batches committed before the crash.
  EXPECT_GE(rest.accepted(), 1000);    // The batches after it.
  for (const auto& e : rest.errors()) {
    EXPECT_TRUE(absl::StartsWith(e.reason(), "already imported as "))
        << e.line() << " " << e.reason();
  }
  // Once complete, the request id answers with that summary.
  ImportResult again =
      StreamImport(*stub, "resume-import", v1::IMPORT_FORMAT_JSON_LINES, data, kChunk);
  ASSERT_TRUE(again.status.ok());
  EXPECT_EQ(again.summary.accepted(), rest.accepted());
  EXPECT_EQ(again.summary.duplicates(), rest.duplicates());

  // The topic: one CustomerRegistered per row, each a distinct customer.
  std::unique_ptr<RdKafka::KafkaConsumer> reader = CustomerTopicReader();
  ASSERT_NE(reader, nullptr);
  std::map<std::string, std::set<std::string>> events_by_name;  // Event ids.
  std::map<std::string, std::set<std::string>> ids_by_name;     // Customer ids.
  int incomplete = 0;  // Events without the whole customer.
  auto read = [&](absl::Duration how_long, bool until_all) {
    absl::Time deadline = absl::Now() + how_long;
    while (absl::Now() < deadline && !(until_all && events_by_name.size() == kRows)) {
      std::unique_ptr<RdKafka::Message> m(reader->consume(200));
      if (m->err() != RdKafka::ERR_NO_ERROR) continue;
      v1::EventEnvelope env;
      v1::CustomerRegistered registered;
      if (!env.ParseFromArray(m->payload(), static_cast<int>(m->len())) ||
          !env.payload().UnpackTo(&registered) ||
          !absl::StartsWith(registered.customer().profile().name(), prefix)) {
        continue;
      }
      const std::string& name = registered.customer().profile().name();
      // Whole, also when rebuilt after the restart from the stored customer
      // (the outbox keeps an import's events without their payload).
      if (registered.customer().id().empty() || registered.customer().version() != 1 ||
          registered.customer().profile().city() != "长沙市" ||
          env.aggregate_id() != registered.customer().id()) {
        ++incomplete;
      }
      events_by_name[name].insert(env.event_id());
      ids_by_name[name].insert(registered.customer().id());
    }
  };
  read(absl::Seconds(60), /*until_all=*/true);
  read(absl::Seconds(2), /*until_all=*/false);  // Late duplicates, if any.
  reader->close();
  EXPECT_EQ(events_by_name.size(), static_cast<size_t>(kRows));
  EXPECT_EQ(incomplete, 0);
  int doubled = 0;
  for (const auto& [name, events] : events_by_name) {
    if (events.size() != 1 || ids_by_name[name].size() != 1) ++doubled;
  }
  EXPECT_EQ(doubled, 0);
}

class ConsumerCrashTest : public CrashTest, public testing::WithParamInterface<const char*> {};

TEST_P(ConsumerCrashTest, ValueScoringKilledAroundApplyAppliesEachEventOnce) {
  auto suite = Suite::Start(*broker_, {"customer-master", "value-scoring"},
                            {{"value-scoring", {absl::StrCat("--crash_at=", GetParam(), ":4")}}});
  ASSERT_TRUE(suite.ok()) << suite.status();
  Connect(**suite);
  std::vector<v1::Customer> customers =
      RegisterAndRename(absl::StrCat("vs-crash-", GetParam()), 5, [] { FAIL() << "no crash expected"; });
  ServiceProcess& vs = (*suite)->process("value-scoring");
  auto status = vs.WaitExit(absl::Seconds(60));
  ASSERT_TRUE(status.ok()) << status.status() << vs.LogTail();
  EXPECT_TRUE(KilledBySignal(*status, SIGKILL)) << DescribeWaitStatus(*status);
  ASSERT_TRUE((*suite)->StartService("value-scoring").ok());
  ExpectEachAppliedOnce(customers);
}

INSTANTIATE_TEST_SUITE_P(CrashPoints, ConsumerCrashTest,
                         testing::Values("consumer_before_apply", "consumer_after_apply"));

}  // namespace
}  // namespace pharmacrm::itest
