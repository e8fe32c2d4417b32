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
  EXPECT_TRUE(IsUuid("0190B2C4-7A1B-7C3D-8E4F-5A6B7C8D9E0F"));
}

TEST(UuidBits, OneValuePerGeneratedFormOnly) {
  EXPECT_EQ(UuidBits("0190b2c4-7a1b-7c3d-8e4f-5a6b7c8d9e0f"),
            absl::MakeUint128(0x0190b2c47a1b7c3dULL, 0x8e4f5a6b7c8d9e0fULL));
  EXPECT_EQ(UuidBits("0190B2C4-7A1B-7C3D-8E4F-5A6B7C8D9E0F"),
            std::nullopt);  // One string per value.
  EXPECT_EQ(UuidBits("0190b2c47a1b7c3d8e4f5a6b7c8d9e0f"), std::nullopt);
  EXPECT_EQ(UuidBits("0190b2c4-7a1b-7c3d-8e4f-5a6b7c8d9e0g"), std::nullopt);
  EXPECT_EQ(UuidBits(""), std::nullopt);
  IdGenerator gen;
  const std::string a = gen.Next();
  const std::string b = gen.Next();
  ASSERT_TRUE(UuidBits(a).has_value()) << a;
  ASSERT_TRUE(UuidBits(b).has_value()) << b;
  EXPECT_NE(*UuidBits(a), *UuidBits(b));
}

}  // namespace
}  // namespace pharmacrm::core
