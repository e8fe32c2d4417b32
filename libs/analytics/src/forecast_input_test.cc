#include <cmath>
#include <vector>

#include "absl/status/status.h"
#include "gtest/gtest.h"
#include "pharmacrm/analytics/forecast.h"

namespace pharmacrm::analytics {
namespace {

TEST(Month, AddsAcrossYearsBothWays) {
  EXPECT_EQ(AddMonths({2024, 12}, 1), (Month{2025, 1}));
  EXPECT_EQ(AddMonths({2024, 1}, 26), (Month{2026, 3}));
  EXPECT_EQ(AddMonths({2024, 1}, -1), (Month{2023, 12}));
  EXPECT_EQ(AddMonths({2024, 3}, -27), (Month{2021, 12}));
  EXPECT_EQ(AddMonths({2024, 3}, 0), (Month{2024, 3}));
  EXPECT_EQ(FormatMonth({2025, 3}), "2025-03");
  EXPECT_LT((Month{2024, 12}), (Month{2025, 1}));
}

TEST(SeriesKey, Describes) {
  EXPECT_EQ(DescribeKey({"P1", "T7", ""}), "product P1, territory T7");
  EXPECT_EQ(DescribeKey({"P1", "T7", "H3"}), "product P1, territory T7, hospital H3");
}

MonthlySeries WithVisits(std::vector<double> visits) {
  MonthlySeries series;
  series.first_month = {2024, 1};
  series.values = {10, 12, 11, 13};
  series.exogenous.push_back({"visits", std::move(visits)});
  return series;
}

TEST(ValidateSeries, NamesEachField) {
  EXPECT_TRUE(ValidateSeries(WithVisits({1, 2, 3, 4, 5, 6}), 2).ok());
  EXPECT_EQ(ValidateSeries(WithVisits({1, 2, 3, 4, 5}), 2).message(),
            "exogenous[0] (visits): 5 values, needs 6 (4 months of history + 2 ahead)");
  // The history alone (a back-test) needs only the history's months.
  EXPECT_TRUE(ValidateSeries(WithVisits({1, 2, 3, 4}), 0).ok());
  EXPECT_EQ(ValidateSeries(WithVisits({1, 2, std::nan(""), 4, 5, 6}), 2).message(),
            "exogenous[0].values[2]: NaN is not a finite number");
  // A planned value past the horizon is not looked at.
  EXPECT_TRUE(ValidateSeries(WithVisits({1, 2, 3, 4, 5, 6, std::nan("")}), 2).ok());

  MonthlySeries series = WithVisits({1, 2, 3, 4, 5, 6});
  series.exogenous.push_back({"", {1, 2, 3, 4, 5, 6}});
  EXPECT_EQ(ValidateSeries(series, 2).message(), "exogenous[1].name: empty");
  series.exogenous[1].name = "visits";
  EXPECT_EQ(ValidateSeries(series, 2).message(),
            "exogenous[1].name: 'visits' is already the name of another column");

  series = WithVisits({1, 2, 3, 4, 5, 6});
  series.values[1] = -INFINITY;
  EXPECT_EQ(ValidateSeries(series, 2).message(), "values[1]: -infinity is not a finite number");
  series.values.clear();
  EXPECT_EQ(ValidateSeries(series, 2).message(), "values: empty");
  series = WithVisits({1, 2, 3, 4, 5, 6});
  series.first_month.month = 0;
  EXPECT_EQ(ValidateSeries(series, 2).message(), "first_month.month: must be 1..12, is 0");
  EXPECT_EQ(ValidateSeries(WithVisits({}), -1).message(), "horizon: must be at least 0, is -1");
}

TEST(ExogenousViews, ViewTheColumnsFromAMonth) {
  const MonthlySeries series = WithVisits({1, 2, 3, 4, 5, 6});
  const std::vector<ExogenousView> views = ExogenousViews(series, 4, 2);
  ASSERT_EQ(views.size(), 1u);
  EXPECT_EQ(views[0].name, "visits");
  ASSERT_EQ(views[0].values.size(), 2u);
  EXPECT_EQ(views[0].values[0], 5);
  EXPECT_EQ(views[0].values[1], 6);
}

TEST(Validate, HorizonAndLevel) {
  EXPECT_TRUE(ValidateHorizon(1).ok());
  EXPECT_EQ(ValidateHorizon(0).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_TRUE(ValidateLevel(0.95).ok());
  EXPECT_EQ(ValidateLevel(std::nan("")).message(),
            "level: must be strictly between 0 and 1, is NaN");
  EXPECT_EQ(ValidateLevel(1).message(), "level: must be strictly between 0 and 1, is 1");
}

}  // namespace
}  // namespace pharmacrm::analytics
