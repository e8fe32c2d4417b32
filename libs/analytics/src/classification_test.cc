#include "pharmacrm/analytics/classification.h"

#include <cmath>
#include <cstdint>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pharmacrm::analytics {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

MATCHER_P(IsInvalid, text, "") {
  return arg.status().code() == absl::StatusCode::kInvalidArgument &&
         ::testing::ExplainMatchResult(HasSubstr(text), std::string(arg.status().message()),
                                       result_listener);
}

// Customers by a 2 x 3 table of counts: `counts[g][c]` customers of class
// c (A, B, C) in group g (华北, 华南).
Table Counts(const std::vector<std::vector<int>>& counts) {
  const char* kClass[] = {"A", "B", "C"};
  const char* kGroup[] = {"华北", "华南"};
  Table t;
  t.categorical.push_back({"class", {}});
  t.categorical.push_back({"region", {}});
  for (size_t g = 0; g < counts.size(); ++g) {
    for (size_t c = 0; c < counts[g].size(); ++c) {
      for (int i = 0; i < counts[g][c]; ++i) {
        t.categorical[0].values.push_back(kClass[c]);
        t.categorical[1].values.push_back(kGroup[g]);
      }
    }
  }
  return t;
}

LogitSpec Spec(std::vector<std::string> numeric, std::vector<Factor> factors = {}) {
  LogitSpec spec;
  spec.response = "class";
  spec.baseline = "A";
  spec.features.numeric = std::move(numeric);
  spec.features.factors = std::move(factors);
  return spec;
}

// A saturated model (one factor, every cell its own share) has its maximum
// in closed form. Counts:
//            A    B    C
//   华北    20   10   10      (40)
//   华南    10   20   40      (70)
// Class B against A: intercept = log(10/20) = -0.693147 (the log-odds in
// 华北), 华南's effect = log((20/10) / (10/20)) = log 4 = 1.386294, the log
// of the odds ratio; its SE (Woolf) = sqrt(1/20 + 1/10 + 1/10 + 1/20) =
// sqrt(0.3) = 0.547723, z = 2.531, p = 0.01137; SE(intercept) =
// sqrt(1/20 + 1/10) = sqrt(0.15).
// Class C against A: intercept log(10/20), 华南 log((40/10) / (10/20)) =
// log 8, SE sqrt(1/20 + 1/10 + 1/10 + 1/40) = sqrt(0.275).
// Log-likelihood: each cell's count times the log of its share in its row;
// the null model: each class's count times the log of its overall share
// (30, 30, 50 of 110).
TEST(FitMultinomialLogit, SaturatedModelMatchesTheClosedForm) {
  const Table t = Counts({{20, 10, 10}, {10, 20, 40}});
  absl::StatusOr<LogitResult> fit = FitMultinomialLogit(t, Spec({}, {{"region", "华北"}}));
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_THAT(fit->classes, ElementsAre("A", "B", "C"));
  EXPECT_EQ(fit->observations, 110);
  EXPECT_EQ(fit->parameters, 4);
  ASSERT_EQ(fit->effects.size(), 2u);
  EXPECT_EQ(fit->effects[0].class_name, "B");
  const Estimate* b0 = fit->Find("B", "intercept");
  const Estimate* b1 = fit->Find("B", "region=华南");
  const Estimate* c0 = fit->Find("C", "intercept");
  const Estimate* c1 = fit->Find("C", "region=华南");
  ASSERT_NE(b1, nullptr);
  ASSERT_NE(c1, nullptr);
  EXPECT_NEAR(b0->estimate, std::log(0.5), 1e-9);
  EXPECT_NEAR(b1->estimate, std::log(4.0), 1e-9);
  EXPECT_NEAR(c0->estimate, std::log(0.5), 1e-9);
  EXPECT_NEAR(c1->estimate, std::log(8.0), 1e-9);
  EXPECT_NEAR(b0->std_error, std::sqrt(0.15), 1e-9);
  EXPECT_NEAR(b1->std_error, std::sqrt(0.3), 1e-9);
  EXPECT_NEAR(c1->std_error, std::sqrt(0.275), 1e-9);
  EXPECT_NEAR(b1->statistic, std::log(4.0) / std::sqrt(0.3), 1e-8);
  EXPECT_NEAR(b1->p_value, 0.011374, 1e-6);
  EXPECT_TRUE(b1->significant);
  EXPECT_FALSE(b0->significant);  // z = -1.79: 华北's B/A odds of 1/2 could be chance
  const double ll = 20 * std::log(0.5) + 20 * std::log(0.25) + 10 * std::log(1.0 / 7) +
                    20 * std::log(2.0 / 7) + 40 * std::log(4.0 / 7);
  const double ll0 = 60 * std::log(30.0 / 110) + 50 * std::log(50.0 / 110);
  EXPECT_NEAR(fit->log_likelihood, ll, 1e-9);
  EXPECT_NEAR(fit->null_log_likelihood, ll0, 1e-9);
  EXPECT_NEAR(fit->pseudo_r_squared, 1 - ll / ll0, 1e-12);
  EXPECT_NEAR(fit->lr_statistic, 2 * (ll - ll0), 1e-9);
  EXPECT_EQ(fit->lr_df, 2);
  EXPECT_NEAR(fit->lr_p_value, std::exp(-(ll - ll0)), 1e-12);  // chi² with 2 df: e^(-x/2)
  const std::string summary = FormatLogitSummary(*fit);
  EXPECT_THAT(summary, HasSubstr("class C against A"));
  EXPECT_THAT(summary, HasSubstr(b0->verdict));
}

TEST(PredictClassProbabilities, AreEachGroupsSharesForASaturatedModel) {
  const Table t = Counts({{20, 10, 10}, {10, 20, 40}});
  absl::StatusOr<LogitResult> fit = FitMultinomialLogit(t, Spec({}, {{"region", "华北"}}));
  ASSERT_TRUE(fit.ok()) << fit.status();
  Table fresh;
  fresh.categorical.push_back({"region", {"华南", "华北"}});
  absl::StatusOr<Eigen::MatrixXd> p = PredictClassProbabilities(*fit, fresh);
  ASSERT_TRUE(p.ok()) << p.status();
  EXPECT_NEAR((*p)(0, 0), 1.0 / 7, 1e-9);
  EXPECT_NEAR((*p)(0, 2), 4.0 / 7, 1e-9);
  EXPECT_NEAR((*p)(1, 0), 0.5, 1e-9);
  EXPECT_NEAR((*p)(1, 1), 0.25, 1e-9);
  absl::StatusOr<std::vector<std::string>> predicted = PredictClasses(*fit, fresh);
  ASSERT_TRUE(predicted.ok()) << predicted.status();
  EXPECT_THAT(*predicted, ElementsAre("C", "A"));
  fresh.categorical[0].values[0] = "西北";
  EXPECT_THAT(PredictClasses(*fit, fresh),
              IsInvalid("column 'region', row 0: level '西北' did not occur"));
}

double Normal(std::mt19937_64& rng) {
  const double u1 = (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53;
  const double u2 = (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53;
  return std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
}

// Hospitals classed 三级/二级/一级 by beds and outpatient visits (planted
// effects against 二级), a region effect for 三级, and a feature of no
// effect (the rep's tenure).
Table PlantedHospitals(int rows, uint64_t seed) {
  std::mt19937_64 rng(seed);
  Table t;
  std::vector<double> beds(rows), outpatients(rows), tenure(rows);
  std::vector<std::string> cls(rows), region(rows);
  const char* kRegion[] = {"东部", "中部", "西部"};
  for (int i = 0; i < rows; ++i) {
    beds[i] = 500 + 200 * Normal(rng);
    outpatients[i] = 10 + 3 * Normal(rng);
    tenure[i] = static_cast<double>(rng() % 12);
    const int r = static_cast<int>(rng() % 3);
    region[i] = kRegion[r];
    // log-odds against 二级
    const double tier3 = -6 + 0.008 * beds[i] + 0.2 * outpatients[i] + (r == 0 ? 0.8 : 0);
    const double tier1 = 3 - 0.006 * beds[i] - 0.1 * outpatients[i];
    const double z = 1 + std::exp(tier3) + std::exp(tier1);
    const double u = (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53;
    cls[i] = u < std::exp(tier3) / z                       ? "三级"
             : u < (std::exp(tier3) + std::exp(tier1)) / z ? "一级"
                                                           : "二级";
  }
  t.numeric = {{"beds", beds}, {"outpatients", outpatients}, {"tenure", tenure}};
  t.categorical = {{"class", cls}, {"region", region}};
  return t;
}

LogitSpec HospitalSpec() {
  LogitSpec spec;
  spec.response = "class";
  spec.baseline = "二级";
  spec.features.numeric = {"beds", "outpatients", "tenure"};
  spec.features.factors = {{"region", "中部"}};
  return spec;
}

TEST(FitMultinomialLogit, RecoversPlantedEffectsAndCallsTheNullOneNotSignificant) {
  const Table t = PlantedHospitals(6000, 20261208);
  absl::StatusOr<LogitResult> fit = FitMultinomialLogit(t, HospitalSpec());
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_THAT(fit->classes, ElementsAre("二级", "一级", "三级"));
  struct Planted {
    const char* cls;
    const char* name;
    double value;
  };
  for (const Planted& p : {Planted{"三级", "beds", 0.008}, Planted{"三级", "outpatients", 0.2},
                           Planted{"三级", "region=东部", 0.8}, Planted{"一级", "beds", -0.006},
                           Planted{"一级", "outpatients", -0.1}, Planted{"三级", "intercept", -6},
                           Planted{"一级", "intercept", 3}}) {
    const Estimate* e = fit->Find(p.cls, p.name);
    ASSERT_NE(e, nullptr) << p.cls << " " << p.name;
    EXPECT_LT(std::fabs(e->estimate - p.value), 4 * e->std_error) << p.cls << " " << p.name;
    EXPECT_TRUE(e->significant) << p.cls << " " << p.name << ": " << e->verdict;
  }
  for (const char* cls : {"三级", "一级"}) {
    const Estimate* tenure = fit->Find(cls, "tenure");
    EXPECT_FALSE(tenure->significant) << cls << ": " << tenure->verdict;
    EXPECT_THAT(tenure->verdict_zh, HasSubstr("在5%水平上不显著"));
  }
  EXPECT_LT(fit->lr_p_value, 1e-10);
  EXPECT_GT(fit->pseudo_r_squared, 0.1);
}

TEST(EvaluateClassDrivers, BeatsTheMajorityGuessAndRanksTheDrivers) {
  const Table t = PlantedHospitals(6000, 77);
  absl::StatusOr<ClassDrivers> drivers = EvaluateClassDrivers(t, HospitalSpec(), {0.25, 5, 5});
  ASSERT_TRUE(drivers.ok()) << drivers.status();
  EXPECT_EQ(drivers->held_out_customers + drivers->training_customers, 6000);
  EXPECT_NEAR(drivers->held_out_customers, 1500, 3);  // rounded per class
  int64_t total = 0;
  int64_t right = 0;
  for (size_t a = 0; a < drivers->confusion.counts.size(); ++a) {
    for (size_t p = 0; p < drivers->confusion.counts[a].size(); ++p) {
      total += drivers->confusion.counts[a][p];
      if (a == p) right += drivers->confusion.counts[a][p];
    }
  }
  EXPECT_EQ(total, drivers->held_out_customers);
  EXPECT_DOUBLE_EQ(drivers->accuracy, static_cast<double>(right) / static_cast<double>(total));
  EXPECT_GT(drivers->accuracy, drivers->baseline_accuracy + 0.1);
  ASSERT_EQ(drivers->importance.size(), 4u);
  EXPECT_EQ(drivers->importance[0].feature, "beds");
  EXPECT_GT(drivers->importance[0].accuracy_drop, 0.05);
  EXPECT_EQ(drivers->importance[3].feature, "tenure");
  EXPECT_LT(std::fabs(drivers->importance[3].log_likelihood_drop), 0.005);
  const std::string summary = FormatClassDriversSummary(*drivers);
  EXPECT_THAT(summary, HasSubstr("always guessing the most frequent class"));
  EXPECT_THAT(summary, HasSubstr("confusion (rows: actual, columns: predicted)"));

  // The same seed, the same split; another seed, another.
  absl::StatusOr<ClassDrivers> again = EvaluateClassDrivers(t, HospitalSpec(), {0.25, 5, 5});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->held_out_rows, drivers->held_out_rows);
  EXPECT_EQ(again->accuracy, drivers->accuracy);
  absl::StatusOr<ClassDrivers> other = EvaluateClassDrivers(t, HospitalSpec(), {0.25, 6, 5});
  ASSERT_TRUE(other.ok());
  EXPECT_NE(other->held_out_rows, drivers->held_out_rows);
}

TEST(FitMultinomialLogitRefuses, PerfectSeparationNamingTheFeature) {
  Table t;
  t.numeric.push_back({"beds", {100, 150, 200, 250, 300, 600, 650, 700, 750, 800}});
  t.numeric.push_back({"tenure", {1, 4, 2, 3, 5, 2, 5, 1, 4, 3}});
  t.categorical.push_back({"class", {"A", "A", "A", "A", "A", "B", "B", "B", "B", "B"}});
  EXPECT_THAT(FitMultinomialLogit(t, Spec({"tenure", "beds"})),
              IsInvalid("perfect separation: the features decide the class of all 10 "
                        "customers"));
  EXPECT_THAT(FitMultinomialLogit(t, Spec({"tenure", "beds"})),
              IsInvalid("the coefficient of 'beds' for class 'B' grows without bound"));
}

TEST(FitMultinomialLogitRefuses, QuasiSeparationNamingTheLevel) {
  // Every customer in 华南 is of class C; the others overlap.
  Table t = Counts({{20, 10, 10}, {0, 0, 15}});
  EXPECT_THAT(FitMultinomialLogit(t, Spec({}, {{"region", "华北"}})),
              IsInvalid("quasi-perfect separation: for 15 of the 55 customers the features "
                        "rule a class out with certainty"));
  EXPECT_THAT(FitMultinomialLogit(t, Spec({}, {{"region", "华北"}})),
              IsInvalid("the coefficient of 'region=华南' for class"));
  // No class B in 华南, but A and C both: B is ruled out there, nothing is
  // certain.
  t = Counts({{20, 10, 10}, {1, 0, 14}});
  EXPECT_THAT(FitMultinomialLogit(t, Spec({}, {{"region", "华北"}})),
              IsInvalid("quasi-perfect separation: for 15 of the 55 customers"));
  EXPECT_THAT(FitMultinomialLogit(t, Spec({}, {{"region", "华北"}})),
              IsInvalid("the coefficient of 'region=华南' for class 'B' grows without bound"));
}

TEST(FitMultinomialLogitRefuses, NoConvergenceWithinTheIterations) {
  const Table t = PlantedHospitals(500, 3);
  LogitSpec spec = HospitalSpec();
  spec.max_iterations = 2;
  EXPECT_THAT(FitMultinomialLogit(t, spec),
              IsInvalid("no convergence: after 2 Newton iterations the coefficients still moved"));
}

TEST(FitMultinomialLogitRefuses, BadResponsesAndFeatures) {
  Table t = Counts({{20, 10, 10}, {10, 20, 40}});
  LogitSpec spec = Spec({}, {{"region", ""}});
  spec.baseline = "D";
  EXPECT_THAT(FitMultinomialLogit(t, spec),
              IsInvalid("response 'class': baseline class 'D' is not among its classes (A, B, C)"));
  EXPECT_THAT(FitMultinomialLogit(t, Spec({})), IsInvalid("no feature given for 'class'"));
  EXPECT_THAT(FitMultinomialLogit(t, Spec({"region"})),
              IsInvalid("column 'region' is categorical: list it among the factors"));
  t.categorical[0].values.assign(t.categorical[0].values.size(), "A");
  EXPECT_THAT(FitMultinomialLogit(t, Spec({}, {{"region", ""}})),
              IsInvalid("response 'class' has a single class 'A'"));
  t = Counts({{1, 1, 1}, {0, 1, 0}});
  EXPECT_THAT(FitMultinomialLogit(t, Spec({}, {{"region", ""}})),
              IsInvalid("fewer rows than the fit needs: 4 customers for 4 parameters"));
  t = Counts({{2, 1, 1}, {1, 2, 1}});
  t.categorical[1].values[3] = "";
  EXPECT_THAT(FitMultinomialLogit(t, Spec({}, {{"region", ""}})),
              IsInvalid("column 'region', row 3: empty value"));
  t.numeric.push_back({"class_score", std::vector<double>(8, 1.0)});
  LogitSpec numeric_response = Spec({}, {{"region", ""}});
  numeric_response.response = "class_score";
  EXPECT_THAT(FitMultinomialLogit(t, numeric_response),
              IsInvalid("column 'class_score' is numeric where a categorical column is expected"));
}

TEST(EvaluateClassDriversRefuses, BadFractionsAndEmptySplits) {
  const Table t = Counts({{20, 10, 10}, {10, 20, 40}});
  EXPECT_THAT(EvaluateClassDrivers(t, Spec({}, {{"region", ""}}), {1.0, 1, 5}),
              IsInvalid("hold-out fraction 1 is not between 0 and 1"));
  EXPECT_THAT(EvaluateClassDrivers(t, Spec({}, {{"region", ""}}), {0.001, 1, 5}),
              IsInvalid("the split holds out no customer"));
}

}  // namespace
}  // namespace pharmacrm::analytics
