// Binding of one HTTP request to the request message of its RPC, as
// grpc-gateway does it, from the descriptors alone. Pure; thread-safe.
#ifndef PHARMACRM_SERVICES_GATEWAY_DOMAIN_HTTP_BINDING_H_
#define PHARMACRM_SERVICES_GATEWAY_DOMAIN_HTTP_BINDING_H_

#include <cstddef>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "domain/http_route.h"
#include "google/protobuf/message.h"

namespace pharmacrm::gateway {

struct BindOptions {
  size_t max_body_bytes = 1 << 20;
};

// Fills `request` (empty, of `route.method->input_type()`) from one request:
//  1. the body, if the route has one: proto3 JSON (proto or JSON field
//     names; unknown fields refused) into the whole request ("*") or into
//     the route's body field. A body route needs a non-empty body. Routes
//     without a body ignore it.
//  2. the path variables (`params`, as MatchPath gives them): each sets its
//     field; a body that set the field to another value is refused (the
//     path wins, but never silently).
//  3. the query string, unless the body is "*": `a.b=value` sets the field
//     at that path (proto or JSON names); repeated fields take every value
//     given; values are percent-decoded ('+' is a space); an empty value
//     leaves the field unset. Scalars from text; enums by value name or
//     number; bools true, false, 1, 0; google.protobuf.Timestamp in RFC 3339,
//     Duration as "1.5s", FieldMask as comma-separated paths, wrappers by
//     their value; other messages cannot be set from the query.
//  4. the route's fixed fields.
// Every refusal is INVALID_ARGUMENT naming the field (core::FieldError), or
// "body" for the body as a whole: body over options.max_body_bytes, missing
// or malformed JSON, a wrong type; an unknown query parameter, one naming a
// path-bound or fixed field, a value of the wrong type, an unknown enum
// name, several values for a singular field, any query parameter on a "*"
// body route. `request` is then partly filled and must be dropped.
absl::Status BindHttpRequest(const HttpRoute& route, const PathParams& params,
                             absl::string_view query, absl::string_view body,
                             const BindOptions& options, google::protobuf::Message* request);

}  // namespace pharmacrm::gateway

#endif  // PHARMACRM_SERVICES_GATEWAY_DOMAIN_HTTP_BINDING_H_
