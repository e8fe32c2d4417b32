#include "domain/http_binding.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/gateway.pb.h"
#include "pharmacrm/v1/sales_pipeline.pb.h"

namespace pharmacrm::gateway {
namespace {

using ::testing::HasSubstr;

class BindHttpRequestTest : public ::testing::Test {
 protected:
  BindHttpRequestTest() {
    const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
    table_ = std::make_unique<RouteTable>(*RoutesFromServices(
        {pool->FindServiceByName("pharmacrm.v1.CustomerMaster"), pool->FindServiceByName("pharmacrm.v1.Gateway"),
         pool->FindServiceByName("pharmacrm.v1.SalesPipeline")}));
  }

  // Binds `verb path?query` with `body` into `out` (the route's input type).
  absl::Status Bind(const std::string& verb, const std::string& path, const std::string& query,
                    const std::string& body, google::protobuf::Message* out, size_t max_body = 1 << 20) {
    RouteTable::Lookup found = table_->Find(verb, path);
    if (found.route == nullptr) return absl::NotFoundError(path);
    EXPECT_EQ(found.route->method->input_type(), out->GetDescriptor());
    return BindHttpRequest(*found.route, found.params, query, body, BindOptions{max_body}, out);
  }

  // The field a refusal names.
  static std::string FieldOf(const absl::Status& s) {
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
    return core::FieldOf(s).value_or("(none)");
  }

  std::unique_ptr<RouteTable> table_;
};

TEST_F(BindHttpRequestTest, QueryParametersSetFieldsByType) {
  v1::SearchCustomersRequest r;
  ASSERT_TRUE(Bind("GET", "/api/v1/customers",
                   "query=%E5%8D%8F%E5%92%8C+x&kind=CUSTOMER_KIND_HOSPITAL&hospital_grade=3&page_size=20"
                   "&include_inactive=true&province=&city",
                   "ignored", &r)
                  .ok());
  EXPECT_EQ(r.query(), "协和 x");
  EXPECT_EQ(r.kind(), v1::CUSTOMER_KIND_HOSPITAL);
  EXPECT_EQ(static_cast<int>(r.hospital_grade()), 3);
  EXPECT_EQ(r.page_size(), 20);
  EXPECT_TRUE(r.include_inactive());
  EXPECT_EQ(r.province(), "");
}

TEST_F(BindHttpRequestTest, QueryParametersTakeJsonNamesAndTimes) {
  v1::GetMetricsRequest metrics;
  ASSERT_TRUE(Bind("GET", "/api/v1/customers/c1/metrics", "from=2026-01&to=2026-03&allDepartments=1", "",
                   &metrics)
                  .ok());
  EXPECT_EQ(metrics.customer_id(), "c1");
  EXPECT_EQ(metrics.from_period(), "2026-01");
  EXPECT_EQ(metrics.to_period(), "2026-03");
  EXPECT_TRUE(metrics.all_departments());
  v1::GetCustomerRequest get;
  ASSERT_TRUE(Bind("GET", "/api/v1/customers/c1/profile", "as_of=2026-01-31T00%3A00%3A00Z", "", &get).ok());
  EXPECT_EQ(google::protobuf::util::TimeUtil::ToString(get.as_of()), "2026-01-31T00:00:00Z");
}

TEST_F(BindHttpRequestTest, BadQueryParametersAreRefusedNamingTheField) {
  v1::SearchCustomersRequest r;
  EXPECT_EQ(FieldOf(Bind("GET", "/api/v1/customers", "kindd=CUSTOMER_KIND_HOSPITAL", "", &r)), "kindd");
  EXPECT_EQ(FieldOf(Bind("GET", "/api/v1/customers", "page_size=twenty", "", &r)), "page_size");
  EXPECT_EQ(FieldOf(Bind("GET", "/api/v1/customers", "page_size=99999999999", "", &r)), "page_size");
  EXPECT_EQ(FieldOf(Bind("GET", "/api/v1/customers", "include_inactive=yes", "", &r)), "include_inactive");
  absl::Status bad_enum = Bind("GET", "/api/v1/customers", "kind=HOSPITAL", "", &r);
  EXPECT_EQ(FieldOf(bad_enum), "kind");
  EXPECT_THAT(bad_enum.message(), HasSubstr("'HOSPITAL' is not a CustomerKind"));
  EXPECT_EQ(FieldOf(Bind("GET", "/api/v1/customers", "kind=77", "", &r)), "kind");
  EXPECT_EQ(FieldOf(Bind("GET", "/api/v1/customers", "page_size=1&page_size=2", "", &r)), "page_size");
  EXPECT_EQ(FieldOf(Bind("GET", "/api/v1/customers", "query=%FF%FE", "", &r)), "query");
  EXPECT_EQ(FieldOf(Bind("GET", "/api/v1/customers", "query=%E5%8C", "", &r)), "query");  // Cut short.
  v1::GetCustomerRequest get;
  EXPECT_EQ(FieldOf(Bind("GET", "/api/v1/customers/c1/profile", "as_of=yesterday", "", &get)), "as_of");
  EXPECT_EQ(FieldOf(Bind("GET", "/api/v1/customers/%C0%AF/profile", "", "", &get)), "customer_id");
  // The path's field cannot be set again from the query.
  EXPECT_EQ(FieldOf(Bind("GET", "/api/v1/customers/c1/profile", "customer_id=c2", "", &get)), "customer_id");
  // A message other than a well-known type cannot come from the query.
  v1::ListTerritoryCustomersRequest list;
  EXPECT_TRUE(Bind("GET", "/api/v1/territories/t1/customers", "as_of=2026-01-31T00:00:00Z", "", &list).ok());
}

TEST_F(BindHttpRequestTest, FixedFieldsAreSetAndCannotBeOverridden) {
  v1::GetAlignmentRequest r;
  ASSERT_TRUE(Bind("GET", "/api/v1/customers/c1/alignments", "", "", &r).ok());
  EXPECT_EQ(r.subject(), v1::ALIGNMENT_SUBJECT_CUSTOMER);
  EXPECT_EQ(r.subject_id(), "c1");
  v1::GetAlignmentRequest other;
  absl::Status s = Bind("GET", "/api/v1/customers/c1/alignments", "subject=ALIGNMENT_SUBJECT_REP", "", &other);
  EXPECT_EQ(FieldOf(s), "subject");
  EXPECT_THAT(s.message(), HasSubstr("set by this route"));
}

TEST_F(BindHttpRequestTest, TheBodyFillsTheRequest) {
  v1::RegisterCustomerRequest r;
  ASSERT_TRUE(Bind("POST", "/api/v1/customers", "",
                   R"({"request_id":"r1","profile":{"kind":"CUSTOMER_KIND_PHARMACY","name":"同仁堂"}})", &r)
                  .ok());
  EXPECT_EQ(r.request_id(), "r1");
  EXPECT_EQ(r.profile().name(), "同仁堂");
  v1::RegisterCustomerRequest camel;
  ASSERT_TRUE(Bind("POST", "/api/v1/customers", "", R"({"requestId":"r2"})", &camel).ok());
  EXPECT_EQ(camel.request_id(), "r2");
}

TEST_F(BindHttpRequestTest, BadBodiesAreRefusedNamingTheBody) {
  v1::RegisterCustomerRequest r;
  absl::Status malformed = Bind("POST", "/api/v1/customers", "", "{not json", &r);
  EXPECT_EQ(FieldOf(malformed), "body");
  EXPECT_THAT(malformed.message(), HasSubstr("invalid JSON for RegisterCustomerRequest"));
  absl::Status unknown = Bind("POST", "/api/v1/customers", "", R"({"request_id":"x","profil":{}})", &r);
  EXPECT_EQ(FieldOf(unknown), "body");
  EXPECT_THAT(unknown.message(), HasSubstr("profil"));
  EXPECT_EQ(FieldOf(Bind("POST", "/api/v1/customers", "", R"({"profile":{"kind":42.5}})", &r)), "body");
  EXPECT_EQ(FieldOf(Bind("POST", "/api/v1/customers", "", R"({"profile":{"kind":"NOT_A_KIND"}})", &r)), "body");
  EXPECT_EQ(FieldOf(Bind("POST", "/api/v1/customers", "", R"({"request_id":5})", &r)), "body");
  absl::Status empty = Bind("POST", "/api/v1/customers", "", "  ", &r);
  EXPECT_EQ(FieldOf(empty), "body");
  EXPECT_THAT(empty.message(), HasSubstr("a JSON object is required"));
  absl::Status big = Bind("POST", "/api/v1/customers", "", std::string(65, ' '), &r, /*max_body=*/64);
  EXPECT_EQ(FieldOf(big), "body");
  EXPECT_THAT(big.message(), HasSubstr("over 64 bytes"));
  // A "*" body route takes nothing from the query.
  EXPECT_EQ(FieldOf(Bind("POST", "/api/v1/customers", "request_id=x", R"({"request_id":"x"})", &r)),
            "request_id");
}

TEST_F(BindHttpRequestTest, ThePathWinsButNeverSilently) {
  v1::DeactivateCustomerRequest r;
  ASSERT_TRUE(Bind("POST", "/api/v1/customers/c1/deactivate", "", R"({"request_id":"d","reason":"closed"})", &r)
                  .ok());
  EXPECT_EQ(r.customer_id(), "c1");
  v1::DeactivateCustomerRequest same;
  EXPECT_TRUE(Bind("POST", "/api/v1/customers/c1/deactivate", "", R"({"customer_id":"c1"})", &same).ok());
  v1::DeactivateCustomerRequest other;
  absl::Status s = Bind("POST", "/api/v1/customers/c1/deactivate", "", R"({"customer_id":"c2"})", &other);
  EXPECT_EQ(FieldOf(s), "customer_id");
  EXPECT_THAT(s.message(), HasSubstr("differs from the id in the path"));
  v1::RecordMetricsRequest metrics;
  EXPECT_EQ(FieldOf(Bind("POST", "/api/v1/customers/c1/metrics", "", R"({"metrics":{"customer_id":"c2"}})",
                         &metrics)),
            "metrics.customer_id");
  v1::RecordMetricsRequest metrics_ok;
  ASSERT_TRUE(Bind("POST", "/api/v1/customers/c%201/metrics", "", R"({"metrics":{"period":"2026-01"}})",
                   &metrics_ok)
                  .ok());
  EXPECT_EQ(metrics_ok.metrics().customer_id(), "c 1");
}

TEST_F(BindHttpRequestTest, ABodyFieldRouteTakesTheRestFromTheQuery) {
  HttpRoute route;
  route.verb = "POST";
  route.path = *ParsePathTemplate("/x");
  route.body = "profile";
  route.method = google::protobuf::DescriptorPool::generated_pool()->FindMethodByName(
      "pharmacrm.v1.CustomerMaster.RegisterCustomer");
  v1::RegisterCustomerRequest r;
  ASSERT_TRUE(BindHttpRequest(route, {}, "request_id=q1", R"({"name":"协和"})", {}, &r).ok());
  EXPECT_EQ(r.request_id(), "q1");
  EXPECT_EQ(r.profile().name(), "协和");
  v1::RegisterCustomerRequest bad;
  EXPECT_EQ(FieldOf(BindHttpRequest(route, {}, "", R"({"nam":"x"})", {}, &bad)), "profile");
}

// Odd input on every route: binding answers OK or INVALID_ARGUMENT, never
// anything else, and what it binds serializes.
TEST_F(BindHttpRequestTest, OddInputOnEveryRouteIsOkOrInvalidArgument) {
  const char* pieces[] = {"", "%", "%zz", "%E5%8C", "%C0%AF", "&&", "=", "==", "a.b.c=1", "kind=1", "as_of=",
                          "page_size=-0", "profile.name=x", "request_id=%00", "{", "{}", "[]", "null",
                          R"({"request_id":"x","metrics":{"customer_id":"y"}})", R"({"profile":{"kind":7}})",
                          "\xff\xfe", "+", "limit=1e999", "min_score=nan", "customer_id=a&customer_id=b"};
  uint32_t seed = 12345;
  auto next = [&seed] { return seed = seed * 1103515245u + 12345u; };
  for (const HttpRoute& route : table_->routes()) {
    for (int i = 0; i < 200; ++i) {
      std::string variable = pieces[next() % std::size(pieces)];
      std::string query = absl::StrCat(pieces[next() % std::size(pieces)], "&", pieces[next() % std::size(pieces)]);
      std::string body = pieces[next() % std::size(pieces)];
      PathParams params;
      for (const PathTemplate::Segment& s : route.path.segments) {
        if (s.kind == PathTemplate::Segment::kVariable) params.emplace_back(s.text, variable);
      }
      std::unique_ptr<google::protobuf::Message> request(
          google::protobuf::MessageFactory::generated_factory()->GetPrototype(route.method->input_type())->New());
      absl::Status s = BindHttpRequest(route, params, query, body, BindOptions{64}, request.get());
      EXPECT_TRUE(s.ok() || s.code() == absl::StatusCode::kInvalidArgument)
          << route.path.text << " " << query << " " << body << " -> " << s;
      std::string bytes;
      if (s.ok()) {
        EXPECT_TRUE(request->SerializeToString(&bytes));
      }
    }
  }
}

}  // namespace
}  // namespace pharmacrm::gateway
