// Monthly sales forecasts: the series a model is fitted to, the interface
// every forecasting model implements, and the checks of its inputs.
// docs/ANALYTICS.md gives each model's formula and how to read
// its output.
//
// A series is one product's sales in one territory (or at one hospital),
// one value per calendar month, oldest first, with no gaps: a month without
// sales is 0, not missing. It may carry named exogenous columns (visits,
// prescriptions, ...) whose values run over the history and on into the
// months to forecast, where they are the known or planned values; the
// time-series models (seasonal_naive.h, holt_winters.h) ignore them, a
// regression model reads them by name.
//
// A ForecastModel is a description of how to fit (immutable, shareable);
// Fit() returns a FittedModel, which forecasts. backtest.h compares models
// on held-out months and chooses one per series.
//
// Thread safety: ForecastModel and FittedModel are immutable after
// construction; their const methods may be called concurrently.
#ifndef PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_FORECAST_H_
#define PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_FORECAST_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace pharmacrm::analytics {

inline constexpr int kMonthsPerYear = 12;

// A calendar month.
struct Month {
  int year = 0;
  int month = 0;  // 1..12
  friend bool operator==(const Month&, const Month&) = default;
  friend auto operator<=>(const Month&, const Month&) = default;
};
// `months` after (or before, if negative) `from`.
Month AddMonths(Month from, int months);
// "2025-03".
std::string FormatMonth(Month month);

// Text shown to people, in English and Simplified Chinese.
struct BilingualText {
  std::string en;
  std::string zh;
};

// Which series: a product in a territory, or at one hospital of it.
struct SeriesKey {
  std::string product_id;
  std::string territory_id;
  std::string hospital_id;  // empty: the whole territory
  friend bool operator==(const SeriesKey&, const SeriesKey&) = default;
  friend auto operator<=>(const SeriesKey&, const SeriesKey&) = default;
};
// "product P1, territory T7" or "product P1, territory T7, hospital H3".
std::string DescribeKey(const SeriesKey& key);

// A regressor known month by month: values[i] is for the series' month i,
// over the history and then the months to forecast (planned values).
struct ExogenousColumn {
  std::string name;  // e.g. "visits", "prescriptions"
  std::vector<double> values;
};

// One series as the caller holds it.
struct MonthlySeries {
  SeriesKey key;
  Month first_month;           // the month of values[0]
  std::vector<double> values;  // the history, one per month, oldest first
  std::vector<ExogenousColumn> exogenous;
};

// Views of the above handed to a model, so that a back-test can fit on a
// prefix of the history without copying it.
struct ExogenousView {
  absl::string_view name;
  absl::Span<const double> values;
};
struct SeriesView {
  absl::Span<const double> values;  // the history to fit on
  // Columns with at least values.size() values each: the history's months.
  absl::Span<const ExogenousView> exogenous;
};
// Views of `series`' columns from month `first` on, `count` values each
// (the caller checked that they are long enough).
std::vector<ExogenousView> ExogenousViews(const MonthlySeries& series, int first, int count);

// A named number a fitted model reports (smoothing weights, states, the
// residual standard deviation, ...).
struct ModelParameter {
  std::string name;
  double value = 0;
};

// Forecasts of the months after the history: point[i], lower[i] and
// upper[i] are for the (i+1)-th month ahead; [lower, upper] is the
// prediction interval at `level` (e.g. 0.8: the actual is expected inside
// it four times in five).
struct IntervalForecast {
  double level = 0;
  std::vector<double> point;
  std::vector<double> lower;
  std::vector<double> upper;
};

class FittedModel {
 public:
  virtual ~FittedModel() = default;

  // The `horizon` months after the history. `future` holds the exogenous
  // columns' values for those months (at least `horizon` each); models
  // without regressors ignore it. InvalidArgument for horizon < 1, level
  // outside (0, 1), or a regressor the model needs missing or too short.
  virtual absl::StatusOr<IntervalForecast> Forecast(
      int horizon, double level, absl::Span<const ExogenousView> future) const = 0;

  // One-step-ahead in-sample forecasts, one per history month; NaN where
  // the model makes none (e.g. the first year of seasonal naive).
  virtual absl::Span<const double> fitted() const = 0;
  // What was fitted: weights, states, "sigma" (the residual standard
  // deviation the intervals use), ...
  virtual std::vector<ModelParameter> parameters() const = 0;
  // The model as fitted, e.g. "seasonal naive (lag 12)", or the naive
  // fallback with the reason for it.
  virtual BilingualText description() const = 0;
  // How the prediction intervals are computed.
  virtual BilingualText interval_method() const = 0;
};

class ForecastModel {
 public:
  virtual ~ForecastModel() = default;

  // Stable identifier, e.g. "holt_winters_additive"; stored with forecasts.
  virtual absl::string_view id() const = 0;
  virtual BilingualText name() const = 0;
  // Number of parameters fitted to the data; on a tie the back-test prefers
  // the model with fewer.
  virtual int complexity() const = 0;
  // Why the model cannot be fitted to this history (too short, a value it
  // cannot take), or nullopt when it can. The history is assumed valid
  // (ValidateValues).
  virtual std::optional<BilingualText> Unsuitable(const SeriesView& history) const = 0;
  // InvalidArgument for an invalid history (empty, not finite);
  // FailedPrecondition, with Unsuitable()'s English text, for one the model
  // cannot take.
  virtual absl::StatusOr<std::unique_ptr<FittedModel>> Fit(const SeriesView& history) const = 0;
  // As Fit(), but reusing `estimated`, the parameters() of this model's fit
  // to a shorter prefix of `history`, instead of estimating them again
  // (Holt-Winters keeps α, β, γ, φ and runs its states over the longer
  // history). The back-test's later origins use it (backtest.h). The
  // default, for models with nothing worth reusing, fits afresh.
  virtual absl::StatusOr<std::unique_ptr<FittedModel>> FitWith(
      const SeriesView& history, absl::Span<const ModelParameter> /*estimated*/) const {
    return Fit(history);
  }
};

// Input checks. Each error names the field: "values: empty",
// "values[7]: NaN is not a finite number", "horizon: must be at least 1, is 0",
// "level: must be strictly between 0 and 1, is 1.2".
absl::Status ValidateValues(absl::Span<const double> values, absl::string_view field = "values");
absl::Status ValidateHorizon(int horizon);
absl::Status ValidateLevel(double level);
// A whole series to be forecast `horizon` months ahead (0: the history
// alone, as a back-test needs): the values, the first month, and each column (a unique, non-empty
// name; finite values covering the history and the horizon, e.g. "exogenous[1] (visits): 25 values,
// needs 27 (24 months of history + 3 ahead)").
absl::Status ValidateSeries(const MonthlySeries& series, int horizon);

}  // namespace pharmacrm::analytics

#endif  // PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_FORECAST_H_
