// FlowTest cases of the edges: what the gateway withholds and forwards,
// its flags, retried and bad requests over HTTP and gRPC, a poison event
// dead-lettered, and a partial answer while a service is down.
#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <memory>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "flow/flow_fixture.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "librdkafka/rdkafkacpp.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"
#include "pharmacrm/v1/gateway.grpc.pb.h"
#include "pharmacrm/v1/sales_pipeline.grpc.pb.h"
#include "support/import_stream.h"
#include "support/kafka_broker.h"
#include "support/subprocess.h"
#include "support/wait.h"

namespace pharmacrm::itest {
namespace {

TEST_F(FlowTest, TheGatewayWithholdsPatientsHealthDataByDefault) {
  std::string patient = Register(
      "patient-1", R"({"kind":"CUSTOMER_KIND_PATIENT","name":"王**","phone":"13900139000",)"
                   R"("patient":{"home_address":"北京市朝阳区某小区","diagnoses":["2型糖尿病"],)"
                   R"("therapies":[{"drug_name":"某降糖药","started_on":"2026-01-15"}],"consent_to_contact":true}})");
  ASSERT_FALSE(patient.empty());
  // Stored whole: customer-master (inside the cluster) answers every field.
  auto stub = CustomerMasterClient(*suite_);
  v1::GetCustomerRequest get;
  get.set_customer_id(patient);
  v1::Customer stored;
  auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
  ASSERT_TRUE(stub->GetCustomer(ctx.get(), get, &stored).ok());
  EXPECT_EQ(stored.profile().patient().diagnoses_size(), 1);

  // Through the gateway (default --max_data_class=sensitive): no health data
  // in the profile, its history or the 360; the rest is there.
  for (const std::string& path : {absl::StrCat("/api/v1/customers/", patient, "/profile"),
                                  absl::StrCat("/api/v1/customers/", patient, "/history"),
                                  absl::StrCat("/api/v1/customers/", patient)}) {
    http::Response r = Http("GET", path);
    ASSERT_EQ(r.status, 200) << path << " " << r.body;
    EXPECT_EQ(r.body.find("2型糖尿病"), std::string::npos) << path << " " << r.body;
    EXPECT_EQ(r.body.find("某降糖药"), std::string::npos) << path << " " << r.body;
    EXPECT_NE(r.body.find("北京市朝阳区某小区"), std::string::npos) << path << " " << r.body;
    EXPECT_NE(r.body.find("13900139000"), std::string::npos) << path << " " << r.body;
    bool said = false;
    for (const auto& [name, value] : r.headers) {
      if (name == "x-pharmacrm-withheld-fields") said = value != "0";
    }
    EXPECT_TRUE(said) << path;
  }
  // The register reply is an answer too.
  http::Response again = Http("POST", "/api/v1/customers",
                              R"({"request_id":"patient-1","profile":{"kind":"CUSTOMER_KIND_PATIENT","name":"王**","phone":"13900139000",)"
                              R"("patient":{"home_address":"北京市朝阳区某小区","diagnoses":["2型糖尿病"],)"
                              R"("therapies":[{"drug_name":"某降糖药","started_on":"2026-01-15"}],"consent_to_contact":true}}})");
  EXPECT_EQ(again.body.find("2型糖尿病"), std::string::npos) << again.body;

  // The gRPC 360 withholds the same and says so in its trailers.
  auto gateway = v1::Gateway::NewStub(rpc::MakeChannel(suite_->GrpcAddress("gateway")));
  v1::GetCustomer360Request req;
  req.set_customer_id(patient);
  v1::Customer360 view;
  grpc::ClientContext view_ctx;
  ASSERT_TRUE(gateway->GetCustomer360(&view_ctx, req, &view).ok());
  EXPECT_EQ(view.customer().profile().patient().diagnoses_size(), 0);
  EXPECT_EQ(view.customer().profile().patient().therapies_size(), 0);
  EXPECT_TRUE(view.customer().profile().patient().consent_to_contact());
  EXPECT_EQ(view_ctx.GetServerTrailingMetadata().count("x-pharmacrm-withheld-fields"), 1u);

  // Every answer that served personal data or above is audited: who, what,
  // the highest class served, how much was withheld.
  auto read = http::Fetch("127.0.0.1", suite_->http_port(), "GET",
                          absl::StrCat("/api/v1/customers/", patient, "/profile"), "",
                          absl::Seconds(10), {{"x-pharmacrm-actor", "steward-7"}});
  ASSERT_TRUE(read.ok() && read->status == 200);
  std::string audit_line;
  EXPECT_TRUE(WaitUntil([&] {
    std::ifstream log(suite_->process("gateway").log_path());
    for (std::string line; std::getline(log, line);) {
      if (line.find("audit: personal data served") != std::string::npos &&
          line.find("steward-7") != std::string::npos && line.find(patient) != std::string::npos) {
        audit_line = line;
        return true;
      }
    }
    return false;
  }));
  EXPECT_NE(audit_line.find("DATA_CLASS_SENSITIVE"), std::string::npos) << audit_line;
  EXPECT_NE(audit_line.find(R"("withheld":"2")"), std::string::npos) << audit_line;  // Diagnoses, therapies.
}

TEST_F(FlowTest, TheGatewayForwardsTheDeclaredActorToTheHistory) {
  auto r = http::Fetch("127.0.0.1", suite_->http_port(), "POST", "/api/v1/customers",
                       R"({"request_id":"actor-1","profile":{"kind":"CUSTOMER_KIND_PHARMACY","name":"同仁堂药店"}})",
                       absl::Seconds(10),
                       {{"content-type", "application/json"}, {"x-pharmacrm-actor", "steward-zhao"}});
  ASSERT_TRUE(r.ok() && r->status == 201) << (r.ok() ? r->body : r.status().ToString());
  v1::Customer c;
  ASSERT_TRUE(JsonStringToMessage(r->body, &c).ok());
  v1::CustomerHistory history;
  ASSERT_TRUE(
      JsonStringToMessage(Http("GET", absl::StrCat("/api/v1/customers/", c.id(), "/history")).body, &history)
          .ok());
  ASSERT_EQ(history.versions_size(), 1);
  EXPECT_EQ(history.versions(0).actor(), "steward-zhao");
  // Without the header the actor is anonymous.
  std::string other = Register("actor-2", R"({"kind":"CUSTOMER_KIND_PHARMACY","name":"同仁堂二店"})");
  ASSERT_TRUE(
      JsonStringToMessage(Http("GET", absl::StrCat("/api/v1/customers/", other, "/history")).body, &history)
          .ok());
  EXPECT_EQ(history.versions(0).actor(), "anonymous");
}

TEST(GatewayFlags, AnUnknownDataClassStopsTheGatewayNamingTheFlag) {
  std::string cmd = absl::StrCat(PHARMACRM_BIN_DIR, "/pharmacrm-gateway --max_data_class=everything 2>&1");
  FILE* pipe = popen(cmd.c_str(), "r");
  ASSERT_NE(pipe, nullptr);
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof(buf), pipe)) out.append(buf, n);
  int status = pclose(pipe);
  ASSERT_TRUE(WIFEXITED(status)) << out;
  EXPECT_EQ(WEXITSTATUS(status), 2) << out;
  EXPECT_NE(out.find("max_data_class"), std::string::npos) << out;
}

TEST_F(FlowTest, RetriedRegistrationHasOneEffect) {
  auto stub = CustomerMasterClient(*suite_);
  v1::RegisterCustomerRequest req;
  req.set_request_id("same-request");
  req.mutable_profile()->set_kind(v1::CUSTOMER_KIND_PHARMACY);
  req.mutable_profile()->set_name("老百姓大药房");
  v1::Customer first, second;
  auto c1 = rpc::ClientContextWithDeadline(absl::Seconds(5));
  ASSERT_TRUE(stub->RegisterCustomer(c1.get(), req, &first).ok());
  auto c2 = rpc::ClientContextWithDeadline(absl::Seconds(5));
  ASSERT_TRUE(stub->RegisterCustomer(c2.get(), req, &second).ok());
  EXPECT_EQ(first.id(), second.id());
  // Same request id, different request: refused, names request_id.
  req.mutable_profile()->set_name("另一家药房");
  auto c3 = rpc::ClientContextWithDeadline(absl::Seconds(5));
  grpc::Status s = stub->RegisterCustomer(c3.get(), req, &second);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::FAILED_PRECONDITION);
}

TEST_F(FlowTest, GatewayRejectsBadJsonWithClearErrors) {
  struct Case {
    std::string method, target, body;
    int status;
    std::string mentions;
  } cases[] = {
      {"POST", "/api/v1/customers", "{not json", 400, "invalid JSON"},
      {"POST", "/api/v1/customers", R"({"request_id":"x","profil":{}})", 400, "profil"},
      {"POST", "/api/v1/customers", R"({"request_id":"x","profile":{"kind":42.5}})", 400,
       "invalid JSON"},
      {"POST", "/api/v1/customers", R"({"request_id":"x","profile":{"kind":"CUSTOMER_KIND_HOSPITAL"}})",
       400, "profile.name"},
      {"POST", "/api/v1/customers", "", 400, "JSON object is required"},
      {"POST", "/api/v1/visits", R"({"request_id":"v","customer_id":"nope","rep_id":"r"})", 404,
       "customer_id"},
      {"GET", "/api/v1/customers/does-not-exist", "", 404, "customer_id"},
      {"GET", "/api/v1/nothing-here", "", 404, "no route"},
      {"GET", "/api/v1/customers?kindd=CUSTOMER_KIND_HOSPITAL", "", 400, "kindd"},
      {"GET", "/api/v1/customers?kind=HOSPITAL", "", 400, "'HOSPITAL' is not a CustomerKind"},
      {"GET", "/api/v1/customers?page_size=many", "", 400, "page_size"},
      {"DELETE", "/api/v1/customers/does-not-exist", "", 405, "use GET, PATCH"},
      {"GET", "/api/v1/visits", "", 405, "use POST"},
      {"POST", "/api/v1/customers",
       absl::StrCat(R"({"request_id":"big","profile":{"name":")", std::string(2 << 20, 'x'), "\"}}"),
       413, "PAYLOAD_TOO_LARGE"},
  };
  for (const auto& c : cases) {
    http::Response r = Http(c.method, c.target, c.body);
    EXPECT_EQ(r.status, c.status) << c.method << " " << c.target << " " << c.body.substr(0, 80)
                                  << " -> " << r.body;
    EXPECT_NE(r.body.find(c.mentions), std::string::npos) << r.body;
  }
}

TEST_F(FlowTest, TheGatewayAnswersAWrongMethodWithAllowAndServesItsOpenApiDocument) {
  http::Response wrong = Http("PUT", "/api/v1/customers/someone");
  EXPECT_EQ(wrong.status, 405) << wrong.body;
  std::string allow;
  for (const auto& [name, value] : wrong.headers) {
    if (name == "allow") allow = value;
  }
  EXPECT_EQ(allow, "GET, PATCH");
  http::Response doc = Http("GET", "/api/v1/openapi.json");
  ASSERT_EQ(doc.status, 200) << doc.body;
  EXPECT_NE(doc.body.find(R"("openapi": "3.0.3")"), std::string::npos);
  EXPECT_NE(doc.body.find(R"("/api/v1/customers/{customer_id}/profile")"), std::string::npos);
  EXPECT_NE(doc.body.find(R"("operationId": "SalesPipeline_LogVisit")"), std::string::npos);
}

TEST_F(FlowTest, GrpcRejectsBadInputNamingTheField) {
  auto stub = v1::CustomerMaster::NewStub(
      rpc::MakeChannel(suite_->GrpcAddress("customer-master"), 64 << 20));
  auto call = [&](const v1::RegisterCustomerRequest& req) {
    v1::Customer out;
    auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
    return stub->RegisterCustomer(ctx.get(), req, &out);
  };
  auto field_of = [](const grpc::Status& s) -> std::string {
    google::rpc::Status details;
    if (!details.ParseFromString(s.error_details()) || details.details_size() == 0) return "";
    google::rpc::BadRequest br;
    if (!details.details(0).UnpackTo(&br) || br.field_violations_size() == 0) return "";
    return br.field_violations(0).field();
  };
  v1::RegisterCustomerRequest req;
  grpc::Status s = call(req);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(field_of(s), "request_id");
  req.set_request_id("bad-1");
  EXPECT_EQ(field_of(call(req)), "profile");
  req.mutable_profile()->set_kind(v1::CUSTOMER_KIND_DOCTOR);
  req.mutable_profile()->set_name("李娜");
  s = call(req);
  EXPECT_EQ(field_of(s), "profile.hospital_id");
  req.mutable_profile()->set_hospital_id("no-such-hospital");
  s = call(req);
  EXPECT_EQ(s.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(field_of(s), "profile.hospital_id");
  // Over the server's 4 MiB limit: RESOURCE_EXHAUSTED before any handler.
  req.mutable_profile()->set_name(std::string(5 << 20, 'x'));
  EXPECT_EQ(call(req).error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);

  v1::GetCustomerRequest get;
  get.set_customer_id("unknown-id");
  v1::Customer out;
  auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
  grpc::Status nf = stub->GetCustomer(ctx.get(), get, &out);
  EXPECT_EQ(nf.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_EQ(field_of(nf), "customer_id");

  auto sales = v1::SalesPipeline::NewStub(rpc::MakeChannel(suite_->GrpcAddress("sales-pipeline")));
  v1::LogVisitRequest visit;
  visit.set_request_id("v-bad");
  visit.set_customer_id("c");
  v1::Visit vout;
  auto vctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
  grpc::Status vs = sales->LogVisit(vctx.get(), visit, &vout);
  EXPECT_EQ(vs.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(field_of(vs), "rep_id");
}

TEST_F(FlowTest, PoisonEventGoesToTheDlqAndProjectionsKeepGoing) {
  // A record that is not an EventEnvelope, straight onto the customer topic.
  KafkaBroker* broker = SharedBroker();
  std::string err;
  std::unique_ptr<RdKafka::Conf> conf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  conf->set("bootstrap.servers", broker->bootstrap(), err);
  std::unique_ptr<RdKafka::Producer> producer(RdKafka::Producer::create(conf.get(), err));
  std::string poison = "\x08\xff\xff\xff garbage";
  std::string key = "poison-customer";
  ASSERT_EQ(producer->produce("pharmacrm.customer.events.v1", RdKafka::Topic::PARTITION_UA,
                              RdKafka::Producer::RK_MSG_COPY, poison.data(), poison.size(),
                              key.data(), key.size(), 0, nullptr),
            RdKafka::ERR_NO_ERROR);
  ASSERT_EQ(producer->flush(10000), RdKafka::ERR_NO_ERROR);

  // Every projecting service dead-letters it, with the reason.
  std::unique_ptr<RdKafka::Conf> cconf(RdKafka::Conf::create(RdKafka::Conf::CONF_GLOBAL));
  cconf->set("bootstrap.servers", broker->bootstrap(), err);
  cconf->set("group.id", "itest-dlq-reader", err);
  cconf->set("auto.offset.reset", "earliest", err);
  std::unique_ptr<RdKafka::KafkaConsumer> reader(RdKafka::KafkaConsumer::create(cconf.get(), err));
  reader->subscribe({"pharmacrm.dlq.v1"});
  std::set<std::string> groups;
  std::string reason;
  absl::Time deadline = absl::Now() + absl::Seconds(60);
  while (groups.size() < 4 && absl::Now() < deadline) {
    std::unique_ptr<RdKafka::Message> m(reader->consume(200));
    if (m->err() != RdKafka::ERR_NO_ERROR || !m->key() || *m->key() != key || !m->headers()) continue;
    auto h = m->headers()->get_last("pharmacrm_dlq_consumer_group");
    groups.emplace(static_cast<const char*>(h.value()), h.value_size());
    auto r = m->headers()->get_last("pharmacrm_dlq_reason");
    reason.assign(static_cast<const char*>(r.value()), r.value_size());
  }
  reader->close();
  EXPECT_EQ(groups.size(), 4u);  // sales-pipeline, campaigns, service-desk, value-scoring.
  EXPECT_NE(reason.find("EventEnvelope"), std::string::npos) << reason;

  // And they keep consuming.
  std::string hospital = RegisterHospital("after-poison");
  ASSERT_TRUE(WaitUntil([&] { return Get360(hospital).complete(); }));
}

TEST_F(FlowTest, AServiceDownYieldsAPartialAnswerNotAnError) {
  std::string hospital = RegisterHospital("partial");
  ASSERT_TRUE(WaitUntil([&] { return Get360(hospital).complete(); }));
  ServiceProcess& scoring = suite_->process("value-scoring");
  // SIGTERM: a clean stop (exit code 0) after draining, logged as such.
  absl::StatusOr<int> exit_status = scoring.Terminate(absl::Seconds(10));
  ASSERT_TRUE(exit_status.ok()) << exit_status.status();
  EXPECT_TRUE(ExitedWith(*exit_status, 0)) << DescribeWaitStatus(*exit_status);
  EXPECT_NE(scoring.LogTail(5).find(R"("msg":"stopped")"), std::string::npos) << scoring.LogTail(5);
  http::Response r = Http("GET", "/api/v1/customers/" + hospital);
  EXPECT_EQ(r.status, 200) << r.body;
  v1::Customer360 view;
  ASSERT_TRUE(JsonStringToMessage(r.body, &view).ok());
  EXPECT_FALSE(view.complete());
  ASSERT_EQ(view.missing_parts_size(), 1) << r.body;
  EXPECT_EQ(view.missing_parts(0).service(), "value-scoring");
  EXPECT_EQ(view.missing_parts(0).code(), "UNAVAILABLE");
  EXPECT_EQ(view.customer().id(), hospital);
  ASSERT_TRUE(suite_->StartService("value-scoring").ok());
  EXPECT_TRUE(WaitUntil([&] { return Get360(hospital).complete(); }));
}

}  // namespace
}  // namespace pharmacrm::itest
