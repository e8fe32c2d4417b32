// The Holt-Winters recursion without allocations, and the fit of its
// weights (holt_winters_fit.cc); not part of the public API.
#ifndef PHARMACRM_LIBS_ANALYTICS_SRC_HOLT_WINTERS_INTERNAL_H_
#define PHARMACRM_LIBS_ANALYTICS_SRC_HOLT_WINTERS_INTERNAL_H_

#include <vector>

#include "absl/types/span.h"
#include "pharmacrm/analytics/holt_winters.h"

namespace pharmacrm::analytics::forecast_internal {

// Runs the recursion of holt_winters.h over `y` from `initial` and returns
// Σ e_t² (infinity if a value stops being finite). When not null, `errors`
// and `fitted` receive y.size() values and `end` the final states. `ring`
// is scratch space for the season (resized as needed).
double HoltWintersRecursion(const HoltWintersSpec& spec, const SmoothingWeights& weights,
                            const HoltWintersStates& initial, absl::Span<const double> y,
                            double* errors, double* fitted, HoltWintersStates* end,
                            std::vector<double>& ring);

// How the weights are searched for (holt_winters.h, "Fitting"): every point
// of the grid α × β/α × γ/(1-α) × φ (β's and φ's only for models with a
// trend, a damped trend) is evaluated, and Levenberg-Marquardt refines the
// best `starts` of them, each for at most `max_function_evaluations`
// evaluations or until the relative change of the SSE and of θ falls below
// `tolerance`.
struct FitSettings {
  absl::Span<const double> alphas = kAlphas;
  absl::Span<const double> beta_fractions = kBetaFractions;
  absl::Span<const double> gamma_fractions = kGammaFractions;
  absl::Span<const double> phis = kPhis;
  int starts = 2;
  // A start after the first is refined only if one of its box coordinates
  // differs from the first's by at least this.
  double distinct_start = 0;
  int max_function_evaluations = 60;
  double tolerance = 1e-6;

  static constexpr double kAlphas[] = {0.05, 0.3, 0.6, 0.95};
  static constexpr double kBetaFractions[] = {0.05, 0.95};
  static constexpr double kGammaFractions[] = {0.05, 0.5, 0.95};
  static constexpr double kPhis[] = {0.82, 0.96};
};

struct WeightFit {
  SmoothingWeights weights;
  double sse = 0;
  int evaluations = 0;  // passes of the recursion
};
// The weights minimising the one-step SSE within the region of
// holt_winters.h, searched for as `settings` say. `y` must be longer than
// the number of weights.
WeightFit FitSmoothingWeights(const HoltWintersSpec& spec, const HoltWintersStates& initial,
                              absl::Span<const double> y, const FitSettings& settings = {});

}  // namespace pharmacrm::analytics::forecast_internal

#endif  // PHARMACRM_LIBS_ANALYTICS_SRC_HOLT_WINTERS_INTERNAL_H_
