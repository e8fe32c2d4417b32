#include "api/http_api.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/audit.h"
#include "domain/http_binding.h"
#include "domain/http_mapping.h"
#include "domain/masking.h"
#include "domain/openapi.h"
#include "google/protobuf/util/json_util.h"
#include "pharmacrm/core/ids.h"
#include "pharmacrm/core/log.h"
#include "pharmacrm/core/metrics.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/v1/descriptor_set.h"
#include "pharmacrm/v1/gateway.pb.h"

namespace pharmacrm::gateway {
namespace {

constexpr char kPackage[] = "pharmacrm.v1";

http::Response Json(int status, std::string body) {
  http::Response r;
  r.status = status;
  r.body = std::move(body);
  return r;
}

http::Response Error(const absl::Status& status) {
  return Json(HttpStatusFor(status.code()), ErrorJson(status));
}

http::Response MethodNotAllowed(const http::Request& req, const std::vector<std::string>& allowed) {
  std::string allow = absl::StrJoin(allowed, ", ");
  http::Response r = Json(405, ErrorJson(absl::UnimplementedError(
                                   absl::StrCat(req.method, " is not served on ", req.path, "; use ", allow))));
  r.headers.emplace_back("Allow", allow);
  return r;
}

http::Response MessageResponse(int status, const google::protobuf::Message& message) {
  google::protobuf::util::JsonPrintOptions options;
  options.preserve_proto_field_names = true;
  options.always_print_primitive_fields = true;
  std::string body;
  auto s = google::protobuf::util::MessageToJsonString(message, &body, options);
  if (!s.ok()) return Error(absl::InternalError(absl::StrCat("json encode: ", s.ToString())));
  return Json(status, std::move(body));
}

// The deadline of a forwarded call (see pharmacrm.v1.HttpServing).
absl::Duration DeadlineOf(const HttpRoute& route, const Backends& backends) {
  if (route.deadline_ms > 0) return absl::Milliseconds(route.deadline_ms);
  return route.query ? backends.query_deadline() : backends.command_deadline();
}

// The answer of one routed request: the gateway's own aggregate, or the
// service's answer to the bound request.
absl::StatusOr<std::unique_ptr<google::protobuf::Message>> Answer(Backends& backends, const HttpRoute& route,
                                                                  const google::protobuf::Message& request) {
  if (route.method->service()->full_name() == "pharmacrm.v1.Gateway") {
    if (route.method->name() != "GetCustomer360") {
      return absl::UnimplementedError(absl::StrCat(route.method->full_name(), " is not served over HTTP"));
    }
    v1::GetCustomer360Request typed;
    typed.CopyFrom(request);
    ASSIGN_OR_RETURN(v1::Customer360 view, backends.GetCustomer360(typed.customer_id()));
    return std::make_unique<v1::Customer360>(std::move(view));
  }
  return backends.Call(route.method, request, DeadlineOf(route, backends));
}

http::Response Route(Backends& backends, const HttpApi& api, const HttpApiOptions& options,
                     const http::Request& req, std::string* route_label, Disclosure* disclosed) {
  if (req.path == kOpenApiPath) {
    *route_label = kOpenApiPath;
    if (req.method != "GET") return MethodNotAllowed(req, {"GET"});
    return Json(200, api.openapi_json);
  }
  RouteTable::Lookup found = api.routes.Find(req.method, req.path);
  if (found.route == nullptr) {
    *route_label = "unknown";
    if (!found.allowed.empty()) return MethodNotAllowed(req, found.allowed);
    return Error(absl::NotFoundError(absl::StrCat("no route for ", req.method, " ", req.path)));
  }
  const HttpRoute& route = *found.route;
  *route_label = route.path.text;
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(route.method->input_type());
  std::unique_ptr<google::protobuf::Message> request(prototype->New());
  BindOptions bind;
  bind.max_body_bytes = options.max_body_bytes;
  if (absl::Status s = BindHttpRequest(route, found.params, req.query, req.body, bind, request.get()); !s.ok()) {
    return Error(s);
  }
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> answer = Answer(backends, route, *request);
  if (!answer.ok()) return Error(answer.status());
  *disclosed = Disclose(answer->get(), options.max_class);
  http::Response response = MessageResponse(route.success_status, **answer);
  if (int withheld = disclosed->withheld; withheld > 0) {
    response.headers.emplace_back("x-pharmacrm-withheld-fields", std::to_string(withheld));
  }
  return response;
}

}  // namespace

absl::StatusOr<std::unique_ptr<HttpApi>> LoadHttpApi() {
  ASSIGN_OR_RETURN(DescriptorSet set, LoadDescriptorSet(v1::DescriptorSetBytes()));

  // Comments live only in the set's own pool; messages are made and parsed
  // with the compiled-in (generated) descriptors of the same services.
  std::vector<const google::protobuf::ServiceDescriptor*> described =
      ServicesOfPackage(*set.pool, set.files, kPackage);
  std::vector<const google::protobuf::ServiceDescriptor*> compiled =
      ServicesOfPackage(*google::protobuf::DescriptorPool::generated_pool(), set.files, kPackage);
  if (compiled.size() != described.size()) {
    return absl::InternalError(absl::StrCat("the descriptor set has ", described.size(), " services of ",
                                            kPackage, ", this binary ", compiled.size()));
  }
  ASSIGN_OR_RETURN(std::vector<HttpRoute> documented, RoutesFromServices(described));
  ASSIGN_OR_RETURN(std::vector<HttpRoute> served, RoutesFromServices(compiled));
  auto api = std::make_unique<HttpApi>(HttpApi{RouteTable(std::move(served)), ""});
  api->openapi_json = BuildOpenApi(
      documented, {"PharmaCRM HTTP/JSON API", "v1",
                   "The gateway's routes, one per google.api.http annotation of the pharmacrm.v1 RPCs. "
                   "JSON in the proto3 mapping with the .proto field names; enums by value name; times "
                   "in RFC 3339. Fields above the gateway's data class are left out of answers."});
  return api;
}

http::Handler MakeHttpHandler(Backends& backends, const HttpApi& api, const HttpApiOptions& options) {
  static core::IdGenerator* ids = new core::IdGenerator();
  static auto& requests = prometheus::BuildCounter()
                              .Name("pharmacrm_http_requests_total")
                              .Help("Gateway HTTP requests, by route and status")
                              .Register(core::Metrics());
  return [&backends, &api, options](const http::Request& req) {
    auto it = req.headers.find("x-correlation-id");
    std::string correlation_id =
        it != req.headers.end() && !it->second.empty() ? it->second.substr(0, 128) : ids->Next();
    core::ScopedCorrelationId scoped(correlation_id);
    // The actor the caller declares (no authentication yet) goes with every
    // call to the services, so histories record it, and into the audit.
    auto declared = req.headers.find("x-pharmacrm-actor");
    std::string actor = declared != req.headers.end() && !declared->second.empty()
                            ? declared->second.substr(0, 128)
                            : "anonymous";
    rpc::ScopedActor scoped_actor(actor == "anonymous" ? "" : actor);
    std::string route;
    Disclosure disclosed;
    http::Response resp = Route(backends, api, options, req, &route, &disclosed);
    resp.headers.emplace_back("x-correlation-id", correlation_id);
    if (Audited(disclosed)) AuditRead(route, req.path, actor, disclosed);
    requests.Add({{"route", route}, {"code", std::to_string(resp.status)}}).Increment();
    return resp;
  };
}

}  // namespace pharmacrm::gateway
