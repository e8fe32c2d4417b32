#include "src/p_values.h"

#include <cmath>
#include <limits>

#include "boost/math/distributions/chi_squared.hpp"
#include "boost/math/distributions/fisher_f.hpp"
#include "boost/math/distributions/normal.hpp"
#include "boost/math/distributions/students_t.hpp"
#include "boost/math/policies/policy.hpp"

namespace pharmacrm::analytics::internal {
namespace {

namespace bm = boost::math;
namespace policies = boost::math::policies;

// No exceptions out of Boost: a domain, pole, overflow or evaluation error
// gives NaN (or infinity) and sets errno, which nothing reads; callers check
// their arguments. Underflow to 0 is what a tiny p-value should be.
using Policy = policies::policy<policies::domain_error<policies::errno_on_error>,
                                policies::pole_error<policies::errno_on_error>,
                                policies::overflow_error<policies::errno_on_error>,
                                policies::evaluation_error<policies::errno_on_error>,
                                policies::rounding_error<policies::errno_on_error>>;

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

bool Usable(double x) { return !std::isnan(x); }

}  // namespace

double StudentTTwoSided(double t, double df) {
  if (!Usable(t) || !(df > 0)) return kNaN;
  if (std::isinf(t)) return 0;
  const bm::students_t_distribution<double, Policy> dist(df);
  return 2 * bm::cdf(bm::complement(dist, std::fabs(t)));
}

double StudentTQuantile(double q, double df) {
  if (!(q > 0 && q < 1) || !(df > 0)) return kNaN;
  return bm::quantile(bm::students_t_distribution<double, Policy>(df), q);
}

double NormalTwoSided(double z) {
  if (!Usable(z)) return kNaN;
  if (std::isinf(z)) return 0;
  const bm::normal_distribution<double, Policy> dist(0, 1);
  return 2 * bm::cdf(bm::complement(dist, std::fabs(z)));
}

double NormalQuantile(double q) {
  if (!(q > 0 && q < 1)) return kNaN;
  return bm::quantile(bm::normal_distribution<double, Policy>(0, 1), q);
}

double FisherFUpper(double f, double df1, double df2) {
  if (!Usable(f) || !(df1 > 0) || !(df2 > 0)) return kNaN;
  if (std::isinf(f)) return 0;
  if (f <= 0) return 1;
  return bm::cdf(bm::complement(bm::fisher_f_distribution<double, Policy>(df1, df2), f));
}

double ChiSquaredUpper(double x, double df) {
  if (!Usable(x) || !(df > 0)) return kNaN;
  if (std::isinf(x)) return 0;
  if (x <= 0) return 1;
  return bm::cdf(bm::complement(bm::chi_squared_distribution<double, Policy>(df), x));
}

}  // namespace pharmacrm::analytics::internal
