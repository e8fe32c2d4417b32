#include "domain/import/import_rows.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <tuple>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gtest/gtest.h"

namespace pharmacrm::customer_master {
namespace {

// 2026-12-07 20:00 in China.
const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2026, 12, 7, 12, 0, 0), absl::UTCTimeZone());

struct Result {
  std::vector<ImportRow> rows;
  std::vector<RowError> errors;
};

Result ParseChunks(ImportFormat format, const std::vector<absl::string_view>& chunks) {
  RowParser parser(format, kNow);
  Result r;
  for (absl::string_view chunk : chunks) parser.Feed(chunk, &r.rows, &r.errors);
  parser.Finish(&r.rows, &r.errors);
  return r;
}

Result Parse(ImportFormat format, absl::string_view input) {
  return ParseChunks(format, {input});
}

// Everything a result says, in one comparable string.
std::string Describe(const Result& r) {
  std::string out;
  for (const ImportRow& row : r.rows) {
    absl::StrAppend(&out, "row ", row.line, " [", row.external_id, "] ",
                    row.profile.SerializeAsString(), "\n");
  }
  for (const RowError& e : r.errors) {
    absl::StrAppend(&out, "error ", e.line, " ", e.field, ": ", e.reason, "\n");
  }
  return out;
}

std::string Errors(const Result& r) {
  std::string out;
  for (const RowError& e : r.errors) {
    absl::StrAppend(&out, e.line, " ", e.field, ": ", e.reason, "\n");
  }
  return out;
}

constexpr absl::string_view kHeader =
    "external_id,kind,name,province,city,phone,hospital_grade,hospital_id,department,"
    "hospital.bed_count,doctor.person.gender,doctor.person.hobbies\n";

TEST(RowParserCsv, ParsesNormalisesAndValidatesRows) {
  std::string input = absl::StrCat(
      kHeader,
      "H1,hospital,北京协和医院,北京,北京市,010 6915 6114,三甲,,,2000,,\n"
      "D1,doctor,张伟,北京市,北京市,13812345678,,H-100,心内科,,男,高尔夫;钓鱼；读书\n");
  Result r = Parse(ImportFormat::kCsv, input);
  ASSERT_EQ(r.errors.size(), 0u) << Errors(r);
  ASSERT_EQ(r.rows.size(), 2u);
  const ImportRow& h = r.rows[0];
  EXPECT_EQ(h.line, 2);
  EXPECT_EQ(h.external_id, "H1");
  EXPECT_EQ(h.profile.kind(), v1::CUSTOMER_KIND_HOSPITAL);
  EXPECT_EQ(h.profile.name(), "北京协和医院");
  EXPECT_EQ(h.profile.province(), "北京市");  // normalised from the short form
  EXPECT_EQ(h.profile.phone(), "010-69156114");
  EXPECT_EQ(h.profile.hospital_grade(), v1::HOSPITAL_GRADE_3A);
  EXPECT_EQ(h.profile.hospital().bed_count(), 2000);
  EXPECT_FALSE(h.profile.has_doctor());
  const ImportRow& d = r.rows[1];
  EXPECT_EQ(d.line, 3);
  EXPECT_EQ(d.profile.kind(), v1::CUSTOMER_KIND_DOCTOR);
  EXPECT_EQ(d.profile.hospital_id(), "H-100");
  EXPECT_EQ(d.profile.doctor().person().gender(), v1::GENDER_MALE);
  ASSERT_EQ(d.profile.doctor().person().hobbies_size(), 3);
  EXPECT_EQ(d.profile.doctor().person().hobbies(0), "高尔夫");
  EXPECT_EQ(d.profile.doctor().person().hobbies(1), "钓鱼");
  EXPECT_EQ(d.profile.doctor().person().hobbies(2), "读书");
  EXPECT_FALSE(d.profile.has_hospital());
}

TEST(RowParserCsv, SkipsByteOrderMarkAndAcceptsCrlf) {
  Result r = Parse(ImportFormat::kCsv,
                   "\xEF\xBB\xBFkind,name,phone\r\n"
                   "pharmacy,大参林药店,020-81234567\r\n"
                   "pharmacy,老百姓大药房,0731-84567890\r\n");
  ASSERT_EQ(r.errors.size(), 0u) << Errors(r);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].line, 2);
  EXPECT_EQ(r.rows[0].profile.name(), "大参林药店");
  EXPECT_EQ(r.rows[1].line, 3);
  EXPECT_EQ(r.rows[1].profile.phone(), "0731-84567890");
}

TEST(RowParserCsv, QuotedFieldsKeepCommasNewlinesAndQuotes) {
  Result r = Parse(ImportFormat::kCsv,
                   "kind,name,address,pharmacy.counter_names\r\n"
                   "pharmacy,\"一心堂 \"\"旗舰\"\"店\",\"解放路1号,\r\n2楼\",\"中药;西药\"\r\n"
                   "pharmacy,益丰大药房,,\n");
  ASSERT_EQ(r.errors.size(), 0u) << Errors(r);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].line, 2);
  EXPECT_EQ(r.rows[0].profile.name(), "一心堂 \"旗舰\"店");
  // The line break is data (NormalizeText then makes it a space).
  EXPECT_EQ(r.rows[0].profile.address(), "解放路1号, 2楼");
  EXPECT_EQ(r.rows[0].profile.pharmacy().counter_names_size(), 2);
  // The quoted line break took a line of the file.
  EXPECT_EQ(r.rows[1].line, 4);
}

TEST(RowParserCsv, ChunkBoundariesAnywhereGiveTheSameResult) {
  const std::string input = absl::StrCat(
      "\xEF\xBB\xBF", kHeader,
      "H1,医院,\"北京协和医院\r\n（东单院区）\",北京市,北京市,010-69156114,三级甲等,,,"
      "\"1200\",,\r\n"
      "D1,医生,张伟,北京市,北京市,13812345678,,H-100,心内科,,女,\"高尔夫;\"\"钓鱼\"\"\"\n"
      "\n"
      "D2,医生,李娜,北京市,北京市,12345,,H-100,,,,\r"
      "D3,医生,王芳,北京市,北京市,13912345678,,H-100,,,,\n"
      "D4,医生,\"未结束\n");
  const Result whole = Parse(ImportFormat::kCsv, input);
  // The fixture exercises rows and errors alike.
  ASSERT_EQ(whole.rows.size(), 3u) << Describe(whole);
  EXPECT_EQ(whole.rows[0].line, 2);
  EXPECT_EQ(whole.rows[0].profile.name(), "北京协和医院 (东单院区)");
  EXPECT_EQ(whole.rows[1].line, 4);
  EXPECT_EQ(whole.rows[2].line, 7);
  ASSERT_EQ(whole.errors.size(), 2u) << Describe(whole);
  EXPECT_EQ(whole.errors[0].line, 6);
  EXPECT_EQ(whole.errors[1].line, 8);
  const std::string expected = Describe(whole);

  std::vector<absl::string_view> bytes;
  for (size_t i = 0; i < input.size(); ++i) bytes.push_back(absl::string_view(input).substr(i, 1));
  EXPECT_EQ(Describe(ParseChunks(ImportFormat::kCsv, bytes)), expected);
  for (size_t at = 0; at <= input.size(); ++at) {
    absl::string_view v = input;
    EXPECT_EQ(Describe(ParseChunks(ImportFormat::kCsv, {v.substr(0, at), v.substr(at)})),
              expected)
        << "split at byte " << at;
  }
}

TEST(RowParserCsv, ThousandsSeparatorsAreNotGuessed) {
  const std::string input = absl::StrCat(
      kHeader, "H1,医院,\"北京协和医院\r\n（东单院区）\",北京市,北京市,010-69156114,三级甲等,,,"
               "\"1,200\",,\r\n");
  Result r = Parse(ImportFormat::kCsv, input);
  // "1,200" is not a whole number: thousands separators are not guessed.
  ASSERT_EQ(r.errors.size(), 1u) << Errors(r);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_EQ(r.errors[0].field, "hospital.bed_count");
}

TEST(RowParserCsv, RejectsValuesOutsideTheirRangesNamingTheField) {
  Result r = Parse(ImportFormat::kCsv,
                   "kind,name,hospital_id,hospital.bed_count,doctor.person.birth_date\n"
                   "hospital,甲医院,,-10,\n"
                   "doctor,张伟,H-1,,2027-01-01\n"
                   "doctor,李明,H-1,,1970-05-04\n");
  ASSERT_EQ(r.errors.size(), 2u) << Errors(r);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_EQ(r.errors[0].field, "profile.hospital.bed_count");
  EXPECT_EQ(r.errors[0].reason, "must be in 0..20000 (got -10)");
  EXPECT_EQ(r.errors[1].line, 3);
  EXPECT_EQ(r.errors[1].field, "profile.doctor.person.birth_date");
  EXPECT_EQ(r.errors[1].reason, "2027-01-01 is in the future (today is 2026-12-07)");
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].line, 4);
}

TEST(RowParserCsv, AcceptsChineseShortAndFullEnumNames) {
  Result r = Parse(ImportFormat::kCsv,
                   "kind,name,hospital_grade,hospital_id,doctor.person.professional_title,"
                   "doctor.person.education,pharmacy.gsp_status,pharmacy.ownership\n"
                   "医院,甲医院,三甲,,,,,\n"
                   "CUSTOMER_KIND_HOSPITAL,乙医院,二级乙等,,,,,\n"
                   "Hospital,丙医院,hospital_grade_1c,,,,,\n"
                   "医生,赵医生,,H-1,主任医师,硕士,,\n"
                   "药店,某药店,,,,,GSP_STATUS_CERTIFIED,民营\n"
                   "经销商,某商业公司,,,,,,\n"
                   "店员,某店员,,,,,,\n"
                   "患者,某患者,,,,,,\n");
  ASSERT_EQ(r.errors.size(), 0u) << Errors(r);
  ASSERT_EQ(r.rows.size(), 8u);
  EXPECT_EQ(r.rows[0].profile.hospital_grade(), v1::HOSPITAL_GRADE_3A);
  EXPECT_EQ(r.rows[1].profile.kind(), v1::CUSTOMER_KIND_HOSPITAL);
  EXPECT_EQ(r.rows[1].profile.hospital_grade(), v1::HOSPITAL_GRADE_2B);
  EXPECT_EQ(r.rows[2].profile.hospital_grade(), v1::HOSPITAL_GRADE_1C);
  EXPECT_EQ(r.rows[3].profile.kind(), v1::CUSTOMER_KIND_DOCTOR);
  EXPECT_EQ(r.rows[3].profile.doctor().person().professional_title(),
            v1::PROFESSIONAL_TITLE_CHIEF_PHYSICIAN);
  EXPECT_EQ(r.rows[3].profile.doctor().person().education(), v1::EDUCATION_MASTER);
  EXPECT_EQ(r.rows[4].profile.pharmacy().gsp_status(), v1::GSP_STATUS_CERTIFIED);
  EXPECT_EQ(r.rows[4].profile.pharmacy().ownership(), v1::OWNERSHIP_FORM_PRIVATE);
  EXPECT_EQ(r.rows[5].profile.kind(), v1::CUSTOMER_KIND_DISTRIBUTOR);
  EXPECT_EQ(r.rows[6].profile.kind(), v1::CUSTOMER_KIND_CONTACT);
  EXPECT_EQ(r.rows[7].profile.kind(), v1::CUSTOMER_KIND_PATIENT);
}

TEST(RowParserCsv, BadCellsAreReportedByColumnAllAtOnce) {
  Result r = Parse(ImportFormat::kCsv,
                   "kind,name,hospital.bed_count,hospital.ownership,pharmacy.floor_area_m2\n"
                   "诊所,甲,很多,私人,\n"
                   "pharmacy,乙,,,大\n"
                   "patient,丙,,,\n");
  ASSERT_EQ(r.rows.size(), 1u) << Errors(r);
  EXPECT_EQ(r.rows[0].line, 4);
  ASSERT_EQ(r.errors.size(), 4u) << Errors(r);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_EQ(r.errors[0].field, "kind");
  EXPECT_NE(r.errors[0].reason.find("HOSPITAL, DOCTOR"), std::string::npos) << r.errors[0].reason;
  EXPECT_EQ(r.errors[1].field, "hospital.bed_count");
  EXPECT_EQ(r.errors[2].field, "hospital.ownership");
  EXPECT_EQ(r.errors[3].line, 3);
  EXPECT_EQ(r.errors[3].field, "pharmacy.floor_area_m2");
}

TEST(RowParserCsv, FullWidthDigitsAndBoolsAreAccepted) {
  Result r = Parse(ImportFormat::kCsv,
                   "kind,name,patient.consent_to_contact,pharmacy.staff_count\n"
                   "患者,甲,是,\n"
                   "患者,乙,no,\n"
                   "pharmacy,丙,,１２\n");
  ASSERT_EQ(r.errors.size(), 0u) << Errors(r);
  ASSERT_EQ(r.rows.size(), 3u);
  EXPECT_TRUE(r.rows[0].profile.patient().consent_to_contact());
  EXPECT_FALSE(r.rows[1].profile.patient().consent_to_contact());
  EXPECT_EQ(r.rows[2].profile.pharmacy().staff_count(), 12);
}

TEST(RowParserCsv, UnknownHeaderRejectsTheWholeImport) {
  Result r = Parse(ImportFormat::kCsv,
                   "kind,name,bed_count,fax_number\n"
                   "hospital,甲医院,100,\n"
                   "hospital,乙医院,200,\n");
  EXPECT_TRUE(r.rows.empty());
  ASSERT_EQ(r.errors.size(), 4u) << Errors(r);
  EXPECT_EQ(r.errors[0].line, 1);
  EXPECT_EQ(r.errors[0].field, "bed_count");
  EXPECT_EQ(r.errors[0].reason, "unknown column; did you mean hospital.bed_count?");
  EXPECT_EQ(r.errors[1].line, 1);
  EXPECT_EQ(r.errors[1].field, "fax_number");
  EXPECT_EQ(r.errors[2].line, 2);
  EXPECT_EQ(r.errors[2].reason, "not imported: the header on line 1 is invalid");
  EXPECT_EQ(r.errors[3].line, 3);
}

TEST(RowParserCsv, HeaderProblemsOtherThanUnknownNames) {
  Result r = Parse(ImportFormat::kCsv,
                   "Name,NAME,hospital.departments,hospital.bank,,kind\n");
  ASSERT_EQ(r.errors.size(), 4u) << Errors(r);
  EXPECT_EQ(r.errors[0].field, "NAME");
  EXPECT_EQ(r.errors[0].reason, "named twice");
  EXPECT_EQ(r.errors[1].field, "hospital.departments");
  EXPECT_EQ(r.errors[1].reason,
            "hospital.departments is a list of records: import it with JSON Lines");
  EXPECT_EQ(r.errors[2].field, "hospital.bank");
  EXPECT_EQ(r.errors[3].field, "column 5");

  Result missing = Parse(ImportFormat::kCsv, "name,phone\n甲,010-69156114\n");
  ASSERT_EQ(missing.errors.size(), 2u) << Errors(missing);
  EXPECT_EQ(missing.errors[0].line, 1);
  EXPECT_EQ(missing.errors[0].field, "kind");

  Result empty = Parse(ImportFormat::kCsv, "\xEF\xBB\xBF\r\n\r\n");
  ASSERT_EQ(empty.errors.size(), 1u) << Errors(empty);
  EXPECT_EQ(empty.errors[0].line, 1);
}

TEST(RowParserCsv, HeaderNamesIgnoreCaseSpacesAndProfilePrefix) {
  Result r = Parse(ImportFormat::kCsv, " Kind , profile.Name ,Doctor.Person.Mobile\n医生,张伟,\n");
  ASSERT_EQ(r.rows.size(), 0u);
  ASSERT_EQ(r.errors.size(), 1u) << Errors(r);
  EXPECT_EQ(r.errors[0].field, "profile.hospital_id");  // the header itself was fine
}

TEST(RowParserCsv, RaggedRowsAreRowErrors) {
  Result r = Parse(ImportFormat::kCsv,
                   "kind,name,phone\n"
                   "pharmacy,甲药店\n"
                   "pharmacy,乙药店,020-81234567,多余\n"
                   "pharmacy,丙药店,020-81234567\n");
  ASSERT_EQ(r.rows.size(), 1u) << Errors(r);
  EXPECT_EQ(r.rows[0].line, 4);
  ASSERT_EQ(r.errors.size(), 2u);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_EQ(r.errors[0].field, "");
  EXPECT_EQ(r.errors[0].reason, "has 2 fields, but the header has 3");
  EXPECT_EQ(r.errors[1].line, 3);
}

TEST(RowParserCsv, BadPhoneIsReportedWithLineAndField) {
  Result r = Parse(ImportFormat::kCsv,
                   "kind,name,phone,doctor.person.mobile,hospital_id\n"
                   "pharmacy,甲药店,020-81234567,,\n"
                   "pharmacy,乙药店,12345,,\n"
                   "doctor,张伟,,1381234567,H-1\n");
  ASSERT_EQ(r.rows.size(), 1u);
  ASSERT_EQ(r.errors.size(), 2u) << Errors(r);
  EXPECT_EQ(r.errors[0].line, 3);
  EXPECT_EQ(r.errors[0].field, "profile.phone");
  EXPECT_FALSE(r.errors[0].reason.empty());
  EXPECT_EQ(r.errors[0].reason.find("profile.phone:"), std::string::npos);
  EXPECT_EQ(r.errors[1].line, 4);
  EXPECT_EQ(r.errors[1].field, "profile.doctor.person.mobile");
}

TEST(RowParserCsv, BlankAndEmptyRowsAreSkippedButCounted) {
  Result r = Parse(ImportFormat::kCsv,
                   "\n"
                   "kind,name\n"
                   "\n"
                   ",\n"
                   "  ,  \r\n"
                   "pharmacy,甲药店\n"
                   "\n");
  ASSERT_EQ(r.errors.size(), 0u) << Errors(r);
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].line, 6);
}

TEST(RowParserCsv, UnterminatedQuoteIsAnErrorAtFinish) {
  Result r = Parse(ImportFormat::kCsv,
                   "kind,name,address\n"
                   "pharmacy,甲药店,\"解放路\n"
                   "pharmacy,乙药店,中山路\n");
  EXPECT_TRUE(r.rows.empty());
  ASSERT_EQ(r.errors.size(), 1u) << Errors(r);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_EQ(r.errors[0].field, "address");
  EXPECT_EQ(r.errors[0].reason, "unterminated quoted field (the quote opened on line 2)");
}

TEST(RowParserCsv, DetailsOfTwoKindsInOneRowAreAnError) {
  Result r = Parse(ImportFormat::kCsv,
                   "kind,name,hospital.bed_count,pharmacy.staff_count,hospital_id\n"
                   "hospital,甲医院,100,5,\n"
                   "doctor,张伟,100,,H-1\n");
  EXPECT_TRUE(r.rows.empty());
  ASSERT_EQ(r.errors.size(), 2u) << Errors(r);
  EXPECT_EQ(r.errors[0].field, "pharmacy.staff_count");
  EXPECT_EQ(r.errors[0].reason,
            "details of two kinds in one row (hospital.bed_count and pharmacy.staff_count)");
  // Consistent details of the wrong kind are ValidateProfile's call.
  EXPECT_EQ(r.errors[1].line, 3);
  EXPECT_EQ(r.errors[1].field, "profile.hospital");
}

TEST(RowParserCsv, InvalidUtf8IsRejectedNotReplaced) {
  // "北京" in GBK.
  Result r = Parse(ImportFormat::kCsv, "kind,name\nhospital,\xB1\xB1\xBE\xA9\n");
  EXPECT_TRUE(r.rows.empty());
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_EQ(r.errors[0].field, "name");
  EXPECT_EQ(r.errors[0].reason, "not valid UTF-8: save the file as UTF-8 (it may be GBK)");
}

TEST(RowParserCsv, OverlongRowIsRejectedAndParsingGoesOn) {
  std::string input = absl::StrCat("kind,name,address\npharmacy,甲,\"",
                                   std::string((1 << 20) + 10, 'x'), "\"\npharmacy,乙药店,\n");
  Result r = Parse(ImportFormat::kCsv, input);
  ASSERT_EQ(r.rows.size(), 1u) << Errors(r);
  EXPECT_EQ(r.rows[0].line, 3);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 2);
}

TEST(RowParserCsv, RowOfTooManyFieldsIsRejected) {
  std::string input =
      absl::StrCat("kind,name\n", std::string(5000, ','), "\npharmacy,乙药店\n");
  Result r = Parse(ImportFormat::kCsv, input);
  ASSERT_EQ(r.rows.size(), 1u) << Errors(r);
  ASSERT_EQ(r.errors.size(), 1u);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_EQ(r.errors[0].reason,
            "row longer than 1048576 bytes or 4096 fields (an unterminated quote?)");
}

TEST(RowParser, FeedAfterFinishDoesNothing) {
  RowParser parser(ImportFormat::kCsv, kNow);
  Result r;
  parser.Feed("kind,name\npharmacy,甲药店\n", &r.rows, &r.errors);
  parser.Finish(&r.rows, &r.errors);
  parser.Feed("pharmacy,乙药店\n", &r.rows, &r.errors);
  parser.Finish(&r.rows, &r.errors);
  EXPECT_EQ(r.rows.size(), 1u);
  EXPECT_TRUE(r.errors.empty());
}

TEST(RowParserJsonLines, ParsesRecords) {
  Result r = Parse(
      ImportFormat::kJsonLines,
      "\xEF\xBB\xBF{\"external_id\": \" D1 \", \"profile\": {\"kind\": \"CUSTOMER_KIND_DOCTOR\", "
      "\"name\": \"张伟\", \"hospitalId\": \"H-1\", \"doctor\": {\"person\": {\"gender\": 2, "
      "\"hobbies\": [\"钓鱼\", \"\\u9ad8\\u5c14\\u592b\"], \"mobile\": \"138 1234 5678\"}}}}\r\n"
      "\n"
      "   \r\n"
      "{\"profile\": {\"kind\": \"CUSTOMER_KIND_HOSPITAL\", \"name\": \"甲医院\", "
      "\"hospital_grade\": \"HOSPITAL_GRADE_3A\", \"hospital\": {\"bedCount\": \"1200\", "
      "\"staff_count\": 3e2, \"website\": null}, \"doctor\": null}, \"externalId\": null}");
  ASSERT_EQ(r.errors.size(), 0u) << Errors(r);
  ASSERT_EQ(r.rows.size(), 2u);
  EXPECT_EQ(r.rows[0].line, 1);
  EXPECT_EQ(r.rows[0].external_id, "D1");
  const v1::PersonDetails& person = r.rows[0].profile.doctor().person();
  EXPECT_EQ(person.gender(), v1::GENDER_FEMALE);
  ASSERT_EQ(person.hobbies_size(), 2);
  EXPECT_EQ(person.hobbies(1), "高尔夫");
  EXPECT_EQ(person.mobile(), "13812345678");
  EXPECT_EQ(r.rows[1].line, 4);
  EXPECT_EQ(r.rows[1].external_id, "");
  EXPECT_EQ(r.rows[1].profile.hospital().bed_count(), 1200);
  EXPECT_EQ(r.rows[1].profile.hospital().staff_count(), 300);
}

TEST(RowParserJsonLines, UnknownFieldsAreNamed) {
  Result r = Parse(ImportFormat::kJsonLines,
                   "{\"profile\": {\"kind\": \"CUSTOMER_KIND_DOCTOR\", \"doctor\": "
                   "{\"person\": {\"mobilePhone\": \"13812345678\"}}}}\n"
                   "{\"id\": \"1\", \"profile\": {}}\n"
                   "{\"kind\": \"CUSTOMER_KIND_HOSPITAL\", \"name\": \"甲医院\"}\n");
  EXPECT_TRUE(r.rows.empty());
  ASSERT_EQ(r.errors.size(), 3u) << Errors(r);
  EXPECT_EQ(r.errors[0].line, 1);
  EXPECT_EQ(r.errors[0].field, "profile.doctor.person.mobilePhone");
  EXPECT_EQ(r.errors[0].reason, "unknown field");
  EXPECT_EQ(r.errors[1].line, 2);
  EXPECT_EQ(r.errors[1].field, "id");
  EXPECT_EQ(r.errors[2].field, "kind");  // a bare profile: the reason shows the shape
  EXPECT_NE(r.errors[2].reason.find("\"profile\""), std::string::npos);
}

TEST(RowParserJsonLines, TypeAndSyntaxErrors) {
  Result r = Parse(
      ImportFormat::kJsonLines,
      "{\"profile\": {\"kind\": \"CUSTOMER_KIND_CLINIC\"}}\n"
      "{\"profile\": {\"hospital\": {\"bedCount\": 1.5}}}\n"
      "{\"profile\": {\"hospital\": {}, \"pharmacy\": {}}}\n"
      "{\"profile\": {\"name\": \"a\", \"name\": \"b\"}}\n"
      "{\"profile\": {\"kind\": \"CUSTOMER_KIND_HOSPITAL\", \"name\": \"甲\"}\n"
      "[1, 2]\n"
      "{\"profile\": {\"patient\": {\"diagnoses\": [\"a\", null]}}}\n"
      "{\"profile\": {\"pharmacy\": {\"floorAreaM2\": \"NaN\"}}}\n");
  EXPECT_TRUE(r.rows.empty());
  ASSERT_EQ(r.errors.size(), 8u) << Errors(r);
  EXPECT_EQ(r.errors[0].field, "profile.kind");
  EXPECT_EQ(r.errors[0].reason, "'CUSTOMER_KIND_CLINIC' is not a CustomerKind");
  EXPECT_EQ(r.errors[1].field, "profile.hospital.bed_count");
  EXPECT_EQ(r.errors[2].field, "profile.pharmacy");
  EXPECT_EQ(r.errors[3].field, "profile.name");
  EXPECT_EQ(r.errors[3].reason, "given twice");
  EXPECT_EQ(r.errors[4].line, 5);
  EXPECT_EQ(r.errors[4].field, "");
  EXPECT_EQ(r.errors[4].reason, "invalid JSON at byte 62: expected ',' or '}'");
  EXPECT_EQ(r.errors[5].reason, "invalid JSON at byte 1: a line must be a JSON object");
  EXPECT_EQ(r.errors[6].field, "profile.patient.diagnoses[1]");
  EXPECT_EQ(r.errors[7].field, "profile.pharmacy.floor_area_m2");
}

TEST(RowParserJsonLines, BadPhoneIsReportedWithLineAndField) {
  Result r = Parse(ImportFormat::kJsonLines,
                   "{\"profile\": {\"kind\": \"CUSTOMER_KIND_PHARMACY\", \"name\": \"甲药店\", "
                   "\"phone\": \"020-81234567\"}}\n"
                   "{\"profile\": {\"kind\": \"CUSTOMER_KIND_PHARMACY\", \"name\": \"乙药店\", "
                   "\"phone\": \"12345\"}}\n"
                   "{\"profile\": {\"kind\": \"CUSTOMER_KIND_DOCTOR\", \"name\": \"张伟\"}}\n");
  ASSERT_EQ(r.rows.size(), 1u);
  ASSERT_EQ(r.errors.size(), 2u) << Errors(r);
  EXPECT_EQ(r.errors[0].line, 2);
  EXPECT_EQ(r.errors[0].field, "profile.phone");
  EXPECT_EQ(r.errors[1].line, 3);
  EXPECT_EQ(r.errors[1].field, "profile.hospital_id");  // references are the caller's job
}

TEST(RowParserJsonLines, ChunkBoundariesAnywhereGiveTheSameResult) {
  const std::string input =
      "\xEF\xBB\xBF{\"external_id\": \"D1\", \"profile\": {\"kind\": \"CUSTOMER_KIND_DOCTOR\", "
      "\"name\": \"张伟\", \"hospitalId\": \"H-1\"}}\r\n"
      "\n"
      "{\"profile\": {\"kind\": \"CUSTOMER_KIND_PHARMACY\", \"name\": \"乙药店\", "
      "\"phone\": \"12345\"}}\n"
      "{\"profile\": {\"kind\": \"CUSTOMER_KIND_PATIENT\", \"name\": \"王芳\"}}";
  const Result whole = Parse(ImportFormat::kJsonLines, input);
  EXPECT_EQ(whole.rows.size(), 2u) << Describe(whole);
  EXPECT_EQ(whole.errors.size(), 1u) << Describe(whole);
  const std::string expected = Describe(whole);
  std::vector<absl::string_view> bytes;
  for (size_t i = 0; i < input.size(); ++i) bytes.push_back(absl::string_view(input).substr(i, 1));
  EXPECT_EQ(Describe(ParseChunks(ImportFormat::kJsonLines, bytes)), expected);
  for (size_t at = 0; at <= input.size(); ++at) {
    absl::string_view v = input;
    EXPECT_EQ(Describe(ParseChunks(ImportFormat::kJsonLines, {v.substr(0, at), v.substr(at)})),
              expected)
        << "split at byte " << at;
  }
}

TEST(FindDuplicateRows, ReportsLaterRowsAsDuplicatesOfTheFirst) {
  Result r = Parse(ImportFormat::kCsv,
                   "external_id,kind,name,phone\n"
                   "P1,pharmacy,甲药店,020-81234567\n"
                   "P2,pharmacy,乙药店,\n"
                   "P1,pharmacy,丙药店,\n"
                   "P3,pharmacy,甲药店,020 8123 4567\n"
                   "P4,doctor,甲药店,020-81234567\n"
                   ",pharmacy,乙药店,\n"
                   "P1,pharmacy,甲药店,020-81234567\n");
  // The doctor row fails validation (no hospital_id) and is not a row.
  ASSERT_EQ(r.rows.size(), 6u) << Errors(r);
  std::vector<RowError> duplicates = FindDuplicateRows(r.rows);
  ASSERT_EQ(duplicates.size(), 3u);
  EXPECT_EQ(duplicates[0].line, 4);
  EXPECT_EQ(duplicates[0].field, "external_id");
  EXPECT_EQ(duplicates[0].reason, "duplicate of line 2 (same external_id)");
  EXPECT_EQ(duplicates[1].line, 5);
  EXPECT_EQ(duplicates[1].field, "profile.name");
  EXPECT_EQ(duplicates[1].reason, "duplicate of line 2 (same kind, name and phone)");
  // Same name without phone or id (line 7) is left to match & merge; a row
  // duplicating on both keys is reported once.
  EXPECT_EQ(duplicates[2].line, 8);
  EXPECT_EQ(duplicates[2].reason, "duplicate of line 2 (same external_id)");
}

TEST(FindDuplicateRows, SameNameOfAnotherKindIsNotADuplicate) {
  std::vector<ImportRow> rows(2);
  rows[0].line = 2;
  rows[0].profile.set_kind(v1::CUSTOMER_KIND_PHARMACY);
  rows[0].profile.set_name("ABC Pharmacy");
  rows[0].profile.set_phone("020-81234567");
  rows[1] = rows[0];
  rows[1].line = 3;
  rows[1].profile.set_kind(v1::CUSTOMER_KIND_DISTRIBUTOR);
  EXPECT_TRUE(FindDuplicateRows(rows).empty());
  rows[1].profile.set_kind(v1::CUSTOMER_KIND_PHARMACY);
  rows[1].profile.set_name("abc pharmacy");
  EXPECT_EQ(FindDuplicateRows(rows).size(), 1u);
}

TEST(NameAndPhoneKey, SameKindNameAndPhoneAloneAreEqual) {
  v1::CustomerProfile p;
  p.set_kind(v1::CUSTOMER_KIND_PHARMACY);
  p.set_name("ABC Pharmacy 大药房");
  EXPECT_FALSE(NameAndPhoneKey(p).has_value());  // No phone: not compared.
  p.set_phone("02081234567");
  std::optional<absl::uint128> key = NameAndPhoneKey(p);
  ASSERT_TRUE(key.has_value());
  v1::CustomerProfile q = p;
  q.set_name("abc pharmacy 大药房");
  EXPECT_EQ(NameAndPhoneKey(q), key);
  q.set_kind(v1::CUSTOMER_KIND_DISTRIBUTOR);
  EXPECT_NE(NameAndPhoneKey(q), key);
  q = p;
  q.set_phone("02081234568");
  EXPECT_NE(NameAndPhoneKey(q), key);
  // The name does not run into the phone.
  q = p;
  q.set_name("ABC Pharmacy 大药房0");
  q.set_phone("2081234567");
  EXPECT_NE(NameAndPhoneKey(q), key);
}

}  // namespace
}  // namespace pharmacrm::customer_master
