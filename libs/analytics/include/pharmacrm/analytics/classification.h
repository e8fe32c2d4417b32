// The drivers of a customer's class (hospital class 三级/二级/一级, doctor
// class A/B/C): a multinomial logit of the class on numeric features and
// fixed effects, with each feature's effect on the odds of every class
// against a baseline class, its standard error, z and two-sided p-value and
// a plain verdict; predictions; and how well the model classifies customers
// it was not fitted on, beside always guessing the most frequent class,
// with a permutation importance per feature. docs/ANALYTICS.md
// ("Classification drivers") gives the formulas and how to read them.
//
//   P(class_i = c) = exp(x_i'b_c) / sum over classes d of exp(x_i'b_d),
//   b_baseline = 0,
//
// so exp(b_c[feature]) multiplies the odds of class c against the baseline
// class for one more unit of the feature. Fitted by maximum likelihood with
// Newton-Raphson (Eigen's LDLT for each step, step halving when a step
// lowers the likelihood) on the design with its columns centred and scaled,
// and standard errors from the inverse of the observed information at the
// maximum, as statsmodels' MNLogit computes them; p-values from the normal
// (Boost.Math). Checked against statsmodels by the ctest
// analytics_regression_reference_test (libs/analytics/reference).
//
// Thread safety: pure functions; results are plain values.
#ifndef PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_CLASSIFICATION_H_
#define PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_CLASSIFICATION_H_

#include <cstdint>
#include <string>
#include <vector>

#include "Eigen/Core"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pharmacrm/analytics/columns.h"
#include "pharmacrm/analytics/estimates.h"

namespace pharmacrm::analytics {

struct LogitSpec {
  std::string response;  // a categorical column: each row's class
  // The class the others are compared with. Empty: the first class in byte
  // order.
  std::string baseline;
  Regressors features;  // at least one
  // Newton-Raphson stops when no coefficient (of the centred and scaled
  // design) moves by more than `tolerance` in a step.
  int max_iterations = 100;
  double tolerance = 1e-10;
};

struct ClassEffects {
  std::string class_name;  // compared with LogitResult::classes[0]
  // In layout.ColumnNames() order: the change in the log-odds of this class
  // against the baseline class per unit of each feature (for a dummy: that
  // level against the factor's baseline level). The intercept is the
  // log-odds at every feature 0 and each factor at its baseline.
  std::vector<Estimate> coefficients;
};

struct LogitResult {
  std::string response;
  // The baseline class first, then the others in byte order; probabilities
  // and confusion matrices use this order.
  std::vector<std::string> classes;
  DesignLayout layout;

  int64_t observations = 0;  // customers fitted
  int64_t parameters = 0;    // (features' design columns) x (classes - 1)
  int iterations = 0;        // Newton steps taken

  double log_likelihood = 0;
  double null_log_likelihood = 0;  // the intercepts alone: each class at its share
  double pseudo_r_squared = 0;     // McFadden: 1 - log_likelihood / null_log_likelihood
  // Likelihood-ratio test of every feature's coefficient being 0:
  // 2 (log_likelihood - null_log_likelihood) against chi-squared with
  // lr_df = parameters - (classes - 1) degrees of freedom.
  double lr_statistic = 0;
  int64_t lr_df = 0;
  double lr_p_value = 1;
  std::string lr_verdict;     // "the features together are significant at 5 %: ..."
  std::string lr_verdict_zh;  // "特征整体在5%水平上显著（…）"

  std::vector<ClassEffects> effects;  // one per class but the baseline, in `classes` order

  // The coefficient of `feature` (a design column name) for `class_name`,
  // or null.
  const Estimate* Find(absl::string_view class_name, absl::string_view feature) const;
};

// Fits `spec` on every row of `data`. InvalidArgument for the bad input
// FitOls refuses (regression.h), a response with fewer than two classes or
// an unknown baseline, and:
//  - "perfect separation: ..." when the features determine the class of
//    every customer, or "quasi-perfect separation: ..." when they do for
//    some (a feature or level found only in one class): the likelihood then
//    has no maximum and a coefficient grows without bound, which is named;
//  - "no convergence: ..." when max_iterations steps did not settle.
absl::StatusOr<LogitResult> FitMultinomialLogit(const Table& data, const LogitSpec& spec);

// Each row's probability of each class (rows x classes, in fit.classes
// order). InvalidArgument as PredictOls (regression.h).
absl::StatusOr<Eigen::MatrixXd> PredictClassProbabilities(const LogitResult& fit,
                                                          const Table& rows);
// Each row's most probable class (the earlier class in fit.classes on a tie).
absl::StatusOr<std::vector<std::string>> PredictClasses(const LogitResult& fit, const Table& rows);

// How the customers are split for EvaluateClassDrivers.
struct HoldOut {
  // Share of each class's customers held out (rounded to the nearest
  // customer), in (0, 1): stratified, so every class keeps its share in
  // both parts.
  double fraction = 0.25;
  // The split is a function of the seed and the table's row order: the
  // same table and seed give the same split on every machine and build.
  uint64_t seed = 1;
  // Times each feature's held-out values are shuffled (importance below).
  int permutation_repeats = 5;
};

struct ConfusionMatrix {
  std::vector<std::string> classes;          // LogitResult::classes
  std::vector<std::vector<int64_t>> counts;  // [actual][predicted]
};

// What one feature (a numeric column, or a factor with all its dummies)
// contributes to classifying held-out customers: how much their accuracy
// and mean log-likelihood fall when the feature's values are shuffled among
// them (so it carries no information while its distribution stays the
// same), averaged over HoldOut::permutation_repeats shuffles. Near 0: the
// model does not rely on it. Correlated features share credit: shuffling
// one leaves its information in the other.
struct FeatureImportance {
  std::string feature;
  double accuracy_drop = 0;        // in accuracy (0.05 = 5 points)
  double log_likelihood_drop = 0;  // per customer
};

struct ClassDrivers {
  LogitResult model;                   // fitted on the training customers
  std::vector<int64_t> held_out_rows;  // the table's rows held out, ascending
  int64_t training_customers = 0;
  int64_t held_out_customers = 0;

  double accuracy = 0;  // share of held-out customers whose class is predicted right
  // Always predicting the training customers' most frequent class (the
  // earlier in model.classes on a tie): what a model must beat.
  std::string majority_class;
  double baseline_accuracy = 0;
  double held_out_log_likelihood = 0;  // mean per held-out customer
  ConfusionMatrix confusion;           // held-out customers
  // One per feature, the largest log-likelihood drop first.
  std::vector<FeatureImportance> importance;
};

// Splits the customers (rows) of `data` with `hold_out`, fits `spec` on
// the training part, and evaluates it on the held-out part. InvalidArgument
// as FitMultinomialLogit, and for a fraction outside (0, 1), a split that
// leaves no customer held out, or a held-out customer with a factor level
// no training customer has.
absl::StatusOr<ClassDrivers> EvaluateClassDrivers(const Table& data, const LogitSpec& spec,
                                                  const HoldOut& hold_out = {});

// Plain-text reports: the fit with one line per class and feature and its
// verdict; and the held-out evaluation with the confusion matrix and the
// importance ranking.
std::string FormatLogitSummary(const LogitResult& fit);
std::string FormatClassDriversSummary(const ClassDrivers& drivers);

}  // namespace pharmacrm::analytics

#endif  // PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_CLASSIFICATION_H_
