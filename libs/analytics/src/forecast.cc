#include "pharmacrm/analytics/forecast.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <set>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "boost/math/distributions/normal.hpp"
#include "src/forecast_internal.h"

namespace pharmacrm::analytics {

Month AddMonths(Month from, int months) {
  // Months since year 0, floor-divided so that negative offsets work.
  const int index = from.year * kMonthsPerYear + (from.month - 1) + months;
  int year = index / kMonthsPerYear;
  int month0 = index % kMonthsPerYear;
  if (month0 < 0) {
    month0 += kMonthsPerYear;
    --year;
  }
  return Month{year, month0 + 1};
}

std::string FormatMonth(Month month) {
  return absl::StrFormat("%04d-%02d", month.year, month.month);
}

std::string DescribeKey(const SeriesKey& key) {
  std::string out = absl::StrCat("product ", key.product_id, ", territory ", key.territory_id);
  if (!key.hospital_id.empty()) absl::StrAppend(&out, ", hospital ", key.hospital_id);
  return out;
}

std::vector<ExogenousView> ExogenousViews(const MonthlySeries& series, int first, int count) {
  std::vector<ExogenousView> views;
  views.reserve(series.exogenous.size());
  for (const ExogenousColumn& column : series.exogenous) {
    views.push_back(
        {column.name, absl::MakeConstSpan(column.values)
                          .subspan(static_cast<size_t>(first), static_cast<size_t>(count))});
  }
  return views;
}

namespace {

std::string Describe(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "+infinity" : "-infinity";
  return absl::StrCat(value);
}

}  // namespace

absl::Status ValidateValues(absl::Span<const double> values, absl::string_view field) {
  if (values.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ": empty"));
  for (size_t i = 0; i < values.size(); ++i) {
    if (!std::isfinite(values[i])) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, "[", i, "]: ", Describe(values[i]), " is not a finite number"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateHorizon(int horizon) {
  if (horizon < 1) {
    return absl::InvalidArgumentError(absl::StrCat("horizon: must be at least 1, is ", horizon));
  }
  return absl::OkStatus();
}

absl::Status ValidateLevel(double level) {
  if (!(level > 0 && level < 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("level: must be strictly between 0 and 1, is ", Describe(level)));
  }
  return absl::OkStatus();
}

absl::Status ValidateSeries(const MonthlySeries& series, int horizon) {
  if (absl::Status status = ValidateValues(series.values); !status.ok()) return status;
  if (horizon < 0) {
    return absl::InvalidArgumentError(absl::StrCat("horizon: must be at least 0, is ", horizon));
  }
  if (series.first_month.month < 1 || series.first_month.month > kMonthsPerYear) {
    return absl::InvalidArgumentError(
        absl::StrCat("first_month.month: must be 1..12, is ", series.first_month.month));
  }
  const size_t needed = series.values.size() + static_cast<size_t>(horizon);
  std::set<std::string> names;
  for (size_t c = 0; c < series.exogenous.size(); ++c) {
    const ExogenousColumn& column = series.exogenous[c];
    const std::string field = absl::StrCat("exogenous[", c, "]");
    if (column.name.empty()) return absl::InvalidArgumentError(absl::StrCat(field, ".name: empty"));
    if (!names.insert(column.name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat(field, ".name: '", column.name, "' is already the name of another column"));
    }
    if (column.values.size() < needed) {
      return absl::InvalidArgumentError(absl::StrCat(
          field, " (", column.name, "): ", column.values.size(), " values, needs ", needed, " (",
          series.values.size(), " months of history + ", horizon, " ahead)"));
    }
    if (absl::Status status =
            ValidateValues(absl::MakeConstSpan(column.values).first(needed), field + ".values");
        !status.ok()) {
      return status;
    }
  }
  return absl::OkStatus();
}

namespace forecast_internal {

double NormalQuantile(double p) {
  static const boost::math::normal_distribution<double> kStandard(0.0, 1.0);
  return boost::math::quantile(kStandard, p);
}

namespace {

// The type-7 quantile at p of values[from, end), every value before `from`
// being no greater than any from it on (so the order statistics are those
// of the whole span).
double QuantileFrom(absl::Span<double> values, size_t from, double p) {
  const double h = static_cast<double>(values.size() - 1) * p;
  const size_t below = std::max(from, static_cast<size_t>(std::floor(h)));
  const auto at = values.begin() + static_cast<std::ptrdiff_t>(below);
  std::nth_element(values.begin() + static_cast<std::ptrdiff_t>(from), at, values.end());
  const double lower = *at;
  if (below + 1 >= values.size()) return lower;
  // The next order statistic is the smallest value after the nth element.
  const double upper = *std::min_element(at + 1, values.end());
  return lower + (h - static_cast<double>(below)) * (upper - lower);
}

}  // namespace

QuantilePair LinearQuantiles(absl::Span<double> values, double low, double high) {
  QuantilePair out;
  out.low = QuantileFrom(values, 0, low);
  // The partition at floor((N-1) low) leaves the larger values after it, so
  // the second search covers only them.
  const size_t split =
      static_cast<size_t>(std::floor(static_cast<double>(values.size() - 1) * low));
  out.high = QuantileFrom(values, split, high);
  return out;
}

IntervalForecast NormalIntervals(double level, std::vector<double> point, double sigma,
                                 absl::Span<const double> variance_factor) {
  const double z = NormalQuantile((1 + level) / 2);
  IntervalForecast out;
  out.level = level;
  out.lower.resize(point.size());
  out.upper.resize(point.size());
  for (size_t i = 0; i < point.size(); ++i) {
    const double half = z * sigma * std::sqrt(variance_factor[i]);
    out.lower[i] = point[i] - half;
    out.upper[i] = point[i] + half;
  }
  out.point = std::move(point);
  return out;
}

std::string Fixed(double value, int decimals) {
  if (!std::isfinite(value)) return "-";
  return absl::StrFormat("%.*f", decimals, value);
}

}  // namespace forecast_internal
}  // namespace pharmacrm::analytics
