// regression_reference: fits one relation model of libs/analytics to a CSV
// file and prints every figure of the result as JSON on stdout, for
// regression_reference.py to hold against statsmodels (the ctest
// analytics_regression_reference_test). Built for that test only; not
// installed.
//
//   regression_reference --csv=data.csv --model=ols --response=sales
//       --numeric=visits,rep_cost --factors=hospital_class:二级,doctor_class:C
//       [--covariance=hc1] [--predict_csv=new.csv] [--summary]
//   regression_reference --csv=customers.csv --model=mnlogit --response=class
//       --baseline=二级 --numeric=beds --factors=region: [--predict_csv=new.csv]
//   regression_reference ... --model=drivers [--fraction=0.25 --seed=1 --repeats=5]
//
// (each command on one line).
//
// --factors lists column:baseline pairs (an empty baseline: the first level
// in byte order). Only the columns named are read; numeric ones must parse
// as numbers. Exit status 2 on bad flags, input or a refused fit, with the
// reason on stderr; --summary also prints the text summary there.
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "nlohmann/json.hpp"
#include "pharmacrm/analytics/classification.h"
#include "pharmacrm/analytics/regression.h"
#include "pharmacrm/tabular/csv.h"

ABSL_FLAG(std::string, csv, "", "The data: a CSV file with a header row");
ABSL_FLAG(std::string, model, "ols", "ols, mnlogit or drivers (mnlogit with a held-out split)");
ABSL_FLAG(std::string, response, "", "The response column");
ABSL_FLAG(std::vector<std::string>, numeric, {}, "Numeric regressors, comma-separated");
ABSL_FLAG(std::vector<std::string>, factors, {}, "Factors as column:baseline, comma-separated");
ABSL_FLAG(std::string, covariance, "classical", "ols: classical or hc1");
ABSL_FLAG(std::string, baseline, "", "mnlogit, drivers: the baseline class");
ABSL_FLAG(std::string, predict_csv, "", "Rows to predict with the fit (ols, mnlogit)");
ABSL_FLAG(double, fraction, 0.25, "drivers: share of each class held out");
ABSL_FLAG(uint64_t, seed, 1, "drivers: seed of the split and the permutations");
ABSL_FLAG(int, repeats, 5, "drivers: permutations per feature");
ABSL_FLAG(bool, summary, false, "Also print the text summary on stderr");

namespace {

using Json = nlohmann::ordered_json;
namespace analytics = pharmacrm::analytics;

// The records of a CSV file, the header first.
class Records : public pharmacrm::tabular::CsvHandler {
 public:
  void Record(int64_t line, absl::Span<const std::string> fields) override {
    if (fields.size() == 1 && fields[0].empty()) return;  // a blank line
    rows.emplace_back(fields.begin(), fields.end());
    lines.push_back(line);
  }
  void TooLong(int64_t line) override {
    if (error.ok()) error = absl::InvalidArgumentError(absl::StrCat("line ", line, ": too long"));
  }
  void Unterminated(int64_t line, size_t, int64_t) override {
    if (error.ok()) {
      error = absl::InvalidArgumentError(absl::StrCat("line ", line, ": unterminated quote"));
    }
  }
  std::vector<std::vector<std::string>> rows;
  std::vector<int64_t> lines;
  absl::Status error;
};

// The named columns of a CSV file: `numeric` parsed as numbers, the
// `categorical` ones kept as text.
absl::StatusOr<analytics::Table> ReadTable(const std::string& path,
                                           const std::vector<std::string>& numeric,
                                           const std::vector<std::string>& categorical) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return absl::NotFoundError(absl::StrCat("cannot open ", path));
  std::stringstream bytes;
  bytes << in.rdbuf();
  Records records;
  pharmacrm::tabular::CsvReader reader;
  reader.Consume(bytes.str(), records);
  reader.End(records);
  if (!records.error.ok()) return records.error;
  if (records.rows.empty()) return absl::InvalidArgumentError(absl::StrCat(path, ": no header"));
  absl::flat_hash_map<std::string, size_t> index;
  for (size_t i = 0; i < records.rows[0].size(); ++i) index[records.rows[0][i]] = i;
  auto find = [&](const std::string& name) -> absl::StatusOr<size_t> {
    auto it = index.find(name);
    if (it == index.end()) {
      return absl::InvalidArgumentError(absl::StrCat(path, ": no column '", name, "'"));
    }
    return it->second;
  };
  analytics::Table table;
  for (const std::string& name : numeric) {
    absl::StatusOr<size_t> column = find(name);
    if (!column.ok()) return column.status();
    analytics::NumericColumn values{name, {}};
    for (size_t r = 1; r < records.rows.size(); ++r) {
      const std::vector<std::string>& row = records.rows[r];
      double value = 0;
      if (*column >= row.size() || !absl::SimpleAtod(row[*column], &value)) {
        return absl::InvalidArgumentError(
            absl::StrCat(path, " line ", records.lines[r], ", column '", name, "': not a number"));
      }
      values.values.push_back(value);
    }
    table.numeric.push_back(std::move(values));
  }
  for (const std::string& name : categorical) {
    absl::StatusOr<size_t> column = find(name);
    if (!column.ok()) return column.status();
    analytics::CategoricalColumn values{name, {}};
    for (size_t r = 1; r < records.rows.size(); ++r) {
      const std::vector<std::string>& row = records.rows[r];
      values.values.push_back(*column < row.size() ? row[*column] : "");
    }
    table.categorical.push_back(std::move(values));
  }
  return table;
}

Json EstimateJson(const analytics::Estimate& e) {
  return Json{{"name", e.name},           {"estimate", e.estimate},
              {"std_error", e.std_error}, {"statistic", e.statistic},
              {"p_value", e.p_value},     {"ci_low", e.ci_low},
              {"ci_high", e.ci_high},     {"significant", e.significant},
              {"verdict", e.verdict},     {"verdict_zh", e.verdict_zh}};
}

Json LogitJson(const analytics::LogitResult& fit) {
  Json out{{"classes", fit.classes},
           {"n", fit.observations},
           {"parameters", fit.parameters},
           {"iterations", fit.iterations},
           {"log_likelihood", fit.log_likelihood},
           {"null_log_likelihood", fit.null_log_likelihood},
           {"pseudo_r_squared", fit.pseudo_r_squared},
           {"lr_statistic", fit.lr_statistic},
           {"lr_df", fit.lr_df},
           {"lr_p_value", fit.lr_p_value}};
  Json effects = Json::array();
  for (const analytics::ClassEffects& c : fit.effects) {
    Json coefficients = Json::array();
    for (const analytics::Estimate& e : c.coefficients) coefficients.push_back(EstimateJson(e));
    effects.push_back(Json{{"class", c.class_name}, {"coefficients", coefficients}});
  }
  out["effects"] = effects;
  return out;
}

absl::Status Run() {
  const std::string model = absl::GetFlag(FLAGS_model);
  const std::string response = absl::GetFlag(FLAGS_response);
  const bool ols = model == "ols";
  if (!ols && model != "mnlogit" && model != "drivers") {
    return absl::InvalidArgumentError(absl::StrCat("--model=", model, ": ols, mnlogit or drivers"));
  }
  analytics::Regressors regressors;
  regressors.numeric = absl::GetFlag(FLAGS_numeric);
  std::vector<std::string> factor_columns;
  for (const std::string& factor : absl::GetFlag(FLAGS_factors)) {
    std::pair<std::string, std::string> parts = absl::StrSplit(factor, absl::MaxSplits(':', 1));
    regressors.factors.push_back({parts.first, parts.second});
    factor_columns.push_back(parts.first);
  }
  // The response is numeric for OLS, the class (categorical) otherwise.
  std::vector<std::string> numeric = regressors.numeric;
  std::vector<std::string> categorical = factor_columns;
  (ols ? numeric : categorical).push_back(response);
  absl::StatusOr<analytics::Table> data = ReadTable(absl::GetFlag(FLAGS_csv), numeric, categorical);
  if (!data.ok()) return data.status();
  absl::StatusOr<analytics::Table> fresh;
  const std::string predict_csv = absl::GetFlag(FLAGS_predict_csv);
  if (!predict_csv.empty()) {
    fresh = ReadTable(predict_csv, regressors.numeric, factor_columns);
    if (!fresh.ok()) return fresh.status();
  }
  const bool summary = absl::GetFlag(FLAGS_summary);

  Json out{{"model", model}};
  if (ols) {
    const std::string covariance = absl::GetFlag(FLAGS_covariance);
    if (covariance != "classical" && covariance != "hc1") {
      return absl::InvalidArgumentError("--covariance: classical or hc1");
    }
    analytics::OlsSpec spec{
        response, regressors,
        covariance == "hc1" ? analytics::Covariance::kHC1 : analytics::Covariance::kClassical, ""};
    absl::StatusOr<analytics::OlsResult> fit = analytics::FitOls(*data, spec);
    if (!fit.ok()) return fit.status();
    if (summary) std::cerr << analytics::FormatOlsSummary(*fit);
    out.update(Json{{"covariance", covariance},
                    {"n", fit->observations},
                    {"k", fit->parameters},
                    {"df_model", fit->df_model},
                    {"df_residual", fit->df_residual},
                    {"r_squared", fit->r_squared},
                    {"adjusted_r_squared", fit->adjusted_r_squared},
                    {"residual_std_error", fit->residual_std_error},
                    {"f_statistic", fit->f_statistic},
                    {"f_p_value", fit->f_p_value}});
    Json coefficients = Json::array();
    for (const analytics::Estimate& e : fit->coefficients) coefficients.push_back(EstimateJson(e));
    out["coefficients"] = coefficients;
    if (!predict_csv.empty()) {
      absl::StatusOr<std::vector<double>> predicted = analytics::PredictOls(*fit, *fresh);
      if (!predicted.ok()) return predicted.status();
      out["predictions"] = *predicted;
    }
  } else {
    analytics::LogitSpec spec;
    spec.response = response;
    spec.baseline = absl::GetFlag(FLAGS_baseline);
    spec.features = regressors;
    if (model == "mnlogit") {
      absl::StatusOr<analytics::LogitResult> fit = analytics::FitMultinomialLogit(*data, spec);
      if (!fit.ok()) return fit.status();
      if (summary) std::cerr << analytics::FormatLogitSummary(*fit);
      out.update(LogitJson(*fit));
      if (!predict_csv.empty()) {
        absl::StatusOr<Eigen::MatrixXd> p = analytics::PredictClassProbabilities(*fit, *fresh);
        if (!p.ok()) return p.status();
        Json rows = Json::array();
        for (Eigen::Index i = 0; i < p->rows(); ++i) {
          Json row = Json::array();
          for (Eigen::Index c = 0; c < p->cols(); ++c) row.push_back((*p)(i, c));
          rows.push_back(row);
        }
        out["probabilities"] = rows;
      }
    } else {
      const analytics::HoldOut hold_out{absl::GetFlag(FLAGS_fraction), absl::GetFlag(FLAGS_seed),
                                        absl::GetFlag(FLAGS_repeats)};
      absl::StatusOr<analytics::ClassDrivers> drivers =
          analytics::EvaluateClassDrivers(*data, spec, hold_out);
      if (!drivers.ok()) return drivers.status();
      if (summary) std::cerr << analytics::FormatClassDriversSummary(*drivers);
      out.update(LogitJson(drivers->model));
      out["held_out_rows"] = drivers->held_out_rows;
      out["accuracy"] = drivers->accuracy;
      out["majority_class"] = drivers->majority_class;
      out["baseline_accuracy"] = drivers->baseline_accuracy;
      out["held_out_log_likelihood"] = drivers->held_out_log_likelihood;
      out["confusion"] = drivers->confusion.counts;
      Json importance = Json::array();
      for (const analytics::FeatureImportance& f : drivers->importance) {
        importance.push_back(Json{{"feature", f.feature},
                                  {"accuracy_drop", f.accuracy_drop},
                                  {"log_likelihood_drop", f.log_likelihood_drop}});
      }
      out["importance"] = importance;
    }
  }
  std::cout << out.dump(1) << "\n";
  return absl::OkStatus();
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  if (absl::Status status = Run(); !status.ok()) {
    std::cerr << "regression_reference: " << status << "\n";
    return 2;
  }
  return 0;
}
