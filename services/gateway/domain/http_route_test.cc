#include "domain/http_route.h"

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "google/api/annotations.pb.h"
#include "google/protobuf/descriptor.pb.h"
#include "gtest/gtest.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/gateway.pb.h"
#include "pharmacrm/v1/http_options.pb.h"
#include "pharmacrm/v1/sales_pipeline.pb.h"

namespace pharmacrm::gateway {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

std::vector<const google::protobuf::ServiceDescriptor*> Services() {
  const google::protobuf::DescriptorPool* pool = google::protobuf::DescriptorPool::generated_pool();
  return {pool->FindServiceByName("pharmacrm.v1.CustomerMaster"), pool->FindServiceByName("pharmacrm.v1.Gateway"),
          pool->FindServiceByName("pharmacrm.v1.SalesPipeline")};
}

TEST(ParsePathTemplate, ReadsLiteralsVariablesAndWildcards) {
  absl::StatusOr<PathTemplate> t = ParsePathTemplate("/api/v1/customers/{metrics.customer_id=*}/*/x");
  ASSERT_TRUE(t.ok()) << t.status();
  ASSERT_EQ(t->segments.size(), 6u);
  EXPECT_EQ(t->segments[3].kind, PathTemplate::Segment::kVariable);
  EXPECT_EQ(t->segments[3].text, "metrics.customer_id");
  EXPECT_EQ(t->segments[4].kind, PathTemplate::Segment::kWildcard);
  EXPECT_EQ(t->segments[5].text, "x");
}

TEST(ParsePathTemplate, RefusesWhatIsNotServed) {
  for (const char* bad : {"api/v1", "/a//b", "/a/**", "/a/{name=b/*}", "/a/{x}:cancel", "/a/{}", "/a/{x",
                          "/a/b{x}", "/a/{x-y}"}) {
    absl::StatusOr<PathTemplate> t = ParsePathTemplate(bad);
    EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(t.status().message(), HasSubstr(bad));
  }
}

TEST(MatchPath, BindsDecodedVariablesAndNeedsEverySegment) {
  PathTemplate t = *ParsePathTemplate("/api/v1/customers/{customer_id}/history");
  PathParams params;
  ASSERT_TRUE(MatchPath(t, "/api/v1/customers/a%2Fb%E5%8C%97+c/history", &params));
  EXPECT_THAT(params, ElementsAre(Pair("customer_id", "a/b北+c")));
  EXPECT_FALSE(MatchPath(t, "/api/v1/customers//history", &params));
  EXPECT_FALSE(MatchPath(t, "/api/v1/customers/x/history/more", &params));
  EXPECT_FALSE(MatchPath(t, "/api/v1/customers/x", &params));
  EXPECT_FALSE(MatchPath(t, "/api/v1/Customers/x/history", &params));
}

TEST(PercentDecode, DecodesHexPairsAndPlusOnlyInQueries) {
  EXPECT_EQ(PercentDecode("a%2Fb%e5%8c%97+c", /*plus_is_space=*/false), "a/b北+c");
  EXPECT_EQ(PercentDecode("a%2Fb%E5%8C%97+c", /*plus_is_space=*/true), "a/b北 c");
  // A '%' without two hex digits after it stays as it is.
  EXPECT_EQ(PercentDecode("100%", true), "100%");
  EXPECT_EQ(PercentDecode("%zz%4", true), "%zz%4");
  EXPECT_EQ(PercentDecode("", true), "");
}

TEST(RouteTable, FindsTheRouteOfEveryAnnotatedRpc) {
  absl::StatusOr<std::vector<HttpRoute>> routes = RoutesFromServices(Services());
  ASSERT_TRUE(routes.ok()) << routes.status();
  RouteTable table(*std::move(routes));
  struct Case {
    const char* verb;
    const char* path;
    const char* method;
  } cases[] = {
      {"GET", "/api/v1/customers/c1", "pharmacrm.v1.Gateway.GetCustomer360"},
      {"PATCH", "/api/v1/customers/c1", "pharmacrm.v1.CustomerMaster.UpdateCustomer"},
      {"POST", "/api/v1/customers", "pharmacrm.v1.CustomerMaster.RegisterCustomer"},
      {"GET", "/api/v1/customers", "pharmacrm.v1.CustomerMaster.SearchCustomers"},
      {"GET", "/api/v1/customers/c1/profile", "pharmacrm.v1.CustomerMaster.GetCustomer"},
      {"POST", "/api/v1/customers/c1/metrics", "pharmacrm.v1.CustomerMaster.RecordMetrics"},
      {"GET", "/api/v1/customers/c1/metrics", "pharmacrm.v1.CustomerMaster.GetMetrics"},
      {"GET", "/api/v1/customers/c1/alignments", "pharmacrm.v1.CustomerMaster.GetAlignmentHistory"},
      {"GET", "/api/v1/territories/t1/customers", "pharmacrm.v1.CustomerMaster.ListTerritoryCustomers"},
      {"GET", "/api/v1/duplicates", "pharmacrm.v1.CustomerMaster.ScanDuplicates"},
      {"POST", "/api/v1/visits", "pharmacrm.v1.SalesPipeline.LogVisit"},
  };
  for (const Case& c : cases) {
    RouteTable::Lookup found = table.Find(c.verb, c.path);
    ASSERT_NE(found.route, nullptr) << c.verb << " " << c.path;
    EXPECT_EQ(found.route->method->full_name(), c.method) << c.verb << " " << c.path;
  }
  RouteTable::Lookup metrics = table.Find("POST", "/api/v1/customers/c1/metrics");
  EXPECT_THAT(metrics.params, ElementsAre(Pair("metrics.customer_id", "c1")));
  EXPECT_EQ(metrics.route->success_status, 201);
  EXPECT_FALSE(metrics.route->query);
  RouteTable::Lookup scan = table.Find("GET", "/api/v1/duplicates");
  EXPECT_TRUE(scan.route->query);
  EXPECT_EQ(scan.route->deadline_ms, 120000);
  RouteTable::Lookup alignments = table.Find("GET", "/api/v1/customers/c1/alignments");
  EXPECT_THAT(alignments.route->fixed_fields, ElementsAre(Pair("subject", "ALIGNMENT_SUBJECT_CUSTOMER")));
}

TEST(RouteTable, AWrongMethodListsTheAllowedOnesAndAnUnknownPathNone) {
  RouteTable table(*RoutesFromServices(Services()));
  RouteTable::Lookup wrong = table.Find("DELETE", "/api/v1/customers/c1");
  EXPECT_EQ(wrong.route, nullptr);
  EXPECT_THAT(wrong.allowed, ElementsAre("GET", "PATCH"));
  EXPECT_THAT(table.Find("PUT", "/api/v1/visits").allowed, ElementsAre("POST"));
  EXPECT_THAT(table.Find("GET", "/api/v1/visits").allowed, ElementsAre("POST"));
  RouteTable::Lookup unknown = table.Find("GET", "/api/v1/nothing-here");
  EXPECT_EQ(unknown.route, nullptr);
  EXPECT_TRUE(unknown.allowed.empty());
  EXPECT_TRUE(table.Find("GET", "/api/v1/customers/c1/unknown").allowed.empty());
}

TEST(RouteTable, ALiteralBeatsAVariable) {
  std::vector<HttpRoute> routes(2);
  routes[0].verb = routes[1].verb = "GET";
  routes[0].path = *ParsePathTemplate("/a/{id}");
  routes[1].path = *ParsePathTemplate("/a/special");
  RouteTable table(routes);
  EXPECT_EQ(table.Find("GET", "/a/special").route->path.text, "/a/special");
  EXPECT_EQ(table.Find("GET", "/a/other").route->path.text, "/a/{id}");
}

// A service built on the fly whose one RPC carries `rule`.
class BadAnnotation : public ::testing::Test {
 protected:
  absl::Status RoutesWith(const google::api::HttpRule& rule, bool streaming = false,
                          const std::string& fixed = "") {
    google::protobuf::FileDescriptorProto file;
    file.set_name(absl::StrCat("test_", ++n_, ".proto"));
    file.set_package(absl::StrCat("test", n_));
    file.set_syntax("proto3");
    file.add_dependency("pharmacrm/v1/customer_master.proto");
    file.add_dependency("pharmacrm/v1/http_options.proto");
    file.add_dependency("pharmacrm/v1/customer_metrics.proto");
    auto* service = file.add_service();
    service->set_name("Svc");
    for (int i = 0; i < 2; ++i) {
      auto* method = service->add_method();
      method->set_name(absl::StrCat("M", i));
      method->set_input_type(".pharmacrm.v1.RecordMetricsRequest");
      method->set_output_type(".pharmacrm.v1.CustomerMetrics");
      method->set_client_streaming(streaming);
      *method->mutable_options()->MutableExtension(google::api::http) = rule;
      if (!fixed.empty()) method->mutable_options()->MutableExtension(v1::http_serving)->add_fixed_fields(fixed);
      if (i == 0) method->mutable_options()->MutableExtension(google::api::http)->set_post("/unique/path");
    }
    struct Errors : google::protobuf::DescriptorPool::ErrorCollector {
      void AddError(const std::string& file, const std::string& element, const google::protobuf::Message*,
                    ErrorLocation, const std::string& message) override {
        text += file + " " + element + ": " + message + "\n";
      }
      std::string text;
    } errors;
    const google::protobuf::FileDescriptor* built = pool_.BuildFileCollectingErrors(file, &errors);
    if (built == nullptr) return absl::InternalError(errors.text);
    return RoutesFromServices({built->service(0)}).status();
  }
  google::protobuf::DescriptorPool pool_{google::protobuf::DescriptorPool::generated_pool()};
  int n_ = 0;
};

TEST_F(BadAnnotation, IsRefusedNamingTheRpc) {
  google::api::HttpRule rule;
  rule.set_get("/x/{nope}");
  absl::Status s = RoutesWith(rule);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s.ToString();
  EXPECT_THAT(std::string(s.message()), HasSubstr("test1.Svc.M1"));
  EXPECT_THAT(s.message(), HasSubstr("nope"));
  rule.set_get("/x/{metrics}");  // A message, not a scalar.
  EXPECT_THAT(RoutesWith(rule).message(), HasSubstr("not a singular scalar"));
  rule.set_get("/x/{metrics.customer_id}");
  EXPECT_TRUE(RoutesWith(rule).ok());
  EXPECT_THAT(RoutesWith(rule, /*streaming=*/true).message(), HasSubstr("streaming"));
  rule.set_body("request_id");  // A body field must be a message.
  EXPECT_THAT(RoutesWith(rule).message(), HasSubstr("body request_id"));
  rule.set_body("metrics");
  EXPECT_TRUE(RoutesWith(rule).ok());
  EXPECT_THAT(RoutesWith(rule, false, "request_id").message(), HasSubstr("fixed field"));
  EXPECT_THAT(RoutesWith(rule, false, "no_such=1").message(), HasSubstr("fixed field"));
  rule.set_post("/unique/path");  // The same verb and template as M0.
  EXPECT_THAT(RoutesWith(rule).message(), HasSubstr("already the route"));
  rule.set_get("/x/{metrics.customer_id}:do");
  EXPECT_THAT(RoutesWith(rule).message(), HasSubstr("custom verbs"));
}

}  // namespace
}  // namespace pharmacrm::gateway
