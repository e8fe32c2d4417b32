// forecast_reference: fits one forecasting model of libs/analytics to a
// series read from a CSV file and prints what it computed as JSON, for
// forecast_reference.py to compare with statsmodels (the ctest
// analytics_forecast_reference_test; docs/ANALYTICS.md,
// "Checked against statsmodels").
//
//   forecast_reference --series=y.csv --model=holt_winters
//       --seasonality=additive --trend=damped [--fixed --alpha=.. --beta=..
//       --gamma=.. --phi=..] --horizon=6 --level=0.8 [--paths=1000 --seed=..]
//       [--print_normals]
//   forecast_reference --series=y.csv --model=seasonal_naive --horizon=14
//   forecast_reference --series=y.csv --model=regression --exogenous=x.csv
//       --horizon=3 --level=0.8
//
// The CSV holds one value per line (blank lines and lines starting with '#'
// are skipped). The regression's --exogenous CSV has a header line naming
// the columns (comma-separated; they are the model's columns, in that
// order) and then one line per month, history and horizon, of
// comma-separated values. For the regression the output adds the
// coefficients (names and values, from parameters()). Output: the model's description, for
// Holt-Winters the initial states and the weights, the one-step fitted values (null where none),
// SSE, σ, the point forecasts and the interval bounds and, with
// --print_normals, the standard normal draws of the simulated intervals
// (step-major).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>
#include <iostream>
#include <memory>
#include <sstream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "pharmacrm/analytics/forecast.h"
#include "pharmacrm/analytics/holt_winters.h"
#include "pharmacrm/analytics/regression_forecast.h"
#include "pharmacrm/analytics/seasonal_naive.h"

ABSL_FLAG(std::string, series, "", "CSV file: one value per line");
ABSL_FLAG(std::string, model, "holt_winters", "holt_winters, seasonal_naive or regression");
ABSL_FLAG(std::string, exogenous, "", "Regression: CSV of named columns, history and horizon");
ABSL_FLAG(std::string, seasonality, "additive", "additive or multiplicative");
ABSL_FLAG(std::string, trend, "additive", "none, additive or damped");
ABSL_FLAG(bool, fixed, false, "Use --alpha, --beta, --gamma and --phi instead of fitting");
ABSL_FLAG(double, alpha, 0.3, "Fixed α");
ABSL_FLAG(double, beta, 0.1, "Fixed β");
ABSL_FLAG(double, gamma, 0.2, "Fixed γ");
ABSL_FLAG(double, phi, 0.9, "Fixed φ (damped trend)");
ABSL_FLAG(int, season, 12, "Months to a season");
ABSL_FLAG(int, horizon, 6, "Months to forecast");
ABSL_FLAG(double, level, 0.8, "Prediction interval level");
ABSL_FLAG(int, paths, 1000, "Simulated futures (multiplicative intervals)");
ABSL_FLAG(uint64_t, seed, pharmacrm::analytics::kDefaultSimulationSeed, "Simulation seed");
ABSL_FLAG(bool, print_normals, false, "Print the simulation's standard normal draws");

namespace {

namespace analytics = pharmacrm::analytics;

std::string Number(double value) {
  if (!std::isfinite(value)) return "null";
  return absl::StrFormat("%.17g", value);
}

std::string Array(const std::vector<double>& values) {
  std::vector<std::string> parts;
  parts.reserve(values.size());
  for (double value : values) parts.push_back(Number(value));
  return absl::StrCat("[", absl::StrJoin(parts, ", "), "]");
}

std::string Quoted(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out + "\"";
}

// Calls `on_line` with each line of `path` that is neither blank nor a
// "#" comment, trimmed, and its 1-based number; stops at the first false.
bool ForEachDataLine(const std::string& path,
                     const std::function<bool(absl::string_view text, int number)>& on_line) {
  std::ifstream in(path);
  if (!in) {
    std::cerr << "cannot open " << path << "\n";
    return false;
  }
  std::string line;
  int number = 0;
  while (std::getline(in, line)) {
    ++number;
    const absl::string_view text = absl::StripAsciiWhitespace(line);
    if (text.empty() || text.front() == '#') continue;
    if (!on_line(text, number)) return false;
  }
  return true;
}

// `cell` as a number, or false with the place named.
bool Number(const std::string& path, int number, absl::string_view cell, double& value) {
  if (absl::SimpleAtod(cell, &value)) return true;
  std::cerr << path << ":" << number << ": not a number: " << cell << "\n";
  return false;
}

bool ReadSeries(const std::string& path, std::vector<double>& values) {
  return ForEachDataLine(path, [&](absl::string_view text, int number) {
    double value = 0;
    if (!Number(path, number, text, value)) return false;
    values.push_back(value);
    return true;
  });
}

// The --exogenous CSV: a header of names, then rows of values.
bool ReadColumns(const std::string& path, std::vector<analytics::ExogenousColumn>& columns) {
  return ForEachDataLine(path, [&](absl::string_view text, int number) {
    const std::vector<std::string> cells = absl::StrSplit(text, ',');
    if (columns.empty()) {
      for (const std::string& name : cells) columns.push_back({name, {}});
      return true;
    }
    if (cells.size() != columns.size()) {
      std::cerr << path << ":" << number << ": " << cells.size() << " values, the header names "
                << columns.size() << "\n";
      return false;
    }
    for (size_t c = 0; c < cells.size(); ++c) {
      double value = 0;
      if (!Number(path, number, cells[c], value)) return false;
      columns[c].values.push_back(value);
    }
    return true;
  });
}

double Parameter(const analytics::FittedModel& fitted, const std::string& name) {
  for (const analytics::ModelParameter& p : fitted.parameters()) {
    if (p.name == name) return p.value;
  }
  return std::nan("");
}

int Fail(const std::string& message) {
  std::cerr << "forecast_reference: " << message << "\n";
  return 1;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::vector<double> y;
  if (!ReadSeries(absl::GetFlag(FLAGS_series), y)) return 1;
  const int horizon = absl::GetFlag(FLAGS_horizon);
  const double level = absl::GetFlag(FLAGS_level);
  std::vector<analytics::ExogenousColumn> columns;
  if (!absl::GetFlag(FLAGS_exogenous).empty() &&
      !ReadColumns(absl::GetFlag(FLAGS_exogenous), columns)) {
    return 1;
  }
  for (const analytics::ExogenousColumn& column : columns) {
    if (column.values.size() < y.size() + static_cast<size_t>(std::max(horizon, 0))) {
      return Fail(absl::StrCat("--exogenous: column ", column.name, " has ", column.values.size(),
                               " values, needs ", y.size() + horizon));
    }
  }
  analytics::MonthlySeries series;
  series.values = y;
  series.exogenous = columns;
  const std::vector<analytics::ExogenousView> past =
      analytics::ExogenousViews(series, 0, static_cast<int>(y.size()));
  const std::vector<analytics::ExogenousView> future =
      analytics::ExogenousViews(series, static_cast<int>(y.size()), std::max(horizon, 0));
  const analytics::SeriesView view{y, past};

  std::unique_ptr<analytics::ForecastModel> model;
  analytics::HoltWintersSpec spec;
  spec.season_length = absl::GetFlag(FLAGS_season);
  const std::string model_name = absl::GetFlag(FLAGS_model);
  if (model_name == "seasonal_naive") {
    model = std::make_unique<analytics::SeasonalNaive>(spec.season_length);
  } else if (model_name == "holt_winters") {
    const std::string seasonality = absl::GetFlag(FLAGS_seasonality);
    const std::string trend = absl::GetFlag(FLAGS_trend);
    if (seasonality != "additive" && seasonality != "multiplicative") {
      return Fail("--seasonality: additive or multiplicative");
    }
    spec.seasonality = seasonality == "additive" ? analytics::Seasonality::kAdditive
                                                 : analytics::Seasonality::kMultiplicative;
    if (trend == "none") {
      spec.trend = analytics::Trend::kNone;
    } else if (trend == "additive") {
      spec.trend = analytics::Trend::kAdditive;
    } else if (trend == "damped") {
      spec.trend = analytics::Trend::kDamped;
    } else {
      return Fail("--trend: none, additive or damped");
    }
    analytics::HoltWintersOptions options;
    options.spec = spec;
    options.simulation_paths = absl::GetFlag(FLAGS_paths);
    options.simulation_seed = absl::GetFlag(FLAGS_seed);
    if (absl::GetFlag(FLAGS_fixed)) {
      options.fixed =
          analytics::SmoothingWeights{absl::GetFlag(FLAGS_alpha), absl::GetFlag(FLAGS_beta),
                                      absl::GetFlag(FLAGS_gamma), absl::GetFlag(FLAGS_phi)};
    }
    auto created = analytics::HoltWinters::Create(options);
    if (!created.ok()) return Fail(created.status().ToString());
    model = *std::move(created);
  } else if (model_name == "regression") {
    analytics::RegressionForecastOptions options;
    options.columns.clear();
    for (const analytics::ExogenousColumn& column : columns) options.columns.push_back(column.name);
    model = std::make_unique<analytics::RegressionForecast>(options);
  } else {
    return Fail("--model: holt_winters, seasonal_naive or regression");
  }

  auto fitted = model->Fit(view);
  if (!fitted.ok()) return Fail(fitted.status().ToString());
  auto forecast = (*fitted)->Forecast(horizon, level, future);
  if (!forecast.ok()) return Fail(forecast.status().ToString());

  std::ostringstream out;
  out << "{\n  \"model\": " << Quoted(std::string(model->id())) << ",\n";
  out << "  \"description\": " << Quoted((*fitted)->description().en) << ",\n";
  const auto fitted_span = (*fitted)->fitted();
  out << "  \"fitted\": " << Array({fitted_span.begin(), fitted_span.end()}) << ",\n";
  out << "  \"sigma\": " << Number(Parameter(**fitted, "sigma")) << ",\n";
  if (model_name == "holt_winters") {
    auto initial = analytics::HoltWintersInitialStates(spec, y);
    if (!initial.ok()) return Fail(initial.status().ToString());
    const analytics::SmoothingWeights weights{
        Parameter(**fitted, "alpha"),
        spec.trend == analytics::Trend::kNone ? 0.0 : Parameter(**fitted, "beta"),
        Parameter(**fitted, "gamma"),
        spec.trend == analytics::Trend::kDamped ? Parameter(**fitted, "phi") : 1.0};
    out << "  \"initial\": {\"level\": " << Number(initial->level)
        << ", \"trend\": " << Number(initial->trend) << ", \"season\": " << Array(initial->season)
        << "},\n";
    out << "  \"weights\": {\"alpha\": " << Number(weights.alpha)
        << ", \"beta\": " << Number(weights.beta) << ", \"gamma\": " << Number(weights.gamma)
        << ", \"phi\": " << Number(weights.phi) << "},\n";
    out << "  \"sse\": " << Number(Parameter(**fitted, "sse")) << ",\n";
    if (absl::GetFlag(FLAGS_print_normals)) {
      out << "  \"normals\": "
          << Array(analytics::SimulationNormals(absl::GetFlag(FLAGS_seed),
                                                absl::GetFlag(FLAGS_paths), horizon))
          << ",\n";
    }
  }
  if (model_name == "regression") {
    std::vector<std::string> names;
    std::vector<double> values;
    for (const analytics::ModelParameter& p : (*fitted)->parameters()) {
      if (p.name == "sigma") continue;
      names.push_back(Quoted(p.name));
      values.push_back(p.value);
    }
    out << "  \"coefficient_names\": [" << absl::StrJoin(names, ", ") << "],\n";
    out << "  \"coefficients\": " << Array(values) << ",\n";
  }
  out << "  \"level\": " << Number(level) << ",\n";
  out << "  \"point\": " << Array(forecast->point) << ",\n";
  out << "  \"lower\": " << Array(forecast->lower) << ",\n";
  out << "  \"upper\": " << Array(forecast->upper) << "\n}\n";
  std::cout << out.str();
  return 0;
}
