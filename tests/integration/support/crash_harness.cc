#include "support/crash_harness.h"

#include <csignal>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "api/example_rep.h"
#include "gtest/gtest.h"
#include "librdkafka/rdkafkacpp.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/v1/events.pb.h"
#include "support/subprocess.h"

namespace pharmacrm::itest {

grpc::Status CrashRetrier::Retry(const std::function<grpc::Status()>& call) {
  grpc::Status status;
  const absl::Time deadline = absl::Now() + absl::Seconds(90);
  while (absl::Now() < deadline) {
    status = call();
    if (status.ok()) return status;
    ServiceProcess& sp = suite_.process(service_);
    if (!sp.Running()) {
      absl::StatusOr<int> exit = sp.WaitExit(absl::Seconds(1));
      EXPECT_TRUE(exit.ok() && KilledBySignal(*exit, SIGKILL))
          << (exit.ok() ? DescribeWaitStatus(*exit) : exit.status().ToString());
      ++crashes_;
      absl::Status started = suite_.StartService(service_);
      EXPECT_TRUE(started.ok()) << started;
      reconnect_();
      continue;
    }
    if (status.error_code() == grpc::StatusCode::INVALID_ARGUMENT ||
        status.error_code() == grpc::StatusCode::ALREADY_EXISTS ||
        status.error_code() == grpc::StatusCode::OUT_OF_RANGE) {
      return status;  // The request itself is wrong: trying again cannot help.
    }
    absl::SleepFor(absl::Milliseconds(200));
  }
  return status;
}

void SalesPipelineCrashTest::SetUp() {
  broker_ = SharedBroker();
  ASSERT_NE(broker_, nullptr);
}

void SalesPipelineCrashTest::StartSuite(bool armed) {
  std::map<std::string, std::vector<std::string>> extra;
  if (armed) extra["sales-pipeline"] = {absl::StrCat("--crash_at=", GetParam())};
  auto suite = Suite::Start(*broker_, {"customer-master", "sales-pipeline"}, extra);
  ASSERT_TRUE(suite.ok()) << suite.status();
  suite_ = *std::move(suite);
  Connect();
  retrier_ = std::make_unique<CrashRetrier>(*suite_, "sales-pipeline", [this] { Connect(); });
}

void SalesPipelineCrashTest::Arm() {
  absl::StatusOr<int> stopped = suite_->process("sales-pipeline").Terminate();
  ASSERT_TRUE(stopped.ok() && ExitedWith(*stopped, 0))
      << (stopped.ok() ? DescribeWaitStatus(*stopped) : stopped.status().ToString());
  absl::Status started =
      suite_->StartService("sales-pipeline", {absl::StrCat("--crash_at=", GetParam())});
  ASSERT_TRUE(started.ok()) << started;
  Connect();
}

std::string RegisterCustomer(v1::CustomerMaster::Stub& customers, const std::string& request_id,
                             v1::CustomerKind kind, const std::string& name,
                             const std::string& province, const std::string& address) {
  v1::RegisterCustomerRequest req;
  req.set_request_id(request_id);
  req.mutable_profile()->set_kind(kind);
  req.mutable_profile()->set_name(name);
  req.mutable_profile()->set_province(province);
  req.mutable_profile()->set_city(province);
  req.mutable_profile()->set_address(address);
  if (kind == v1::CUSTOMER_KIND_HOSPITAL) {
    req.mutable_profile()->set_hospital_grade(v1::HOSPITAL_GRADE_3A);
  }
  v1::Customer out;
  auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
  grpc::Status s = customers.RegisterCustomer(ctx.get(), req, &out);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return out.id();
}

TopicEvents ReadTopicEvents(const std::string& bootstrap, const std::string& topic,
                            const std::function<bool(const TopicEvents&)>& done) {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", bootstrap, err);
  conf->set("group.id", absl::StrCat("itest-reader-", absl::ToUnixNanos(absl::Now())), err);
  conf->set("auto.offset.reset", "earliest", err);
  std::unique_ptr<RdKafka::KafkaConsumer> reader(RdKafka::KafkaConsumer::create(conf.get(), err));
  TopicEvents events;
  if (reader == nullptr) {
    ADD_FAILURE() << err;
    return events;
  }
  reader->subscribe({topic});
  auto read_until = [&](absl::Time until, bool stop_when_done) {
    while (absl::Now() < until && !(stop_when_done && done(events))) {
      std::unique_ptr<RdKafka::Message> m(reader->consume(200));
      if (m->err() != RdKafka::ERR_NO_ERROR) continue;
      v1::EventEnvelope env;
      if (!env.ParseFromArray(m->payload(), static_cast<int>(m->len()))) continue;
      std::string type = env.payload().type_url();
      type = type.substr(type.rfind('.') + 1);
      events[{type, env.aggregate_id()}].insert(env.event_id());
    }
  };
  read_until(absl::Now() + absl::Seconds(30), true);
  read_until(absl::Now() + absl::Seconds(1), false);
  reader->close();
  return events;
}

std::string SalesPipelineCrashTest::Territory(const std::string& rid, const std::string& code,
                                              const std::string& name, v1::TerritoryLevel level,
                                              const std::string& parent) {
  v1::CreateTerritoryRequest req;
  req.set_request_id(rid);
  req.mutable_territory()->set_code(code);
  req.mutable_territory()->set_name(name);
  req.mutable_territory()->set_level(level);
  req.mutable_territory()->set_parent_id(parent);
  v1::Territory out;
  auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
  grpc::Status s = customers_->CreateTerritory(ctx.get(), req, &out);
  EXPECT_TRUE(s.ok()) << s.error_message();
  return out.id();
}

void SalesPipelineCrashTest::Align(const std::string& rid, v1::AlignmentSubject subject,
                                   const std::string& id, const std::string& territory) {
  v1::AlignRequest req;
  req.set_request_id(rid);
  req.set_subject(subject);
  req.set_subject_id(id);
  req.set_territory_id(territory);
  // From the example people's first day, as migrated history (up to 10
  // years back, so the date stays valid as the calendar moves on).
  *req.mutable_effective_from() =
      core::ToTimestamp(absl::FromCivil(absl::CivilDay(2025, 1, 2), absl::FixedTimeZone(8 * 3600)));
  req.set_history_source("crash test organisation");
  v1::Alignment out;
  auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
  grpc::Status s = customers_->Align(ctx.get(), req, &out);
  EXPECT_TRUE(s.ok()) << s.error_message();
}

void SalesPipelineCrashTest::AddDirectorAndRep(
    const std::unique_ptr<v1::SalesProcess::Stub>& process, const std::string& prefix) {
  for (const auto& [rid, rep] : std::vector<std::pair<std::string, v1::Rep>>{
           {prefix + "-director", sales_pipeline::testing_data::ExampleRep(
                                      "zhao.wei", v1::SALES_ROLE_NATIONAL_DIRECTOR, "")},
           {prefix + "-rep",
            sales_pipeline::testing_data::ExampleRep("li.na", v1::SALES_ROLE_REP, "zhao.wei")}}) {
    v1::UpsertRepRequest req;
    req.set_request_id(rid);
    *req.mutable_rep() = rep;
    ASSERT_TRUE(Retry([&] {
                  v1::Rep out;
                  auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
                  return process->UpsertRep(ctx.get(), req, &out);
                }).ok())
        << rid;
  }
}

}  // namespace pharmacrm::itest
