#include "pharmacrm/core/ids.h"

#include <set>

#include "gtest/gtest.h"

namespace pharmacrm::core {
namespace {

TEST(IdGenerator, MakesVersion7UuidsThatSortInCreationOrder) {
  FakeClock clock(absl::FromUnixMillis(1'700'000'000'000));
  IdGenerator gen(&clock);
  std::string prev;
  std::set<std::string> seen;
  for (int i = 0; i < 10000; ++i) {
    if (i % 1000 == 0) clock.Advance(absl::Milliseconds(1));
    std::string id = gen.Next();
    ASSERT_TRUE(IsUuid(id)) << id;
    EXPECT_EQ(id[14], '7');
    EXPECT_GT(id, prev);
    prev = id;
    seen.insert(id);
  }
  EXPECT_EQ(seen.size(), 10000u);
}

TEST(IdGenerator, StaysOrderedWhenTheClockGoesBack) {
  FakeClock clock(absl::FromUnixMillis(1'700'000'000'000));
  IdGenerator gen(&clock);
  std::string a = gen.Next();
  clock.Advance(absl::Seconds(-5));
  EXPECT_GT(gen.Next(), a);
}

TEST(IsUuid, RejectsMalformedIds) {
  EXPECT_FALSE(IsUuid(""));
  EXPECT_FALSE(IsUuid("not-a-uuid"));
  EXPECT_FALSE(IsUuid("0190b2c4-7a1b-7c3d-8e4f-5a6b7c8d9e0g"));
  EXPECT_TRUE(IsUuid("0190b2c4-7a1b-7c3d-8e4f-5a6b7c8d9e0f"));
}

}  // namespace
}  // namespace pharmacrm::core
