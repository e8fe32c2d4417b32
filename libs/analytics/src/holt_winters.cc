#include "pharmacrm/analytics/holt_winters.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "Eigen/Dense"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "src/forecast_internal.h"
#include "src/holt_winters_internal.h"

namespace pharmacrm::analytics {
namespace {

using forecast_internal::Fixed;

constexpr int kExtraMonths = 6;  // beyond a season, in the shortest history

bool HasTrend(const HoltWintersSpec& spec) { return spec.trend != Trend::kNone; }
bool IsMultiplicative(const HoltWintersSpec& spec) {
  return spec.seasonality == Seasonality::kMultiplicative;
}

// Initial states taken from the data (σ²'s degrees of freedom): l_0, b_0
// with a trend, and m - 1 free seasonal states (they are normalised).
int InitialStateCount(const HoltWintersSpec& spec) {
  return spec.season_length + (HasTrend(spec) ? 1 : 0);
}

std::string ModelId(const HoltWintersSpec& spec) {
  std::string id = IsMultiplicative(spec) ? "holt_winters_multiplicative" : "holt_winters_additive";
  if (spec.trend == Trend::kDamped) absl::StrAppend(&id, "_damped");
  if (spec.trend == Trend::kNone) absl::StrAppend(&id, "_no_trend");
  return id;
}

BilingualText ModelName(const HoltWintersSpec& spec) {
  BilingualText name = IsMultiplicative(spec)
                           ? BilingualText{"Holt-Winters multiplicative", "Holt-Winters 乘法"}
                           : BilingualText{"Holt-Winters additive", "Holt-Winters 加法"};
  if (spec.trend == Trend::kDamped) {
    absl::StrAppend(&name.en, ", damped trend");
    absl::StrAppend(&name.zh, "（阻尼趋势）");
  } else if (spec.trend == Trend::kNone) {
    absl::StrAppend(&name.en, ", no trend");
    absl::StrAppend(&name.zh, "（无趋势）");
  }
  return name;
}

// Month i of the history, 1-based, as people count.
BilingualText NotPositive(size_t index, double value) {
  return {absl::StrCat("needs positive sales: month ", index + 1, " of the history is ",
                       Fixed(value, 2)),
          absl::StrCat("需要正的销售数据：历史第 ", index + 1, " 个月为 ", Fixed(value, 2))};
}

// The simulated intervals of holt_winters.h: `normals` holds at least
// horizon × paths draws, step-major. The first month ahead needs no
// simulation: y = ŷ + σε exactly, so its interval is ŷ ± zσ.
IntervalForecast SimulatedIntervals(const HoltWintersSpec& spec, const SmoothingWeights& w,
                                    const HoltWintersStates& end, double sigma, int horizon,
                                    double level, absl::Span<const double> normals, int paths) {
  const size_t h_count = static_cast<size_t>(horizon);
  const size_t path_count = static_cast<size_t>(paths);
  const size_t m = static_cast<size_t>(spec.season_length);
  const bool multiplicative = IsMultiplicative(spec);
  const double alpha = w.alpha;
  const double beta = HasTrend(spec) ? w.beta : 0.0;
  const double gamma = w.gamma;
  const double phi = spec.trend == Trend::kDamped ? w.phi : 1.0;
  IntervalForecast out;
  out.level = level;
  out.point = HoltWintersPoints(spec, w, end, horizon);
  out.lower.resize(h_count);
  out.upper.resize(h_count);
  const double z = forecast_internal::NormalQuantile((1 + level) / 2);
  out.lower[0] = out.point[0] - z * sigma;
  out.upper[0] = out.point[0] + z * sigma;
  if (h_count == 1) return out;

  // Month by month over all paths at once (contiguous, so the compiler
  // vectorises it). A path's states after the last month are never read.
  std::vector<double> simulated(h_count * path_count);
  std::vector<double> level_state(path_count, end.level);
  std::vector<double> trend(path_count, end.trend);
  // Seasonal states a path updates for months a season later, when the
  // horizon reaches them: [j * paths + p] for month j + m.
  std::vector<double> path_season(h_count > m ? (h_count - m) * path_count : 0);
  for (size_t j = 0; j < h_count; ++j) {
    const bool last = j + 1 == h_count;
    const bool keep_season = j + m < h_count;
    const double* season_of = j < m ? nullptr : &path_season[(j - m) * path_count];
    const double* draws = &normals[j * path_count];
    double* y_out = &simulated[j * path_count];
    double* season_out = keep_season ? &path_season[j * path_count] : nullptr;
    for (size_t p = 0; p < path_count; ++p) {
      const double season = season_of == nullptr ? end.season[j] : season_of[p];
      const double base = level_state[p] + phi * trend[p];
      const double y = (multiplicative ? base * season : base + season) + sigma * draws[p];
      y_out[p] = y;
      if (last) continue;
      const double next_level = multiplicative ? alpha * (y / season) + (1 - alpha) * base
                                               : alpha * (y - season) + (1 - alpha) * base;
      trend[p] = beta * (next_level - level_state[p]) + (1 - beta) * phi * trend[p];
      if (keep_season) {
        season_out[p] = multiplicative ? gamma * (y / base) + (1 - gamma) * season
                                       : gamma * (y - base) + (1 - gamma) * season;
      }
      level_state[p] = next_level;
    }
  }
  for (size_t j = 1; j < h_count; ++j) {
    const forecast_internal::QuantilePair bounds = forecast_internal::LinearQuantiles(
        absl::MakeSpan(simulated).subspan(j * path_count, path_count), (1 - level) / 2,
        (1 + level) / 2);
    out.lower[j] = bounds.low;
    out.upper[j] = bounds.high;
  }
  return out;
}

class FittedHoltWinters final : public FittedModel {
 public:
  struct Fit {
    HoltWintersSpec spec;
    SmoothingWeights weights;
    bool weights_fitted = false;
    bool weights_reused = false;  // fitted to a shorter history
    HoltWintersStates initial;
    HoltWintersStates end;
    std::vector<double> fitted;
    double sse = 0;
    double sigma = 0;
    int paths = 0;
    uint64_t seed = 0;
    std::shared_ptr<const std::vector<double>> normals;
  };

  explicit FittedHoltWinters(Fit fit) : fit_(std::move(fit)) {}

  absl::StatusOr<IntervalForecast> Forecast(int horizon, double level,
                                            absl::Span<const ExogenousView>) const override {
    if (absl::Status status = ValidateHorizon(horizon); !status.ok()) return status;
    if (absl::Status status = ValidateLevel(level); !status.ok()) return status;
    if (!IsMultiplicative(fit_.spec)) {
      std::vector<double> factor(static_cast<size_t>(horizon));
      for (int h = 1; h <= horizon; ++h) {
        factor[static_cast<size_t>(h - 1)] = AdditiveVarianceFactor(fit_.spec, fit_.weights, h);
      }
      return forecast_internal::NormalIntervals(
          level, HoltWintersPoints(fit_.spec, fit_.weights, fit_.end, horizon), fit_.sigma, factor);
    }
    const size_t needed = static_cast<size_t>(horizon) * static_cast<size_t>(fit_.paths);
    if (fit_.normals->size() >= needed) {
      return SimulatedIntervals(fit_.spec, fit_.weights, fit_.end, fit_.sigma, horizon, level,
                                *fit_.normals, fit_.paths);
    }
    const std::vector<double> longer = SimulationNormals(fit_.seed, fit_.paths, horizon);
    return SimulatedIntervals(fit_.spec, fit_.weights, fit_.end, fit_.sigma, horizon, level, longer,
                              fit_.paths);
  }

  absl::Span<const double> fitted() const override { return fit_.fitted; }

  std::vector<ModelParameter> parameters() const override {
    std::vector<ModelParameter> out = {{"alpha", fit_.weights.alpha}};
    if (HasTrend(fit_.spec)) out.push_back({"beta", fit_.weights.beta});
    out.push_back({"gamma", fit_.weights.gamma});
    if (fit_.spec.trend == Trend::kDamped) out.push_back({"phi", fit_.weights.phi});
    out.push_back({"sigma", fit_.sigma});
    out.push_back({"sse", fit_.sse});
    out.push_back({"initial_level", fit_.initial.level});
    if (HasTrend(fit_.spec)) out.push_back({"initial_trend", fit_.initial.trend});
    out.push_back({"level", fit_.end.level});
    if (HasTrend(fit_.spec)) out.push_back({"trend", fit_.end.trend});
    return out;
  }

  BilingualText description() const override {
    BilingualText text = ModelName(fit_.spec);
    std::string weights = absl::StrCat("α=", Fixed(fit_.weights.alpha, 3));
    if (HasTrend(fit_.spec)) absl::StrAppend(&weights, ", β=", Fixed(fit_.weights.beta, 3));
    absl::StrAppend(&weights, ", γ=", Fixed(fit_.weights.gamma, 3));
    if (fit_.spec.trend == Trend::kDamped) {
      absl::StrAppend(&weights, ", φ=", Fixed(fit_.weights.phi, 3));
    }
    absl::StrAppend(&text.en, ": ", weights,
                    !fit_.weights_fitted  ? " (fixed)"
                    : fit_.weights_reused ? " (fitted to a shorter history)"
                                          : " (fitted)");
    absl::StrAppend(&text.zh, "：", weights,
                    !fit_.weights_fitted  ? "（固定）"
                    : fit_.weights_reused ? "（在较短的历史上拟合）"
                                          : "（拟合）");
    return text;
  }

  BilingualText interval_method() const override {
    if (!IsMultiplicative(fit_.spec)) {
      return {
          "analytical, normal errors: the class-1 ETS variance of the additive model "
          "(Hyndman et al. 2008) σ²(1 + Σ c_j²), c_j = α + αβ(φ + … + φ^j) + "
          "γ[j mod m = 0]",
          "解析法（正态误差）：加法模型的第一类 ETS 方差（Hyndman 等，2008）σ²(1 + Σ c_j²)，"
          "c_j = α + αβ(φ + … + φ^j) + γ[j mod m = 0]"};
    }
    return {absl::StrCat("simulation: ", fit_.paths,
                         " futures of the recursion with normal errors of the fitted σ (seed ",
                         fit_.seed, "), the interval between their quantiles"),
            absl::StrCat("模拟法：按拟合的 σ 以正态误差模拟 ", fit_.paths, " 条未来路径（种子 ",
                         fit_.seed, "），取其分位数之间的区间")};
  }

 private:
  Fit fit_;
};

}  // namespace

int HoltWintersMinHistory(const HoltWintersSpec& spec) { return spec.season_length + kExtraMonths; }

int HoltWintersWeightCount(const HoltWintersSpec& spec) {
  return 2 + (HasTrend(spec) ? 1 : 0) + (spec.trend == Trend::kDamped ? 1 : 0);
}

absl::StatusOr<HoltWintersStates> HoltWintersInitialStates(const HoltWintersSpec& spec,
                                                           absl::Span<const double> history) {
  if (absl::Status status = ValidateValues(history); !status.ok()) return status;
  if (spec.season_length < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("spec.season_length: must be at least 2, is ", spec.season_length));
  }
  const int m = spec.season_length;
  // The first two seasons at most: over a long history a single line and
  // season would stand for states that have since moved.
  const int n = std::min(static_cast<int>(history.size()), 2 * m);
  const bool has_trend = HasTrend(spec);
  // Columns: the level, the trend (months 1..n), and m - 1 seasonal
  // effects coded to sum to zero (month m is minus their sum).
  const int columns = 1 + (has_trend ? 1 : 0) + (m - 1);
  if (n < columns + 1) {
    return absl::InvalidArgumentError(absl::StrCat("values: ", n,
                                                   " months, the initial states need ", columns + 1,
                                                   " (a season and 1 or 2 more)"));
  }
  Eigen::MatrixXd design = Eigen::MatrixXd::Zero(n, columns);
  Eigen::VectorXd y(n);
  for (int t = 0; t < n; ++t) {
    y(t) = history[static_cast<size_t>(t)];
    design(t, 0) = 1;
    if (has_trend) design(t, 1) = t + 1;
    const int first_effect = has_trend ? 2 : 1;
    const int month = t % m;
    if (month < m - 1) {
      design(t, first_effect + month) = 1;
    } else {
      design.block(t, first_effect, 1, m - 1).setConstant(-1);
    }
  }
  const Eigen::VectorXd coefficients = design.colPivHouseholderQr().solve(y);
  HoltWintersStates states;
  states.level = coefficients(0);
  states.trend = has_trend ? coefficients(1) : 0.0;
  states.season.assign(static_cast<size_t>(m), 0.0);
  const int first_effect = has_trend ? 2 : 1;
  for (int j = 0; j < m - 1; ++j) {
    states.season[static_cast<size_t>(j)] = coefficients(first_effect + j);
    states.season[static_cast<size_t>(m - 1)] -= coefficients(first_effect + j);
  }
  if (!IsMultiplicative(spec)) return states;

  // Multiplicative: each month's mean ratio to the fitted line, normalised.
  std::vector<double> ratio_sum(static_cast<size_t>(m), 0.0);
  std::vector<int> count(static_cast<size_t>(m), 0);
  for (int t = 0; t < n; ++t) {
    const double value = history[static_cast<size_t>(t)];
    if (!(value > 0)) {
      return absl::FailedPreconditionError(NotPositive(static_cast<size_t>(t), value).en);
    }
    const double line = states.level + states.trend * (t + 1);
    if (!(line > 0)) {
      return absl::FailedPreconditionError(
          absl::StrCat("the fitted trend line falls to ", Fixed(line, 2), " in month ", t + 1,
                       "; multiplicative seasonality needs it above 0"));
    }
    ratio_sum[static_cast<size_t>(t % m)] += value / line;
    ++count[static_cast<size_t>(t % m)];
  }
  double sum = 0;
  for (int j = 0; j < m; ++j) {
    const size_t i = static_cast<size_t>(j);
    states.season[i] = ratio_sum[i] / count[i];
    sum += states.season[i];
  }
  for (double& s : states.season) s *= m / sum;
  return states;
}

absl::Status ValidateSmoothingWeights(const SmoothingWeights& weights) {
  auto in_range = [](absl::string_view field, double value, bool open_low) -> absl::Status {
    const bool ok = open_low ? (value > 0 && value <= 1) : (value >= 0 && value <= 1);
    if (ok) return absl::OkStatus();
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": must be in ", open_low ? "(0" : "[0", ", 1], is ", value));
  };
  if (absl::Status s = in_range("alpha", weights.alpha, false); !s.ok()) return s;
  if (absl::Status s = in_range("beta", weights.beta, false); !s.ok()) return s;
  if (absl::Status s = in_range("gamma", weights.gamma, false); !s.ok()) return s;
  return in_range("phi", weights.phi, true);
}

absl::StatusOr<HoltWintersPass> RunHoltWinters(const HoltWintersSpec& spec,
                                               const SmoothingWeights& weights,
                                               const HoltWintersStates& initial,
                                               absl::Span<const double> history) {
  if (absl::Status status = ValidateValues(history); !status.ok()) return status;
  if (absl::Status status = ValidateSmoothingWeights(weights); !status.ok()) return status;
  if (spec.season_length < 2 || initial.season.size() != static_cast<size_t>(spec.season_length)) {
    return absl::InvalidArgumentError(absl::StrCat("initial.season: ", initial.season.size(),
                                                   " states, the season is ", spec.season_length,
                                                   " months"));
  }
  HoltWintersPass pass;
  pass.fitted.resize(history.size());
  std::vector<double> ring;
  pass.sse = forecast_internal::HoltWintersRecursion(spec, weights, initial, history, nullptr,
                                                     pass.fitted.data(), &pass.end, ring);
  return pass;
}

std::vector<double> HoltWintersPoints(const HoltWintersSpec& spec, const SmoothingWeights& weights,
                                      const HoltWintersStates& end, int horizon) {
  const double phi = spec.trend == Trend::kDamped ? weights.phi : 1.0;
  const size_t m = static_cast<size_t>(spec.season_length);
  std::vector<double> points(static_cast<size_t>(std::max(0, horizon)));
  double damping = 0;  // φ + φ² + ... + φ^h
  double power = 1;
  for (size_t i = 0; i < points.size(); ++i) {
    power *= phi;
    damping += power;
    const double base = end.level + damping * end.trend;
    const double season = end.season[i % m];
    points[i] = IsMultiplicative(spec) ? base * season : base + season;
  }
  return points;
}

double AdditiveVarianceFactor(const HoltWintersSpec& spec, const SmoothingWeights& weights, int h) {
  const double beta = HasTrend(spec) ? weights.beta : 0.0;
  const double phi = spec.trend == Trend::kDamped ? weights.phi : 1.0;
  double factor = 1;
  double damping = 0;  // φ + ... + φ^j
  double power = 1;
  for (int j = 1; j < h; ++j) {
    power *= phi;
    damping += power;
    const double c = weights.alpha + weights.alpha * beta * damping +
                     (j % spec.season_length == 0 ? weights.gamma : 0.0);
    factor += c * c;
  }
  return factor;
}

std::vector<double> SimulationNormals(uint64_t seed, int paths, int horizon) {
  std::mt19937_64 engine(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::vector<double> draws(static_cast<size_t>(std::max(0, paths)) *
                            static_cast<size_t>(std::max(0, horizon)));
  for (double& draw : draws) draw = normal(engine);
  return draws;
}

absl::StatusOr<std::unique_ptr<HoltWinters>> HoltWinters::Create(
    const HoltWintersOptions& options) {
  if (options.spec.season_length < 2) {
    return absl::InvalidArgumentError(
        absl::StrCat("spec.season_length: must be at least 2, is ", options.spec.season_length));
  }
  if (options.fixed.has_value()) {
    if (absl::Status status = ValidateSmoothingWeights(*options.fixed); !status.ok()) {
      return absl::InvalidArgumentError(absl::StrCat("fixed.", status.message()));
    }
  }
  if (options.simulation_paths < 10) {
    return absl::InvalidArgumentError(
        absl::StrCat("simulation_paths: must be at least 10, is ", options.simulation_paths));
  }
  if (options.tabulated_horizon < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("tabulated_horizon: must be at least 1, is ", options.tabulated_horizon));
  }
  std::shared_ptr<const std::vector<double>> normals;
  if (IsMultiplicative(options.spec)) {
    normals = std::make_shared<const std::vector<double>>(SimulationNormals(
        options.simulation_seed, options.simulation_paths, options.tabulated_horizon));
  }
  return std::unique_ptr<HoltWinters>(
      new HoltWinters(options, ModelId(options.spec), std::move(normals)));
}

HoltWinters::HoltWinters(const HoltWintersOptions& options, std::string id,
                         std::shared_ptr<const std::vector<double>> normals)
    : options_(options), id_(std::move(id)), normals_(std::move(normals)) {}

BilingualText HoltWinters::name() const { return ModelName(options_.spec); }

int HoltWinters::complexity() const { return HoltWintersWeightCount(options_.spec); }

std::optional<BilingualText> HoltWinters::Unsuitable(const SeriesView& history) const {
  const absl::Span<const double> y = history.values;
  const size_t needed = static_cast<size_t>(HoltWintersMinHistory(options_.spec));
  if (y.size() < needed) {
    return BilingualText{
        absl::StrCat("needs at least ", needed, " months of history, has ", y.size()),
        absl::StrCat("至少需要 ", needed, " 个月的历史数据，现有 ", y.size(), " 个月")};
  }
  if (!IsMultiplicative(options_.spec)) return std::nullopt;
  for (size_t i = 0; i < y.size(); ++i) {
    if (!(y[i] > 0)) return NotPositive(i, y[i]);
  }
  absl::StatusOr<HoltWintersStates> initial = HoltWintersInitialStates(options_.spec, y);
  if (!initial.ok()) {
    return BilingualText{std::string(initial.status().message()),
                         "拟合的趋势线降至 0 或以下，乘法季节性要求其大于 0"};
  }
  return std::nullopt;
}

absl::StatusOr<std::unique_ptr<FittedModel>> HoltWinters::Fit(const SeriesView& history) const {
  return FitWeights(history, nullptr);
}

absl::StatusOr<std::unique_ptr<FittedModel>> HoltWinters::FitWith(
    const SeriesView& history, absl::Span<const ModelParameter> estimated) const {
  const HoltWintersSpec& spec = options_.spec;
  auto find = [&](absl::string_view name) -> std::optional<double> {
    for (const ModelParameter& p : estimated) {
      if (p.name == name) return p.value;
    }
    return std::nullopt;
  };
  const std::optional<double> alpha = find("alpha");
  const std::optional<double> beta = HasTrend(spec) ? find("beta") : 0.0;
  const std::optional<double> gamma = find("gamma");
  const std::optional<double> phi = spec.trend == Trend::kDamped ? find("phi") : 1.0;
  if (!alpha || !beta || !gamma || !phi) return FitWeights(history, nullptr);
  const SmoothingWeights reuse{*alpha, *beta, *gamma, *phi};
  if (!ValidateSmoothingWeights(reuse).ok()) return FitWeights(history, nullptr);
  return FitWeights(history, &reuse);
}

absl::StatusOr<std::unique_ptr<FittedModel>> HoltWinters::FitWeights(
    const SeriesView& history, const SmoothingWeights* reuse) const {
  const absl::Span<const double> y = history.values;
  if (absl::Status status = ValidateValues(y); !status.ok()) return status;
  if (std::optional<BilingualText> why = Unsuitable(history)) {
    return absl::FailedPreconditionError(why->en);
  }
  const HoltWintersSpec& spec = options_.spec;
  absl::StatusOr<HoltWintersStates> initial = HoltWintersInitialStates(spec, y);
  if (!initial.ok()) return initial.status();

  FittedHoltWinters::Fit fit;
  fit.spec = spec;
  fit.initial = *std::move(initial);
  fit.paths = options_.simulation_paths;
  fit.seed = options_.simulation_seed;
  fit.normals = normals_;
  // Weights estimated from the data count against σ²'s degrees of freedom,
  // whether estimated now or on a shorter history.
  int weights_fitted = 0;
  if (options_.fixed.has_value()) {
    fit.weights = *options_.fixed;
  } else if (reuse != nullptr) {
    fit.weights = *reuse;
    fit.weights_fitted = true;
    fit.weights_reused = true;
    weights_fitted = HoltWintersWeightCount(spec);
  } else {
    fit.weights = forecast_internal::FitSmoothingWeights(spec, fit.initial, y).weights;
    fit.weights_fitted = true;
    weights_fitted = HoltWintersWeightCount(spec);
  }
  fit.fitted.resize(y.size());
  std::vector<double> ring;
  fit.sse = forecast_internal::HoltWintersRecursion(spec, fit.weights, fit.initial, y, nullptr,
                                                    fit.fitted.data(), &fit.end, ring);
  if (!std::isfinite(fit.sse)) {
    return absl::FailedPreconditionError(
        "the recursion did not stay finite (a multiplicative level through zero)");
  }
  const int dof = static_cast<int>(y.size()) - weights_fitted - InitialStateCount(spec);
  if (dof < 1) {
    return absl::FailedPreconditionError(
        absl::StrCat("no degrees of freedom left for σ² (", y.size(), " months, ", weights_fitted,
                     " weights and ", InitialStateCount(spec), " initial states)"));
  }
  fit.sigma = std::sqrt(fit.sse / dof);
  return std::make_unique<FittedHoltWinters>(std::move(fit));
}

}  // namespace pharmacrm::analytics
