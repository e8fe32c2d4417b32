// Tail probabilities and quantiles of the reference distributions, from
// Boost.Math (docs/DEPENDENCIES.md). Boost's errors are turned into NaN
// rather than exceptions; arguments out of range (df <= 0) give NaN.
#ifndef PHARMACRM_LIBS_ANALYTICS_SRC_P_VALUES_H_
#define PHARMACRM_LIBS_ANALYTICS_SRC_P_VALUES_H_

namespace pharmacrm::analytics::internal {

// P(|T| >= |t|) for T ~ Student's t with df degrees of freedom.
double StudentTTwoSided(double t, double df);
// The q-quantile of Student's t with df degrees of freedom.
double StudentTQuantile(double q, double df);
// P(|Z| >= |z|) for Z ~ N(0, 1).
double NormalTwoSided(double z);
// The q-quantile of N(0, 1).
double NormalQuantile(double q);
// P(F >= f) for F ~ F(df1, df2).
double FisherFUpper(double f, double df1, double df2);
// P(X >= x) for X ~ chi-squared with df degrees of freedom.
double ChiSquaredUpper(double x, double df);

}  // namespace pharmacrm::analytics::internal

#endif  // PHARMACRM_LIBS_ANALYTICS_SRC_P_VALUES_H_
