#include "domain/http_mapping.h"

#include "absl/strings/str_cat.h"
#include "pharmacrm/core/log.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::gateway {

int HttpStatusFor(absl::StatusCode code) {
  switch (code) {
    case absl::StatusCode::kOk: return 200;
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange:
    case absl::StatusCode::kFailedPrecondition: return 400;
    case absl::StatusCode::kUnauthenticated: return 401;
    case absl::StatusCode::kPermissionDenied: return 403;
    case absl::StatusCode::kNotFound: return 404;
    case absl::StatusCode::kAborted:
    case absl::StatusCode::kAlreadyExists: return 409;
    case absl::StatusCode::kResourceExhausted: return 429;
    case absl::StatusCode::kCancelled: return 499;
    case absl::StatusCode::kUnimplemented: return 501;
    case absl::StatusCode::kUnavailable: return 503;
    case absl::StatusCode::kDeadlineExceeded: return 504;
    default: return 500;
  }
}

std::string ErrorJson(const absl::Status& status) {
  std::string out = absl::StrCat(R"({"error":{"code":")", absl::StatusCodeToString(status.code()), R"(","message":")",
                                 core::JsonEscape(status.message()), "\"");
  if (std::optional<std::string> field = core::FieldOf(status)) {
    absl::StrAppend(&out, R"(,"field":")", core::JsonEscape(*field), "\"");
  }
  absl::StrAppend(&out, "}}");
  return out;
}

}  // namespace pharmacrm::gateway
