#include "pharmacrm/core/config.h"

#include <cstdlib>

#include "absl/flags/flag.h"
#include "gtest/gtest.h"

ABSL_FLAG(int, config_test_port, 7, "test flag");
ABSL_FLAG(std::string, config_test_name, "default", "test flag");

namespace pharmacrm::core {
namespace {

TEST(Config, EnvNameIsPrefixedUpperCase) {
  EXPECT_EQ(EnvNameForFlag("kafka_bootstrap"), "PHARMACRM_KAFKA_BOOTSTRAP");
}

TEST(Config, EnvironmentSetsFlags) {
  setenv("PHARMACRM_CONFIG_TEST_PORT", "9001", 1);
  setenv("PHARMACRM_CONFIG_TEST_NAME", "from-env", 1);
  ASSERT_TRUE(ApplyEnvironmentToFlags().ok());
  EXPECT_EQ(absl::GetFlag(FLAGS_config_test_port), 9001);
  EXPECT_EQ(absl::GetFlag(FLAGS_config_test_name), "from-env");
  unsetenv("PHARMACRM_CONFIG_TEST_PORT");
  unsetenv("PHARMACRM_CONFIG_TEST_NAME");
}

TEST(Config, BadEnvironmentValueNamesTheVariable) {
  setenv("PHARMACRM_CONFIG_TEST_PORT", "not-a-number", 1);
  absl::Status s = ApplyEnvironmentToFlags();
  unsetenv("PHARMACRM_CONFIG_TEST_PORT");
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_NE(s.message().find("PHARMACRM_CONFIG_TEST_PORT"), std::string::npos) << s;
}

}  // namespace
}  // namespace pharmacrm::core
