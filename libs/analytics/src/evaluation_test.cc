#include "pharmacrm/analytics/evaluation.h"

#include <cmath>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pharmacrm/analytics/backtest.h"
#include "pharmacrm/analytics/seasonal_naive.h"

namespace pharmacrm::analytics {
namespace {

using ::testing::HasSubstr;

StoredForecast Stored(Month month, int step, double point, double lower, double upper) {
  StoredForecast f;
  f.key = {"P1", "T7", ""};
  f.model_id = "holt_winters_additive";
  f.model_name = {"Holt-Winters additive", "Holt-Winters 加法"};
  f.month = month;
  f.step = step;
  f.point = point;
  f.lower = lower;
  f.upper = upper;
  f.level = 0.8;
  f.mase_scale = 50;
  return f;
}

TEST(CheckActual, InsideTheIntervalNoAlert) {
  auto check = CheckActual(Stored({2025, 3}, 1, 1000, 900, 1100), 1040);
  ASSERT_TRUE(check.ok()) << check.status();
  EXPECT_DOUBLE_EQ(check->error, 40);
  EXPECT_DOUBLE_EQ(*check->percent_error, 100 * 40.0 / 1040);
  EXPECT_DOUBLE_EQ(*check->scaled_error, 0.8);
  EXPECT_TRUE(check->inside);
  EXPECT_FALSE(check->alert.has_value());
  // The bounds themselves are inside.
  EXPECT_TRUE(CheckActual(Stored({2025, 3}, 1, 1000, 900, 1100), 1100)->inside);
  EXPECT_TRUE(CheckActual(Stored({2025, 3}, 1, 1000, 900, 1100), 900)->inside);
}

TEST(CheckActual, AboveTheIntervalRaisesAnAlertInBothLanguages) {
  auto check = CheckActual(Stored({2025, 3}, 1, 1000, 900, 1100), 1250);
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->inside);
  ASSERT_TRUE(check->alert.has_value());
  const IntervalAlert& alert = *check->alert;
  EXPECT_EQ(alert.direction, AlertDirection::kAbove);
  EXPECT_EQ(alert.actual, 1250);
  EXPECT_EQ(alert.month, (Month{2025, 3}));
  EXPECT_EQ(alert.message.en,
            "product P1, territory T7, 2025-03: actual 1250.0 is above the 80 % prediction "
            "interval [900.0, 1100.0] of the forecast 1000.0 (Holt-Winters additive, made 1 month "
            "ahead)");
  EXPECT_EQ(alert.message.zh,
            "产品 P1，辖区 T7，2025-03：实际值 1250.0 高于预测值 1000.0 的 80% 预测区间 [900.0, "
            "1100.0]（Holt-Winters 加法，提前 1 个月预测）");
}

TEST(CheckActual, BelowTheIntervalAtAHospital) {
  StoredForecast f = Stored({2025, 4}, 3, 1000, 900, 1100);
  f.key.hospital_id = "H3";
  auto check = CheckActual(f, 850);
  ASSERT_TRUE(check.ok());
  ASSERT_TRUE(check->alert.has_value());
  EXPECT_EQ(check->alert->direction, AlertDirection::kBelow);
  EXPECT_DOUBLE_EQ(check->error, -150);
  EXPECT_THAT(check->alert->message.en, HasSubstr("hospital H3, 2025-04: actual 850.0 is below"));
  EXPECT_THAT(check->alert->message.en, HasSubstr("made 3 months ahead"));
  EXPECT_THAT(check->alert->message.zh, HasSubstr("医院 H3"));
  EXPECT_THAT(check->alert->message.zh, HasSubstr("低于预测值"));
}

TEST(CheckActual, ZeroActualHasNoPercentErrorAndZeroScaleNoScaledError) {
  StoredForecast f = Stored({2025, 3}, 1, 10, -5, 25);
  f.mase_scale = 0;
  auto check = CheckActual(f, 0);
  ASSERT_TRUE(check.ok());
  EXPECT_FALSE(check->percent_error.has_value());
  EXPECT_FALSE(check->scaled_error.has_value());
  EXPECT_TRUE(check->inside);
}

TEST(CheckActual, RejectsBadInputNamingTheField) {
  EXPECT_EQ(CheckActual(Stored({2025, 3}, 1, 1000, 900, 1100), std::nan("")).status().message(),
            "actual: not a finite number");
  EXPECT_EQ(CheckActual(Stored({2025, 3}, 1, 1000, 1100, 900), 1000).status().message(),
            "forecast.lower: 1100 is above forecast.upper 900");
  StoredForecast f = Stored({2025, 3}, 1, 1000, 900, 1100);
  f.level = 1.5;
  EXPECT_EQ(CheckActual(f, 1000).status().message(),
            "forecast.level: must be strictly between 0 and 1, is 1.5");
  f = Stored({2025, 3}, 0, 1000, 900, 1100);
  EXPECT_EQ(CheckActual(f, 1000).status().message(), "forecast.step: must be at least 1, is 0");
  f = Stored({2025, 3}, 1, INFINITY, 900, 1100);
  EXPECT_EQ(CheckActual(f, 1000).status().message(), "forecast.point: not a finite number");
  f = Stored({2025, 3}, 1, 1000, 900, 1100);
  f.mase_scale = -1;
  EXPECT_EQ(CheckActual(f, 1000).status().message(),
            "forecast.mase_scale: must not be negative, is -1");
}

// Three months arrive (scale 50):
//   2025-03: forecast 1000 [900, 1100], actual 1040 → e = +40, 3.85 %, 0.8
//   2025-04: forecast 1000 [900, 1100], actual  850 → e = -150, 17.65 %, 3.0
//   2025-05: forecast  200 [150,  250], actual    0 → e = -200, no %, 4.0
// MAE = 390/3 = 130; MAPE = (3.846 + 17.647)/2 = 10.75 % (1 zero left out);
// MASE = (0.8 + 3 + 4)/3 = 2.6; bias = -310/3 = -103.33, as a % of the
// mean actual: -310/1890 = -16.40 %; inside 1 of 3.
TEST(AccuracyHistory, RunningFiguresPerSeriesAndModel) {
  AccuracyHistory history;
  const std::vector<std::pair<StoredForecast, double>> arrivals = {
      {Stored({2025, 3}, 1, 1000, 900, 1100), 1040},
      {Stored({2025, 4}, 1, 1000, 900, 1100), 850},
      {Stored({2025, 5}, 1, 200, 150, 250), 0}};
  for (const auto& [forecast, actual] : arrivals) {
    auto check = CheckActual(forecast, actual);
    ASSERT_TRUE(check.ok());
    EXPECT_FALSE(history.Record(*check));
  }
  const AccuracyHistory::Track* track = history.Find({"P1", "T7", ""}, "holt_winters_additive");
  ASSERT_NE(track, nullptr);
  EXPECT_EQ(track->checks.size(), 3u);
  const AccuracySummary summary = Summarize(track->totals);
  EXPECT_EQ(summary.forecasts, 3);
  EXPECT_DOUBLE_EQ(summary.mae, 130);
  ASSERT_TRUE(summary.mape.has_value());
  EXPECT_NEAR(*summary.mape, (100 * 40.0 / 1040 + 100 * 150.0 / 850) / 2, 1e-9);
  EXPECT_EQ(summary.mape_zero_actuals, 1);
  ASSERT_TRUE(summary.mase.has_value());
  EXPECT_NEAR(*summary.mase, 2.6, 1e-12);
  EXPECT_NEAR(summary.bias, -310.0 / 3, 1e-9);
  ASSERT_TRUE(summary.bias_percent.has_value());
  EXPECT_NEAR(*summary.bias_percent, -100 * 310.0 / 1890, 1e-9);
  EXPECT_NEAR(summary.coverage, 1.0 / 3, 1e-12);

  // Another model of the same series, and another series, are kept apart.
  StoredForecast other = Stored({2025, 3}, 1, 1000, 900, 1100);
  other.model_id = "seasonal_naive";
  ASSERT_TRUE(history.Record(*CheckActual(other, 1000)) == false);
  other.key.territory_id = "T8";
  ASSERT_FALSE(history.Record(*CheckActual(other, 1000)));
  EXPECT_EQ(history.tracks().size(), 3u);
  EXPECT_EQ(Summarize(history.Find({"P1", "T7", ""}, "seasonal_naive")->totals).forecasts, 1);
  EXPECT_EQ(history.Find({"P1", "T9", ""}, "seasonal_naive"), nullptr);
}

TEST(AccuracyHistory, ARestatedActualReplacesTheOldOne) {
  AccuracyHistory history;
  const StoredForecast f = Stored({2025, 3}, 1, 1000, 900, 1100);
  EXPECT_FALSE(history.Record(*CheckActual(f, 1250)));
  EXPECT_TRUE(history.Record(*CheckActual(f, 1040)));  // the distributor's corrected figure
  const AccuracySummary summary =
      Summarize(history.Find({"P1", "T7", ""}, "holt_winters_additive")->totals);
  EXPECT_EQ(summary.forecasts, 1);
  EXPECT_NEAR(summary.mae, 40, 1e-9);
  EXPECT_NEAR(summary.coverage, 1, 1e-12);
  // The same month forecast 2 months ahead is a separate forecast.
  EXPECT_FALSE(history.Record(*CheckActual(Stored({2025, 3}, 2, 980, 850, 1110), 1040)));
  EXPECT_EQ(Summarize(history.Find({"P1", "T7", ""}, "holt_winters_additive")->totals).forecasts,
            2);
}

TEST(AccuracyHistory, NothingArrivedIsAllZero) {
  const AccuracySummary summary = Summarize(AccuracyTotals{});
  EXPECT_EQ(summary.forecasts, 0);
  EXPECT_EQ(summary.mae, 0);
  EXPECT_FALSE(summary.mape.has_value());
  EXPECT_FALSE(summary.mase.has_value());
  EXPECT_FALSE(summary.bias_percent.has_value());
}

TEST(StoreForecast, EveryMonthWithTheModelAndScale) {
  const SeasonalNaive naive;
  const ForecastModel* models[] = {&naive};
  MonthlySeries series;
  series.key = {"P1", "T7", ""};
  series.first_month = {2024, 1};
  for (int t = 0; t < 26; ++t) series.values.push_back(100 + (t % 12) + t / 12);
  auto forecast = ForecastSeries(series, models, ForecastOptions{});
  ASSERT_TRUE(forecast.ok()) << forecast.status();
  const std::vector<StoredForecast> stored = StoreForecast(*forecast);
  ASSERT_EQ(stored.size(), 3u);
  EXPECT_EQ(FormatMonth(stored[0].month), "2026-03");
  EXPECT_EQ(stored[2].step, 3);
  EXPECT_EQ(stored[1].model_id, "seasonal_naive");
  EXPECT_EQ(stored[1].model_name.en, "seasonal naive");
  EXPECT_EQ(stored[1].level, 0.8);
  EXPECT_EQ(stored[1].mase_scale, forecast->scale.mae);
  EXPECT_EQ(stored[0].point, forecast->months[0].point);
  // Each month is the same month a year earlier plus 1: the scale is 1.
  EXPECT_DOUBLE_EQ(stored[0].mase_scale, 1);
}

// The worked example of docs/ANALYTICS.md: seasonal naive on the
// 26 months to February 2025 forecasts March 2025 as 15 [13.59, 16.41];
// an actual of 17 is above it.
TEST(Evaluation, TheWorkedExampleOfTheDocs) {
  MonthlySeries series;
  series.key = {"P1", "T7", ""};
  series.first_month = {2023, 1};
  series.values = {10, 12, 14, 11, 13, 15, 12, 14, 16, 13, 15, 17, 11,
                   13, 15, 12, 14, 16, 13, 15, 17, 14, 16, 18, 12, 15};
  const SeasonalNaive naive;
  const ForecastModel* models[] = {&naive};
  auto forecast = ForecastSeries(series, models, ForecastOptions{});
  ASSERT_TRUE(forecast.ok()) << forecast.status();
  const std::vector<StoredForecast> stored = StoreForecast(*forecast);
  EXPECT_EQ(FormatMonth(stored[0].month), "2025-03");
  EXPECT_EQ(stored[0].point, 15);
  EXPECT_NEAR(stored[0].lower, 13.59, 0.005);
  EXPECT_NEAR(stored[0].upper, 16.41, 0.005);
  EXPECT_NEAR(stored[0].mase_scale, 15.0 / 14.0, 1e-12);
  auto check = CheckActual(stored[0], 17);
  ASSERT_TRUE(check.ok());
  EXPECT_EQ(check->error, 2);
  EXPECT_NEAR(*check->percent_error, 11.76, 0.005);
  EXPECT_NEAR(*check->scaled_error, 1.87, 0.005);
  ASSERT_TRUE(check->alert.has_value());
  EXPECT_EQ(check->alert->message.en,
            "product P1, territory T7, 2025-03: actual 17.0 is above the 80 % prediction interval "
            "[13.6, 16.4] of the forecast 15.0 (seasonal naive, made 1 month ahead)");
}

}  // namespace
}  // namespace pharmacrm::analytics
