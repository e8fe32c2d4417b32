#include "pharmacrm/matching/normalize.h"

#include <array>
#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::matching {
namespace {

constexpr absl::string_view kField = "profile.phone";

// Expects an INVALID_ARGUMENT naming `field` whose message contains `part`.
void ExpectFieldError(const absl::Status& status, absl::string_view field,
                      absl::string_view part) {
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << status;
  EXPECT_EQ(core::FieldOf(status), std::string(field)) << status;
  EXPECT_NE(status.message().find(part), absl::string_view::npos)
      << "message '" << status.message() << "' lacks '" << part << "'";
}

// --- NormalizeText ----------------------------------------------------------

TEST(NormalizeText, FastPathsGiveIcusAnswer) {
  const std::string cases[] = {
      "北京协和医院",
      "  北京\t协和   医院 \n",
      "A座3楼 301室",
      "\xe3\x90\x80\xe4\xb6\xbf",  // U+3400, U+4DBF (extension A)
      "\xe9\xbf\xbf一",              // U+9FFF
      "北京（协和）",                    // Full-width parentheses: ICU path.
      "北京\xe3\x80\x80协和",         // Ideographic space: ICU path.
      "\xef\xa4\x80",                // U+F900 compatibility ideograph: ICU path.
      "\xe2\xbc\x80",                // U+2F00 Kangxi radical: ICU path.
      "协和\xe4\xb8",                  // Truncated sequence.
      "协和\xe4\x28\xa1",             // Bad continuation byte.
      "\xc3\xa9" "cole",              // Two-byte sequence.
      "",
      "   ",
  };
  for (const std::string& c : cases) EXPECT_EQ(NormalizeText(c), NormalizeTextWithIcu(c)) << c;
}

TEST(NormalizeText, FullWidthLettersDigitsAndPunctuationBecomeAscii) {
  EXPECT_EQ(NormalizeText("ＡＢＣ１２３"), "ABC123");
  EXPECT_EQ(NormalizeText("国药控股（北京）有限公司"), "国药控股(北京)有限公司");
  EXPECT_EQ(NormalizeText("电话：０１０－６９１５６１１４，传真；无"), "电话:010-69156114,传真;无");
  EXPECT_EQ(NormalizeText("Ｂ座１２０３室"), "B座1203室");
}

TEST(NormalizeText, IdeographicSpaceTrimmedAndCollapsed) {
  EXPECT_EQ(NormalizeText("\u3000北京协和医院\u3000"), "北京协和医院");
  EXPECT_EQ(NormalizeText("北京市\u3000\u3000东城区  帅府园１号"), "北京市 东城区 帅府园1号");
  EXPECT_EQ(NormalizeText(" 心内科\t\n主任医师\r\n"), "心内科 主任医师");
  EXPECT_EQ(NormalizeText("\u00A0张伟\u00A0"), "张伟");
}

TEST(NormalizeText, ZeroWidthCharactersRemoved) {
  EXPECT_EQ(NormalizeText("张\u200B伟"), "张伟");
  EXPECT_EQ(NormalizeText("\uFEFF华润医药商业集团"), "华润医药商业集团");
  EXPECT_EQ(NormalizeText("复星\u200C医药\u200D"), "复星医药");
  EXPECT_EQ(NormalizeText("A \u200B B"), "A B");
}

TEST(NormalizeText, ChineseTextAndIdeographicPunctuationUntouched) {
  const std::string text = "四川大学华西医院。呼吸与危重症医学科、《药品管理法》";
  EXPECT_EQ(NormalizeText(text), text);
}

TEST(NormalizeText, CompatibilityFormsFolded) {
  EXPECT_EQ(NormalizeText("①号楼"), "1号楼");
  EXPECT_EQ(NormalizeText("温度２５℃"), "温度25°C");
}

TEST(NormalizeText, EmptyAndBlank) {
  EXPECT_EQ(NormalizeText(""), "");
  EXPECT_EQ(NormalizeText(" \u3000\t\u200B "), "");
}

TEST(NormalizeText, InvalidUtf8BecomesReplacementCharacter) {
  EXPECT_EQ(NormalizeText("abc\xFF"), "abc\uFFFD");
  EXPECT_EQ(NormalizeText("北\xE4京"), "北\uFFFD京");
  EXPECT_EQ(NormalizeText("医院\xE5\x8C"), "医院\uFFFD");
}

// --- NormalizePhone ---------------------------------------------------------

struct PhoneCase {
  const char* raw;
  const char* want;
};

TEST(NormalizePhone, MobileNumbers) {
  const PhoneCase cases[] = {
      {"13812345678", "13812345678"},
      {"138 1234 5678", "13812345678"},
      {"138-1234-5678", "13812345678"},
      {"+86 138 1234 5678", "13812345678"},
      {"+86-13812345678", "13812345678"},
      {"(+86) 139 0107 5566", "13901075566"},
      {"008618612345678", "18612345678"},
      {"8615012345678", "15012345678"},
      {"１３８１２３４５６７８", "13812345678"},
      {"＋８６　１９９　１２３４　５６７８", "19912345678"},
      {"013812345678", "13812345678"},
  };
  for (const PhoneCase& c : cases) {
    absl::StatusOr<std::string> got = NormalizePhone(c.raw, kField);
    ASSERT_TRUE(got.ok()) << c.raw << ": " << got.status();
    EXPECT_EQ(*got, c.want) << c.raw;
  }
}

TEST(NormalizePhone, Landlines) {
  const PhoneCase cases[] = {
      {"010-69156114", "010-69156114"},
      {"010 6915 6114", "010-69156114"},
      {"(010)69156114", "010-69156114"},
      {"（０１０）６９１５６１１４", "010-69156114"},
      {"+86 10 6915 6114", "010-69156114"},
      {"0086-21-64041990", "021-64041990"},
      {"020-8888 8888", "020-88888888"},
      {"0571-8723456", "0571-8723456"},
      {"0991-4362114", "0991-4362114"},
      {"+86 (0)755 8376 5566", "0755-83765566"},
  };
  for (const PhoneCase& c : cases) {
    absl::StatusOr<std::string> got = NormalizePhone(c.raw, kField);
    ASSERT_TRUE(got.ok()) << c.raw << ": " << got.status();
    EXPECT_EQ(*got, c.want) << c.raw;
  }
}

TEST(NormalizePhone, LandlineExtensions) {
  const PhoneCase cases[] = {
      {"0755-12345678-801", "0755-12345678-801"},
      {"0755-1234 5678-801", "0755-12345678-801"},
      {"0755 1234 5678 转 801", "0755-12345678-801"},
      {"0755-12345678转801", "0755-12345678-801"},
      {"0755-12345678 ext. 801", "0755-12345678-801"},
      {"0755-12345678 EXT 801", "0755-12345678-801"},
      {"0755-12345678x801", "0755-12345678-801"},
      {"0755-12345678分机801", "0755-12345678-801"},
      {"0571-8723456-12", "0571-8723456-12"},
  };
  for (const PhoneCase& c : cases) {
    absl::StatusOr<std::string> got = NormalizePhone(c.raw, kField);
    ASSERT_TRUE(got.ok()) << c.raw << ": " << got.status();
    EXPECT_EQ(*got, c.want) << c.raw;
  }
}

TEST(NormalizePhone, ServiceNumbers) {
  const PhoneCase cases[] = {
      {"400-123-4567", "400-123-4567"},
      {"4001234567", "400-123-4567"},
      {"400 1234 567", "400-123-4567"},
      {"800-810-8888", "800-810-8888"},
      {"４００－８８８－６６６６", "400-888-6666"},
      {"400-123-4567转2", "400-123-4567-2"},
  };
  for (const PhoneCase& c : cases) {
    absl::StatusOr<std::string> got = NormalizePhone(c.raw, kField);
    ASSERT_TRUE(got.ok()) << c.raw << ": " << got.status();
    EXPECT_EQ(*got, c.want) << c.raw;
  }
}

TEST(NormalizePhone, ErrorsNameFieldAndProblem) {
  const std::array<std::pair<const char*, const char*>, 18> cases = {{
      {"", "empty"},
      {" \u3000 ", "empty"},
      {"电话:13812345678", "unexpected character '电'"},
      {"138-1234-567a", "unexpected character 'a'"},
      {"1381234567", "11 digits, got 10"},
      {"138123456789", "11 digits, got 12"},
      {"12812345678", "13 to 19"},
      {"13812345678转8", "mobile number has no extension"},
      {"+1 415 555 0100", "+86"},
      {"001 212 555 0100", "0086"},
      {"69156114", "area code"},
      {"011-12345678", "unknown area code"},
      {"010-691561", "7 or 8 digits, got 6"},
      {"010691561144", "7 or 8 digits, got 9"},
      {"0755-02345678", "must not start with 0"},
      {"010-69156114转", "1 to 6 digits"},
      {"010-69156114转1234567", "1 to 6 digits"},
      {"400-123-456", "10 digits, got 9"},
  }};
  for (const auto& [raw, part] : cases) {
    SCOPED_TRACE(raw);
    absl::StatusOr<std::string> got = NormalizePhone(raw, kField);
    ASSERT_FALSE(got.ok()) << "accepted as " << *got;
    ExpectFieldError(got.status(), kField, part);
  }
}

TEST(NormalizePhone, MessageStartsWithField) {
  absl::StatusOr<std::string> got = NormalizePhone("12345", "contact.mobile");
  ASSERT_FALSE(got.ok());
  EXPECT_TRUE(absl::StartsWith(got.status().message(), "contact.mobile: "))
      << got.status().message();
}

// --- NormalizePostcode ------------------------------------------------------

TEST(NormalizePostcode, AcceptsSixDigits) {
  EXPECT_EQ(NormalizePostcode("100730", "address.postcode").value(), "100730");
  EXPECT_EQ(NormalizePostcode("１００７３０", "address.postcode").value(), "100730");
  EXPECT_EQ(NormalizePostcode(" 510 080 ", "address.postcode").value(), "510080");
  EXPECT_EQ(NormalizePostcode("010010", "address.postcode").value(), "010010");  // 呼和浩特
  EXPECT_EQ(NormalizePostcode("830001", "address.postcode").value(), "830001");  // 乌鲁木齐
}

TEST(NormalizePostcode, Rejects) {
  const std::array<std::pair<const char*, const char*>, 6> cases = {{
      {"", "6 digits"},
      {"10073", "6 digits"},
      {"1007300", "6 digits"},
      {"10073O", "6 digits"},
      {"邮编100730", "6 digits"},
      {"999077", "0 to 8"},
  }};
  for (const auto& [raw, part] : cases) {
    SCOPED_TRACE(raw);
    absl::StatusOr<std::string> got = NormalizePostcode(raw, "address.postcode");
    ASSERT_FALSE(got.ok()) << "accepted as " << *got;
    ExpectFieldError(got.status(), "address.postcode", part);
  }
}

// --- Social credit code -----------------------------------------------------

constexpr absl::string_view kCreditField = "profile.social_credit_code";

// Appends the GB 32100-2015 check character, computed independently of the
// code under test.
std::string WithCheck(const std::string& first17) {
  const std::string alphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
  int sum = 0;
  int weight = 1;
  for (char c : first17) {
    sum += static_cast<int>(alphabet.find(c)) * weight;
    weight = weight * 3 % 31;
  }
  return first17 + alphabet[(31 - sum % 31) % 31];
}

TEST(SocialCreditCode, WeightsAreThePowersOfThreeModulo31) {
  // The helper above relies on this; it also pins the constructed codes.
  EXPECT_EQ(WithCheck("91440106MA59ABC1X"), "91440106MA59ABC1X0");
  EXPECT_EQ(WithCheck("52330106MJ8765432"), "52330106MJ8765432T");
}

TEST(SocialCreditCode, ConstructedCodesValid) {
  for (const char* first17 : {"91440106MA59ABC1X",    // 企业, 广州市天河区
                              "12110000400001234",    // 事业单位 (公立医院), 北京
                              "52330106MJ8765432",    // 民办非企业 (民营医院), 杭州
                              "Y1420100MA4K12345",    // 其他, 武汉
                              "93510112MA6DEFGHJ"}) {  // 农民专业合作社, 成都
    const std::string code = WithCheck(first17);
    EXPECT_TRUE(ValidateSocialCreditCode(code, kCreditField).ok())
        << code << ": " << ValidateSocialCreditCode(code, kCreditField);
  }
}

TEST(SocialCreditCode, PublishedCodesValid) {
  for (const char* code : {"91350100M000100Y43",    // example in the standard's guidance
                           "914403001922038216",    // 华为技术有限公司
                           "91440300708461136T",    // 深圳市腾讯计算机系统有限公司
                           "91330100799655058B"}) {  // 阿里巴巴(中国)有限公司
    EXPECT_TRUE(ValidateSocialCreditCode(code, kCreditField).ok())
        << code << ": " << ValidateSocialCreditCode(code, kCreditField);
  }
}

TEST(SocialCreditCode, NormalizesCaseWidthAndSpaces) {
  EXPECT_EQ(NormalizeSocialCreditCode("91440300708461136t", kCreditField).value(),
            "91440300708461136T");
  EXPECT_EQ(NormalizeSocialCreditCode("\u3000９１４４０３００７０８４６１１３６Ｔ ", kCreditField)
                .value(),
            "91440300708461136T");
  EXPECT_EQ(NormalizeSocialCreditCode("9144 0300 7084 6113 6T", kCreditField).value(),
            "91440300708461136T");
}

TEST(SocialCreditCode, WrongCheckCharacter) {
  const absl::Status status = ValidateSocialCreditCode("91440300708461136U", kCreditField);
  ExpectFieldError(status, kCreditField, "check character 'U'");
  ExpectFieldError(status, kCreditField, "computed 'T'");
  // Adjacent digits swapped: the weights differ, so the check catches it.
  ExpectFieldError(ValidateSocialCreditCode("91440300078461136T", kCreditField), kCreditField,
                   "check character");
  ExpectFieldError(ValidateSocialCreditCode("914403001922038217", kCreditField), kCreditField,
                   "computed '6'");
}

TEST(SocialCreditCode, CharactersOutsideAlphabet) {
  const std::array<std::pair<const char*, const char*>, 6> cases = {{
      {"91440300I08461136T", "'I' at position 9"},
      {"9144O300708461136T", "'O' at position 5"},
      {"91440300Z08461136T", "'Z' at position 9"},
      {"91440300S08461136T", "'S' at position 9"},
      {"91440300708461136V", "'V' at position 18"},
      {"9144030070846113中T", "'中' at position 17"},
  }};
  for (const auto& [code, part] : cases) {
    SCOPED_TRACE(code);
    ExpectFieldError(ValidateSocialCreditCode(code, kCreditField), kCreditField, part);
  }
  ExpectFieldError(ValidateSocialCreditCode("91440300-708461136T", kCreditField), kCreditField,
                   "'-' at position 9");
}

TEST(SocialCreditCode, WrongLength) {
  ExpectFieldError(ValidateSocialCreditCode("", kCreditField), kCreditField, "empty");
  ExpectFieldError(ValidateSocialCreditCode("91440300708461136", kCreditField), kCreditField,
                   "18 characters, got 17");
  ExpectFieldError(ValidateSocialCreditCode("91440300708461136TT", kCreditField), kCreditField,
                   "18 characters, got 19");
  // A 15-digit business licence number from before 2015 is not a credit code.
  ExpectFieldError(ValidateSocialCreditCode("440301103097413", kCreditField), kCreditField,
                   "18 characters, got 15");
}

TEST(SocialCreditCode, RegistrationAuthorityAndDivisionCode) {
  // Check characters are right, so only the structural rule fails.
  ExpectFieldError(ValidateSocialCreditCode(WithCheck("21110000400001234"), kCreditField),
                   kCreditField, "registration authority");
  ExpectFieldError(ValidateSocialCreditCode(WithCheck("A1110000400001234"), kCreditField),
                   kCreditField, "got 'A'");
  ExpectFieldError(ValidateSocialCreditCode(WithCheck("91A40300708461136"), kCreditField),
                   kCreditField, "administrative division code");
  ExpectFieldError(ValidateSocialCreditCode(WithCheck("9144030M708461136"), kCreditField),
                   kCreditField, "administrative division code");
}

TEST(SocialCreditCode, NormalizeAndValidateAgree) {
  for (const char* code : {"91440300708461136T", "91440300708461136U", "abc"}) {
    EXPECT_EQ(ValidateSocialCreditCode(code, kCreditField),
              NormalizeSocialCreditCode(code, kCreditField).status());
  }
}

TEST(FoldToSimplified, FoldsTraditionalAndKeepsEverythingElse) {
  EXPECT_EQ(FoldToSimplified("北京協和醫院"), "北京协和医院");
  EXPECT_EQ(FoldToSimplified("臺北榮民總醫院"), "台北荣民总医院");
  EXPECT_EQ(FoldToSimplified("北京协和医院"), "北京协和医院");
  EXPECT_EQ(FoldToSimplified("ABC 123 廣州 (東院)"), "ABC 123 广州 (东院)");
  EXPECT_EQ(FoldToSimplified(""), "");
  EXPECT_EQ(FoldToSimplified("Müller"), "Müller");
}

TEST(FoldToSimplified, SameAnswersFromManyThreads) {
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 200; ++i) {
        if (FoldToSimplified("上海瑞金醫院") != "上海瑞金医院") ++wrong;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong, 0);
}

}  // namespace
}  // namespace pharmacrm::matching
