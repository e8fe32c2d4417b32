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

std::string ChineseSummary(const absl::Status& status) {
  std::string text;
  switch (status.code()) {
    case absl::StatusCode::kInvalidArgument:
    case absl::StatusCode::kOutOfRange: text = "请求内容无效"; break;
    case absl::StatusCode::kFailedPrecondition: text = "请求与当前状态不符"; break;
    case absl::StatusCode::kNotFound: text = "未找到对应的记录"; break;
    case absl::StatusCode::kAlreadyExists: text = "记录已存在"; break;
    case absl::StatusCode::kAborted: text = "数据已被修改，请重新读取后再试"; break;
    case absl::StatusCode::kResourceExhausted: text = "请求过大或过于频繁"; break;
    case absl::StatusCode::kUnauthenticated: text = "未登录或令牌无效"; break;
    case absl::StatusCode::kPermissionDenied: text = "没有访问权限"; break;
    case absl::StatusCode::kUnavailable: text = "服务暂时不可用，请稍后再试"; break;
    case absl::StatusCode::kDeadlineExceeded: text = "服务响应超时，请稍后再试"; break;
    case absl::StatusCode::kUnimplemented: text = "不支持该操作"; break;
    default: text = "系统内部错误"; break;
  }
  if (std::optional<std::string> field = core::FieldOf(status)) {
    absl::StrAppend(&text, "（字段：", *field, "）");
  }
  return text;
}

std::string ErrorJson(const absl::Status& status) {
  std::string out = absl::StrCat(R"({"error":{"code":")", absl::StatusCodeToString(status.code()), R"(","message":")",
                                 core::JsonEscape(status.message()), "\"");
  if (std::optional<std::string> field = core::FieldOf(status)) {
    absl::StrAppend(&out, R"(,"field":")", core::JsonEscape(*field), "\"");
  }
  absl::StrAppend(&out, R"(,"message_zh":")", core::JsonEscape(ChineseSummary(status)), "\"}}");
  return out;
}

}  // namespace pharmacrm::gateway
