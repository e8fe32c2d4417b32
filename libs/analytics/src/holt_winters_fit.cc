// The Holt-Winters recursion and the least-squares fit of its weights.
#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <vector>

#include "Eigen/Core"
#include "src/holt_winters_internal.h"
#include "unsupported/Eigen/NonLinearOptimization"

namespace pharmacrm::analytics::forecast_internal {

double HoltWintersRecursion(const HoltWintersSpec& spec, const SmoothingWeights& weights,
                            const HoltWintersStates& initial, absl::Span<const double> y,
                            double* errors, double* fitted, HoltWintersStates* end,
                            std::vector<double>& ring) {
  const size_t m = static_cast<size_t>(spec.season_length);
  ring.assign(initial.season.begin(), initial.season.end());
  const bool multiplicative = spec.seasonality == Seasonality::kMultiplicative;
  const bool has_trend = spec.trend != Trend::kNone;
  const double alpha = weights.alpha;
  const double beta = has_trend ? weights.beta : 0.0;
  const double gamma = weights.gamma;
  const double phi = spec.trend == Trend::kDamped ? weights.phi : 1.0;
  double level = initial.level;
  double trend = has_trend ? initial.trend : 0.0;
  double sse = 0;
  // ring[j] is the seasonal state of the month t with t mod m = j: read for
  // month t, then overwritten with the state for month t + m.
  size_t j = 0;
  for (size_t t = 0; t < y.size(); ++t) {
    const double season = ring[j];
    const double base = level + phi * trend;
    const double forecast = multiplicative ? base * season : base + season;
    const double error = y[t] - forecast;
    const double next_level = multiplicative ? alpha * (y[t] / season) + (1 - alpha) * base
                                             : alpha * (y[t] - season) + (1 - alpha) * base;
    trend = beta * (next_level - level) + (1 - beta) * phi * trend;
    ring[j] = multiplicative ? gamma * (y[t] / base) + (1 - gamma) * season
                             : gamma * (y[t] - base) + (1 - gamma) * season;
    level = next_level;
    sse += error * error;
    if (errors != nullptr) errors[t] = error;
    if (fitted != nullptr) fitted[t] = forecast;
    if (++j == m) j = 0;
  }
  if (end != nullptr) {
    end->level = level;
    end->trend = trend;
    end->season.resize(m);
    for (size_t k = 0; k < m; ++k) end->season[k] = ring[(y.size() + k) % m];
  }
  return std::isfinite(sse) ? sse : std::numeric_limits<double>::infinity();
}

namespace {

// The ends of the fitted region (holt_winters.h).
constexpr double kAlphaMargin = 1e-8;  // α in (0, 1): statsmodels' sqrt(machine epsilon)
constexpr double kPhiLow = 0.8;
constexpr double kPhiHigh = 0.98;

constexpr double kNoFraction[] = {0.0};
constexpr double kNoDamping[] = {1.0};

// Indices of the raw weights in derivative arrays.
constexpr int kAlpha = 0;
constexpr int kBeta = 1;
constexpr int kGamma = 2;
constexpr int kPhi = 3;
constexpr int kWeights = 4;

// The search runs over box coordinates u in [0, 1]^p: u₁ = α's position in
// (0, 1), u₂ = β/α, u₃ = γ/(1-α), u₄ = (φ-0.8)/0.18 (β's only with a trend,
// φ's only when damped). The solver itself is unconstrained, so a point
// outside the box is evaluated at its projection onto the box, plus a
// penalty residual κ·(distance to the box) per coordinate (holt_winters.h).
struct Box {
  bool has_trend;
  bool damped;

  int size() const { return 2 + (has_trend ? 1 : 0) + (damped ? 1 : 0); }
  // The weight (kAlpha...) of coordinate i.
  int weight(int i) const {
    if (i == 0) return kAlpha;
    if (has_trend && i == 1) return kBeta;
    if (i == (has_trend ? 2 : 1)) return kGamma;
    return kPhi;
  }

  // The weights at the projection of u and, when `jacobian` is not null,
  // d weight_k / d u_i there at [k * size() + i].
  SmoothingWeights Weights(const double* u, double* jacobian = nullptr) const {
    const int p = size();
    double c[kWeights] = {0.5, 0.0, 0.0, 0.0};
    for (int i = 0; i < p; ++i) c[weight(i)] = std::clamp(u[i], 0.0, 1.0);
    SmoothingWeights w;
    w.alpha = kAlphaMargin + (1 - 2 * kAlphaMargin) * c[kAlpha];
    w.beta = has_trend ? w.alpha * c[kBeta] : 0.0;
    w.gamma = (1 - w.alpha) * c[kGamma];
    w.phi = damped ? kPhiLow + (kPhiHigh - kPhiLow) * c[kPhi] : 1.0;
    if (jacobian != nullptr) {
      std::fill(jacobian, jacobian + kWeights * p, 0.0);
      const double d_alpha = 1 - 2 * kAlphaMargin;
      jacobian[kAlpha * p + 0] = d_alpha;
      if (has_trend) {
        jacobian[kBeta * p + 0] = c[kBeta] * d_alpha;
        jacobian[kBeta * p + 1] = w.alpha;
      }
      const int g = has_trend ? 2 : 1;
      jacobian[kGamma * p + 0] = -c[kGamma] * d_alpha;
      jacobian[kGamma * p + g] = 1 - w.alpha;
      if (damped) jacobian[kPhi * p + g + 1] = kPhiHigh - kPhiLow;
    }
    return w;
  }

  // The box coordinates of weights inside the region.
  void Coordinates(const SmoothingWeights& w, double* u) const {
    int i = 0;
    u[i++] = (w.alpha - kAlphaMargin) / (1 - 2 * kAlphaMargin);
    if (has_trend) u[i++] = w.alpha > 0 ? w.beta / w.alpha : 0.0;
    u[i++] = w.alpha < 1 ? w.gamma / (1 - w.alpha) : 0.0;
    if (damped) u[i] = (w.phi - kPhiLow) / (kPhiHigh - kPhiLow);
  }
};

// The recursion of HoltWintersRecursion, carrying the derivatives of every
// state with respect to the four raw weights (forward-mode
// differentiation): errors[t] = e_t and d_errors[t * 4 + k] = d e_t / d
// weight_k. Returns SSE.
double RecursionDerivatives(const HoltWintersSpec& spec, const SmoothingWeights& weights,
                            const HoltWintersStates& initial, absl::Span<const double> y,
                            double* errors, double* d_errors, std::vector<double>& ring,
                            std::vector<double>& d_ring) {
  const size_t m = static_cast<size_t>(spec.season_length);
  ring.assign(initial.season.begin(), initial.season.end());
  d_ring.assign(m * kWeights, 0.0);
  const bool multiplicative = spec.seasonality == Seasonality::kMultiplicative;
  const bool has_trend = spec.trend != Trend::kNone;
  const bool damped = spec.trend == Trend::kDamped;
  const double alpha = weights.alpha;
  const double beta = has_trend ? weights.beta : 0.0;
  const double gamma = weights.gamma;
  const double phi = damped ? weights.phi : 1.0;
  double level = initial.level;
  double trend = has_trend ? initial.trend : 0.0;
  double d_level[kWeights] = {0, 0, 0, 0};
  double d_trend[kWeights] = {0, 0, 0, 0};
  double sse = 0;
  size_t j = 0;
  for (size_t t = 0; t < y.size(); ++t) {
    const double season = ring[j];
    double* d_season = &d_ring[j * kWeights];
    const double base = level + phi * trend;
    const double forecast = multiplicative ? base * season : base + season;
    const double error = y[t] - forecast;
    const double next_level = multiplicative ? alpha * (y[t] / season) + (1 - alpha) * base
                                             : alpha * (y[t] - season) + (1 - alpha) * base;
    const double next_trend = beta * (next_level - level) + (1 - beta) * phi * trend;
    const double next_season = multiplicative ? gamma * (y[t] / base) + (1 - gamma) * season
                                              : gamma * (y[t] - base) + (1 - gamma) * season;
    double d_next_level[kWeights];
    for (int k = 0; k < kWeights; ++k) {
      const double d_base = d_level[k] + phi * d_trend[k] + (k == kPhi && damped ? trend : 0.0);
      const double d_forecast =
          multiplicative ? d_base * season + base * d_season[k] : d_base + d_season[k];
      d_errors[t * kWeights + static_cast<size_t>(k)] = -d_forecast;
      if (multiplicative) {
        d_next_level[k] = (k == kAlpha ? y[t] / season - base : 0.0) -
                          alpha * y[t] * d_season[k] / (season * season) + (1 - alpha) * d_base;
      } else {
        d_next_level[k] =
            (k == kAlpha ? y[t] - season - base : 0.0) - alpha * d_season[k] + (1 - alpha) * d_base;
      }
      const double d_next_trend =
          has_trend ? (k == kBeta ? next_level - level - phi * trend : 0.0) +
                          beta * (d_next_level[k] - d_level[k]) +
                          (1 - beta) * (phi * d_trend[k] + (k == kPhi && damped ? trend : 0.0))
                    : 0.0;
      if (multiplicative) {
        d_season[k] = (k == kGamma ? y[t] / base - season : 0.0) -
                      gamma * y[t] * d_base / (base * base) + (1 - gamma) * d_season[k];
      } else {
        d_season[k] =
            (k == kGamma ? y[t] - base - season : 0.0) - gamma * d_base + (1 - gamma) * d_season[k];
      }
      d_trend[k] = d_next_trend;
    }
    for (int k = 0; k < kWeights; ++k) d_level[k] = d_next_level[k];
    level = next_level;
    trend = next_trend;
    ring[j] = next_season;
    sse += error * error;
    errors[t] = error;
    if (++j == m) j = 0;
  }
  return std::isfinite(sse) ? sse : std::numeric_limits<double>::infinity();
}

// The one-step errors followed by the box penalties, as functions of u,
// with their Jacobian, in the form Eigen's Levenberg-Marquardt expects.
class ErrorFunctor {
 public:
  using Scalar = double;
  enum { InputsAtCompileTime = Eigen::Dynamic, ValuesAtCompileTime = Eigen::Dynamic };
  using InputType = Eigen::VectorXd;
  using ValueType = Eigen::VectorXd;
  using JacobianType = Eigen::MatrixXd;

  // `penalty` is κ: a coordinate a whole unit outside the box costs κ².
  ErrorFunctor(const HoltWintersSpec& spec, const HoltWintersStates& initial,
               absl::Span<const double> y, Box box, double penalty, int* evaluations)
      : spec_(&spec),
        initial_(&initial),
        y_(y),
        box_(box),
        penalty_(penalty),
        evaluations_(evaluations) {}

  int inputs() const { return box_.size(); }
  int values() const { return static_cast<int>(y_.size()) + box_.size(); }

  int operator()(const Eigen::VectorXd& u, Eigen::VectorXd& residuals) const {
    residuals.resize(values());
    ++*evaluations_;
    const int n = static_cast<int>(y_.size());
    const double sse = HoltWintersRecursion(*spec_, box_.Weights(u.data()), *initial_, y_,
                                            residuals.data(), nullptr, nullptr, ring_);
    // A step into a region where the recursion breaks down (a multiplicative
    // level through zero) must look worse than any real point, finitely, so
    // that the trust region shrinks instead of the solver failing.
    if (!std::isfinite(sse)) residuals.head(n).setConstant(1e100);
    for (int i = 0; i < box_.size(); ++i) {
      residuals(n + i) = penalty_ * (u(i) - std::clamp(u(i), 0.0, 1.0));
    }
    return 0;
  }

  // Outside the box the errors do not depend on a coordinate (only its
  // penalty does). On a face of the box the errors' derivative is the one
  // from inside, kept only if moving inside lowers the SSE: otherwise the
  // coordinate is held on the face (an active bound), so that the solver
  // does not zigzag across it.
  int df(const Eigen::VectorXd& u, Eigen::MatrixXd& jacobian) const {
    const int p = box_.size();
    const int n = static_cast<int>(y_.size());
    double chain[kWeights * kWeights];
    const SmoothingWeights w = box_.Weights(u.data(), chain);
    d_errors_.resize(y_.size() * kWeights);
    errors_.resize(y_.size());
    ++*evaluations_;
    const double sse = RecursionDerivatives(*spec_, w, *initial_, y_, errors_.data(),
                                            d_errors_.data(), ring_, d_ring_);
    jacobian.setZero(values(), p);
    if (std::isfinite(sse)) {
      for (int i = 0; i < p; ++i) {
        if (u(i) < 0 || u(i) > 1) continue;
        double gradient = 0;  // d SSE/2 / d u_i from inside
        for (int t = 0; t < n; ++t) {
          double sum = 0;
          for (int k = 0; k < kWeights; ++k) {
            sum += d_errors_[static_cast<size_t>(t) * kWeights + static_cast<size_t>(k)] *
                   chain[k * p + i];
          }
          jacobian(t, i) = sum;
          gradient += sum * errors_[static_cast<size_t>(t)];
        }
        const bool held = (u(i) == 0 && gradient > 0) || (u(i) == 1 && gradient < 0);
        if (held) jacobian.col(i).head(n).setZero();
      }
    }
    for (int i = 0; i < p; ++i) {
      if (u(i) < 0 || u(i) > 1) jacobian(n + i, i) = penalty_;
    }
    return 0;
  }

 private:
  const HoltWintersSpec* spec_;
  const HoltWintersStates* initial_;
  absl::Span<const double> y_;
  Box box_;
  double penalty_;
  int* evaluations_;
  mutable std::vector<double> ring_;
  mutable std::vector<double> d_ring_;
  mutable std::vector<double> d_errors_;
  mutable std::vector<double> errors_;
};

// The largest difference of two weights' box coordinates.
double Distance(const Box& box, const SmoothingWeights& a, const SmoothingWeights& b) {
  double u[kWeights];
  double v[kWeights];
  box.Coordinates(a, u);
  box.Coordinates(b, v);
  double distance = 0;
  for (int i = 0; i < box.size(); ++i) distance = std::max(distance, std::abs(u[i] - v[i]));
  return distance;
}

// Levenberg-Marquardt from `start` (SSE `start_sse`); returns the weights
// at the projection of where it ends.
SmoothingWeights Refine(const HoltWintersSpec& spec, const HoltWintersStates& initial,
                        absl::Span<const double> y, const Box& box, const FitSettings& settings,
                        const SmoothingWeights& start, double start_sse, int* evaluations) {
  Eigen::VectorXd u(box.size());
  box.Coordinates(start, u.data());
  ErrorFunctor functor(spec, initial, y, box, std::sqrt(std::max(start_sse, 1e-300)), evaluations);
  Eigen::LevenbergMarquardt<ErrorFunctor> solver(functor);
  solver.parameters.maxfev = settings.max_function_evaluations;
  solver.parameters.ftol = settings.tolerance;
  solver.parameters.xtol = settings.tolerance;
  solver.minimize(u);
  return box.Weights(u.data());
}

}  // namespace

WeightFit FitSmoothingWeights(const HoltWintersSpec& spec, const HoltWintersStates& initial,
                              absl::Span<const double> y, const FitSettings& settings) {
  const Box box{spec.trend != Trend::kNone, spec.trend == Trend::kDamped};
  WeightFit best;
  best.sse = std::numeric_limits<double>::infinity();
  std::vector<double> ring;

  // The grid's best points, best first.
  struct Start {
    double sse;
    SmoothingWeights weights;
  };
  std::vector<Start> starts;
  const auto consider = [&](const SmoothingWeights& w) {
    const double sse = HoltWintersRecursion(spec, w, initial, y, nullptr, nullptr, nullptr, ring);
    ++best.evaluations;
    if (!std::isfinite(sse)) return;
    const auto at = std::find_if(starts.begin(), starts.end(),
                                 [sse](const Start& start) { return sse < start.sse; });
    if (at - starts.begin() >= settings.starts) return;
    starts.insert(at, Start{sse, w});
    if (static_cast<int>(starts.size()) > settings.starts) starts.pop_back();
  };
  const absl::Span<const double> betas =
      box.has_trend ? settings.beta_fractions : absl::Span<const double>(kNoFraction);
  const absl::Span<const double> phis =
      box.damped ? settings.phis : absl::Span<const double>(kNoDamping);
  for (double alpha : settings.alphas) {
    for (double beta_fraction : betas) {
      for (double gamma_fraction : settings.gamma_fractions) {
        for (double phi : phis) {
          consider({alpha, alpha * beta_fraction, (1 - alpha) * gamma_fraction, phi});
        }
      }
    }
  }
  for (const Start& start : starts) {
    // A second start in the first one's neighbourhood would end where it
    // did.
    if (&start != &starts.front() &&
        Distance(box, start.weights, starts.front().weights) < settings.distinct_start) {
      continue;
    }
    if (start.sse < best.sse) {
      best.sse = start.sse;
      best.weights = start.weights;
    }
    // Keep the refined point only if it is better (the solver may stop on
    // its evaluation limit anywhere).
    const SmoothingWeights refined =
        Refine(spec, initial, y, box, settings, start.weights, start.sse, &best.evaluations);
    const double sse =
        HoltWintersRecursion(spec, refined, initial, y, nullptr, nullptr, nullptr, ring);
    ++best.evaluations;
    if (sse <= best.sse) {
      best.sse = sse;
      best.weights = refined;
    }
  }
  return best;
}

}  // namespace pharmacrm::analytics::forecast_internal
