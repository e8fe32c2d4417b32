// Helpers shared by the forecasting sources; not part of the public API.
#ifndef PHARMACRM_LIBS_ANALYTICS_SRC_FORECAST_INTERNAL_H_
#define PHARMACRM_LIBS_ANALYTICS_SRC_FORECAST_INTERNAL_H_

#include <string>
#include <vector>

#include "absl/types/span.h"
#include "pharmacrm/analytics/forecast.h"

namespace pharmacrm::analytics::forecast_internal {

// The standard normal quantile of p in (0, 1) (Boost.Math).
double NormalQuantile(double p);

// The quantiles at probabilities low <= high in [0, 1] of `values`,
// interpolated as numpy's default ("linear", Hyndman and Fan's type 7):
// with the values sorted, x[floor(h)] + (h - floor(h)) (x[floor(h)+1] -
// x[floor(h)]), h = (N - 1) p. Reorders `values` (partial sorts); N >= 1.
struct QuantilePair {
  double low;
  double high;
};
QuantilePair LinearQuantiles(absl::Span<double> values, double low, double high);

// Point ± z σ_h for the (1 + level)/2 normal quantile z, for each month
// ahead: σ_h = sigma * sqrt(variance_factor[h-1]).
IntervalForecast NormalIntervals(double level, std::vector<double> point, double sigma,
                                 absl::Span<const double> variance_factor);

// "0.62"; "-" for no value.
std::string Fixed(double value, int decimals);

}  // namespace pharmacrm::analytics::forecast_internal

#endif  // PHARMACRM_LIBS_ANALYTICS_SRC_FORECAST_INTERNAL_H_
