#include "encoding.h"

#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "domain/import/import_rows.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pharmacrm::cli {
namespace {

// Bytes made by `iconv -f UTF-8 -t GBK`, not by the converter under test.
// "类型,名称,省份\r\n医院,北京協和醫院,北京市\r\n"
const std::string kGbkHeaderAndRow = absl::HexStringToBytes(
    "c0e0d0cd2cc3fbb3c62ccaa1b7dd0d0ad2bdd4ba2cb1b1bea98566bacde174d4ba2cb1b1bea9cad00d0a");
const std::string kUtf8HeaderAndRow = "类型,名称,省份\r\n医院,北京協和醫院,北京市\r\n";
// "kind,name,province\r\n医院,北京协和医院,北京市\r\n" in GBK.
const std::string kGbkCsv = absl::HexStringToBytes(
    "6b696e642c6e616d652c70726f76696e63650d0ad2bdd4ba2cb1b1bea9d0adbacdd2bdd4ba2cb1b1bea9cad00d0a");

// `input` through a converter in chunks of `size` bytes.
absl::StatusOr<std::string> InChunks(const std::string& input, size_t size, InputEncoding e,
                                     InputEncoding* decided = nullptr) {
  ToUtf8Converter converter(e);
  std::string out;
  for (size_t i = 0; i < input.size(); i += size) {
    absl::StatusOr<std::string> part = converter.Convert(absl::string_view(input).substr(i, size));
    if (!part.ok()) return part.status();
    out += *part;
  }
  absl::StatusOr<std::string> tail = converter.Finish();
  if (!tail.ok()) return tail.status();
  if (decided != nullptr) *decided = converter.encoding();
  return out + *tail;
}

TEST(ParseInputEncoding, KnownNamesAndAnErrorNamingTheFlag) {
  EXPECT_EQ(*ParseInputEncoding("auto"), InputEncoding::kAuto);
  EXPECT_EQ(*ParseInputEncoding("UTF-8"), InputEncoding::kUtf8);
  EXPECT_EQ(*ParseInputEncoding("utf8"), InputEncoding::kUtf8);
  EXPECT_EQ(*ParseInputEncoding("GB18030"), InputEncoding::kGb18030);
  EXPECT_EQ(*ParseInputEncoding("gbk"), InputEncoding::kGb18030);
  absl::Status s = ParseInputEncoding("latin1").status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), testing::HasSubstr("--encoding"));
}

TEST(ToUtf8Converter, ConvertsGbkChineseHeaderRow) {
  EXPECT_EQ(*ConvertToUtf8(kGbkHeaderAndRow, InputEncoding::kGb18030), kUtf8HeaderAndRow);
}

TEST(ToUtf8Converter, AutoDetectsGbkAndUtf8) {
  InputEncoding decided = InputEncoding::kAuto;
  EXPECT_EQ(*InChunks(kGbkHeaderAndRow, 1 << 20, InputEncoding::kAuto, &decided),
            kUtf8HeaderAndRow);
  EXPECT_EQ(decided, InputEncoding::kGb18030);
  EXPECT_EQ(*InChunks(kUtf8HeaderAndRow, 1 << 20, InputEncoding::kAuto, &decided),
            kUtf8HeaderAndRow);
  EXPECT_EQ(decided, InputEncoding::kUtf8);
  const std::string bom = "\xEF\xBB\xBFkind,name\n";
  EXPECT_EQ(*InChunks(bom, 1 << 20, InputEncoding::kAuto, &decided), bom);
  EXPECT_EQ(decided, InputEncoding::kUtf8);
  EXPECT_EQ(*InChunks("kind,name\n", 4, InputEncoding::kAuto, &decided), "kind,name\n");
  EXPECT_EQ(decided, InputEncoding::kAuto);  // ASCII only: nothing to decide.
}

TEST(ToUtf8Converter, ChunkBoundariesAnywhereGiveTheSameText) {
  for (size_t size = 1; size <= 7; ++size) {
    SCOPED_TRACE(size);
    EXPECT_EQ(*InChunks(kGbkHeaderAndRow, size, InputEncoding::kGb18030), kUtf8HeaderAndRow);
    // A UTF-8 character cut by the first non-ASCII chunk still reads as UTF-8.
    InputEncoding decided;
    EXPECT_EQ(*InChunks(kUtf8HeaderAndRow, size, InputEncoding::kAuto, &decided),
              kUtf8HeaderAndRow);
    EXPECT_EQ(decided, InputEncoding::kUtf8);
  }
}

TEST(ToUtf8Converter, FourByteGb18030Sequences) {
  // U+20000 (𠀀) is four bytes in GB18030, none of them in GBK.
  EXPECT_EQ(*ConvertToUtf8(absl::HexStringToBytes("95328236"), InputEncoding::kGb18030),
            "\xF0\xA0\x80\x80");
}

TEST(ToUtf8Converter, NamesTheOffsetAndLineOfABadByte) {
  // Line 2 holds 0xFF, which is no GB18030 byte.
  std::string input = "kind,name\n" "\xD2\xBD\xD4\xBA,\xFF\n";
  absl::Status s = ConvertToUtf8(input, InputEncoding::kGb18030).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), testing::HasSubstr("byte 15 (line 2)"));
  EXPECT_THAT(s.message(), testing::HasSubstr("ff"));
  // The same when chunks split the input just after the bad byte.
  s = InChunks(input, 16, InputEncoding::kGb18030).status();
  EXPECT_THAT(s.message(), testing::HasSubstr("byte 15 (line 2)"));
  // A lead byte cut off by the end of the input.
  s = ConvertToUtf8("kind\n\xD2", InputEncoding::kGb18030).status();
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(s.message(), testing::HasSubstr("cut off by the end of the file"));
}

TEST(ToUtf8Converter, Utf8PassesThroughUnchecked) {
  // The server validates UTF-8 row by row; the client does not second-guess.
  EXPECT_EQ(*ConvertToUtf8("a\xFF\n", InputEncoding::kUtf8), "a\xFF\n");
}

// The converted text is what customer-master's import parser reads.
TEST(ToUtf8Converter, GbkCsvImportsAsUtf8Rows) {
  absl::StatusOr<std::string> utf8 = ConvertToUtf8(kGbkCsv, InputEncoding::kAuto);
  ASSERT_TRUE(utf8.ok()) << utf8.status();
  customer_master::RowParser parser(customer_master::ImportFormat::kCsv, absl::Now());
  std::vector<customer_master::ImportRow> rows;
  std::vector<customer_master::RowError> errors;
  parser.Feed(*utf8, &rows, &errors);
  parser.Finish(&rows, &errors);
  EXPECT_TRUE(errors.empty()) << errors[0].field << ": " << errors[0].reason;
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].profile.name(), "北京协和医院");
  EXPECT_EQ(rows[0].profile.province(), "北京市");
  // Read as it is, the same bytes are rejected.
  rows.clear();
  errors.clear();
  customer_master::RowParser raw(customer_master::ImportFormat::kCsv, absl::Now());
  raw.Feed(kGbkCsv, &rows, &errors);
  raw.Finish(&rows, &errors);
  EXPECT_TRUE(rows.empty());
  EXPECT_FALSE(errors.empty());
}

}  // namespace
}  // namespace pharmacrm::cli
