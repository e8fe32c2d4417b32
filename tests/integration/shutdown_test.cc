// SIGTERM while Kafka is unreachable: the broker is frozen with SIGSTOP (its
// connections stay open and nothing answers, the hardest case for a client:
// librdkafka's close and flush would wait for it), customer-master has
// acknowledged a command it could not publish, and sales-pipeline's consumer
// is in its group. Both services must exit within 10 s; the unpublished
// event must still be in customer-master's outbox, and be published once
// the broker answers again and the service is started again.
#include <csignal>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "librdkafka/rdkafkacpp.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/store/store.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"
#include "pharmacrm/v1/events.pb.h"
#include "support/import_stream.h"
#include "support/kafka_broker.h"
#include "support/subprocess.h"
#include "support/suite.h"
#include "support/wait.h"

namespace pharmacrm::itest {
namespace {

// Freezes the broker for its lifetime (or until Resume).
class FrozenBroker {
 public:
  explicit FrozenBroker(pid_t pid) : pid_(pid) { frozen_ = ::kill(pid_, SIGSTOP) == 0; }
  ~FrozenBroker() { Resume(); }
  bool frozen() const { return frozen_; }
  void Resume() {
    if (frozen_) ::kill(pid_, SIGCONT);
    frozen_ = false;
  }

 private:
  const pid_t pid_;
  bool frozen_ = false;
};

grpc::Status Register(v1::CustomerMaster::Stub& stub, const std::string& request_id,
                      const std::string& name, v1::Customer* out) {
  v1::RegisterCustomerRequest req;
  req.set_request_id(request_id);
  req.mutable_profile()->set_kind(v1::CUSTOMER_KIND_PHARMACY);
  req.mutable_profile()->set_name(name);
  auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
  return stub.RegisterCustomer(ctx.get(), req, out);
}

std::string FlagValue(const std::vector<std::string>& args, absl::string_view flag) {
  std::string prefix = absl::StrCat("--", flag, "=");
  for (const std::string& a : args) {
    if (absl::StartsWith(a, prefix)) return a.substr(prefix.size());
  }
  return "";
}

// True if customer `id` has an event on the customer topic within `timeout`.
bool EventOnTopic(const KafkaBroker& broker, const std::string& id, absl::Duration timeout) {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", broker.bootstrap(), err);
  conf->set("group.id", absl::StrCat("itest-shutdown-reader-", absl::ToUnixNanos(absl::Now())),
            err);
  conf->set("auto.offset.reset", "earliest", err);
  std::unique_ptr<RdKafka::KafkaConsumer> reader(RdKafka::KafkaConsumer::create(conf.get(), err));
  EXPECT_NE(reader, nullptr) << err;
  if (reader == nullptr) return false;
  reader->subscribe({"pharmacrm.customer.events.v1"});
  bool found = false;
  absl::Time deadline = absl::Now() + timeout;
  while (!found && absl::Now() < deadline) {
    std::unique_ptr<RdKafka::Message> m(reader->consume(200));
    if (m->err() != RdKafka::ERR_NO_ERROR) continue;
    v1::EventEnvelope env;
    found = env.ParseFromArray(m->payload(), static_cast<int>(m->len())) && env.customer_id() == id;
  }
  reader->close();
  return found;
}

TEST(ShutdownTest, ServicesStopWithin10sWhileKafkaIsUnreachableAndTheOutboxKeepsTheEvent) {
  auto broker = KafkaBroker::Start();
  ASSERT_TRUE(broker.ok()) << broker.status();
  auto suite = Suite::Start(**broker, {"customer-master", "sales-pipeline"});
  ASSERT_TRUE(suite.ok()) << suite.status();
  auto customers = CustomerMasterClient(**suite);

  v1::Customer before;
  ASSERT_TRUE(Register(*customers, "shutdown-before", "停机前药房", &before).ok());
  ASSERT_TRUE(EventOnTopic(**broker, before.id(), absl::Seconds(30)));

  FrozenBroker frozen((*broker)->pid());
  ASSERT_TRUE(frozen.frozen());
  v1::Customer during;
  grpc::Status s = Register(*customers, "shutdown-during", "停机中药房", &during);
  ASSERT_TRUE(s.ok()) << s.error_message();
  // The relay hands it to the producer, which cannot deliver it.
  absl::SleepFor(absl::Milliseconds(500));

  ServiceProcess& cm = (*suite)->process("customer-master");
  ServiceProcess& sp = (*suite)->process("sales-pipeline");
  absl::Time sent = absl::Now();
  ASSERT_EQ(::kill(cm.pid(), SIGTERM), 0);
  ASSERT_EQ(::kill(sp.pid(), SIGTERM), 0);
  for (ServiceProcess* p : {&cm, &sp}) {
    auto status = p->WaitExit(absl::Seconds(10) - (absl::Now() - sent));
    ASSERT_TRUE(status.ok()) << p->name() << " still runs 10 s after SIGTERM\n" << p->LogTail();
    EXPECT_TRUE(ExitedWith(*status, 0)) << p->name() << ": " << DescribeWaitStatus(*status) << "\n"
                                        << p->LogTail();
  }
  absl::Duration took = absl::Now() - sent;
  EXPECT_LT(took, absl::Seconds(10));
  std::printf("[ shutdown ] both services exited %.1f s after SIGTERM with Kafka frozen\n",
              absl::ToDoubleSeconds(took));
  EXPECT_NE(cm.LogTail(200).find("relay: stopping with records Kafka has not confirmed"),
            std::string::npos)
      << cm.LogTail();

  // The acknowledged command's event is still in the outbox.
  {
    std::string data_dir = FlagValue((*suite)->Args("customer-master"), "data_dir");
    ASSERT_FALSE(data_dir.empty());
    auto store = store::Store::Open({data_dir, true});
    ASSERT_TRUE(store.ok()) << store.status();
    auto outbox = (*store)->ReadOutbox(100000);
    ASSERT_TRUE(outbox.ok()) << outbox.status();
    bool kept = false;
    for (const store::OutboxEntry& e : *outbox) {
      // Stored with its value, or with the envelope alone (the service
      // rebuilds the value at start).
      const std::string& bytes = e.record.value().empty() ? e.record.envelope_without_payload()
                                                          : e.record.value();
      v1::EventEnvelope env;
      kept |= env.ParseFromString(bytes) && env.customer_id() == during.id();
    }
    EXPECT_TRUE(kept) << "no outbox entry for " << during.id() << " among " << outbox->size();
  }

  // Kafka answers again; started again, customer-master publishes it.
  frozen.Resume();
  ASSERT_TRUE((*suite)->StartService("customer-master").ok());
  EXPECT_TRUE(EventOnTopic(**broker, during.id(), absl::Seconds(60)))
      << "the event kept in the outbox was not published after the restart\n"
      << cm.LogTail();
}

}  // namespace
}  // namespace pharmacrm::itest
