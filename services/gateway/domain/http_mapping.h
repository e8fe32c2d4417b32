// How the HTTP/JSON API speaks: status codes and error bodies. Pure.
#ifndef PHARMACRM_SERVICES_GATEWAY_DOMAIN_HTTP_MAPPING_H_
#define PHARMACRM_SERVICES_GATEWAY_DOMAIN_HTTP_MAPPING_H_

#include <string>

#include "absl/status/status.h"

namespace pharmacrm::gateway {

// The HTTP status for a gRPC/absl code (as google.api's HTTP mapping does).
int HttpStatusFor(absl::StatusCode code);

// {"error":{"code":"NOT_FOUND","message":"...","field":"customer_id"}}; the
// field appears when the status names one.
std::string ErrorJson(const absl::Status& status);

}  // namespace pharmacrm::gateway

#endif  // PHARMACRM_SERVICES_GATEWAY_DOMAIN_HTTP_MAPPING_H_
