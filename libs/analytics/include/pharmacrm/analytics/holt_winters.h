// Holt-Winters exponential smoothing: a level, optionally a trend (damped or
// not) and a season of `season_length` months, additive or multiplicative.
// The recursion is that of statsmodels' ExponentialSmoothing (and Hyndman
// et al. 2008, Table 2.3, for additive errors), with m the season length,
// "∘" + for additive and × for multiplicative seasonality, "⊘" its inverse:
//
//   forecast  ŷ_t = (l_{t-1} + φ b_{t-1}) ∘ s_{t-m}
//   level     l_t = α (y_t ⊘ s_{t-m}) + (1-α)(l_{t-1} + φ b_{t-1})
//   trend     b_t = β (l_t - l_{t-1}) + (1-β) φ b_{t-1}
//   season    s_t = γ (y_t ⊘ (l_{t-1} + φ b_{t-1})) + (1-γ) s_{t-m}
//   h ahead   ŷ_{n+h} = (l_n + (φ + φ² + ... + φ^h) b_n) ∘ s_{n+h-m(k+1)},
//             k = floor((h-1)/m)
//
// Without a trend b ≡ 0; an undamped trend has φ = 1. β is Holt's trend
// weight (statsmodels' smoothing_trend); the ETS state-space weight is αβ.
//
// Initial states, by least squares over the first two seasons of the
// history (all of it when shorter): for its months t = 1..n', n' = min(n, 2m),
//   y_t ≈ l_0 + b_0 t + e_{(t-1) mod m + 1},  Σ_j e_j = 0
// (b_0 = 0 without a trend), solved with Eigen's column-pivoting QR; then
//   additive:       s_j = e_j
//   multiplicative: s_j = the mean of y_t / (l_0 + b_0 t) over the months t
//                   of season position j, divided by the mean of the s_j
// (s_j is the seasonal state of history month j, j = 1..m). This is the
// classical decomposition of statsmodels' 'heuristic' (Hyndman et al. 2008,
// §2.6.1), done as one regression so that a season and a half suffices
// where the heuristic needs two full seasons; it is reproducible (the
// reference test hands the states to statsmodels as
// initialization_method='known'). Unlike states taken from the first year
// alone, these leave the first year's one-step errors non-zero, so every
// weight (γ included) moves the SSE even when the history is shorter than
// two seasons.
//
// Fitting: α, β, γ (and φ when damped) minimise the sum of squared
// one-step errors Σ (y_t - ŷ_t)² over the whole history, within
//   0 < α < 1,  0 ≤ β ≤ α,  0 ≤ γ ≤ 1-α,  0.8 ≤ φ ≤ 0.98
// (β ≤ α as statsmodels imposes, γ ≤ 1-α and φ's range as Hyndman et al.).
// The search runs over the box [0, 1]^p of positions in those ranges
// (α, β/α, γ/(1-α), (φ-0.8)/0.18). The least-squares surface has local
// minima, so a small grid is evaluated first (α in {.05, .3, .6, .95},
// β/α in {.05, .95}, γ/(1-α) in {.05, .5, .95}, φ in {.82, .96}), and its
// best two points are refined by Levenberg-Marquardt (Eigen's unsupported
// NonLinearOptimization, MINPACK's lmder; at most 60 evaluations each,
// relative tolerance 1e-6), the better end kept. The solver is
// unconstrained, so it sees the errors at the point's projection onto the
// box plus a penalty per coordinate outside it, and the errors' Jacobian
// (carried exactly through the recursion, forward-mode) with a coordinate
// held on a face of the box while the SSE falls outwards: minima on a bound,
// common here, are then reached in a few steps.
//
// Residual variance: σ² = SSE / (n - p - q), p the fitted weights (0 when
// fixed), q the initial states taken from the data (m + 1 with a trend: l_0,
// b_0 and m - 1 free seasonal states; m without).
//
// Prediction intervals:
//  - additive seasonality: the analytical variance of ETS(A,A(d),A)
//    (Hyndman et al. 2008, class 1): σ²_h = σ² (1 + Σ_{j=1..h-1} c_j²),
//    c_j = α + αβ (φ + ... + φ^j) + γ [j mod m = 0]; interval
//    ŷ ± z σ_h, z the normal quantile of (1 + level)/2 (Boost.Math);
//  - multiplicative seasonality (no closed form): simulation. The first
//    month ahead is exact, ŷ ± z σ (y = ŷ + σ ε); for later months, `paths`
//    futures of the recursion above with y = ŷ + σ ε, ε standard normal
//    (SimulationNormals: the same draws for every series, so results are
//    reproducible), and the interval is the (1 ∓ level)/2 quantiles of the
//    simulated values, interpolated as numpy's default ("linear", type 7).
//    The point forecast is the recursion's, not the simulations' mean.
//
// Multiplicative seasonality needs positive sales (a zero or negative month
// is a reason not to fit it, stated by Unsuitable()), and a fitted trend
// line that stays above zero over the first two seasons.
//
// Thread safety: immutable; see forecast.h.
#ifndef PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_HOLT_WINTERS_H_
#define PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_HOLT_WINTERS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "pharmacrm/analytics/forecast.h"

namespace pharmacrm::analytics {

enum class Seasonality { kAdditive, kMultiplicative };
enum class Trend { kNone, kAdditive, kDamped };

struct HoltWintersSpec {
  Seasonality seasonality = Seasonality::kAdditive;
  Trend trend = Trend::kAdditive;
  int season_length = kMonthsPerYear;  // at least 2
};

struct SmoothingWeights {
  double alpha = 0;  // level
  double beta = 0;   // trend (Holt's); ignored without a trend
  double gamma = 0;  // season
  double phi = 1;    // damping; 1 unless the trend is damped
};

// States at one time: the level, the trend (0 without one) and the season:
// season[j] is the seasonal state (an amount to add, or a factor) of the
// (j+1)-th month after that time. Initial states are at the month before
// the history, so season[j] is history month j's.
struct HoltWintersStates {
  double level = 0;
  double trend = 0;
  std::vector<double> season;
};

// The shortest history fitted: a season plus 6 months (18 for monthly
// data), so that half the season positions are seen twice by the initial
// regression and σ² keeps at least one degree of freedom.
int HoltWintersMinHistory(const HoltWintersSpec& spec);
// Number of weights fitted: α, γ, plus β with a trend, plus φ when damped.
int HoltWintersWeightCount(const HoltWintersSpec& spec);

// The initial states above. InvalidArgument for invalid values or fewer
// months than the regression has coefficients plus one (m + 2 with a
// trend, m + 1 without); FailedPrecondition for multiplicative seasonality
// with a non-positive value or trend line.
absl::StatusOr<HoltWintersStates> HoltWintersInitialStates(const HoltWintersSpec& spec,
                                                           absl::Span<const double> history);

// Checks fixed weights: α, β, γ in [0, 1] and φ in (0, 1] (the fitted
// region above is narrower). InvalidArgument naming the field.
absl::Status ValidateSmoothingWeights(const SmoothingWeights& weights);

// One pass of the recursion over `history` from `initial`.
struct HoltWintersPass {
  std::vector<double> fitted;  // one-step forecasts ŷ_t, one per month
  double sse = 0;              // Σ (y_t - ŷ_t)²
  HoltWintersStates end;       // the states after the last month
};
absl::StatusOr<HoltWintersPass> RunHoltWinters(const HoltWintersSpec& spec,
                                               const SmoothingWeights& weights,
                                               const HoltWintersStates& initial,
                                               absl::Span<const double> history);

// Point forecasts for the `horizon` months after `end`.
std::vector<double> HoltWintersPoints(const HoltWintersSpec& spec, const SmoothingWeights& weights,
                                      const HoltWintersStates& end, int horizon);

// 1 + Σ_{j=1..h-1} c_j² of the additive intervals (σ²_h / σ²).
double AdditiveVarianceFactor(const HoltWintersSpec& spec, const SmoothingWeights& weights, int h);

// The standard normal draws of the multiplicative intervals' simulation,
// step-major: element [j * paths + p] is path p's draw for the (j+1)-th
// month ahead. std::mt19937_64 seeded with `seed`, through
// std::normal_distribution<double>, drawn in that order (so a longer
// horizon extends a shorter one's table).
std::vector<double> SimulationNormals(uint64_t seed, int paths, int horizon);

inline constexpr uint64_t kDefaultSimulationSeed = 20260301;

struct HoltWintersOptions {
  HoltWintersSpec spec;
  // Use these weights instead of fitting them (tests, the reference test).
  std::optional<SmoothingWeights> fixed;
  // Multiplicative intervals: simulated futures and their seed.
  int simulation_paths = 1000;
  uint64_t simulation_seed = kDefaultSimulationSeed;
  // Draws are tabulated once for this many months ahead; a longer horizon
  // draws a longer table when asked.
  int tabulated_horizon = 24;
};

// Ids: "holt_winters_additive", "holt_winters_additive_damped",
// "holt_winters_additive_no_trend", and the same with "multiplicative".
class HoltWinters final : public ForecastModel {
 public:
  // InvalidArgument for a season shorter than 2, invalid fixed weights, or
  // fewer than 10 simulation paths.
  static absl::StatusOr<std::unique_ptr<HoltWinters>> Create(const HoltWintersOptions& options);

  absl::string_view id() const override { return id_; }
  BilingualText name() const override;
  int complexity() const override;
  // Shorter than HoltWintersMinHistory; multiplicative: a value not above 0,
  // or a fitted trend line that is not.
  std::optional<BilingualText> Unsuitable(const SeriesView& history) const override;
  absl::StatusOr<std::unique_ptr<FittedModel>> Fit(const SeriesView& history) const override;
  // Keeps the "alpha", "beta", "gamma" and "phi" of `estimated` (fits afresh
  // when one this model needs is missing or out of range); the initial
  // states, the recursion and σ are those of `history`.
  absl::StatusOr<std::unique_ptr<FittedModel>> FitWith(
      const SeriesView& history, absl::Span<const ModelParameter> estimated) const override;

  const HoltWintersOptions& options() const { return options_; }

 private:
  // With `reuse` null the weights are fitted (or fixed).
  absl::StatusOr<std::unique_ptr<FittedModel>> FitWeights(const SeriesView& history,
                                                          const SmoothingWeights* reuse) const;

  HoltWinters(const HoltWintersOptions& options, std::string id,
              std::shared_ptr<const std::vector<double>> normals);

  HoltWintersOptions options_;
  std::string id_;
  // SimulationNormals(seed, paths, tabulated_horizon); multiplicative only.
  std::shared_ptr<const std::vector<double>> normals_;
};

}  // namespace pharmacrm::analytics

#endif  // PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_HOLT_WINTERS_H_
