#include "pharmacrm/tabular/text.h"

#include <string>

#include "gtest/gtest.h"

namespace pharmacrm::tabular {
namespace {

TEST(IsValidUtf8, AcceptsUtf8AndRefusesWhatIsNot) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("ascii only, long enough for the 8-byte path"));
  EXPECT_TRUE(IsValidUtf8("阿托伐他汀 10mg×7 \xF0\x9F\x92\x8A"));
  EXPECT_FALSE(IsValidUtf8("\xB1\xB1\xBE\xA9"));          // 北京 in GBK
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));                  // overlong "/"
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));              // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));          // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("abcdefgh\xE5\x8C"));          // cut short after the fast path
}

TEST(AppendUtf8, WritesEachLength) {
  std::string out;
  for (uint32_t cp : {0x41u, 0xE9u, 0x534Fu, 0x1F48Au}) AppendUtf8(cp, &out);
  EXPECT_EQ(out, "A\xC3\xA9\xE5\x8D\x8F\xF0\x9F\x92\x8A");
  EXPECT_TRUE(IsValidUtf8(out));
}

std::string Skip(const std::string& input, size_t chunk) {
  BomSkipper skipper;
  std::string out;
  auto pass = [&](absl::string_view bytes) {
    EXPECT_FALSE(bytes.empty());
    out.append(bytes.data(), bytes.size());
  };
  for (size_t i = 0; i < input.size(); i += chunk) skipper.Feed(input.substr(i, chunk), pass);
  skipper.Finish(pass);
  return out;
}

TEST(BomSkipper, DropsALeadingMarkSplitAnywhereAndNothingElse) {
  for (size_t chunk = 1; chunk <= 5; ++chunk) {
    EXPECT_EQ(Skip("\xEF\xBB\xBFkind,name", chunk), "kind,name") << chunk;
    EXPECT_EQ(Skip("kind,\xEF\xBB\xBF", chunk), "kind,\xEF\xBB\xBF") << chunk;
    EXPECT_EQ(Skip("\xEF\xBBx", chunk), "\xEF\xBBx") << chunk;
    EXPECT_EQ(Skip("\xEF\xBB", chunk), "\xEF\xBB") << chunk;
    EXPECT_EQ(Skip("\xEF\xBB\xBF", chunk), "") << chunk;
  }
}

}  // namespace
}  // namespace pharmacrm::tabular
