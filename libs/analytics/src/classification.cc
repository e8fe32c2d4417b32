#include "pharmacrm/analytics/classification.h"

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
#include "src/multinomial.h"
#include "src/p_values.h"

namespace pharmacrm::analytics {
namespace internal {
namespace {

// Fitted probabilities beyond 1 - 1e-8 and below 1e-8 (as logs) are
// certainty to the precision a fit can be trusted with.
constexpr double kLogCertain = -1e-8;
constexpr double kLogImpossible = -18.420680743952367;  // log(1e-8)
// A coefficient of the centred and scaled design beyond this (a change in
// log-odds of 25 per standard deviation of a feature) is no estimate but a
// coefficient on its way to infinity: the classes are separated.
constexpr double kDivergent = 25;
// Step halvings before a Newton step is given up as making no progress.
constexpr int kMaxHalvings = 40;

// The observed information (minus the Hessian of the log-likelihood) of the
// coefficients stacked class by class, from each row's probabilities p
// (n x classes): block (a, b) is X' diag(p_a (δ_ab - p_b)) X.
Eigen::MatrixXd Information(const Eigen::MatrixXd& x, const Eigen::MatrixXd& p) {
  const Eigen::Index k = x.cols();
  const Eigen::Index m = p.cols() - 1;
  Eigen::MatrixXd information(k * m, k * m);
  Eigen::MatrixXd weighted(x.rows(), k);
  for (Eigen::Index a = 0; a < m; ++a) {
    for (Eigen::Index b = a; b < m; ++b) {
      Eigen::VectorXd w = -p.col(a + 1).cwiseProduct(p.col(b + 1));
      if (a == b) w += p.col(a + 1);
      weighted = x.array().colwise() * w.array();
      information.block(a * k, b * k, k, k).noalias() = x.transpose() * weighted;
      if (a != b) {
        information.block(b * k, a * k, k, k) = information.block(a * k, b * k, k, k).transpose();
      }
    }
  }
  return information;
}

double LogLikelihood(const Eigen::MatrixXd& log_p, const std::vector<int>& codes) {
  double sum = 0;
  for (size_t i = 0; i < codes.size(); ++i) sum += log_p(static_cast<Eigen::Index>(i), codes[i]);
  return sum;
}

// "'beds' for class 'A'": the coefficient at (row j, column a) of beta.
std::string CoefficientName(const std::vector<std::string>& names,
                            const std::vector<std::string>& classes, Eigen::Index j,
                            Eigen::Index a) {
  return absl::StrCat("'", names[j], "' for class '", classes[a + 1], "'");
}

// The largest coefficient of a feature (the intercepts only when no feature
// has one as large), where separation shows.
std::string LargestCoefficient(const Eigen::MatrixXd& beta, const std::vector<std::string>& names,
                               const std::vector<std::string>& classes) {
  Eigen::Index j = 0, a = 0;
  if (beta.rows() > 1) {
    beta.bottomRows(beta.rows() - 1).cwiseAbs().maxCoeff(&j, &a);
    ++j;
  } else {
    beta.cwiseAbs().maxCoeff(&j, &a);
  }
  return CoefficientName(names, classes, j, a);
}

}  // namespace

absl::StatusOr<CodedClasses> CodeClasses(const Table& table, absl::string_view response,
                                         absl::string_view baseline,
                                         absl::Span<const int64_t> rows) {
  absl::StatusOr<std::vector<std::string>> levels = LevelsOf(table, response, rows);
  if (!levels.ok()) return levels.status();
  if (levels->size() < 2) {
    return absl::InvalidArgumentError(absl::StrCat("response '", response, "' has a single class '",
                                                   levels->front(), "' in the ", rows.size(),
                                                   " rows: there is nothing to tell apart"));
  }
  CodedClasses coded;
  const std::string base = baseline.empty() ? levels->front() : std::string(baseline);
  auto found = std::find(levels->begin(), levels->end(), base);
  if (found == levels->end()) {
    return absl::InvalidArgumentError(absl::StrCat("response '", response, "': baseline class '",
                                                   base, "' is not among its classes (",
                                                   absl::StrJoin(*levels, ", "), ")"));
  }
  levels->erase(found);
  coded.classes.push_back(base);
  for (std::string& level : *levels) coded.classes.push_back(std::move(level));
  const std::vector<std::string>& values = table.FindCategorical(response)->values;
  coded.codes.reserve(rows.size());
  for (const int64_t row : rows) {
    const auto at = std::find(coded.classes.begin(), coded.classes.end(), values[row]);
    coded.codes.push_back(static_cast<int>(at - coded.classes.begin()));
  }
  return coded;
}

Eigen::MatrixXd LogProbabilities(const Eigen::MatrixXd& x, const Eigen::MatrixXd& beta) {
  Eigen::MatrixXd eta(x.rows(), beta.cols() + 1);
  eta.col(0).setZero();
  eta.rightCols(beta.cols()).noalias() = x * beta;
  const Eigen::VectorXd top = eta.rowwise().maxCoeff();
  eta.colwise() -= top;
  const Eigen::VectorXd log_sum = eta.array().exp().rowwise().sum().log().matrix();
  eta.colwise() -= log_sum;
  return eta;
}

Eigen::MatrixXd CoefficientMatrix(const LogitResult& fit) {
  const Eigen::Index m = static_cast<Eigen::Index>(fit.effects.size());
  const Eigen::Index k = m > 0 ? static_cast<Eigen::Index>(fit.effects[0].coefficients.size()) : 0;
  Eigen::MatrixXd beta(k, m);
  for (Eigen::Index a = 0; a < m; ++a) {
    for (Eigen::Index j = 0; j < k; ++j) beta(j, a) = fit.effects[a].coefficients[j].estimate;
  }
  return beta;
}

absl::StatusOr<LogitResult> FitMultinomialLogitOnRows(const Table& data, const LogitSpec& spec,
                                                      std::vector<int64_t> rows) {
  if (spec.response.empty()) return absl::InvalidArgumentError("no response column given");
  if (spec.features.numeric.empty() && spec.features.factors.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("no feature given for '", spec.response, "': the model needs at least one"));
  }
  if (spec.max_iterations < 1 || !(spec.tolerance > 0)) {
    return absl::InvalidArgumentError("max_iterations must be at least 1 and tolerance above 0");
  }
  absl::StatusOr<CodedClasses> classes = CodeClasses(data, spec.response, spec.baseline, rows);
  if (!classes.ok()) return classes.status();
  absl::StatusOr<DesignLayout> layout = ResolveLayout(data, spec.features, spec.response, rows);
  if (!layout.ok()) return layout.status();
  const std::vector<std::string> names = layout->ColumnNames();
  const int64_t n = static_cast<int64_t>(rows.size());
  const Eigen::Index k = layout->ColumnCount();
  const Eigen::Index m = static_cast<Eigen::Index>(classes->classes.size()) - 1;
  if (n <= k * m) {
    return absl::InvalidArgumentError(absl::StrCat(
        "fewer rows than the fit needs: ", n, " customers for ", k * m, " parameters (", k,
        " design columns for each of ", m, " classes against the baseline)"));
  }
  absl::StatusOr<CodedDesign> design = CodedDesign::Create(*layout, data, std::move(rows));
  if (!design.ok()) return design.status();

  // Newton-Raphson on the design with its columns centred and scaled to unit
  // standard deviation: x̃ = x T, so the coefficients of x are T b̃. The
  // likelihood is the same; the steps are better conditioned, and the
  // tolerance and the divergence bound mean the same for every feature.
  const Eigen::MatrixXd raw = design->Matrix();
  Eigen::MatrixXd x = raw;
  Eigen::MatrixXd transform = Eigen::MatrixXd::Identity(k, k);
  for (Eigen::Index j = 1; j < k; ++j) {
    const double mean = x.col(j).mean();
    const double sd = std::sqrt((x.col(j).array() - mean).square().mean());
    x.col(j) = (x.col(j).array() - mean) / sd;
    transform(0, j) = -mean / sd;
    transform(j, j) = 1 / sd;
  }
  {
    Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(x);
    qr.setThreshold(kCollinearityTolerance);
    if (qr.rank() < k) return absl::InvalidArgumentError(DescribeCollinearity(raw, names));
  }

  const std::vector<int>& codes = classes->codes;
  std::vector<int64_t> counts(m + 1, 0);
  for (const int c : codes) ++counts[c];
  // Start from the intercepts alone (each class at its share), whose
  // likelihood is the null model's.
  Eigen::MatrixXd beta = Eigen::MatrixXd::Zero(k, m);
  double null_log_likelihood = 0;
  for (Eigen::Index c = 0; c <= m; ++c) {
    const double share = static_cast<double>(counts[c]) / static_cast<double>(n);
    null_log_likelihood += static_cast<double>(counts[c]) * std::log(share);
    if (c > 0) {
      beta(0, c - 1) = std::log(static_cast<double>(counts[c]) / static_cast<double>(counts[0]));
    }
  }
  Eigen::MatrixXd log_p = LogProbabilities(x, beta);
  double log_likelihood = LogLikelihood(log_p, codes);

  auto certain_rows = [&]() {
    int64_t certain = 0;
    for (int64_t i = 0; i < n; ++i) certain += log_p(i, codes[i]) > kLogCertain;
    return certain;
  };
  // Why the likelihood has no maximum: customers whose class the features
  // decide (all of them, or some: a class ruled out with certainty) and a
  // coefficient on its way to infinity.
  auto separation = [&](int iteration) {
    const std::string coefficient = LargestCoefficient(beta, names, classes->classes);
    const char* kAdvice =
        " grows without bound. Drop or coarsen that feature, or merge levels or "
        "classes";
    if (certain_rows() == n) {
      return absl::InvalidArgumentError(absl::StrCat(
          "perfect separation: the features decide the class of all ", n,
          " customers (each one's fitted probability of its own class reached 1), so the "
          "likelihood has no maximum: the coefficient of ",
          coefficient, kAdvice));
    }
    const int64_t decided = (log_p.array() < kLogImpossible).rowwise().any().count();
    if (decided == 0) {
      return absl::InvalidArgumentError(absl::StrCat(
          "no convergence: the information matrix became singular at Newton iteration ", iteration,
          " though no customer's class is decided with certainty"));
    }
    return absl::InvalidArgumentError(absl::StrCat(
        "quasi-perfect separation: for ", decided, " of the ", n,
        " customers the features rule a class out with certainty (its fitted probability "
        "reached 0), so the likelihood has no maximum: the coefficient of ",
        coefficient, kAdvice));
  };

  bool converged = false;
  int iterations = 0;
  double last_step = 0;
  Eigen::Index last_j = 0, last_a = 0;
  Eigen::MatrixXd p;
  while (!converged && iterations < spec.max_iterations) {
    p = log_p.array().exp().matrix();
    Eigen::MatrixXd residual = -p.rightCols(m);
    for (int64_t i = 0; i < n; ++i) {
      if (codes[i] > 0) residual(i, codes[i] - 1) += 1;
    }
    const Eigen::MatrixXd gradient = x.transpose() * residual;
    const Eigen::LDLT<Eigen::MatrixXd> ldlt(Information(x, p));
    if (ldlt.info() != Eigen::Success || !ldlt.isPositive() || !(ldlt.rcond() > 1e-15)) {
      return separation(iterations + 1);
    }
    const Eigen::VectorXd step_vector =
        ldlt.solve(Eigen::Map<const Eigen::VectorXd>(gradient.data(), k * m));
    const Eigen::Map<const Eigen::MatrixXd> step(step_vector.data(), k, m);
    if (step.cwiseAbs().maxCoeff() <= spec.tolerance) {
      // Within rounding of the maximum: the last step, whole.
      beta += step;
      log_p = LogProbabilities(x, beta);
      log_likelihood = LogLikelihood(log_p, codes);
      ++iterations;
      converged = true;
      break;
    }
    // Step halving: accept the longest step of 1, 1/2, 1/4... that does not
    // lower the likelihood (beyond rounding).
    double length = 1;
    Eigen::MatrixXd candidate;
    Eigen::MatrixXd candidate_log_p;
    double candidate_log_likelihood = -INFINITY;
    int halvings = 0;
    for (; halvings <= kMaxHalvings; ++halvings, length /= 2) {
      candidate = beta + length * step;
      candidate_log_p = LogProbabilities(x, candidate);
      candidate_log_likelihood = LogLikelihood(candidate_log_p, codes);
      if (candidate_log_likelihood >= log_likelihood - 1e-12 * (1 + std::fabs(log_likelihood))) {
        break;
      }
    }
    ++iterations;
    last_step = (length * step).cwiseAbs().maxCoeff(&last_j, &last_a);
    if (halvings > kMaxHalvings) {
      return absl::InvalidArgumentError(absl::StrCat(
          "no convergence: at Newton iteration ", iterations,
          " no step along the Newton direction raised the likelihood (the largest would move the "
          "coefficient of ",
          CoefficientName(names, classes->classes, last_j, last_a),
          "); look for features of extreme values or nearly collinear ones"));
    }
    beta = std::move(candidate);
    log_p = std::move(candidate_log_p);
    log_likelihood = candidate_log_likelihood;
    if (certain_rows() == n) return separation(iterations);
  }
  if (!converged) {
    if (beta.cwiseAbs().maxCoeff() > kDivergent && (log_p.array() < kLogImpossible).any()) {
      return separation(iterations);
    }
    return absl::InvalidArgumentError(absl::StrFormat(
        "no convergence: after %d Newton iterations the coefficients still moved by up to %.3g "
        "(the coefficient of %s); raise max_iterations, or look for features of extreme values",
        iterations, last_step, CoefficientName(names, classes->classes, last_j, last_a)));
  }

  // Standard errors from the information at the maximum, taken back to the
  // coefficients of the raw design: cov(b_a, b_b) = T cov(b̃_a, b̃_b) Tᵀ.
  p = log_p.array().exp().matrix();
  const Eigen::LDLT<Eigen::MatrixXd> ldlt(Information(x, p));
  if (ldlt.info() != Eigen::Success || !ldlt.isPositive()) return separation(iterations);
  const Eigen::MatrixXd covariance_scaled = ldlt.solve(Eigen::MatrixXd::Identity(k * m, k * m));
  const Eigen::MatrixXd coefficients = transform * beta;

  LogitResult fit;
  fit.response = spec.response;
  fit.classes = classes->classes;
  fit.observations = n;
  fit.parameters = k * m;
  fit.iterations = iterations;
  fit.log_likelihood = log_likelihood;
  fit.null_log_likelihood = null_log_likelihood;
  fit.pseudo_r_squared = 1 - log_likelihood / null_log_likelihood;
  fit.lr_statistic = 2 * (log_likelihood - null_log_likelihood);
  fit.lr_df = (k - 1) * m;
  fit.lr_p_value = ChiSquaredUpper(fit.lr_statistic, static_cast<double>(fit.lr_df));
  fit.lr_verdict = absl::StrCat("the features together are ", SignificanceSentence(fit.lr_p_value));
  fit.lr_verdict_zh = absl::StrCat("特征整体", SignificanceSentenceZh(fit.lr_p_value));
  for (Eigen::Index a = 0; a < m; ++a) {
    const Eigen::MatrixXd block =
        transform * covariance_scaled.block(a * k, a * k, k, k) * transform.transpose();
    ClassEffects effects;
    effects.class_name = fit.classes[a + 1];
    for (Eigen::Index j = 0; j < k; ++j) {
      Estimate e;
      e.name = names[j];
      e.estimate = coefficients(j, a);
      e.std_error = std::sqrt(block(j, j));
      FillInference(0, e);
      effects.coefficients.push_back(std::move(e));
    }
    fit.effects.push_back(std::move(effects));
  }
  fit.layout = *std::move(layout);
  return fit;
}

}  // namespace internal

const Estimate* LogitResult::Find(absl::string_view class_name, absl::string_view feature) const {
  for (const ClassEffects& effects : this->effects) {
    if (effects.class_name != class_name) continue;
    for (const Estimate& e : effects.coefficients) {
      if (e.name == feature) return &e;
    }
  }
  return nullptr;
}

absl::StatusOr<LogitResult> FitMultinomialLogit(const Table& data, const LogitSpec& spec) {
  absl::StatusOr<int64_t> n = internal::CheckTable(data);
  if (!n.ok()) return n.status();
  return internal::FitMultinomialLogitOnRows(data, spec, internal::AllRows(*n));
}

absl::StatusOr<Eigen::MatrixXd> PredictClassProbabilities(const LogitResult& fit,
                                                          const Table& rows) {
  absl::StatusOr<int64_t> n = internal::CheckTable(rows);
  if (!n.ok()) return n.status();
  absl::StatusOr<internal::CodedDesign> design =
      internal::CodedDesign::Create(fit.layout, rows, internal::AllRows(*n));
  if (!design.ok()) return design.status();
  const Eigen::MatrixXd beta = internal::CoefficientMatrix(fit);
  if (beta.rows() != design->cols() ||
      beta.cols() + 1 != static_cast<Eigen::Index>(fit.classes.size())) {
    return absl::InvalidArgumentError("the fit's coefficients do not match its layout");
  }
  return internal::LogProbabilities(design->Matrix(), beta).array().exp().matrix();
}

absl::StatusOr<std::vector<std::string>> PredictClasses(const LogitResult& fit, const Table& rows) {
  absl::StatusOr<Eigen::MatrixXd> p = PredictClassProbabilities(fit, rows);
  if (!p.ok()) return p.status();
  std::vector<std::string> predicted;
  predicted.reserve(p->rows());
  for (Eigen::Index i = 0; i < p->rows(); ++i) {
    Eigen::Index best = 0;
    p->row(i).maxCoeff(&best);
    predicted.push_back(fit.classes[best]);
  }
  return predicted;
}

}  // namespace pharmacrm::analytics
