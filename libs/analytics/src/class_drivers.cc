// EvaluateClassDrivers and the classification summaries (classification.h).
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "Eigen/Core"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "pharmacrm/analytics/classification.h"
#include "src/design_matrix.h"
#include "src/multinomial.h"
#include "src/summary_text.h"

namespace pharmacrm::analytics {
namespace {

// Fisher-Yates with the raw output of a std::mt19937_64, whose sequence the
// standard fixes (unlike std::shuffle's use of it): the same seed gives the
// same order with every standard library. The modulo's bias is below 2⁻⁴⁰
// for any table that fits in memory.
template <typename T>
void Shuffle(std::vector<T>& values, std::mt19937_64& rng) {
  for (size_t i = values.size(); i > 1; --i) {
    std::swap(values[i - 1], values[rng() % i]);
  }
}

struct Scores {
  double accuracy = 0;
  double mean_log_likelihood = 0;
};

Scores Score(const Eigen::MatrixXd& x, const Eigen::MatrixXd& beta, const std::vector<int>& codes,
             std::vector<int>* predicted = nullptr) {
  const Eigen::MatrixXd log_p = internal::LogProbabilities(x, beta);
  Scores scores;
  int64_t right = 0;
  for (Eigen::Index i = 0; i < log_p.rows(); ++i) {
    Eigen::Index best = 0;
    log_p.row(i).maxCoeff(&best);
    right += best == codes[i];
    scores.mean_log_likelihood += log_p(i, codes[i]);
    if (predicted != nullptr) predicted->push_back(static_cast<int>(best));
  }
  const double n = static_cast<double>(log_p.rows());
  scores.accuracy = static_cast<double>(right) / n;
  scores.mean_log_likelihood /= n;
  return scores;
}

}  // namespace

absl::StatusOr<ClassDrivers> EvaluateClassDrivers(const Table& data, const LogitSpec& spec,
                                                  const HoldOut& hold_out) {
  absl::StatusOr<int64_t> n = internal::CheckTable(data);
  if (!n.ok()) return n.status();
  if (!(hold_out.fraction > 0 && hold_out.fraction < 1)) {
    return absl::InvalidArgumentError(
        absl::StrCat("hold-out fraction ", hold_out.fraction, " is not between 0 and 1"));
  }
  if (hold_out.permutation_repeats < 1) {
    return absl::InvalidArgumentError("permutation_repeats must be at least 1");
  }
  if (spec.response.empty()) return absl::InvalidArgumentError("no response column given");
  const std::vector<int64_t> all = internal::AllRows(*n);
  absl::StatusOr<internal::CodedClasses> classes =
      internal::CodeClasses(data, spec.response, spec.baseline, all);
  if (!classes.ok()) return classes.status();

  // Stratified split: each class's customers shuffled, its share held out,
  // at least one kept for training.
  std::mt19937_64 rng(hold_out.seed);
  std::vector<std::vector<int64_t>> by_class(classes->classes.size());
  for (int64_t row = 0; row < *n; ++row) by_class[classes->codes[row]].push_back(row);
  std::vector<int64_t> training;
  std::vector<int64_t> held_out;
  std::vector<int64_t> training_counts;
  for (std::vector<int64_t>& members : by_class) {
    Shuffle(members, rng);
    const int64_t size = static_cast<int64_t>(members.size());
    const int64_t held =
        std::min(size - 1,
                 static_cast<int64_t>(std::llround(hold_out.fraction * static_cast<double>(size))));
    held_out.insert(held_out.end(), members.begin(), members.begin() + held);
    training.insert(training.end(), members.begin() + held, members.end());
    training_counts.push_back(size - held);
  }
  std::sort(training.begin(), training.end());
  std::sort(held_out.begin(), held_out.end());
  if (held_out.empty()) {
    return absl::InvalidArgumentError(absl::StrCat("the split holds out no customer (", *n,
                                                   " customers, fraction ", hold_out.fraction,
                                                   "): raise the fraction or add customers"));
  }

  ClassDrivers drivers;
  absl::StatusOr<LogitResult> model =
      internal::FitMultinomialLogitOnRows(data, spec, std::move(training));
  if (!model.ok()) return model.status();
  drivers.model = *std::move(model);
  const LogitResult& fit = drivers.model;
  absl::StatusOr<internal::CodedDesign> design =
      internal::CodedDesign::Create(fit.layout, data, held_out);
  if (!design.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat("held-out customers: ", design.status().message()));
  }
  // Every class keeps a training customer, so the fit's classes are the
  // data's, in the same order.
  std::vector<int> codes;
  codes.reserve(held_out.size());
  for (const int64_t row : held_out) codes.push_back(classes->codes[row]);
  const Eigen::MatrixXd x = design->Matrix();
  const Eigen::MatrixXd beta = internal::CoefficientMatrix(fit);

  drivers.held_out_rows = held_out;
  drivers.held_out_customers = static_cast<int64_t>(held_out.size());
  drivers.training_customers = fit.observations;
  std::vector<int> predicted;
  const Scores scores = Score(x, beta, codes, &predicted);
  drivers.accuracy = scores.accuracy;
  drivers.held_out_log_likelihood = scores.mean_log_likelihood;
  const size_t classes_count = fit.classes.size();
  drivers.confusion.classes = fit.classes;
  drivers.confusion.counts.assign(classes_count, std::vector<int64_t>(classes_count, 0));
  for (size_t i = 0; i < codes.size(); ++i) ++drivers.confusion.counts[codes[i]][predicted[i]];

  const size_t majority = static_cast<size_t>(
      std::max_element(training_counts.begin(), training_counts.end()) - training_counts.begin());
  drivers.majority_class = fit.classes[majority];
  int64_t majority_right = 0;
  for (const int code : codes) majority_right += code == static_cast<int>(majority);
  drivers.baseline_accuracy =
      static_cast<double>(majority_right) / static_cast<double>(codes.size());

  // Permutation importance: one feature's design columns shuffled together
  // among the held-out customers, the rest left as they are.
  std::vector<int> order(codes.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  Eigen::MatrixXd shuffled = x;
  for (const internal::CodedDesign::Term& term : design->Terms()) {
    FeatureImportance importance;
    importance.feature = term.column;
    for (int r = 0; r < hold_out.permutation_repeats; ++r) {
      Shuffle(order, rng);
      Eigen::PermutationMatrix<Eigen::Dynamic, Eigen::Dynamic, int> permutation(
          static_cast<Eigen::Index>(order.size()));
      for (size_t i = 0; i < order.size(); ++i) permutation.indices()(i) = order[i];
      shuffled.middleCols(term.first, term.count) =
          permutation * x.middleCols(term.first, term.count);
      const Scores permuted = Score(shuffled, beta, codes);
      importance.accuracy_drop += scores.accuracy - permuted.accuracy;
      importance.log_likelihood_drop += scores.mean_log_likelihood - permuted.mean_log_likelihood;
    }
    shuffled.middleCols(term.first, term.count) = x.middleCols(term.first, term.count);
    importance.accuracy_drop /= hold_out.permutation_repeats;
    importance.log_likelihood_drop /= hold_out.permutation_repeats;
    drivers.importance.push_back(std::move(importance));
  }
  std::stable_sort(drivers.importance.begin(), drivers.importance.end(),
                   [](const FeatureImportance& a, const FeatureImportance& b) {
                     return a.log_likelihood_drop > b.log_likelihood_drop;
                   });
  return drivers;
}

std::string FormatLogitSummary(const LogitResult& fit) {
  std::vector<std::string> terms;
  for (const std::string& name : fit.layout.numeric) terms.push_back(name);
  for (const FactorLevels& factor : fit.layout.factors) {
    terms.push_back(absl::StrCat(factor.column, " (baseline ", factor.baseline, ")"));
  }
  std::string out =
      absl::StrCat("multinomial logit: ", fit.response, " ~ ", absl::StrJoin(terms, " + "),
                   "\nclasses: ", absl::StrJoin(fit.classes, ", "), " (each compared with ",
                   fit.classes.front(), ")\n");
  absl::StrAppend(&out, "n = ", fit.observations, " customers, ", fit.parameters,
                  " parameters, converged in ", fit.iterations, " Newton iterations\n");
  absl::StrAppend(
      &out, absl::StrFormat("log-likelihood %.6g (intercepts alone %.6g), McFadden "
                            "pseudo R² = %.4f\n",
                            fit.log_likelihood, fit.null_log_likelihood, fit.pseudo_r_squared));
  absl::StrAppend(&out, absl::StrFormat("LR chi² = %.6g on %d df: ", fit.lr_statistic, fit.lr_df),
                  fit.lr_verdict, "\n");
  int width = 12;
  for (const ClassEffects& effects : fit.effects) {
    for (const Estimate& e : effects.coefficients) {
      width = std::max(width, internal::DisplayWidth(e.name));
    }
  }
  for (const ClassEffects& effects : fit.effects) {
    absl::StrAppend(&out, "\nclass ", effects.class_name, " against ", fit.classes.front(),
                    " (log-odds):\n");
    absl::StrAppend(&out, internal::PadRight("feature", width),
                    absl::StrFormat(" %13s %12s %9s %9s %11s   %s\n", "estimate", "std. error", "z",
                                    "p", "odds ratio", "verdict"));
    for (const Estimate& e : effects.coefficients) {
      absl::StrAppend(
          &out, internal::PadRight(e.name, width),
          absl::StrFormat(" %13.6g %12.6g %9.3f %9s %11.4g   %s\n", e.estimate, e.std_error,
                          e.statistic, FormatPValue(e.p_value), std::exp(e.estimate), e.verdict));
    }
  }
  return out;
}

std::string FormatClassDriversSummary(const ClassDrivers& drivers) {
  std::string out = FormatLogitSummary(drivers.model);
  absl::StrAppend(&out, "\nheld out: ", drivers.held_out_customers, " customers (fitted on ",
                  drivers.training_customers, ")\n");
  absl::StrAppend(
      &out, absl::StrFormat("accuracy %.4f; always guessing the most frequent class (%s): %.4f\n",
                            drivers.accuracy, drivers.majority_class, drivers.baseline_accuracy));
  absl::StrAppend(&out, absl::StrFormat("mean log-likelihood per held-out customer %.4f\n",
                                        drivers.held_out_log_likelihood));
  int width = 10;
  for (const std::string& c : drivers.confusion.classes) {
    width = std::max(width, internal::DisplayWidth(c) + 2);
  }
  absl::StrAppend(&out, "\nconfusion (rows: actual, columns: predicted)\n",
                  internal::PadRight("", width));
  for (const std::string& c : drivers.confusion.classes) {
    absl::StrAppend(&out, internal::PadRight(c, width));
  }
  absl::StrAppend(&out, "\n");
  for (size_t a = 0; a < drivers.confusion.classes.size(); ++a) {
    absl::StrAppend(&out, internal::PadRight(drivers.confusion.classes[a], width));
    for (const int64_t count : drivers.confusion.counts[a]) {
      absl::StrAppend(&out, internal::PadRight(absl::StrCat(count), width));
    }
    absl::StrAppend(&out, "\n");
  }
  absl::StrAppend(&out, "\nimportance (held-out values shuffled): drop in\n",
                  internal::PadRight("feature", 24), " log-likelihood   accuracy\n");
  for (const FeatureImportance& f : drivers.importance) {
    absl::StrAppend(&out, internal::PadRight(f.feature, 24),
                    absl::StrFormat(" %14.4f %10.4f\n", f.log_likelihood_drop, f.accuracy_drop));
  }
  return out;
}

}  // namespace pharmacrm::analytics
