#include "domain/openapi.h"

#include "absl/strings/ascii.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "nlohmann/json.hpp"
#include "pharmacrm/v1/descriptor_set.h"
#include "pharmacrm/v1/gateway.pb.h"

namespace pharmacrm::gateway {
namespace {

using ::testing::HasSubstr;
using Json = nlohmann::json;

class OpenApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    absl::StatusOr<DescriptorSet> set = LoadDescriptorSet(v1::DescriptorSetBytes());
    ASSERT_TRUE(set.ok()) << set.status();
    set_ = *std::move(set);
    absl::StatusOr<std::vector<HttpRoute>> routes =
        RoutesFromServices(ServicesOfPackage(*set_.pool, set_.files, "pharmacrm.v1"));
    ASSERT_TRUE(routes.ok()) << routes.status();
    doc_ = Json::parse(BuildOpenApi(*routes, {"T", "v1", ""}));
  }

  // The operation of `verb` on an OpenAPI path.
  const Json& Operation(const std::string& path, const std::string& verb) { return doc_["paths"][path][verb]; }

  // The parameter `name` of an operation, or null.
  static Json Parameter(const Json& operation, const std::string& name) {
    for (const Json& p : operation.value("parameters", Json::array())) {
      if (p["name"] == name) return p;
    }
    return nullptr;
  }

  DescriptorSet set_;
  Json doc_;
};

// Every RPC annotated in the compiled-in descriptors is in the document,
// under its template and verb.
TEST_F(OpenApiTest, EveryAnnotatedRpcAppears) {
  std::vector<const google::protobuf::ServiceDescriptor*> compiled = ServicesOfPackage(
      *google::protobuf::DescriptorPool::generated_pool(), set_.files, "pharmacrm.v1");
  ASSERT_GE(compiled.size(), 3u);  // At least CustomerMaster, Gateway, SalesPipeline.
  absl::StatusOr<std::vector<HttpRoute>> routes = RoutesFromServices(compiled);
  ASSERT_TRUE(routes.ok()) << routes.status();
  ASSERT_EQ(routes->size(), 70u);  // The table in services/README.md.
  for (const HttpRoute& route : *routes) {
    const Json& operation = Operation(route.path.text, absl::AsciiStrToLower(route.verb));
    ASSERT_TRUE(operation.is_object()) << route.verb << " " << route.path.text;
    EXPECT_EQ(operation["operationId"],
              route.method->service()->name() + "_" + route.method->name());
    EXPECT_TRUE(operation["responses"].contains(std::to_string(route.success_status)));
    EXPECT_EQ(operation["responses"]["default"]["content"]["application/json"]["schema"]["$ref"],
              "#/components/schemas/Error");
  }
}

TEST_F(OpenApiTest, CommentsBecomeDescriptions) {
  const Json& reg = Operation("/api/v1/customers", "post");
  EXPECT_THAT(reg["description"].get<std::string>(), HasSubstr("Retrying with the same request_id"));
  EXPECT_THAT(reg["description"].get<std::string>(), HasSubstr("pharmacrm.v1.CustomerMaster/RegisterCustomer"));
  const Json& territory = doc_["components"]["schemas"]["pharmacrm.v1.UpdateTerritoryRequest"];
  EXPECT_THAT(territory["properties"]["expected_version"]["description"].get<std::string>(),
              HasSubstr("The version last read"));
}

TEST_F(OpenApiTest, ParametersBodiesAndSchemas) {
  const Json& search = Operation("/api/v1/customers", "get");
  Json kind = Parameter(search, "kind");
  ASSERT_FALSE(kind.is_null());
  EXPECT_EQ(kind["in"], "query");
  EXPECT_EQ(kind["schema"]["$ref"], "#/components/schemas/pharmacrm.v1.CustomerKind");
  EXPECT_EQ(Parameter(search, "page_size")["schema"]["type"], "integer");
  EXPECT_FALSE(search.contains("requestBody"));

  const Json& metrics = Operation("/api/v1/customers/{metrics.customer_id}/metrics", "post");
  Json id = Parameter(metrics, "metrics.customer_id");
  EXPECT_EQ(id["in"], "path");
  EXPECT_EQ(id["required"], true);
  EXPECT_EQ(metrics["requestBody"]["content"]["application/json"]["schema"]["$ref"],
            "#/components/schemas/pharmacrm.v1.RecordMetricsRequest");
  EXPECT_TRUE(metrics["responses"].contains("201"));

  // The path's and the route's fixed fields are no query parameters; an
  // explicit JSON name is the parameter's name.
  const Json& alignments = Operation("/api/v1/customers/{subject_id}/alignments", "get");
  EXPECT_TRUE(Parameter(alignments, "subject").is_null());
  EXPECT_FALSE(Parameter(alignments, "as_of").is_null());
  EXPECT_EQ(Parameter(alignments, "as_of")["schema"]["format"], "date-time");
  const Json& series = Operation("/api/v1/customers/{customer_id}/metrics", "get");
  EXPECT_FALSE(Parameter(series, "from").is_null());
  EXPECT_TRUE(Parameter(series, "customer_id")["in"] == "path");

  const Json& kinds = doc_["components"]["schemas"]["pharmacrm.v1.CustomerKind"];
  EXPECT_EQ(kinds["type"], "string");
  EXPECT_NE(std::find(kinds["enum"].begin(), kinds["enum"].end(), "CUSTOMER_KIND_HOSPITAL"), kinds["enum"].end());
  const Json& error = doc_["components"]["schemas"]["Error"]["properties"]["error"]["properties"];
  for (const char* field : {"code", "message", "field", "message_zh"}) EXPECT_TRUE(error.contains(field)) << field;
  // 64-bit integers are strings in proto3 JSON.
  EXPECT_EQ(doc_["components"]["schemas"]["pharmacrm.v1.DeactivateCustomerRequest"]["properties"]
                ["expected_version"]["type"],
            "string");
  // Every $ref points at a schema of the document.
  std::function<void(const Json&)> check = [&](const Json& j) {
    if (j.is_object()) {
      if (j.contains("$ref")) {
        std::string ref = j["$ref"];
        ASSERT_EQ(ref.rfind("#/components/schemas/", 0), 0u) << ref;
        EXPECT_TRUE(doc_["components"]["schemas"].contains(ref.substr(21))) << ref;
      }
      for (const auto& [key, value] : j.items()) check(value);
    } else if (j.is_array()) {
      for (const Json& value : j) check(value);
    }
  };
  check(doc_);
}

TEST(LoadDescriptorSet, RefusesBytesThatDoNotParse) {
  EXPECT_EQ(LoadDescriptorSet("\xff\xff garbage").status().code(), absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace pharmacrm::gateway
