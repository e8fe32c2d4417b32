#include "pharmacrm/matching/pinyin.h"

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "gtest/gtest.h"
#include "unicode/translit.h"
#include "unicode/unistr.h"

namespace pharmacrm::matching {
namespace {

const PinyinConverter& Converter() {
  static const PinyinConverter* const converter = [] {
    absl::StatusOr<std::unique_ptr<PinyinConverter>> created = PinyinConverter::Create();
    EXPECT_TRUE(created.ok()) << created.status();
    return created->release();
  }();
  return *converter;
}

// What ICU itself makes of `utf8`, reduced to the converter's token format.
// Only comparable for text without Latin letters or digits, which ICU glues
// to the neighbouring syllable.
std::string IcuTokens(absl::string_view utf8) {
  static const icu::Transliterator* const transliterator = [] {
    UErrorCode status = U_ZERO_ERROR;
    const icu::Transliterator* t = icu::Transliterator::createInstance(
        "Han-Latin; Latin-ASCII; Lower", UTRANS_FORWARD, status);
    EXPECT_TRUE(U_SUCCESS(status)) << u_errorName(status);
    return t;
  }();
  icu::UnicodeString text = icu::UnicodeString::fromUTF8(
      icu::StringPiece(utf8.data(), static_cast<int32_t>(utf8.size())));
  transliterator->transliterate(text);
  std::string raw;
  text.toUTF8String(raw);
  std::string tokens;
  bool separator = false;
  for (char c : raw) {
    if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
      if (separator && !tokens.empty()) tokens.push_back(' ');
      separator = false;
      tokens.push_back(c);
    } else {
      separator = true;
    }
  }
  return tokens;
}

std::string Utf8(char32_t code_point) {
  icu::UnicodeString s(static_cast<UChar32>(code_point));
  std::string out;
  s.toUTF8String(out);
  return out;
}

TEST(PinyinConverter, PersonNames) {
  const PinyinConverter& c = Converter();
  EXPECT_EQ(c.FullPinyin("张伟"), "zhang wei");
  EXPECT_EQ(c.Initials("张伟"), "zw");
  EXPECT_EQ(c.Compact("张伟"), "zhangwei");
  EXPECT_EQ(c.FullPinyin("李娜"), "li na");
  EXPECT_EQ(c.Initials("李娜"), "ln");
  EXPECT_EQ(c.FullPinyin("王芳"), "wang fang");
  EXPECT_EQ(c.Compact("王芳"), "wangfang");
  // Homophones meet in pinyin; this is what duplicate detection relies on.
  EXPECT_EQ(c.FullPinyin("章伟"), c.FullPinyin("张伟"));
  EXPECT_EQ(c.FullPinyin("张薇"), c.FullPinyin("张伟"));
}

TEST(PinyinConverter, HospitalNames) {
  const PinyinConverter& c = Converter();
  EXPECT_EQ(c.FullPinyin("北京协和医院"), "bei jing xie he yi yuan");
  EXPECT_EQ(c.Initials("北京协和医院"), "bjxhyy");
  EXPECT_EQ(c.Compact("北京协和医院"), "beijingxieheyiyuan");
  EXPECT_EQ(c.FullPinyin("上海交通大学医学院附属瑞金医院"),
            "shang hai jiao tong da xue yi xue yuan fu shu rui jin yi yuan");
  EXPECT_EQ(c.Initials("上海交通大学医学院附属瑞金医院"), "shjtdxyxyfsrjyy");
  EXPECT_EQ(c.Compact("上海交通大学医学院附属瑞金医院"),
            "shanghaijiaotongdaxueyixueyuanfushuruijinyiyuan");
}

TEST(PinyinConverter, MixedTextKeepsLettersAndDigitsAsTokens) {
  const PinyinConverter& c = Converter();
  EXPECT_EQ(c.FullPinyin("A座3楼"), "a zuo 3 lou");
  EXPECT_EQ(c.Initials("A座3楼"), "az3l");
  EXPECT_EQ(c.Compact("A座3楼"), "azuo3lou");
  EXPECT_EQ(c.FullPinyin("B2座1203室"), "b2 zuo 1203 shi");
  EXPECT_EQ(c.FullPinyin("PKU 医院"), "pku yi yuan");
  EXPECT_EQ(c.FullPinyin("Müller诊所"), "muller zhen suo");
}

TEST(PinyinConverter, PunctuationOnlySeparates) {
  const PinyinConverter& c = Converter();
  EXPECT_EQ(c.FullPinyin("北京（朝阳）"), "bei jing chao yang");
  EXPECT_EQ(c.FullPinyin("  北京, 朝阳!  "), "bei jing chao yang");
  EXPECT_EQ(c.FullPinyin("《药》、。"), "yao");
  EXPECT_EQ(c.FullPinyin("ABC-12"), "abc 12");
}

TEST(PinyinConverter, FullWidthFormsFoldToAscii) {
  const PinyinConverter& c = Converter();
  EXPECT_EQ(c.FullPinyin("Ａ座３楼"), c.FullPinyin("A座3楼"));
  EXPECT_EQ(c.FullPinyin("北京\u3000协和"), "bei jing xie he");
}

TEST(PinyinConverter, EmptyAndNonConvertibleInput) {
  const PinyinConverter& c = Converter();
  EXPECT_EQ(c.FullPinyin(""), "");
  EXPECT_EQ(c.Initials(""), "");
  EXPECT_EQ(c.Compact(""), "");
  EXPECT_EQ(c.FullPinyin("（）、。!?"), "");
  EXPECT_EQ(c.Initials("（）"), "");
  // Scripts without an ASCII form are dropped, not passed through.
  EXPECT_EQ(c.FullPinyin("アイ김B"), "b");
}

TEST(PinyinConverter, InvalidUtf8IsSkipped) {
  const PinyinConverter& c = Converter();
  EXPECT_EQ(c.FullPinyin("\xff张\xe4\xbc伟"), "zhang wei");
  EXPECT_EQ(c.FullPinyin(std::string("a\0b", 3)), "a b");
}

TEST(PinyinConverter, SupplementaryPlaneCharacters) {
  const PinyinConverter& c = Converter();
  EXPECT_EQ(c.FullPinyin("\U00020000京"), IcuTokens("\U00020000京"));
  EXPECT_EQ(c.FullPinyin("\U00020000京"), "he jing");
}

// ICU picks one reading per character; these pin down what it does here so
// that a change of ICU data shows up.
TEST(PinyinConverter, PolyphonicCharactersGetIcusSingleReading) {
  const PinyinConverter& c = Converter();
  // The phrases ICU knows.
  EXPECT_EQ(c.FullPinyin("重庆"), "chong qing");
  EXPECT_EQ(c.FullPinyin("重 庆"), "chong qing");
  EXPECT_EQ(c.FullPinyin("重庆市第一人民医院"), "chong qing shi di yi ren min yi yuan");
  EXPECT_EQ(c.FullPinyin("沈阳"), "shen yang");
  EXPECT_EQ(c.FullPinyin("藏文"), "zang wen");
  EXPECT_EQ(c.FullPinyin("西藏"), "xi cang");
  EXPECT_EQ(c.FullPinyin("秘鲁"), "bi lu");
  EXPECT_EQ(c.FullPinyin("秘书"), "mi shu");
  // Everything else: the most common reading, right or wrong.
  EXPECT_EQ(c.FullPinyin("重要"), "zhong yao");
  EXPECT_EQ(c.FullPinyin("长沙"), "zhang sha");  // chang sha
  EXPECT_EQ(c.FullPinyin("长春"), "zhang chun");  // chang chun
  EXPECT_EQ(c.FullPinyin("银行"), "yin xing");  // yin hang
  EXPECT_EQ(c.FullPinyin("厦门"), "sha men");  // xia men
  EXPECT_EQ(c.FullPinyin("曾"), "ceng");  // surname zeng
  EXPECT_EQ(c.FullPinyin("单"), "dan");  // surname shan
}

TEST(PinyinConverter, MatchesIcuOnWholeStrings) {
  const PinyinConverter& c = Converter();
  for (absl::string_view text :
       {"北京协和医院", "上海交通大学医学院附属瑞金医院", "中国医学科学院肿瘤医院",
        "广州市妇女儿童医疗中心", "四川大学华西医院", "重庆医科大学附属第一医院",
        "中国医科大学附属盛京医院（沈阳）", "西藏自治区人民医院藏文", "秘鲁 重 庆",
        "国药控股北京有限公司", "欧阳娜娜", "司马懿"}) {
    EXPECT_EQ(c.FullPinyin(text), IcuTokens(text)) << text;
  }
}

TEST(PinyinConverter, MatchesIcuOnEveryBmpIdeographInContext) {
  const PinyinConverter& c = Converter();
  // Runs of 16 neighbours, so every character is also seen next to others.
  for (char32_t start = 0x3400; start < 0xA000; start += 16) {
    std::string text;
    for (char32_t cp = start; cp < start + 16; ++cp) text += Utf8(cp);
    ASSERT_EQ(c.FullPinyin(text), IcuTokens(text)) << std::hex << static_cast<uint32_t>(start);
  }
}

TEST(PinyinConverter, MatchesIcuOnRandomText) {
  const PinyinConverter& c = Converter();
  // Context-rule characters are over-represented so that they meet.
  const std::u32string pool = U"重庆沈阳藏文秘鲁长行乐曾单张王李北京医院 ";
  std::mt19937 rng(20240601);
  for (int n = 0; n < 300; ++n) {
    std::string text;
    int length = 1 + static_cast<int>(rng() % 12);
    for (int i = 0; i < length; ++i) {
      char32_t cp = rng() % 3 == 0 ? static_cast<char32_t>(0x4E00 + rng() % (0x9FA5 - 0x4E00))
                                   : pool[rng() % pool.size()];
      text += Utf8(cp);
    }
    ASSERT_EQ(c.FullPinyin(text), IcuTokens(text)) << text;
  }
}

TEST(PinyinConverter, ConcurrentUseGivesSameResults) {
  // A fresh instance, so that the threads race to fill the table.
  absl::StatusOr<std::unique_ptr<PinyinConverter>> created = PinyinConverter::Create();
  ASSERT_TRUE(created.ok()) << created.status();
  const PinyinConverter& c = **created;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"张伟", "zhang wei"},
      {"北京协和医院", "bei jing xie he yi yuan"},
      {"重庆", "chong qing"},
      {"A座3楼", "a zuo 3 lou"},
      {"\U00020000京", "he jing"}};
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int round = 0; round < 200; ++round) {
        for (const auto& [in, want] : cases) {
          if (c.FullPinyin(in) != want) ++failures[t];
        }
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(failures[t], 0) << "thread " << t;
}

}  // namespace
}  // namespace pharmacrm::matching
