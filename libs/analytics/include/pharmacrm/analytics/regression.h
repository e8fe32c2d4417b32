// Relation models: ordinary least squares of a numeric response (sales) on
// numeric regressors (visits, rep cost) and fixed effects of categorical
// ones (hospital class, doctor class), with the inference a reader needs to
// tell a real effect from noise: standard errors, t-statistics, two-sided
// p-values, 95 % confidence intervals and a plain verdict per coefficient;
// R², adjusted R², the residual standard error and the F-test of all
// regressors together. docs/ANALYTICS.md ("Relation models") gives the
// formulas, the assumptions and how to read the output.
//
//   sales_i = b0 + b1 visits_i + b2 rep_cost_i
//             + sum over hospital classes c != baseline of g_c [class_i = c]
//             + e_i
//
// Fitted with Eigen's column-pivoting Householder QR on the design with its
// columns scaled to unit root mean square (no normal equations), p-values
// and quantiles from Boost.Math. Standard errors are the classical ones
// (homoskedastic errors) or, on request, White's heteroskedasticity-robust
// HC1 (what statsmodels' cov_type='HC1' and Stata's vce(robust) compute);
// inference uses Student's t with n - k degrees of freedom in both cases.
// Checked against statsmodels by the ctest analytics_regression_reference_test
// (libs/analytics/reference).
//
// Thread safety: pure functions; a result is a plain value.
#ifndef PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_REGRESSION_H_
#define PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_REGRESSION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pharmacrm/analytics/columns.h"
#include "pharmacrm/analytics/estimates.h"

namespace pharmacrm::analytics {

enum class Covariance {
  kClassical,  // s² (X'X)⁻¹: errors of one variance for every row
  kHC1,        // n/(n-k) (X'X)⁻¹ X' diag(e²) X (X'X)⁻¹: robust to unequal variances
};

struct OlsSpec {
  std::string response;   // a numeric column
  Regressors regressors;  // at least one
  Covariance covariance = Covariance::kClassical;
  // What the rows cover, as the caller knows it ("2025-01..2025-12"): the
  // library has no dates, it carries the label into the result and summary.
  std::string period;
};

struct OlsResult {
  std::string response;
  std::string period;
  Covariance covariance = Covariance::kClassical;
  DesignLayout layout;  // the columns of the design, for PredictOls

  int64_t observations = 0;  // n: rows fitted
  int64_t parameters = 0;    // k: coefficients, the intercept included
  int64_t df_model = 0;      // k - 1
  int64_t df_residual = 0;   // n - k

  double r_squared = 0;           // 1 - SSR / SST (SST about the mean)
  double adjusted_r_squared = 0;  // 1 - (1 - R²)(n - 1)/(n - k)
  double residual_std_error = 0;  // sqrt(SSR / (n - k)), in the response's units
  // The test that every coefficient but the intercept is 0, on df_model and
  // df_residual degrees of freedom: (SSE_model / (k - 1)) / s² with
  // classical errors, the Wald statistic divided by k - 1 with HC1.
  double f_statistic = 0;
  double f_p_value = 1;
  bool f_significant = false;  // f_p_value < kSignificanceLevel
  // "the regressors together are significant at 5 %: p < 0.0001", and in
  // Chinese "回归变量整体在5%水平上显著（p < 0.0001）".
  std::string f_verdict;
  std::string f_verdict_zh;

  // In layout.ColumnNames() order: "intercept", the numeric regressors, then
  // "<factor>=<level>" for each level but the factor's baseline (the
  // level's difference from the baseline, the other regressors held equal).
  std::vector<Estimate> coefficients;
  // The coefficients' covariance matrix, k x k row-major in the order of
  // `coefficients`, as their standard errors use it (s² (X'X)⁻¹ classical,
  // HC1's sandwich robust): what a prediction's variance x' V x needs.
  std::vector<double> coefficient_covariance;

  // The coefficient of that name, or null.
  const Estimate* Find(absl::string_view name) const;
};

// Fits `spec` on every row of `data`. InvalidArgument, naming the column
// (and 0-based row) at fault, for: empty data; columns of different lengths;
// a missing, misnamed or wrongly typed column; a regressor listed twice or
// also the response; a NaN or infinite value; an empty categorical value;
// no regressor; no more rows than parameters; a constant response or
// numeric regressor; a factor with a single level or an unknown baseline;
// columns that are collinear (the first such column and those it is a
// combination of); a response the regressors fit exactly.
absl::StatusOr<OlsResult> FitOls(const Table& data, const OlsSpec& spec);

// The fitted values for the rows of `rows` (the model's regressor columns
// are needed, the response is not). InvalidArgument for a missing column, a
// NaN or infinite value, or a factor level the fit did not see.
absl::StatusOr<std::vector<double>> PredictOls(const OlsResult& fit, const Table& rows);

// A plain-text report: the model, n, k, the period, R², the F-test and one
// line per coefficient with its verdict.
std::string FormatOlsSummary(const OlsResult& fit);

}  // namespace pharmacrm::analytics

#endif  // PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_REGRESSION_H_
