#include "domain/channel/stock_reports.h"

#include "domain/channel/channel_test_data.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

const absl::CivilDay kToday(2026, 4, 10);

class StockReportTest : public testing::Test {
 protected:
  absl::Status Validate(const v1::StockReport& report) {
    return ValidateStockReport(
        report,
        [this](absl::string_view id) -> const v1::Product* {
          return id == product_.id() ? &product_ : nullptr;
        },
        kToday);
  }
  v1::Product product_ = testdata::Atorvastatin();
};

TEST_F(StockReportTest, AcceptsAWholeReportAndAnEmptyOne) {
  EXPECT_TRUE(Validate(testdata::Report("D-HB", "2026-03-31", {{"B2401", 90}, {"B2402", 0}})).ok());
  EXPECT_TRUE(Validate(testdata::Report("D-HB", "2026-03-31", {})).ok());
  EXPECT_EQ(NormalizeStockReport(testdata::Report("D-HB", "2026-3-31", {})).as_of(), "2026-03-31");
}

TEST_F(StockReportTest, NamesTheFieldOfEveryBadValue) {
  struct Case {
    v1::StockReport report;
    absl::StatusCode code;
    std::string field;
  };
  v1::StockReport no_product = testdata::Report("D-HB", "2026-03-31", {{"B2401", 1}});
  no_product.mutable_lines(0)->set_product_id("P999");
  v1::StockReport no_batch_no = testdata::Report("D-HB", "2026-03-31", {{"", 1}});
  const Case cases[] = {
      {testdata::Report("D-HB", "31/03/2026", {}), absl::StatusCode::kInvalidArgument, "as_of"},
      {testdata::Report("D-HB", "2026-04-12", {}), absl::StatusCode::kInvalidArgument, "as_of"},
      {no_product, absl::StatusCode::kNotFound, "lines[0].product_id"},
      {no_batch_no, absl::StatusCode::kInvalidArgument, "lines[0].batch_no"},
      {testdata::Report("D-HB", "2026-03-31", {{"B2401", 1}, {"B9999", 1}}),
       absl::StatusCode::kNotFound, "lines[1].batch_no"},
      {testdata::Report("D-HB", "2026-03-31", {{"B2401", -3}}), absl::StatusCode::kInvalidArgument,
       "lines[0].quantity"},
      {testdata::Report("D-HB", "2026-03-31", {{"B2401", 2'000'000'000}}),
       absl::StatusCode::kOutOfRange, "lines[0].quantity"},
  };
  for (const Case& c : cases) {
    absl::Status status = Validate(c.report);
    EXPECT_EQ(status.code(), c.code) << c.field << ": " << status;
    EXPECT_EQ(core::FieldOf(status), c.field) << status;
  }
  v1::StockReport too_many = testdata::Report("D-HB", "2026-03-31", {});
  for (int i = 0; i <= kMaxStockLines; ++i) *too_many.add_lines() = too_many.lines_size() > 0
                                                                        ? too_many.lines(0)
                                                                        : v1::StockLine();
  EXPECT_EQ(core::FieldOf(Validate(too_many)), "lines");
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::channel
