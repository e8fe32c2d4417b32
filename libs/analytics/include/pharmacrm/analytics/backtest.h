// Rolling-origin back-tests, the choice of model per series, and the
// forecast that states the model chosen and why.
//
// Back-test: the last K months of the history (`holdout_months`) are held
// out. For each origin o = n-K, ..., n-1 (expanding window) each candidate
// model is fitted to months 1..o and forecasts months o+1 .. o+H (at most to
// the end of the history; H = `horizon`); every forecast of a held-out
// month is compared with its actual, error e = actual - forecast. A model's
// parameters (Holt-Winters' weights) are estimated at the first origin and
// kept for the later ones, whose states are run on over the longer windows
// (rolling origin without recalibration, Tashman 2000) at a third of the
// cost, unless `refit_every_origin`. Either way no forecast sees data after
// its origin. Per model, over all those forecasts:
//   MAE   mean |e|
//   MAPE  mean |e| / |actual| × 100, over months with a non-zero actual; the
//         zero months skipped are counted (mape_zero_actuals)
//   MASE  MAE / scale, the scale the in-sample MAE of seasonal naive on
//         months 1..n-K (mean |y_t - y_{t-12}|) when that window is longer
//         than a season, else of naive (mean |y_t - y_{t-1}|); `scale` says
//         which. A scale of 0 (a flat history) leaves MASE undefined
//   bias  mean e (positive: the forecasts were too low), and as a % of the
//         mean actual
//   coverage  the share of actuals inside the model's interval at `level`
// K is cut to n - 2 for a short history (every window keeps 2 months);
// below 3 months there is no back-test.
//
// A model is skipped, with its reason, when it cannot be fitted to some
// origin's window (too short for it, a value it cannot take) or its fit
// fails there: all models are compared on the same forecasts.
//
// Choice: the lowest MASE (MAE when MASE is undefined: the same order, the
// scale being common); values within 1e-9 relative are a tie, won by the
// lower complexity, then by the earlier candidate. Without a back-test the
// simplest model that fits the whole history is taken. The reason is a
// sentence in English and Simplified Chinese naming the winner's figures and
// the others' MASE, e.g. "Holt-Winters additive: lowest MASE 0.62 over 6
// held-out months (...); seasonal naive 0.91; ...".
//
// Thread safety: pure functions of their arguments; the models are shared
// read-only, so series may be forecast concurrently with the same models.
#ifndef PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_BACKTEST_H_
#define PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_BACKTEST_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "pharmacrm/analytics/forecast.h"

namespace pharmacrm::analytics {

struct BacktestOptions {
  int holdout_months = 6;  // K
  int horizon = 3;         // H
  double level = 0.8;      // of the intervals whose coverage is measured
  int season_length = kMonthsPerYear;
  // false: each model's parameters are estimated at the first origin and
  // reused at the later ones (ForecastModel::FitWith), whose states are run
  // over their longer windows; true: estimated again at every origin (about
  // three times the work for Holt-Winters).
  bool refit_every_origin = false;
};

// The denominator of MASE: the in-sample MAE of the seasonal naive (lag =
// season) or naive (lag = 1) forecast over `terms` months.
struct MaseScale {
  double mae = 0;  // 0: MASE undefined
  int lag = 0;
  int terms = 0;
};
// Over `history`: seasonal naive when it is longer than a season, else naive
// (at least 2 months; with fewer the scale is {0, 0, 0}).
MaseScale ComputeMaseScale(absl::Span<const double> history, int season_length);

struct ModelScore {
  std::string model_id;
  BilingualText model_name;
  int complexity = 0;
  // Why the model was not evaluated; the figures below are then unset.
  std::optional<BilingualText> skipped;
  int forecasts = 0;  // held-out forecasts compared (origins × months ahead)
  double mae = 0;
  std::optional<double> mase;
  std::optional<double> mape;          // percent; unset if every actual was 0
  int mape_zero_actuals = 0;           // forecasts left out of MAPE (actual 0)
  double bias = 0;                     // mean (actual - forecast)
  std::optional<double> bias_percent;  // bias / mean actual × 100; unset if that mean is 0
  double coverage = 0;                 // share of actuals inside the interval
};

struct BacktestResult {
  int holdout_months = 0;  // K used (0: no back-test)
  int horizon = 0;
  double level = 0;
  MaseScale scale;                 // over the first origin's window
  std::vector<ModelScore> scores;  // one per candidate, in their order
};

// InvalidArgument for invalid values (ValidateValues), holdout_months or
// horizon below 1, a level outside (0, 1), or no candidates.
absl::StatusOr<BacktestResult> Backtest(const MonthlySeries& series,
                                        absl::Span<const ForecastModel* const> models,
                                        const BacktestOptions& options);

struct ModelChoice {
  int index = -1;  // into the candidates (and BacktestResult::scores)
  // Candidates in order of preference (the chosen first), for a fallback
  // if the chosen one cannot be fitted to the whole history.
  std::vector<int> ranking;
  BilingualText reason;
};
// The rule above. Without a back-test (or with every model skipped) the
// candidates are ranked by complexity, then order, among those suitable
// for the whole history. FailedPrecondition when none is.
absl::StatusOr<ModelChoice> ChooseModel(const MonthlySeries& series,
                                        absl::Span<const ForecastModel* const> models,
                                        const BacktestResult& backtest);

struct ForecastOptions {
  int horizon = 3;           // months to forecast
  double level = 0.8;        // of the prediction intervals
  BacktestOptions backtest;  // its level is set to `level`
};

struct ForecastMonth {
  Month month;
  int step = 0;  // months ahead, 1..horizon
  double point = 0;
  double lower = 0;
  double upper = 0;
};

// A series' forecast with the model chosen and why.
struct SeriesForecast {
  SeriesKey key;
  std::string model_id;
  BilingualText model_name;
  BilingualText model_description;  // as fitted (e.g. the naive fallback)
  std::vector<ModelParameter> parameters;
  BilingualText interval_method;
  double level = 0;
  std::vector<ForecastMonth> months;
  // The chosen model's back-test figures (unset without a back-test).
  std::optional<ModelScore> metrics;
  BacktestResult backtest;  // every candidate's figures or skip reason
  BilingualText reason;
  // Over the whole history: what evaluation.h scales arriving errors by.
  MaseScale scale;
};

// Back-tests the candidates, chooses one, fits it to the whole history and
// forecasts `horizon` months. If the chosen model cannot be fitted to the
// whole history the next in the ranking is, and the reason says so.
// InvalidArgument for an invalid series (ValidateSeries) or options;
// FailedPrecondition when no candidate fits.
absl::StatusOr<SeriesForecast> ForecastSeries(const MonthlySeries& series,
                                              absl::Span<const ForecastModel* const> models,
                                              const ForecastOptions& options);

// The default candidates: seasonal naive; Holt-Winters additive and
// multiplicative, each with a trend and with a damped trend; the regression
// on visits, prescriptions and last month's sales (regression_forecast.h),
// Unsuitable for a series without those columns.
std::vector<std::unique_ptr<ForecastModel>> DefaultForecastModels();
// Pointers to `models`, as the functions above take them.
std::vector<const ForecastModel*> ModelPointers(
    const std::vector<std::unique_ptr<ForecastModel>>& models);

}  // namespace pharmacrm::analytics

#endif  // PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_BACKTEST_H_
