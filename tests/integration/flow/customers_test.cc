// FlowTest cases of the customer record end to end: registration and the
// Customer 360, profile changes, history and as-of answers, search, the
// published events and their headers, monthly metrics, completeness, and
// deactivation and reactivation.
#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "flow/flow_fixture.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "librdkafka/rdkafkacpp.h"
#include "pharmacrm/bus/envelope.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"
#include "pharmacrm/v1/events.pb.h"
#include "pharmacrm/v1/gateway.grpc.pb.h"
#include "support/import_stream.h"
#include "support/wait.h"

namespace pharmacrm::itest {
namespace {

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

}  // namespace
}  // namespace pharmacrm::itest
