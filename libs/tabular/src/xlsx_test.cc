// Workbooks are built in the test from XML written as strings
// (xlsx_testing.h), as Excel and WPS write them.
#include "pharmacrm/tabular/xlsx.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pharmacrm/tabular/xlsx_testing.h"

namespace pharmacrm::tabular {
namespace {

using testing::BuildXlsx;
using ::testing::HasSubstr;
using ::testing::StartsWith;
using testing::TestWorkbook;
using testing::Worksheet;
using testing::ZipFiles;

// "line: cell|cell|..." a row, for comparing whole sheets.
std::string Dump(const std::vector<XlsxRow>& rows) {
  std::string out;
  for (const XlsxRow& row : rows)
    absl::StrAppend(&out, row.line, ": ", absl::StrJoin(row.cells, "|"), "\n");
  return out;
}

std::string DumpOrError(absl::string_view bytes, const XlsxOptions& options = {}) {
  absl::StatusOr<std::vector<XlsxRow>> rows = ReadXlsxRows(bytes, options);
  return rows.ok() ? Dump(*rows) : std::string(rows.status().message());
}

// Styles as Excel writes them: cellXfs 0 General, 1 built-in date 14,
// 2 a custom Chinese date, 3 a custom date-time, 4 two decimals, 5 a
// time, 6 a quoted "d" that is no date. A cellStyleXfs xf comes first and
// must not count.
constexpr absl::string_view kStyles =
    "<numFmts count=\"3\">"
    "<numFmt numFmtId=\"176\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
    "<numFmt numFmtId=\"177\" formatCode=\"yyyy-mm-dd hh:mm:ss\"/>"
    "<numFmt numFmtId=\"178\" formatCode=\"0.00&quot; d&quot;\"/>"
    "</numFmts>"
    "<fonts count=\"1\"><font><sz val=\"11\"/><name val=\"宋体\"/></font></fonts>"
    "<cellStyleXfs count=\"1\"><xf numFmtId=\"14\" fontId=\"0\"/></cellStyleXfs>"
    "<cellXfs count=\"7\">"
    "<xf numFmtId=\"0\" fontId=\"0\" xfId=\"0\"/>"
    "<xf numFmtId=\"14\" fontId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
    "<xf numFmtId=\"176\" fontId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
    "<xf numFmtId=\"177\" fontId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
    "<xf numFmtId=\"2\" fontId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
    "<xf numFmtId=\"20\" fontId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
    "<xf numFmtId=\"178\" fontId=\"0\" xfId=\"0\" applyNumberFormat=\"1\"/>"
    "</cellXfs>"
    "<cellStyles count=\"1\"><cellStyle name=\"常规\" xfId=\"0\" builtinId=\"0\"/></cellStyles>";

constexpr absl::string_view kSharedStrings =
    "<si><t>销售日期</t></si>"
    "<si><t>客户名称</t></si>"
    "<si><r><rPr><b/></rPr><t>北京</t></r><r><t xml:space=\"preserve\">协和 医院</t></r></si>"
    "<si><t>东京</t><rPh sb=\"0\" eb=\"2\"><t>トウキョウ</t></rPh></si>"
    "<si><t xml:space=\"preserve\">  spaced  </t></si>"
    "<si/>";

TEST(ReadXlsx, ReadsEveryKindOfCell) {
  TestWorkbook book;
  book.shared_strings = std::string(kSharedStrings);
  book.styles = std::string(kStyles);
  book.sheets.emplace_back(
      "流向",
      Worksheet(
          // The header: shared strings and an inline string.
          "<row r=\"1\" spans=\"1:4\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" "
          "t=\"s\"><v>1</v></c>"
          "<c r=\"C1\" t=\"inlineStr\"><is><t>数量</t></is></c></row>"
          // Rich text, numbers, a date (14) with a formula, a gap at C.
          "<row r=\"2\"><c r=\"A2\" s=\"1\"><f>DATE(2026,3,2)</f><v>46083</v></c>"
          "<c r=\"B2\" t=\"s\"><v>2</v></c><c r=\"D2\" s=\"4\"><v>45.799999999999997</v></c></row>"
          // Row 3 is missing; row 4 has a custom Chinese date, a date-time
          // with a time, a time, a boolean, an error, a formula's text.
          "<row r=\"4\"><c r=\"A4\" s=\"2\"><v>46090</v></c><c r=\"B4\" s=\"3\"><v>46090.5</v></c>"
          "<c r=\"C4\" s=\"5\"><v>0.25</v></c><c r=\"D4\" t=\"b\"><v>1</v></c>"
          "<c r=\"E4\" t=\"e\"><v>#N/A</v></c><c r=\"F4\" "
          "t=\"str\"><f>A1&amp;\"x\"</f><v>销售日期x</v></c>"
          "</row>"
          // Phonetic guides left out, spaces kept, an empty shared string,
          // a styled empty cell and a number styled with a quoted "d".
          "<row r=\"5\"><c r=\"A5\" t=\"s\"><v>3</v></c><c r=\"B5\" t=\"s\"><v>4</v></c>"
          "<c r=\"C5\" t=\"s\"><v>5</v></c><c r=\"D5\" s=\"6\"><v>3</v></c><c r=\"E5\" "
          "s=\"1\"/></row>"
          // Rows without text are not handed over.
          "<row r=\"6\"><c r=\"A6\" s=\"1\"/><c r=\"B6\" t=\"inlineStr\"><is><t></t></is></c></row>"
          "<row r=\"7\"/>"
          // Cells and rows without references follow the previous ones;
          // a negative number; no trailing cells past the last text.
          "<row><c t=\"inlineStr\"><is><r><t>a</t></r><r><t>b</t></r></is></c><c><v>-10</v></c>"
          "<c s=\"4\"/></row>"));
  EXPECT_EQ(DumpOrError(BuildXlsx(book)),
            "1: 销售日期|客户名称|数量\n"
            "2: 2026-03-02|北京协和 医院||45.8\n"
            "4: 2026-03-09|2026-03-09 12:00:00|06:00:00|TRUE|#N/A|销售日期x\n"
            "5: 东京|  spaced  ||3\n"
            "8: ab|-10\n");
}

TEST(ReadXlsx, ReadsDatesOfThe1904System) {
  TestWorkbook book;
  book.date1904 = true;
  book.styles = std::string(kStyles);
  book.sheets.emplace_back("Sheet1", Worksheet("<row r=\"1\"><c s=\"1\"><v>44621</v></c></row>"));
  EXPECT_EQ(DumpOrError(BuildXlsx(book)), "1: 2026-03-02\n");
}

TEST(ReadXlsx, ReadsTheFirstWorksheetOrTheOneNamed) {
  TestWorkbook book;
  book.sheets.emplace_back(
      "汇总", Worksheet("<row r=\"1\"><c t=\"inlineStr\"><is><t>sum</t></is></c></row>"));
  book.sheets.emplace_back("流向", Worksheet("<row r=\"3\"><c r=\"B3\"><v>7</v></c></row>"));
  const std::string bytes = BuildXlsx(book);
  EXPECT_EQ(DumpOrError(bytes), "1: sum\n");
  XlsxOptions options;
  options.sheet = "流向";
  EXPECT_EQ(DumpOrError(bytes, options), "3: |7\n");
  options.sheet = "Sheet9";
  absl::StatusOr<std::vector<XlsxRow>> missing = ReadXlsxRows(bytes, options);
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.status().message(),
            "xl/workbook.xml: has no sheet named 'Sheet9'; its sheets: 汇总, 流向");
}

// A package as other writers make it: no _rels/.rels, absolute targets,
// a chart sheet first, prefixed element names, no shared strings.
TEST(ReadXlsx, FollowsTheRelationshipsAsWritten) {
  const std::string rels = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
  const std::string bytes = ZipFiles({
      {"xl/workbook.xml",
       absl::StrCat(
           "<x:workbook xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
           "xmlns:r=\"",
           rels,
           "\"><x:sheets>"
           "<x:sheet name=\"Chart1\" sheetId=\"2\" r:id=\"c1\"/>"
           "<x:sheet name=\"Data\" sheetId=\"1\" r:id=\"s1\"/></x:sheets></x:workbook>")},
      {"xl/_rels/workbook.xml.rels",
       absl::StrCat(
           "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
           "<Relationship Id=\"c1\" Type=\"",
           rels,
           "/chartsheet\" Target=\"/xl/chartsheets/sheet1.xml\"/>"
           "<Relationship Id=\"s1\" Type=\"",
           rels,
           "/worksheet\" Target=\"/xl/worksheets/data.xml\"/>"
           "<Relationship Id=\"h\" Type=\"",
           rels,
           "/hyperlink\" Target=\"http://example.invalid\" TargetMode=\"External\"/>"
           "</Relationships>")},
      {"xl/worksheets/data.xml",
       "<x:worksheet "
       "xmlns:x=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\"><x:sheetData>"
       "<x:row r=\"1\"><x:c r=\"A1\" t=\"inlineStr\"><x:is><x:t>ok</x:t></x:is></x:c></x:row>"
       "</x:sheetData></x:worksheet>"},
  });
  EXPECT_EQ(DumpOrError(bytes), "1: ok\n");
  XlsxOptions chart;
  chart.sheet = "Chart1";
  EXPECT_EQ(DumpOrError(bytes, chart),
            "xl/workbook.xml: sheet 'Chart1' is not a worksheet (a chart?)");
}

TEST(ReadXlsx, RefusesWhatIsNoWorkbook) {
  // Not a zip at all, a zip signature followed by garbage, a truncated
  // workbook.
  EXPECT_THAT(DumpOrError("销售日期,数量\n"),
              StartsWith("not a readable .xlsx workbook (zip archive): "));
  EXPECT_THAT(DumpOrError(absl::StrCat(kZipSignature, std::string(200, 'x'))),
              StartsWith("not a readable .xlsx workbook (zip archive): "));
  TestWorkbook book;
  book.sheets.emplace_back("Sheet1", Worksheet("<row r=\"1\"><c><v>1</v></c></row>"));
  const std::string whole = BuildXlsx(book);
  EXPECT_THAT(DumpOrError(absl::string_view(whole).substr(0, whole.size() / 2)),
              StartsWith("not a readable .xlsx workbook (zip archive): "));
  // A zip without a workbook (a .docx, or anything zipped).
  EXPECT_EQ(DumpOrError(ZipFiles({{"readme.txt", "hello"}})),
            "xl/workbook.xml: not in the archive: this is no Excel .xlsx workbook");
  // A workbook whose sheet part is missing.
  EXPECT_EQ(DumpOrError(ZipFiles({{"xl/workbook.xml", "<workbook><sheets/></workbook>"}})),
            "xl/workbook.xml: lists no sheet");
}

TEST(ReadXlsx, RefusesBadXmlNamingThePart) {
  TestWorkbook book;
  book.sheets.emplace_back("Sheet1", "<worksheet><sheetData><row r=\"1\"><c><v>1</v></row>");
  EXPECT_THAT(DumpOrError(BuildXlsx(book)),
              StartsWith("xl/worksheets/sheet1.xml: not well-formed XML: line 1: "));
  // A DTD (the way to entity expansion attacks) is refused outright.
  book.sheets[0].second =
      "<?xml version=\"1.0\"?><!DOCTYPE w [<!ENTITY a \"aaaaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]>"
      "<worksheet><sheetData><row r=\"1\"><c t=\"inlineStr\"><is><t>&b;</t></is></c></row>"
      "</sheetData></worksheet>";
  EXPECT_EQ(DumpOrError(BuildXlsx(book)),
            "xl/worksheets/sheet1.xml: has a document type declaration (DTD), which a workbook "
            "never has");
}

TEST(ReadXlsx, RefusesBadCellsNamingThem) {
  TestWorkbook book;
  book.shared_strings = "<si><t>a</t></si><si><t>b</t></si>";
  book.sheets.emplace_back("Sheet1",
                           Worksheet("<row r=\"1\"><c r=\"B1\" t=\"s\"><v>5</v></c></row>"));
  EXPECT_EQ(DumpOrError(BuildXlsx(book)),
            "xl/worksheets/sheet1.xml: cell B1: shared string '5' of 2 is not there");
  book.sheets[0].second = Worksheet("<row r=\"1\"><c r=\"C1\"><v>12abc</v></c></row>");
  EXPECT_EQ(DumpOrError(BuildXlsx(book)),
            "xl/worksheets/sheet1.xml: cell C1: '12abc' is not a number");
  book.sheets[0].second = Worksheet("<row r=\"5\"/><row r=\"3\"/>");
  EXPECT_EQ(DumpOrError(BuildXlsx(book)), "xl/worksheets/sheet1.xml: row 3 comes after row 5");
  book.sheets[0].second =
      Worksheet("<row r=\"1\"><c r=\"C1\"><v>1</v></c><c r=\"B1\"><v>1</v></c></row>");
  EXPECT_EQ(DumpOrError(BuildXlsx(book)), "xl/worksheets/sheet1.xml: cell B1 comes after cell C1");
  book.sheets[0].second = Worksheet("<row r=\"1\"><c r=\"1A\"><v>1</v></c></row>");
  EXPECT_EQ(DumpOrError(BuildXlsx(book)),
            "xl/worksheets/sheet1.xml: cell reference '1A' is not valid");
}

TEST(ReadXlsx, KeepsToItsLimits) {
  TestWorkbook book;
  std::string rows;
  for (int r = 1; r <= 200; ++r) {
    absl::StrAppend(&rows, "<row r=\"", r, "\"><c t=\"inlineStr\"><is><t>row ", r,
                    "</t></is></c></row>");
  }
  book.sheets.emplace_back("Sheet1", Worksheet(rows));
  const std::string bytes = BuildXlsx(book);
  XlsxOptions options;
  options.limits.max_part_bytes = 4096;
  absl::StatusOr<std::vector<XlsxRow>> big = ReadXlsxRows(bytes, options);
  EXPECT_EQ(big.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(big.status().message()), StartsWith("xl/worksheets/sheet1.xml: "));
  EXPECT_THAT(std::string(big.status().message()), HasSubstr("over the limit of 4096 bytes"));

  options = {};
  options.limits.max_rows = 100;
  EXPECT_EQ(DumpOrError(bytes, options),
            "xl/worksheets/sheet1.xml: row 101 is beyond the limit of 100 rows");

  book.sheets[0].second = Worksheet("<row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row>");
  EXPECT_EQ(DumpOrError(BuildXlsx(book)),
            "xl/worksheets/sheet1.xml: cell XFE1 is beyond the limit of 16384 columns");
  book.sheets[0].second = Worksheet("<row r=\"1\"><c r=\"XFD1\"><v>1</v></c></row>");
  absl::StatusOr<std::vector<XlsxRow>> widest = ReadXlsxRows(BuildXlsx(book));
  ASSERT_TRUE(widest.ok()) << widest.status();
  ASSERT_EQ(widest->size(), 1u);
  EXPECT_EQ((*widest)[0].cells.size(), 16384u);

  book.shared_strings = "<si><t>a</t></si><si><t>b</t></si><si><t>c</t></si>";
  options = {};
  options.limits.max_shared_strings = 2;
  EXPECT_EQ(DumpOrError(BuildXlsx(book), options),
            "xl/sharedStrings.xml: more than the limit of 2 shared strings");
}

// A part that declares a small size in the archive's headers and inflates
// to more is stopped by the bytes counted while reading.
TEST(ReadXlsx, CountsTheBytesAPartInflatesTo) {
  TestWorkbook book;
  std::string rows;
  for (int r = 1; r <= 200; ++r)
    absl::StrAppend(&rows, "<row r=\"", r, "\"><c><v>", r, "</v></c></row>");
  book.sheets.emplace_back("Sheet1", Worksheet(rows));
  std::string bytes = BuildXlsx(book);
  const std::string name = "xl/worksheets/sheet1.xml";
  for (size_t at = bytes.find(name); at != std::string::npos; at = bytes.find(name, at + 1)) {
    // The uncompressed size: 22 bytes into a local file header (whose name
    // starts at 30), 24 into a central directory entry (name at 46).
    const bool local = absl::string_view(bytes).substr(at - 30, 4) == kZipSignature;
    const size_t size_at = local ? at - 30 + 22 : at - 46 + 24;
    bytes.replace(size_at, 4, std::string("\x64\0\0\0", 4));  // 100 bytes
  }
  XlsxOptions options;
  options.limits.max_part_bytes = 1000;
  EXPECT_EQ(DumpOrError(bytes, options),
            "xl/worksheets/sheet1.xml: over the limit of 1000 bytes uncompressed");
}

TEST(IsZip, LooksAtTheSignature) {
  EXPECT_TRUE(IsZip(absl::StrCat(kZipSignature, "rest")));
  EXPECT_TRUE(IsZip(ZipFiles({{"a", "b"}})));
  EXPECT_FALSE(IsZip("PK"));
  EXPECT_FALSE(IsZip("销售日期,数量\n"));
}

}  // namespace
}  // namespace pharmacrm::tabular
