// Forecasts evaluated as the months arrive: each actual against the stored
// forecast of its month (the error, whether it fell inside the prediction
// interval, an alert when it did not), and the accuracy of each series'
// models over the months arrived so far. Pure functions and data types: the
// service stores them.
//
// Rules (docs/ANALYTICS.md, "Evaluation as the months arrive"):
//  - error = actual - point (positive: the forecast was too low);
//  - inside when lower <= actual <= upper; otherwise an alert, "above" when
//    actual > upper, "below" when actual < lower, in both languages;
//  - the percent error |error| / |actual| × 100 exists only for a non-zero
//    actual; the scaled error |error| / scale only for a positive MASE scale
//    (the one stored with the forecast, computed on the history it was
//    fitted to);
//  - accuracy over arrived months: MAE, MAPE (zero actuals skipped and
//    counted), MASE, bias (mean error, and as a % of the mean actual) and the
//    share inside the interval, per series and model, over every stored
//    forecast checked (a month forecast 1, 2 and 3 months ahead counts three
//    times, once per forecast).
//
// Thread safety: functions are pure; AccuracyHistory is a plain value (not
// synchronised).
#ifndef PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_EVALUATION_H_
#define PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_EVALUATION_H_

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pharmacrm/analytics/backtest.h"
#include "pharmacrm/analytics/forecast.h"

namespace pharmacrm::analytics {

// One month of a forecast, as stored.
struct StoredForecast {
  SeriesKey key;
  std::string model_id;
  BilingualText model_name;
  Month month;   // the month forecast
  int step = 0;  // months ahead it was made (1 = the next month)
  double point = 0;
  double lower = 0;
  double upper = 0;
  double level = 0;
  double mase_scale = 0;  // MaseScale::mae of the forecast's history; 0: none
};
// Every month of `forecast`.
std::vector<StoredForecast> StoreForecast(const SeriesForecast& forecast);

enum class AlertDirection { kAbove, kBelow };

struct IntervalAlert {
  SeriesKey key;
  std::string model_id;
  Month month;
  int step = 0;
  AlertDirection direction = AlertDirection::kAbove;
  double actual = 0;
  double point = 0;
  double lower = 0;
  double upper = 0;
  double level = 0;
  // e.g. "product P1, territory T7, 2025-03: actual 1250.0 is above the 80 %
  // prediction interval [900.0, 1100.0] of the forecast 1000.0 (Holt-Winters
  // additive, made 1 month ahead)".
  BilingualText message;
};

struct ActualCheck {
  StoredForecast forecast;
  double actual = 0;
  double error = 0;                     // actual - point
  std::optional<double> percent_error;  // |error| / |actual| × 100
  std::optional<double> scaled_error;   // |error| / mase_scale
  bool inside = false;
  std::optional<IntervalAlert> alert;  // set exactly when !inside
};

// InvalidArgument for a non-finite actual, or a stored forecast that is not
// one (non-finite figures, lower > upper, level outside (0, 1), step < 1,
// negative scale), naming the field.
absl::StatusOr<ActualCheck> CheckActual(const StoredForecast& forecast, double actual);

// Sums over checked forecasts; Add and Remove are exact inverses up to
// rounding, so a restated actual replaces the old one.
struct AccuracyTotals {
  int forecasts = 0;
  double sum_abs_error = 0;
  double sum_error = 0;
  double sum_actual = 0;
  int percent_count = 0;
  double sum_percent_error = 0;
  int zero_actuals = 0;
  int scaled_count = 0;
  double sum_scaled_error = 0;
  int inside = 0;

  void Add(const ActualCheck& check);
  void Remove(const ActualCheck& check);
};

struct AccuracySummary {
  int forecasts = 0;
  double mae = 0;
  std::optional<double> mape;  // unset if no non-zero actual
  int mape_zero_actuals = 0;
  std::optional<double> mase;  // unset if no forecast had a positive scale
  double bias = 0;
  std::optional<double> bias_percent;  // unset if the mean actual is 0
  double coverage = 0;
};
// All zero for no forecasts.
AccuracySummary Summarize(const AccuracyTotals& totals);

// The checks of every series and model, with their running totals. A check
// of a (month, step) already recorded for that series and model replaces
// it (a restated actual).
class AccuracyHistory {
 public:
  struct Track {
    AccuracyTotals totals;
    // By (month, step), in month order.
    std::map<std::pair<Month, int>, ActualCheck> checks;
  };

  // Returns true when it replaced an earlier check of the same month and step.
  bool Record(const ActualCheck& check);
  // nullptr when nothing was recorded for that series and model.
  const Track* Find(const SeriesKey& key, absl::string_view model_id) const;
  // Every (series, model) recorded, in key then model order.
  const std::map<std::pair<SeriesKey, std::string>, Track>& tracks() const { return tracks_; }

 private:
  std::map<std::pair<SeriesKey, std::string>, Track> tracks_;
};

}  // namespace pharmacrm::analytics

#endif  // PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_EVALUATION_H_
