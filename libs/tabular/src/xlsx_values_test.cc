#include "xlsx_values.h"

#include "gtest/gtest.h"

namespace pharmacrm::tabular::xlsx_internal {
namespace {

TEST(NumberText, WritesNumbersAsExcelShowsThem) {
  EXPECT_EQ(NumberText("12"), "12");
  EXPECT_EQ(NumberText("12.5"), "12.5");
  EXPECT_EQ(NumberText("12.50"), "12.5");
  EXPECT_EQ(NumberText("120.0"), "120");
  EXPECT_EQ(NumberText("45.799999999999997"), "45.8");  // 45.8 as a double, 17 digits
  EXPECT_EQ(NumberText("0.30000000000000004"), "0.3");
  EXPECT_EQ(NumberText("-10"), "-10");
  EXPECT_EQ(NumberText("-0"), "0");
  EXPECT_EQ(NumberText("1.5E-3"), "0.0015");
  EXPECT_EQ(NumberText("1E+20"), "100000000000000000000");
  EXPECT_EQ(NumberText("123456789012345678"), "123456789012346000");  // 15 digits, as Excel
  EXPECT_EQ(NumberText("2290"), "2290");
  EXPECT_EQ(NumberText("0.05"), "0.05");
  EXPECT_EQ(NumberText("abc"), std::nullopt);
  EXPECT_EQ(NumberText("inf"), std::nullopt);
  EXPECT_EQ(NumberText(""), std::nullopt);
}

TEST(BuiltinKind, KnowsTheDateAndTimeFormatsOfChineseExcel) {
  EXPECT_EQ(BuiltinKind(0), NumberKind::kNumber);
  EXPECT_EQ(BuiltinKind(2), NumberKind::kNumber);
  EXPECT_EQ(BuiltinKind(14), NumberKind::kDate);      // yyyy/m/d in zh-CN
  EXPECT_EQ(BuiltinKind(22), NumberKind::kDateTime);  // yyyy/m/d h:mm
  EXPECT_EQ(BuiltinKind(20), NumberKind::kTime);      // h:mm
  EXPECT_EQ(BuiltinKind(31), NumberKind::kDate);      // yyyy"年"m"月"d"日"
  EXPECT_EQ(BuiltinKind(32), NumberKind::kTime);      // h"时"mm"分"
  EXPECT_EQ(BuiltinKind(57), NumberKind::kDate);      // yyyy"年"m"月"
  EXPECT_EQ(BuiltinKind(49), NumberKind::kNumber);    // @
}

TEST(FormatCodeKind, FindsDateTokensOutsideQuotesAndBrackets) {
  EXPECT_EQ(FormatCodeKind("yyyy-mm-dd"), NumberKind::kDate);
  EXPECT_EQ(FormatCodeKind("yyyy/m/d;@"), NumberKind::kDate);
  EXPECT_EQ(FormatCodeKind("[$-804]yyyy\"年\"m\"月\"d\"日\";@"), NumberKind::kDate);
  EXPECT_EQ(FormatCodeKind("[DBNum1][$-804]yyyy\"年\"m\"月\"d\"日\""), NumberKind::kDate);
  EXPECT_EQ(FormatCodeKind("mmm-yy"), NumberKind::kDate);
  EXPECT_EQ(FormatCodeKind("yyyy-mm-dd hh:mm:ss"), NumberKind::kDateTime);
  EXPECT_EQ(FormatCodeKind("h:mm"), NumberKind::kTime);  // m after h: minutes
  EXPECT_EQ(FormatCodeKind("[h]:mm:ss"), NumberKind::kTime);
  EXPECT_EQ(FormatCodeKind("[mm]:ss"), NumberKind::kTime);
  EXPECT_EQ(FormatCodeKind("General"), NumberKind::kNumber);
  EXPECT_EQ(FormatCodeKind("0.00_);[Red](0.00)"), NumberKind::kNumber);
  EXPECT_EQ(FormatCodeKind("#,##0.00\"元\""), NumberKind::kNumber);
  EXPECT_EQ(FormatCodeKind("0.00\" days\""), NumberKind::kNumber);  // quoted d
  EXPECT_EQ(FormatCodeKind("0\\d"), NumberKind::kNumber);           // escaped d
  EXPECT_EQ(FormatCodeKind("[Red]0.00"), NumberKind::kNumber);      // bracketed d
  EXPECT_EQ(FormatCodeKind("0.00E+00"), NumberKind::kNumber);
  EXPECT_EQ(FormatCodeKind("0;\"d\"yyyy"), NumberKind::kNumber);  // first section only
  EXPECT_EQ(FormatCodeKind("\"unterminated"), NumberKind::kNumber);
}

TEST(SerialText, CountsDaysAsExcelDoes) {
  EXPECT_EQ(SerialText("46083", NumberKind::kDate, false), "2026-03-02");
  EXPECT_EQ(SerialText("46083.75", NumberKind::kDate, false), "2026-03-02");
  EXPECT_EQ(SerialText("46083.75", NumberKind::kDateTime, false), "2026-03-02 18:00:00");
  EXPECT_EQ(SerialText("46083", NumberKind::kDateTime, false), "2026-03-02");
  EXPECT_EQ(SerialText("46083.999999999", NumberKind::kDateTime, false), "2026-03-03");
  EXPECT_EQ(SerialText("0.5", NumberKind::kTime, false), "12:00:00");
  EXPECT_EQ(SerialText("46083", NumberKind::kNumber, false), "46083");
  // The 1900 leap year bug: 1900-02-28 is 59, 60 is a day that never was.
  EXPECT_EQ(SerialText("1", NumberKind::kDate, false), "1900-01-01");
  EXPECT_EQ(SerialText("59", NumberKind::kDate, false), "1900-02-28");
  EXPECT_EQ(SerialText("60", NumberKind::kDate, false), "1900-02-29");
  EXPECT_EQ(SerialText("61", NumberKind::kDate, false), "1900-03-01");
  EXPECT_EQ(SerialText("2958465", NumberKind::kDate, false), "9999-12-31");
  // Out of range: the number.
  EXPECT_EQ(SerialText("0", NumberKind::kDate, false), "0");
  EXPECT_EQ(SerialText("-3", NumberKind::kDate, false), "-3");
  EXPECT_EQ(SerialText("2958466", NumberKind::kDate, false), "2958466");
  // The 1904 date system counts from 1904-01-01.
  EXPECT_EQ(SerialText("0", NumberKind::kDate, true), "1904-01-01");
  EXPECT_EQ(SerialText("44621", NumberKind::kDate, true), "2026-03-02");
  EXPECT_EQ(SerialText("x", NumberKind::kDate, false), std::nullopt);
}

TEST(IsoDateText, KeepsTheDayAndATimeOfDay) {
  EXPECT_EQ(IsoDateText("2026-03-05"), "2026-03-05");
  EXPECT_EQ(IsoDateText("2026-03-05T00:00:00"), "2026-03-05");
  EXPECT_EQ(IsoDateText("2026-03-05T09:30:00Z"), "2026-03-05 09:30:00");
  EXPECT_EQ(IsoDateText("2026-02-30"), std::nullopt);
  EXPECT_EQ(IsoDateText("5 March"), std::nullopt);
}

}  // namespace
}  // namespace pharmacrm::tabular::xlsx_internal
