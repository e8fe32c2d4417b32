#include "pharmacrm/core/status.h"

#include "gtest/gtest.h"

namespace pharmacrm::core {
namespace {

TEST(FieldError, NamesTheFieldInMessageAndPayload) {
  absl::Status s = FieldError("profile.name", "must not be empty");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(), "profile.name: must not be empty");
  EXPECT_EQ(FieldOf(s), "profile.name");
}

TEST(FieldError, PlainStatusHasNoField) {
  EXPECT_EQ(FieldOf(absl::InternalError("x")), std::nullopt);
}

absl::StatusOr<int> Half(int v) {
  if (v % 2) return absl::InvalidArgumentError("odd");
  return v / 2;
}

absl::Status UseMacros(int v, int* out) {
  ASSIGN_OR_RETURN(int h, Half(v));
  RETURN_IF_ERROR(h > 10 ? absl::OutOfRangeError("big") : absl::OkStatus());
  *out = h;
  return absl::OkStatus();
}

TEST(StatusMacros, PropagateErrorsAndValues) {
  int out = 0;
  EXPECT_TRUE(UseMacros(8, &out).ok());
  EXPECT_EQ(out, 4);
  EXPECT_EQ(UseMacros(3, &out).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(UseMacros(40, &out).code(), absl::StatusCode::kOutOfRange);
}

TEST(ReplaceFieldPrefix, RenamesTheFieldInPayloadAndMessageKeepingTheCode) {
  const absl::Status s = ReplaceFieldPrefix(
      FieldStatus(absl::StatusCode::kNotFound, "call.samples[0].product_id", "'P9' is unknown"),
      "call.", "calls[3].");
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FieldOf(s), "calls[3].samples[0].product_id");
  EXPECT_EQ(s.message(), "calls[3].samples[0].product_id: 'P9' is unknown");
}

TEST(ReplaceFieldPrefix, LeavesOtherFieldsAndFieldlessStatusesAlone) {
  const absl::Status other = FieldError("request_id", "must be set");
  EXPECT_EQ(ReplaceFieldPrefix(other, "call.", "calls[0]."), other);
  const absl::Status plain = absl::InternalError("disk");
  EXPECT_EQ(ReplaceFieldPrefix(plain, "call.", "calls[0]."), plain);
  EXPECT_TRUE(ReplaceFieldPrefix(absl::OkStatus(), "call.", "calls[0].").ok());
}

}  // namespace
}  // namespace pharmacrm::core
