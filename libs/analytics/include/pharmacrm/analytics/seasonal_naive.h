// Seasonal naive forecasts: each month ahead is forecast by the same month
// a year earlier (lag 12). The benchmark every other model must beat, and
// the model of series too short for anything else.
//
//   forecast for month n+h = y[n+h-12·(k+1)],  k = floor((h-1)/12)
//   residuals e_t = y_t - y_{t-12} for t = 13..n
//   σ² = Σ e_t² / (n - 12)                  (12 values taken from the data)
//   variance of the h-month forecast = σ² (k + 1)
//   interval = point ± z σ √(k+1),  z the normal quantile of (1 + level)/2
//
// This is ETS(A,N,A) with α = 0 and γ = 1 (Hyndman et al. 2008, class 1),
// so its intervals are that model's. A history of at most one season
// (12 months) has no residual to measure the error with, so the model
// falls back to naive (lag 1: every month ahead is the last month,
// σ² = Σ (y_t - y_{t-1})² / (n - 1), variance σ² h), which needs 2 months;
// the fitted model's description says which it used and why.
//
// Thread safety: immutable; see forecast.h.
#ifndef PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_SEASONAL_NAIVE_H_
#define PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_SEASONAL_NAIVE_H_

#include <memory>
#include <optional>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pharmacrm/analytics/forecast.h"

namespace pharmacrm::analytics {

inline constexpr absl::string_view kSeasonalNaiveId = "seasonal_naive";

class SeasonalNaive final : public ForecastModel {
 public:
  // `season_length` months to a season (12 for monthly sales; another value
  // for tests). At least 2.
  explicit SeasonalNaive(int season_length = kMonthsPerYear);

  absl::string_view id() const override { return kSeasonalNaiveId; }
  BilingualText name() const override;
  int complexity() const override { return 0; }
  // Fewer than 2 months.
  std::optional<BilingualText> Unsuitable(const SeriesView& history) const override;
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(const SeriesView& history) const override;

  int season_length() const { return season_length_; }

 private:
  int season_length_;
};

}  // namespace pharmacrm::analytics

#endif  // PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_SEASONAL_NAIVE_H_
