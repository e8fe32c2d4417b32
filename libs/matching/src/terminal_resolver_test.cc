#include "pharmacrm/matching/terminal_resolver.h"

#include <memory>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pharmacrm::matching {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::Field;
using ::testing::HasSubstr;

constexpr char kHospital[] = "CUSTOMER_KIND_HOSPITAL";
constexpr char kPharmacy[] = "CUSTOMER_KIND_PHARMACY";

// One per process: creating one takes ICU about 0.15 s.
const PinyinConverter& Pinyin() {
  static const PinyinConverter* const pinyin = PinyinConverter::Create().value().release();
  return *pinyin;
}

TerminalCandidate Candidate(std::string id, std::string kind, std::string name,
                            std::string address, std::vector<std::string> codes = {}) {
  TerminalCandidate c;
  c.id = std::move(id);
  c.kind = std::move(kind);
  c.name = std::move(name);
  c.address = std::move(address);
  c.external_codes = std::move(codes);
  return c;
}

// As customer-master keeps it: the address split into its parts.
TerminalCandidate Pumch() {
  TerminalCandidate c = Candidate("h-pumch", kHospital, "北京协和医院", "帅府园1号", {"BJ-0001"});
  c.province = "北京市";
  c.city = "北京市";
  c.district = "东城区";
  return c;
}

std::vector<TerminalCandidate> BeijingHospitals() {
  return {
      Pumch(),
      Candidate("h-pku1", kHospital, "北京大学第一医院", "北京市西城区西什库大街8号"),
      Candidate("h-chaoyang", kHospital, "首都医科大学附属北京朝阳医院",
                "北京市朝阳区工人体育场南路8号"),
      Candidate("h-ruijin", kHospital, "上海交通大学医学院附属瑞金医院",
                "上海市黄浦区瑞金二路197号"),
      Candidate("p-tongrentang", kPharmacy, "北京同仁堂药店(王府井店)",
                "北京市东城区王府井大街117号"),
  };
}

// The resolution in one line, for failure messages.
std::string Describe(const TerminalResolution& r) {
  auto candidates = [](const std::vector<ScoredCandidate>& list) {
    std::string out;
    for (const ScoredCandidate& c : list) {
      absl::StrAppendFormat(&out, " %s %.3f [", c.customer_id, c.score);
      for (const MatchReason& reason : c.reasons) {
        absl::StrAppendFormat(&out, "%s %.2f: %s; ", reason.signal, reason.score, reason.detail);
      }
      out += "]";
    }
    return out;
  };
  if (const auto* m = std::get_if<Matched>(&r)) {
    std::string out = absl::StrFormat("Matched %s by %s %.3f (runner-up %.3f)", m->customer_id,
                                      MatchedByName(m->how), m->score, m->runner_up_score);
    for (const MatchReason& reason : m->reasons) absl::StrAppend(&out, " | ", reason.detail);
    return out;
  }
  if (const auto* a = std::get_if<Ambiguous>(&r)) return "Ambiguous" + candidates(a->candidates);
  return "Unmatched" + candidates(std::get<Unmatched>(r).best);
}

// The id a row resolved to, or "" if it did not resolve.
std::string MatchedId(const TerminalResolution& r) {
  const auto* m = std::get_if<Matched>(&r);
  return m == nullptr ? "" : m->customer_id;
}

auto Scored(absl::string_view id) {
  return Field(&ScoredCandidate::customer_id, std::string(id));
}

TEST(TerminalResolver, ExactExternalCodeDecides) {
  TerminalResolver resolver(BeijingHospitals(), Pinyin());
  // Codes are compared after NFKC, without spaces, upper-cased.
  for (absl::string_view code : {"BJ-0001", " bj-0001 ", "ＢＪ－０００１"}) {
    TerminalResolution r = *resolver.Resolve(code, "东单那家医院", "");
    const auto* m = std::get_if<Matched>(&r);
    ASSERT_NE(m, nullptr) << code << ": " << Describe(r);
    EXPECT_EQ(m->customer_id, "h-pumch");
    EXPECT_EQ(m->how, MatchedBy::kExternalCode);
    EXPECT_EQ(MatchedByName(m->how), "external code");
    EXPECT_DOUBLE_EQ(m->score, 1.0);
    ASSERT_EQ(m->reasons.size(), 1u);
    EXPECT_EQ(m->reasons[0].signal, "code");
    EXPECT_THAT(m->reasons[0].detail, HasSubstr("BJ-0001"));
  }
  // An unknown code falls back to the name and address.
  TerminalResolution r = *resolver.Resolve("BJ-9999", "北京协和医院", "北京市东城区帅府园1号");
  const auto* m = std::get_if<Matched>(&r);
  ASSERT_NE(m, nullptr) << Describe(r);
  EXPECT_EQ(m->customer_id, "h-pumch");
  EXPECT_EQ(m->how, MatchedBy::kNameAndAddress);
  EXPECT_EQ(MatchedByName(m->how), "name and address");
}

TEST(TerminalResolver, ACodeOfSeveralCustomersDecidesNothing) {
  std::vector<TerminalCandidate> candidates = BeijingHospitals();
  candidates[1].external_codes = {"BJ-0001"};  // 北京大学第一医院 shares PUMCH's code.
  TerminalResolver resolver(candidates, Pinyin());
  TerminalResolution r = *resolver.Resolve("BJ-0001", "北京大学第一医院", "北京市西城区西什库大街8号");
  const auto* m = std::get_if<Matched>(&r);
  ASSERT_NE(m, nullptr) << Describe(r);
  EXPECT_EQ(m->customer_id, "h-pku1");
  EXPECT_EQ(m->how, MatchedBy::kNameAndAddress);
}

TEST(TerminalResolver, NameVariantsMatch) {
  TerminalResolver resolver(BeijingHospitals(), Pinyin());
  struct Row {
    const char* name;
    const char* address;
  };
  for (const Row& row : std::vector<Row>{
           {"北京协和医院", "北京市东城区帅府园1号"},
           {"  北京协和医院 ", "北京市 东城区 帅府园1号"},   // Spaces.
           {"北京協和醫院", "北京市東城區帥府園１號"},       // Traditional, full-width digit.
           {"北京协和医院（东单院区）", "北京市东城区帅府园1号"},  // Full-width brackets.
           {"协和医院(东单院区)", "东城区帅府园1号"},        // No 北京, no 北京市.
           {"协和医院", "北京市东城区帅府园1号"},            // No 北京.
           {"北京市协和医院", "帅府园1号"},                  // 北京市 for 北京.
           {"【医保定点】北京协和医院", "北京东城区帅府园一号"},
       }) {
    TerminalResolution r = *resolver.Resolve("", row.name, row.address);
    EXPECT_EQ(MatchedId(r), "h-pumch") << row.name << " / " << row.address << ": " << Describe(r);
  }
}

// With names alone every score is capped at 0.7 (ScorePair's name-only
// cap), below the 0.8 a match needs: a person decides, or the code.
TEST(TerminalResolver, ANameAloneIsNeverMatched) {
  TerminalResolver resolver(BeijingHospitals(), Pinyin());
  // 北京大学第一医院 is 0.78 alike (0.78² = 0.61): two likely duplicates.
  TerminalResolution r = *resolver.Resolve("", "北京协和医院", "");
  const auto* a = std::get_if<Ambiguous>(&r);
  ASSERT_NE(a, nullptr) << Describe(r);
  EXPECT_THAT(a->candidates, ::testing::ElementsAre(Scored("h-pumch"), Scored("h-pku1")))
      << Describe(r);
  EXPECT_DOUBLE_EQ(a->candidates[0].score, kNameOnlyCap);
  // Without it, the one candidate is listed.
  std::vector<TerminalCandidate> candidates = BeijingHospitals();
  candidates.erase(candidates.begin() + 1);
  candidates.push_back(Candidate("h-xt", kHospital, "湘潭市中心医院",
                                 "湖南省湘潭市雨湖区和平路120号"));
  TerminalResolver without(candidates, Pinyin());
  r = *without.Resolve("", "北京协和医院", "");
  const auto* u = std::get_if<Unmatched>(&r);
  ASSERT_NE(u, nullptr) << Describe(r);
  ASSERT_THAT(u->best, ::testing::Not(::testing::IsEmpty()));
  EXPECT_EQ(u->best[0].customer_id, "h-pumch");
  EXPECT_DOUBLE_EQ(u->best[0].score, kNameOnlyCap);
  // Names 0.87 alike score as high: another hospital of the city.
  r = *without.Resolve("", "湘潭市人民医院", "");
  u = std::get_if<Unmatched>(&r);
  ASSERT_NE(u, nullptr) << Describe(r);
  ASSERT_THAT(u->best, ::testing::Not(::testing::IsEmpty()));
  EXPECT_EQ(u->best[0].customer_id, "h-xt");
  EXPECT_DOUBLE_EQ(u->best[0].score, kNameOnlyCap);
  // The code decides.
  EXPECT_EQ(MatchedId(*without.Resolve("BJ-0001", "北京协和医院", "")), "h-pumch");
  // With the address the name may differ a little.
  r = *without.Resolve("", "湘潭中心医院", "湘潭市雨湖区和平路120号");
  EXPECT_EQ(MatchedId(r), "h-xt") << Describe(r);
  EXPECT_THAT(std::get<Matched>(r).reasons,
              Contains(AllOf(Field(&MatchReason::signal, "decision"),
                             Field(&MatchReason::detail, HasSubstr("at least 0.10 lower")))));
}

TEST(TerminalResolver, TheReasonsSayWhatWasCompared) {
  TerminalResolver resolver(BeijingHospitals(), Pinyin());
  TerminalResolution r = *resolver.Resolve("", "协和医院(东单院区)", "东城区帅府园1号");
  const auto* m = std::get_if<Matched>(&r);
  ASSERT_NE(m, nullptr) << Describe(r);
  EXPECT_GE(m->score, kLikelyDuplicateScore);
  EXPECT_GE(m->score - m->runner_up_score, 0.1);
  EXPECT_THAT(m->reasons,
              Contains(AllOf(Field(&MatchReason::signal, "name"),
                             Field(&MatchReason::detail, HasSubstr("协和医院 / 协和医院")),
                             Field(&MatchReason::detail, HasSubstr("bracketed part")),
                             Field(&MatchReason::detail, HasSubstr("协和医院(东单院区) / 北京协和医院")))))
      << Describe(r);
  EXPECT_THAT(m->reasons, Contains(Field(&MatchReason::signal, "address"))) << Describe(r);
}

TEST(TerminalResolver, TwoSimilarHospitalsAreAmbiguous) {
  std::vector<TerminalCandidate> candidates = BeijingHospitals();
  candidates.push_back(Candidate("h-sz1", kHospital, "深圳市第一人民医院",
                                 "广东省深圳市罗湖区东门北路1017号"));
  candidates.push_back(Candidate("h-sz2", kHospital, "深圳市第二人民医院",
                                 "广东省深圳市福田区笋岗西路3002号"));
  TerminalResolver resolver(candidates, Pinyin());
  TerminalResolution r = *resolver.Resolve("", "深圳市人民医院", "广东省深圳市");
  const auto* a = std::get_if<Ambiguous>(&r);
  ASSERT_NE(a, nullptr) << Describe(r);
  ASSERT_EQ(a->candidates.size(), 2u) << Describe(r);
  EXPECT_THAT(a->candidates, ::testing::ElementsAre(Scored("h-sz1"), Scored("h-sz2")))
      << Describe(r);
  for (const ScoredCandidate& c : a->candidates) {
    EXPECT_GE(c.score, kLikelyDuplicateScore) << Describe(r);
    EXPECT_FALSE(c.name.empty());
    EXPECT_THAT(c.reasons, Contains(Field(&MatchReason::signal, "name"))) << Describe(r);
    EXPECT_THAT(c.reasons, Contains(Field(&MatchReason::signal, "address"))) << Describe(r);
  }
  EXPECT_LT(a->candidates[0].score - a->candidates[1].score, 0.1);
  // With the street the first one is meant.
  r = *resolver.Resolve("", "深圳市人民医院", "深圳市罗湖区东门北路1017号");
  EXPECT_EQ(MatchedId(r), "h-sz1") << Describe(r);
}

TEST(TerminalResolver, NothingCloseIsUnmatched) {
  TerminalResolver resolver(BeijingHospitals(), Pinyin());
  TerminalResolution r = *resolver.Resolve("", "杭州市第一人民医院", "浙江省杭州市上城区浣纱路261号");
  const auto* u = std::get_if<Unmatched>(&r);
  ASSERT_NE(u, nullptr) << Describe(r);
  for (const ScoredCandidate& c : u->best) EXPECT_LT(c.score, kLikelyDuplicateScore);
  r = *resolver.Resolve("", "", "");
  u = std::get_if<Unmatched>(&r);
  ASSERT_NE(u, nullptr) << Describe(r);
  EXPECT_THAT(u->best, ::testing::IsEmpty());
}

TEST(TerminalResolver, ACustomerInAnotherPlaceIsNotTheTerminal) {
  std::vector<TerminalCandidate> candidates = BeijingHospitals();
  candidates.push_back(Candidate("h-gz1", kHospital, "广州市第一人民医院",
                                 "广东省广州市越秀区盘福路1号"));
  TerminalResolver resolver(candidates, Pinyin());
  // The same name without its city, in Hangzhou: not compared.
  TerminalResolution r = *resolver.Resolve("", "第一人民医院", "杭州市上城区浣纱路261号");
  const auto* u = std::get_if<Unmatched>(&r);
  ASSERT_NE(u, nullptr) << Describe(r);
  EXPECT_THAT(u->best, ::testing::Not(Contains(Scored("h-gz1")))) << Describe(r);
  EXPECT_EQ(resolver.stats().other_place, 1);
  EXPECT_EQ(resolver.stats().comparisons, 0);
  // Nor when the region is only in the terminal's name.
  r = *resolver.Resolve("", "杭州市第一人民医院", "");
  EXPECT_TRUE(std::holds_alternative<Unmatched>(r)) << Describe(r);
  // In Guangzhou it is the terminal.
  r = *resolver.Resolve("", "第一人民医院", "广州市越秀区盘福路1号");
  EXPECT_EQ(MatchedId(r), "h-gz1") << Describe(r);
}

TEST(TerminalResolver, ACountyLevelCityIsInItsPrefecture) {
  TerminalCandidate c = Candidate("h-ks", kHospital, "昆山市第一人民医院", "前进西路91号");
  c.province = "江苏省";
  c.city = "苏州市";
  c.district = "昆山市";
  TerminalResolver resolver({c}, Pinyin());
  // ParseAddress takes 昆山市 for the city here.
  TerminalResolution r = *resolver.Resolve("", "昆山市第一人民医院", "江苏省昆山市前进西路91号");
  EXPECT_EQ(MatchedId(r), "h-ks") << Describe(r);
  r = *resolver.Resolve("", "昆山第一人民医院", "江苏省苏州市昆山市前进西路91号");
  EXPECT_EQ(MatchedId(r), "h-ks") << Describe(r);
}

TEST(TerminalResolver, InactiveCustomersAreNeverMatched) {
  std::vector<TerminalCandidate> candidates = BeijingHospitals();
  candidates[0].active = false;  // PUMCH, with its code.
  TerminalResolver resolver(candidates, Pinyin());
  EXPECT_EQ(resolver.size(), candidates.size() - 1);
  for (TerminalResolution r : {*resolver.Resolve("BJ-0001", "北京协和医院", "北京市东城区帅府园1号"),
                               *resolver.Resolve("", "北京协和医院", "北京市东城区帅府园1号")}) {
    ASSERT_TRUE(std::holds_alternative<Unmatched>(r)) << Describe(r);
    EXPECT_THAT(std::get<Unmatched>(r).best, ::testing::Not(Contains(Scored("h-pumch"))))
        << Describe(r);
  }
  // An active record of the same hospital is found instead.
  candidates.push_back(Pumch());
  candidates.back().id = "h-pumch-2";
  TerminalResolver with_active(candidates, Pinyin());
  EXPECT_EQ(MatchedId(*with_active.Resolve("BJ-0001", "", "")), "h-pumch-2");
  EXPECT_EQ(MatchedId(*with_active.Resolve("", "北京协和医院", "北京市东城区帅府园1号")), "h-pumch-2");
}

// Candidates of unrelated names; `n` at most 64,000.
std::vector<TerminalCandidate> ManyHospitals(int n) {
  static constexpr const char* kChars[] = {
      "安", "白", "长", "大", "东", "飞", "广", "海", "华", "佳", "康", "乐", "明", "南",
      "平", "庆", "仁", "盛", "泰", "文", "祥", "阳", "永", "正", "志", "中", "福", "光",
      "和", "惠", "吉", "金", "兰", "龙", "美", "宁", "鹏", "强", "荣", "顺"};
  constexpr int kCount = sizeof(kChars) / sizeof(kChars[0]);
  std::vector<TerminalCandidate> out;
  for (int i = 0; i < n; ++i) {
    const std::string name = absl::StrCat(kChars[i % kCount], kChars[(i / kCount) % kCount],
                                          kChars[(i / kCount / kCount) % kCount], "医院");
    out.push_back(Candidate(absl::StrCat("h-", i), kHospital, name,
                            absl::StrCat("河北省石家庄市长安区", name, "路", i, "号")));
  }
  return out;
}

TEST(TerminalResolver, ComparesOnlyCandidatesSharingABlockingKey) {
  std::vector<TerminalCandidate> candidates = ManyHospitals(20000);
  candidates.push_back(Pumch());
  TerminalResolver resolver(candidates, Pinyin());
  TerminalResolution r = *resolver.Resolve("", "协和医院(东单院区)", "东城区帅府园1号");
  EXPECT_EQ(MatchedId(r), "h-pumch") << Describe(r);
  const TerminalResolver::Stats stats = resolver.stats();
  EXPECT_GE(stats.comparisons, 1);
  EXPECT_LT(stats.comparisons, 200) << "of " << candidates.size();
}

TEST(TerminalResolver, RepeatedRowsComeFromTheCache) {
  TerminalResolver resolver(BeijingHospitals(), Pinyin());
  const std::shared_ptr<const TerminalResolution> first =
      resolver.Resolve("", "北京協和醫院", "北京市东城区帅府园1号");
  EXPECT_EQ(MatchedId(*first), "h-pumch") << Describe(*first);
  const int64_t comparisons = resolver.stats().comparisons;
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(resolver.Resolve("", "北京協和醫院", "北京市东城区帅府园1号"), first);
  }
  // The parts of the key do not run into each other.
  EXPECT_NE(MatchedId(*resolver.Resolve("BJ-000", "1", "")), "h-pumch");
  const TerminalResolver::Stats stats = resolver.stats();
  EXPECT_EQ(stats.resolved, 12);
  EXPECT_EQ(stats.cache_hits, 10);
  EXPECT_EQ(stats.comparisons, comparisons);
}

TEST(TerminalResolver, ACacheThatIsFullStartsAgain) {
  TerminalResolverOptions options;
  options.cache_size = 2;
  const std::vector<TerminalCandidate> hospitals = BeijingHospitals();
  TerminalResolver resolver(hospitals, Pinyin(), options);
  for (int i = 0; i < 3; ++i) {
    for (int h = 0; h < 3; ++h) {
      const TerminalCandidate& c = hospitals[h];
      EXPECT_EQ(MatchedId(*resolver.Resolve("", c.name, c.address)), c.id) << c.name;
    }
  }
  EXPECT_EQ(resolver.stats().resolved, 9);
  EXPECT_EQ(resolver.stats().cache_hits, 0);  // Each row pushed out before it came again.
}

TEST(TerminalResolver, KindsOfTheCandidatesAreAllTried) {
  TerminalResolver resolver(BeijingHospitals(), Pinyin());
  TerminalResolution r = *resolver.Resolve("", "同仁堂药店(王府井店)", "北京市东城区王府井大街117号");
  EXPECT_EQ(MatchedId(r), "p-tongrentang") << Describe(r);
}

}  // namespace
}  // namespace pharmacrm::matching
