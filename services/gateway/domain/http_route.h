// The routes of the HTTP/JSON API, read from the `google.api.http`
// annotations of the RPCs (proto/pharmacrm/v1/*.proto). Pure.
//
// Path templates follow google/api/http.proto as grpc-gateway reads them,
// in the subset this gateway serves: literal segments, `*` (one segment,
// bound to nothing) and one-segment variables `{field.path}` or
// `{field.path=*}`. `**`, variables over several segments and custom verbs
// (`:verb`) are refused when the routes are built.
#ifndef PHARMACRM_SERVICES_GATEWAY_DOMAIN_HTTP_ROUTE_H_
#define PHARMACRM_SERVICES_GATEWAY_DOMAIN_HTTP_ROUTE_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "google/protobuf/descriptor.h"

namespace pharmacrm::gateway {

struct PathTemplate {
  struct Segment {
    enum Kind { kLiteral, kWildcard, kVariable };
    Kind kind = kLiteral;
    std::string text;  // The literal, or the variable's field path.
  };
  std::string text;  // As written in the annotation.
  std::vector<Segment> segments;
};

// INVALID_ARGUMENT naming the template if it is not of the subset above
// (must start with '/', no empty segment, balanced braces).
absl::StatusOr<PathTemplate> ParsePathTemplate(absl::string_view text);

// Field path (as written in the template) → the percent-decoded segment.
using PathParams = std::vector<std::pair<std::string, std::string>>;

// True if `path` (as received, still percent-encoded, without the query)
// matches `t`: as many segments, literals equal, variables non-empty. On a
// match `params` holds the variables' decoded values.
bool MatchPath(const PathTemplate& t, absl::string_view path, PathParams* params);

// RFC 3986 percent-decoding: "%hh" becomes its byte, and with `plus_is_space`
// (query-string names and values) '+' becomes a space; in a path '+' stays
// itself. A '%' not followed by two hex digits is kept as it is.
std::string PercentDecode(absl::string_view s, bool plus_is_space);

// One HTTP binding of an RPC.
struct HttpRoute {
  std::string verb;  // "GET", "POST", "PATCH", "PUT", "DELETE".
  PathTemplate path;
  // "" (no body: fields from path and query), "*" (the whole request from
  // the body; no query parameters), or a top-level singular message field
  // filled from the body.
  std::string body;
  const google::protobuf::MethodDescriptor* method = nullptr;
  int success_status = 200;  // pharmacrm.v1.http_serving.success_status
  // pharmacrm.v1.http_serving.fixed_fields, split at the first '='.
  std::vector<std::pair<std::string, std::string>> fixed_fields;
  // The RPC is marked `idempotency_level = NO_SIDE_EFFECTS` (a query).
  bool query = false;
  int deadline_ms = 0;  // pharmacrm.v1.http_serving.deadline_ms; 0: default.
};

// The routes of every annotated RPC of `services`, additional_bindings
// included, in declaration order. RPCs without an annotation have no
// route. INVALID_ARGUMENT naming the RPC for an annotation that cannot be
// served: a streaming RPC, a template outside the subset, a path variable
// or body naming no field (or a repeated or message field as a variable),
// a fixed field without '=', two routes with one verb and template.
absl::StatusOr<std::vector<HttpRoute>> RoutesFromServices(
    absl::Span<const google::protobuf::ServiceDescriptor* const> services);

// The field at a dotted path from `type`, each part a field's proto name
// or JSON name, every part but the last a singular message. Empty if none.
std::vector<const google::protobuf::FieldDescriptor*> FindFieldPath(
    const google::protobuf::Descriptor* type, absl::string_view path);

// Finds the route of a request. Immutable after construction, so
// thread-safe.
class RouteTable {
 public:
  explicit RouteTable(std::vector<HttpRoute> routes);

  struct Lookup {
    const HttpRoute* route = nullptr;  // Null: no route for this verb.
    PathParams params;
    // When `route` is null: the verbs the path has routes for, sorted
    // (a 405 with Allow); empty if none (a 404).
    std::vector<std::string> allowed;
  };
  // Among the routes of `verb` whose template matches, the most specific
  // wins: at the first segment where two differ, a literal beats a
  // variable or wildcard.
  Lookup Find(absl::string_view verb, absl::string_view path) const;

  const std::vector<HttpRoute>& routes() const { return routes_; }

 private:
  std::vector<HttpRoute> routes_;
};

}  // namespace pharmacrm::gateway

#endif  // PHARMACRM_SERVICES_GATEWAY_DOMAIN_HTTP_ROUTE_H_
