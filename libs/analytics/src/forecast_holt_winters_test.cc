#include <algorithm>
#include <cmath>
#include <memory>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pharmacrm/analytics/forecast.h"
#include "pharmacrm/analytics/holt_winters.h"

namespace pharmacrm::analytics {
namespace {

using ::testing::HasSubstr;

constexpr double kZ80 = 1.2815515655446004;  // normal quantile of 0.9

HoltWintersSpec Spec(Seasonality seasonality, Trend trend, int season_length = 12) {
  HoltWintersSpec spec;
  spec.seasonality = seasonality;
  spec.trend = trend;
  spec.season_length = season_length;
  return spec;
}

std::unique_ptr<HoltWinters> Model(Seasonality seasonality, Trend trend) {
  HoltWintersOptions options;
  options.spec = Spec(seasonality, trend);
  auto model = HoltWinters::Create(options);
  EXPECT_TRUE(model.ok()) << model.status();
  return *std::move(model);
}

double Parameter(const FittedModel& fitted, const std::string& name) {
  for (const ModelParameter& p : fitted.parameters()) {
    if (p.name == name) return p.value;
  }
  ADD_FAILURE() << "no parameter " << name;
  return std::nan("");
}

// A season of 4 so that three steps can be followed by hand: l0 = 10,
// b0 = 1, s = (2, -1, 0, -1), α = 0.5, β = 0.2, γ = 0.25, y = 14, 11, 15.
//
// t=1: ŷ = (10+1) + 2 = 13, e = 1; l = 0.5(14-2) + 0.5·11 = 11.5;
//      b = 0.2(11.5-10) + 0.8·1 = 1.1; s₅ = 0.25(14-11) + 0.75·2 = 2.25
// t=2: ŷ = 12.6 - 1 = 11.6, e = -0.6; l = 0.5(11+1) + 0.5·12.6 = 12.3;
//      b = 0.2(0.8) + 0.8·1.1 = 1.04; s₆ = 0.25(11-12.6) - 0.75 = -1.15
// t=3: ŷ = 13.34 + 0 = 13.34, e = 1.66; l = 0.5·15 + 0.5·13.34 = 14.17;
//      b = 0.2(1.87) + 0.8·1.04 = 1.206; s₇ = 0.25(15-13.34) = 0.415
// SSE = 1 + 0.36 + 2.7556 = 4.1156. Next months' seasons: s₄ = -1 (not yet
// updated), 2.25, -1.15, 0.415. Forecasts l₃ + h b₃ + s: 14.376, 18.832,
// 16.638, 19.409, and h = 5 reuses s₄: 20.2 - 1 = 19.2.
TEST(HoltWinters, AdditiveRecursionFollowedByHandForThreeMonths) {
  const HoltWintersSpec spec = Spec(Seasonality::kAdditive, Trend::kAdditive, 4);
  const SmoothingWeights weights{0.5, 0.2, 0.25, 1.0};
  const HoltWintersStates initial{10, 1, {2, -1, 0, -1}};
  const std::vector<double> y = {14, 11, 15};
  auto pass = RunHoltWinters(spec, weights, initial, y);
  ASSERT_TRUE(pass.ok()) << pass.status();
  EXPECT_NEAR(pass->fitted[0], 13, 1e-12);
  EXPECT_NEAR(pass->fitted[1], 11.6, 1e-12);
  EXPECT_NEAR(pass->fitted[2], 13.34, 1e-12);
  EXPECT_NEAR(pass->sse, 4.1156, 1e-12);
  EXPECT_NEAR(pass->end.level, 14.17, 1e-12);
  EXPECT_NEAR(pass->end.trend, 1.206, 1e-12);
  ASSERT_EQ(pass->end.season.size(), 4u);
  EXPECT_NEAR(pass->end.season[0], -1, 1e-12);
  EXPECT_NEAR(pass->end.season[1], 2.25, 1e-12);
  EXPECT_NEAR(pass->end.season[2], -1.15, 1e-12);
  EXPECT_NEAR(pass->end.season[3], 0.415, 1e-12);

  const std::vector<double> points = HoltWintersPoints(spec, weights, pass->end, 5);
  const std::vector<double> expected = {14.376, 18.832, 16.638, 19.409, 19.2};
  for (size_t h = 0; h < expected.size(); ++h) EXPECT_NEAR(points[h], expected[h], 1e-12) << h;

  // c_j = α + αβ j + γ[j mod 4 = 0]: 0.6, 0.7, 0.8, 1.15. σ²_h/σ² = 1,
  // 1.36, 1.85, 2.49, 3.8125.
  const std::vector<double> factors = {1, 1.36, 1.85, 2.49, 3.8125};
  for (int h = 1; h <= 5; ++h) {
    EXPECT_NEAR(AdditiveVarianceFactor(spec, weights, h), factors[static_cast<size_t>(h - 1)],
                1e-12)
        << h;
  }
}

// The same first month, multiplicative, s = (1.2, 0.9, 1.0, 0.9):
// ŷ = 11·1.2 = 13.2, e = 0.8; l = 0.5·14/1.2 + 0.5·11 = 11.3333;
// b = 0.2·1.3333 + 0.8 = 1.06667; s₅ = 0.25·14/11 + 0.75·1.2 = 1.218182.
// Damped (φ = 0.9), additive: ŷ = (10 + 0.9) + 2 = 12.9, e = 1.1;
// l = 0.5·12 + 0.5·10.9 = 11.45; b = 0.2·1.45 + 0.8·0.9 = 1.01;
// s₅ = 0.25(14-10.9) + 0.75·2 = 2.275.
TEST(HoltWinters, MultiplicativeAndDampedFirstStepByHand) {
  const std::vector<double> y = {14};
  auto multiplicative = RunHoltWinters(Spec(Seasonality::kMultiplicative, Trend::kAdditive, 4),
                                       {0.5, 0.2, 0.25, 1}, {10, 1, {1.2, 0.9, 1.0, 0.9}}, y);
  ASSERT_TRUE(multiplicative.ok());
  EXPECT_NEAR(multiplicative->fitted[0], 13.2, 1e-12);
  EXPECT_NEAR(multiplicative->end.level, 11.0 + 1.0 / 3.0, 1e-12);
  EXPECT_NEAR(multiplicative->end.trend, 1.0 + 1.0 / 15.0, 1e-12);
  EXPECT_NEAR(multiplicative->end.season[3], 0.25 * 14 / 11 + 0.9, 1e-12);

  auto damped = RunHoltWinters(Spec(Seasonality::kAdditive, Trend::kDamped, 4),
                               {0.5, 0.2, 0.25, 0.9}, {10, 1, {2, -1, 0, -1}}, y);
  ASSERT_TRUE(damped.ok());
  EXPECT_NEAR(damped->fitted[0], 12.9, 1e-12);
  EXPECT_NEAR(damped->end.level, 11.45, 1e-12);
  EXPECT_NEAR(damped->end.trend, 1.01, 1e-12);
  EXPECT_NEAR(damped->end.season[3], 2.275, 1e-12);
  // h ahead adds (φ + ... + φ^h) b: h = 2 → 11.45 + 1.71·1.01 + s = -1 (month 3).
  const auto points = HoltWintersPoints(Spec(Seasonality::kAdditive, Trend::kDamped, 4),
                                        {0.5, 0.2, 0.25, 0.9}, damped->end, 2);
  EXPECT_NEAR(points[1], 11.45 + 1.71 * 1.01 + 0.0, 1e-12);
}

TEST(HoltWinters, InitialStatesRecoverAnExactLineAndSeason) {
  // y_t = 100 + 2t + e_j, Σ e = 0, over 18 months: the regression is exact.
  const std::vector<double> effects = {5, -3, 8, 1, -6, 0, 4, -2, -7, 3, 2, -5};
  std::vector<double> y;
  for (int t = 1; t <= 18; ++t)
    y.push_back(100 + 2 * t + effects[static_cast<size_t>((t - 1) % 12)]);
  auto states = HoltWintersInitialStates(Spec(Seasonality::kAdditive, Trend::kAdditive), y);
  ASSERT_TRUE(states.ok()) << states.status();
  EXPECT_NEAR(states->level, 100, 1e-9);
  EXPECT_NEAR(states->trend, 2, 1e-9);
  for (size_t j = 0; j < 12; ++j) EXPECT_NEAR(states->season[j], effects[j], 1e-9) << j;

  // Multiplicative without a trend: y = 100 s_j, mean(s) = 1.
  const std::vector<double> factors = {1.1,  0.9,  1.2,  0.8, 1.0, 1.05,
                                       0.95, 1.15, 0.85, 1.0, 0.9, 1.1};
  std::vector<double> z;
  for (int t = 0; t < 24; ++t) z.push_back(100 * factors[static_cast<size_t>(t % 12)]);
  auto multiplicative =
      HoltWintersInitialStates(Spec(Seasonality::kMultiplicative, Trend::kNone), z);
  ASSERT_TRUE(multiplicative.ok()) << multiplicative.status();
  EXPECT_NEAR(multiplicative->level, 100, 1e-9);
  EXPECT_EQ(multiplicative->trend, 0);
  for (size_t j = 0; j < 12; ++j) EXPECT_NEAR(multiplicative->season[j], factors[j], 1e-12) << j;

  // Too short for the regression: a season and 2 more with a trend.
  const std::vector<double> thirteen(y.begin(), y.begin() + 13);
  EXPECT_EQ(HoltWintersInitialStates(Spec(Seasonality::kAdditive, Trend::kAdditive), thirteen)
                .status()
                .code(),
            absl::StatusCode::kInvalidArgument);
}

// 36 months of 200 + 3t + 40 sin(2πt/12) with noise σ = 1: the additive
// model's forecasts of the next year follow the planted line and season;
// and the same for the multiplicative model on (200 + 3t)(1 + 0.2 sin(..))
// with 1 % noise.
TEST(HoltWinters, RecoversAPlantedTrendAndSeason) {
  std::mt19937_64 rng(11);
  std::normal_distribution<double> noise(0, 1);
  const double two_pi = 2 * std::numbers::pi;
  auto additive = [&](int t) { return 200 + 3.0 * t + 40 * std::sin(two_pi * t / 12); };
  auto multiplicative = [&](int t) {
    return (200 + 3.0 * t) * (1 + 0.2 * std::sin(two_pi * t / 12));
  };
  for (Seasonality seasonality : {Seasonality::kAdditive, Seasonality::kMultiplicative}) {
    const bool is_additive = seasonality == Seasonality::kAdditive;
    auto truth = [&](int t) { return is_additive ? additive(t) : multiplicative(t); };
    std::vector<double> y;
    for (int t = 0; t < 36; ++t) {
      y.push_back(is_additive ? truth(t) + noise(rng) : truth(t) * (1 + 0.01 * noise(rng)));
    }
    auto fitted = Model(seasonality, Trend::kAdditive)->Fit({y, {}});
    ASSERT_TRUE(fitted.ok()) << fitted.status();
    auto forecast = (*fitted)->Forecast(12, 0.8, {});
    ASSERT_TRUE(forecast.ok());
    for (int h = 1; h <= 12; ++h) {
      EXPECT_NEAR(forecast->point[static_cast<size_t>(h - 1)], truth(35 + h), 0.015 * truth(35 + h))
          << (*fitted)->description().en << ", h = " << h;
    }
    EXPECT_NEAR(Parameter(**fitted, "trend"), 3, 0.3) << (*fitted)->description().en;
  }
}

// (300 + 4t)(1 + 0.3 sin(2πt/12)) with 1 % noise: the multiplicative model
// fits it far better than the additive one, whose season cannot grow.
TEST(HoltWinters, MultiplicativeFitsAGrowingSeasonBetter) {
  std::mt19937_64 rng(12);
  std::normal_distribution<double> noise(0, 0.01);
  std::vector<double> y;
  for (int t = 0; t < 48; ++t) {
    y.push_back((300 + 8.0 * t) * (1 + 0.3 * std::sin(2 * std::numbers::pi * t / 12)) *
                (1 + noise(rng)));
  }
  auto additive = Model(Seasonality::kAdditive, Trend::kAdditive)->Fit({y, {}});
  auto multiplicative = Model(Seasonality::kMultiplicative, Trend::kAdditive)->Fit({y, {}});
  ASSERT_TRUE(additive.ok() && multiplicative.ok());
  EXPECT_LT(Parameter(**multiplicative, "sse"), 0.5 * Parameter(**additive, "sse"));
}

// Data made by the additive recursion itself (α = 0.3, β = 0.1, γ = 0.2,
// noise σ = 5 over 120 months): the fitted weights come back near them.
TEST(HoltWinters, FittedWeightsComeBackNearThePlantedOnes) {
  const HoltWintersSpec spec = Spec(Seasonality::kAdditive, Trend::kAdditive);
  const SmoothingWeights planted{0.3, 0.1, 0.2, 1.0};
  std::mt19937_64 rng(13);
  std::normal_distribution<double> noise(0, 5);
  HoltWintersStates states{500, 2, {}};
  for (int j = 0; j < 12; ++j)
    states.season.push_back(60 * std::sin(2 * std::numbers::pi * j / 12));
  std::vector<double> y;
  for (int t = 0; t < 120; ++t) {
    // One month of the recursion, with y = ŷ + ε.
    const double forecast = HoltWintersPoints(spec, planted, states, 1)[0];
    const double value = forecast + noise(rng);
    auto pass = RunHoltWinters(spec, planted, states, std::vector<double>{value});
    ASSERT_TRUE(pass.ok());
    states = pass->end;
    y.push_back(value);
  }
  auto fitted = Model(Seasonality::kAdditive, Trend::kAdditive)->Fit({y, {}});
  ASSERT_TRUE(fitted.ok()) << fitted.status();
  EXPECT_NEAR(Parameter(**fitted, "alpha"), 0.3, 0.12);
  EXPECT_NEAR(Parameter(**fitted, "gamma"), 0.2, 0.12);
  EXPECT_NEAR(Parameter(**fitted, "sigma"), 5, 1);
}

TEST(HoltWinters, AdditiveIntervalsAreTheClassOneVariance) {
  std::vector<double> y;
  for (int t = 0; t < 30; ++t) {
    y.push_back(100 + t + 10 * std::sin(2 * std::numbers::pi * t / 12) + ((t * 7) % 5) - 2);
  }
  auto fitted = Model(Seasonality::kAdditive, Trend::kDamped)->Fit({y, {}});
  ASSERT_TRUE(fitted.ok());
  auto forecast = (*fitted)->Forecast(14, 0.8, {});
  ASSERT_TRUE(forecast.ok());
  const SmoothingWeights weights{Parameter(**fitted, "alpha"), Parameter(**fitted, "beta"),
                                 Parameter(**fitted, "gamma"), Parameter(**fitted, "phi")};
  const double sigma = Parameter(**fitted, "sigma");
  for (int h = 1; h <= 14; ++h) {
    const double half =
        kZ80 * sigma *
        std::sqrt(AdditiveVarianceFactor(Spec(Seasonality::kAdditive, Trend::kDamped), weights, h));
    EXPECT_NEAR(
        forecast->upper[static_cast<size_t>(h - 1)] - forecast->point[static_cast<size_t>(h - 1)],
        half, 1e-9)
        << h;
    EXPECT_NEAR(
        forecast->point[static_cast<size_t>(h - 1)] - forecast->lower[static_cast<size_t>(h - 1)],
        half, 1e-9)
        << h;
  }
  // σ² = SSE / (n - p - q) = SSE / (30 - 4 - 13).
  EXPECT_NEAR(sigma * sigma, Parameter(**fitted, "sse") / 13, 1e-9);
}

TEST(HoltWinters, MultiplicativeIntervalsAreSimulatedReproducibly) {
  std::vector<double> y;
  for (int t = 0; t < 30; ++t) {
    y.push_back((100 + 2.0 * t) * (1 + 0.2 * std::sin(2 * std::numbers::pi * t / 12)) +
                ((t * 7) % 5) - 2);
  }
  auto model = Model(Seasonality::kMultiplicative, Trend::kAdditive);
  auto fitted = model->Fit({y, {}});
  ASSERT_TRUE(fitted.ok());
  // Past the tabulated 24 months and past a season, so that paths carry
  // their own seasonal states.
  auto forecast = (*fitted)->Forecast(30, 0.8, {});
  ASSERT_TRUE(forecast.ok());
  const double sigma = Parameter(**fitted, "sigma");
  // The first month is exact: ŷ ± zσ.
  EXPECT_NEAR(forecast->upper[0] - forecast->point[0], kZ80 * sigma, 1e-9);
  EXPECT_NEAR(forecast->point[0] - forecast->lower[0], kZ80 * sigma, 1e-9);
  for (size_t h = 0; h < 30; ++h) {
    EXPECT_LT(forecast->lower[h], forecast->point[h]) << h;
    EXPECT_GT(forecast->upper[h], forecast->point[h]) << h;
  }
  // Uncertainty grows with the horizon.
  EXPECT_GT(forecast->upper[23] - forecast->lower[23], forecast->upper[1] - forecast->lower[1]);
  // The same draws every time; a wider level gives a wider interval.
  auto again = (*fitted)->Forecast(30, 0.8, {});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->lower, forecast->lower);
  EXPECT_EQ(again->upper, forecast->upper);
  auto wider = (*fitted)->Forecast(3, 0.95, {});
  ASSERT_TRUE(wider.ok());
  EXPECT_GT(wider->upper[2] - wider->lower[2], forecast->upper[2] - forecast->lower[2]);
  // The first 24 months come from the model's table, the rest from a longer
  // draw of the same generator: a shorter horizon gives the same bounds.
  auto shorter = (*fitted)->Forecast(24, 0.8, {});
  ASSERT_TRUE(shorter.ok());
  for (size_t h = 0; h < 24; ++h) EXPECT_EQ(shorter->upper[h], forecast->upper[h]) << h;
  EXPECT_THAT((*fitted)->interval_method().en, HasSubstr("simulation: 1000 futures"));
}

TEST(HoltWinters, SimulationNormalsExtendAShorterTable) {
  const std::vector<double> short_table = SimulationNormals(7, 100, 3);
  const std::vector<double> long_table = SimulationNormals(7, 100, 5);
  ASSERT_EQ(short_table.size(), 300u);
  ASSERT_EQ(long_table.size(), 500u);
  EXPECT_TRUE(std::equal(short_table.begin(), short_table.end(), long_table.begin()));
  double sum = 0;
  for (double z : long_table) sum += z;
  EXPECT_NEAR(sum / 500, 0, 0.15);
}

TEST(HoltWinters, MultiplicativeNeedsPositiveSales) {
  std::vector<double> y(24, 100.0);
  y[4] = -3;
  auto model = Model(Seasonality::kMultiplicative, Trend::kAdditive);
  auto why = model->Unsuitable({y, {}});
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(why->en, "needs positive sales: month 5 of the history is -3.00");
  EXPECT_EQ(why->zh, "需要正的销售数据：历史第 5 个月为 -3.00");
  auto fitted = model->Fit({y, {}});
  EXPECT_EQ(fitted.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(fitted.status().message(), HasSubstr("month 5"));
  y[4] = 0;
  ASSERT_TRUE(model->Unsuitable({y, {}}).has_value());
  EXPECT_THAT(model->Unsuitable({y, {}})->en, HasSubstr("is 0.00"));
  // The additive model takes the same data.
  EXPECT_FALSE(Model(Seasonality::kAdditive, Trend::kAdditive)->Unsuitable({y, {}}).has_value());
}

TEST(HoltWinters, NamesTheShortHistoryAndBadInput) {
  auto model = Model(Seasonality::kAdditive, Trend::kAdditive);
  const std::vector<double> fifteen(15, 10.0);
  auto why = model->Unsuitable({fifteen, {}});
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(why->en, "needs at least 18 months of history, has 15");
  EXPECT_EQ(why->zh, "至少需要 18 个月的历史数据，现有 15 个月");

  EXPECT_EQ(model->Fit({{}, {}}).status().message(), "values: empty");
  std::vector<double> y(24, 10.0);
  y[9] = std::nan("");
  EXPECT_EQ(model->Fit({y, {}}).status().message(), "values[9]: NaN is not a finite number");
  y[9] = INFINITY;
  EXPECT_EQ(model->Fit({y, {}}).status().message(), "values[9]: +infinity is not a finite number");

  std::vector<double> good;
  for (int t = 0; t < 24; ++t) good.push_back(50 + (t % 12));
  auto fitted = model->Fit({good, {}});
  ASSERT_TRUE(fitted.ok());
  EXPECT_EQ((*fitted)->Forecast(0, 0.8, {}).status().message(),
            "horizon: must be at least 1, is 0");
  EXPECT_EQ((*fitted)->Forecast(3, -0.1, {}).status().message(),
            "level: must be strictly between 0 and 1, is -0.1");

  HoltWintersOptions options;
  options.fixed = SmoothingWeights{1.5, 0.1, 0.1, 1.0};
  EXPECT_EQ(HoltWinters::Create(options).status().message(),
            "fixed.alpha: must be in [0, 1], is 1.5");
  options.fixed = SmoothingWeights{0.5, 0.1, 0.1, 0.0};
  EXPECT_EQ(HoltWinters::Create(options).status().message(), "fixed.phi: must be in (0, 1], is 0");
  options.fixed.reset();
  options.spec.season_length = 1;
  EXPECT_EQ(HoltWinters::Create(options).status().message(),
            "spec.season_length: must be at least 2, is 1");
  options.spec.season_length = 12;
  options.simulation_paths = 5;
  EXPECT_EQ(HoltWinters::Create(options).status().message(),
            "simulation_paths: must be at least 10, is 5");
}

TEST(HoltWinters, FixedWeightsAreUsedAsGiven) {
  HoltWintersOptions options;
  options.fixed = SmoothingWeights{0.4, 0.1, 0.3, 1.0};
  auto model = HoltWinters::Create(options);
  ASSERT_TRUE(model.ok());
  std::vector<double> y;
  for (int t = 0; t < 24; ++t) y.push_back(80 + t + 5 * ((t % 12) < 6 ? 1 : -1));
  auto fitted = (*model)->Fit({y, {}});
  ASSERT_TRUE(fitted.ok());
  EXPECT_EQ(Parameter(**fitted, "alpha"), 0.4);
  EXPECT_EQ(Parameter(**fitted, "beta"), 0.1);
  EXPECT_EQ(Parameter(**fitted, "gamma"), 0.3);
  EXPECT_THAT((*fitted)->description().en, HasSubstr("(fixed)"));
  // No weights fitted: σ² = SSE / (24 - 0 - 13).
  EXPECT_NEAR(std::pow(Parameter(**fitted, "sigma"), 2), Parameter(**fitted, "sse") / 11, 1e-9);
  // The fitted values are the recursion's from the initial states.
  auto initial = HoltWintersInitialStates(options.spec, y);
  ASSERT_TRUE(initial.ok());
  auto pass = RunHoltWinters(options.spec, *options.fixed, *initial, y);
  ASSERT_TRUE(pass.ok());
  const auto fitted_values = (*fitted)->fitted();
  for (size_t t = 0; t < y.size(); ++t) EXPECT_DOUBLE_EQ(fitted_values[t], pass->fitted[t]) << t;
}

TEST(HoltWinters, FitWithKeepsTheWeightsOfAShorterHistory) {
  std::vector<double> y;
  for (int t = 0; t < 24; ++t) {
    y.push_back(100 + 2.0 * t + 15 * std::sin(2 * std::numbers::pi * t / 12) + ((t * 5) % 7) - 3);
  }
  auto model = Model(Seasonality::kAdditive, Trend::kDamped);
  auto shorter = model->Fit({absl::MakeConstSpan(y).first(19), {}});
  ASSERT_TRUE(shorter.ok());
  const std::vector<ModelParameter> estimated = (*shorter)->parameters();
  auto longer = model->FitWith({y, {}}, estimated);
  ASSERT_TRUE(longer.ok()) << longer.status();
  for (const char* name : {"alpha", "beta", "gamma", "phi"}) {
    EXPECT_EQ(Parameter(**longer, name), Parameter(**shorter, name)) << name;
  }
  EXPECT_THAT((*longer)->description().en, HasSubstr("(fitted to a shorter history)"));
  // The states are the longer history's: its recursion from its own
  // initial states.
  auto initial = HoltWintersInitialStates(model->options().spec, y);
  ASSERT_TRUE(initial.ok());
  auto pass = RunHoltWinters(model->options().spec,
                             {Parameter(**shorter, "alpha"), Parameter(**shorter, "beta"),
                              Parameter(**shorter, "gamma"), Parameter(**shorter, "phi")},
                             *initial, y);
  ASSERT_TRUE(pass.ok());
  EXPECT_DOUBLE_EQ(Parameter(**longer, "level"), pass->end.level);
  EXPECT_DOUBLE_EQ(Parameter(**longer, "sse"), pass->sse);
  // σ² still counts the 4 weights as estimated: 24 - 4 - 13 = 7.
  EXPECT_NEAR(std::pow(Parameter(**longer, "sigma"), 2), pass->sse / 7, 1e-9);

  // Without a weight it needs, it fits afresh.
  auto fresh = model->FitWith({y, {}}, std::vector<ModelParameter>{{"alpha", 0.5}});
  auto fit = model->Fit({y, {}});
  ASSERT_TRUE(fresh.ok() && fit.ok());
  EXPECT_EQ(Parameter(**fresh, "alpha"), Parameter(**fit, "alpha"));
  EXPECT_THAT((*fresh)->description().en, HasSubstr("(fitted)"));
}

TEST(HoltWinters, IdsNamesAndComplexity) {
  EXPECT_EQ(Model(Seasonality::kAdditive, Trend::kAdditive)->id(), "holt_winters_additive");
  EXPECT_EQ(Model(Seasonality::kMultiplicative, Trend::kDamped)->id(),
            "holt_winters_multiplicative_damped");
  EXPECT_EQ(Model(Seasonality::kAdditive, Trend::kNone)->id(), "holt_winters_additive_no_trend");
  EXPECT_EQ(Model(Seasonality::kMultiplicative, Trend::kDamped)->name().zh,
            "Holt-Winters 乘法（阻尼趋势）");
  EXPECT_EQ(Model(Seasonality::kAdditive, Trend::kNone)->complexity(), 2);
  EXPECT_EQ(Model(Seasonality::kAdditive, Trend::kAdditive)->complexity(), 3);
  EXPECT_EQ(Model(Seasonality::kAdditive, Trend::kDamped)->complexity(), 4);
}

}  // namespace
}  // namespace pharmacrm::analytics
