// The HTTP/JSON API: one route per `google.api.http` annotation of the
// RPCs (proto/pharmacrm/v1/*.proto), read from the descriptors at start;
// services/README.md "Gateway HTTP routes" lists them.
//
// A request is matched to its route (domain/http_route.h), bound to the
// RPC's request message (domain/http_binding.h: path variables, query
// parameters, proto3 JSON body) and forwarded through Backends::Call with
// the route's deadline; the answer is proto3 JSON with the .proto field
// names. GET /api/v1/customers/{customer_id} (Gateway.GetCustomer360) is
// answered by the gateway's own fan-out. GET /api/v1/openapi.json serves
// the OpenAPI 3 document of the same routes (domain/openapi.h).
//
// A path with routes for other methods only answers 405 with Allow; any
// other path 404. Fields above the gateway's --max_data_class are left out
// of every answer (header x-pharmacrm-withheld-fields: how many). Binding
// errors are 400 naming the field; errors from the services keep their
// field (see ErrorJson).
#ifndef PHARMACRM_SERVICES_GATEWAY_API_HTTP_API_H_
#define PHARMACRM_SERVICES_GATEWAY_API_HTTP_API_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "api/backends.h"
#include "domain/http_route.h"
#include "pharmacrm/http/server.h"
#include "pharmacrm/v1/privacy.pb.h"

namespace pharmacrm::gateway {

inline constexpr char kOpenApiPath[] = "/api/v1/openapi.json";

// The routes and the OpenAPI document, made once at start. Immutable.
struct HttpApi {
  RouteTable routes;          // Descriptors of the generated pool.
  std::string openapi_json;   // From the compiled-in descriptor set.
};

// Reads the compiled-in descriptor set (pharmacrm/v1/descriptor_set.h) and
// the annotations of package pharmacrm.v1. INVALID_ARGUMENT naming the RPC
// if an annotation cannot be served (RoutesFromServices); INTERNAL if a
// service of the set is not compiled into this binary.
absl::StatusOr<std::unique_ptr<HttpApi>> LoadHttpApi();

struct HttpApiOptions {
  v1::DataClass max_class = v1::DATA_CLASS_SENSITIVE;  // domain/masking.h
  size_t max_body_bytes = 1 << 20;
};

// `backends` and `api` must outlive the handler.
http::Handler MakeHttpHandler(Backends& backends, const HttpApi& api, const HttpApiOptions& options);

}  // namespace pharmacrm::gateway

#endif  // PHARMACRM_SERVICES_GATEWAY_API_HTTP_API_H_
