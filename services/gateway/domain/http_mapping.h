// How the HTTP/JSON API speaks: status codes and error bodies. Pure.
#ifndef PHARMACRM_SERVICES_GATEWAY_DOMAIN_HTTP_MAPPING_H_
#define PHARMACRM_SERVICES_GATEWAY_DOMAIN_HTTP_MAPPING_H_

#include <string>

#include "absl/status/status.h"

namespace pharmacrm::gateway {

// The HTTP status for a gRPC/absl code (as google.api's HTTP mapping does).
int HttpStatusFor(absl::StatusCode code);

// A short Simplified Chinese summary for people: what kind of problem, and
// the field if the status names one, e.g. "请求内容无效（字段：profile.name）".
std::string ChineseSummary(const absl::Status& status);

// {"error":{"code":"NOT_FOUND","message":"...","field":"customer_id",
// "message_zh":"..."}}: message is the English detail; field appears when the
// status names one; message_zh is ChineseSummary.
std::string ErrorJson(const absl::Status& status);

}  // namespace pharmacrm::gateway

#endif  // PHARMACRM_SERVICES_GATEWAY_DOMAIN_HTTP_MAPPING_H_
