#include <cmath>
#include <memory>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pharmacrm/analytics/backtest.h"
#include "pharmacrm/analytics/forecast.h"
#include "pharmacrm/analytics/regression_forecast.h"

namespace pharmacrm::analytics {
namespace {

using ::testing::HasSubstr;

// A tiny series built so that least squares is known by hand. With
// visits_t and y_{t-1} for t = 1..4 (0-based) the design rows are
// (1, 0.75, 1), (1, 0.5, 2), (1, 0.5, 4), (1, 0.75, 3); the residuals
// e = (-1, 1, -1, 1) are orthogonal to every column (sum 0,
// -0.75 + 0.5 - 0.5 + 0.75 = 0, -1 + 2 - 4 + 3 = 0), so
// y_t = 1 + 2 visits_t + 0.5 y_{t-1} + e_t is the OLS fit exactly:
// b0 = 1, b_visits = 2, φ = 0.5, SSR = 4 on 4 - 3 = 1 degree of freedom,
// σ = 2. visits_0 is not used (month 0 has no previous month).
const std::vector<double> kTinySales = {1, 2, 4, 3, 5};
const std::vector<double> kTinyVisits = {9, 0.75, 0.5, 0.5, 0.75};

RegressionForecastOptions VisitsOnly() {
  RegressionForecastOptions options;
  options.columns = {"visits"};
  return options;
}

double Parameter(const std::vector<ModelParameter>& parameters, const std::string& name) {
  for (const ModelParameter& p : parameters) {
    if (p.name == name) return p.value;
  }
  ADD_FAILURE() << "no parameter " << name;
  return NAN;
}

TEST(RegressionForecast, RecoversTheHandBuiltCoefficients) {
  const RegressionForecast model(VisitsOnly());
  const std::vector<ExogenousView> past = {{"visits", kTinyVisits}};
  auto fitted = model.Fit({kTinySales, past});
  ASSERT_TRUE(fitted.ok()) << fitted.status();
  const std::vector<ModelParameter> parameters = (*fitted)->parameters();
  ASSERT_EQ(parameters.size(), 4u);
  EXPECT_EQ(parameters[0].name, "intercept");
  EXPECT_EQ(parameters[1].name, "visits");
  EXPECT_EQ(parameters[2].name, "sales_lag1");
  EXPECT_EQ(parameters[3].name, "sigma");
  EXPECT_NEAR(parameters[0].value, 1, 1e-12);
  EXPECT_NEAR(parameters[1].value, 2, 1e-12);
  EXPECT_NEAR(parameters[2].value, 0.5, 1e-12);
  EXPECT_NEAR(parameters[3].value, 2, 1e-12);
  // Fitted values: y - e, none for the first month.
  const absl::Span<const double> in_sample = (*fitted)->fitted();
  ASSERT_EQ(in_sample.size(), 5u);
  EXPECT_TRUE(std::isnan(in_sample[0]));
  EXPECT_NEAR(in_sample[1], 3, 1e-12);
  EXPECT_NEAR(in_sample[2], 3, 1e-12);
  EXPECT_NEAR(in_sample[3], 4, 1e-12);
  EXPECT_NEAR(in_sample[4], 4, 1e-12);
  EXPECT_THAT((*fitted)->description().en, HasSubstr("visits"));
  EXPECT_FALSE((*fitted)->description().zh.empty());
  EXPECT_THAT((*fitted)->interval_method().en, HasSubstr("φ^{2i}"));
  EXPECT_THAT((*fitted)->interval_method().zh, HasSubstr("t 分布"));
}

TEST(RegressionForecast, ForecastsThreeMonthsRecursively) {
  const RegressionForecast model(VisitsOnly());
  const std::vector<ExogenousView> past = {{"visits", kTinyVisits}};
  auto fitted = model.Fit({kTinySales, past});
  ASSERT_TRUE(fitted.ok()) << fitted.status();
  const std::vector<double> planned = {1, 2, 0};
  const std::vector<ExogenousView> future = {{"visits", planned}};
  auto forecast = (*fitted)->Forecast(3, 0.8, future);
  ASSERT_TRUE(forecast.ok()) << forecast.status();
  // By hand: 1 + 2·1 + 0.5·5 = 5.5; 1 + 2·2 + 0.5·5.5 = 7.75;
  // 1 + 2·0 + 0.5·7.75 = 4.875.
  EXPECT_NEAR(forecast->point[0], 5.5, 1e-12);
  EXPECT_NEAR(forecast->point[1], 7.75, 1e-12);
  EXPECT_NEAR(forecast->point[2], 4.875, 1e-12);
  // On 1 degree of freedom Student's t is Cauchy: the 0.9 quantile is
  // tan(0.4π). r'Vr for the rows (1, 1, 5), (1, 2, 5.5), (1, 0, 7.75) is
  // 26, 194.25 and 33.5625 (V = σ²(X'X)⁻¹ = 4 (X'X)⁻¹, as statsmodels'
  // cov_params() gives it); the error part is σ² Σ_{i<h} 0.25^i = 4,
  // 5 and 5.25. At h = 1, 5.5 ± 16.857 is statsmodels' obs_ci.
  const double t = std::tan(0.4 * M_PI);
  const double half[] = {t * std::sqrt(4 + 26.0), t * std::sqrt(5 + 194.25),
                         t * std::sqrt(5.25 + 33.5625)};
  for (int h = 0; h < 3; ++h) {
    EXPECT_NEAR(forecast->lower[h], forecast->point[h] - half[h], 1e-9) << h;
    EXPECT_NEAR(forecast->upper[h], forecast->point[h] + half[h], 1e-9) << h;
  }
  EXPECT_NEAR(forecast->upper[0], 22.357167, 1e-6);
}

TEST(RegressionForecast, RecoversAPlantedVisitEffect) {
  std::mt19937 rng(20261208);
  std::uniform_real_distribution<double> visits_dist(20, 40);
  std::uniform_real_distribution<double> rx_dist(50, 150);
  std::normal_distribution<double> noise(0, 2);
  const int n = 120;
  std::vector<double> visits(n + 3);
  std::vector<double> prescriptions(n + 3);
  for (int t = 0; t < n + 3; ++t) {
    visits[t] = visits_dist(rng);
    prescriptions[t] = rx_dist(rng);
  }
  std::vector<double> sales(n);
  sales[0] = 200;
  for (int t = 1; t < n; ++t) {
    sales[t] = 50 + 3 * visits[t] + 0.8 * prescriptions[t] + 0.4 * sales[t - 1] + noise(rng);
  }
  const RegressionForecast model;
  const std::vector<ExogenousView> past = {{"visits", visits}, {"prescriptions", prescriptions}};
  auto fitted = model.Fit({sales, past});
  ASSERT_TRUE(fitted.ok()) << fitted.status();
  const std::vector<ModelParameter> parameters = (*fitted)->parameters();
  EXPECT_NEAR(Parameter(parameters, "visits"), 3, 0.1);
  EXPECT_NEAR(Parameter(parameters, "prescriptions"), 0.8, 0.03);
  EXPECT_NEAR(Parameter(parameters, "sales_lag1"), 0.4, 0.03);
  EXPECT_NEAR(Parameter(parameters, "sigma"), 2, 0.4);

  // The planned months ahead come from `future`, from month n on.
  const std::vector<ExogenousView> future = {
      {"visits", absl::MakeConstSpan(visits).subspan(n)},
      {"prescriptions", absl::MakeConstSpan(prescriptions).subspan(n)}};
  auto forecast = (*fitted)->Forecast(3, 0.95, future);
  ASSERT_TRUE(forecast.ok()) << forecast.status();
  const double expected =
      50 + 3 * visits[n] + 0.8 * prescriptions[n] + 0.4 * sales[n - 1];  // the true mean
  EXPECT_NEAR(forecast->point[0], expected, 3);
  // Wider than the normal ±1.96σ (Student t, and the coefficients'
  // uncertainty), but not by much on 116 degrees of freedom.
  const double sigma = Parameter(parameters, "sigma");
  const double width = forecast->upper[0] - forecast->lower[0];
  EXPECT_GT(width, 2 * 1.959964 * sigma);
  EXPECT_LT(width, 2 * 1.959964 * sigma * 1.1);
  // h = 2 carries last month's error through φ: σ² (1 + φ²) at least.
  const double phi = Parameter(parameters, "sales_lag1");
  EXPECT_GT(forecast->upper[1] - forecast->lower[1],
            2 * 1.959964 * sigma * std::sqrt(1 + phi * phi));
}

TEST(RegressionForecast, UnsuitableWithoutAColumnOrEnoughHistory) {
  const RegressionForecast model;
  EXPECT_EQ(model.complexity(), 4);
  EXPECT_EQ(model.name().en, "regression on visits, prescriptions and last month's sales");
  EXPECT_EQ(RegressionForecast(VisitsOnly()).name().en,
            "regression on visits and last month's sales");
  EXPECT_EQ(model.min_history(), 6);
  const std::vector<double> sales = {1, 2, 3, 4, 5, 6, 7};
  const std::vector<double> visits = {1, 3, 2, 5, 4, 6, 8};
  const std::vector<ExogenousView> only_visits = {{"visits", visits}};
  std::optional<BilingualText> why = model.Unsuitable({sales, only_visits});
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(why->en, "needs the exogenous column 'prescriptions', which the series does not carry");
  EXPECT_THAT(why->zh, HasSubstr("prescriptions"));
  EXPECT_TRUE(model.Unsuitable({sales, {}}).has_value());
  auto refused = model.Fit({sales, only_visits});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("'prescriptions'"));

  const std::vector<ExogenousView> both = {{"visits", visits}, {"prescriptions", visits}};
  why = model.Unsuitable({absl::MakeConstSpan(sales).first(5), both});
  ASSERT_TRUE(why.has_value());
  EXPECT_EQ(why->en, "needs at least 6 months of history for 4 coefficients, has 5");
  EXPECT_THAT(why->zh, HasSubstr("6 个月"));
}

TEST(RegressionForecast, RefusesBadInputNamingTheField) {
  const RegressionForecast model(VisitsOnly());
  const std::vector<ExogenousView> past = {{"visits", kTinyVisits}};
  auto fitted = model.Fit({kTinySales, past});
  ASSERT_TRUE(fitted.ok()) << fitted.status();
  const std::vector<double> planned = {1, 2};
  const std::vector<ExogenousView> future = {{"visits", planned}};
  EXPECT_EQ((*fitted)->Forecast(0, 0.8, future).status().message(),
            "horizon: must be at least 1, is 0");
  EXPECT_EQ((*fitted)->Forecast(3, 0.8, future).status().message(),
            "future (visits): 2 values, needs 3 (the horizon)");
  EXPECT_EQ((*fitted)->Forecast(1, 0.8, {}).status().message(),
            "future: no column 'visits', the regression needs its planned values");
  const std::vector<double> nan_plan = {1, NAN};
  const std::vector<ExogenousView> bad = {{"visits", nan_plan}};
  EXPECT_EQ((*fitted)->Forecast(2, 0.8, bad).status().message(),
            "future (visits).values[1]: NaN is not a finite number");

  // A constant column leaves nothing to estimate its coefficient from.
  const std::vector<double> constant = {3, 3, 3, 3, 3};
  const std::vector<ExogenousView> flat = {{"visits", constant}};
  auto refused = model.Fit({kTinySales, flat});
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(refused.status().message(), HasSubstr("visits"));
  // A history column shorter than the history.
  const std::vector<ExogenousView> short_past = {
      {"visits", absl::MakeConstSpan(kTinyVisits).first(4)}};
  EXPECT_EQ(model.Fit({kTinySales, short_past}).status().message(),
            "exogenous (visits): 4 values, needs 5 (the history)");
}

TEST(RegressionForecast, IsADefaultCandidateSkippedWithoutItsColumns) {
  const std::vector<std::unique_ptr<ForecastModel>> models = DefaultForecastModels();
  const std::vector<const ForecastModel*> pointers = ModelPointers(models);
  int index = -1;
  for (size_t i = 0; i < models.size(); ++i) {
    if (models[i]->id() == kRegressionForecastId) index = static_cast<int>(i);
  }
  ASSERT_GE(index, 0);

  MonthlySeries series;
  series.first_month = {2024, 1};
  std::mt19937 rng(7);
  std::normal_distribution<double> noise(0, 1);
  std::vector<double> visits(30);
  std::vector<double> prescriptions(30);
  for (int t = 0; t < 30; ++t) {
    visits[t] = 20 + (t * 7) % 11;
    prescriptions[t] = 60 + (t * 5) % 13;
  }
  series.values.resize(27);
  series.values[0] = 100;
  for (int t = 1; t < 27; ++t) {
    series.values[t] =
        20 + 2 * visits[t] + 0.5 * prescriptions[t] + 0.3 * series.values[t - 1] + noise(rng);
  }
  BacktestOptions options;
  auto without = Backtest(series, pointers, options);
  ASSERT_TRUE(without.ok()) << without.status();
  ASSERT_TRUE(without->scores[index].skipped.has_value());
  EXPECT_THAT(without->scores[index].skipped->en, HasSubstr("'visits'"));

  series.exogenous = {{"visits", visits}, {"prescriptions", prescriptions}};
  auto with = Backtest(series, pointers, options);
  ASSERT_TRUE(with.ok()) << with.status();
  EXPECT_FALSE(with->scores[index].skipped.has_value())
      << with->scores[index].skipped.value_or(BilingualText{}).en;
}

}  // namespace
}  // namespace pharmacrm::analytics
