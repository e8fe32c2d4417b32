#include "domain/http_mapping.h"

#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::gateway {
namespace {

TEST(HttpStatusFor, MapsLikeGoogleApis) {
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kFailedPrecondition), 400);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kAborted), 409);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kResourceExhausted), 429);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(absl::StatusCode::kInternal), 500);
}

TEST(ErrorJson, NamesCodeMessageAndField) {
  EXPECT_EQ(ErrorJson(core::FieldError("profile.name", "must not be \"empty\"")),
            R"({"error":{"code":"INVALID_ARGUMENT","message":"profile.name: must not be \"empty\"","field":"profile.name","message_zh":"请求内容无效（字段：profile.name）"}})");
  EXPECT_EQ(ErrorJson(absl::AbortedError("stale")),
            R"({"error":{"code":"ABORTED","message":"stale","message_zh":"数据已被修改，请重新读取后再试"}})");
}

}  // namespace
}  // namespace pharmacrm::gateway
