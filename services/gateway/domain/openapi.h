// The OpenAPI 3 document of the HTTP/JSON API, made from the same
// descriptors and google.api.http annotations as the routes. Pure.
#ifndef PHARMACRM_SERVICES_GATEWAY_DOMAIN_OPENAPI_H_
#define PHARMACRM_SERVICES_GATEWAY_DOMAIN_OPENAPI_H_

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "domain/http_route.h"
#include "google/protobuf/descriptor.h"

namespace pharmacrm::gateway {

// The files of a serialized google.protobuf.FileDescriptorSet (imports
// included) in a pool of their own, with their source info, so that its
// descriptors have their comments.
struct DescriptorSet {
  std::unique_ptr<google::protobuf::DescriptorPool> pool;
  std::vector<std::string> files;  // Names, in the set's order.
};

// INVALID_ARGUMENT if the bytes do not parse or a file does not build.
absl::StatusOr<DescriptorSet> LoadDescriptorSet(std::string_view bytes);

// The services of `package` in the named `files` of `pool` (files the pool
// lacks are skipped), by file, then declaration. With the generated pool and
// a DescriptorSet's files: the compiled-in descriptors of the same services.
std::vector<const google::protobuf::ServiceDescriptor*> ServicesOfPackage(
    const google::protobuf::DescriptorPool& pool, absl::Span<const std::string> files,
    absl::string_view package);

struct OpenApiInfo {
  std::string title;
  std::string version;
  std::string description;
};

// The OpenAPI 3.0 document (JSON) of `routes`, whose descriptors should
// carry source info: a path per template, an operation per route
// (operationId Service_Method, or Service_Method_<n> for the n-th extra
// binding; the RPC's comment as description), path parameters, query
// parameters (every scalar, enum, repeated scalar and well-known-type field
// reachable through singular messages, less those bound by the path, the
// route's fixed fields or the body), the JSON body, the success answer and
// the error body (components/schemas/Error, as ErrorJson writes it) for
// every other status. Schemas follow the proto3 JSON mapping with proto
// field names; comments become descriptions; enums list their value names.
std::string BuildOpenApi(absl::Span<const HttpRoute> routes, const OpenApiInfo& info);

}  // namespace pharmacrm::gateway

#endif  // PHARMACRM_SERVICES_GATEWAY_DOMAIN_OPENAPI_H_
