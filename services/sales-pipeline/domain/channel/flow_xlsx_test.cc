// Flow files as Excel .xlsx workbooks (ReadFlowFile): read by the same
// rules as CSV, so a workbook and the CSV it would be saved as give the
// same rows and the same errors on the same lines.
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "domain/channel/flow_mapping.h"
#include "domain/channel/flow_rows.h"
#include "domain/channel/flow_testing.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pharmacrm/tabular/xlsx_testing.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

using tabular::testing::BuildXlsx;
using tabular::testing::TestWorkbook;
using tabular::testing::Worksheet;
using testing::Catalogue;
using testing::Describe;
using testing::Errors;
using testing::FlowResult;
using ::testing::HasSubstr;
using testing::ReadFlow;

struct FileResult {
  absl::Status status;
  FlowResult flow;
};

FileResult ReadFile(absl::string_view file, const FlowColumnMapping& mapping = {}) {
  static const CatalogueResolver* const kResolver = new CatalogueResolver(Catalogue());
  FileResult r;
  r.status = ReadFlowFile(file, mapping, absl::CivilMonth(2026, 3), *kResolver, {}, &r.flow.rows,
                          &r.flow.errors);
  return r;
}

// What the distributor's CSV export says (a blank line 3, where the sheet
// has no row 3).
constexpr absl::string_view kCsv =
    "销售日期,客户名称,地址,产品名称,规格,批号,数量,单价\n"
    "2026-03-02,北京协和医院,,阿托伐他汀钙片,20mg*7片,B2602011,120,45.80\n"
    "\n"
    "2026-03-09,北京同仁堂王府井药店,北京市东城区王府井大街255号,立普妥,10mg×7片,2601157,30,27.50\n"
    "2026/3/16,首都医科大学附属北京朝阳医院,北京市朝阳区工体南路8号,苯磺酸氨氯地平片,5mg*28片,"
    "A2512203,200,58.00\n"
    "2026-03-23 12:00:00,北京协和医院,,阿托伐他汀钙片,20MG*7片,B2602011,-10,45.80\n"
    "2026-03-24,北京协和医院,,阿托伐他汀钙片,20mg*7片,B2602011,0,45.80\n"
    "2026-03-30,北京医药股份有限公司,,盐酸二甲双胍缓释片,0.5g*30片,M2602001,,\n";

// Styles: 0 General, 1 built-in date 14, 2 a custom Chinese date, 3 a
// custom date-time.
constexpr absl::string_view kStyles =
    "<numFmts count=\"2\">"
    "<numFmt numFmtId=\"176\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
    "<numFmt numFmtId=\"177\" formatCode=\"yyyy/m/d hh:mm\"/>"
    "</numFmts>"
    "<cellXfs count=\"4\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/>"
    "<xf numFmtId=\"176\" applyNumberFormat=\"1\"/><xf numFmtId=\"177\" applyNumberFormat=\"1\"/>"
    "</cellXfs>";

// The header and names as shared strings (0..11), some cells inline.
constexpr absl::string_view kSharedStrings =
    "<si><t>销售日期</t></si><si><t>客户名称</t></si><si><t>地址</t></si>"
    "<si><t>产品名称</t></si><si><t>规格</t></si><si><t>批号</t></si>"
    "<si><r><t>北京</t></r><r><rPr><b/></rPr><t>协和医院</t></r></si>"  // 6, rich text
    "<si><t>阿托伐他汀钙片</t></si><si><t>20mg*7片</t></si><si><t>B2602011</t></si>"  // 7..9
    "<si><t>北京同仁堂王府井药店</t></si><si><t>立普妥</t></si>";                     // 10, 11

std::string S(absl::string_view ref, int index) {
  return absl::StrCat("<c r=\"", ref, "\" t=\"s\"><v>", index, "</v></c>");
}
std::string T(absl::string_view ref, absl::string_view text) {
  return absl::StrCat("<c r=\"", ref, "\" t=\"inlineStr\"><is><t>", text, "</t></is></c>");
}
std::string N(absl::string_view ref, absl::string_view number, int style = 0) {
  return absl::StrCat("<c r=\"", ref, "\"", style ? absl::StrCat(" s=\"", style, "\"") : "", "><v>",
                      number, "</v></c>");
}

// The same file saved by Excel: dates as date-formatted serials (built-in,
// custom Chinese, date-time) and once as typed text, numbers as numbers
// (a price with float noise, a batch number), the empty 地址 cells left
// out, no row 3, and the last row ending at its batch.
std::string Workbook() {
  TestWorkbook book;
  book.styles = std::string(kStyles);
  book.shared_strings = std::string(kSharedStrings);
  book.sheets.emplace_back(
      "Sheet1",
      Worksheet(absl::StrCat(
          "<row r=\"1\">", S("A1", 0), S("B1", 1), S("C1", 2), S("D1", 3), S("E1", 4), S("F1", 5),
          T("G1", "数量"), T("H1", "单价"), "</row>",  //
          "<row r=\"2\">", N("A2", "46083", 1), S("B2", 6), S("D2", 7), S("E2", 8), S("F2", 9),
          N("G2", "120"), N("H2", "45.799999999999997"), "</row>",  //
          "<row r=\"4\">", N("A4", "46090", 2), S("B4", 10), T("C4", "北京市东城区王府井大街255号"),
          S("D4", 11), T("E4", "10mg×7片"), N("F4", "2601157"), N("G4", "30"), N("H4", "27.5"),
          "</row>",  //
          "<row r=\"5\">", T("A5", "2026/3/16"), T("B5", "首都医科大学附属北京朝阳医院"),
          T("C5", "北京市朝阳区工体南路8号"), T("D5", "苯磺酸氨氯地平片"), T("E5", "5mg*28片"),
          T("F5", "A2512203"), N("G5", "200"), N("H5", "58"), "</row>",  //
          "<row r=\"6\">", N("A6", "46104.5", 3), S("B6", 6), S("D6", 7), T("E6", "20MG*7片"),
          S("F6", 9), N("G6", "-10"), N("H6", "45.8"), "</row>",  //
          "<row r=\"7\">", N("A7", "46105", 1), S("B7", 6), S("D7", 7), S("E7", 8), S("F7", 9),
          N("G7", "0"), N("H7", "45.8"), "</row>",  //
          "<row r=\"8\">", N("A8", "46111", 1), T("B8", "北京医药股份有限公司"),
          T("D8", "盐酸二甲双胍缓释片"), T("E8", "0.5g*30片"), T("F8", "M2602001"), "</row>")));
  return BuildXlsx(book);
}

TEST(ReadFlowFile, AWorkbookReadsAsTheCsvItWouldBeSavedAs) {
  const FlowResult csv = ReadFlow(kCsv);
  ASSERT_EQ(csv.rows.size(), 4u) << Errors(csv);
  const std::string workbook = Workbook();
  const FileResult xlsx = ReadFile(workbook);
  ASSERT_TRUE(xlsx.status.ok()) << xlsx.status;
  EXPECT_EQ(Describe(xlsx.flow), Describe(csv));

  ASSERT_EQ(xlsx.flow.rows.size(), 4u);
  EXPECT_EQ(xlsx.flow.rows[0].line(), 2);
  EXPECT_EQ(xlsx.flow.rows[0].sale_date(), "2026-03-02");
  EXPECT_EQ(xlsx.flow.rows[0].terminal_name(), "北京协和医院");
  EXPECT_EQ(xlsx.flow.rows[0].unit_price_fen(), 4580);
  EXPECT_EQ(xlsx.flow.rows[1].line(), 4);
  EXPECT_EQ(xlsx.flow.rows[1].sale_date(), "2026-03-09");
  EXPECT_EQ(xlsx.flow.rows[1].batch_no(), "2601157");
  EXPECT_EQ(xlsx.flow.rows[3].sale_date(), "2026-03-23");
  // The bad rows by sheet row and column header.
  EXPECT_EQ(Errors(xlsx.flow),
            "7 数量: is 0: a row sells at least one pack (or, negative, takes back a return)\n"
            "8 数量: is empty; every row needs its 数量\n"
            "8 单价: is empty; every row needs its 单价\n");
  const FlowTotals totals = Summarise(xlsx.flow.rows);
  EXPECT_EQ(totals.quantity, 340);
  EXPECT_EQ(Summarise(csv.rows).amount_fen, totals.amount_fen);

  // CSV still goes the CSV way.
  const FileResult same = ReadFile(kCsv);
  ASSERT_TRUE(same.status.ok());
  EXPECT_EQ(Describe(same.flow), Describe(csv));
}

TEST(ReadFlowFile, ReadsTheSheetTheMappingNamesAndIgnoresCellsBeyondTheHeader) {
  TestWorkbook book;
  book.sheets.emplace_back(
      "说明", Worksheet(absl::StrCat("<row r=\"1\">", T("A1", "华北医药 3月流向"), "</row>")));
  book.sheets.emplace_back(
      "销售流向",
      Worksheet(absl::StrCat("<row r=\"3\">", T("B3", "日期"), T("C3", "购货单位"), T("D3", "品名"),
                             T("E3", "规格"), T("F3", "发货数量"), T("G3", "金额"), "</row>",  //
                             "<row r=\"4\">", T("B4", "2026-03-05"), T("C4", "北京市海淀医院"),
                             T("D4", "络活喜"), T("E4", "5mg*28片"), N("F4", "3"), N("G4", "175"),
                             T("J4", "补货"), "</row>")));
  const std::string workbook = BuildXlsx(book);
  absl::StatusOr<FlowColumnMapping> mapping =
      ParseColumnMapping("sheet=销售流向\n数量=发货数量\noptional=batch_no\n");
  ASSERT_TRUE(mapping.ok()) << mapping.status();
  const FileResult r = ReadFile(workbook, *mapping);
  ASSERT_TRUE(r.status.ok()) << r.status;
  ASSERT_EQ(r.flow.rows.size(), 1u) << Errors(r.flow);
  EXPECT_EQ(r.flow.rows[0].line(), 4);
  EXPECT_EQ(r.flow.rows[0].product_id(), "P003");
  EXPECT_EQ(r.flow.rows[0].unit_price_fen(), 5833);  // 175 / 3

  // Without the mapping's sheet, the first sheet is read: it has no header.
  mapping->sheet.clear();
  const FileResult first = ReadFile(workbook, *mapping);
  ASSERT_TRUE(first.status.ok());
  EXPECT_TRUE(first.flow.rows.empty());
  EXPECT_THAT(Errors(first.flow), HasSubstr("1 sale_date: "));

  // A sheet the workbook does not have is an error of the file.
  mapping->sheet = "Sheet1";
  const FileResult missing = ReadFile(workbook, *mapping);
  EXPECT_EQ(missing.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(missing.status.message(),
            "xl/workbook.xml: has no sheet named 'Sheet1'; its sheets: 说明, 销售流向");
}

TEST(ReadFlowFile, AnUnreadableWorkbookIsAnErrorOfTheFile) {
  const std::string workbook = Workbook();
  const FileResult cut = ReadFile(absl::string_view(workbook).substr(0, workbook.size() - 40));
  EXPECT_EQ(cut.status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(cut.status.message()), HasSubstr("zip archive"));
  const FileResult docx = ReadFile(tabular::testing::ZipFiles({{"word/document.xml", "<w/>"}}));
  EXPECT_EQ(docx.status.message(),
            "xl/workbook.xml: not in the archive: this is no Excel .xlsx workbook");
}

TEST(ParseColumnMapping, NamesTheSheet) {
  absl::StatusOr<FlowColumnMapping> mapping = ParseColumnMapping("工作表 = 3月 流向 \n");
  ASSERT_TRUE(mapping.ok()) << mapping.status();
  EXPECT_EQ(mapping->sheet, "3月 流向");
  EXPECT_EQ(ParseColumnMapping("sheet=\n").status().message(), "line 1: no sheet name given");
  EXPECT_EQ(ParseColumnMapping("sheet=a\nSHEET=b\n").status().message(),
            "line 2: a second sheet ('b' after 'a')");
  EXPECT_EQ(ParseColumnMapping("").value().sheet, "");
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::channel
