#include "flow/flow_fixture.h"

#include <sys/wait.h>

#include <cstdio>
#include <memory>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "pharmacrm/rpc/server.h"
#include "support/http_get.h"
#include "support/kafka_broker.h"
#include "support/wait.h"

namespace pharmacrm::itest {

Suite* FlowTest::suite_ = nullptr;

void FlowTest::SetUpTestSuite() {
  KafkaBroker* broker = SharedBroker();
  ASSERT_NE(broker, nullptr);
  auto suite = Suite::Start(*broker, {"customer-master", "sales-pipeline", "campaigns",
                                      "service-desk", "value-scoring", "gateway"});
  ASSERT_TRUE(suite.ok()) << suite.status();
  suite_ = suite->release();
}

void FlowTest::TearDownTestSuite() {
  delete suite_;
  suite_ = nullptr;
}

void FlowTest::SetUp() { ASSERT_NE(suite_, nullptr) << "suite did not start"; }

grpc::Status FlowTest::CreateTerritory(v1::CustomerMaster::Stub& stub,
                                       const std::string& request_id, const std::string& code,
                                       v1::TerritoryLevel level, const std::string& parent,
                                       v1::Territory* out) {
  v1::CreateTerritoryRequest req;
  req.set_request_id(request_id);
  req.mutable_territory()->set_code(code);
  req.mutable_territory()->set_name(code + " 辖区");
  req.mutable_territory()->set_level(level);
  req.mutable_territory()->set_parent_id(parent);
  auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
  return stub.CreateTerritory(ctx.get(), req, out);
}

http::Response FlowTest::Http(absl::string_view method, absl::string_view target,
                              absl::string_view body) {
  auto r = http::Fetch("127.0.0.1", suite_->http_port(), method, target, body, absl::Seconds(10),
                       {{"content-type", "application/json"}});
  EXPECT_TRUE(r.ok()) << r.status();
  return r.ok() ? *r : http::Response{};
}

std::string FlowTest::Register(const std::string& request_id, const std::string& json_profile) {
  http::Response r = Http("POST", "/api/v1/customers",
                          absl::StrCat(R"({"request_id":")", request_id, R"(","profile":)",
                                       json_profile, "}"));
  EXPECT_EQ(r.status, 201) << r.body;
  v1::Customer c;
  EXPECT_TRUE(JsonStringToMessage(r.body, &c).ok()) << r.body;
  return c.id();
}

std::string FlowTest::RegisterHospital(const std::string& tag) {
  return Register("hospital-" + tag, R"({"kind":"CUSTOMER_KIND_HOSPITAL","name":"北京协和医院",)"
                                     R"("province":"北京市","hospital_grade":"HOSPITAL_GRADE_3A"})");
}

std::string FlowTest::RegisterDoctor(const std::string& tag, const std::string& hospital_id) {
  return Register("doctor-" + tag, absl::StrCat(R"({"kind":"CUSTOMER_KIND_DOCTOR","name":"张伟",)",
                                                R"("department":"心内科","hospital_id":")",
                                                hospital_id, R"("})"));
}

int FlowTest::LogVisitWhenKnown(const std::string& request_id, const std::string& customer_id) {
  int status = 0;
  WaitUntil([&] {
    http::Response r = Http("POST", "/api/v1/visits",
                            absl::StrCat(R"({"request_id":")", request_id, R"(","customer_id":")",
                                         customer_id, R"(","rep_id":"rep-1","notes":"学术拜访"})"));
    status = r.status;
    return status != 404;
  });
  return status;
}

double FlowTest::Metric(const std::string& service, const std::string& name) {
  absl::StatusOr<HttpResponse> r = HttpGet(suite_->process(service).admin_port(), "/metrics");
  EXPECT_TRUE(r.ok() && r->status == 200) << service;
  if (!r.ok()) return 0;
  for (absl::string_view line : absl::StrSplit(r->body, '\n')) {
    if (!absl::ConsumePrefix(&line, name) || !absl::ConsumePrefix(&line, " ")) continue;
    double value = 0;
    EXPECT_TRUE(absl::SimpleAtod(line, &value)) << line;
    return value;
  }
  return 0;
}

FlowTest::ImportRowCounts FlowTest::ImportRows(const std::string& family) {
  auto sample = [&](const char* outcome) {
    return Metric("customer-master", absl::StrCat(family, R"({outcome=")", outcome, R"("})"));
  };
  return {sample("accepted"), sample("rejected"), sample("duplicate")};
}

void FlowTest::ExpectGetRefusedNaming(const std::string& target, const std::string& field) {
  http::Response bad = Http("GET", target);
  EXPECT_EQ(bad.status, 400) << target << " -> " << bad.body;
  EXPECT_NE(bad.body.find(absl::StrCat(R"("field":")", field, R"(")")), std::string::npos)
      << target << " -> " << bad.body;
}

v1::Customer FlowTest::Profile(const std::string& id) {
  v1::Customer c;
  http::Response r = Http("GET", absl::StrCat("/api/v1/customers/", id, "/profile"));
  EXPECT_EQ(r.status, 200) << id << " " << r.body;
  EXPECT_TRUE(JsonStringToMessage(r.body, &c).ok()) << r.body;
  return c;
}

v1::Customer360 FlowTest::Get360(const std::string& id) {
  http::Response r = Http("GET", "/api/v1/customers/" + id);
  v1::Customer360 out;
  if (r.status == 200) {
    EXPECT_TRUE(JsonStringToMessage(r.body, &out).ok()) << r.body;
  }
  return out;
}

bool ReadTopicUntil(const std::string& topic, const std::function<bool(RdKafka::Message&)>& visit) {
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", SharedBroker()->bootstrap(), err);
  conf->set("group.id", absl::StrCat("itest-read-", absl::ToUnixNanos(absl::Now())), err);
  conf->set("auto.offset.reset", "earliest", err);
  std::unique_ptr<RdKafka::KafkaConsumer> reader(RdKafka::KafkaConsumer::create(conf.get(), err));
  reader->subscribe({topic});
  bool done = false;
  absl::Time deadline = absl::Now() + absl::Seconds(30);
  while (!done && absl::Now() < deadline) {
    std::unique_ptr<RdKafka::Message> m(reader->consume(200));
    if (m->err() == RdKafka::ERR_NO_ERROR) done = visit(*m);
  }
  reader->close();
  return done;
}

bool SeenOnTopic(const std::string& topic, const std::function<bool(const v1::EventEnvelope&)>& pred) {
  return ReadTopicUntil(topic, [&](RdKafka::Message& m) {
    v1::EventEnvelope env;
    return env.ParseFromArray(m.payload(), static_cast<int>(m.len())) && pred(env);
  });
}

std::pair<std::string, int> RunCli(const std::string& args) {
  std::string cmd = absl::StrCat(PHARMACRM_BIN_DIR, "/pharmacrm ", args, " 2>/dev/null");
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof(buf), pipe)) out.append(buf, n);
  int status = pclose(pipe);
  return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

}  // namespace pharmacrm::itest
