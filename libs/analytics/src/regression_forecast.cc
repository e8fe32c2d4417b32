#include "pharmacrm/analytics/regression_forecast.h"

#include <cmath>
#include <cstddef>
#include <limits>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "pharmacrm/analytics/columns.h"
#include "pharmacrm/analytics/regression.h"
#include "src/p_values.h"

namespace pharmacrm::analytics {
namespace {

constexpr absl::string_view kSales = "sales";

// The column of that name among `columns`, or null.
const ExogenousView* FindColumn(absl::Span<const ExogenousView> columns, absl::string_view name) {
  for (const ExogenousView& column : columns) {
    if (column.name == name) return &column;
  }
  return nullptr;
}

class FittedRegression final : public FittedModel {
 public:
  FittedRegression(std::vector<std::string> columns, OlsResult fit, double last,
                   std::vector<double> fitted)
      : columns_(std::move(columns)),
        fit_(std::move(fit)),
        last_(last),
        fitted_(std::move(fitted)) {}

  absl::StatusOr<IntervalForecast> Forecast(int horizon, double level,
                                            absl::Span<const ExogenousView> future) const override {
    if (absl::Status status = ValidateHorizon(horizon); !status.ok()) return status;
    if (absl::Status status = ValidateLevel(level); !status.ok()) return status;
    const size_t steps = static_cast<size_t>(horizon);
    std::vector<absl::Span<const double>> planned;
    for (const std::string& name : columns_) {
      const ExogenousView* column = FindColumn(future, name);
      if (column == nullptr) {
        return absl::InvalidArgumentError(absl::StrCat(
            "future: no column '", name, "', the regression needs its planned values"));
      }
      if (column->values.size() < steps) {
        return absl::InvalidArgumentError(
            absl::StrCat("future (", name, "): ", column->values.size(), " values, needs ", horizon,
                         " (the horizon)"));
      }
      if (absl::Status status = ValidateValues(column->values.first(steps),
                                               absl::StrCat("future (", name, ").values"));
          !status.ok()) {
        return status;
      }
      planned.push_back(column->values);
    }
    const size_t k = fit_.coefficients.size();
    const double sigma = fit_.residual_std_error;
    const double phi = fit_.coefficients[k - 1].estimate;
    const double t =
        internal::StudentTQuantile((1 + level) / 2, static_cast<double>(fit_.df_residual));
    IntervalForecast out;
    out.level = level;
    out.point.resize(steps);
    out.lower.resize(steps);
    out.upper.resize(steps);
    std::vector<double> row(k);
    double lag = last_;
    double propagated = 0;  // Σ_{i<h} φ^{2i}
    double phi_power = 1;   // φ^{2(h-1)}
    for (size_t h = 0; h < steps; ++h) {
      row[0] = 1;
      for (size_t j = 0; j < planned.size(); ++j) row[j + 1] = planned[j][h];
      row[k - 1] = lag;
      double point = 0;
      for (size_t j = 0; j < k; ++j) point += fit_.coefficients[j].estimate * row[j];
      double parameter_variance = 0;  // r' V r
      for (size_t a = 0; a < k; ++a) {
        for (size_t b = 0; b < k; ++b) {
          parameter_variance += row[a] * fit_.coefficient_covariance[a * k + b] * row[b];
        }
      }
      propagated += phi_power;
      phi_power *= phi * phi;
      const double half = t * std::sqrt(sigma * sigma * propagated + parameter_variance);
      out.point[h] = point;
      out.lower[h] = point - half;
      out.upper[h] = point + half;
      lag = point;
    }
    return out;
  }

  absl::Span<const double> fitted() const override { return fitted_; }

  std::vector<ModelParameter> parameters() const override {
    std::vector<ModelParameter> out;
    for (const Estimate& e : fit_.coefficients) out.push_back({e.name, e.estimate});
    out.push_back({"sigma", fit_.residual_std_error});
    return out;
  }

  BilingualText description() const override {
    const std::string columns = absl::StrJoin(columns_, " + ");
    return {absl::StrCat("regression of sales on ", columns, " and last month's sales (",
                         fit_.observations,
                         " months fitted, R² = ", absl::StrFormat("%.3f", fit_.r_squared), ")"),
            absl::StrCat("销售额对 ", columns, " 及上月销售额的回归（拟合 ", fit_.observations,
                         " 个月，R² = ", absl::StrFormat("%.3f", fit_.r_squared), "）")};
  }

  BilingualText interval_method() const override {
    return {
        "analytical, normal errors, Student t on n-1-k df: 1 month ahead the OLS prediction "
        "interval (error and coefficient uncertainty); h months ahead variance "
        "σ²·Σ_{i<h} φ^{2i} + r_h'Vr_h, the coefficients' uncertainty not propagated through the "
        "predicted lags and the planned visits/prescriptions taken as known",
        "解析法（正态误差，自由度 n-1-k 的 t 分布）：提前 1 个月为 OLS "
        "预测区间（含误差与系数不确定性）；"
        "提前 h 个月方差为 σ²·Σ_{i<h} φ^{2i} + r_h'Vr_h，系数不确定性不经预测的滞后值传播，"
        "计划的拜访量/处方量视为已知"};
  }

 private:
  std::vector<std::string> columns_;
  OlsResult fit_;
  double last_;  // y_n
  std::vector<double> fitted_;
};

}  // namespace

RegressionForecast::RegressionForecast(RegressionForecastOptions options)
    : options_(std::move(options)) {}

BilingualText RegressionForecast::name() const {
  if (options_.columns == RegressionForecastOptions().columns) {
    return {"regression on visits, prescriptions and last month's sales",
            "基于拜访量、处方量和上月销售额的回归"};
  }
  const std::string columns = absl::StrJoin(options_.columns, ", ");
  return {absl::StrCat("regression on ", columns, " and last month's sales"),
          absl::StrCat("基于 ", columns, " 和上月销售额的回归")};
}

int RegressionForecast::complexity() const { return static_cast<int>(options_.columns.size()) + 2; }

std::optional<BilingualText> RegressionForecast::Unsuitable(const SeriesView& history) const {
  for (const std::string& name : options_.columns) {
    if (FindColumn(history.exogenous, name) == nullptr) {
      return BilingualText{
          absl::StrCat("needs the exogenous column '", name, "', which the series does not carry"),
          absl::StrCat("需要外生变量列“", name, "”，该序列没有此列")};
    }
  }
  const size_t needed = static_cast<size_t>(min_history());
  if (history.values.size() < needed) {
    return BilingualText{absl::StrCat("needs at least ", needed, " months of history for ",
                                      complexity(), " coefficients, has ", history.values.size()),
                         absl::StrCat("需要至少 ", needed, " 个月的历史数据来估计 ", complexity(),
                                      " 个系数，现有 ", history.values.size(), " 个月")};
  }
  return std::nullopt;
}

absl::StatusOr<std::unique_ptr<FittedModel>> RegressionForecast::Fit(
    const SeriesView& history) const {
  const absl::Span<const double> y = history.values;
  if (absl::Status status = ValidateValues(y); !status.ok()) return status;
  if (std::optional<BilingualText> why = Unsuitable(history)) {
    return absl::FailedPreconditionError(why->en);
  }
  const size_t n = y.size();
  // Rows t = 1..n-1 (0-based): y_t on x_{j,t} and y_{t-1}.
  Table table;
  table.numeric.push_back({std::string(kSales), std::vector<double>(y.begin() + 1, y.end())});
  OlsSpec spec;
  spec.response = std::string(kSales);
  for (const std::string& name : options_.columns) {
    const ExogenousView& column = *FindColumn(history.exogenous, name);
    if (column.values.size() < n) {
      return absl::InvalidArgumentError(absl::StrCat("exogenous (", name,
                                                     "): ", column.values.size(), " values, needs ",
                                                     n, " (the history)"));
    }
    if (absl::Status status =
            ValidateValues(column.values.first(n), absl::StrCat("exogenous (", name, ").values"));
        !status.ok()) {
      return status;
    }
    table.numeric.push_back(
        {name, std::vector<double>(column.values.begin() + 1, column.values.begin() + n)});
    spec.regressors.numeric.push_back(name);
  }
  table.numeric.push_back({std::string(kSalesLag1), std::vector<double>(y.begin(), y.end() - 1)});
  spec.regressors.numeric.push_back(std::string(kSalesLag1));
  absl::StatusOr<OlsResult> fit = FitOls(table, spec);
  if (!fit.ok()) {
    return absl::FailedPreconditionError(
        absl::StrCat("the regression cannot be fitted: ", fit.status().message()));
  }
  absl::StatusOr<std::vector<double>> predicted = PredictOls(*fit, table);
  if (!predicted.ok()) return predicted.status();
  std::vector<double> fitted(n, std::numeric_limits<double>::quiet_NaN());
  for (size_t t = 1; t < n; ++t) fitted[t] = (*predicted)[t - 1];
  return std::make_unique<FittedRegression>(options_.columns, *std::move(fit), y[n - 1],
                                            std::move(fitted));
}

}  // namespace pharmacrm::analytics
