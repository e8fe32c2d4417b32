#include "pharmacrm/analytics/regression.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "Eigen/Cholesky"
#include "Eigen/Core"
#include "Eigen/QR"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "src/design_matrix.h"
#include "src/p_values.h"
#include "src/summary_text.h"

namespace pharmacrm::analytics {
namespace {

// Rows per block when the design is rebuilt for the residuals and the
// robust covariance (the QR overwrites the full design): small enough to
// stay in cache, large enough for Eigen's matrix products.
constexpr int64_t kBlockRows = 4096;

// Below this share of the total sum of squares, the residuals are rounding
// noise: the regressors reproduce the response exactly.
constexpr double kExactFitShare = 1e-20;

struct Residuals {
  double ssr = 0;
  Eigen::MatrixXd meat;  // X' diag(e²) X, with HC1 only
};

// The residuals' sum of squares (and the robust covariance's middle term),
// rebuilding the design block by block from the coded rows.
Residuals ComputeResiduals(const internal::CodedDesign& design,
                           const Eigen::Map<const Eigen::VectorXd>& y, const Eigen::VectorXd& beta,
                           bool robust) {
  const int64_t n = design.rows();
  const int64_t k = design.cols();
  Residuals out;
  if (robust) out.meat = Eigen::MatrixXd::Zero(k, k);
  Eigen::MatrixXd block(std::min(kBlockRows, n), k);
  Eigen::VectorXd e(block.rows());
  for (int64_t begin = 0; begin < n; begin += kBlockRows) {
    const int64_t m = std::min(kBlockRows, n - begin);
    auto x = block.topRows(m);
    design.Fill(begin, begin + m, x);
    e.head(m).noalias() = y.segment(begin, m) - x * beta;
    out.ssr += e.head(m).squaredNorm();
    if (robust) {
      const Eigen::MatrixXd weighted = x.array().colwise() * e.head(m).array().square();
      out.meat.noalias() += x.transpose() * weighted;
    }
  }
  return out;
}

std::string CovarianceName(Covariance covariance) {
  return covariance == Covariance::kHC1 ? "heteroskedasticity-robust (HC1)" : "classical";
}

}  // namespace

const Estimate* OlsResult::Find(absl::string_view name) const {
  for (const Estimate& e : coefficients) {
    if (e.name == name) return &e;
  }
  return nullptr;
}

absl::StatusOr<OlsResult> FitOls(const Table& data, const OlsSpec& spec) {
  absl::StatusOr<int64_t> n = internal::CheckTable(data);
  if (!n.ok()) return n.status();
  if (spec.response.empty()) return absl::InvalidArgumentError("no response column given");
  std::vector<int64_t> all = internal::AllRows(*n);
  absl::StatusOr<const NumericColumn*> response = internal::FiniteNumeric(data, spec.response, all);
  if (!response.ok()) return response.status();
  if (spec.regressors.numeric.empty() && spec.regressors.factors.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no regressor given for '", spec.response, "': the model needs at least one"));
  }
  absl::StatusOr<DesignLayout> layout =
      internal::ResolveLayout(data, spec.regressors, spec.response, all);
  if (!layout.ok()) return layout.status();
  const std::vector<std::string> names = layout->ColumnNames();
  const int64_t k = layout->ColumnCount();
  if (*n <= k) {
    return absl::InvalidArgumentError(
        absl::StrCat("fewer rows than the fit needs: ", *n, " rows for ", k, " parameters (",
                     absl::StrJoin(names, ", "), "); it needs at least ", k + 1));
  }
  absl::StatusOr<internal::CodedDesign> design =
      internal::CodedDesign::Create(*layout, data, std::move(all));
  if (!design.ok()) return design.status();

  const Eigen::Map<const Eigen::VectorXd> y(response.value()->values.data(), *n);
  const double sst = (y.array() - y.mean()).square().sum();
  if (!(sst > 0)) {
    return absl::InvalidArgumentError(absl::StrCat("response '", spec.response,
                                                   "' is constant (every row is ", y(0),
                                                   "): there is no variation to explain"));
  }

  // QR of the scaled design, in place (the design is the largest object of
  // a fit). Scaling makes the rank threshold mean the same for a column in
  // yuan as for a 0/1 dummy.
  Eigen::MatrixXd x = design->Matrix();
  const Eigen::VectorXd scale = internal::ColumnRms(x);
  x.array().rowwise() /= scale.transpose().array();
  Eigen::ColPivHouseholderQR<Eigen::Ref<Eigen::MatrixXd>> qr(x);
  qr.setThreshold(internal::kCollinearityTolerance);
  if (qr.rank() < k) {
    return absl::InvalidArgumentError(internal::DescribeCollinearity(design->Matrix(), names));
  }
  const Eigen::VectorXd beta = qr.solve(y).cwiseQuotient(scale);
  // (X'X)⁻¹ from the triangular factor: X P = Q R, so (X'X)⁻¹ = P R⁻¹ R⁻ᵀ Pᵀ,
  // then undo the scaling.
  const Eigen::MatrixXd r_inverse =
      qr.matrixR().topLeftCorner(k, k).triangularView<Eigen::Upper>().solve(
          Eigen::MatrixXd::Identity(k, k));
  Eigen::MatrixXd xtx_inverse =
      qr.colsPermutation() * (r_inverse * r_inverse.transpose()) * qr.colsPermutation().transpose();
  xtx_inverse.array() /= (scale * scale.transpose()).array();

  const bool robust = spec.covariance == Covariance::kHC1;
  const Residuals residuals = ComputeResiduals(*design, y, beta, robust);
  if (residuals.ssr <= kExactFitShare * sst) {
    return absl::InvalidArgumentError(
        absl::StrCat("the regressors fit '", spec.response,
                     "' exactly (R² = 1): standard errors and p-values are undefined"));
  }
  const double df_residual = static_cast<double>(*n - k);
  Eigen::MatrixXd covariance;
  if (robust) {
    covariance =
        xtx_inverse * residuals.meat * xtx_inverse * (static_cast<double>(*n) / df_residual);
  } else {
    covariance = xtx_inverse * (residuals.ssr / df_residual);
  }

  OlsResult fit;
  fit.response = spec.response;
  fit.period = spec.period;
  fit.covariance = spec.covariance;
  fit.observations = *n;
  fit.parameters = k;
  fit.df_model = k - 1;
  fit.df_residual = *n - k;
  fit.r_squared = 1 - residuals.ssr / sst;
  fit.adjusted_r_squared = 1 - (1 - fit.r_squared) * static_cast<double>(*n - 1) / df_residual;
  fit.residual_std_error = std::sqrt(residuals.ssr / df_residual);
  if (robust) {
    // Wald test of every slope being 0 with the robust covariance, as an F:
    // b' V⁻¹ b = z' C⁻¹ z with z the t-statistics and C the correlation
    // matrix of the slopes, which unlike V is not scaled by the regressors'
    // units (a coefficient per yuan beside one per class).
    const Eigen::VectorXd se = covariance.diagonal().tail(k - 1).cwiseSqrt();
    const Eigen::VectorXd z = beta.tail(k - 1).cwiseQuotient(se);
    Eigen::MatrixXd correlation = covariance.bottomRightCorner(k - 1, k - 1);
    correlation.array() /= (se * se.transpose()).array();
    fit.f_statistic = z.dot(correlation.ldlt().solve(z)) / static_cast<double>(k - 1);
  } else {
    fit.f_statistic =
        ((sst - residuals.ssr) / static_cast<double>(k - 1)) / (residuals.ssr / df_residual);
  }
  fit.f_p_value = internal::FisherFUpper(fit.f_statistic, static_cast<double>(k - 1), df_residual);
  fit.f_significant = fit.f_p_value < kSignificanceLevel;
  fit.f_verdict = absl::StrCat("the regressors together are ", SignificanceSentence(fit.f_p_value));
  fit.f_verdict_zh = absl::StrCat("回归变量整体", SignificanceSentenceZh(fit.f_p_value));
  for (int64_t j = 0; j < k; ++j) {
    Estimate e;
    e.name = names[j];
    e.estimate = beta(j);
    e.std_error = std::sqrt(covariance(j, j));
    FillInference(df_residual, e);
    fit.coefficients.push_back(std::move(e));
  }
  fit.coefficient_covariance.resize(static_cast<size_t>(k * k));
  Eigen::Map<Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>>(
      fit.coefficient_covariance.data(), k, k) = covariance;
  fit.layout = *std::move(layout);
  return fit;
}

absl::StatusOr<std::vector<double>> PredictOls(const OlsResult& fit, const Table& rows) {
  absl::StatusOr<int64_t> n = internal::CheckTable(rows);
  if (!n.ok()) return n.status();
  absl::StatusOr<internal::CodedDesign> design =
      internal::CodedDesign::Create(fit.layout, rows, internal::AllRows(*n));
  if (!design.ok()) return design.status();
  const int64_t k = design->cols();
  if (static_cast<int64_t>(fit.coefficients.size()) != k) {
    return absl::InvalidArgumentError("the fit's coefficients do not match its layout");
  }
  Eigen::VectorXd beta(k);
  for (int64_t j = 0; j < k; ++j) beta(j) = fit.coefficients[j].estimate;
  std::vector<double> predictions(*n);
  Eigen::MatrixXd block(std::min(kBlockRows, *n), k);
  for (int64_t begin = 0; begin < *n; begin += kBlockRows) {
    const int64_t m = std::min(kBlockRows, *n - begin);
    auto x = block.topRows(m);
    design->Fill(begin, begin + m, x);
    Eigen::Map<Eigen::VectorXd>(predictions.data() + begin, m).noalias() = x * beta;
  }
  return predictions;
}

std::string FormatOlsSummary(const OlsResult& fit) {
  std::vector<std::string> terms;
  for (const std::string& name : fit.layout.numeric) terms.push_back(name);
  for (const FactorLevels& factor : fit.layout.factors) {
    terms.push_back(absl::StrCat(factor.column, " (baseline ", factor.baseline, ")"));
  }
  std::string out = absl::StrCat("OLS: ", fit.response, " ~ ", absl::StrJoin(terms, " + "), "\n");
  absl::StrAppend(&out, "period: ", fit.period.empty() ? "(not stated)" : fit.period,
                  "; n = ", fit.observations, " observations, k = ", fit.parameters,
                  " parameters, ", fit.df_residual, " residual degrees of freedom\n");
  absl::StrAppend(&out, "standard errors: ", CovarianceName(fit.covariance), "\n");
  absl::StrAppend(&out,
                  absl::StrFormat("R² = %.4f, adjusted R² = %.4f, residual standard error %.6g\n",
                                  fit.r_squared, fit.adjusted_r_squared, fit.residual_std_error));
  absl::StrAppend(
      &out,
      absl::StrFormat("F = %.6g on %d and %d df: ", fit.f_statistic, fit.df_model, fit.df_residual),
      fit.f_verdict, "\n");
  int width = 12;
  for (const Estimate& e : fit.coefficients)
    width = std::max(width, internal::DisplayWidth(e.name));
  absl::StrAppend(&out, internal::PadRight("coefficient", width),
                  absl::StrFormat(" %13s %12s %9s %9s   %-29s %s\n", "estimate", "std. error", "t",
                                  "p", "95 % CI", "verdict"));
  for (const Estimate& e : fit.coefficients) {
    absl::StrAppend(&out, internal::PadRight(e.name, width),
                    absl::StrFormat(" %13.6g %12.6g %9.3f %9s   [%12.6g, %12.6g]  %s\n", e.estimate,
                                    e.std_error, e.statistic, FormatPValue(e.p_value), e.ci_low,
                                    e.ci_high, e.verdict));
  }
  return out;
}

}  // namespace pharmacrm::analytics
