#include "domain/channel/flow_mapping.h"

#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

std::vector<std::string> Cells(std::initializer_list<const char*> cells) {
  return std::vector<std::string>(cells.begin(), cells.end());
}

const std::vector<std::string> kStandardHeader =
    Cells({"销售日期", "客户名称", "产品名称", "规格", "批号", "数量", "单价"});

// The problems of a header, "field: reason" a line.
std::string Problems(const std::vector<std::string>& header,
                     const FlowColumnMapping& mapping = {}) {
  FlowColumns columns;
  std::string out;
  for (const absl::Status& s : ResolveHeaderProblems(header, mapping, &columns)) {
    out += std::string(s.message()) + "\n";
  }
  return out;
}

FlowColumnMapping Mapping(absl::string_view text) {
  absl::StatusOr<FlowColumnMapping> mapping = ParseColumnMapping(text);
  EXPECT_TRUE(mapping.ok()) << mapping.status();
  return mapping.ok() ? *mapping : FlowColumnMapping{};
}

TEST(FlowText, TrimsAsciiFullWidthAndNoBreakSpacesAndTheByteOrderMark) {
  EXPECT_EQ(TrimCell("  销售日期\t"), "销售日期");
  EXPECT_EQ(TrimCell("\u3000客户名称\u3000\u3000"), "客户名称");
  EXPECT_EQ(TrimCell("\xEF\xBB\xBF销售日期"), "销售日期");
  EXPECT_EQ(TrimCell("\u00A0批号 "), "批号");
  EXPECT_EQ(TrimCell("北京 协和"), "北京 协和");  // inside is kept
  EXPECT_EQ(TrimCell("\u3000"), "");
  EXPECT_EQ(TrimCell("ab\xE3\x80"), "ab\xE3\x80");  // a cut character is not a space
}

TEST(FlowText, ValidUtf8) {
  EXPECT_TRUE(IsValidUtf8("阿托伐他汀 10mg×7"));
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x92\x8A"));
  EXPECT_FALSE(IsValidUtf8("\xB1\xB1\xBE\xA9"));  // 北京 in GBK
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));          // overlong "/"
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));      // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));  // above U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xE5\x8C"));          // cut short
}

TEST(FlowText, FoldsWidthCaseSpacesAndTimesSigns) {
  EXPECT_EQ(FoldText("10mg×28片"), "10mg*28片");
  EXPECT_EQ(FoldText("10MG*28片"), "10mg*28片");
  EXPECT_EQ(FoldText("１０ｍｇ＊２８片"), "10mg*28片");
  EXPECT_EQ(FoldText(" 10 mg ✕ 28片\u3000"), "10mg*28片");
  EXPECT_EQ(FoldText("阿托伐他汀钙片（立普妥）"), "阿托伐他汀钙片(立普妥)");
  EXPECT_EQ(FoldText("\xB1\xB1"), "\xB1\xB1");  // bad bytes kept
  EXPECT_EQ(HeaderKey(" Sale_Date "), "saledate");
  EXPECT_EQ(HeaderKey("SALE DATE"), "saledate");
  EXPECT_EQ(HeaderKey("ｓａｌｅ－ｄａｔｅ"), "saledate");
}

TEST(FlowMapping, EveryBuiltInAliasMeansItsField) {
  const absl::StatusOr<FlowColumns> standard = ResolveHeader(kStandardHeader, {});
  ASSERT_TRUE(standard.ok()) << standard.status();
  for (FlowField f : AllFlowFields()) {
    for (absl::string_view alias : FieldAliases(f)) {
      // The alias in place of the field's column, or added.
      std::vector<std::string> header = kStandardHeader;
      if (standard->Has(f)) {
        header[standard->Index(f)] = std::string(alias);
      } else {
        header.emplace_back(alias);
      }
      absl::StatusOr<FlowColumns> columns = ResolveHeader(header, {});
      ASSERT_TRUE(columns.ok()) << alias << ": " << columns.status();
      ASSERT_TRUE(columns->Has(f)) << alias;
      EXPECT_EQ(columns->Header(f), alias);
    }
  }
  EXPECT_EQ(FieldName(FlowField::kTerminalName), "terminal_name");
  EXPECT_EQ(FieldLabel(FlowField::kTerminalName), "客户名称");
}

TEST(FlowMapping, ResolvesTheStandardHeaderIgnoringOtherAndEmptyColumns) {
  absl::StatusOr<FlowColumns> columns =
      ResolveHeader(Cells({"\xEF\xBB\xBF销售日期", "　客户名称　", "客户编码", "备注", "",
                           " Product_Name ", "规格", "批号", "数量", "单价", "金额", "备注"}),
                    {});
  ASSERT_TRUE(columns.ok()) << columns.status();
  EXPECT_EQ(columns->Index(FlowField::kSaleDate), 0);
  EXPECT_EQ(columns->Header(FlowField::kSaleDate), "销售日期");
  EXPECT_EQ(columns->Index(FlowField::kTerminalName), 1);
  EXPECT_EQ(columns->Header(FlowField::kTerminalName), "客户名称");
  EXPECT_EQ(columns->Index(FlowField::kTerminalCode), 2);
  EXPECT_EQ(columns->Index(FlowField::kProductName), 5);
  EXPECT_EQ(columns->Header(FlowField::kProductName), "Product_Name");
  EXPECT_EQ(columns->Index(FlowField::kAmount), 10);
  EXPECT_FALSE(columns->Has(FlowField::kTerminalAddress));
  EXPECT_EQ(columns->Header(FlowField::kTerminalAddress), "");
  EXPECT_EQ(columns->headers.size(), 12u);
}

TEST(FlowMapping, MissingRequiredColumnsNameWhatWasLookedFor) {
  EXPECT_EQ(Problems(Cells({"客户名称", "产品名称", "批号", "数量", "单价"})),
            "sale_date: no column for 销售日期 (sale_date); looked for 销售日期, 日期, 单据日期, "
            "sale_date, date\n");
  EXPECT_EQ(Problems(Cells({"日期", "产品名称", "批号", "单价"})),
            "terminal_name: no column for 客户名称 (terminal_name); looked for 客户名称, 购货单位, "
            "终端名称, customer_name, terminal_name, customer\n"
            "quantity: no column for 数量 (quantity); looked for 数量, 销售数量, quantity, qty\n");
  EXPECT_EQ(Problems(Cells({"日期", "客户名称", "批号", "数量", "单价"})),
            "product_name: no column for 产品名称 (product_name); looked for 产品名称, 品名, "
            "药品名称, 通用名, product_name, product\n");
  EXPECT_EQ(
      Problems(Cells({"日期", "客户名称", "品名", "批号", "数量"})),
      "unit_price: no column for 单价 (unit_price) or 金额 (amount); looked for 单价, 含税单价, "
      "unit_price, price, 金额, 含税金额, amount\n");
  // The amount alone will do: the unit price comes from it.
  EXPECT_EQ(Problems(Cells({"日期", "客户名称", "品名", "批号", "数量", "金额"})), "");
}

TEST(FlowMapping, TheBatchColumnIsRequiredUnlessTheMappingMakesItOptional) {
  const std::vector<std::string> header = Cells({"日期", "客户名称", "品名", "数量", "单价"});
  const std::string problems = Problems(header);
  EXPECT_TRUE(absl::StartsWith(problems,
                               "batch_no: no column for 批号 (batch_no); looked for 批号, "
                               "生产批号, batch_no, batch, lot"))
      << problems;
  EXPECT_TRUE(absl::StrContains(problems, "optional=batch_no")) << problems;
  EXPECT_EQ(Problems(header, Mapping("optional=batch_no")), "");
}

TEST(FlowMapping, AHeaderNamedTwiceIsAnErrorOnlyForAColumnThatIsRead) {
  std::vector<std::string> header = kStandardHeader;
  header.push_back("数量");
  header.push_back("备注");
  header.push_back("备注");
  FlowColumns columns;
  std::vector<absl::Status> problems = ResolveHeaderProblems(header, {}, &columns);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(core::FieldOf(problems[0]), "数量");
  EXPECT_EQ(problems[0].message(), "数量: named twice (columns 6 and 8)");
  // Names compare by their key: "Qty" and "QTY" are one name.
  EXPECT_EQ(Problems(Cells({"日期", "客户名称", "品名", "批号", "Qty", "单价", "QTY "})),
            "QTY: named twice (columns 5 and 7)\n");
}

TEST(FlowMapping, TwoColumnsMeaningOneFieldAreAmbiguous) {
  FlowColumns columns;
  std::vector<absl::Status> problems = ResolveHeaderProblems(
      Cells({"日期", "客户名称", "品名", "批号", "数量", "单价", "单据日期"}), {}, &columns);
  ASSERT_EQ(problems.size(), 1u);
  EXPECT_EQ(core::FieldOf(problems[0]), "sale_date");
  EXPECT_EQ(problems[0].message(),
            "sale_date: ambiguous: columns 1 (日期) and 7 (单据日期) both mean 销售日期; name the "
            "one to read in the distributor's mapping (e.g. 销售日期=单据日期)");
  // ResolveHeader answers with the first problem.
  absl::StatusOr<FlowColumns> first = ResolveHeader(
      Cells({"日期", "客户名称", "品名", "批号", "数量", "单价", "单据日期", "单据日期"}), {});
  EXPECT_EQ(first.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(core::FieldOf(first.status()), "sale_date");
}

TEST(FlowMapping, AnUnreadableHeaderCellPointsToGb18030) {
  std::vector<std::string> header = kStandardHeader;
  header[1] = "\xBF\xCD\xBB\xA7\xC3\xFB\xB3\xC6";  // 客户名称 in GBK
  FlowColumns columns;
  std::vector<absl::Status> problems = ResolveHeaderProblems(header, {}, &columns);
  ASSERT_EQ(problems.size(), 2u);
  EXPECT_EQ(core::FieldOf(problems[0]), "column 2");
  EXPECT_TRUE(absl::StrContains(problems[0].message(), "--encoding=gb18030"));
  EXPECT_EQ(core::FieldOf(problems[1]), "terminal_name");
}

TEST(FlowMapping, TheMappingOverridesTheAliasesOfTheFieldsItNames) {
  const FlowColumnMapping mapping = Mapping("销售日期=出库日期\n数量=发货数量\n");
  // 日期 is the invoice date in this distributor's files: not read.
  absl::StatusOr<FlowColumns> columns = ResolveHeader(
      Cells({"日期", "出库日期", "客户名称", "品名", "批号", "发货数量", "数量", "单价"}), mapping);
  ASSERT_TRUE(columns.ok()) << columns.status();
  EXPECT_EQ(columns->Index(FlowField::kSaleDate), 1);
  EXPECT_EQ(columns->Index(FlowField::kQuantity), 5);
  EXPECT_EQ(columns->Index(FlowField::kTerminalName), 2);  // not named: the aliases
  // A missing mapped column names the mapping's header, not the aliases.
  EXPECT_EQ(Problems(Cells({"销售日期", "客户名称", "品名", "批号", "发货数量", "单价"}), mapping),
            "sale_date: no column for 销售日期 (sale_date); looked for 出库日期\n");
}

TEST(FlowMapping, AHeaderTheMappingGivesToOneFieldMeansNoOther) {
  // This distributor writes the specification under 品名 and the name
  // under 通用名称.
  const FlowColumnMapping mapping = Mapping("specification=品名\nproduct_name=通用名称");
  absl::StatusOr<FlowColumns> columns = ResolveHeader(
      Cells({"日期", "客户名称", "通用名称", "品名", "批号", "数量", "单价"}), mapping);
  ASSERT_TRUE(columns.ok()) << columns.status();
  EXPECT_EQ(columns->Index(FlowField::kProductName), 2);
  EXPECT_EQ(columns->Index(FlowField::kSpecification), 3);
}

TEST(FlowMapping, TwoHeadersOfOneFieldAreAlternatives) {
  const FlowColumnMapping mapping = Mapping("数量=发货数量\n数量=出库数量");
  EXPECT_EQ(mapping.headers[static_cast<int>(FlowField::kQuantity)],
            (std::vector<std::string>{"发货数量", "出库数量"}));
  EXPECT_EQ(Problems(Cells({"日期", "客户名称", "品名", "批号", "出库数量", "单价"}), mapping), "");
  EXPECT_TRUE(absl::StrContains(
      Problems(Cells({"日期", "客户名称", "品名", "批号", "出库数量", "单价", "发货数量"}),
               mapping),
      "quantity: ambiguous: columns 5 (出库数量) and 7 (发货数量) both mean 数量"));
}

TEST(FlowMapping, ParsesTheTextForm) {
  absl::StatusOr<FlowColumnMapping> mapping = ParseColumnMapping(
      "# 国药控股北京有限公司\r\n"
      "\r\n"
      "销售日期 = 出库日期\r\n"
      "qty＝发货数量\r\n"
      "  Terminal_Code=单位编码  \r\n"
      "optional = 批号\r\n"
      "日期=出库日期\r\n");  // the same header again: harmless
  ASSERT_TRUE(mapping.ok()) << mapping.status();
  EXPECT_EQ(mapping->headers[static_cast<int>(FlowField::kSaleDate)],
            (std::vector<std::string>{"出库日期"}));
  EXPECT_EQ(mapping->headers[static_cast<int>(FlowField::kQuantity)],
            (std::vector<std::string>{"发货数量"}));
  EXPECT_EQ(mapping->headers[static_cast<int>(FlowField::kTerminalCode)],
            (std::vector<std::string>{"单位编码"}));
  EXPECT_TRUE(mapping->batch_no_optional);
  EXPECT_TRUE(mapping->headers[static_cast<int>(FlowField::kProductName)].empty());
  absl::StatusOr<FlowColumnMapping> empty = ParseColumnMapping("");
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->batch_no_optional);
}

TEST(FlowMapping, RefusesABadLineNamingIt) {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"销售日期=出库日期\n数量 发货数量", "line 2: '数量 发货数量' is not <field>=<header>"},
      {"# c\n售价=单价",
       "line 2: unknown field '售价'; expected one of sale_date, terminal_name, terminal_code, "
       "terminal_address, product_name, specification, batch_no, quantity, unit_price, amount, "
       "a Chinese name such as 销售日期, or optional"},
      {"数量=", "line 1: no header given for quantity"},
      {"数量= _ ", "line 1: no header given for quantity"},
      {"数量=发货数量\n\n单价=发货数量",
       "line 3: '发货数量' is already the header of quantity (line 1)"},
      {"optional=数量",
       "line 1: '数量' cannot be made optional: only batch_no can (terminal_code, "
       "terminal_address, specification, unit_price and amount are optional anyway)"},
      {"数量=\xB7\xA2\xBB\xF5", "line 1: not valid UTF-8: save the mapping as UTF-8"},
  };
  for (const Case& c : cases) {
    absl::StatusOr<FlowColumnMapping> mapping = ParseColumnMapping(c.text);
    ASSERT_FALSE(mapping.ok()) << c.text;
    EXPECT_EQ(mapping.status().code(), absl::StatusCode::kInvalidArgument);
    EXPECT_EQ(mapping.status().message(), c.message);
    EXPECT_TRUE(absl::StartsWith(c.message, *core::FieldOf(mapping.status())));
  }
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::channel
