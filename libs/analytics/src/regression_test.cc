#include "pharmacrm/analytics/regression.h"

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "src/summary_text.h"

namespace pharmacrm::analytics {
namespace {

using ::testing::HasSubstr;

MATCHER_P(IsInvalid, text, "") {
  return arg.status().code() == absl::StatusCode::kInvalidArgument &&
         ::testing::ExplainMatchResult(HasSubstr(text), std::string(arg.status().message()),
                                       result_listener);
}

// A standard normal draw by Box-Muller from the engine's raw output, so the
// generated data are the same with every standard library.
double Normal(std::mt19937_64& rng) {
  const double u1 = (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53;
  const double u2 = (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53;
  return std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
}

// The textbook example:
//   x = 1 2 3 4 5, y = 2 4 5 4 5; x̄ = 3, ȳ = 4, Sxx = 10, Sxy = 6, SST = 6
//   slope = Sxy / Sxx = 0.6, intercept = ȳ - slope x̄ = 2.2
//   fitted 2.8 3.4 4.0 4.6 5.2, residuals -0.8 0.6 1.0 -0.6 -0.2, SSR = 2.4
//   s² = SSR / (n - 2) = 0.8, s = 0.894427
//   SE(slope) = sqrt(s² / Sxx) = sqrt(0.08) = 0.282843, t = 2.121320
//   SE(intercept) = sqrt(s² (1/n + x̄² / Sxx)) = sqrt(0.88) = 0.938083, t = 2.345208
//   R² = 1 - 2.4 / 6 = 0.6, adjusted R² = 1 - 0.4 · 4 / 3 = 0.466667
//   F = (SST - SSR) / s² = 4.5 = t², on 1 and 3 df
//   p(slope) = P(|t₃| ≥ 2.121320) = 0.124027 (tables: between 0.1 and 0.2)
//   95 % CI: 0.6 ± t₃,₀.₉₇₅ · 0.282843 = 0.6 ± 3.182446 · 0.282843
Table Textbook() {
  Table t;
  t.numeric.push_back({"visits", {1, 2, 3, 4, 5}});
  t.numeric.push_back({"sales", {2, 4, 5, 4, 5}});
  return t;
}

OlsSpec Spec(std::vector<std::string> numeric, std::vector<Factor> factors = {}) {
  OlsSpec spec;
  spec.response = "sales";
  spec.regressors.numeric = std::move(numeric);
  spec.regressors.factors = std::move(factors);
  return spec;
}

TEST(FitOls, TextbookSimpleRegressionMatchesTheHandComputation) {
  OlsSpec spec = Spec({"visits"});
  spec.period = "2025-01..2025-05";
  absl::StatusOr<OlsResult> fit = FitOls(Textbook(), spec);
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_EQ(fit->observations, 5);
  EXPECT_EQ(fit->parameters, 2);
  EXPECT_EQ(fit->df_residual, 3);
  EXPECT_EQ(fit->df_model, 1);
  EXPECT_EQ(fit->period, "2025-01..2025-05");
  ASSERT_EQ(fit->coefficients.size(), 2u);
  const Estimate& intercept = fit->coefficients[0];
  const Estimate& slope = fit->coefficients[1];
  EXPECT_EQ(intercept.name, "intercept");
  EXPECT_EQ(slope.name, "visits");
  EXPECT_NEAR(slope.estimate, 0.6, 1e-12);
  EXPECT_NEAR(intercept.estimate, 2.2, 1e-12);
  EXPECT_NEAR(slope.std_error, std::sqrt(0.08), 1e-12);
  EXPECT_NEAR(intercept.std_error, std::sqrt(0.88), 1e-12);
  EXPECT_NEAR(slope.statistic, 2.1213203435596424, 1e-10);
  EXPECT_NEAR(slope.p_value, 0.12402706265755457, 1e-12);
  EXPECT_NEAR(slope.ci_low, 0.6 - 3.182446305284263 * std::sqrt(0.08), 1e-10);
  EXPECT_NEAR(slope.ci_high, 0.6 + 3.182446305284263 * std::sqrt(0.08), 1e-10);
  EXPECT_NEAR(fit->r_squared, 0.6, 1e-12);
  EXPECT_NEAR(fit->adjusted_r_squared, 1 - 0.4 * 4 / 3, 1e-12);
  EXPECT_NEAR(fit->residual_std_error, std::sqrt(0.8), 1e-12);
  EXPECT_NEAR(fit->f_statistic, 4.5, 1e-10);
  EXPECT_NEAR(fit->f_p_value, slope.p_value, 1e-12);  // F(1, df) = t²
  // s² (X'X)⁻¹ with s² = 0.8, x̄ = 3, Sxx = 10: the variances above and the
  // covariance -x̄ s² / Sxx = -0.24, row-major.
  ASSERT_EQ(fit->coefficient_covariance.size(), 4u);
  EXPECT_NEAR(fit->coefficient_covariance[0], 0.88, 1e-12);
  EXPECT_NEAR(fit->coefficient_covariance[1], -0.24, 1e-12);
  EXPECT_NEAR(fit->coefficient_covariance[2], -0.24, 1e-12);
  EXPECT_NEAR(fit->coefficient_covariance[3], 0.08, 1e-12);
  EXPECT_FALSE(slope.significant);
  EXPECT_EQ(slope.verdict, "not significant at 5 %: p = 0.124");
  EXPECT_EQ(slope.verdict_zh, "在5%水平上不显著（p = 0.124）");
  EXPECT_EQ(fit->f_verdict, "the regressors together are not significant at 5 %: p = 0.124");
  EXPECT_NE(fit->Find("visits"), nullptr);
  EXPECT_EQ(fit->Find("rep_cost"), nullptr);
}

// HC1 by hand for the slope: HC0 = Σ (xᵢ - x̄)² eᵢ² / Sxx²
//   (x - x̄)² = 4 1 0 1 4, e² = 0.64 0.36 1 0.36 0.04: Σ = 3.44, / 100 = 0.0344
//   HC1 = HC0 · n / (n - k) = 0.0344 · 5 / 3 = 0.057333, SE = 0.239444
//   (statsmodels: 0.2394438); t = 2.505797, p = 0.087259; F = t² = 6.279070
TEST(FitOls, TextbookRobustStandardErrorsMatchTheHandComputation) {
  OlsSpec spec = Spec({"visits"});
  spec.covariance = Covariance::kHC1;
  absl::StatusOr<OlsResult> fit = FitOls(Textbook(), spec);
  ASSERT_TRUE(fit.ok()) << fit.status();
  const Estimate& slope = fit->coefficients[1];
  EXPECT_NEAR(slope.estimate, 0.6, 1e-12);
  EXPECT_NEAR(slope.std_error, std::sqrt(0.0344 * 5 / 3), 1e-12);
  EXPECT_NEAR(slope.p_value, 0.08725902256582951, 1e-10);
  EXPECT_NEAR(fit->f_statistic, 0.36 / (0.0344 * 5 / 3), 1e-10);
  EXPECT_NEAR(fit->f_p_value, slope.p_value, 1e-10);
  EXPECT_NEAR(fit->r_squared, 0.6, 1e-12);                        // the fit is the same
  EXPECT_NEAR(fit->coefficients[0].std_error, 0.95707889, 1e-8);  // statsmodels
}

// Fixed effects alone are group means. Hospital class, baseline 二级:
//   二级: 10 12 (mean 11); 三级: 20 22 24 (mean 22); 一级: 5 7 (mean 6)
//   intercept = 11, 三级 - 二级 = 11, 一级 - 二级 = -5
//   residuals -1 1 | -2 0 2 | -1 1: SSR = 12, n = 7, k = 3, s² = 12 / 4 = 3
//   SE(intercept) = sqrt(3 / 2) = 1.224745
//   SE(三级) = sqrt(3 (1/2 + 1/3)) = sqrt(2.5) = 1.581139, t = 6.957, p = 0.00224
//   SE(一级) = sqrt(3 (1/2 + 1/2)) = sqrt(3) = 1.732051, t = -2.887, p = 0.0447
// The dummies come in byte order of their levels: 一级 (E4 B8 80) before
// 三级 (E4 B8 89); the baseline 二级 has none.
TEST(FitOls, FixedEffectsAreDifferencesOfGroupMeansFromTheBaseline) {
  Table t;
  t.numeric.push_back({"sales", {10, 12, 20, 22, 24, 5, 7}});
  t.categorical.push_back(
      {"hospital_class", {"二级", "二级", "三级", "三级", "三级", "一级", "一级"}});
  absl::StatusOr<OlsResult> fit = FitOls(t, Spec({}, {{"hospital_class", "二级"}}));
  ASSERT_TRUE(fit.ok()) << fit.status();
  ASSERT_EQ(fit->coefficients.size(), 3u);
  EXPECT_EQ(fit->coefficients[1].name, "hospital_class=一级");
  EXPECT_EQ(fit->coefficients[2].name, "hospital_class=三级");
  ASSERT_EQ(fit->layout.factors.size(), 1u);
  EXPECT_EQ(fit->layout.factors[0].baseline, "二级");
  const Estimate* tier3 = fit->Find("hospital_class=三级");
  const Estimate* tier1 = fit->Find("hospital_class=一级");
  ASSERT_NE(tier3, nullptr);
  ASSERT_NE(tier1, nullptr);
  EXPECT_NEAR(fit->coefficients[0].estimate, 11, 1e-12);
  EXPECT_NEAR(tier3->estimate, 11, 1e-12);
  EXPECT_NEAR(tier1->estimate, -5, 1e-12);
  EXPECT_NEAR(fit->coefficients[0].std_error, std::sqrt(1.5), 1e-12);
  EXPECT_NEAR(tier3->std_error, std::sqrt(2.5), 1e-12);
  EXPECT_NEAR(tier1->std_error, std::sqrt(3.0), 1e-12);
  EXPECT_NEAR(tier3->p_value, 0.002243306286326137, 1e-12);
  EXPECT_NEAR(tier1->p_value, 0.044708587279680606, 1e-12);
  EXPECT_TRUE(tier3->significant);
  EXPECT_TRUE(tier1->significant);
  EXPECT_EQ(tier1->verdict, "significant at 5 %: p = 0.0447");
  EXPECT_EQ(tier1->verdict_zh, "在5%水平上显著（p = 0.0447）");
}

TEST(FitOls, TheDefaultBaselineIsTheFirstLevelInByteOrder) {
  Table t;
  t.numeric.push_back({"sales", {10, 12, 20, 22, 24, 5, 7}});
  t.categorical.push_back(
      {"hospital_class", {"二级", "二级", "三级", "三级", "三级", "一级", "一级"}});
  absl::StatusOr<OlsResult> fit = FitOls(t, Spec({}, {{"hospital_class", ""}}));
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_EQ(fit->layout.factors[0].baseline, "一级");
  EXPECT_NEAR(fit->coefficients[0].estimate, 6, 1e-12);
  EXPECT_NEAR(fit->Find("hospital_class=二级")->estimate, 5, 1e-12);
}

// Sales planted on visits, rep cost and both classes, with a regressor of no
// effect; 4,000 hospital-months with noise of standard deviation 20.
Table Planted(int64_t rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Table t;
  std::vector<double> visits(rows), cost(rows), tenure(rows), sales(rows);
  std::vector<std::string> hospital(rows), doctor(rows);
  const char* kHospital[] = {"三级", "二级", "一级"};
  const char* kDoctor[] = {"A", "B", "C"};
  for (int64_t i = 0; i < rows; ++i) {
    visits[i] = static_cast<double>(rng() % 20);
    cost[i] = 5000 + 3000 * std::fabs(Normal(rng));
    tenure[i] = static_cast<double>(rng() % 15);
    const int h = static_cast<int>(rng() % 3);
    const int d = static_cast<int>(rng() % 3);
    hospital[i] = kHospital[h];
    doctor[i] = kDoctor[d];
    sales[i] = 100 + 4 * visits[i] + 0.01 * cost[i] +
               (h == 0   ? 60
                : h == 2 ? -25
                         : 0) +
               (d == 0   ? 30
                : d == 1 ? 12
                         : 0) +
               20 * Normal(rng);
  }
  t.numeric = {{"visits", visits}, {"rep_cost", cost}, {"tenure", tenure}, {"sales", sales}};
  t.categorical = {{"hospital_class", hospital}, {"doctor_class", doctor}};
  return t;
}

TEST(FitOls, RecoversPlantedEffectsAndCallsTheNullOneNotSignificant) {
  const Table t = Planted(4000, 20261208);
  for (Covariance covariance : {Covariance::kClassical, Covariance::kHC1}) {
    OlsSpec spec =
        Spec({"visits", "rep_cost", "tenure"}, {{"hospital_class", "二级"}, {"doctor_class", "C"}});
    spec.covariance = covariance;
    absl::StatusOr<OlsResult> fit = FitOls(t, spec);
    ASSERT_TRUE(fit.ok()) << fit.status();
    EXPECT_EQ(fit->parameters, 8);
    struct Planted {
      const char* name;
      double value;
    };
    for (const Planted& p :
         {Planted{"intercept", 100}, Planted{"visits", 4}, Planted{"rep_cost", 0.01},
          Planted{"hospital_class=三级", 60}, Planted{"hospital_class=一级", -25},
          Planted{"doctor_class=A", 30}, Planted{"doctor_class=B", 12}}) {
      const Estimate* e = fit->Find(p.name);
      ASSERT_NE(e, nullptr) << p.name;
      EXPECT_LT(std::fabs(e->estimate - p.value), 4 * e->std_error) << p.name;
      EXPECT_TRUE(e->significant) << p.name;
    }
    const Estimate* tenure = fit->Find("tenure");
    EXPECT_LT(std::fabs(tenure->estimate), 4 * tenure->std_error);
    EXPECT_FALSE(tenure->significant) << tenure->verdict;
    EXPECT_THAT(tenure->verdict, HasSubstr("not significant at 5 %"));
    // SE of visits: σ / sqrt(Σ (v - v̄)²) with v uniform on 0..19 (variance
    // 33.25): about 20 / sqrt(4000 · 33.25) = 0.0548.
    EXPECT_NEAR(fit->Find("visits")->std_error, 0.0548, 0.004);
    EXPECT_NEAR(fit->residual_std_error, 20, 1);
    EXPECT_TRUE(fit->f_significant);
    const std::string summary = FormatOlsSummary(*fit);
    EXPECT_THAT(summary, HasSubstr("hospital_class (baseline 二级)"));
    EXPECT_THAT(summary, HasSubstr("n = 4000 observations"));
    EXPECT_THAT(summary, HasSubstr(tenure->verdict));
  }
}

TEST(PredictOls, AppliesTheFittedCoefficientsToNewRows) {
  Table t;
  t.numeric.push_back({"sales", {10, 12, 20, 22, 24, 5, 7}});
  t.numeric.push_back({"visits", {1, 3, 2, 2, 5, 1, 0}});
  t.categorical.push_back(
      {"hospital_class", {"二级", "二级", "三级", "三级", "三级", "一级", "一级"}});
  absl::StatusOr<OlsResult> fit = FitOls(t, Spec({"visits"}, {{"hospital_class", "二级"}}));
  ASSERT_TRUE(fit.ok()) << fit.status();
  Table fresh;
  fresh.numeric.push_back({"visits", {4, 0}});
  fresh.categorical.push_back({"hospital_class", {"三级", "二级"}});
  absl::StatusOr<std::vector<double>> predicted = PredictOls(*fit, fresh);
  ASSERT_TRUE(predicted.ok()) << predicted.status();
  const double b0 = fit->coefficients[0].estimate;
  const double b_visits = fit->Find("visits")->estimate;
  const double b_tier3 = fit->Find("hospital_class=三级")->estimate;
  EXPECT_NEAR((*predicted)[0], b0 + 4 * b_visits + b_tier3, 1e-12);
  EXPECT_NEAR((*predicted)[1], b0, 1e-12);

  fresh.categorical[0].values[1] = "民营";
  EXPECT_THAT(PredictOls(*fit, fresh),
              IsInvalid("column 'hospital_class', row 1: level '民营' did not occur"));
  fresh.categorical[0].values[1] = "二级";
  fresh.numeric[0].name = "calls";
  EXPECT_THAT(PredictOls(*fit, fresh), IsInvalid("column 'visits' not found"));
}

// --- Bad input: each refusal names the column, and the row where one is at
// fault.

TEST(FitOlsRefuses, EmptyData) {
  Table t;
  t.numeric.push_back({"sales", {}});
  t.numeric.push_back({"visits", {}});
  EXPECT_THAT(FitOls(t, Spec({"visits"})), IsInvalid("empty data: the table has no rows"));
  EXPECT_THAT(FitOls(Table{}, Spec({"visits"})), IsInvalid("empty data"));
}

TEST(FitOlsRefuses, ColumnsOfDifferentLengths) {
  Table t = Textbook();
  t.numeric.push_back({"rep_cost", {1, 2, 3, 4}});
  EXPECT_THAT(FitOls(t, Spec({"visits"})),
              IsInvalid("column 'rep_cost' has 4 rows but column 'visits' has 5"));
  t.numeric.pop_back();
  t.categorical.push_back({"hospital_class", {"三级", "二级"}});
  EXPECT_THAT(FitOls(t, Spec({"visits"})), IsInvalid("column 'hospital_class' has 2 rows"));
}

TEST(FitOlsRefuses, NaNOrInfinityNamingColumnAndRow) {
  Table t = Textbook();
  t.numeric[0].values[3] = std::nan("");
  EXPECT_THAT(FitOls(t, Spec({"visits"})), IsInvalid("column 'visits', row 3: NaN"));
  t = Textbook();
  t.numeric[1].values[2] = -INFINITY;
  EXPECT_THAT(FitOls(t, Spec({"visits"})), IsInvalid("column 'sales', row 2: -inf"));
  t = Textbook();
  t.numeric[0].values[0] = INFINITY;
  EXPECT_THAT(FitOls(t, Spec({"visits"})), IsInvalid("column 'visits', row 0: inf"));
}

TEST(FitOlsRefuses, FewerRowsThanTheParametersNeed) {
  Table t;
  t.numeric.push_back({"sales", {1, 2, 4}});
  t.numeric.push_back({"visits", {1, 2, 3}});
  t.numeric.push_back({"rep_cost", {5, 3, 4}});
  EXPECT_THAT(FitOls(t, Spec({"visits", "rep_cost"})),
              IsInvalid("fewer rows than the fit needs: 3 rows for 3 parameters "
                        "(intercept, visits, rep_cost); it needs at least 4"));
}

TEST(FitOlsRefuses, AConstantRegressorOrResponse) {
  Table t = Textbook();
  t.numeric.push_back({"rep_cost", {7, 7, 7, 7, 7}});
  EXPECT_THAT(FitOls(t, Spec({"visits", "rep_cost"})),
              IsInvalid("column 'rep_cost' is constant (every one of the 5 rows is 7)"));
  t = Textbook();
  t.numeric[1].values = {3, 3, 3, 3, 3};
  EXPECT_THAT(FitOls(t, Spec({"visits"})), IsInvalid("response 'sales' is constant"));
}

TEST(FitOlsRefuses, ACollinearColumnNamingItAndItsPartners) {
  Table t = Textbook();
  t.numeric.push_back({"rep_cost", {5, 7, 9, 11, 13}});  // 2 · visits + 3
  t.numeric.push_back({"tenure", {1, 0, 2, 0, 1}});
  t.numeric[1].values = {2, 4, 5, 4, 6};
  EXPECT_THAT(FitOls(t, Spec({"visits", "tenure", "rep_cost"})),
              IsInvalid("column 'rep_cost' is collinear with intercept, visits:"));
}

TEST(FitOlsRefuses, AFactorThatDuplicatesAnother) {
  // Doctor class follows hospital class exactly: A in 三级, B in 二级.
  Table t;
  t.numeric.push_back({"sales", {10, 12, 20, 22, 24, 13}});
  t.numeric.push_back({"visits", {1, 4, 2, 2, 5, 1}});
  t.categorical.push_back({"hospital_class", {"二级", "二级", "三级", "三级", "三级", "二级"}});
  t.categorical.push_back({"doctor_class", {"B", "B", "A", "A", "A", "B"}});
  EXPECT_THAT(
      FitOls(t, Spec({"visits"}, {{"hospital_class", "二级"}, {"doctor_class", "A"}})),
      IsInvalid("column 'doctor_class=B' is collinear with intercept, hospital_class=三级"));
}

TEST(FitOlsRefuses, AFactorWithASingleLevelOrAnUnknownBaseline) {
  Table t = Textbook();
  t.categorical.push_back({"hospital_class", {"三级", "三级", "三级", "三级", "三级"}});
  EXPECT_THAT(FitOls(t, Spec({"visits"}, {{"hospital_class", ""}})),
              IsInvalid("column 'hospital_class' has a single level '三级' in the 5 rows"));
  t.categorical[0].values[4] = "二级";
  EXPECT_THAT(FitOls(t, Spec({"visits"}, {{"hospital_class", "一级"}})),
              IsInvalid("column 'hospital_class': baseline '一级' is not among its levels "
                        "(三级, 二级)"));
  t.categorical[0].values[2] = "";
  EXPECT_THAT(FitOls(t, Spec({"visits"}, {{"hospital_class", ""}})),
              IsInvalid("column 'hospital_class', row 2: empty value"));
}

TEST(FitOlsRefuses, MisnamedMistypedOrRepeatedColumns) {
  Table t = Textbook();
  t.categorical.push_back({"hospital_class", {"三级", "二级", "三级", "二级", "三级"}});
  EXPECT_THAT(FitOls(t, Spec({"calls"})), IsInvalid("column 'calls' not found in the table"));
  EXPECT_THAT(FitOls(t, Spec({"hospital_class"})),
              IsInvalid("column 'hospital_class' is categorical: list it among the factors"));
  EXPECT_THAT(FitOls(t, Spec({}, {{"visits", ""}})),
              IsInvalid("column 'visits' is numeric: a factor needs a categorical column"));
  EXPECT_THAT(FitOls(t, Spec({"visits", "visits"})),
              IsInvalid("column 'visits' is listed twice among the regressors"));
  EXPECT_THAT(FitOls(t, Spec({"visits", "sales"})),
              IsInvalid("column 'sales' is the response and cannot also be a regressor"));
  EXPECT_THAT(FitOls(t, Spec({})), IsInvalid("no regressor given for 'sales'"));
  OlsSpec spec = Spec({"visits"});
  spec.response = "hospital_class";
  EXPECT_THAT(
      FitOls(t, spec),
      IsInvalid("column 'hospital_class' is categorical where a numeric column is expected"));
  t.numeric.push_back({"visits", {1, 2, 3, 4, 5}});
  EXPECT_THAT(FitOls(t, Spec({"visits"})), IsInvalid("column 'visits' appears twice in the table"));
}

TEST(FitOlsRefuses, AResponseTheRegressorsFitExactly) {
  Table t = Textbook();
  t.numeric[1].values = {3, 5, 7, 9, 11};
  EXPECT_THAT(FitOls(t, Spec({"visits"})), IsInvalid("the regressors fit 'sales' exactly"));
}

TEST(Significance, SentencesAndPValuesAsPrinted) {
  EXPECT_EQ(SignificanceSentence(0.41), "not significant at 5 %: p = 0.41");
  EXPECT_EQ(SignificanceSentenceZh(0.41), "在5%水平上不显著（p = 0.41）");
  EXPECT_EQ(SignificanceSentence(0.003), "significant at 5 %: p = 0.003");
  EXPECT_EQ(SignificanceSentenceZh(1e-9), "在5%水平上显著（p < 0.0001）");
  EXPECT_EQ(FormatPValue(0.04996), "0.04996");  // not "0.05", which would not be significant
  EXPECT_EQ(FormatPValue(0.05), "0.05");
  EXPECT_EQ(FormatPValue(0.41234), "0.412");
  EXPECT_EQ(FormatPValue(1), "1");
}

TEST(SummaryText, PadsByDisplayWidthSoChineseNamesLineUp) {
  EXPECT_EQ(internal::DisplayWidth("visits"), 6);
  EXPECT_EQ(internal::DisplayWidth("hospital_class=三级"), 19);
  EXPECT_EQ(internal::DisplayWidth("（p）"), 5);
  EXPECT_EQ(internal::PadRight("三级", 6), "三级  ");
  EXPECT_EQ(internal::PadRight("visits", 3), "visits");
}

}  // namespace
}  // namespace pharmacrm::analytics
