// The rules of one flow row's cells (flow_rows.h): each bad input is an
// error naming the row's line, the column as written, and the reason.
#include <string>

#include "absl/strings/str_cat.h"
#include "domain/channel/flow_rows.h"
#include "domain/channel/money.h"
#include "domain/channel/flow_testing.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

using testing::Errors;
using testing::FlowResult;
using testing::ReadFlow;

constexpr absl::string_view kHeader = "销售日期,客户名称,产品名称,规格,批号,数量,单价,金额\n";
// A good row of kHeader, cell by cell.
constexpr absl::string_view kGood[] = {"2026-03-02", "北京协和医院", "阿托伐他汀钙片", "20mg*7片",
                                       "B2602011",   "120",          "45.80",          ""};

// kHeader and one row: the good row with `cell` (0-based) replaced.
std::string WithCell(int cell, absl::string_view value) {
  std::string row;
  for (int i = 0; i < 8; ++i) {
    absl::StrAppend(&row, i == 0 ? "" : ",", i == cell ? value : kGood[i]);
  }
  return absl::StrCat(kHeader, row, "\n");
}

// The errors of that row ("line field: reason" each), or the row's price.
std::string ErrorsWith(int cell, absl::string_view value, const FlowColumnMapping& mapping = {},
                       FlowReadOptions options = {}) {
  const FlowResult r = ReadFlow(WithCell(cell, value), mapping, options);
  EXPECT_EQ(r.rows.size() + (r.errors.empty() ? 0 : 1), 1u) << "each row reported once";
  return r.rows.empty() ? Errors(r) : absl::StrCat("ok ", r.rows[0].unit_price_fen());
}

enum Cell { kDate, kTerminal, kProduct, kSpec, kBatch, kQuantity, kPrice, kAmount };

TEST(FlowCells, TheGoodRowIsGood) { EXPECT_EQ(ErrorsWith(kAmount, ""), "ok 4580"); }

TEST(FlowCells, SaleDateIsADateInsideThePeriod) {
  EXPECT_EQ(ErrorsWith(kDate, "2026.03.31"), "ok 4580");
  EXPECT_EQ(ErrorsWith(kDate, "20260301 8:05"), "ok 4580");
  EXPECT_EQ(ErrorsWith(kDate, "2026-04-01"),
            "2 销售日期: '2026-04-01' is outside the file's period 2026-03\n");
  EXPECT_EQ(ErrorsWith(kDate, "2026-02-28 23:59:59"),
            "2 销售日期: '2026-02-28 23:59:59' is outside the file's period 2026-03\n");
  EXPECT_EQ(ErrorsWith(kDate, "2026-03-32"),
            "2 销售日期: '2026-03-32' is not a date of the calendar\n");
  EXPECT_EQ(ErrorsWith(kDate, "3月2日"), "2 销售日期: '3月2日' is not a date (YYYY-MM-DD)\n");
  EXPECT_EQ(ErrorsWith(kDate, "2026-03-02 noon"),
            "2 销售日期: '2026-03-02 noon' is not a date (YYYY-MM-DD)\n");
  EXPECT_EQ(ErrorsWith(kDate, " "), "2 销售日期: is empty; every row needs its 销售日期\n");
}

TEST(FlowCells, TerminalNameIsRequiredAndKeptAsWritten) {
  EXPECT_EQ(ErrorsWith(kTerminal, "\u3000"),
            "2 客户名称: is empty; every row needs its 客户名称\n");
  const FlowResult r = ReadFlow(WithCell(kTerminal, " 北京协和医院（东单院区） "));
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].terminal_name(), "北京协和医院（东单院区）");
}

TEST(FlowCells, AnUnknownOrAmbiguousProductNamesTheProductColumn) {
  EXPECT_EQ(ErrorsWith(kProduct, "阿莫西林胶囊"),
            "2 产品名称: no product '阿莫西林胶囊' in the catalogue (looked for a generic name, "
            "brand name or product id)\n");
  EXPECT_EQ(ErrorsWith(kSpec, "40mg*7片"),
            "2 产品名称: '阿托伐他汀钙片' has no specification '40mg*7片' in the catalogue (it has "
            "20mg*7片, 10mg*7片)\n");
  EXPECT_EQ(ErrorsWith(kSpec, ""),
            "2 产品名称: '阿托伐他汀钙片' is 2 products (P001 20mg*7片, P002 10mg*7片): the row "
            "needs its specification\n");
  EXPECT_EQ(ErrorsWith(kProduct, ""), "2 产品名称: is empty; every row needs its 产品名称\n");
  // The maker's product id also names the product.
  EXPECT_EQ(ErrorsWith(kProduct, "P001"), "ok 4580");
}

TEST(FlowCells, BatchIsRequiredUnlessTheMappingMakesItOptional) {
  EXPECT_EQ(ErrorsWith(kBatch, ""),
            "2 批号: is empty; every row needs its 批号 unless the distributor's mapping says "
            "optional=batch_no\n");
  FlowColumnMapping optional;
  optional.batch_no_optional = true;
  EXPECT_EQ(ErrorsWith(kBatch, "", optional), "ok 4580");
  // Without a batch column at all.
  const FlowResult r = ReadFlow(
      "销售日期,客户名称,产品名称,规格,数量,单价\n"
      "2026-03-02,北京协和医院,立普妥,20mg*7片,120,45.80\n",
      optional);
  ASSERT_EQ(r.rows.size(), 1u) << Errors(r);
  EXPECT_EQ(r.rows[0].batch_no(), "");
}

TEST(FlowCells, QuantityIsAWholeNumberOfPacksNotZero) {
  EXPECT_EQ(ErrorsWith(kQuantity, "-3"), "ok 4580");     // a return
  EXPECT_EQ(ErrorsWith(kQuantity, "12.00"), "ok 4580");  // as spreadsheets write it
  EXPECT_EQ(ErrorsWith(kQuantity, "１２"), "ok 4580");
  EXPECT_EQ(ErrorsWith(kQuantity, "0"),
            "2 数量: is 0: a row sells at least one pack (or, negative, takes back a return)\n");
  EXPECT_EQ(ErrorsWith(kQuantity, "-0.0"),
            "2 数量: is 0: a row sells at least one pack (or, negative, takes back a return)\n");
  for (const char* bad : {"1.5", "abc", "1,200", "1e3", "+5", ".5", "5."}) {
    EXPECT_EQ(ErrorsWith(kQuantity, absl::StrCat("\"", bad, "\"")),
              absl::StrCat("2 数量: '", bad, "' is not a whole number of packs\n"));
  }
  EXPECT_EQ(ErrorsWith(kQuantity, "10000001"),
            "2 数量: '10000001' is beyond 10000000 packs in one row\n");
  EXPECT_EQ(ErrorsWith(kQuantity, ""), "2 数量: is empty; every row needs its 数量\n");
}

TEST(FlowCells, UnitPriceIsYuanToTheFenAboveZero) {
  EXPECT_EQ(ErrorsWith(kPrice, "45.8"), "ok 4580");
  EXPECT_EQ(ErrorsWith(kPrice, "45.800"), "ok 4580");
  EXPECT_EQ(ErrorsWith(kPrice, "４５.８０"), "ok 4580");
  EXPECT_EQ(ErrorsWith(kPrice, "45"), "ok 4500");
  EXPECT_EQ(ErrorsWith(kPrice, "45.805"),
            "2 单价: '45.805' has more than 2 decimals (yuan to the fen)\n");
  EXPECT_EQ(ErrorsWith(kPrice, "0"), "2 单价: '0' must be above 0\n");
  EXPECT_EQ(ErrorsWith(kPrice, "-45.80"), "2 单价: '-45.80' must be above 0\n");
  EXPECT_EQ(ErrorsWith(kPrice, "¥45.80"),
            "2 单价: '¥45.80' is not an amount in yuan (e.g. 12.50)\n");
  EXPECT_EQ(ErrorsWith(kPrice, "10000000.01"),
            "2 单价: '10000000.01' is beyond 10000000.00 yuan a pack\n");
  EXPECT_EQ(ErrorsWith(kPrice, "99999999999999999999"),
            "2 单价: '99999999999999999999' is out of range\n");
}

TEST(FlowCells, APriceFarFromTheListPriceIsAnError) {
  // P001's list price is 48.50: 4.85..145.50 is allowed.
  EXPECT_EQ(ErrorsWith(kPrice, "4.85"), "ok 485");
  EXPECT_EQ(ErrorsWith(kPrice, "145.50"), "ok 14550");
  EXPECT_EQ(ErrorsWith(kPrice, "4.58"),
            "2 单价: 4.58 is below 10% of the list price 48.50 of P001 (allowed 4.85..145.50)\n");
  EXPECT_EQ(
      ErrorsWith(kPrice, "458.00"),
      "2 单价: 458.00 is above 300% of the list price 48.50 of P001 (allowed 4.85..145.50)\n");
  FlowReadOptions strict;
  strict.min_price_percent_of_list = 50;
  strict.max_price_percent_of_list = 120;
  EXPECT_EQ(ErrorsWith(kPrice, "20.00", {}, strict),
            "2 单价: 20.00 is below 50% of the list price 48.50 of P001 (allowed 24.25..58.20)\n");
  EXPECT_EQ(
      ErrorsWith(kPrice, "145.50", {}, strict),
      "2 单价: 145.50 is above 120% of the list price 48.50 of P001 (allowed 24.25..58.20)\n");
  // A product without a list price is not checked.
  static const CatalogueResolver* const kNoList =
      new CatalogueResolver({testing::MakeProduct("P009", "某药", "", "1片", 0)});
  FlowFileReader reader({}, absl::CivilMonth(2026, 3), *kNoList);
  FlowResult r;
  reader.Feed("日期,客户名称,品名,批号,数量,单价\n2026-03-02,某医院,某药,B1,1,0.01\n", &r.rows,
              &r.errors);
  reader.Finish(&r.rows, &r.errors);
  EXPECT_EQ(r.rows.size(), 1u) << Errors(r);
}

TEST(FlowCells, TheAmountMustAgreeWithPriceTimesQuantityWithinAFenAPack) {
  // 120 x 45.80 = 5496.00; 120 packs allow 1.20 either way.
  EXPECT_EQ(ErrorsWith(kAmount, "5496.00"), "ok 4580");
  EXPECT_EQ(ErrorsWith(kAmount, "5497.20"), "ok 4580");
  EXPECT_EQ(ErrorsWith(kAmount, "5494.80"), "ok 4580");
  EXPECT_EQ(ErrorsWith(kAmount, "5497.21"),
            "2 金额: 金额 5497.21 does not agree with 单价 45.80 x 数量 120 = 5496.00 (they may "
            "differ by 1 fen a pack, 1.20 here)\n");
  EXPECT_EQ(ErrorsWith(kAmount, "-5496.00"),
            "2 金额: 金额 -5496.00 does not agree with 单价 45.80 x 数量 120 = 5496.00 (they may "
            "differ by 1 fen a pack, 1.20 here)\n");
  EXPECT_EQ(ErrorsWith(kAmount, "\"5,496.00\""),
            "2 金额: '5,496.00' is not an amount in yuan (e.g. 12.50)\n");
}

TEST(FlowCells, WithoutAUnitPriceTheAmountGivesIt) {
  auto row = [](absl::string_view quantity, absl::string_view amount) {
    return ReadFlow(absl::StrCat(kHeader, "2026-03-02,北京协和医院,立普妥,20mg*7片,B2602011,",
                                 quantity, ",,", amount, "\n"));
  };
  FlowResult r = row("3", "137.40");
  ASSERT_EQ(r.rows.size(), 1u) << Errors(r);
  EXPECT_EQ(r.rows[0].unit_price_fen(), 4580);
  EXPECT_EQ(row("3", "137.39").rows[0].unit_price_fen(), 4580);   // 45.7966 → 45.80
  EXPECT_EQ(row("2", "91.61").rows[0].unit_price_fen(), 4581);    // 45.805 → 45.81 (half up)
  EXPECT_EQ(row("-2", "-91.61").rows[0].unit_price_fen(), 4581);  // a return
  EXPECT_EQ(Errors(row("2", "-91.60")),
            "2 金额: 金额 -91.60 / 数量 2 gives the unit price -45.80, which must be above 0\n");
  EXPECT_EQ(Errors(row("3", "0.01")),
            "2 金额: 金额 0.01 / 数量 3 gives the unit price 0.00, which must be above 0\n");
  EXPECT_EQ(Errors(row("1", "10000000.01")),
            "2 金额: 金额 10000000.01 / 数量 1 gives the unit price 10000000.01, beyond "
            "10000000.00\n");
  // The list price check names the amount, whose price it is.
  EXPECT_EQ(Errors(row("10", "30.00")),
            "2 金额: the unit price 3.00 is below 10% of the list price 48.50 of P001 (allowed "
            "4.85..145.50)\n");
  EXPECT_EQ(Errors(row("10", "")), "2 单价: is empty; every row needs its 单价 or 金额\n");
  // A bad quantity leaves the price unknown, without a second error.
  EXPECT_EQ(Errors(row("x", "30.00")), "2 数量: 'x' is not a whole number of packs\n");
}

TEST(FlowCells, AFileWithOnlyAnAmountColumnNamesItForAnEmptyPrice) {
  const FlowResult r = ReadFlow(
      "日期,客户名称,品名,规格,批号,数量,含税金额\n"
      "2026-03-02,北京协和医院,立普妥,20mg*7片,B2602011,3,\n");
  EXPECT_EQ(Errors(r), "2 含税金额: is empty; every row needs its 含税金额\n");
}

TEST(FlowCells, EveryBadCellOfARowIsReportedTogether) {
  const FlowResult r = ReadFlow(
      absl::StrCat(kHeader,
                   "2026-05-01,,阿莫西林胶囊,,,0,abc,\n"
                   "2026-03-02,北京协和医院,阿托伐他汀钙片,20mg*7片,B2602011,120,45.80,\n"));
  ASSERT_EQ(r.rows.size(), 1u);
  EXPECT_EQ(r.rows[0].line(), 3);
  EXPECT_EQ(Errors(r),
            "2 销售日期: '2026-05-01' is outside the file's period 2026-03\n"
            "2 客户名称: is empty; every row needs its 客户名称\n"
            "2 产品名称: no product '阿莫西林胶囊' in the catalogue (looked for a generic name, "
            "brand name or product id)\n"
            "2 批号: is empty; every row needs its 批号 unless the distributor's mapping says "
            "optional=batch_no\n"
            "2 数量: is 0: a row sells at least one pack (or, negative, takes back a return)\n"
            "2 单价: 'abc' is not an amount in yuan (e.g. 12.50)\n");
}

TEST(FlowCells, NumberParsersNameTheirField) {
  EXPECT_EQ(*ParseYuan("12.5", "单价"), 1250);
  EXPECT_EQ(*ParseYuan("-0.07", "金额"), -7);
  EXPECT_EQ(*ParseYuan("007.10", "金额"), 710);
  EXPECT_EQ(*ParseYuan("100000000000000.00", "金额"), 10'000'000'000'000'000);
  EXPECT_EQ(core::FieldOf(ParseYuan("100000000000000.01", "金额").status()), "金额");
  EXPECT_EQ(core::FieldOf(ParseYuan("1.2.3", "金额").status()), "金额");
  EXPECT_EQ(*ParsePacks("0012", "数量"), 12);
  EXPECT_EQ(*ParsePacks("-10000000", "数量"), -kMaxPacksPerRow);
  EXPECT_EQ(ParsePacks("", "数量").status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(YuanDigits(0), "0.00");
  EXPECT_EQ(YuanDigits(-5), "-0.05");
  EXPECT_EQ(YuanDigits(192630000), "1926300.00");
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::channel
