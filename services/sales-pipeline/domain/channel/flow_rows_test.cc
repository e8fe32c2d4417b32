// The flow file as a whole: the sample files of docs/SALES_CHANNEL.md,
// chunking, the header, limits and encoding. The rules of one row's cells
// are in flow_cells_test.cc.
#include "domain/channel/flow_rows.h"

#include <limits>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "domain/channel/flow_testing.h"
#include "gtest/gtest.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

using testing::Describe;
using testing::Errors;
using testing::FlowResult;
using testing::ReadFlow;
using testing::ReadFlowChunks;

// A distributor's flow for March 2026, with the standard Chinese headers.
constexpr absl::string_view kSampleFlow =
    "销售日期,客户名称,产品名称,规格,批号,数量,单价\n"
    "2026-03-02,北京协和医院,阿托伐他汀钙片,20mg*7片,B2602011,120,45.80\n"
    "2026-03-09,北京同仁堂王府井药店,立普妥,10mg×7片,B2601157,30,27.50\n"
    "2026/3/16,首都医科大学附属北京朝阳医院,苯磺酸氨氯地平片,5mg*28片,A2512203,200,58.00\n"
    "2026-03-23,北京协和医院,阿托伐他汀钙片,20MG*7片,B2602011,-10,45.80\n"
    "2026-03-30,北京医药股份有限公司,盐酸二甲双胍缓释片,0.5g*30片,M2602001,60,30.00\n";

TEST(FlowFileReader, ReadsTheSampleFlow) {
  const FlowResult r = ReadFlow(kSampleFlow);
  ASSERT_EQ(r.errors.size(), 0u) << Errors(r);
  ASSERT_EQ(r.rows.size(), 5u);
  const v1::FlowRow& first = r.rows[0];
  EXPECT_EQ(first.line(), 2);
  EXPECT_EQ(first.sale_date(), "2026-03-02");
  EXPECT_EQ(first.terminal_name(), "北京协和医院");
  EXPECT_EQ(first.product_name(), "阿托伐他汀钙片");
  EXPECT_EQ(first.specification(), "20mg*7片");
  EXPECT_EQ(first.batch_no(), "B2602011");
  EXPECT_EQ(first.quantity(), 120);
  EXPECT_EQ(first.unit_price_fen(), 4580);
  EXPECT_EQ(first.product_id(), "P001");
  EXPECT_EQ(first.terminal_id(), "");                // resolved later, against customer-master
  EXPECT_EQ(r.rows[1].product_id(), "P002");         // by brand, "×"
  EXPECT_EQ(r.rows[1].specification(), "10mg×7片");  // kept as written
  EXPECT_EQ(r.rows[2].sale_date(), "2026-03-16");
  EXPECT_EQ(r.rows[2].product_id(), "P003");
  EXPECT_EQ(r.rows[3].quantity(), -10);  // a return from the hospital
  EXPECT_EQ(r.rows[3].product_id(), "P001");
  EXPECT_EQ(r.rows[4].product_id(), "P004");
  EXPECT_EQ(r.rows[4].line(), 6);

  const FlowTotals totals = Summarise(r.rows);
  EXPECT_EQ(totals.row_count, 5);
  EXPECT_EQ(totals.quantity, 400);
  EXPECT_EQ(totals.amount_fen, 1926300);  // 19,263.00 yuan
}

// The same month from a distributor with its own column names, read
// through its mapping; it reports amounts (含税金额), not unit prices.
constexpr absl::string_view kDistributorMapping =
    "# 国药控股北京有限公司\n"
    "销售日期=出库日期\n"
    "客户名称=单位名称\n"
    "客户编码=单位编码\n"
    "地址=收货地址\n"
    "产品名称=商品名称\n"
    "规格=商品规格\n"
    "数量=发货数量\n";

constexpr absl::string_view kDistributorFlow =
    "出库日期,单位名称,单位编码,收货地址,商品名称,商品规格,生产批号,发货数量,含税金额,备注\n"
    "2026-03-05 00:00:00,北京市海淀医院,HD0012,北京市海淀区中关村大街29号,立普妥,20mg×7片,"
    "B2602011,50,2290.00,\n"
    "2026-03-18 14:30:00,北京市海淀医院,HD0012,北京市海淀区中关村大街29号,络活喜,5mg*28片,"
    "A2512203,3,175.00,补货\n"
    "2026-03-27 09:12:45,北京市海淀医院,HD0012,北京市海淀区中关村大街29号,立普妥,20mg×7片,"
    "B2602011,-5,-229.00,退货\n";

TEST(FlowFileReader, ReadsADistributorsOwnHeadersThroughItsMapping) {
  absl::StatusOr<FlowColumnMapping> mapping = ParseColumnMapping(kDistributorMapping);
  ASSERT_TRUE(mapping.ok()) << mapping.status();
  const FlowResult r = ReadFlow(kDistributorFlow, *mapping);
  ASSERT_EQ(r.errors.size(), 0u) << Errors(r);
  ASSERT_EQ(r.rows.size(), 3u);
  const v1::FlowRow& first = r.rows[0];
  EXPECT_EQ(first.sale_date(), "2026-03-05");  // the time of day dropped
  EXPECT_EQ(first.terminal_name(), "北京市海淀医院");
  EXPECT_EQ(first.terminal_code(), "HD0012");
  EXPECT_EQ(first.terminal_address(), "北京市海淀区中关村大街29号");
  EXPECT_EQ(first.product_id(), "P001");
  EXPECT_EQ(first.batch_no(), "B2602011");
  EXPECT_EQ(first.quantity(), 50);
  EXPECT_EQ(first.unit_price_fen(), 4580);      // 2290.00 / 50
  EXPECT_EQ(r.rows[1].unit_price_fen(), 5833);  // 175.00 / 3, rounded to the fen
  EXPECT_EQ(r.rows[2].quantity(), -5);
  EXPECT_EQ(r.rows[2].unit_price_fen(), 4580);  // -229.00 / -5

  // Without the mapping the same file has none of the required columns
  // but the batch (生产批号) and the amount (含税金额).
  const FlowResult unmapped = ReadFlow(kDistributorFlow);
  EXPECT_EQ(unmapped.rows.size(), 0u);
  ASSERT_EQ(unmapped.errors.size(), 4u + 3u) << Errors(unmapped);
  EXPECT_EQ(unmapped.errors[0].field, "sale_date");
  EXPECT_EQ(unmapped.errors[3].field, "quantity");
  EXPECT_EQ(unmapped.errors[4].line, 2);
  EXPECT_EQ(unmapped.errors[4].reason, "not read: the header on line 1 is invalid");
}

// BOM, CRLF, a quoted address with a comma and a line break, quotes inside
// quotes, blank and empty rows, a bad row, a CR line end and an
// unterminated quote at the end.
constexpr absl::string_view kMixedFlow =
    "\xEF\xBB\xBF销售日期,客户名称,地址,产品名称,规格,批号,数量,单价\r\n"
    "2026-03-02,北京协和医院,\"北京市东城区帅府园1号,\r\n门诊楼\",阿托伐他汀钙片,20mg*7片,"
    "B2602011,120,45.80\r\n"
    "\r\n"
    ",,,,,,,\r\n"
    "2026-04-01,北京协和医院,,立普妥,10mg×7片,B2601157,30,27.50\r"
    "2026-03-16,\"首都医科大学附属\"\"朝阳\"\"医院\",,络活喜,5mg*28片,A2512203,200,58.00\n"
    "2026-03-20,北京医药,,格华止,0.5g*30片,M2602001,60,\"30.00\n";

TEST(FlowFileReader, ChunksOfEverySizeGiveTheSameResult) {
  const FlowResult whole = ReadFlow(kMixedFlow);
  ASSERT_EQ(whole.rows.size(), 2u) << Describe(whole);
  EXPECT_EQ(whole.rows[0].line(), 2);
  EXPECT_EQ(whole.rows[0].terminal_address(), "北京市东城区帅府园1号,\r\n门诊楼");
  EXPECT_EQ(whole.rows[1].line(), 7);
  EXPECT_EQ(whole.rows[1].terminal_name(), "首都医科大学附属\"朝阳\"医院");
  EXPECT_EQ(Errors(whole),
            "6 销售日期: '2026-04-01' is outside the file's period 2026-03\n"
            "8 单价: unterminated quoted field (the quote opened on line 8)\n");
  const std::string expected = Describe(whole);

  const absl::string_view input = kMixedFlow;
  for (size_t size = 1; size <= input.size(); ++size) {
    std::vector<absl::string_view> chunks;
    for (size_t at = 0; at < input.size(); at += size) chunks.push_back(input.substr(at, size));
    ASSERT_EQ(Describe(ReadFlowChunks(chunks)), expected) << "chunks of " << size << " bytes";
  }
  for (size_t at = 0; at <= input.size(); ++at) {
    ASSERT_EQ(Describe(ReadFlowChunks({input.substr(0, at), "", input.substr(at)})), expected)
        << "split at byte " << at;
  }
}

TEST(FlowFileReader, AFileWithoutAHeaderIsAnErrorOnLineOne) {
  for (absl::string_view input : {absl::string_view(""), absl::string_view("\xEF\xBB\xBF"),
                                  absl::string_view("\r\n\r\n,,,\n")}) {
    const FlowResult r = ReadFlow(input);
    EXPECT_EQ(r.rows.size(), 0u);
    ASSERT_EQ(r.errors.size(), 1u) << Errors(r);
    EXPECT_EQ(r.errors[0].line, 1);
    EXPECT_EQ(r.errors[0].field, "");
    EXPECT_TRUE(absl::StartsWith(r.errors[0].reason, "no header line")) << r.errors[0].reason;
  }
  // The start of a byte order mark alone is no mark: a header cell that
  // is not UTF-8.
  const FlowResult cut = ReadFlow("\xEF\xBB");
  ASSERT_GE(cut.errors.size(), 1u);
  EXPECT_EQ(cut.errors[0].field, "column 1");
  // A header and no rows is a month without sales, not an error.
  const FlowResult empty = ReadFlow("销售日期,客户名称,产品名称,批号,数量,单价\n");
  EXPECT_EQ(empty.errors.size(), 0u) << Errors(empty);
  EXPECT_EQ(empty.rows.size(), 0u);
}

TEST(FlowFileReader, AnInvalidHeaderRejectsEveryRow) {
  const FlowResult r = ReadFlow(
      "\n"
      "日期,客户名称,产品名称,批号,数量,数量\n"
      "2026-03-02,北京协和医院,阿托伐他汀钙片,B2602011,120,120\n"
      "2026-03-03,北京协和医院,阿托伐他汀钙片,B2602011,20,20\n");
  EXPECT_EQ(r.rows.size(), 0u);
  EXPECT_EQ(Errors(r),
            "2 数量: named twice (columns 5 and 6)\n"
            "2 unit_price: no column for 单价 (unit_price) or 金额 (amount); looked for 单价, "
            "含税单价, unit_price, price, 金额, 含税金额, amount\n"
            "3 : not read: the header on line 2 is invalid\n"
            "4 : not read: the header on line 2 is invalid\n");
}

TEST(FlowFileReader, InvalidUtf8RejectsTheRowAndPointsToGb18030) {
  // 北京协和医院 as GBK, in an otherwise UTF-8 file.
  const std::string input =
      absl::StrCat("销售日期,客户名称,产品名称,规格,批号,数量,单价,备注\n",
                   "2026-03-02,\xB1\xB1\xBE\xA9\xD0\xAD\xBA\xCD\xD2\xBD\xD4\xBA,阿托伐他汀钙片,"
                   "20mg*7片,B2602011,"
                   "120,45.80,\n",
                   // An unread column may hold anything.
                   "2026-03-03,北京协和医院,阿托伐他汀钙片,20mg*7片,B2602011,120,45.80,\xB1\xB8\n");
  const FlowResult r = ReadFlow(input);
  ASSERT_EQ(r.rows.size(), 1u) << Describe(r);
  EXPECT_EQ(r.rows[0].line(), 3);
  EXPECT_EQ(Errors(r),
            "2 客户名称: not valid UTF-8: the file is probably GBK; read it with "
            "--encoding=gb18030\n");
  // A GBK header: the user hears about the encoding first.
  const FlowResult gbk = ReadFlow("\xCF\xFA\xCA\xDB\xC8\xD5\xC6\xDA,数量\n2026-03-02,1\n");
  ASSERT_GE(gbk.errors.size(), 1u);
  EXPECT_EQ(gbk.errors[0].field, "column 1");
  EXPECT_TRUE(absl::StrContains(gbk.errors[0].reason, "--encoding=gb18030"));
  EXPECT_EQ(gbk.errors.back().reason, "not read: the header on line 1 is invalid");
}

TEST(FlowFileReader, ARowMustHaveTheHeadersFieldCount) {
  const FlowResult r = ReadFlow(
      "销售日期,客户名称,产品名称,规格,批号,数量,单价\n"
      "2026-03-02,北京协和医院,阿托伐他汀钙片,20mg*7片,B2602011,120\n"
      "2026-03-02,北京协和医院,阿托伐他汀钙片,20mg*7片,B2602011,120,45.80,\n");
  EXPECT_EQ(r.rows.size(), 0u);
  EXPECT_EQ(Errors(r),
            "2 : has 6 fields, but the header has 7\n"
            "3 : has 8 fields, but the header has 7\n");
}

TEST(FlowFileReader, ARecordBeyondTheLimitsIsRejectedAndReadingGoesOn) {
  const std::string good = "2026-03-02,北京协和医院,阿托伐他汀钙片,20mg*7片,B2602011,120,45.80\n";
  const std::string input = absl::StrCat("销售日期,客户名称,产品名称,规格,批号,数量,单价\n",
                                         "2026-03-02,", std::string((size_t{1} << 20) + 1, 'x'),
                                         ",x,x,x,x,x\n", good, std::string(4096, ','), "\n", good);
  const FlowResult r = ReadFlow(input);
  ASSERT_EQ(r.rows.size(), 2u) << Errors(r);
  EXPECT_EQ(r.rows[0].line(), 3);
  EXPECT_EQ(r.rows[1].line(), 5);
  EXPECT_EQ(Errors(r),
            "2 : longer than 1048576 bytes or 4096 fields (an unterminated quote?)\n"
            "4 : longer than 1048576 bytes or 4096 fields (an unterminated quote?)\n");
}

TEST(FlowFileReader, AHeaderBeyondTheLimitsMakesTheFileUnreadable) {
  const FlowResult r = ReadFlow(
      absl::StrCat(std::string(5000, ','), "\n",
                   "2026-03-02,北京协和医院,阿托伐他汀钙片,20mg*7片,B2602011,120,45.80\n"));
  EXPECT_EQ(r.rows.size(), 0u);
  EXPECT_EQ(Errors(r),
            "1 : longer than 1048576 bytes or 4096 fields (an unterminated quote?)\n"
            "2 : not read: the header on line 1 is invalid\n");
}

TEST(FlowFileReader, FinishEndsTheFileOnce) {
  static const CatalogueResolver* const kResolver = new CatalogueResolver(testing::Catalogue());
  FlowFileReader reader({}, absl::CivilMonth(2026, 3), *kResolver);
  std::vector<v1::FlowRow> rows;
  std::vector<FlowRowError> errors;
  reader.Feed(kSampleFlow.substr(0, kSampleFlow.size() - 1), &rows, &errors);  // no final LF
  EXPECT_EQ(rows.size(), 4u);
  reader.Finish(&rows, &errors);
  EXPECT_EQ(rows.size(), 5u);
  reader.Feed(kSampleFlow, &rows, &errors);
  reader.Finish(&rows, &errors);
  EXPECT_EQ(rows.size(), 5u);
  EXPECT_EQ(errors.size(), 0u);
  // Moved, it reads on where it was.
  FlowFileReader second({}, absl::CivilMonth(2026, 3), *kResolver);
  second.Feed(kSampleFlow.substr(0, 100), &rows, &errors);
  FlowFileReader moved = std::move(second);
  moved.Feed(kSampleFlow.substr(100), &rows, &errors);
  moved.Finish(&rows, &errors);
  EXPECT_EQ(rows.size(), 10u);
  EXPECT_EQ(errors.size(), 0u);
}

TEST(FlowTotals, SumsQuantityAndAmountAndClampsBeyondInt64) {
  EXPECT_EQ(Summarise({}).row_count, 0);
  std::vector<v1::FlowRow> rows(2);
  rows[0].set_quantity(3);
  rows[0].set_unit_price_fen(1050);
  rows[1].set_quantity(-1);
  rows[1].set_unit_price_fen(1000);
  FlowTotals totals = Summarise(rows);
  EXPECT_EQ(totals.row_count, 2);
  EXPECT_EQ(totals.quantity, 2);
  EXPECT_EQ(totals.amount_fen, 2150);
  std::vector<v1::FlowRow> huge(1000, rows[0]);
  for (v1::FlowRow& row : huge) {
    row.set_quantity(kMaxPacksPerRow);
    row.set_unit_price_fen(kMaxUnitPriceFen);
  }
  totals = Summarise(huge);
  EXPECT_EQ(totals.amount_fen, std::numeric_limits<int64_t>::max());
  EXPECT_EQ(totals.quantity, 1000 * kMaxPacksPerRow);
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::channel
