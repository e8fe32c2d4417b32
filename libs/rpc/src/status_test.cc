#include "pharmacrm/rpc/status.h"

#include "gtest/gtest.h"
#include "google/rpc/error_details.pb.h"
#include "google/rpc/status.pb.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::rpc {
namespace {

TEST(StatusMapping, EveryCodeMapsOneToOne) {
  for (int c = 0; c <= 16; ++c) {
    auto code = static_cast<absl::StatusCode>(c);
    absl::Status s = c == 0 ? absl::OkStatus() : absl::Status(code, "m");
    grpc::Status g = ToGrpcStatus(s);
    EXPECT_EQ(static_cast<int>(g.error_code()), c);
    EXPECT_EQ(FromGrpcStatus(g).code(), code);
    if (c != 0) {
      EXPECT_EQ(g.error_message(), "m");
    }
  }
}

TEST(StatusMapping, FieldErrorBecomesBadRequestFieldViolation) {
  grpc::Status g = ToGrpcStatus(core::FieldError("profile.name", "must not be empty"));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  google::rpc::Status details;
  ASSERT_TRUE(details.ParseFromString(g.error_details()));
  ASSERT_EQ(details.details_size(), 1);
  google::rpc::BadRequest br;
  ASSERT_TRUE(details.details(0).UnpackTo(&br));
  ASSERT_EQ(br.field_violations_size(), 1);
  EXPECT_EQ(br.field_violations(0).field(), "profile.name");
  EXPECT_EQ(br.field_violations(0).description(), "profile.name: must not be empty");
  // And back: the field survives the round trip.
  absl::Status back = FromGrpcStatus(g);
  EXPECT_EQ(core::FieldOf(back), "profile.name");
  EXPECT_EQ(back.message(), "profile.name: must not be empty");
}

TEST(StatusMapping, NonFieldErrorsCarryNoDetails) {
  grpc::Status g = ToGrpcStatus(absl::AbortedError("version conflict"));
  EXPECT_EQ(g.error_code(), grpc::StatusCode::ABORTED);
  EXPECT_TRUE(g.error_details().empty());
}

TEST(CodeName, MatchesGrpcSpelling) {
  EXPECT_EQ(CodeName(absl::StatusCode::kResourceExhausted), "RESOURCE_EXHAUSTED");
  EXPECT_EQ(CodeName(absl::StatusCode::kOk), "OK");
  EXPECT_EQ(CodeName(absl::StatusCode::kDataLoss), "DATA_LOSS");
  EXPECT_EQ(CodeName(static_cast<absl::StatusCode>(42)), "UNKNOWN");
}

}  // namespace
}  // namespace pharmacrm::rpc
