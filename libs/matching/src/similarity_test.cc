#include "pharmacrm/matching/similarity.h"

#include <algorithm>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pharmacrm::matching {
namespace {

using ::testing::AllOf;
using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::Field;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;

constexpr char kDoctor[] = "CUSTOMER_KIND_DOCTOR";
constexpr char kHospital[] = "CUSTOMER_KIND_HOSPITAL";

MatchInput Doctor(std::string name, std::string pinyin, std::string hospital_id,
                  std::string phone = "") {
  MatchInput in;
  in.kind = kDoctor;
  in.name = std::move(name);
  in.name_pinyin = std::move(pinyin);
  in.hospital_id = std::move(hospital_id);
  in.phone = std::move(phone);
  return in;
}

MatchInput Hospital(std::string name, std::string pinyin, std::string address,
                    std::string phone = "", std::string code = "") {
  MatchInput in;
  in.kind = kHospital;
  in.name = std::move(name);
  in.name_pinyin = std::move(pinyin);
  in.address = std::move(address);
  in.phone = std::move(phone);
  in.code = std::move(code);
  return in;
}

MatchInput Pumch() {
  return Hospital("北京协和医院", "bei jing xie he yi yuan", "北京市东城区帅府园一号",
                  "010-69156114");
}

auto Reason(absl::string_view signal, double score) {
  return AllOf(Field(&MatchReason::signal, std::string(signal)),
               Field(&MatchReason::score, ::testing::DoubleNear(score, 1e-9)));
}

std::vector<std::string> Signals(const MatchResult& result) {
  std::vector<std::string> signals;
  for (const MatchReason& reason : result.reasons) signals.push_back(reason.signal);
  return signals;
}

bool ShareKey(const MatchInput& a, const MatchInput& b) {
  std::vector<std::string> ka = BlockingKeys(a);
  std::vector<std::string> kb = BlockingKeys(b);
  return std::any_of(ka.begin(), ka.end(), [&kb](const std::string& key) {
    return std::find(kb.begin(), kb.end(), key) != kb.end();
  });
}

// What NormalizeText does to full-width forms, enough for these tests.
std::string FoldFullWidth(absl::string_view utf8) {
  std::string out;
  for (size_t i = 0; i < utf8.size();) {
    const auto b0 = static_cast<unsigned char>(utf8[i]);
    if (b0 == 0xEF && i + 2 < utf8.size()) {
      const char32_t cp = ((b0 & 0x0F) << 12) | ((utf8[i + 1] & 0x3F) << 6) | (utf8[i + 2] & 0x3F);
      if (cp >= 0xFF01 && cp <= 0xFF5E) {
        out.push_back(static_cast<char>(cp - 0xFEE0));
        i += 3;
        continue;
      }
    }
    out.push_back(utf8[i++]);
  }
  return out;
}

TEST(JaroWinkler, TextbookValues) {
  EXPECT_NEAR(JaroWinkler("MARTHA", "MARHTA"), 0.961, 1e-3);
  EXPECT_NEAR(JaroWinkler("DIXON", "DICKSONX"), 0.813, 1e-3);
  EXPECT_NEAR(JaroWinkler("DWAYNE", "DUANE"), 0.840, 1e-3);
  EXPECT_DOUBLE_EQ(JaroWinkler("abc", "xyz"), 0.0);
}

TEST(JaroWinkler, CountsCodePointsNotBytes) {
  // 1 of 2 characters matches: Jaro 2/3, below the boost threshold. Over
  // bytes the shared lead bytes of 伟 and 薇 would count as matches.
  EXPECT_NEAR(JaroWinkler("张伟", "张薇"), 2.0 / 3.0, 1e-12);
  // 6 of 6 and 8 match in order: Jaro (1 + 6/8 + 1) / 3, 4-character prefix.
  const double jaro = (1.0 + 0.75 + 1.0) / 3.0;
  EXPECT_NEAR(JaroWinkler("北京协和医院", "北京协和医院东院"), jaro + 0.4 * (1.0 - jaro), 1e-12);
  EXPECT_DOUBLE_EQ(JaroWinkler("北京协和医院", "北京协和医院"), 1.0);
}

TEST(JaroWinkler, EmptyAndInvalidInput) {
  EXPECT_DOUBLE_EQ(JaroWinkler("", ""), 1.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("张伟", ""), 0.0);
  EXPECT_DOUBLE_EQ(JaroWinkler("", "张伟"), 0.0);
  // Both decode to U+FFFD.
  EXPECT_DOUBLE_EQ(JaroWinkler("\xff", "\xfe"), 1.0);
}

TEST(JaroWinkler, IsSymmetric) {
  for (const auto& [a, b] : std::vector<std::pair<std::string, std::string>>{
           {"张伟", "章伟"}, {"zhang wei", "zhang wen"}, {"北京协和医院", "协和医院"}}) {
    EXPECT_DOUBLE_EQ(JaroWinkler(a, b), JaroWinkler(b, a)) << a << " / " << b;
  }
}

TEST(BigramJaccard, CodePointPairs) {
  EXPECT_DOUBLE_EQ(BigramJaccard("北京市", "北京市"), 1.0);
  // {北京, 京市} vs {北京}.
  EXPECT_DOUBLE_EQ(BigramJaccard("北京市", "北京"), 0.5);
  // {朝阳, 阳区} vs {朝阳, 阳门}: 1 of 3.
  EXPECT_DOUBLE_EQ(BigramJaccard("朝阳区", "朝阳门"), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(BigramJaccard("东城区", "西城区"), 1.0 / 3.0);
  EXPECT_DOUBLE_EQ(BigramJaccard("abc", "xyz"), 0.0);
  // Repeated pairs count once (sets).
  EXPECT_DOUBLE_EQ(BigramJaccard("哈哈哈", "哈哈"), 1.0);
}

// Text longer than the measures keep on the stack (64 code points) gives
// the same answers.
TEST(BigramJaccard, LongTextAsShortText) {
  std::string long_a, long_b;
  for (int i = 0; i < 30; ++i) {
    absl::StrAppend(&long_a, "北京市", i);
    absl::StrAppend(&long_b, "北京市", i);
  }
  long_b += "东城区";
  EXPECT_DOUBLE_EQ(BigramJaccard(long_a, long_a), 1.0);
  EXPECT_DOUBLE_EQ(JaroWinkler(long_a, long_a), 1.0);
  // The same distinct pairs plus {9东, 东城, 城区}.
  const double more = BigramJaccard(long_a, long_b);
  EXPECT_LT(more, 1.0);
  EXPECT_GT(more, 0.9);
  EXPECT_DOUBLE_EQ(BigramJaccard("甲乙甲乙甲乙", "甲乙"), 0.5);  // {甲乙, 乙甲} vs {甲乙}.
  EXPECT_GT(JaroWinkler(long_a, long_b), 0.9);
}

TEST(BigramJaccard, ShortAndEmptyInput) {
  EXPECT_DOUBLE_EQ(BigramJaccard("", ""), 1.0);
  EXPECT_DOUBLE_EQ(BigramJaccard("北京", ""), 0.0);
  EXPECT_DOUBLE_EQ(BigramJaccard("京", "京"), 1.0);
  EXPECT_DOUBLE_EQ(BigramJaccard("京", "北"), 0.0);
  EXPECT_DOUBLE_EQ(BigramJaccard("京", "北京"), 0.0);
}

TEST(ScorePair, IdenticalRecordsScoreOne) {
  MatchResult result = ScorePair(Pumch(), Pumch());
  EXPECT_DOUBLE_EQ(result.score, 1.0);
  EXPECT_THAT(result.reasons, ElementsAre(Reason("name", 1.0), Reason("address", 1.0),
                                          Reason("phone", 1.0)));
  EXPECT_EQ(result.reasons[0].detail, "names 北京协和医院 / 北京协和医院 are identical");
  EXPECT_EQ(result.reasons[2].detail, "phones 010-69156114 / 010-69156114 are identical");

  MatchInput doctor = Doctor("张伟", "zhang wei", "h-1", "13812345678");
  result = ScorePair(doctor, doctor);
  EXPECT_DOUBLE_EQ(result.score, 1.0);
  EXPECT_THAT(Signals(result), ElementsAre("name", "phone", "hospital"));
}

TEST(ScorePair, DifferentKindsNeverMatch) {
  MatchInput doctor = Doctor("北京协和医院", "bei jing xie he yi yuan", "");
  MatchResult result = ScorePair(Pumch(), doctor);
  EXPECT_DOUBLE_EQ(result.score, 0.0);
  ASSERT_THAT(result.reasons, ElementsAre(Reason("kind", 0.0)));
  EXPECT_EQ(result.reasons[0].detail,
            "kind differs: CUSTOMER_KIND_HOSPITAL / CUSTOMER_KIND_DOCTOR");
}

TEST(ScorePair, EqualCodeDecides) {
  MatchInput a = Pumch();
  MatchInput b = Hospital("中国医学科学院北京协和医院", "zhong guo yi xue ke xue yuan bei jing "
                          "xie he yi yuan", "东单帅府园1号");
  a.code = b.code = "12100000400000658Y";
  MatchResult result = ScorePair(a, b);
  EXPECT_DOUBLE_EQ(result.score, 1.0);
  ASSERT_THAT(result.reasons, ElementsAre(Reason("code", 1.0)));
  EXPECT_THAT(result.reasons[0].detail, HasSubstr("12100000400000658Y"));
}

TEST(ScorePair, DifferentCodesCapTheScore) {
  MatchInput a = Pumch();
  MatchInput b = Pumch();
  a.code = "12100000400000658Y";
  b.code = "91110000633713502K";
  MatchResult result = ScorePair(a, b);
  EXPECT_DOUBLE_EQ(result.score, kDifferentCodeCap);
  EXPECT_THAT(result.reasons, Contains(Reason("code", 0.0)));
  EXPECT_THAT(result.reasons, Contains(Reason("cap", kDifferentCodeCap)));
  EXPECT_THAT(result.reasons, Contains(Reason("name", 1.0)));
}

TEST(ScorePair, HomophoneTypoInNameIsCaughtByPinyin) {
  MatchInput a = Doctor("张伟", "zhang wei", "h-1", "13812345678");
  MatchInput b = Doctor("章伟", "zhang wei", "h-1", "13812345678");
  MatchResult result = ScorePair(a, b);
  // Name: max(2/3 by characters, 0.9 * 1.0 by pinyin); the weighted mean
  // (0.45 * 0.9 + 0.30 + 0.35) / 1.10 = 0.96 is capped at 0.9^2.
  EXPECT_NEAR(result.score, kPinyinDiscount * kPinyinDiscount, 1e-12);
  EXPECT_THAT(result.reasons, ElementsAre(Reason("name", kPinyinDiscount), Reason("phone", 1.0),
                                          Reason("hospital", 1.0),
                                          Reason("cap", kPinyinDiscount * kPinyinDiscount)));
  EXPECT_EQ(result.reasons[0].detail,
            "names 张伟 / 章伟 are homophones (pinyin zhang wei, counted as 0.90); "
            "characters Jaro-Winkler 0.67");
  EXPECT_EQ(result.reasons[3].detail, "name similarity 0.90 caps the score at 0.81 (its square)");

  // Without pinyin only the characters count, and 1 of 2 differs.
  a.name_pinyin.clear();
  b.name_pinyin.clear();
  MatchResult by_characters = ScorePair(a, b);
  EXPECT_NEAR(by_characters.score, 4.0 / 9.0, 1e-12);
  EXPECT_THAT(by_characters.reasons, Contains(Reason("name", 2.0 / 3.0)));
}

TEST(ScorePair, DifferentNamesAtOneHospitalAreLow) {
  // Pinyin is compared by whole syllables: "wei" / "wen" do not count as
  // nearly equal.
  MatchResult result =
      ScorePair(Doctor("张伟", "zhang wei", "h-1"), Doctor("张文", "zhang wen", "h-1"));
  EXPECT_NEAR(result.score, 4.0 / 9.0, 1e-12);
  EXPECT_THAT(result.reasons, Contains(Reason("name", 2.0 / 3.0)));
  EXPECT_THAT(result.reasons, Contains(Reason("hospital", 1.0)));

  result = ScorePair(Doctor("张伟", "zhang wei", "h-1", "13812345678"),
                     Doctor("王芳", "wang fang", "h-1", "13812345678"));
  EXPECT_DOUBLE_EQ(result.score, 0.0);
  EXPECT_THAT(result.reasons, Contains(Reason("cap", 0.0)));
}

TEST(ScorePair, SameNameAtDifferentHospitalsIsLow) {
  MatchInput a = Doctor("张伟", "zhang wei", "h-1");
  MatchInput b = Doctor("张伟", "zhang wei", "h-2");
  MatchResult result = ScorePair(a, b);
  EXPECT_LE(result.score, kDifferentHospitalCap);
  EXPECT_THAT(result.reasons, Contains(Reason("hospital", 0.0)));
  EXPECT_THAT(result.reasons, Contains(Reason("cap", kDifferentHospitalCap)));
  // Even a shared phone (e.g. a department line) does not lift the cap.
  a.phone = b.phone = "010-69156114";
  EXPECT_LE(ScorePair(a, b).score, kDifferentHospitalCap);
  // The same doctor at the same hospital is a strong match.
  EXPECT_DOUBLE_EQ(ScorePair(a, Doctor("张伟", "zhang wei", "h-1", "010-69156114")).score, 1.0);
}

TEST(ScorePair, NameAloneNeverDecides) {
  MatchResult result =
      ScorePair(Doctor("张伟", "zhang wei", ""), Doctor("张伟", "zhang wei", ""));
  EXPECT_DOUBLE_EQ(result.score, kNameOnlyCap);
  EXPECT_THAT(Signals(result), ElementsAre("name", "cap"));
}

TEST(ScorePair, NothingComparableScoresZero) {
  MatchInput a;
  a.kind = kDoctor;
  MatchInput b = a;
  MatchResult result = ScorePair(a, b);
  EXPECT_DOUBLE_EQ(result.score, 0.0);
  EXPECT_THAT(result.reasons, ElementsAre(Reason("cap", 0.0)));
}

TEST(ScorePair, ComparesVerbatimSoCallersNormaliseFullWidthForms) {
  MatchInput half = Pumch();
  MatchInput full = Hospital("北京协和医院", "bei jing xie he yi yuan",
                             "北京市东城区帅府园１号", "０１０-６９１５６１１４");
  half.address = "北京市东城区帅府园1号";
  // As stored, the full-width digits differ.
  EXPECT_LT(ScorePair(half, full).score, 0.9);
  // After the caller's normalisation they are the same record.
  full.address = FoldFullWidth(full.address);
  full.phone = FoldFullWidth(full.phone);
  ASSERT_EQ(full.phone, "010-69156114");
  EXPECT_DOUBLE_EQ(ScorePair(half, full).score, 1.0);
}

TEST(ScorePair, RelatedAndUnrelatedHospitals) {
  MatchInput east = Hospital("北京协和医院东院", "bei jing xie he yi yuan dong yuan",
                             "北京市东城区帅府园一号东院", "010-69156114");
  MatchInput ruijin = Hospital("上海交通大学医学院附属瑞金医院",
                               "shang hai jiao tong da xue yi xue yuan fu shu rui jin yi yuan",
                               "上海市黄浦区瑞金二路197号", "021-64370045");
  const double related = ScorePair(Pumch(), east).score;
  const double unrelated = ScorePair(Pumch(), ruijin).score;
  EXPECT_GT(related, 0.8);
  EXPECT_LT(unrelated, 0.4);
  EXPECT_THAT(ScorePair(Pumch(), ruijin).reasons, Contains(Reason("phone", 0.0)));
}

TEST(ScorePair, ScoresStayInRangeAndAreSymmetric) {
  const std::vector<MatchInput> inputs = {
      Pumch(),
      Hospital("北京协和医院东院", "bei jing xie he yi yuan dong yuan", "帅府园", "010-1"),
      Hospital("协和", "xie he", "", "", "12100000400000658Y"),
      Hospital("", "", "北京市", "010-69156114", "91110000633713502K"),
      Doctor("张伟", "zhang wei", "h-1"),
      Doctor("章伟", "zhang wei", "h-2", "13812345678"),
      Doctor("", "", "h-1"),
      MatchInput{}};
  for (const MatchInput& a : inputs) {
    for (const MatchInput& b : inputs) {
      MatchResult ab = ScorePair(a, b);
      EXPECT_GE(ab.score, 0.0);
      EXPECT_LE(ab.score, 1.0);
      EXPECT_DOUBLE_EQ(ab.score, ScorePair(b, a).score) << a.name << " / " << b.name;
      EXPECT_THAT(ab.reasons, Not(IsEmpty()));
      for (const MatchReason& reason : ab.reasons) {
        EXPECT_GE(reason.score, 0.0);
        EXPECT_LE(reason.score, 1.0);
        EXPECT_FALSE(reason.detail.empty());
      }
    }
  }
}

TEST(MatchScore, IsScorePairsScoreWithoutReasons) {
  const std::vector<MatchInput> inputs = {
      Pumch(),
      Hospital("北京协和医院东院", "bei jing xie he yi yuan dong yuan", "帅府园", "010-1"),
      Hospital("协和", "xie he", "", "", "12100000400000658Y"),
      Hospital("协和医院", "xie he yi yuan", "", "", "12100000400000658Y"),
      Hospital("", "", "北京市", "010-69156114", "91110000633713502K"),
      Doctor("张伟", "zhang wei", "h-1"),
      Doctor("章伟", "zhang wei", "h-1", "13812345678"),
      Doctor("章伟", "zhang wei", "h-2", "13812345678"),
      Doctor("张文", "zhang wen", "h-1", "13812345678"),
      Doctor("", "", "h-1"),
      MatchInput{}};
  for (const MatchInput& a : inputs) {
    for (const MatchInput& b : inputs) {
      EXPECT_EQ(MatchScore(a, b), ScorePair(a, b).score) << a.name << " / " << b.name;
    }
  }
}

// Prepared records give exactly the answers of the views they were made
// of, with pinyin tokens that pack (syllables) and that do not (a long
// Latin word), and for a record compared as another kind.
TEST(PreparedMatch, SameAnswersAsTheViews) {
  const std::vector<MatchInput> inputs = {
      Pumch(),
      Hospital("北京协和医院东院", "bei jing xie he yi yuan dong yuan", "帅府园", "010-1"),
      Hospital("北京協和醫院", "bei jing xie he yi yuan", "北京市東城區帥府園一號"),
      Hospital("协和医院", "xie he yi yuan", "", "", "12100000400000658Y"),
      Hospital("Peking Union Pharmaceutical Hospital", "peking union pharmaceutical hospital",
               "Dongcheng Beijing"),
      Hospital("Peking Union Hospital", "peking union hospital", "Dongcheng"),
      Hospital("", "", "北京市", "010-69156114", "91110000633713502K"),
      Doctor("张伟", "zhang wei", "h-1"),
      Doctor("章伟", "zhang wei", "h-1", "13812345678"),
      Doctor("张文", "zhang wen", "h-2", "13812345678"),
      MatchInput{}};
  for (const MatchInput& a : inputs) {
    const PreparedMatch pa(a);
    for (const MatchInput& b : inputs) {
      PreparedMatch pb(b);
      const MatchResult expected = ScorePair(a, b);
      const MatchResult prepared = ScorePair(pa, pb);
      EXPECT_EQ(prepared.score, expected.score) << a.name << " / " << b.name;
      EXPECT_EQ(MatchScore(pa, pb), expected.score) << a.name << " / " << b.name;
      ASSERT_EQ(prepared.reasons.size(), expected.reasons.size()) << a.name << " / " << b.name;
      for (size_t i = 0; i < expected.reasons.size(); ++i) {
        EXPECT_EQ(prepared.reasons[i].signal, expected.reasons[i].signal);
        EXPECT_EQ(prepared.reasons[i].score, expected.reasons[i].score);
        EXPECT_EQ(prepared.reasons[i].detail, expected.reasons[i].detail);
      }
      // Another kind: only the kind differs.
      pb.set_kind(a.kind);
      MatchInput b_as_a = b;
      b_as_a.kind = a.kind;
      EXPECT_EQ(MatchScore(pa, pb), MatchScore(a, b_as_a)) << a.name << " / " << b.name;
    }
  }
}

TEST(BlockingKeys, KeysOfADoctor) {
  EXPECT_THAT(BlockingKeys(Doctor("张伟", "zhang wei", "h-1", "13812345678")),
              ElementsAre("CUSTOMER_KIND_DOCTOR|pinyin|zhangwei",
                          "CUSTOMER_KIND_DOCTOR|initials|zw|h-1",
                          "CUSTOMER_KIND_DOCTOR|phone|13812345678"));
  MatchInput hospital = Pumch();
  hospital.code = "12100000400000658Y";
  EXPECT_THAT(BlockingKeys(hospital),
              ElementsAre("CUSTOMER_KIND_HOSPITAL|pinyin|beijingxieheyiyuan",
                          "CUSTOMER_KIND_HOSPITAL|initials|bj|",
                          "CUSTOMER_KIND_HOSPITAL|phone|010-69156114",
                          "CUSTOMER_KIND_HOSPITAL|code|12100000400000658Y"));
  MatchInput empty;
  empty.kind = kDoctor;
  EXPECT_THAT(BlockingKeys(empty), IsEmpty());
}

TEST(BlockingKeys, NearDuplicatesShareAKey) {
  // Homophone typo, no shared phone.
  EXPECT_TRUE(ShareKey(Doctor("张伟", "zhang wei", "h-1", "13812345678"),
                       Doctor("章伟", "zhang wei", "h-1")));
  // Same name, one record without hospital.
  EXPECT_TRUE(ShareKey(Doctor("张伟", "zhang wei", "h-1"), Doctor("张伟", "zhang wei", "")));
  // Typo after the second character at the same hospital.
  EXPECT_TRUE(
      ShareKey(Doctor("欧阳娜娜", "ou yang na na", "h-1"), Doctor("欧阳那", "ou yang na", "h-1")));
  // Extra trailing words.
  EXPECT_TRUE(ShareKey(Pumch(), Hospital("北京协和医院东院", "bei jing xie he yi yuan dong yuan",
                                         "")));
  // Renamed, but the same phone or code.
  MatchInput renamed = Hospital("中国医学科学院北京协和医院",
                                "zhong guo yi xue ke xue yuan bei jing xie he yi yuan", "",
                                "010-69156114");
  EXPECT_TRUE(ShareKey(Pumch(), renamed));
  MatchInput a = Hospital("协和", "xie he", "", "", "12100000400000658Y");
  MatchInput b = Hospital("中国医学科学院", "zhong guo yi xue ke xue yuan", "", "",
                          "12100000400000658Y");
  EXPECT_TRUE(ShareKey(a, b));
}

TEST(BlockingKeys, UnrelatedRecordsShareNone) {
  EXPECT_FALSE(ShareKey(Doctor("张伟", "zhang wei", "h-1", "13812345678"),
                        Doctor("李娜", "li na", "h-1", "13900000000")));
  // Same initials at different hospitals.
  EXPECT_FALSE(ShareKey(Doctor("张伟", "zhang wei", "h-1"), Doctor("赵文", "zhao wen", "h-2")));
  EXPECT_FALSE(ShareKey(Pumch(), Hospital("上海交通大学医学院附属瑞金医院",
                                          "shang hai jiao tong da xue yi xue yuan fu shu rui jin "
                                          "yi yuan",
                                          "上海市黄浦区瑞金二路197号", "021-64370045")));
  // Same name, different kind.
  EXPECT_FALSE(ShareKey(Pumch(), Doctor("北京协和医院", "bei jing xie he yi yuan", "",
                                        "010-69156114")));
}

}  // namespace
}  // namespace pharmacrm::matching
