#include "pharmacrm/analytics/backtest.h"

#include <cmath>
#include <memory>
#include <numbers>
#include <optional>
#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pharmacrm/analytics/forecast.h"
#include "pharmacrm/analytics/holt_winters.h"
#include "pharmacrm/analytics/seasonal_naive.h"

namespace pharmacrm::analytics {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// The toy series of forecast_seasonal_naive_test.cc and of the worked
// example in docs/ANALYTICS.md.
const std::vector<double> kToy = {10, 12, 14, 11, 13, 15, 12, 14, 16, 13, 15, 17, 11,
                                  13, 15, 12, 14, 16, 13, 15, 17, 14, 16, 18, 12, 15};

MonthlySeries Series(std::vector<double> values) {
  MonthlySeries series;
  series.key = {"P1", "T7", ""};
  series.first_month = {2023, 1};
  series.values = std::move(values);
  return series;
}

std::unique_ptr<ForecastModel> HoltWintersModel(Seasonality seasonality, Trend trend) {
  HoltWintersOptions options;
  options.spec.seasonality = seasonality;
  options.spec.trend = trend;
  auto model = HoltWinters::Create(options);
  EXPECT_TRUE(model.ok());
  return *std::move(model);
}

// Seasonal naive and the two undamped Holt-Winters models.
struct Candidates {
  std::vector<std::unique_ptr<ForecastModel>> owned;
  std::vector<const ForecastModel*> models;
  Candidates() {
    owned.push_back(std::make_unique<SeasonalNaive>());
    owned.push_back(HoltWintersModel(Seasonality::kAdditive, Trend::kAdditive));
    owned.push_back(HoltWintersModel(Seasonality::kMultiplicative, Trend::kAdditive));
    models = ModelPointers(owned);
  }
};

TEST(ComputeMaseScale, SeasonalNaiveWhenLongerThanASeasonElseNaive) {
  // The toy's 26 months: |y_t - y_{t-12}| = 1 thirteen times, then 2.
  const MaseScale seasonal = ComputeMaseScale(kToy, 12);
  EXPECT_EQ(seasonal.lag, 12);
  EXPECT_EQ(seasonal.terms, 14);
  EXPECT_DOUBLE_EQ(seasonal.mae, 15.0 / 14.0);
  // Its first 8 months: |differences| 2, 2, 3, 2, 2, 3, 2.
  const MaseScale naive = ComputeMaseScale(absl::MakeConstSpan(kToy).first(8), 12);
  EXPECT_EQ(naive.lag, 1);
  EXPECT_EQ(naive.terms, 7);
  EXPECT_DOUBLE_EQ(naive.mae, 16.0 / 7.0);
  EXPECT_EQ(ComputeMaseScale(absl::MakeConstSpan(kToy).first(1), 12).lag, 0);
  EXPECT_EQ(ComputeMaseScale(std::vector<double>(20, 5.0), 12).mae, 0);
}

// Seasonal naive on the toy, the last 3 months held out, 1-2 months ahead:
//   origin 23 (months 1..23): month 24 ← month 12 = 17, actual 18, e = 1;
//                             month 25 ← month 13 = 11, actual 12, e = 1
//   origin 24: month 25 ← 11, actual 12, e = 1; month 26 ← month 14 = 13,
//              actual 15, e = 2
//   origin 25: month 26 ← 13, actual 15, e = 2
// MAE = 7/5 = 1.4. Scale: months 1..23, |y_t - y_{t-12}| = 1 for t = 13..23,
// so 1 and MASE = 1.4. MAPE = (1/18 + 1/12 + 1/12 + 2/15 + 2/15)/5 = 9.78 %.
// Bias = 1.4 (forecasts too low), 7/72 = 9.72 % of the mean actual.
// Intervals: σ = 1 at every origin (every residual is 1), 80 %: ±1.28, so
// errors of 1 are inside and of 2 outside: coverage 3/5.
TEST(Backtest, SeasonalNaiveOnTheToySeriesByHand) {
  const SeasonalNaive model;
  const ForecastModel* models[] = {&model};
  BacktestOptions options;
  options.holdout_months = 3;
  options.horizon = 2;
  options.level = 0.8;
  auto result = Backtest(Series(kToy), models, options);
  ASSERT_TRUE(result.ok()) << result.status();
  EXPECT_EQ(result->holdout_months, 3);
  EXPECT_EQ(result->scale.lag, 12);
  EXPECT_EQ(result->scale.terms, 11);
  EXPECT_DOUBLE_EQ(result->scale.mae, 1);
  ASSERT_EQ(result->scores.size(), 1u);
  const ModelScore& score = result->scores[0];
  EXPECT_FALSE(score.skipped.has_value());
  EXPECT_EQ(score.model_id, "seasonal_naive");
  EXPECT_EQ(score.forecasts, 5);
  EXPECT_DOUBLE_EQ(score.mae, 1.4);
  ASSERT_TRUE(score.mase.has_value());
  EXPECT_DOUBLE_EQ(*score.mase, 1.4);
  ASSERT_TRUE(score.mape.has_value());
  EXPECT_NEAR(*score.mape, 100 * (1.0 / 18 + 2.0 / 12 + 4.0 / 15) / 5, 1e-12);
  EXPECT_EQ(score.mape_zero_actuals, 0);
  EXPECT_DOUBLE_EQ(score.bias, 1.4);
  ASSERT_TRUE(score.bias_percent.has_value());
  EXPECT_NEAR(*score.bias_percent, 100 * 7.0 / 72.0, 1e-12);
  EXPECT_DOUBLE_EQ(score.coverage, 0.6);
}

// Seasonal naive that counts how it is fitted (not thread-safe; tests only).
class CountingNaive final : public ForecastModel {
 public:
  absl::string_view id() const override { return naive_.id(); }
  BilingualText name() const override { return naive_.name(); }
  int complexity() const override { return 0; }
  std::optional<BilingualText> Unsuitable(const SeriesView& history) const override {
    return naive_.Unsuitable(history);
  }
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(const SeriesView& history) const override {
    ++fits;
    return naive_.Fit(history);
  }
  absl::StatusOr<std::unique_ptr<FittedModel>> FitWith(
      const SeriesView& history, absl::Span<const ModelParameter> estimated) const override {
    ++fits_with;
    EXPECT_FALSE(estimated.empty());
    return naive_.Fit(history);
  }
  mutable int fits = 0;
  mutable int fits_with = 0;

 private:
  SeasonalNaive naive_;
};

TEST(Backtest, EstimatesAtTheFirstOriginUnlessToldToRefitEveryOrigin) {
  const CountingNaive model;
  const ForecastModel* models[] = {&model};
  BacktestOptions options;  // 6 held out
  ASSERT_TRUE(Backtest(Series(kToy), models, options).ok());
  EXPECT_EQ(model.fits, 1);
  EXPECT_EQ(model.fits_with, 5);
  options.refit_every_origin = true;
  ASSERT_TRUE(Backtest(Series(kToy), models, options).ok());
  EXPECT_EQ(model.fits, 7);
  EXPECT_EQ(model.fits_with, 5);

  // Holt-Winters gives figures either way, over the same forecasts.
  std::vector<double> y;
  for (int t = 0; t < 30; ++t) y.push_back(100 + t + 20 * std::sin(2 * std::numbers::pi * t / 12));
  Candidates candidates;
  for (bool refit : {false, true}) {
    options.refit_every_origin = refit;
    auto result = Backtest(Series(y), candidates.models, options);
    ASSERT_TRUE(result.ok());
    EXPECT_EQ(result->scores[1].forecasts, 15) << refit;
    EXPECT_TRUE(result->scores[1].mase.has_value()) << refit;
  }
}

TEST(Backtest, ZeroActualsAreLeftOutOfMapeAndCounted) {
  std::vector<double> y = kToy;
  y[25] = 0;  // month 26, forecast twice in the back-test above
  const SeasonalNaive model;
  const ForecastModel* models[] = {&model};
  BacktestOptions options;
  options.holdout_months = 3;
  options.horizon = 2;
  auto result = Backtest(Series(y), models, options);
  ASSERT_TRUE(result.ok());
  const ModelScore& score = result->scores[0];
  EXPECT_EQ(score.forecasts, 5);
  EXPECT_EQ(score.mape_zero_actuals, 2);
  // Months 24, 25, 25: errors 1, 1, 1 over actuals 18, 12, 12.
  EXPECT_NEAR(*score.mape, 100 * (1.0 / 18 + 2.0 / 12) / 3, 1e-12);
}

TEST(Backtest, ShortWindowsSkipAModelWithTheReason) {
  // 15 months, 6 held out: the first window has 9, too few for Holt-Winters;
  // seasonal naive falls back to naive there and is evaluated.
  std::vector<double> y(kToy.begin(), kToy.begin() + 15);
  Candidates candidates;
  auto result = Backtest(Series(y), candidates.models, BacktestOptions{});
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result->scores[0].skipped.has_value());
  // Origins 9..14, each 3 months ahead but not past month 15: 3+3+3+3+2+1.
  EXPECT_EQ(result->scores[0].forecasts, 15);
  ASSERT_TRUE(result->scores[1].skipped.has_value());
  EXPECT_EQ(result->scores[1].skipped->en, "needs at least 18 months of history, has 9");
  EXPECT_EQ(result->scores[1].skipped->zh, "至少需要 18 个月的历史数据，现有 9 个月");

  auto choice = ChooseModel(Series(y), candidates.models, *result);
  ASSERT_TRUE(choice.ok());
  EXPECT_EQ(choice->index, 0);
  EXPECT_THAT(choice->reason.en, StartsWith("seasonal naive: lowest MASE"));
  // The 9 months before the held-out ones: MASE is scaled by naive.
  EXPECT_EQ(result->scale.lag, 1);
  EXPECT_THAT(choice->reason.en,
              HasSubstr("MASE against naive as the months before them are a year or less"));
  EXPECT_THAT(choice->reason.en,
              HasSubstr("Not evaluated: Holt-Winters additive (needs at least 18 months of "
                        "history, has 9); Holt-Winters multiplicative (needs at least 18"));
  EXPECT_THAT(choice->reason.zh, HasSubstr("未评估：Holt-Winters 加法（至少需要 18 个月"));
}

TEST(Backtest, ANonPositiveMonthSkipsMultiplicative) {
  std::vector<double> y;
  for (int t = 0; t < 30; ++t) y.push_back(100 + t + 20 * std::sin(2 * std::numbers::pi * t / 12));
  y[4] = 0;
  Candidates candidates;
  auto result = Backtest(Series(y), candidates.models, BacktestOptions{});
  ASSERT_TRUE(result.ok());
  EXPECT_FALSE(result->scores[1].skipped.has_value());
  ASSERT_TRUE(result->scores[2].skipped.has_value());
  EXPECT_EQ(result->scores[2].skipped->en, "needs positive sales: month 5 of the history is 0.00");
}

// The additive Holt-Winters model on its own kind of data (a line and a
// fixed seasonal swing), the multiplicative on a season that grows with the
// level: each is chosen over the other and over seasonal naive.
TEST(ChooseModel, PicksTheModelTheDataWereMadeWith) {
  const double two_pi = 2 * std::numbers::pi;
  std::mt19937_64 rng(21);
  std::normal_distribution<double> noise(0, 1);
  std::vector<double> additive;
  std::vector<double> multiplicative;
  for (int t = 0; t < 48; ++t) {
    additive.push_back(500 + 5.0 * t + 100 * std::sin(two_pi * t / 12) + 3 * noise(rng));
    multiplicative.push_back((100 + 8.0 * t) * (1 + 0.4 * std::sin(two_pi * t / 12)) *
                             (1 + 0.01 * noise(rng)));
  }
  Candidates candidates;
  for (const auto& [name, y, expected] :
       {std::tuple<std::string, std::vector<double>, std::string>{"additive", additive,
                                                                  "holt_winters_additive"},
        {"multiplicative", multiplicative, "holt_winters_multiplicative"}}) {
    auto forecast = ForecastSeries(Series(y), candidates.models, ForecastOptions{});
    ASSERT_TRUE(forecast.ok()) << forecast.status();
    EXPECT_EQ(forecast->model_id, expected) << name << ": " << forecast->reason.en;
    ASSERT_TRUE(forecast->metrics.has_value());
    // Both beat seasonal naive by far: a trend of 5-8 a month makes a
    // year-old month a poor forecast.
    EXPECT_LT(*forecast->metrics->mase, 0.5 * *forecast->backtest.scores[0].mase) << name;
  }
}

// A season repeated exactly: seasonal naive is exact, and a Holt-Winters
// model that is exact too ties with it; the simpler model wins the tie. The
// months before the held-out ones repeat exactly, so MASE is undefined and
// MAE decides.
TEST(ChooseModel, ATieGoesToTheSimplerModel) {
  std::vector<double> y;
  for (int t = 0; t < 30; ++t) y.push_back(kToy[static_cast<size_t>(t % 12)]);
  const SeasonalNaive naive;
  HoltWintersOptions options;
  options.spec.trend = Trend::kNone;
  options.fixed = SmoothingWeights{0.3, 0, 0.2, 1};  // exact on exact data
  auto holt_winters = HoltWinters::Create(options);
  ASSERT_TRUE(holt_winters.ok());
  // Holt-Winters first, so that the order alone would pick it.
  const ForecastModel* models[] = {holt_winters->get(), &naive};
  auto forecast = ForecastSeries(Series(y), models, ForecastOptions{});
  ASSERT_TRUE(forecast.ok()) << forecast.status();
  EXPECT_EQ(forecast->model_id, "seasonal_naive");
  EXPECT_THAT(forecast->reason.en, StartsWith("seasonal naive: lowest MAE 0.00"));
  EXPECT_THAT(forecast->reason.en,
              HasSubstr("MASE being undefined as the seasonal naive forecast of the months "
                        "before them is exact"));
  EXPECT_THAT(forecast->reason.en,
              HasSubstr("tied with Holt-Winters additive, no trend and chosen as the simpler"));
  EXPECT_THAT(forecast->reason.zh, HasSubstr("并列，选择较简单的模型"));
}

TEST(ForecastSeries, StatesTheModelItsFiguresAndWhy) {
  Candidates candidates;
  ForecastOptions options;
  options.horizon = 3;
  options.level = 0.8;
  auto forecast = ForecastSeries(Series(kToy), candidates.models, options);
  ASSERT_TRUE(forecast.ok()) << forecast.status();
  EXPECT_EQ(forecast->key.product_id, "P1");
  EXPECT_FALSE(forecast->model_id.empty());
  EXPECT_FALSE(forecast->parameters.empty());
  EXPECT_FALSE(forecast->interval_method.en.empty());
  EXPECT_FALSE(forecast->interval_method.zh.empty());
  ASSERT_TRUE(forecast->metrics.has_value());
  EXPECT_EQ(forecast->metrics->model_id, forecast->model_id);
  EXPECT_EQ(forecast->backtest.holdout_months, 6);
  EXPECT_EQ(forecast->backtest.scores.size(), 3u);
  EXPECT_THAT(forecast->reason.en,
              StartsWith(absl::StrCat(forecast->model_name.en, ": lowest MASE")));
  EXPECT_THAT(forecast->reason.en,
              HasSubstr("over 6 held-out months (15 forecasts, 1–3 months ahead)"));
  EXPECT_THAT(forecast->reason.zh, HasSubstr("在 6 个留出月份上 MASE 最低"));
  // 26 months from 2023-01: the forecasts are for 2025-03..05.
  ASSERT_EQ(forecast->months.size(), 3u);
  EXPECT_EQ(FormatMonth(forecast->months[0].month), "2025-03");
  EXPECT_EQ(FormatMonth(forecast->months[2].month), "2025-05");
  for (int s = 0; s < 3; ++s) {
    const ForecastMonth& month = forecast->months[static_cast<size_t>(s)];
    EXPECT_EQ(month.step, s + 1);
    EXPECT_LT(month.lower, month.point);
    EXPECT_GT(month.upper, month.point);
  }
  EXPECT_DOUBLE_EQ(forecast->scale.mae, 15.0 / 14.0);
  EXPECT_EQ(forecast->level, 0.8);
}

TEST(ForecastSeries, TooShortToBackTestTakesTheSimplestModel) {
  Candidates candidates;
  auto forecast = ForecastSeries(Series({10, 12}), candidates.models, ForecastOptions{});
  ASSERT_TRUE(forecast.ok()) << forecast.status();
  EXPECT_EQ(forecast->model_id, "seasonal_naive");
  EXPECT_FALSE(forecast->metrics.has_value());
  EXPECT_EQ(forecast->backtest.holdout_months, 0);
  EXPECT_EQ(forecast->reason.en,
            "seasonal naive: the simplest model that fits, as no back-test: 2 months of history, "
            "a back-test needs at least 3.");
  EXPECT_THAT(forecast->model_description.en, StartsWith("naive (lag 1)"));
  EXPECT_EQ(forecast->months[0].point, 12);

  auto none = ForecastSeries(Series({10}), candidates.models, ForecastOptions{});
  EXPECT_EQ(none.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(none.status().message(),
              HasSubstr("no candidate model fits this series: seasonal naive: needs at least 2 "
                        "months of history, has 1"));
}

// A model of the kind the regression will be: it reads an exogenous column
// by name, over the history to fit and over the months to forecast.
class TwiceVisits final : public ForecastModel {
 public:
  absl::string_view id() const override { return "twice_visits"; }
  BilingualText name() const override { return {"twice the visits", "拜访量的两倍"}; }
  int complexity() const override { return 1; }
  std::optional<BilingualText> Unsuitable(const SeriesView& history) const override {
    for (const ExogenousView& column : history.exogenous) {
      if (column.name == "visits" && column.values.size() >= history.values.size()) {
        return std::nullopt;
      }
    }
    return BilingualText{"needs visits", "需要拜访量"};
  }
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(const SeriesView& history) const override {
    if (Unsuitable(history)) return absl::FailedPreconditionError("needs visits");
    return std::make_unique<Fitted>();
  }

 private:
  class Fitted final : public FittedModel {
   public:
    absl::StatusOr<IntervalForecast> Forecast(
        int horizon, double level, absl::Span<const ExogenousView> future) const override {
      for (const ExogenousView& column : future) {
        if (column.name != "visits") continue;
        if (column.values.size() < static_cast<size_t>(horizon)) break;
        IntervalForecast out;
        out.level = level;
        for (int h = 0; h < horizon; ++h) {
          const double point = 2 * column.values[static_cast<size_t>(h)];
          out.point.push_back(point);
          out.lower.push_back(point - 1);
          out.upper.push_back(point + 1);
        }
        return out;
      }
      return absl::InvalidArgumentError("future: no visits for the horizon");
    }
    absl::Span<const double> fitted() const override { return {}; }
    std::vector<ModelParameter> parameters() const override { return {{"factor", 2}}; }
    BilingualText description() const override { return {"2 × visits", "2 × 拜访量"}; }
    BilingualText interval_method() const override { return {"±1", "±1"}; }
  };
};

TEST(ForecastSeries, HandsExogenousColumnsToAModelMonthByMonth) {
  MonthlySeries series = Series({});
  std::vector<double> visits;
  for (int t = 0; t < 27; ++t) visits.push_back(10 + (t * 7) % 13);
  for (int t = 0; t < 24; ++t) series.values.push_back(2 * visits[static_cast<size_t>(t)]);
  series.exogenous.push_back({"visits", visits});
  const SeasonalNaive naive;
  const TwiceVisits twice;
  const ForecastModel* models[] = {&naive, &twice};
  auto forecast = ForecastSeries(series, models, ForecastOptions{});
  ASSERT_TRUE(forecast.ok()) << forecast.status();
  EXPECT_EQ(forecast->model_id, "twice_visits");
  EXPECT_EQ(forecast->metrics->mae, 0);
  // The planned visits of months 25..27.
  for (int s = 0; s < 3; ++s) {
    EXPECT_EQ(forecast->months[static_cast<size_t>(s)].point,
              2 * visits[static_cast<size_t>(24 + s)]);
  }
  // Planned visits missing for the horizon: named.
  series.exogenous[0].values.resize(26);
  EXPECT_EQ(ForecastSeries(series, models, ForecastOptions{}).status().message(),
            "exogenous[0] (visits): 26 values, needs 27 (24 months of history + 3 ahead)");
}

TEST(ForecastSeries, RejectsBadInputNamingTheField) {
  Candidates candidates;
  ForecastOptions options;
  EXPECT_EQ(ForecastSeries(Series({}), candidates.models, options).status().message(),
            "values: empty");
  EXPECT_EQ(Backtest(Series({}), candidates.models, options.backtest).status().message(),
            "values: empty");
  std::vector<double> y = kToy;
  y[3] = std::nan("");
  EXPECT_EQ(ForecastSeries(Series(y), candidates.models, options).status().message(),
            "values[3]: NaN is not a finite number");
  options.horizon = 0;
  EXPECT_EQ(ForecastSeries(Series(kToy), candidates.models, options).status().message(),
            "horizon: must be at least 1, is 0");
  options.horizon = -1;
  EXPECT_EQ(ForecastSeries(Series(kToy), candidates.models, options).status().message(),
            "horizon: must be at least 1, is -1");
  options.horizon = 3;
  options.level = 1.2;
  EXPECT_EQ(ForecastSeries(Series(kToy), candidates.models, options).status().message(),
            "level: must be strictly between 0 and 1, is 1.2");
  options.level = 0.8;
  options.backtest.holdout_months = 0;
  EXPECT_EQ(ForecastSeries(Series(kToy), candidates.models, options).status().message(),
            "backtest.holdout_months: must be at least 1, is 0");
  options.backtest.holdout_months = 6;
  EXPECT_EQ(ForecastSeries(Series(kToy), {}, options).status().message(), "models: empty");
  MonthlySeries bad_month = Series(kToy);
  bad_month.first_month.month = 13;
  EXPECT_EQ(ForecastSeries(bad_month, candidates.models, options).status().message(),
            "first_month.month: must be 1..12, is 13");
}

}  // namespace
}  // namespace pharmacrm::analytics
