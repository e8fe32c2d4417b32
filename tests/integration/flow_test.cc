// One real flow through all six processes on a real broker, and what the
// suite does with bad input at every edge.
#include <sys/wait.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "gtest/gtest.h"
#include "librdkafka/rdkafkacpp.h"
#include "pharmacrm/bus/envelope.h"
#include "pharmacrm/http/server.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/store/key.h"
#include "pharmacrm/store/store.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"
#include "pharmacrm/v1/events.pb.h"
#include "pharmacrm/v1/gateway.grpc.pb.h"
#include "pharmacrm/v1/sales_pipeline.grpc.pb.h"
#include "pharmacrm/v1/value_scoring.grpc.pb.h"
#include "storage/keys.h"
#include "support/http_get.h"
#include "support/import_stream.h"
#include "support/kafka_broker.h"
#include "support/ports.h"
#include "support/suite.h"
#include "support/wait.h"

namespace pharmacrm::itest {
namespace {

using google::protobuf::util::JsonStringToMessage;

class FlowTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    KafkaBroker* broker = SharedBroker();
    ASSERT_NE(broker, nullptr);
    auto suite = Suite::Start(*broker, {"customer-master", "sales-pipeline", "campaigns",
                                        "service-desk", "value-scoring", "gateway"});
    ASSERT_TRUE(suite.ok()) << suite.status();
    suite_ = suite->release();
  }
  static void TearDownTestSuite() {
    delete suite_;
    suite_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(suite_, nullptr) << "suite did not start"; }

  // Creates territory `code` (named "<code> 辖区") under `parent`.
  static grpc::Status CreateTerritory(v1::CustomerMaster::Stub& stub, const std::string& request_id,
                                      const std::string& code, v1::TerritoryLevel level,
                                      const std::string& parent, v1::Territory* out) {
    v1::CreateTerritoryRequest req;
    req.set_request_id(request_id);
    req.mutable_territory()->set_code(code);
    req.mutable_territory()->set_name(code + " 辖区");
    req.mutable_territory()->set_level(level);
    req.mutable_territory()->set_parent_id(parent);
    auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
    return stub.CreateTerritory(ctx.get(), req, out);
  }

  http::Response Http(absl::string_view method, absl::string_view target,
                      absl::string_view body = "") {
    auto r = http::Fetch("127.0.0.1", suite_->http_port(), method, target, body, absl::Seconds(10),
                         {{"content-type", "application/json"}});
    EXPECT_TRUE(r.ok()) << r.status();
    return r.ok() ? *r : http::Response{};
  }

  // Registers through the gateway; returns the new id.
  std::string Register(const std::string& request_id, const std::string& json_profile) {
    http::Response r = Http("POST", "/api/v1/customers",
                            absl::StrCat(R"({"request_id":")", request_id, R"(","profile":)",
                                         json_profile, "}"));
    EXPECT_EQ(r.status, 201) << r.body;
    v1::Customer c;
    EXPECT_TRUE(JsonStringToMessage(r.body, &c).ok()) << r.body;
    return c.id();
  }

  std::string RegisterHospital(const std::string& tag) {
    return Register("hospital-" + tag, R"({"kind":"CUSTOMER_KIND_HOSPITAL","name":"北京协和医院",)"
                                       R"("province":"北京市","hospital_grade":"HOSPITAL_GRADE_3A"})");
  }
  std::string RegisterDoctor(const std::string& tag, const std::string& hospital_id) {
    return Register("doctor-" + tag, absl::StrCat(R"({"kind":"CUSTOMER_KIND_DOCTOR","name":"张伟",)",
                                                  R"("department":"心内科","hospital_id":")",
                                                  hospital_id, R"("})"));
  }

  // Logs a visit through the gateway, retrying while sales-pipeline has not
  // yet seen the customer (404). Returns the final HTTP status.
  int LogVisitWhenKnown(const std::string& request_id, const std::string& customer_id) {
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

  // The value of the sample `name` (with its labels, as exposed) on
  // `service`'s admin /metrics; 0 when it is not there yet.
  double Metric(const std::string& service, const std::string& name) {
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

  // An import row counter family (pharmacrm_import_rows_total or
  // pharmacrm_metrics_import_rows_total) on customer-master, by outcome.
  struct ImportRowCounts {
    double accepted = 0;
    double rejected = 0;
    double duplicates = 0;
  };
  ImportRowCounts ImportRows(const std::string& family) {
    auto sample = [&](const char* outcome) {
      return Metric("customer-master", absl::StrCat(family, R"({outcome=")", outcome, R"("})"));
    };
    return {sample("accepted"), sample("rejected"), sample("duplicate")};
  }

  // GET `target` is 400 with an error naming `field`.
  void ExpectGetRefusedNaming(const std::string& target, const std::string& field) {
    http::Response bad = Http("GET", target);
    EXPECT_EQ(bad.status, 400) << target << " -> " << bad.body;
    EXPECT_NE(bad.body.find(absl::StrCat(R"("field":")", field, R"(")")), std::string::npos)
        << target << " -> " << bad.body;
  }

  // The customer now, as the gateway's /profile route answers.
  v1::Customer Profile(const std::string& id) {
    v1::Customer c;
    http::Response r = Http("GET", absl::StrCat("/api/v1/customers/", id, "/profile"));
    EXPECT_EQ(r.status, 200) << id << " " << r.body;
    EXPECT_TRUE(JsonStringToMessage(r.body, &c).ok()) << r.body;
    return c;
  }

  v1::Customer360 Get360(const std::string& id) {
    http::Response r = Http("GET", "/api/v1/customers/" + id);
    v1::Customer360 out;
    if (r.status == 200) {
      EXPECT_TRUE(JsonStringToMessage(r.body, &out).ok()) << r.body;
    }
    return out;
  }

  static Suite* suite_;
};
Suite* FlowTest::suite_ = nullptr;

TEST_F(FlowTest, RegisterVisitAndSeeEveryServicesView) {
  std::string hospital = RegisterHospital("flow");
  std::string doctor = RegisterDoctor("flow", hospital);
  ASSERT_FALSE(doctor.empty());
  ASSERT_EQ(LogVisitWhenKnown("visit-flow-1", doctor), 201);

  v1::Customer360 view;
  ASSERT_TRUE(WaitUntil([&] {
    view = Get360(doctor);
    // service-desk reads the registration and the visit from two topics, in
    // either order: the card is complete once it has both.
    return view.complete() && view.activity().visit_count() == 1 && view.value().visit_count() == 1 &&
           view.audience().visits() == 1 && !view.contact_card().last_field_rep_id().empty() &&
           view.contact_card().profile_version() > 0;
  })) << view.DebugString();
  EXPECT_EQ(view.customer().profile().name(), "张伟");
  EXPECT_EQ(view.customer().profile().hospital_id(), hospital);
  EXPECT_EQ(view.audience().name(), "张伟");
  EXPECT_EQ(view.contact_card().department(), "心内科");
  EXPECT_EQ(view.contact_card().last_field_rep_id(), "rep-1");
  EXPECT_EQ(view.value().profile_change_count(), 0);

  // The gRPC query answers the same.
  auto stub = v1::Gateway::NewStub(rpc::MakeChannel(suite_->GrpcAddress("gateway")));
  v1::GetCustomer360Request req;
  req.set_customer_id(doctor);
  v1::Customer360 grpc_view;
  auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
  ASSERT_TRUE(stub->GetCustomer360(ctx.get(), req, &grpc_view).ok());
  EXPECT_EQ(grpc_view.customer().id(), doctor);
  EXPECT_EQ(grpc_view.value().visit_count(), 1);
  EXPECT_TRUE(grpc_view.complete());
}

TEST_F(FlowTest, ProfileChangeWithStaleVersionIsAbortedAndCountedOnce) {
  std::string hospital = RegisterHospital("update");
  std::string body = R"({"request_id":"upd-1","expected_version":1,)"
                     R"("profile":{"city":"北京市"},"update_mask":"city","reason":"地址核实"})";
  http::Response ok = Http("PATCH", "/api/v1/customers/" + hospital, body);
  ASSERT_EQ(ok.status, 200) << ok.body;
  v1::Customer updated;
  ASSERT_TRUE(JsonStringToMessage(ok.body, &updated).ok());
  EXPECT_EQ(updated.version(), 2);
  // Retried with the same request id: the same reply, no second change.
  http::Response again = Http("PATCH", "/api/v1/customers/" + hospital, body);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, ok.body);
  // Another change still claiming version 1: conflict.
  http::Response stale =
      Http("PATCH", "/api/v1/customers/" + hospital,
           R"({"request_id":"upd-2","expected_version":1,"profile":{"city":"天津市"},"update_mask":"city"})");
  EXPECT_EQ(stale.status, 409) << stale.body;
  EXPECT_NE(stale.body.find("ABORTED"), std::string::npos) << stale.body;
  // A body naming another customer than the path: refused, naming the
  // field, and nothing changes (the checks below).
  http::Response other =
      Http("PATCH", "/api/v1/customers/" + hospital,
           R"({"request_id":"upd-3","customer_id":"someone-else","expected_version":2,)"
           R"("profile":{"city":"天津市"},"update_mask":"city"})");
  EXPECT_EQ(other.status, 400) << other.body;
  EXPECT_NE(other.body.find("customer_id: differs from the id in the path"), std::string::npos)
      << other.body;

  v1::Customer360 view;
  ASSERT_TRUE(WaitUntil([&] {
    view = Get360(hospital);
    return view.value().profile_change_count() >= 1;
  }));
  absl::SleepFor(absl::Milliseconds(500));
  EXPECT_EQ(Get360(hospital).value().profile_change_count(), 1);
  EXPECT_EQ(Get360(hospital).customer().profile().city(), "北京市");
}

TEST_F(FlowTest, HistoryKeepsWhoWhenWhyOldAndNewAndAnswersAsOf) {
  auto stub = CustomerMasterClient(*suite_);
  auto call_ctx = [](const std::string& actor) {
    auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
    ctx->AddMetadata("x-pharmacrm-actor", actor);
    return ctx;
  };
  v1::RegisterCustomerRequest reg;
  reg.set_request_id("history-reg");
  reg.mutable_profile()->set_kind(v1::CUSTOMER_KIND_HOSPITAL);
  reg.mutable_profile()->set_name("四川大学华西医院");
  reg.mutable_profile()->set_hospital_grade(v1::HOSPITAL_GRADE_3B);
  v1::Customer v1c;
  ASSERT_TRUE(stub->RegisterCustomer(call_ctx("steward-wang").get(), reg, &v1c).ok());
  // Version 1 is stored without a copy of the customer while it is the
  // newest (the customer record holds it); the history shows it whole.
  {
    http::Response only = Http("GET", absl::StrCat("/api/v1/customers/", v1c.id(), "/history"));
    ASSERT_EQ(only.status, 200) << only.body;
    v1::CustomerHistory first;
    ASSERT_TRUE(JsonStringToMessage(only.body, &first).ok());
    ASSERT_EQ(first.versions_size(), 1);
    EXPECT_EQ(first.versions(0).customer().version(), 1);
    EXPECT_EQ(first.versions(0).customer().profile().hospital_grade(), v1::HOSPITAL_GRADE_3B);
  }
  absl::SleepFor(absl::Milliseconds(20));
  absl::Time between = absl::Now();
  absl::SleepFor(absl::Milliseconds(20));
  v1::UpdateCustomerRequest upd;
  upd.set_request_id("history-upd");
  upd.set_customer_id(v1c.id());
  upd.set_expected_version(1);
  upd.mutable_profile()->set_hospital_grade(v1::HOSPITAL_GRADE_3A);
  upd.mutable_update_mask()->add_paths("hospital_grade");
  upd.set_reason("卫健委评审结果");
  v1::Customer v2c;
  ASSERT_TRUE(stub->UpdateCustomer(call_ctx("rep-li").get(), upd, &v2c).ok());

  http::Response h = Http("GET", absl::StrCat("/api/v1/customers/", v1c.id(), "/history"));
  ASSERT_EQ(h.status, 200) << h.body;
  v1::CustomerHistory history;
  ASSERT_TRUE(JsonStringToMessage(h.body, &history).ok());
  ASSERT_EQ(history.versions_size(), 2);
  EXPECT_EQ(history.versions(0).actor(), "steward-wang");
  EXPECT_EQ(history.versions(0).reason(), "registered");
  EXPECT_EQ(history.versions(1).actor(), "rep-li");
  EXPECT_EQ(history.versions(1).reason(), "卫健委评审结果");
  ASSERT_EQ(history.versions(1).changes_size(), 1);
  EXPECT_EQ(history.versions(1).changes(0).field(), "hospital_grade");
  EXPECT_EQ(history.versions(1).changes(0).old_value(), "HOSPITAL_GRADE_3B");
  EXPECT_EQ(history.versions(1).changes(0).new_value(), "HOSPITAL_GRADE_3A");
  // Writing version 2 kept version 1's snapshot in its record.
  EXPECT_EQ(history.versions(0).customer().version(), 1);
  EXPECT_EQ(history.versions(0).customer().profile().hospital_grade(), v1::HOSPITAL_GRADE_3B);
  EXPECT_EQ(history.versions(1).customer().version(), 2);
  EXPECT_EQ(history.versions(1).customer().profile().hospital_grade(), v1::HOSPITAL_GRADE_3A);

  std::string at = absl::FormatTime("%Y-%m-%dT%H:%M:%E3SZ", between, absl::UTCTimeZone());
  http::Response then = Http("GET", absl::StrCat("/api/v1/customers/", v1c.id(), "/profile?as_of=", at));
  ASSERT_EQ(then.status, 200) << then.body;
  v1::Customer as_of;
  ASSERT_TRUE(JsonStringToMessage(then.body, &as_of).ok());
  EXPECT_EQ(as_of.version(), 1);
  EXPECT_EQ(as_of.profile().hospital_grade(), v1::HOSPITAL_GRADE_3B);
  http::Response now = Http("GET", absl::StrCat("/api/v1/customers/", v1c.id(), "/profile"));
  EXPECT_NE(now.body.find("HOSPITAL_GRADE_3A"), std::string::npos) << now.body;
  http::Response before = Http("GET", absl::StrCat("/api/v1/customers/", v1c.id(),
                                                   "/profile?as_of=2020-01-01T00:00:00Z"));
  EXPECT_EQ(before.status, 404) << before.body;
  EXPECT_NE(before.body.find("as_of"), std::string::npos);
  http::Response bad = Http("GET", absl::StrCat("/api/v1/customers/", v1c.id(), "/profile?as_of=yesterday"));
  EXPECT_EQ(bad.status, 400) << bad.body;
}

TEST_F(FlowTest, SearchFindsByCharactersPinyinAndInitialsWithStablePages) {
  const char* names[] = {"首都医科大学附属北京天坛医院", "北京天坛普华医院", "天津市天坛社区医院",
                         "上海天坛路药店"};
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    ids.push_back(Register(absl::StrCat("search-", i),
                           absl::StrCat(R"({"kind":")", i == 3 ? "CUSTOMER_KIND_PHARMACY" : "CUSTOMER_KIND_HOSPITAL",
                                        R"(","name":")", names[i], R"(","address":")",
                                        i == 2 ? "天津市和平区南京路1号" : "北京市东城区天坛西里6号",
                                        R"("})")));
  }
  auto search = [&](const std::string& q) {
    http::Response r = Http("GET", "/api/v1/customers?" + q);
    EXPECT_EQ(r.status, 200) << q << " -> " << r.body;
    v1::SearchCustomersResponse out;
    EXPECT_TRUE(JsonStringToMessage(r.body, &out).ok()) << r.body;
    return out;
  };
  // "天坛" percent-encoded: characters anywhere in the name. The index is a
  // projection of the events: it follows within moments.
  ASSERT_TRUE(WaitUntil([&] { return search("query=%E5%A4%A9%E5%9D%9B").total_size() == 4; }));
  EXPECT_EQ(search("query=tiantan").total_size(), 4);                       // Pinyin.
  EXPECT_EQ(search("query=ttpa").total_size(), 0);
  EXPECT_EQ(search("query=bjttyy").total_size(), 1);                        // Initials.
  EXPECT_EQ(search("query=tiantan&kind=CUSTOMER_KIND_PHARMACY").total_size(), 1);
  // The address was parsed into province/city: filter by it.
  EXPECT_EQ(search("query=tiantan&province=%E5%A4%A9%E6%B4%A5%E5%B8%82").total_size(), 1);

  // Pages: 2 + 2, no overlap, same order as one page of 4.
  v1::SearchCustomersResponse all = search("query=tiantan&page_size=4");
  v1::SearchCustomersResponse p1 = search("query=tiantan&page_size=2");
  ASSERT_EQ(p1.customers_size(), 2);
  ASSERT_FALSE(p1.next_page_token().empty());
  v1::SearchCustomersResponse p2 = search("query=tiantan&page_size=2&page_token=" + p1.next_page_token());
  ASSERT_EQ(p2.customers_size(), 2);
  EXPECT_TRUE(p2.next_page_token().empty());
  EXPECT_EQ(p1.customers(0).id(), all.customers(0).id());
  EXPECT_EQ(p2.customers(1).id(), all.customers(3).id());

  // A rename moves the customer in the index.
  http::Response renamed = Http("PATCH", "/api/v1/customers/" + ids[1],
                                R"({"request_id":"search-rename","expected_version":1,)"
                                R"("profile":{"name":"北京普华国际医院"},"update_mask":"name"})");
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  ASSERT_TRUE(WaitUntil([&] { return search("query=tiantan").total_size() == 3; }));
  EXPECT_EQ(search("query=puhua").total_size(), 1);

  // Bad input names the field.
  for (const auto& [target, field] : std::vector<std::pair<std::string, std::string>>{
           {"/api/v1/customers?query=x&page_size=500", "page_size"},
           {"/api/v1/customers?query=x&page_size=abc", "page_size"},
           {"/api/v1/duplicates?min_score=high", "min_score"},
           {"/api/v1/customers?kind=CUSTOMER_KIND_DENTIST", "kind"},
           {"/api/v1/customers?query=x&page_token=%21%21", "page_token"}}) {
    ExpectGetRefusedNaming(target, field);
  }
  EXPECT_EQ(Http("GET", "/api/v1/customers").status, 400);
}

// Reads `topic` from the beginning, for at most 30 s, until `visit` returns
// true for a record; true if it did.
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

// Reads `topic` from the beginning until `pred` accepts an envelope.
bool SeenOnTopic(const std::string& topic, const std::function<bool(const v1::EventEnvelope&)>& pred) {
  return ReadTopicUntil(topic, [&](RdKafka::Message& m) {
    v1::EventEnvelope env;
    return env.ParseFromArray(m.payload(), static_cast<int>(m.len())) && pred(env);
  });
}

// The Kafka headers of the first record on `topic` whose envelope `pred`
// accepts (empty if none within 30 s), with that envelope.
std::map<std::string, std::string> HeadersOnTopic(
    const std::string& topic, const std::function<bool(const v1::EventEnvelope&)>& pred,
    v1::EventEnvelope* found) {
  std::map<std::string, std::string> headers;
  ReadTopicUntil(topic, [&](RdKafka::Message& m) {
    if (!found->ParseFromArray(m.payload(), static_cast<int>(m.len())) || !pred(*found)) {
      return false;
    }
    if (m.headers() != nullptr) {
      for (const RdKafka::Headers::Header& h : m.headers()->get_all()) {
        headers[h.key()] = std::string(static_cast<const char*>(h.value()), h.value_size());
      }
    }
    return true;
  });
  return headers;
}

// The relay derives each event's CloudEvents headers and traceparent from
// its envelope (docs/EVENTS.md, Headers).
TEST_F(FlowTest, PublishedEventsCarryCloudEventsHeadersAndATraceparent) {
  std::string hospital = RegisterHospital("headers");
  v1::EventEnvelope env;
  std::map<std::string, std::string> h = HeadersOnTopic(
      "pharmacrm.customer.events.v1",
      [&](const v1::EventEnvelope& e) {
        return e.aggregate_id() == hospital && e.event_type() == "pharmacrm.v1.CustomerRegistered";
      },
      &env);
  ASSERT_FALSE(h.empty()) << "no CustomerRegistered with headers for " << hospital;
  EXPECT_EQ(h.size(), 8u);
  EXPECT_EQ(h["ce_specversion"], "1.0");
  EXPECT_EQ(h["ce_id"], env.event_id());
  EXPECT_EQ(h["ce_source"], "/pharmacrm/customer-master");
  EXPECT_EQ(h["ce_type"], "pharmacrm.v1.CustomerRegistered");
  EXPECT_EQ(h["ce_subject"], "customer/" + hospital);
  EXPECT_EQ(h["ce_time"], google::protobuf::util::TimeUtil::ToString(env.occurred_at()));
  EXPECT_EQ(h["content-type"], "application/protobuf");
  EXPECT_EQ(h["traceparent"], bus::TraceParent(env.correlation_id(), env.event_id()));
}

TEST_F(FlowTest, MonthlyMetricsAreKeptByPeriodWithDerivedFiguresAndPublished) {
  std::string hospital = RegisterHospital("metrics");
  std::string doctor = RegisterDoctor("metrics", hospital);
  auto record = [&](const std::string& period, int total, int own) {
    return Http("POST", absl::StrCat("/api/v1/customers/", doctor, "/metrics"),
                absl::StrCat(R"({"request_id":"metrics-)", period, "-", own, R"(","metrics":{"period":")",
                             period, R"(","doctor":{"outpatient_visits":420,"clinic_days":18,)",
                             R"("prescriptions":[{"drug_class":"心血管药","volume":)", total, R"(}],)",
                             R"("own_prescriptions":[{"drug_class":"心血管药","volume":)", own,
                             R"(}]}}})"));
  };
  ASSERT_EQ(record("2026-07", 200, 30).status, 201);
  ASSERT_EQ(record("2026-08", 250, 50).status, 201);
  http::Response corrected = record("2026-08", 250, 60);  // A correction: version 2.
  ASSERT_EQ(corrected.status, 201) << corrected.body;
  EXPECT_NE(corrected.body.find(R"("version":"2")"), std::string::npos) << corrected.body;
  ASSERT_EQ(record("2026-09", 300, 75).status, 201);

  http::Response series = Http("GET", absl::StrCat("/api/v1/customers/", doctor,
                                                   "/metrics?from=2026-08&to=2026-09"));
  ASSERT_EQ(series.status, 200) << series.body;
  v1::MetricsSeries s;
  ASSERT_TRUE(JsonStringToMessage(series.body, &s).ok()) << series.body;
  ASSERT_EQ(s.records_size(), 2);
  EXPECT_EQ(s.records(0).period(), "2026-08");
  EXPECT_EQ(s.records(0).version(), 2);
  ASSERT_EQ(s.key_figures_size(), 2);
  EXPECT_TRUE(s.key_figures(0).has_prescription_share());
  EXPECT_DOUBLE_EQ(s.key_figures(0).prescription_share(), 60.0 / 250.0);
  EXPECT_DOUBLE_EQ(s.key_figures(1).prescription_share(), 75.0 / 300.0);

  // Own above total is rejected naming the field, and nothing is stored.
  http::Response bad = record("2026-10", 100, 101);
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_NE(bad.body.find("own_prescriptions[0].volume"), std::string::npos) << bad.body;
  http::Response future = record("2031-01", 10, 1);
  EXPECT_EQ(future.status, 400) << future.body;
  EXPECT_NE(future.body.find("metrics.period"), std::string::npos) << future.body;
  http::Response unknown = Http("POST", "/api/v1/customers/no-such-id/metrics",
                                R"({"request_id":"m-x","metrics":{"period":"2026-01"}})");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_EQ(Http("GET", absl::StrCat("/api/v1/customers/", doctor, "/metrics?from=2026-13"))
                .status, 400);

  EXPECT_TRUE(SeenOnTopic("pharmacrm.customer.events.v1", [&](const v1::EventEnvelope& e) {
    v1::MetricsRecorded m;
    return e.customer_id() == doctor && e.payload().UnpackTo(&m) && m.metrics().period() == "2026-09" &&
           m.key_figures().has_prescription_share();
  }));
}

TEST_F(FlowTest, CompletenessScoresRecordsAndTheWorklistSaysWhatToCollect) {
  // A bare pharmacy in a province of its own for this test, and a fuller one.
  std::string bare = Register("dq-bare", R"({"kind":"CUSTOMER_KIND_PHARMACY","name":"好药师大药房",)"
                                         R"("province":"青海省","city":"西宁市"})");
  std::string fuller = Register(
      "dq-full", R"({"kind":"CUSTOMER_KIND_PHARMACY","name":"一心堂西宁店","province":"青海省",)"
                 R"("city":"西宁市","address":"城中区长江路1号","phone":"0971-8888888",)"
                 R"("pharmacy":{"gsp_status":"GSP_STATUS_CERTIFIED","staff_count":12,"postcode":"810000"}})");
  http::Response r = Http("GET", absl::StrCat("/api/v1/customers/", bare, "/completeness"));
  ASSERT_EQ(r.status, 200) << r.body;
  v1::Completeness bare_score;
  ASSERT_TRUE(JsonStringToMessage(r.body, &bare_score).ok());
  v1::Completeness full_score;
  ASSERT_TRUE(JsonStringToMessage(Http("GET", absl::StrCat("/api/v1/customers/", fuller, "/completeness")).body,
                                  &full_score)
                  .ok());
  EXPECT_LT(bare_score.score(), full_score.score());
  EXPECT_FALSE(bare_score.missing().empty());
  EXPECT_FALSE(bare_score.missing(0).label_zh().empty());

  v1::Worklist worklist;
  ASSERT_TRUE(WaitUntil([&] {
    http::Response w = Http("GET", "/api/v1/worklist?kind=CUSTOMER_KIND_PHARMACY&province=%E9%9D%92%E6%B5%B7%E7%9C%81&limit=10");
    worklist.Clear();
    return w.status == 200 && JsonStringToMessage(w.body, &worklist).ok() && worklist.items_size() == 2;
  }));
  EXPECT_EQ(worklist.items(0).customer_id(), bare);  // Least complete first.
  EXPECT_EQ(Http("GET", "/api/v1/worklist?limit=10").status, 400);
  EXPECT_EQ(Http("GET", "/api/v1/worklist?kind=CUSTOMER_KIND_PHARMACY&limit=9999").status, 400);
  EXPECT_EQ(Http("GET", "/api/v1/customers/nobody/completeness").status, 404);
}

TEST_F(FlowTest, DeactivatedCustomerLeavesSearchKeepsHistoryAndIsPublished) {
  std::string id = Register("deact", R"({"kind":"CUSTOMER_KIND_PHARMACY","name":"闭店测试大药房"})");
  EXPECT_EQ(Http("POST", absl::StrCat("/api/v1/customers/", id, "/deactivate"),
                 R"({"request_id":"deact-0","expected_version":1})")
                .status,
            400);  // reason is required.
  http::Response r = Http("POST", absl::StrCat("/api/v1/customers/", id, "/deactivate"),
                          R"({"request_id":"deact-1","expected_version":1,"reason":"门店关闭"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_NE(r.body.find("CUSTOMER_STATUS_INACTIVE"), std::string::npos) << r.body;
  v1::SearchCustomersResponse found;
  ASSERT_TRUE(JsonStringToMessage(Http("GET", "/api/v1/customers?query=bidian").body, &found).ok());
  EXPECT_EQ(found.total_size(), 0);
  ASSERT_TRUE(WaitUntil([&] {
    found.Clear();
    return JsonStringToMessage(Http("GET", "/api/v1/customers?query=bidian&include_inactive=true").body,
                               &found).ok() &&
           found.total_size() == 1 &&
           found.customers(0).status() == v1::CUSTOMER_STATUS_INACTIVE;
  }));
  ASSERT_TRUE(JsonStringToMessage(Http("GET", "/api/v1/customers?query=bidian").body, &found).ok());
  EXPECT_EQ(found.total_size(), 0);
  http::Response patch = Http("PATCH", "/api/v1/customers/" + id,
                              R"({"request_id":"deact-2","expected_version":2,"profile":{"name":"x"},"update_mask":"name"})");
  EXPECT_EQ(patch.status, 400) << patch.body;  // FAILED_PRECONDITION.
  EXPECT_NE(patch.body.find("FAILED_PRECONDITION"), std::string::npos) << patch.body;
  v1::CustomerHistory history;
  ASSERT_TRUE(JsonStringToMessage(Http("GET", absl::StrCat("/api/v1/customers/", id, "/history")).body,
                                  &history)
                  .ok());
  ASSERT_EQ(history.versions_size(), 2);
  EXPECT_EQ(history.versions(1).reason(), "门店关闭");
  EXPECT_TRUE(SeenOnTopic("pharmacrm.customer.events.v1", [&](const v1::EventEnvelope& e) {
    v1::CustomerDeactivated d;
    return e.customer_id() == id && e.payload().UnpackTo(&d) && d.reason() == "门店关闭";
  }));
  // Once sales-pipeline has seen the deactivation, visits to it are refused.
  http::Response visit;
  int attempt = 0;
  ASSERT_TRUE(WaitUntil([&] {
    visit = Http("POST", "/api/v1/visits",
                 absl::StrCat(R"({"request_id":"deact-visit-)", ++attempt, R"(","customer_id":")",
                              id, R"(","rep_id":"rep-1"})"));
    return visit.status == 400;
  })) << visit.status << " " << visit.body;
  EXPECT_NE(visit.body.find("FAILED_PRECONDITION"), std::string::npos) << visit.body;
  EXPECT_NE(visit.body.find("customer_id"), std::string::npos) << visit.body;
}

TEST_F(FlowTest, AReactivatedCustomerIsBackAndItsReferencesFollowMergesMadeMeanwhile) {
  std::string kept =
      Register("react-h1", R"({"kind":"CUSTOMER_KIND_HOSPITAL","name":"复开测试医院",)"
                           R"("province":"湖北省","city":"武汉市"})");
  std::string dupe =
      Register("react-h2", R"({"kind":"CUSTOMER_KIND_HOSPITAL","name":"复开测试医院分院",)"
                           R"("province":"湖北省","city":"武汉市"})");
  std::string doctor =
      Register("react-d", absl::StrCat(R"({"kind":"CUSTOMER_KIND_DOCTOR","name":"复职医生",)",
                                       R"("hospital_id":")", dupe, R"("})"));
  auto post = [&](const std::string& id, const std::string& verb, const std::string& body) {
    return Http("POST", absl::StrCat("/api/v1/customers/", id, "/", verb), body);
  };
  // An active customer cannot be reactivated.
  http::Response active = post(
      doctor, "reactivate", R"({"request_id":"react-0","expected_version":1,"reason":"误操作"})");
  EXPECT_EQ(active.status, 400) << active.body;
  EXPECT_NE(active.body.find("FAILED_PRECONDITION"), std::string::npos) << active.body;
  EXPECT_NE(active.body.find("is already active"), std::string::npos) << active.body;
  ASSERT_EQ(
      post(doctor, "deactivate", R"({"request_id":"react-1","expected_version":1,"reason":"离职"})")
          .status,
      200);
  // Once sales-pipeline has seen the deactivation, visits are refused.
  http::Response visit;
  int attempt = 0;
  auto try_visit = [&] {
    visit = Http("POST", "/api/v1/visits",
                 absl::StrCat(R"({"request_id":"react-visit-)", ++attempt, R"(","customer_id":")",
                              doctor, R"(","rep_id":"rep-1"})"));
  };
  ASSERT_TRUE(WaitUntil([&] {
    try_visit();
    return visit.status == 400;
  })) << visit.status
      << " " << visit.body;
  // While the doctor is inactive its hospital is merged: inactive customers'
  // references are not re-pointed by the merge.
  ASSERT_EQ(post(kept, "merge",
                 absl::StrCat(R"({"request_id":"react-merge","merged_ids":[")", dupe,
                              R"("],"reason":"同一医院"})"))
                .status,
            200);
  EXPECT_EQ(Profile(doctor).profile().hospital_id(), dupe);

  // Bad input changes nothing: each case names its field.
  struct Bad {
    std::string id;
    std::string body;
    int status;
    std::string expected;
  };
  for (const Bad& bad : std::vector<Bad>{
           {doctor, R"({"request_id":"react-2","expected_version":2})", 400, R"("field":"reason")"},
           {doctor, R"({"request_id":"react-3","expected_version":0,"reason":"返岗"})", 400,
            R"("field":"expected_version")"},
           {doctor, R"({"request_id":"react-4","expected_version":1,"reason":"返岗"})", 409,
            "expected_version"},
           {doctor, R"({"request_id":"react-5","expected_version":"two","reason":"返岗"})", 400,
            "expected_version"},
           {"no-such-id", R"({"request_id":"react-6","expected_version":1,"reason":"返岗"})", 404,
            R"("field":"customer_id")"},
           {dupe, R"({"request_id":"react-7","expected_version":2,"reason":"返岗"})", 400,
            "UnmergeCustomer"},
       }) {
    http::Response r = post(bad.id, "reactivate", bad.body);
    EXPECT_EQ(r.status, bad.status) << bad.body << " -> " << r.body;
    EXPECT_NE(r.body.find(bad.expected), std::string::npos) << bad.body << " -> " << r.body;
  }
  EXPECT_EQ(Profile(doctor).version(), 2);
  EXPECT_EQ(Profile(doctor).status(), v1::CUSTOMER_STATUS_INACTIVE);

  http::Response r = post(doctor, "reactivate",
                          R"({"request_id":"react-8","expected_version":2,"reason":"返岗"})");
  ASSERT_EQ(r.status, 200) << r.body;
  v1::Customer back = Profile(doctor);
  EXPECT_EQ(back.status(), v1::CUSTOMER_STATUS_ACTIVE);
  EXPECT_EQ(back.version(), 3);
  EXPECT_EQ(back.profile().hospital_id(), kept);  // Follows the merge.
  // The same request again answers the same, and adds nothing.
  http::Response again = post(doctor, "reactivate",
                              R"({"request_id":"react-8","expected_version":2,"reason":"返岗"})");
  EXPECT_EQ(again.status, 200) << again.body;
  EXPECT_EQ(Profile(doctor).version(), 3);

  v1::CustomerHistory history;
  ASSERT_TRUE(
      JsonStringToMessage(Http("GET", absl::StrCat("/api/v1/customers/", doctor, "/history")).body,
                          &history)
          .ok());
  ASSERT_EQ(history.versions_size(), 3);
  const v1::CustomerVersion& v3 = history.versions(2);
  EXPECT_EQ(v3.reason(), "返岗");
  std::vector<std::string> changes;
  for (const auto& c : v3.changes()) {
    changes.push_back(absl::StrCat(c.field(), ": ", c.old_value(), " -> ", c.new_value()));
  }
  EXPECT_THAT(changes,
              testing::ElementsAre("status: CUSTOMER_STATUS_INACTIVE -> CUSTOMER_STATUS_ACTIVE",
                                   absl::StrCat("hospital_id: ", dupe, " -> ", kept)));
  // Back in search, and a consumer sees the event.
  ASSERT_TRUE(WaitUntil([&] {
    v1::SearchCustomersResponse found;
    return JsonStringToMessage(Http("GET", "/api/v1/customers?query=fuzhi").body, &found).ok() &&
           found.total_size() == 1 && found.customers(0).id() == doctor;
  }));
  EXPECT_TRUE(SeenOnTopic("pharmacrm.customer.events.v1", [&](const v1::EventEnvelope& e) {
    v1::CustomerReactivated a;
    return e.customer_id() == doctor && e.payload().UnpackTo(&a) && a.reason() == "返岗" &&
           a.customer().profile().hospital_id() == kept && a.changes_size() == 2;
  }));
  // Once sales-pipeline has seen it, visits to the doctor are accepted again.
  ASSERT_TRUE(WaitUntil([&] {
    try_visit();
    return visit.status == 201;
  })) << visit.status
      << " " << visit.body;
  // The doctor is listed under the hospital it now names, so a later merge
  // of that hospital re-points it again.
  std::vector<std::string> referring;
  v1::ListReferringCustomersResponse named;
  ASSERT_TRUE(JsonStringToMessage(
                  Http("GET", absl::StrCat("/api/v1/customers/", kept, "/referring")).body, &named)
                  .ok());
  for (const auto& c : named.customers()) referring.push_back(c.customer().id());
  EXPECT_THAT(referring, testing::Contains(doctor));
}

// Runs the pharmacrm command-line tool; returns its stdout and exit code.
std::pair<std::string, int> RunCli(const std::string& args) {
  std::string cmd = absl::StrCat(PHARMACRM_BIN_DIR, "/pharmacrm ", args, " 2>/dev/null");
  FILE* pipe = popen(cmd.c_str(), "r");
  std::string out;
  char buf[4096];
  while (size_t n = fread(buf, 1, sizeof(buf), pipe)) out.append(buf, n);
  int status = pclose(pipe);
  return {out, WIFEXITED(status) ? WEXITSTATUS(status) : -1};
}

TEST_F(FlowTest, CsvImportThroughTheCliAcceptsGoodRowsAndReportsBadOnes) {
  std::string dir = TempDir("pcrm-import-");
  std::string csv = absl::StrCat(dir, "/customers.csv");
  {
    std::ofstream f(csv);
    f << "external_id,kind,name,province,city,address,phone,hospital_id,department,hospital.bed_"
         "count\n"
         "H-1,医院,\"中南大学湘雅医院\",湖南省,长沙市,\"开福区湘雅路87号, "
         "门诊楼\",0731-84328888,,,3500\n"
         "D-1,医生,刘洋,,,,13800000001,H-1,心内科,\n"
         "D-2,医生,陈静,,,,1380000000,H-1,肿瘤科,\n"    // line 4: 10-digit mobile
         "D-1,医生,刘洋,,,,13800000001,H-1,心内科,\n"   // line 5: same external_id
         "D-3,医生,赵磊,,,,13800000003,H-404,儿科,\n"   // line 6: unknown hospital
         "D-4,医生,赵磊,,,,13800000003,H-1,儿科,\n"     // line 7: like line 6, good
         "D-5,医生,刘洋,,,,13800000001,H-1,心内科,\n";  // line 8: like line 3
  }
  std::string server = absl::StrCat("--server=", suite_->GrpcAddress("customer-master"));
  auto [out, code] = RunCli(absl::StrCat("import --file=", csv, " --request_id=cli-import-1 --source=legacy ", server));
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("rows 7, accepted 3, rejected 2, duplicates 2"), std::string::npos) << out;
  EXPECT_NE(out.find("line 4 profile.phone"), std::string::npos) << out;
  EXPECT_NE(out.find("line 5 external_id: duplicate of line 3"), std::string::npos) << out;
  EXPECT_NE(out.find("line 6 profile.hospital_id"), std::string::npos) << out;
  // A rejected row does not make a later one like it a duplicate.
  EXPECT_EQ(out.find("line 7 "), std::string::npos) << out;
  EXPECT_NE(out.find("line 8 profile.name: duplicate of line 3 (same kind, name and phone)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("rows/s"), std::string::npos) << out;

  // The same request id: the first summary, nothing imported again.
  auto [again, code2] = RunCli(absl::StrCat("import --file=", csv, " --request_id=cli-import-1 ", server));
  EXPECT_EQ(code2, 0);
  EXPECT_NE(again.find("accepted 3, rejected 2, duplicates 2"), std::string::npos) << again;
  // A new import of the same file: rows already imported are duplicates.
  // Line 8 is not (its external id is new, and kind, name and phone are
  // compared within one import only: a stored customer like it is left to
  // match & merge).
  auto [third, code3] = RunCli(absl::StrCat("import --file=", csv, " --request_id=cli-import-2 ", server));
  EXPECT_EQ(code3, 0);
  EXPECT_NE(third.find("accepted 1, rejected 2, duplicates 4"), std::string::npos) << third;
  EXPECT_NE(third.find("already imported as"), std::string::npos) << third;

  // The doctor is linked to the imported hospital and findable.
  v1::SearchCustomersResponse found;
  ASSERT_TRUE(WaitUntil([&] {
    found.Clear();
    return JsonStringToMessage(Http("GET", "/api/v1/customers?query=xiangya").body, &found).ok() &&
           found.total_size() == 1;
  }));
  EXPECT_EQ(found.customers(0).profile().hospital().bed_count(), 3500);
  EXPECT_EQ(found.customers(0).profile().city(), "长沙市");

  // A header naming an unknown column rejects the whole file, with the reason.
  std::string bad = absl::StrCat(dir, "/bad.csv");
  { std::ofstream f(bad); f << "kind,name,bed_count\n医院,某医院,10\n"; }
  auto [bad_out, bad_code] = RunCli(absl::StrCat("import --file=", bad, " ", server));
  EXPECT_EQ(bad_code, 0);
  EXPECT_NE(bad_out.find("accepted 0, rejected"), std::string::npos) << bad_out;
  EXPECT_NE(bad_out.find("bed_count"), std::string::npos) << bad_out;
  // No such file: a clear error and a non-zero exit.
  auto [none, none_code] = RunCli(absl::StrCat("import --file=", dir, "/missing.csv ", server));
  EXPECT_NE(none_code, 0);
  std::filesystem::remove_all(dir);
}

// Sends `data` on a new stream of `open` (ImportCustomers or
// ImportMetrics), cancels the call once the first batch of 500 rows is in,
// and waits until customer-master logs that `method`'s stream ended before
// the file did (it records the complete lines it has first).
void ImportAndCancelAfterFirstBatch(Suite& suite, const std::string& method, const OpenImport& open,
                                    const std::string& request_id, v1::ImportFormat format,
                                    const std::string& data) {
  {
    grpc::ClientContext ctx;
    auto stream = open(&ctx);
    ASSERT_TRUE(WriteImportChunks(*stream, request_id, format, data, 4096));
    v1::ImportProgress first;
    ASSERT_TRUE(stream->Read(&first));  // The first batch of 500 is in.
    EXPECT_GE(first.accepted(), 500);
    ctx.TryCancel();
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  ASSERT_TRUE(WaitUntil([&] {
    std::ifstream log(suite.process("customer-master").log_path());
    for (std::string line; std::getline(log, line);) {
      if (line.find(method) != std::string::npos &&
          line.find("the import stream ended before the file did") != std::string::npos)
        return true;
    }
    return false;
  }));
}

// Monthly metrics in bulk, as a hospital information system's monthly export
// arrives: through the CLI, each good row recorded like RecordMetrics
// (versions, derived figures, an event), each bad row named by line and
// field, a row equal to what is stored counted as a duplicate.
TEST_F(FlowTest, MonthlyMetricsAreImportedInBulkThroughTheCli) {
  auto stub = CustomerMasterClient(*suite_);
  ImportResult customers =
      StreamImport(*stub, "metrics-import-customers", v1::IMPORT_FORMAT_JSON_LINES,
                   "{\"external_id\":\"MI-H1\",\"profile\":{\"kind\":\"CUSTOMER_KIND_HOSPITAL\","
                   "\"name\":\"指标导入医院\",\"province\":\"湖南省\",\"city\":\"长沙市\"}}\n"
                   "{\"external_id\":\"MI-D1\",\"profile\":{\"kind\":\"CUSTOMER_KIND_DOCTOR\","
                   "\"name\":\"指标导入医生\",\"hospital_id\":\"MI-H1\"}}\n"
                   "{\"external_id\":\"MI-H2\",\"profile\":{\"kind\":\"CUSTOMER_KIND_HOSPITAL\","
                   "\"name\":\"指标导入医院\",\"province\":\"湖南省\",\"city\":\"长沙市\"}}\n",
                   4096);
  ASSERT_TRUE(customers.status.ok()) << customers.status.error_message();
  ASSERT_EQ(customers.summary.accepted(), 3) << customers.summary.DebugString();
  const std::string hospital = customers.summary.imported_ids().at("MI-H1");
  const std::string doctor = customers.summary.imported_ids().at("MI-D1");
  auto doctor_row = [](const std::string& who, const std::string& period, int total, int own) {
    return absl::StrCat(
        who, R"("metrics":{"period":")", period,
        R"(","doctor":{"outpatient_visits":"420","prescriptions":[{"drug_class":"心血管药","volume":)",
        total, R"(}],"own_prescriptions":[{"drug_class":"心血管药","volume":)", own,
        R"(}]},"version":"9","recorded_at":"2020-01-01T00:00:00Z"}})", "\n");
  };
  const std::string by_external = R"({"external_id":"MI-D1",)";
  std::string file = absl::StrCat(
      R"({"external_id":"MI-H1","metrics":{"period":"2026-07","hospital":{"outpatient_visits":"1000","bed_utilisation_permille":800}}})",
      "\n",                                         // 1
      doctor_row(by_external, "2026-07", 200, 30),  // 2
      R"({"metrics":{"customer_id":")", doctor,
      R"(","period":"2026-08","doctor":{"prescriptions":[{"drug_class":"心血管药","volume":250}],"own_prescriptions":[{"drug_class":"心血管药","volume":50}]}}})",
      "\n",                                                          // 3
      doctor_row(R"({"external_id":"MI-NOPE",)", "2026-07", 10, 1),  // 4
      doctor_row(by_external, "2026-09", 100, 101),                  // 5: own > total
      R"({"external_id":"MI-H1","metrics":{"period":"2026-07","doctor":{"outpatient_visits":"1"}}})",
      "\n",  // 6: a doctor's figures
      R"({"external_id":"MI-D1","metrics":{"period":"2026-07","doctor":{"outpatient_visits":"many"}}})",
      "\n",                                         // 7
      doctor_row(by_external, "2026-07", 200, 30),  // 8: as line 2
      doctor_row(by_external, "2026-07", 200, 40),  // 9: a correction
      R"({"external_id":"MI-D1","metrics":{"customer_id":")", hospital, R"(","period":"2026-07"}})",
      "\n");  // 10
  std::string dir = TempDir("pcrm-metrics-import-");
  std::string path = absl::StrCat(dir, "/metrics.jsonl");
  { std::ofstream(path) << file; }
  std::string server = absl::StrCat("--server=", suite_->GrpcAddress("customer-master"));
  const ImportRowCounts rows_before = ImportRows("pharmacrm_metrics_import_rows_total");
  auto [out, code] = RunCli(absl::StrCat("import --what=metrics --file=", path,
                                         " --request_id=metrics-import-1 --source=his ", server));
  ASSERT_EQ(code, 0) << out;
  // Counted on customer-master's /metrics by outcome, as the summary counts.
  const ImportRowCounts rows_after = ImportRows("pharmacrm_metrics_import_rows_total");
  EXPECT_EQ(rows_after.accepted - rows_before.accepted, 4);
  EXPECT_EQ(rows_after.rejected - rows_before.rejected, 5);
  EXPECT_EQ(rows_after.duplicates - rows_before.duplicates, 1);
  EXPECT_NE(out.find("rows 10, accepted 4, rejected 5, duplicates 1"), std::string::npos) << out;
  EXPECT_NE(out.find("line 4 external_id: no customer was imported with external_id 'MI-NOPE'"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("line 5 metrics.figures.doctor.own_prescriptions[0].volume"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("line 6 metrics.figures: do not match"), std::string::npos) << out;
  EXPECT_NE(out.find("line 7 metrics.doctor.outpatient_visits"), std::string::npos) << out;
  EXPECT_NE(out.find("line 8 metrics: unchanged: already recorded as version 1"), std::string::npos)
      << out;
  EXPECT_NE(out.find("line 10 metrics.customer_id"), std::string::npos) << out;

  // The doctor's series: July corrected (version 2), August by customer id.
  v1::GetMetricsRequest get;
  get.set_customer_id(doctor);
  v1::MetricsSeries series;
  grpc::ClientContext context;
  ASSERT_TRUE(stub->GetMetrics(&context, get, &series).ok());
  ASSERT_EQ(series.records_size(), 2) << series.DebugString();
  EXPECT_EQ(series.records(0).period(), "2026-07");
  EXPECT_EQ(series.records(0).version(), 2);
  EXPECT_EQ(series.records(0).source(), "his");
  EXPECT_NE(google::protobuf::util::TimeUtil::TimestampToSeconds(series.records(0).recorded_at()),
            google::protobuf::util::TimeUtil::TimestampToSeconds(
                google::protobuf::util::TimeUtil::SecondsToTimestamp(1577836800)));
  EXPECT_DOUBLE_EQ(series.key_figures(0).prescription_share(), 40.0 / 200.0);
  EXPECT_EQ(series.records(1).period(), "2026-08");
  EXPECT_EQ(series.records(1).version(), 1);
  EXPECT_DOUBLE_EQ(series.key_figures(1).prescription_share(), 50.0 / 250.0);
  EXPECT_TRUE(SeenOnTopic("pharmacrm.customer.events.v1", [&](const v1::EventEnvelope& e) {
    v1::MetricsRecorded m;
    return e.customer_id() == doctor && e.payload().UnpackTo(&m) &&
           m.metrics().period() == "2026-08" && m.key_figures().has_prescription_share();
  }));

  // The same request id answers the first summary and records nothing.
  auto [again, code2] = RunCli(absl::StrCat("import --what=metrics --file=", path,
                                            " --request_id=metrics-import-1 ", server));
  EXPECT_EQ(code2, 0);
  EXPECT_NE(again.find("rows 10, accepted 4, rejected 5, duplicates 1"), std::string::npos)
      << again;
  v1::MetricsSeries after;
  grpc::ClientContext context2;
  ASSERT_TRUE(stub->GetMetrics(&context2, get, &after).ok());
  EXPECT_EQ(after.records(0).version(), 2);
  // Metrics come as JSON Lines only: CSV is refused naming the format, and
  // the CLI exits non-zero.
  auto [csv, csv_code] = RunCli(absl::StrCat("import --what=metrics --format=csv --file=", path,
                                             " --request_id=metrics-import-csv ", server));
  EXPECT_NE(csv_code, 0) << csv;
  // A first chunk the service refuses: the status names the field, and
  // nothing is recorded.
  auto refuse = [&](const std::string& request_id, v1::ImportFormat format,
                    const std::string& source) {
    grpc::ClientContext ctx;
    auto stream = stub->ImportMetrics(&ctx);
    v1::ImportChunk chunk;
    chunk.set_request_id(request_id);
    chunk.set_format(format);
    chunk.set_source(source);
    chunk.set_data(doctor_row(by_external, "2026-10", 10, 1));
    stream->Write(chunk);
    stream->WritesDone();
    return stream->Finish();
  };
  grpc::Status refused = refuse("metrics-import-csv", v1::IMPORT_FORMAT_CSV, "");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(), ::testing::HasSubstr("format: metrics are imported from "
                                                            "JSON Lines only"));
  refused = refuse("", v1::IMPORT_FORMAT_JSON_LINES, "");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(), ::testing::HasSubstr("request_id"));
  refused =
      refuse("metrics-import-long-source", v1::IMPORT_FORMAT_JSON_LINES, std::string(101, 's'));
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(), ::testing::HasSubstr("source: longer than 100 bytes"));
  v1::MetricsSeries october;
  get.set_from_period("2026-10");
  grpc::ClientContext context3;
  ASSERT_TRUE(stub->GetMetrics(&context3, get, &october).ok());
  EXPECT_EQ(october.records_size(), 0) << october.DebugString();

  // MI-H2, a duplicate of MI-H1, is merged into it; the source system still
  // sends MI-H2, and its rows land on the golden record.
  v1::MergeCustomersRequest merge;
  merge.set_request_id("metrics-import-merge");
  merge.set_survivor_id(hospital);
  merge.add_merged_ids(customers.summary.imported_ids().at("MI-H2"));
  merge.set_reason("同一医院");
  v1::Customer golden;
  grpc::ClientContext merge_context;
  ASSERT_TRUE(stub->MergeCustomers(&merge_context, merge, &golden).ok());
  const std::string merged_path = absl::StrCat(dir, "/merged.jsonl");
  {
    std::ofstream(merged_path)
        << R"({"external_id":"MI-H2","metrics":{"period":"2026-08","hospital":{"outpatient_visits":"1200"}}})"
        << "\n";
  }
  auto [merged_out, merged_code] =
      RunCli(absl::StrCat("import --what=metrics --file=", merged_path,
                          " --request_id=metrics-import-merged ", server));
  ASSERT_EQ(merged_code, 0) << merged_out;
  EXPECT_NE(merged_out.find("rows 1, accepted 1, rejected 0"), std::string::npos) << merged_out;
  v1::GetMetricsRequest golden_get;
  golden_get.set_customer_id(hospital);
  v1::MetricsSeries golden_series;
  grpc::ClientContext context4;
  ASSERT_TRUE(stub->GetMetrics(&context4, golden_get, &golden_series).ok());
  ASSERT_EQ(golden_series.records_size(), 2) << golden_series.DebugString();
  EXPECT_EQ(golden_series.records(1).period(), "2026-08");
  EXPECT_EQ(golden_series.records(1).hospital().outpatient_visits(), 1200);
  // A metrics file named .csv is still read as JSON Lines (the only format
  // of metrics), and the row, sent again, is unchanged.
  const std::string named_csv = absl::StrCat(dir, "/merged-export.csv");
  std::filesystem::copy_file(merged_path, named_csv);
  auto [csv_named_out, csv_named_code] =
      RunCli(absl::StrCat("import --what=metrics --file=", named_csv,
                          " --request_id=metrics-import-named-csv ", server));
  ASSERT_EQ(csv_named_code, 0) << csv_named_out;
  EXPECT_NE(csv_named_out.find("rows 1, accepted 0, rejected 0, duplicates 1"), std::string::npos)
      << csv_named_out;
  std::filesystem::remove_all(dir);
}

// A metrics import cut off part way records the complete lines it has, and
// the same request id then records the rest: the rows in already count as
// unchanged, and the cut line is recorded whole, once.
TEST_F(FlowTest, ACancelledMetricsImportRecordsCompleteLinesAndTheSameRequestIdTheRest) {
  auto stub = CustomerMasterClient(*suite_);
  std::string doctors =
      "{\"external_id\":\"MC-H1\",\"profile\":{\"kind\":\"CUSTOMER_KIND_HOSPITAL\","
      "\"name\":\"断点医院\",\"province\":\"湖南省\",\"city\":\"长沙市\"}}\n";
  for (int d = 1; d <= 10; ++d) {
    doctors += absl::StrCat("{\"external_id\":\"MC-D", d,
                            "\",\"profile\":{\"kind\":\"CUSTOMER_KIND_DOCTOR\",\"name\":\"断点医生",
                            d, "\",\"hospital_id\":\"MC-H1\"}}\n");
  }
  ImportResult imported =
      StreamImport(*stub, "metrics-cancel-doctors", v1::IMPORT_FORMAT_JSON_LINES, doctors, 4096);
  ASSERT_TRUE(imported.status.ok()) << imported.status.error_message();
  ASSERT_EQ(imported.summary.accepted(), 11) << imported.summary.DebugString();
  // 520 rows: ten doctors, 52 months each (2022-07 to 2026-10).
  std::string complete;
  for (int d = 1; d <= 10; ++d) {
    for (int i = 0; i < 52; ++i) {
      const int month = 2022 * 12 + 6 + i;
      complete += absl::StrCat("{\"external_id\":\"MC-D", d, "\",\"metrics\":{\"period\":\"",
                               month / 12, "-", absl::Dec(month % 12 + 1, absl::kZeroPad2),
                               "\",\"doctor\":{\"outpatient_visits\":\"", d * 1000 + i, "\"}}}\n");
    }
  }
  const std::string last_row =
      "{\"external_id\":\"MC-D1\",\"metrics\":{\"period\":\"2022-06\",\"doctor\":{"
      "\"outpatient_visits\":\"777\"}}}\n";
  const std::string cut = last_row.substr(0, last_row.find("777") + 1);
  const OpenImport open = [&](grpc::ClientContext* c) { return stub->ImportMetrics(c); };
  ImportAndCancelAfterFirstBatch(*suite_, "ImportMetrics", open, "cancelled-metrics-import-1",
                                 v1::IMPORT_FORMAT_JSON_LINES, complete + cut);
  if (HasFatalFailure()) return;
  ImportResult again = StreamImportWith(open, "cancelled-metrics-import-1",
                                        v1::IMPORT_FORMAT_JSON_LINES, complete + last_row, 4096);
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  const v1::ImportProgress& summary = again.summary;
  ASSERT_TRUE(summary.done());
  EXPECT_EQ(summary.rows_read(), 521);
  EXPECT_EQ(summary.rejected(), 0);
  EXPECT_EQ(summary.accepted() + summary.duplicates(), 521);
  EXPECT_GE(summary.duplicates(), 500);
  // Every month once, at version 1, the cut one with its whole value.
  v1::GetMetricsRequest get;
  get.set_customer_id(imported.summary.imported_ids().at("MC-D1"));
  v1::MetricsSeries series;
  grpc::ClientContext gctx;
  ASSERT_TRUE(stub->GetMetrics(&gctx, get, &series).ok());
  ASSERT_EQ(series.records_size(), 53);
  EXPECT_EQ(series.records(0).period(), "2022-06");
  EXPECT_EQ(series.records(0).doctor().outpatient_visits(), 777);
  for (const auto& r : series.records()) EXPECT_EQ(r.version(), 1) << r.period();
}

// An import of several batches sent in small chunks that split lines: the
// service reads and parses ahead of the batch it writes, so this checks that
// rows keep their order and line numbers across batches, that a row may
// refer to a hospital of an earlier batch, and that every accepted row is
// searchable once the summary arrives.
TEST_F(FlowTest, AStreamedImportOfManyBatchesKeepsLinesAndOrder) {
  constexpr int kDoctors = 1400;  // Three batches of rows and more.
  std::string file =
      "{\"external_id\":\"SH-1\",\"profile\":{\"kind\":\"CUSTOMER_KIND_HOSPITAL\","
      "\"name\":\"流式导入医院\",\"province\":\"上海市\",\"city\":\"上海市\"}}\n";
  std::set<int> bad_lines;
  for (int i = 1; i <= kDoctors; ++i) {
    int line = i + 1;
    if (i % 450 == 0) {
      file += absl::StrCat("{\"external_id\":\"SD-", i,
                           "\",\"profile\":{\"kind\":\"CUSTOMER_KIND_DOCTOR\","
                           "\"name\":\"坏行",
                           i, "\",\"phone\":\"12345\",\"hospital_id\":\"SH-1\"}}\n");
      bad_lines.insert(line);
    } else if (i == 777) {
      file += "{\"external_id\": not json\n";
      bad_lines.insert(line);
    } else {
      file += absl::StrCat("{\"external_id\":\"SD-", i,
                           "\",\"profile\":{\"kind\":\"CUSTOMER_KIND_DOCTOR\","
                           "\"name\":\"流式医生",
                           i, "\",\"hospital_id\":\"SH-1\"}}\n");
    }
  }
  auto stub = CustomerMasterClient(*suite_);
  constexpr size_t kChunk = 97;  // Splits lines and UTF-8 characters.
  ImportResult streamed = StreamImport(*stub, "streamed-import-1", v1::IMPORT_FORMAT_JSON_LINES,
                                       file, kChunk, "stream-test");
  ASSERT_TRUE(streamed.all_written);
  ASSERT_TRUE(streamed.status.ok()) << streamed.status.error_message();
  const v1::ImportProgress& summary = streamed.summary;
  EXPECT_GE(streamed.messages, 3);  // Progress per batch, then the summary.
  ASSERT_TRUE(summary.done());
  EXPECT_EQ(summary.rows_read(), kDoctors + 1);
  EXPECT_EQ(summary.rejected(), static_cast<int64_t>(bad_lines.size()));
  EXPECT_EQ(summary.accepted(), kDoctors + 1 - static_cast<int64_t>(bad_lines.size()));
  std::set<int> reported;
  int64_t previous = 0;
  for (const auto& e : summary.errors()) {
    reported.insert(static_cast<int>(e.line()));
    EXPECT_GE(e.line(), previous);  // In line order.
    previous = e.line();
  }
  EXPECT_EQ(reported, bad_lines);
  EXPECT_EQ(summary.imported_ids().size(), summary.accepted());
  // The last row is found at once: the summary follows the index.
  v1::SearchCustomersRequest search;
  search.set_query(absl::StrCat("流式医生", kDoctors));
  v1::SearchCustomersResponse found;
  auto sctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
  ASSERT_TRUE(stub->SearchCustomers(sctx.get(), search, &found).ok());
  ASSERT_EQ(found.customers_size(), 1);
  EXPECT_EQ(found.customers(0).profile().hospital_id(), summary.imported_ids().at("SH-1"));
  EXPECT_EQ(found.customers(0).id(), summary.imported_ids().at(absl::StrCat("SD-", kDoctors)));
}

// A client that cancels an import mid-file: the rows of complete lines it
// sent are imported, the cut line after them is not parsed as a row (here
// it would be a pharmacy with a cut name), no summary is stored, and the
// same request_id then imports the rest.
TEST_F(FlowTest, ACancelledImportKeepsCompleteLinesAndTheSameRequestIdImportsTheRest) {
  constexpr int kRows = 520;
  std::string complete = "external_id,kind,name,province,city\n";
  for (int i = 1; i <= kRows; ++i) {
    complete += absl::StrCat("CX-", i, ",药店,取消导入药房", i, ",湖南省,长沙市\n");
  }
  const std::string last_row = "CX-521,药店,截断药房全名,湖南省,长沙市\n";
  const std::string cut =
      last_row.substr(0, last_row.find("截断药") + std::string("截断药").size());
  auto stub = CustomerMasterClient(*suite_);
  ImportAndCancelAfterFirstBatch(
      *suite_, "ImportCustomers", [&](grpc::ClientContext* c) { return stub->ImportCustomers(c); },
      "cancelled-import-1", v1::IMPORT_FORMAT_CSV, complete + cut);
  if (HasFatalFailure()) return;
  // The same request id: no stored summary, so the whole file is imported,
  // the rows already in reported as such.
  ImportResult again =
      StreamImport(*stub, "cancelled-import-1", v1::IMPORT_FORMAT_CSV, complete + last_row, 4096);
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  const v1::ImportProgress& summary = again.summary;
  ASSERT_TRUE(summary.done());
  EXPECT_EQ(summary.rejected(), 0);
  EXPECT_EQ(summary.accepted() + summary.duplicates(), kRows + 1);
  EXPECT_GE(summary.duplicates(), 500);
  // One pharmacy holds 截断药: the whole name, not the cut one.
  v1::SearchCustomersRequest search;
  search.set_query("截断药");
  v1::SearchCustomersResponse found;
  auto sctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
  ASSERT_TRUE(stub->SearchCustomers(sctx.get(), search, &found).ok());
  ASSERT_EQ(found.customers_size(), 1);
  EXPECT_EQ(found.customers(0).profile().name(), "截断药房全名");
  search.set_query("取消导入药房");
  search.set_page_size(1);
  auto cctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
  ASSERT_TRUE(stub->SearchCustomers(cctx.get(), search, &found).ok());
  EXPECT_EQ(found.total_size(), kRows);  // Each row once.
}

// An import's request_id identifies one file: the same file again (in
// other chunks) gets the first summary and imports nothing, while another
// file under the same request_id is refused, naming request_id, and imports
// nothing either. Files up to 64 KiB are compared whole; longer ones by
// their first 64 KiB.
TEST_F(FlowTest, AnImportRequestIdReusedForAnotherFileIsRefusedAndTheSameFileGetsItsSummary) {
  auto stub = CustomerMasterClient(*suite_);
  auto import = [&](const std::string& request_id, v1::ImportFormat format, const std::string& data,
                    size_t chunk_bytes) {
    return StreamImport(*stub, request_id, format, data, chunk_bytes);
  };
  auto count = [&](const std::string& query) {
    v1::SearchCustomersRequest search;
    search.set_query(query);
    v1::SearchCustomersResponse found;
    auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
    EXPECT_TRUE(stub->SearchCustomers(ctx.get(), search, &found).ok());
    return found.total_size();
  };
  auto refused = [](const ImportResult& r) {
    return r.status.error_code() == grpc::StatusCode::FAILED_PRECONDITION &&
           r.status.error_message().find("request_id") != std::string::npos;
  };

  const std::string small =
      "external_id,kind,name,province,city\n"
      "RU-1,药店,复用请求药房甲,湖南省,长沙市\n"
      "RU-2,药店,复用请求药房乙,湖南省,长沙市\n";
  ImportResult first = import("reuse-small", v1::IMPORT_FORMAT_CSV, small, 4096);
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  ASSERT_EQ(first.summary.accepted(), 2);
  // The same file in 7-byte chunks: the first summary, nothing new.
  ImportResult again = import("reuse-small", v1::IMPORT_FORMAT_CSV, small, 7);
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  EXPECT_TRUE(again.summary.done());
  EXPECT_EQ(again.summary.accepted(), 2);
  EXPECT_EQ(again.summary.imported_ids().at("RU-1"), first.summary.imported_ids().at("RU-1"));
  // A longer file, a changed one of the same length, a shorter one, the
  // same bytes as another format: each refused, nothing imported.
  const std::string longer = small + "RU-3,药店,复用请求药房丙,湖南省,长沙市\n";
  std::string changed = small;
  changed.replace(changed.find("RU-2"), 4, "RU-9");
  const std::string shorter = small.substr(0, small.size() - 10);
  for (const auto& [name, result] :
       {std::pair{"longer", import("reuse-small", v1::IMPORT_FORMAT_CSV, longer, 4096)},
        std::pair{"longer, in small chunks",
                  import("reuse-small", v1::IMPORT_FORMAT_CSV, longer, 5)},
        std::pair{"changed", import("reuse-small", v1::IMPORT_FORMAT_CSV, changed, 4096)},
        std::pair{"shorter", import("reuse-small", v1::IMPORT_FORMAT_CSV, shorter, 4096)},
        std::pair{"other format",
                  import("reuse-small", v1::IMPORT_FORMAT_JSON_LINES, small, 4096)}}) {
    EXPECT_TRUE(refused(result)) << name << ": " << result.status.error_code() << " "
                                 << result.status.error_message();
  }
  EXPECT_EQ(count("复用请求药房丙"), 0);
  EXPECT_EQ(count("复用请求药房"), 2);

  // A file longer than 64 KiB: compared by its first 64 KiB.
  std::string big = "external_id,kind,name,province,city\n";
  for (int i = 1; big.size() < 100 * 1024; ++i) {
    big += absl::StrCat("RB-", i, ",药店,复用大文件药房", i, ",湖南省,长沙市\n");
  }
  ImportResult big_first = import("reuse-big", v1::IMPORT_FORMAT_CSV, big, 64 * 1024);
  ASSERT_TRUE(big_first.status.ok()) << big_first.status.error_message();
  const int64_t big_rows = big_first.summary.accepted();
  ASSERT_GT(big_rows, 1000);
  ImportResult big_again = import("reuse-big", v1::IMPORT_FORMAT_CSV, big, 1000);
  ASSERT_TRUE(big_again.status.ok()) << big_again.status.error_message();
  EXPECT_EQ(big_again.summary.accepted(), big_rows);
  std::string big_changed = big;
  big_changed.replace(big_changed.find("RB-2,"), 5, "RX-2,");
  EXPECT_TRUE(refused(import("reuse-big", v1::IMPORT_FORMAT_CSV, big_changed, 64 * 1024)));
  EXPECT_TRUE(refused(import("reuse-big", v1::IMPORT_FORMAT_CSV, big.substr(0, 60 * 1024), 4096)));
  v1::SearchCustomersRequest search;
  search.set_query("复用大文件药房");
  search.set_page_size(1);
  v1::SearchCustomersResponse found;
  auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
  ASSERT_TRUE(stub->SearchCustomers(ctx.get(), search, &found).ok());
  EXPECT_EQ(found.total_size(), big_rows);
}

// References between customers (a contact's pharmacy, a distributor's
// parent and branches, ...): an import resolves external ids of earlier rows
// or earlier imports to customer ids and rejects rows whose references name
// nothing fitting, each reference named; register and update check them.
TEST_F(FlowTest, ReferencesBetweenCustomersAreResolvedOnImportAndCheckedOnRegisterAndUpdate) {
  auto stub = CustomerMasterClient(*suite_);
  const std::string file =
      R"({"external_id":"REF-PHA-1","profile":{"kind":"CUSTOMER_KIND_PHARMACY","name":"引用测试大药房","province":"湖南省","city":"长沙市"}})"
      "\n"
      R"({"external_id":"REF-CON-1","profile":{"kind":"CUSTOMER_KIND_CONTACT","name":"引用店员甲","contact":{"pharmacy_id":"REF-PHA-1"}}})"
      "\n"
      R"({"external_id":"REF-CON-2","profile":{"kind":"CUSTOMER_KIND_CONTACT","name":"引用店员乙","contact":{"pharmacy_id":"REF-PHA-404"}}})"
      "\n"
      R"({"external_id":"REF-DIS-B","profile":{"kind":"CUSTOMER_KIND_DISTRIBUTOR","name":"引用医药分公司"}})"
      "\n"
      R"({"external_id":"REF-DIS-P","profile":{"kind":"CUSTOMER_KIND_DISTRIBUTOR","name":"引用医药集团","distributor":{"branch_ids":["REF-DIS-B"]}}})"
      "\n"
      R"({"external_id":"REF-DIS-X","profile":{"kind":"CUSTOMER_KIND_DISTRIBUTOR","name":"引用医药错误","distributor":{"parent_id":"REF-PHA-1","branch_ids":["REF-DIS-B","REF-NONE"]}}})"
      "\n"
      R"({"external_id":"REF-DIS-C","profile":{"kind":"CUSTOMER_KIND_DISTRIBUTOR","name":"引用医药子公司","distributor":{"parent_id":"REF-DIS-P"}}})"
      "\n"
      R"({"external_id":"REF-DIS-Y","profile":{"kind":"CUSTOMER_KIND_DISTRIBUTOR","name":"引用医药争夺","distributor":{"branch_ids":["REF-DIS-C"]}}})"
      "\n"
      R"({"external_id":"REF-DIS-Z","profile":{"kind":"CUSTOMER_KIND_DISTRIBUTOR","name":"引用医药双向","distributor":{"parent_id":"REF-DIS-B","branch_ids":["REF-DIS-B"]}}})"
      "\n";
  const ImportRowCounts before = ImportRows("pharmacrm_import_rows_total");
  ImportResult imported =
      StreamImport(*stub, "references-import", v1::IMPORT_FORMAT_JSON_LINES, file, file.size());
  ASSERT_TRUE(imported.all_written);
  ASSERT_TRUE(imported.status.ok()) << imported.status.error_message();
  const v1::ImportProgress& summary = imported.summary;
  EXPECT_EQ(summary.accepted(), 5);
  EXPECT_EQ(summary.rejected(), 4);
  // The import's rows are counted on customer-master's /metrics by outcome,
  // and no import is running any more.
  const ImportRowCounts after = ImportRows("pharmacrm_import_rows_total");
  EXPECT_EQ(after.accepted - before.accepted, 5);
  EXPECT_EQ(after.rejected - before.rejected, 4);
  EXPECT_EQ(after.duplicates - before.duplicates, 0);
  EXPECT_EQ(Metric("customer-master", "pharmacrm_imports_running"), 0);
  std::vector<std::string> errors;
  for (const auto& e : summary.errors()) {
    errors.push_back(absl::StrCat(e.line(), " ", e.field(), ": ", e.reason()));
  }
  EXPECT_EQ(errors, (std::vector<std::string>{
                        "3 profile.contact.pharmacy_id: no customer with id or external_id "
                        "'REF-PHA-404' (must be a pharmacy)",
                        "6 profile.distributor.parent_id: 'REF-PHA-1' is a pharmacy, not a "
                        "distributor",
                        "6 profile.distributor.branch_ids[1]: no customer with id or external_id "
                        "'REF-NONE' (must be a distributor)",
                        absl::StrCat("8 profile.distributor.branch_ids[0]: 'REF-DIS-C' has another "
                                     "parent, '",
                                     summary.imported_ids().at("REF-DIS-P"),
                                     "' (its profile.distributor.parent_id)"),
                        "9 profile.distributor.branch_ids[0]: 'REF-DIS-B' is also its parent_id"}));
  const auto& ids = summary.imported_ids();
  auto get = [&](const std::string& id) {
    v1::GetCustomerRequest req;
    req.set_customer_id(id);
    v1::Customer c;
    auto gctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
    EXPECT_TRUE(stub->GetCustomer(gctx.get(), req, &c).ok()) << id;
    return c;
  };
  EXPECT_EQ(get(ids.at("REF-CON-1")).profile().contact().pharmacy_id(), ids.at("REF-PHA-1"));
  EXPECT_EQ(get(ids.at("REF-DIS-P")).profile().distributor().branch_ids(0), ids.at("REF-DIS-B"));

  // Register: an unknown id is 404, a customer of the wrong kind 400, both
  // naming the field; nothing is registered.
  http::Response unknown = Http(
      "POST", "/api/v1/customers",
      R"({"request_id":"ref-reg-1","profile":{"kind":"CUSTOMER_KIND_CONTACT","name":"引用店员丙","contact":{"pharmacy_id":"no-such-id"}}})");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_NE(unknown.body.find(R"("field":"profile.contact.pharmacy_id")"), std::string::npos)
      << unknown.body;
  http::Response wrong = Http(
      "POST", "/api/v1/customers",
      absl::StrCat(
          R"({"request_id":"ref-reg-2","profile":{"kind":"CUSTOMER_KIND_PATIENT","name":"引用患者","patient":{"treating_doctor_id":")",
          ids.at("REF-CON-1"), R"("}}})"));
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  EXPECT_NE(wrong.body.find(R"("field":"profile.patient.treating_doctor_id")"), std::string::npos)
      << wrong.body;
  EXPECT_NE(wrong.body.find("is a contact, not a doctor"), std::string::npos) << wrong.body;
  // Update: a distributor cannot be its own parent; a valid parent is taken.
  const std::string branch = ids.at("REF-DIS-B");
  http::Response self = Http(
      "PATCH", "/api/v1/customers/" + branch,
      absl::StrCat(
          R"({"request_id":"ref-upd-1","expected_version":1,"profile":{"distributor":{"parent_id":")",
          branch, R"("}},"update_mask":"distributor"})"));
  EXPECT_EQ(self.status, 400) << self.body;
  EXPECT_NE(self.body.find(R"("field":"profile.distributor.parent_id")"), std::string::npos)
      << self.body;
  http::Response parent = Http(
      "PATCH", "/api/v1/customers/" + branch,
      absl::StrCat(
          R"({"request_id":"ref-upd-2","expected_version":1,"profile":{"distributor":{"parent_id":")",
          ids.at("REF-DIS-P"), R"("}},"update_mask":"distributor"})"));
  EXPECT_EQ(parent.status, 200) << parent.body;
  EXPECT_EQ(get(branch).profile().distributor().parent_id(), ids.at("REF-DIS-P"));
  // The parent under its branch now: a loop, refused naming the field.
  http::Response loop = Http(
      "PATCH", "/api/v1/customers/" + ids.at("REF-DIS-P"),
      absl::StrCat(
          R"({"request_id":"ref-upd-3","expected_version":1,"profile":{"distributor":{"parent_id":")",
          branch, R"("}},"update_mask":"distributor"})"));
  EXPECT_EQ(loop.status, 400) << loop.body;
  EXPECT_NE(loop.body.find(R"("field":"profile.distributor.parent_id")"), std::string::npos)
      << loop.body;
  EXPECT_NE(loop.body.find("would loop"), std::string::npos) << loop.body;
  EXPECT_EQ(get(ids.at("REF-DIS-P")).version(), 1);

  // A distributor's branches and the branches' parents must agree: a branch
  // with another parent, a parent that lists the customer among its
  // branches while another does, and a branch that is also the parent are
  // refused, each naming the field; nothing is written.
  const std::string group = ids.at("REF-DIS-P");
  auto reg = [&](const std::string& request_id, const std::string& profile) {
    return Http("POST", "/api/v1/customers",
                absl::StrCat(R"({"request_id":")", request_id, R"(","profile":)", profile, "}"));
  };
  auto set_parent = [&](const std::string& request_id, const std::string& id, int64_t version,
                        const std::string& parent_id) {
    return Http("PATCH", "/api/v1/customers/" + id,
                absl::StrCat(R"({"request_id":")", request_id, R"(","expected_version":)", version,
                             R"(,"profile":{"distributor":{"parent_id":")", parent_id,
                             R"("}},"update_mask":"distributor"})"));
  };
  http::Response rival = reg(
      "ref-agree-1", absl::StrCat(R"({"kind":"CUSTOMER_KIND_DISTRIBUTOR","name":"引用医药对手",)",
                                  R"("distributor":{"branch_ids":[")", branch, R"("]}})"));
  EXPECT_EQ(rival.status, 400) << rival.body;
  EXPECT_NE(rival.body.find("FAILED_PRECONDITION"), std::string::npos) << rival.body;
  EXPECT_NE(rival.body.find(R"("field":"profile.distributor.branch_ids[0]")"), std::string::npos)
      << rival.body;
  EXPECT_NE(rival.body.find(absl::StrCat("has another parent, '", group, "'")), std::string::npos)
      << rival.body;
  http::Response made =
      reg("ref-agree-2", R"({"kind":"CUSTOMER_KIND_DISTRIBUTOR","name":"引用医药新分部"})");
  ASSERT_EQ(made.status, 201) << made.body;
  v1::Customer fresh;
  ASSERT_TRUE(JsonStringToMessage(made.body, &fresh).ok());
  http::Response region = reg(
      "ref-agree-3", absl::StrCat(R"({"kind":"CUSTOMER_KIND_DISTRIBUTOR","name":"引用医药区域",)",
                                  R"("distributor":{"branch_ids":[")", fresh.id(), R"("]}})"));
  ASSERT_EQ(region.status, 201) << region.body;  // The branch has no parent yet: agrees.
  v1::Customer regional;
  ASSERT_TRUE(JsonStringToMessage(region.body, &regional).ok());
  http::Response other_parent = set_parent("ref-agree-4", fresh.id(), 1, group);
  EXPECT_EQ(other_parent.status, 400) << other_parent.body;
  EXPECT_NE(other_parent.body.find("FAILED_PRECONDITION"), std::string::npos) << other_parent.body;
  EXPECT_NE(other_parent.body.find(R"("field":"profile.distributor.parent_id")"), std::string::npos)
      << other_parent.body;
  EXPECT_NE(other_parent.body.find(regional.id()), std::string::npos) << other_parent.body;
  EXPECT_EQ(get(fresh.id()).version(), 1);
  http::Response agreed = set_parent("ref-agree-5", fresh.id(), 1, regional.id());
  EXPECT_EQ(agreed.status, 200) << agreed.body;  // The one that lists it.
  http::Response both = reg(
      "ref-agree-6", absl::StrCat(R"({"kind":"CUSTOMER_KIND_DISTRIBUTOR","name":"引用医药双向",)",
                                  R"("distributor":{"parent_id":")", regional.id(),
                                  R"(","branch_ids":[")", regional.id(), R"("]}})"));
  EXPECT_EQ(both.status, 400) << both.body;
  EXPECT_NE(both.body.find("INVALID_ARGUMENT"), std::string::npos) << both.body;
  EXPECT_NE(both.body.find(R"("field":"profile.distributor.branch_ids[0]")"), std::string::npos)
      << both.body;
  EXPECT_NE(both.body.find("is also its parent_id"), std::string::npos) << both.body;
}

TEST_F(FlowTest, TerritoriesAreRenamedAndRecodedThroughTheGateway) {
  auto stub = CustomerMasterClient(*suite_);
  auto create = [&](const std::string& code, v1::TerritoryLevel level, const std::string& parent,
                    v1::Territory* out) {
    return CreateTerritory(*stub, "rename-" + code, code, level, parent, out);
  };
  v1::Territory nation, region, area, t1, t2;
  ASSERT_TRUE(create("XR", v1::TERRITORY_LEVEL_NATION, "", &nation).ok());
  ASSERT_TRUE(create("XR-E", v1::TERRITORY_LEVEL_REGION, nation.id(), &region).ok());
  ASSERT_TRUE(create("XR-E-SH", v1::TERRITORY_LEVEL_AREA, region.id(), &area).ok());
  ASSERT_TRUE(create("XR-E-SH-01", v1::TERRITORY_LEVEL_TERRITORY, area.id(), &t1).ok());
  ASSERT_TRUE(create("XR-E-SH-02", v1::TERRITORY_LEVEL_TERRITORY, area.id(), &t2).ok());
  const std::string target = "/api/v1/territories/" + t1.id();

  // Renamed and recoded, with the provinces it covers.
  const std::string body =
      R"({"request_id":"rename-1","expected_version":1,"territory":{"name":"上海浦东一区",)"
      R"("code":"XR-E-SH-PD1","provinces":["上海市"]},"update_mask":"name,code,provinces"})";
  http::Response ok = Http("PATCH", target, body);
  ASSERT_EQ(ok.status, 200) << ok.body;
  v1::Territory renamed;
  ASSERT_TRUE(JsonStringToMessage(ok.body, &renamed).ok());
  EXPECT_EQ(renamed.name(), "上海浦东一区");
  EXPECT_EQ(renamed.code(), "XR-E-SH-PD1");
  EXPECT_THAT(renamed.provinces(), ::testing::ElementsAre("上海市"));
  EXPECT_EQ(renamed.version(), 2);
  EXPECT_EQ(renamed.level(), v1::TERRITORY_LEVEL_TERRITORY);
  EXPECT_EQ(renamed.parent_id(), area.id());
  // Retried with the same request id: the same reply.
  http::Response again = Http("PATCH", target, body);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, ok.body);
  http::Response read = Http("GET", target);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_NE(read.body.find("上海浦东一区"), std::string::npos) << read.body;
  // Listed by its new code; the old one is free again.
  http::Response listed = Http("GET", "/api/v1/territories?parent_id=" + area.id());
  ASSERT_EQ(listed.status, 200) << listed.body;
  v1::ListTerritoriesResponse under;
  ASSERT_TRUE(JsonStringToMessage(listed.body, &under).ok());
  std::vector<std::string> codes;
  for (const auto& t : under.territories()) codes.push_back(t.code());
  EXPECT_THAT(codes, ::testing::ElementsAre("XR-E-SH-02", "XR-E-SH-PD1"));
  v1::Territory reused;
  EXPECT_TRUE(create("XR-E-SH-01", v1::TERRITORY_LEVEL_TERRITORY, area.id(), &reused).ok());

  // Bad changes: each names its field, and nothing changes.
  auto refused = [&](const std::string& request, int status, const std::string& field) {
    http::Response r = Http("PATCH", target, request);
    EXPECT_EQ(r.status, status) << request << " -> " << r.body;
    EXPECT_NE(r.body.find(field), std::string::npos) << request << " -> " << r.body;
  };
  refused(R"({"request_id":"rename-2","expected_version":1,"territory":{"name":"旧"},)"
          R"("update_mask":"name"})",
          409, "ABORTED");
  refused(R"({"request_id":"rename-3","expected_version":2,"territory":{"code":"XR-E-SH-02"},)"
          R"("update_mask":"code"})",
          409, "territory.code");
  refused(R"({"request_id":"rename-4","expected_version":2,"territory":{"code":"pd 1"},)"
          R"("update_mask":"code"})",
          400, "territory.code");
  refused(R"({"request_id":"rename-5","expected_version":2,"territory":{"name":"  "},)"
          R"("update_mask":"name"})",
          400, "territory.name");
  refused(R"({"request_id":"rename-6","expected_version":2,"territory":{"parent_id":"x"},)"
          R"("update_mask":"parent_id"})",
          400, "update_mask.paths[0]");
  refused(R"({"request_id":"rename-7","expected_version":2,"territory":{}})", 400, "update_mask");
  refused(R"({"request_id":"rename-8","expected_version":2,"territory_id":"other",)"
          R"("territory":{"name":"x"},"update_mask":"name"})",
          400, "territory_id");
  http::Response unknown =
      Http("PATCH", "/api/v1/territories/no-such-territory",
           R"({"request_id":"rename-10","expected_version":1,"territory":{"name":"x"},)"
           R"("update_mask":"name"})");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_NE(unknown.body.find("territory_id"), std::string::npos) << unknown.body;
  http::Response still = Http("GET", target);
  EXPECT_EQ(still.body, read.body);
}

TEST_F(FlowTest, TerritoriesAlignCustomersWithHistoryAndAsOfAnswers) {
  using google::protobuf::util::TimeUtil;
  auto stub = CustomerMasterClient(*suite_);
  auto create = [&](const std::string& code, v1::TerritoryLevel level, const std::string& parent,
                    v1::Territory* out) {
    return CreateTerritory(*stub, "terr-" + code, code, level, parent, out);
  };
  v1::Territory nation, region, area, t1, t2, dup, wrong;
  ASSERT_TRUE(create("CN", v1::TERRITORY_LEVEL_NATION, "", &nation).ok());
  ASSERT_TRUE(create("CN-N", v1::TERRITORY_LEVEL_REGION, nation.id(), &region).ok());
  ASSERT_TRUE(create("CN-N-BJ", v1::TERRITORY_LEVEL_AREA, region.id(), &area).ok());
  ASSERT_TRUE(create("CN-N-BJ-01", v1::TERRITORY_LEVEL_TERRITORY, area.id(), &t1).ok());
  ASSERT_TRUE(create("CN-N-BJ-02", v1::TERRITORY_LEVEL_TERRITORY, area.id(), &t2).ok());
  EXPECT_EQ(create("CN-N-BJ-XX", v1::TERRITORY_LEVEL_TERRITORY, region.id(), &wrong).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // A territory directly under a region.
  v1::CreateTerritoryRequest again;
  again.set_request_id("terr-dup");
  *again.mutable_territory() = t1;
  again.mutable_territory()->clear_id();
  auto dctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
  EXPECT_EQ(stub->CreateTerritory(dctx.get(), again, &dup).error_code(), grpc::StatusCode::ALREADY_EXISTS);

  // The tree is listed through the gateway: under a parent, by level, by code.
  auto list = [&](const std::string& query) {
    http::Response r = Http("GET", absl::StrCat("/api/v1/territories", query));
    v1::ListTerritoriesResponse out;
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(JsonStringToMessage(r.body, &out).ok()) << r.body;
    std::vector<std::string> codes;
    for (const auto& t : out.territories()) codes.push_back(t.code());
    return codes;
  };
  EXPECT_THAT(list(absl::StrCat("?parent_id=", area.id())),
              ::testing::ElementsAre("CN-N-BJ-01", "CN-N-BJ-02"));
  EXPECT_THAT(list(absl::StrCat("?parent_id=", nation.id(), "&level=TERRITORY_LEVEL_REGION")),
              ::testing::ElementsAre("CN-N"));
  EXPECT_THAT(list(absl::StrCat("?parent_id=", nation.id(), "&level=TERRITORY_LEVEL_AREA")),
              ::testing::IsEmpty());
  std::vector<std::string> all = list("");
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  EXPECT_THAT(all, ::testing::IsSupersetOf({"CN", "CN-N", "CN-N-BJ", "CN-N-BJ-01", "CN-N-BJ-02"}));
  http::Response bad_level = Http("GET", "/api/v1/territories?level=REGION");
  EXPECT_EQ(bad_level.status, 400) << bad_level.body;
  EXPECT_NE(bad_level.body.find("level"), std::string::npos) << bad_level.body;
  http::Response no_parent = Http("GET", "/api/v1/territories?parent_id=no-such-territory");
  EXPECT_EQ(no_parent.status, 404) << no_parent.body;
  EXPECT_NE(no_parent.body.find("parent_id"), std::string::npos) << no_parent.body;
  v1::ListTerritoriesRequest odd_level;
  odd_level.set_level(static_cast<v1::TerritoryLevel>(9));
  v1::ListTerritoriesResponse unused;
  auto lctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
  EXPECT_EQ(stub->ListTerritories(lctx.get(), odd_level, &unused).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  std::string hospital = RegisterHospital("territory");
  absl::Time now = absl::Now();
  auto align = [&](const std::string& rid, const std::string& territory, absl::Time from) {
    v1::AlignRequest req;
    req.set_request_id(rid);
    req.set_subject(v1::ALIGNMENT_SUBJECT_CUSTOMER);
    req.set_subject_id(hospital);
    req.set_territory_id(territory);
    *req.mutable_effective_from() = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(from));
    req.set_reason("年度区域调整");
    v1::Alignment out;
    auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
    return stub->Align(ctx.get(), req, &out);
  };
  ASSERT_TRUE(align("align-1", t1.id(), now - absl::Hours(24 * 30)).ok());
  ASSERT_TRUE(align("align-2", t2.id(), now - absl::Hours(24 * 10)).ok());
  EXPECT_EQ(align("align-3", region.id(), now).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(align("align-4", t1.id(), now - absl::Hours(24 * 400)).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // Back-dated by more than a year.

  auto territory_at = [&](absl::Time t) -> std::string {
    v1::GetAlignmentRequest req;
    req.set_subject(v1::ALIGNMENT_SUBJECT_CUSTOMER);
    req.set_subject_id(hospital);
    *req.mutable_as_of() = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
    v1::Alignment out;
    auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
    grpc::Status s = stub->GetAlignment(ctx.get(), req, &out);
    return s.ok() ? out.territory_id() : absl::StatusCodeToString(static_cast<absl::StatusCode>(s.error_code()));
  };
  EXPECT_EQ(territory_at(now - absl::Hours(24 * 20)), t1.id());
  EXPECT_EQ(territory_at(now), t2.id());
  EXPECT_EQ(territory_at(now - absl::Hours(24 * 40)), "NOT_FOUND");

  auto members = [&](const std::string& territory, absl::Time t, bool descendants) {
    v1::ListTerritoryCustomersRequest req;
    req.set_territory_id(territory);
    *req.mutable_as_of() = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
    req.set_include_descendants(descendants);
    v1::ListTerritoryCustomersResponse out;
    auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
    EXPECT_TRUE(stub->ListTerritoryCustomers(ctx.get(), req, &out).ok());
    return std::vector<std::string>(out.customer_ids().begin(), out.customer_ids().end());
  };
  EXPECT_EQ(members(t1.id(), now - absl::Hours(24 * 20), false), std::vector<std::string>{hospital});
  EXPECT_TRUE(members(t1.id(), now, false).empty());
  EXPECT_EQ(members(area.id(), now, true), std::vector<std::string>{hospital});

  // Search within a territory (current alignment).
  v1::SearchCustomersResponse in_t2, in_t1;
  ASSERT_TRUE(WaitUntil([&] {
    in_t2.Clear();
    return JsonStringToMessage(Http("GET", "/api/v1/customers?query=xiehe&territory_id=" + t2.id()).body,
                               &in_t2).ok() &&
           in_t2.total_size() == 1;
  }));
  ASSERT_TRUE(JsonStringToMessage(
                  Http("GET", "/api/v1/customers?query=xiehe&territory_id=" + t1.id()).body, &in_t1)
                  .ok());
  EXPECT_EQ(in_t1.total_size(), 0);

  // The worklist of a territory: what to collect from its customers now,
  // those of the territories below it included.
  v1::Worklist in_area, in_old;
  http::Response w = Http("GET", "/api/v1/worklist?kind=CUSTOMER_KIND_HOSPITAL&territory_id=" + area.id());
  ASSERT_TRUE(JsonStringToMessage(w.body, &in_area).ok()) << w.body;
  ASSERT_EQ(in_area.items_size(), 1) << w.body;
  EXPECT_EQ(in_area.items(0).customer_id(), hospital);
  ASSERT_TRUE(JsonStringToMessage(
                  Http("GET", "/api/v1/worklist?kind=CUSTOMER_KIND_HOSPITAL&territory_id=" + t1.id()).body,
                  &in_old)
                  .ok());
  EXPECT_EQ(in_old.items_size(), 0);  // Aligned there once, not now.
  http::Response unknown = Http("GET", "/api/v1/worklist?kind=CUSTOMER_KIND_HOSPITAL&territory_id=nope");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_NE(unknown.body.find(R"("field":"territory_id")"), std::string::npos) << unknown.body;
  unknown = Http("GET", "/api/v1/customers?query=xiehe&territory_id=nope");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_NE(unknown.body.find(R"("field":"territory_id")"), std::string::npos) << unknown.body;

  // The same over HTTP.
  http::Response terr = Http("GET", "/api/v1/territories/" + t1.id());
  EXPECT_EQ(terr.status, 200) << terr.body;
  EXPECT_NE(terr.body.find("CN-N-BJ-01"), std::string::npos);
  http::Response listed = Http("GET", absl::StrCat("/api/v1/territories/", area.id(),
                                                   "/customers?include_descendants=true"));
  EXPECT_NE(listed.body.find(hospital), std::string::npos) << listed.body;
  http::Response hist = Http("GET", absl::StrCat("/api/v1/customers/", hospital, "/alignments"));
  v1::AlignmentHistory history;
  ASSERT_TRUE(JsonStringToMessage(hist.body, &history).ok()) << hist.body;
  EXPECT_EQ(history.alignments_size(), 2);
  http::Response bad = Http("POST", "/api/v1/alignments",
                            absl::StrCat(R"({"request_id":"a-bad","subject":"ALIGNMENT_SUBJECT_CUSTOMER",)",
                                         R"("subject_id":")", hospital, R"(","territory_id":"nope"})"));
  EXPECT_EQ(bad.status, 404) << bad.body;
  EXPECT_NE(bad.body.find(R"("field":"territory_id")"), std::string::npos) << bad.body;
  EXPECT_EQ(Http("GET", "/api/v1/territories/nope").status, 404);

  EXPECT_TRUE(SeenOnTopic("pharmacrm.customer.events.v1", [&](const v1::EventEnvelope& e) {
    v1::CustomerAligned a;
    return e.customer_id() == hospital && e.payload().UnpackTo(&a) &&
           a.alignment().territory_id() == t2.id() && a.previous_territory_id() == t1.id();
  }));
}

TEST_F(FlowTest, DuplicateCandidatesComeWithScoresAndReasons) {
  auto stub = CustomerMasterClient(*suite_);
  std::string hospital = RegisterHospital("dupes");
  auto doctor = [&](const std::string& rid, const std::string& name, const std::string& phone) {
    return Register(rid, absl::StrCat(R"({"kind":"CUSTOMER_KIND_DOCTOR","name":")", name,
                                      R"(","hospital_id":")", hospital, R"(","phone":")", phone, R"("})"));
  };
  std::string a = doctor("dupe-a", "孙丽华", "13811112222");
  std::string b = doctor("dupe-b", "孙莉华", "+86 138-1111-2222");  // Homophone, same phone.
  std::string c = doctor("dupe-c", "周建国", "13699990000");
  v1::FindDuplicateCandidatesRequest req;
  req.set_customer_id(a);
  v1::DuplicateCandidates out;
  ASSERT_TRUE(WaitUntil([&] {
    out.Clear();
    auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
    return stub->FindDuplicateCandidates(ctx.get(), req, &out).ok() && out.candidates_size() == 1;
  })) << out.DebugString();
  EXPECT_EQ(out.candidates(0).customer().id(), b);
  EXPECT_GE(out.candidates(0).score(), 0.6);
  bool phone_reason = false;
  for (const auto& r : out.candidates(0).reasons()) phone_reason |= r.signal() == "phone";
  EXPECT_TRUE(phone_reason) << out.DebugString();
  req.set_min_score(2);
  auto bad = rpc::ClientContextWithDeadline(absl::Seconds(5));
  EXPECT_EQ(stub->FindDuplicateCandidates(bad.get(), req, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  (void)c;
}

TEST_F(FlowTest, DuplicateScanFindsThePairsAcrossTheDataSet) {
  auto pharmacy = [&](const std::string& rid, const std::string& name, const std::string& province,
                      const std::string& phone) {
    return Register(rid, absl::StrCat(R"({"kind":"CUSTOMER_KIND_PHARMACY","name":")", name,
                                      R"(","province":")", province, R"(","phone":")", phone, R"("})"));
  };
  std::string a = pharmacy("scan-a", "兰州惠仁堂大药房", "甘肃省", "0931-88880001");
  std::string b = pharmacy("scan-b", "兰州惠仁堂 大药房", "甘肃省", "0931 8888 0001");  // Same store.
  std::string c = pharmacy("scan-c", "众友健康大药房", "甘肃省", "0931-77770002");     // Another.
  // The same name in another province is left out by the filter.
  std::string d = pharmacy("scan-d", "兰州惠仁堂大药房", "宁夏回族自治区", "0951-66660003");
  std::string e = Register("scan-e", R"({"kind":"CUSTOMER_KIND_HOSPITAL","name":"兰州惠仁堂大药房",)"
                                     R"("province":"甘肃省","phone":"0931-88880001"})");  // Another kind.
  ASSERT_FALSE(a.empty() || b.empty() || c.empty() || d.empty() || e.empty());

  http::Response r =
      Http("GET", "/api/v1/duplicates?kind=CUSTOMER_KIND_PHARMACY&province=%E7%94%98%E8%82%83%E7%9C%81&min_score=0.6&limit=10");
  ASSERT_EQ(r.status, 200) << r.body;
  v1::ScanDuplicatesResponse scan;
  ASSERT_TRUE(JsonStringToMessage(r.body, &scan).ok()) << r.body;
  ASSERT_EQ(scan.pairs_size(), 1) << r.body;
  EXPECT_EQ(scan.pairs(0).first_id(), std::min(a, b));
  EXPECT_EQ(scan.pairs(0).second_id(), std::max(a, b));
  EXPECT_EQ(scan.pairs(0).kind(), v1::CUSTOMER_KIND_PHARMACY);
  EXPECT_GE(scan.pairs(0).score(), 0.6);
  bool name_reason = false, phone_reason = false;
  for (const auto& reason : scan.pairs(0).reasons()) {
    name_reason |= reason.signal() == "name";
    phone_reason |= reason.signal() == "phone" && reason.score() == 1;
  }
  EXPECT_TRUE(name_reason && phone_reason) << r.body;
  EXPECT_EQ(scan.records_scanned(), 3);
  EXPECT_EQ(scan.pairs_found(), 1);
  EXPECT_GE(scan.comparisons(), 1);
  EXPECT_FALSE(scan.truncated());

  // Over gRPC, without filters: the pair is there, and the other kind and
  // province are never paired with it.
  auto stub = CustomerMasterClient(*suite_);
  v1::ScanDuplicatesRequest req;
  req.set_limit(10000);
  v1::ScanDuplicatesResponse all;
  auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(30));
  grpc::Status scanned = stub->ScanDuplicates(ctx.get(), req, &all);
  ASSERT_TRUE(scanned.ok()) << scanned.error_message();
  int with_ab = 0;
  for (const auto& p : all.pairs()) {
    std::set<std::string> ids = {p.first_id(), p.second_id()};
    with_ab += ids == std::set<std::string>{a, b};
    EXPECT_FALSE(ids.count(e) && (ids.count(a) || ids.count(b))) << p.DebugString();
  }
  EXPECT_EQ(with_ab, 1);

  // Bad input names the field.
  for (const auto& [target, field] : std::vector<std::pair<std::string, std::string>>{
           {"/api/v1/duplicates?min_score=1.5", "min_score"},
           {"/api/v1/duplicates?min_score=abc", "min_score"},
           {"/api/v1/duplicates?limit=-1", "limit"},
           {"/api/v1/duplicates?limit=10001", "limit"},
           {"/api/v1/duplicates?kind=CUSTOMER_KIND_NOPE", "kind"}}) {
    ExpectGetRefusedNaming(target, field);
  }
  req.set_kind(static_cast<v1::CustomerKind>(99));
  auto bad_ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
  EXPECT_EQ(stub->ScanDuplicates(bad_ctx.get(), req, &all).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// A merge of distributors keeps parent and branches agreeing: it is
// refused, naming the field and changing nothing, when the merged record
// would be its own parent or branch, or would have a parent other than a
// distributor that lists one of the merged records among its branches.
TEST_F(FlowTest, AMergeOfDistributorsKeepsParentAndBranchesAgreeing) {
  auto distributor = [&](const std::string& request_id, const std::string& name,
                         const std::string& details) {
    return Register(
        request_id,
        absl::StrCat(R"({"kind":"CUSTOMER_KIND_DISTRIBUTOR","name":")", name, R"(")",
                     details.empty() ? "" : absl::StrCat(R"(,"distributor":)", details), "}"));
  };
  auto merge = [&](const std::string& request_id, const std::string& survivor,
                   const std::string& merged) {
    return Http("POST", absl::StrCat("/api/v1/customers/", survivor, "/merge"),
                absl::StrCat(R"({"request_id":")", request_id, R"(","merged_ids":[")", merged,
                             R"("],"reason":"同一经销商"})"));
  };
  auto expect_refused = [&](const http::Response& r, const std::string& field,
                            const std::string& names) {
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("FAILED_PRECONDITION"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find(absl::StrCat(R"("field":")", field, R"(")")), std::string::npos)
        << r.body;
    EXPECT_NE(r.body.find(names), std::string::npos) << r.body;
  };

  // The survivor's parent is one group; another group lists the duplicate
  // among its branches. Survivor first, the merged record's parent would be
  // the first group while the second's list would name it.
  std::string group_a = distributor("mdis-ga", "合并医药集团甲", "");
  std::string group_b = distributor("mdis-gb", "合并医药集团乙", "");
  std::string survivor = distributor("mdis-s", "合并医药长沙分公司",
                                     absl::StrCat(R"({"parent_id":")", group_a, R"("})"));
  std::string duplicate = distributor("mdis-m", "合并医药长沙公司", "");
  http::Response listed = Http("PATCH", "/api/v1/customers/" + group_b,
                               absl::StrCat(R"({"request_id":"mdis-gb-list","expected_version":1,)",
                                            R"("profile":{"distributor":{"branch_ids":[")",
                                            duplicate, R"("]}},"update_mask":"distributor"})"));
  ASSERT_EQ(listed.status, 200) << listed.body;
  expect_refused(merge("mdis-merge-1", survivor, duplicate), "profile.distributor.parent_id",
                 absl::StrCat("'", group_b, "' lists '", duplicate, "'"));
  EXPECT_EQ(Profile(duplicate).status(), v1::CUSTOMER_STATUS_ACTIVE);
  EXPECT_EQ(Profile(survivor).version(), 1);
  EXPECT_EQ(Profile(group_b).profile().distributor().branch_ids(0), duplicate);

  // Once the second group no longer lists it, the merge goes ahead: the
  // survivor keeps its parent.
  http::Response unlisted = Http("PATCH", "/api/v1/customers/" + group_b,
                                 R"({"request_id":"mdis-gb-unlist","expected_version":2,)"
                                 R"("profile":{"distributor":{}},"update_mask":"distributor"})");
  ASSERT_EQ(unlisted.status, 200) << unlisted.body;
  http::Response merged = merge("mdis-merge-2", survivor, duplicate);
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(Profile(survivor).profile().distributor().parent_id(), group_a);
  EXPECT_EQ(Profile(duplicate).status(), v1::CUSTOMER_STATUS_MERGED);

  // A distributor merged into the one that lists it as a branch: the merged
  // record would list itself.
  std::string branch = distributor("mdis-b", "合并医药株洲分部", "");
  std::string parent = distributor("mdis-p", "合并医药湖南公司",
                                   absl::StrCat(R"({"branch_ids":[")", branch, R"("]})"));
  expect_refused(merge("mdis-merge-3", parent, branch), "profile.distributor.branch_ids[0]",
                 absl::StrCat("'", branch, "' is in this merge"));
  EXPECT_EQ(Profile(branch).status(), v1::CUSTOMER_STATUS_ACTIVE);
  // And a branch that names the other as its parent.
  std::string child =
      distributor("mdis-c", "合并医药湘潭分部", absl::StrCat(R"({"parent_id":")", parent, R"("})"));
  expect_refused(merge("mdis-merge-4", child, parent), "profile.distributor.parent_id",
                 absl::StrCat("'", parent, "' is in this merge"));
  EXPECT_EQ(Profile(parent).status(), v1::CUSTOMER_STATUS_ACTIVE);
  EXPECT_EQ(Profile(child).version(), 1);
}

// A scan answer that would be longer than the largest gRPC message is cut
// to fit, best pairs first, and says so (before, the call failed).
TEST_F(FlowTest, AScanAnswerLongerThanAGrpcMessageIsCutToFitBestFirst) {
  std::string hospital = RegisterHospital("scan-cut");
  // Sixteen namesakes: 120 pairs, far more than the message holds.
  for (int i = 0; i < 16; ++i) {
    Register(absl::StrCat("scan-cut-d", i),
             absl::StrCat(R"({"kind":"CUSTOMER_KIND_DOCTOR","name":"裁剪测试医生",)",
                          R"("department":"心内科","hospital_id":")", hospital, R"("})"));
  }
  constexpr int kSmallMessage = 8192;  // Room for a few pairs only.
  ASSERT_TRUE(suite_->process("customer-master").Terminate(absl::Seconds(10)).ok());
  ASSERT_TRUE(
      suite_->StartService("customer-master", {absl::StrCat("--max_message_bytes=", kSmallMessage)})
          .ok());
  auto stub = CustomerMasterClient(*suite_);
  v1::ScanDuplicatesRequest req;
  req.set_kind(v1::CUSTOMER_KIND_DOCTOR);
  req.set_limit(10000);
  v1::ScanDuplicatesResponse cut;
  auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(30));
  grpc::Status scanned = stub->ScanDuplicates(ctx.get(), req, &cut);
  ASSERT_TRUE(scanned.ok()) << scanned.error_message();
  EXPECT_TRUE(cut.cut_to_message_size());
  EXPECT_TRUE(cut.truncated());
  EXPECT_GE(cut.pairs_found(), 120);
  EXPECT_GE(cut.pairs_size(), 1);
  EXPECT_LT(cut.pairs_size(), cut.pairs_found());
  EXPECT_LE(cut.ByteSizeLong(), static_cast<size_t>(kSmallMessage));
  for (int i = 1; i < cut.pairs_size(); ++i) {
    EXPECT_GE(cut.pairs(i - 1).score(), cut.pairs(i).score());
  }

  // With the default limit, as started by the suite: it all fits.
  ASSERT_TRUE(suite_->process("customer-master").Terminate(absl::Seconds(10)).ok());
  ASSERT_TRUE(suite_->StartService("customer-master").ok());
  stub = CustomerMasterClient(*suite_);
  v1::ScanDuplicatesResponse whole;
  req.set_limit(100);
  auto again = rpc::ClientContextWithDeadline(absl::Seconds(30));
  scanned = stub->ScanDuplicates(again.get(), req, &whole);
  ASSERT_TRUE(scanned.ok()) << scanned.error_message();
  EXPECT_FALSE(whole.cut_to_message_size());
  EXPECT_EQ(whole.pairs_size(), std::min<int64_t>(100, whole.pairs_found()));
}

// A merge re-points what named the merged customer at the survivor (a
// doctor's hospital, a contact's pharmacy...), each with a new version and
// ProfileChanged; the unmerge points it back.
TEST_F(FlowTest, AMergeRepointsReferencesToTheSurvivorAndTheUnmergePointsThemBack) {
  std::string kept =
      Register("repoint-h1", R"({"kind":"CUSTOMER_KIND_HOSPITAL","name":"湘雅重点医院",)"
                             R"("province":"湖南省","city":"长沙市"})");
  std::string dupe =
      Register("repoint-h2", R"({"kind":"CUSTOMER_KIND_HOSPITAL","name":"湘雅重点医院本部",)"
                             R"("province":"湖南省","city":"长沙市"})");
  std::string doctor = Register(
      "repoint-d", absl::StrCat(R"({"kind":"CUSTOMER_KIND_DOCTOR","name":"重点医生",)",
                                R"("department":"心内科","hospital_id":")", dupe, R"("})"));
  // The hospital names the doctor as a department head: not re-pointed (it
  // names the doctor, not the merged hospital).
  std::string other =
      Register("repoint-o", absl::StrCat(R"({"kind":"CUSTOMER_KIND_DOCTOR","name":"其他医生",)",
                                         R"("hospital_id":")", kept, R"("})"));
  // Who names a customer: the hospital's doctors, with the field.
  auto referring = [&](const std::string& id) {
    v1::ListReferringCustomersResponse r;
    http::Response got = Http("GET", absl::StrCat("/api/v1/customers/", id, "/referring"));
    EXPECT_EQ(got.status, 200) << got.body;
    EXPECT_TRUE(JsonStringToMessage(got.body, &r).ok()) << got.body;
    std::vector<std::string> out;
    for (const auto& c : r.customers()) {
      out.push_back(absl::StrCat(c.customer().id(), " ", absl::StrJoin(c.fields(), ",")));
    }
    return out;
  };
  EXPECT_EQ(referring(dupe), std::vector<std::string>{doctor + " profile.hospital_id"});
  EXPECT_EQ(referring(kept), std::vector<std::string>{other + " profile.hospital_id"});
  EXPECT_EQ(Http("GET", "/api/v1/customers/no-such-id/referring").status, 404);
  http::Response bad_limit =
      Http("GET", absl::StrCat("/api/v1/customers/", kept, "/referring?limit=5000"));
  EXPECT_EQ(bad_limit.status, 400);
  EXPECT_NE(bad_limit.body.find(R"("field":"limit")"), std::string::npos) << bad_limit.body;

  http::Response merged = Http("POST", absl::StrCat("/api/v1/customers/", kept, "/merge"),
                               absl::StrCat(R"({"request_id":"repoint-merge","merged_ids":[")",
                                            dupe, R"("],"reason":"同一医院"})"));
  ASSERT_EQ(merged.status, 200) << merged.body;
  v1::Customer moved = Profile(doctor);
  EXPECT_EQ(moved.profile().hospital_id(), kept);
  EXPECT_EQ(moved.version(), 2);
  EXPECT_EQ(Profile(other).version(), 1);  // Named the survivor already: untouched.
  EXPECT_EQ(referring(dupe), std::vector<std::string>{});
  std::vector<std::string> at_kept = referring(kept);
  std::sort(at_kept.begin(), at_kept.end());
  std::vector<std::string> expected = {doctor + " profile.hospital_id",
                                       other + " profile.hospital_id"};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(at_kept, expected);
  v1::CustomerHistory history;
  ASSERT_TRUE(
      JsonStringToMessage(Http("GET", absl::StrCat("/api/v1/customers/", doctor, "/history")).body,
                          &history)
          .ok());
  ASSERT_EQ(history.versions_size(), 2);
  const v1::CustomerVersion& v2 = history.versions(1);
  EXPECT_NE(v2.reason().find("was merged into"), std::string::npos) << v2.reason();
  ASSERT_EQ(v2.changes_size(), 1);
  EXPECT_EQ(v2.changes(0).field(), "hospital_id");
  EXPECT_EQ(v2.changes(0).old_value(), dupe);
  EXPECT_EQ(v2.changes(0).new_value(), kept);
  EXPECT_TRUE(SeenOnTopic("pharmacrm.customer.events.v1", [&](const v1::EventEnvelope& e) {
    v1::ProfileChanged changed;
    return e.customer_id() == doctor && e.payload().UnpackTo(&changed) &&
           changed.customer().profile().hospital_id() == kept;
  }));
  // A new doctor naming the merged hospital is refused (FAILED_PRECONDITION
  // is 400 at the gateway), naming the field.
  http::Response refused = Http(
      "POST", "/api/v1/customers",
      absl::StrCat(
          R"({"request_id":"repoint-late","profile":{"kind":"CUSTOMER_KIND_DOCTOR","name":"迟到医生","hospital_id":")",
          dupe, R"("}})"));
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_NE(refused.body.find("is inactive or merged"), std::string::npos) << refused.body;

  http::Response unmerged = Http("POST", absl::StrCat("/api/v1/customers/", kept, "/unmerge"),
                                 absl::StrCat(R"({"request_id":"repoint-unmerge","merged_id":")",
                                              dupe, R"(","reason":"两家医院"})"));
  ASSERT_EQ(unmerged.status, 200) << unmerged.body;
  v1::Customer back = Profile(doctor);
  EXPECT_EQ(back.profile().hospital_id(), dupe);
  EXPECT_EQ(back.version(), 3);
  EXPECT_EQ(Profile(other).profile().hospital_id(), kept);
}

// A data folder written before customer-master kept referrer keys: they
// are built at start, so a merge still re-points what named the merged one.
TEST_F(FlowTest, ReferrerKeysOfAnOlderDataFolderAreBuiltAtStart) {
  std::string kept =
      Register("backfill-h1", R"({"kind":"CUSTOMER_KIND_HOSPITAL","name":"回填测试医院",)"
                              R"("province":"湖南省"})");
  std::string dupe =
      Register("backfill-h2", R"({"kind":"CUSTOMER_KIND_HOSPITAL","name":"回填测试医院本院",)"
                              R"("province":"湖南省"})");
  std::string doctor =
      Register("backfill-d", absl::StrCat(R"({"kind":"CUSTOMER_KIND_DOCTOR","name":"回填医生",)",
                                          R"("hospital_id":")", dupe, R"("})"));
  // Stopped, its referrer keys and their marker removed, started again.
  ASSERT_TRUE(suite_->process("customer-master").Terminate(absl::Seconds(10)).ok());
  std::string data_dir;
  for (const std::string& arg : suite_->Args("customer-master")) {
    if (absl::StartsWith(arg, "--data_dir="))
      data_dir = arg.substr(std::string("--data_dir=").size());
  }
  ASSERT_FALSE(data_dir.empty());
  {
    auto store = store::Store::Open({data_dir, /*sync_writes=*/true});
    ASSERT_TRUE(store.ok()) << store.status();
    store::Batch batch;
    int removed = 0;
    for (uint8_t space : {customer_master::kReferrer, customer_master::kReferrersBuilt}) {
      ASSERT_TRUE((*store)
                      ->ScanPrefix(store::Family::kState, store::KeyBuilder(space).key(),
                                   [&](absl::string_view key, absl::string_view) {
                                     batch.Delete(store::Family::kState, key);
                                     ++removed;
                                     return true;
                                   })
                      .ok());
    }
    EXPECT_GE(removed, 2);  // The doctor's key and the marker at least.
    ASSERT_TRUE((*store)->Write(std::move(batch)).ok());
  }
  ASSERT_TRUE(suite_->StartService("customer-master").ok());

  http::Response merged;
  ASSERT_TRUE(WaitUntil([&] {
    merged = Http("POST", absl::StrCat("/api/v1/customers/", kept, "/merge"),
                  absl::StrCat(R"({"request_id":"backfill-merge","merged_ids":[")", dupe,
                               R"("],"reason":"同一医院"})"));
    return merged.status == 200;
  })) << merged.body;
  v1::Customer moved;
  ASSERT_TRUE(JsonStringToMessage(
                  Http("GET", absl::StrCat("/api/v1/customers/", doctor, "/profile")).body, &moved)
                  .ok());
  EXPECT_EQ(moved.profile().hospital_id(), kept);
}

TEST_F(FlowTest, MergeMakesAGoldenRecordWithLineageAndUnmergeUndoesIt) {
  std::string survivor = Register("merge-s", R"({"kind":"CUSTOMER_KIND_PHARMACY","name":"老百姓大药房（芙蓉店）",)"
                                             R"("address":"湖南省长沙市芙蓉区五一大道8号"})");
  std::string dupe = Register("merge-d", R"({"kind":"CUSTOMER_KIND_PHARMACY","name":"老百姓大药房芙蓉店",)"
                                         R"("phone":"0731-84440000"})");
  ASSERT_TRUE(WaitUntil([&] {
    http::Response c = Http("GET", absl::StrCat("/api/v1/customers/", survivor, "/duplicates?min_score=0.3"));
    return c.status == 200 && c.body.find(dupe) != std::string::npos;
  }));

  http::Response merged = Http("POST", absl::StrCat("/api/v1/customers/", survivor, "/merge"),
                               absl::StrCat(R"({"request_id":"merge-1","merged_ids":[")", dupe,
                                            R"("],"reason":"同一门店"})"));
  ASSERT_EQ(merged.status, 200) << merged.body;
  v1::Customer golden;
  ASSERT_TRUE(JsonStringToMessage(merged.body, &golden).ok());
  EXPECT_EQ(golden.profile().name(), "老百姓大药房(芙蓉店)");  // The survivor's own (normalised) value.
  EXPECT_EQ(golden.profile().phone(), "0731-84440000");          // Filled from the duplicate.
  ASSERT_EQ(golden.merged_from_size(), 1);
  v1::CustomerHistory history;
  ASSERT_TRUE(JsonStringToMessage(Http("GET", absl::StrCat("/api/v1/customers/", survivor, "/history")).body,
                                  &history).ok());
  EXPECT_EQ(history.versions(history.versions_size() - 1).field_sources().at("phone"), dupe);
  v1::Customer gone;
  ASSERT_TRUE(JsonStringToMessage(Http("GET", absl::StrCat("/api/v1/customers/", dupe, "/profile")).body,
                                  &gone).ok());
  EXPECT_EQ(gone.status(), v1::CUSTOMER_STATUS_MERGED);
  EXPECT_EQ(gone.merged_into(), survivor);
  // Merging it again, or merging a doctor into a pharmacy, is refused.
  EXPECT_EQ(Http("POST", absl::StrCat("/api/v1/customers/", survivor, "/merge"),
                 absl::StrCat(R"({"request_id":"merge-2","merged_ids":[")", dupe, R"("],"reason":"x"})"))
                .status,
            400);
  EXPECT_TRUE(SeenOnTopic("pharmacrm.customer.events.v1", [&](const v1::EventEnvelope& e) {
    v1::CustomersMerged m;
    return e.customer_id() == survivor && e.payload().UnpackTo(&m) && m.merged_ids_size() == 1 &&
           m.merged_ids(0) == dupe;
  }));

  http::Response unmerged = Http("POST", absl::StrCat("/api/v1/customers/", survivor, "/unmerge"),
                                 absl::StrCat(R"({"request_id":"unmerge-1","merged_id":")", dupe,
                                              R"(","reason":"不同门店"})"));
  ASSERT_EQ(unmerged.status, 200) << unmerged.body;
  v1::Customer after;
  ASSERT_TRUE(JsonStringToMessage(unmerged.body, &after).ok());
  EXPECT_EQ(after.profile().phone(), "");  // The value that came from the duplicate is gone.
  EXPECT_EQ(after.merged_from_size(), 0);
  v1::Customer restored;
  ASSERT_TRUE(JsonStringToMessage(Http("GET", absl::StrCat("/api/v1/customers/", dupe, "/profile")).body,
                                  &restored).ok());
  EXPECT_EQ(restored.status(), v1::CUSTOMER_STATUS_ACTIVE);
  EXPECT_EQ(restored.profile().phone(), "0731-84440000");
  EXPECT_TRUE(SeenOnTopic("pharmacrm.customer.events.v1", [&](const v1::EventEnvelope& e) {
    v1::CustomersUnmerged u;
    return e.customer_id() == survivor && e.payload().UnpackTo(&u) && u.restored().id() == dupe;
  }));
}

TEST_F(FlowTest, EveryServiceFollowsAMergeAndAnUnmerge) {
  std::string hospital = RegisterHospital("rekey");
  std::string kept = RegisterDoctor("rekey-kept", hospital);
  std::string dupe = RegisterDoctor("rekey-dupe", hospital);
  ASSERT_EQ(LogVisitWhenKnown("visit-rekey-1", kept), 201);
  ASSERT_EQ(LogVisitWhenKnown("visit-rekey-2", dupe), 201);
  v1::Customer360 view;
  for (const std::string& id : {kept, dupe}) {
    ASSERT_TRUE(WaitUntil([&] {
      view = Get360(id);
      return view.complete() && view.audience().visits() == 1 && view.value().visit_count() == 1 &&
             !view.contact_card().last_field_rep_id().empty();
    })) << view.DebugString();
  }

  ASSERT_EQ(Http("POST", absl::StrCat("/api/v1/customers/", kept, "/merge"),
                 absl::StrCat(R"({"request_id":"merge-rekey","merged_ids":[")", dupe,
                              R"("],"reason":"同一医生"})"))
                .status,
            200);
  // Every read model now answers for the survivor with both visits, asked
  // by either id.
  auto whole_group = [&](const v1::Customer360& v) {
    return v.complete() && v.customer().id() == kept && v.activity().visit_count() == 2 &&
           v.audience().visits() == 2 && v.value().visit_count() == 2 &&
           v.activity().merged_ids_size() == 1 && v.audience().merged_ids_size() == 1 &&
           v.contact_card().merged_ids_size() == 1 && v.value().merged_ids_size() == 1;
  };
  ASSERT_TRUE(WaitUntil([&] { return whole_group(view = Get360(kept)); })) << view.DebugString();
  EXPECT_EQ(view.activity().merged_ids(0), dupe);
  EXPECT_EQ(view.audience().customer_id(), kept);
  EXPECT_EQ(view.requested_id(), "");
  view = Get360(dupe);
  EXPECT_TRUE(whole_group(view)) << view.DebugString();
  EXPECT_EQ(view.requested_id(), dupe);

  // A visit logged against the merged id counts for the survivor.
  http::Response late = Http("POST", "/api/v1/visits",
                             absl::StrCat(R"({"request_id":"visit-rekey-3","customer_id":")", dupe,
                                          R"(","rep_id":"rep-2"})"));
  ASSERT_EQ(late.status, 201) << late.body;
  v1::Visit visit;
  ASSERT_TRUE(JsonStringToMessage(late.body, &visit).ok());
  EXPECT_EQ(visit.customer_id(), kept);
  ASSERT_TRUE(WaitUntil([&] {
    view = Get360(kept);
    return view.activity().visit_count() == 3 && view.value().visit_count() == 3 &&
           view.audience().visits() == 3 && view.contact_card().last_field_rep_id() == "rep-2";
  })) << view.DebugString();

  // Unmerged, the restored doctor has its own entries back as they were.
  ASSERT_EQ(Http("POST", absl::StrCat("/api/v1/customers/", kept, "/unmerge"),
                 absl::StrCat(R"({"request_id":"unmerge-rekey","merged_id":")", dupe,
                              R"(","reason":"不同的医生"})"))
                .status,
            200);
  ASSERT_TRUE(WaitUntil([&] {
    view = Get360(dupe);
    return view.complete() && view.customer().id() == dupe && view.activity().customer_id() == dupe &&
           view.activity().visit_count() == 1 && view.audience().visits() == 1 &&
           view.value().visit_count() == 1 && view.activity().merged_ids_size() == 0;
  })) << view.DebugString();
  EXPECT_EQ(view.requested_id(), "");
  view = Get360(kept);
  EXPECT_EQ(view.activity().visit_count(), 2);
  EXPECT_EQ(view.activity().merged_ids_size(), 0);
}

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
