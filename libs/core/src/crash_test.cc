#include "pharmacrm/core/crash.h"

#include "gtest/gtest.h"

namespace pharmacrm::core {
namespace {

TEST(CrashPoint, FiresOnTheNthPassOnly) {
  ASSERT_TRUE(ConfigureCrashPoint("after_commit:3").ok());
  EXPECT_FALSE(CrashPointHitForTest("other"));
  EXPECT_FALSE(CrashPointHitForTest("after_commit"));
  EXPECT_FALSE(CrashPointHitForTest("after_commit"));
  EXPECT_TRUE(CrashPointHitForTest("after_commit"));
  EXPECT_FALSE(CrashPointHitForTest("after_commit"));
  ASSERT_TRUE(ConfigureCrashPoint("").ok());
  EXPECT_FALSE(CrashPointHitForTest("after_commit"));
}

TEST(CrashPoint, RejectsBadCount) {
  EXPECT_EQ(ConfigureCrashPoint("x:zero").code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(ConfigureCrashPoint("x:0").code(), absl::StatusCode::kInvalidArgument);
}

TEST(CrashPointDeathTest, KillsTheProcess) {
  EXPECT_EXIT(
      {
        (void)ConfigureCrashPoint("boom");
        CrashPoint("boom");
      },
      testing::KilledBySignal(SIGKILL), "");
}

}  // namespace
}  // namespace pharmacrm::core
