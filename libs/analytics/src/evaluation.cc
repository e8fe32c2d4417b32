#include "pharmacrm/analytics/evaluation.h"

#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "src/forecast_internal.h"

namespace pharmacrm::analytics {
namespace {

using forecast_internal::Fixed;

absl::Status Finite(absl::string_view field, double value) {
  if (std::isfinite(value)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(field, ": not a finite number"));
}

absl::Status ValidateStored(const StoredForecast& forecast) {
  for (const auto& [field, value] :
       {std::pair<absl::string_view, double>{"forecast.point", forecast.point},
        {"forecast.lower", forecast.lower},
        {"forecast.upper", forecast.upper},
        {"forecast.mase_scale", forecast.mase_scale}}) {
    if (absl::Status status = Finite(field, value); !status.ok()) return status;
  }
  if (forecast.lower > forecast.upper) {
    return absl::InvalidArgumentError(absl::StrCat("forecast.lower: ", forecast.lower,
                                                   " is above forecast.upper ", forecast.upper));
  }
  if (!(forecast.level > 0 && forecast.level < 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("forecast.level: must be strictly between 0 and 1, is ", forecast.level));
  }
  if (forecast.step < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("forecast.step: must be at least 1, is ", forecast.step));
  }
  if (forecast.mase_scale < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("forecast.mase_scale: must not be negative, is ", forecast.mase_scale));
  }
  return absl::OkStatus();
}

BilingualText AlertMessage(const StoredForecast& f, double actual, AlertDirection direction) {
  const std::string level = Fixed(100 * f.level, 0);
  const std::string interval = absl::StrCat("[", Fixed(f.lower, 1), ", ", Fixed(f.upper, 1), "]");
  const bool above = direction == AlertDirection::kAbove;
  BilingualText text;
  text.en =
      absl::StrCat(DescribeKey(f.key), ", ", FormatMonth(f.month), ": actual ", Fixed(actual, 1),
                   " is ", above ? "above" : "below", " the ", level, " % prediction interval ",
                   interval, " of the forecast ", Fixed(f.point, 1), " (",
                   f.model_name.en.empty() ? f.model_id : f.model_name.en, ", made ", f.step,
                   f.step == 1 ? " month" : " months", " ahead)");
  std::string key_zh = absl::StrCat("产品 ", f.key.product_id, "，辖区 ", f.key.territory_id);
  if (!f.key.hospital_id.empty()) absl::StrAppend(&key_zh, "，医院 ", f.key.hospital_id);
  text.zh = absl::StrCat(
      key_zh, "，", FormatMonth(f.month), "：实际值 ", Fixed(actual, 1), above ? " 高于" : " 低于",
      "预测值 ", Fixed(f.point, 1), " 的 ", level, "% 预测区间 ", interval, "（",
      f.model_name.zh.empty() ? f.model_id : f.model_name.zh, "，提前 ", f.step, " 个月预测）");
  return text;
}

}  // namespace

std::vector<StoredForecast> StoreForecast(const SeriesForecast& forecast) {
  std::vector<StoredForecast> out;
  out.reserve(forecast.months.size());
  for (const ForecastMonth& month : forecast.months) {
    StoredForecast stored;
    stored.key = forecast.key;
    stored.model_id = forecast.model_id;
    stored.model_name = forecast.model_name;
    stored.month = month.month;
    stored.step = month.step;
    stored.point = month.point;
    stored.lower = month.lower;
    stored.upper = month.upper;
    stored.level = forecast.level;
    stored.mase_scale = forecast.scale.mae;
    out.push_back(std::move(stored));
  }
  return out;
}

absl::StatusOr<ActualCheck> CheckActual(const StoredForecast& forecast, double actual) {
  if (absl::Status status = Finite("actual", actual); !status.ok()) return status;
  if (absl::Status status = ValidateStored(forecast); !status.ok()) return status;
  ActualCheck check;
  check.forecast = forecast;
  check.actual = actual;
  check.error = actual - forecast.point;
  if (actual != 0) check.percent_error = 100 * std::abs(check.error) / std::abs(actual);
  if (forecast.mase_scale > 0) check.scaled_error = std::abs(check.error) / forecast.mase_scale;
  check.inside = actual >= forecast.lower && actual <= forecast.upper;
  if (!check.inside) {
    IntervalAlert alert;
    alert.key = forecast.key;
    alert.model_id = forecast.model_id;
    alert.month = forecast.month;
    alert.step = forecast.step;
    alert.direction = actual > forecast.upper ? AlertDirection::kAbove : AlertDirection::kBelow;
    alert.actual = actual;
    alert.point = forecast.point;
    alert.lower = forecast.lower;
    alert.upper = forecast.upper;
    alert.level = forecast.level;
    alert.message = AlertMessage(forecast, actual, alert.direction);
    check.alert = std::move(alert);
  }
  return check;
}

void AccuracyTotals::Add(const ActualCheck& check) {
  ++forecasts;
  sum_abs_error += std::abs(check.error);
  sum_error += check.error;
  sum_actual += check.actual;
  if (check.percent_error.has_value()) {
    ++percent_count;
    sum_percent_error += *check.percent_error;
  } else {
    ++zero_actuals;
  }
  if (check.scaled_error.has_value()) {
    ++scaled_count;
    sum_scaled_error += *check.scaled_error;
  }
  if (check.inside) ++inside;
}

void AccuracyTotals::Remove(const ActualCheck& check) {
  --forecasts;
  sum_abs_error -= std::abs(check.error);
  sum_error -= check.error;
  sum_actual -= check.actual;
  if (check.percent_error.has_value()) {
    --percent_count;
    sum_percent_error -= *check.percent_error;
  } else {
    --zero_actuals;
  }
  if (check.scaled_error.has_value()) {
    --scaled_count;
    sum_scaled_error -= *check.scaled_error;
  }
  if (check.inside) --inside;
}

AccuracySummary Summarize(const AccuracyTotals& totals) {
  AccuracySummary summary;
  summary.forecasts = totals.forecasts;
  summary.mape_zero_actuals = totals.zero_actuals;
  if (totals.forecasts <= 0) return summary;
  const double count = static_cast<double>(totals.forecasts);
  summary.mae = totals.sum_abs_error / count;
  summary.bias = totals.sum_error / count;
  summary.coverage = static_cast<double>(totals.inside) / count;
  if (totals.percent_count > 0) {
    summary.mape = totals.sum_percent_error / static_cast<double>(totals.percent_count);
  }
  if (totals.scaled_count > 0) {
    summary.mase = totals.sum_scaled_error / static_cast<double>(totals.scaled_count);
  }
  if (totals.sum_actual != 0) summary.bias_percent = 100 * totals.sum_error / totals.sum_actual;
  return summary;
}

bool AccuracyHistory::Record(const ActualCheck& check) {
  Track& track = tracks_[{check.forecast.key, check.forecast.model_id}];
  const std::pair<Month, int> at{check.forecast.month, check.forecast.step};
  auto [it, inserted] = track.checks.try_emplace(at, check);
  if (!inserted) {
    track.totals.Remove(it->second);
    it->second = check;
  }
  track.totals.Add(check);
  return !inserted;
}

const AccuracyHistory::Track* AccuracyHistory::Find(const SeriesKey& key,
                                                    absl::string_view model_id) const {
  auto it = tracks_.find({key, std::string(model_id)});
  return it == tracks_.end() ? nullptr : &it->second;
}

}  // namespace pharmacrm::analytics
