#include "domain/matching/matching.h"

#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {

using ::pharmacrm::matching::MatchInput;
using ::pharmacrm::matching::MatchReason;
using ::pharmacrm::matching::MatchResult;
using ::pharmacrm::matching::PinyinConverter;
using ::pharmacrm::matching::ScorePair;

namespace {

const PinyinConverter& Pinyin() {
  static const PinyinConverter* p = PinyinConverter::Create()->release();
  return *p;
}

v1::Customer Doctor(const std::string& id, const std::string& name, const std::string& hospital,
                    const std::string& phone) {
  v1::Customer c;
  c.set_id(id);
  c.mutable_profile()->set_kind(v1::CUSTOMER_KIND_DOCTOR);
  c.mutable_profile()->set_name(name);
  c.mutable_profile()->set_hospital_id(hospital);
  c.mutable_profile()->set_phone(phone);
  return c;
}

TEST(RankCandidates, HomophoneAtTheSameHospitalRanksFirstWithReasons) {
  v1::Customer subject = Doctor("d-1", "张伟", "h-1", "13800000001");
  std::vector<v1::Customer> candidates = {
      Doctor("d-2", "章伟", "h-1", "13800000001"),  // Same person, homophone typo.
      Doctor("d-3", "张伟", "h-9", "13900000009"),  // Namesake at another hospital.
      Doctor("d-4", "王芳", "h-1", "13700000007"),  // Someone else.
      subject,                                      // Itself: left out.
  };
  v1::FindDuplicateCandidatesRequest r;
  r.set_customer_id("d-1");
  auto ranked = RankCandidates(subject, candidates, r, Pinyin());
  ASSERT_EQ(ranked.size(), 1u);
  EXPECT_EQ(ranked[0].customer().id(), "d-2");
  EXPECT_GE(ranked[0].score(), 0.6);
  EXPECT_FALSE(ranked[0].reasons().empty());
  r.set_min_score(0.01);
  ranked = RankCandidates(subject, candidates, r, Pinyin());
  ASSERT_GE(ranked.size(), 2u);
  EXPECT_EQ(ranked[0].customer().id(), "d-2");
  EXPECT_GE(ranked[0].score(), ranked[1].score());
}

TEST(MatchInputFor, TakesTheOrganisationsCode) {
  v1::Customer c;
  c.mutable_profile()->set_kind(v1::CUSTOMER_KIND_DISTRIBUTOR);
  c.mutable_profile()->set_name("国药控股");
  c.mutable_profile()->mutable_distributor()->set_social_credit_code("91350100M000100Y43");
  MatchInput in = MatchInputFor(c, Pinyin());
  EXPECT_EQ(in.code, "91350100M000100Y43");
  EXPECT_EQ(in.kind, "CUSTOMER_KIND_DISTRIBUTOR");
  EXPECT_FALSE(in.name_pinyin.empty());
}

TEST(MatchInputFor, TheAddressNamesEachRegionOnce) {
  v1::Customer whole = Doctor("d-1", "李玉涛", "h-1", "13330860217");
  v1::CustomerProfile& p = *whole.mutable_profile();
  p.set_province("云南省");
  p.set_city("昆明市");
  p.set_district("官渡区");
  p.set_address("云南省昆明市官渡区中山路354号");  // Kept whole beside its parts.
  EXPECT_EQ(MatchInputFor(whole, Pinyin()).address, "云南省昆明市官渡区中山路354号");
  v1::Customer split = whole;
  split.mutable_profile()->set_address("中山路354号");  // Split by ParseAddress.
  EXPECT_EQ(MatchInputFor(split, Pinyin()).address, "云南省昆明市官渡区中山路354号");
  v1::Customer from_city = whole;
  from_city.mutable_profile()->set_address("昆明市官渡区中山路354号");
  EXPECT_EQ(MatchInputFor(from_city, Pinyin()).address, "云南省昆明市官渡区中山路354号");
  // The two forms of one address are the same address to the matcher.
  MatchResult r = ScorePair(MatchInputFor(whole, Pinyin()), MatchInputFor(split, Pinyin()));
  bool address_reason = false;
  for (const MatchReason& reason : r.reasons) {
    if (reason.signal != "address") continue;
    address_reason = true;
    EXPECT_EQ(reason.score, 1.0);
    EXPECT_EQ(reason.detail.find("官渡区云南省"), std::string::npos) << reason.detail;
  }
  EXPECT_TRUE(address_reason);
  // No address at all: nothing to compare.
  v1::Customer none = Doctor("d-2", "李玉涛", "h-1", "13330860217");
  EXPECT_EQ(MatchInputFor(none, Pinyin()).address, "");
}

TEST(ValidateFindDuplicates, NamesBadFields) {
  v1::FindDuplicateCandidatesRequest r;
  EXPECT_EQ(core::FieldOf(ValidateFindDuplicates(r)), "customer_id");
  r.set_customer_id("c");
  r.set_min_score(1.5);
  EXPECT_EQ(core::FieldOf(ValidateFindDuplicates(r)), "min_score");
  r.set_min_score(0.5);
  r.set_limit(101);
  EXPECT_EQ(core::FieldOf(ValidateFindDuplicates(r)), "limit");
}

}  // namespace
}  // namespace pharmacrm::customer_master
