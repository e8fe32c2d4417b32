// Regression forecasts: monthly sales on the exogenous columns (visits,
// prescriptions, ...) and the previous month's sales, fitted by the relation
// models' least squares (regression.h, FitOls) on months 2..n of the history:
//
//   y_t = b0 + Σ_j b_j x_{j,t} + φ y_{t-1} + e_t,   e_t ~ N(0, σ²) independent
//
// with σ² = SSR / (n - 1 - k), k = 2 + (number of columns) coefficients.
// There is no 12-month lag: seasonality is expected to come through the
// columns (visits follow the calendar), and a y_{t-12} term would cost a
// year of history and 12 rows of the fit.
//
// Forecasts are recursive: month n+h uses the planned x_{j,n+h} (`future`)
// and, for y_{n+h-1}, the actual last month at h = 1 and the forecast
// before it afterwards. Intervals, with t the Student quantile on n - 1 - k
// degrees of freedom and r_h = (1, x_{1,n+h}, ..., ŷ_{n+h-1}) the month's
// design row:
//
//   point ± t · sqrt(σ² Σ_{i<h} φ^{2i} + r_h' V r_h),   V = σ² (X'X)⁻¹
//
// At h = 1 this is the OLS prediction interval (statsmodels'
// get_prediction(...).conf_int(obs=True)). For h > 1 the error variance is
// propagated through the lag, the coefficients' uncertainty is counted for
// the month's own row only (not propagated through the predicted lags), and
// the planned x are taken as known.
//
// The series must carry every named column (else Unsuitable) and at least
// k + 2 months (k + 1 rows for k coefficients, one residual degree of
// freedom). A fit FitOls refuses (a constant column or constant sales over
// the history, collinear columns, an exact fit) is a FailedPrecondition
// naming it, which the back-test records as a skip.
//
// Thread safety: immutable; see forecast.h.
#ifndef PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_REGRESSION_FORECAST_H_
#define PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_REGRESSION_FORECAST_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pharmacrm/analytics/forecast.h"

namespace pharmacrm::analytics {

inline constexpr absl::string_view kRegressionForecastId = "regression_lag1";
// The name of φ, the previous month's sales, among the parameters.
inline constexpr absl::string_view kSalesLag1 = "sales_lag1";

struct RegressionForecastOptions {
  // The exogenous columns, by name, in the order of their coefficients.
  std::vector<std::string> columns = {"visits", "prescriptions"};
};

class RegressionForecast final : public ForecastModel {
 public:
  explicit RegressionForecast(RegressionForecastOptions options = {});

  absl::string_view id() const override { return kRegressionForecastId; }
  BilingualText name() const override;
  // The coefficients: intercept, one per column, φ.
  int complexity() const override;
  // A named column the series does not carry, or fewer than
  // complexity() + 2 months.
  std::optional<BilingualText> Unsuitable(const SeriesView& history) const override;
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(const SeriesView& history) const override;

  // The months of history the model needs.
  int min_history() const { return complexity() + 2; }
  const RegressionForecastOptions& options() const { return options_; }

 private:
  RegressionForecastOptions options_;
};

}  // namespace pharmacrm::analytics

#endif  // PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_REGRESSION_FORECAST_H_
