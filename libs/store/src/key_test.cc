#include "pharmacrm/store/key.h"

#include <algorithm>
#include <tuple>
#include <vector>

#include "gtest/gtest.h"

namespace pharmacrm::store {
namespace {

TEST(KeyBuilder, ByteOrderMatchesTupleOrder) {
  std::vector<std::tuple<std::string, int64_t>> tuples = {
      {"", -5}, {"", 3}, {"a", -1}, {"a", 0}, {std::string("a\0", 2), -9},
      {"ab", std::numeric_limits<int64_t>::min()}, {"b", 1}, {"医院", 2}};
  std::vector<std::string> keys;
  for (auto& [s, i] : tuples) keys.push_back(KeyBuilder(7).String(s).Int64(i).key());
  EXPECT_TRUE(std::is_sorted(keys.begin(), keys.end()));
  EXPECT_TRUE(std::is_sorted(tuples.begin(), tuples.end()));
}

TEST(KeyReader, RoundTrips) {
  std::string s("x\0y", 3);
  std::string key = KeyBuilder(3).String(s).Uint64(42).Int64(-7).String("客户").key();
  KeyReader r(key);
  EXPECT_EQ(*r.KeySpace(), 3);
  EXPECT_EQ(*r.String(), s);
  EXPECT_EQ(*r.Uint64(), 42u);
  EXPECT_EQ(*r.Int64(), -7);
  EXPECT_EQ(*r.String(), "客户");
  EXPECT_TRUE(r.done());
}

TEST(KeyBuilder, EscapesEveryNul) {
  // Leading, repeated and trailing NULs: each is written as 00 ff.
  std::string s("\0\0a\0", 4);
  std::string key = KeyBuilder(2).String(s).key();
  EXPECT_EQ(key, std::string("\x02\0\xff\0\xff"
                             "a\0\xff\0\x01",
                             10));
  KeyReader r(key);
  ASSERT_TRUE(r.KeySpace().ok());
  EXPECT_EQ(*r.String(), s);
  EXPECT_TRUE(r.done());
}

TEST(KeyReader, RejectsTruncatedKeys) {
  std::string key = KeyBuilder(1).String("abc").key();
  KeyReader r(absl::string_view(key).substr(0, key.size() - 1));
  ASSERT_TRUE(r.KeySpace().ok());
  EXPECT_EQ(r.String().status().code(), absl::StatusCode::kDataLoss);
  KeyReader r2("\x01\x00\x00");
  ASSERT_TRUE(r2.KeySpace().ok());
  EXPECT_EQ(r2.Uint64().status().code(), absl::StatusCode::kDataLoss);
}

}  // namespace
}  // namespace pharmacrm::store
