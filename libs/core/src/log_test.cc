#include "pharmacrm/core/log.h"

#include "gtest/gtest.h"

namespace pharmacrm::core {
namespace {

TEST(Log, LineIsJsonWithCorrelationIdAndEscapedFields) {
  SetLogService("test-svc");
  ScopedCorrelationId cid("corr-1");
  std::string line = FormatLogLine(LogLevel::kWarning, "bad \"thing\"\n", {{"field", "名字"}});
  EXPECT_NE(line.find(R"("level":"WARN")"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("service":"test-svc")"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("msg":"bad \"thing\"\n")"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("correlation_id":"corr-1")"), std::string::npos) << line;
  EXPECT_NE(line.find(R"("field":"名字")"), std::string::npos) << line;
  EXPECT_EQ(line.front(), '{');
  EXPECT_EQ(line.back(), '}');
}

TEST(Log, CorrelationIdIsScoped) {
  {
    ScopedCorrelationId outer("a");
    {
      ScopedCorrelationId inner("b");
      EXPECT_EQ(CurrentCorrelationId(), "b");
    }
    EXPECT_EQ(CurrentCorrelationId(), "a");
  }
  EXPECT_EQ(CurrentCorrelationId(), "");
}

TEST(JsonEscape, EscapesControlCharacters) {
  EXPECT_EQ(JsonEscape(std::string("a\x01" "b", 3)), "a\\u0001b");
}

}  // namespace
}  // namespace pharmacrm::core
