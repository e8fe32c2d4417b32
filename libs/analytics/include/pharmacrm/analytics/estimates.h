// One estimated coefficient with its inference, and the plain sentences that
// say whether it is significant, shared by the relation models (regression.h,
// classification.h). Significance is judged at 5 % (two-sided): an effect
// whose p-value is 0.05 or more is reported as not significant, in English
// and in Simplified Chinese, so a reader need not interpret a p-value.
//
// Thread safety: plain values and pure functions.
#ifndef PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_ESTIMATES_H_
#define PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_ESTIMATES_H_

#include <string>

namespace pharmacrm::analytics {

// The two-sided level at which an effect is called significant, and the
// coverage of the confidence intervals that goes with it (95 %).
inline constexpr double kSignificanceLevel = 0.05;

struct Estimate {
  std::string name;     // "visits", "hospital_class=三级", "intercept"
  double estimate = 0;  // in the response's units per unit of the regressor
  double std_error = 0;
  double statistic = 0;  // estimate / std_error: t (regression) or z (logit)
  double p_value = 1;    // two-sided, from the t or the standard normal
  double ci_low = 0;     // 95 % confidence interval
  double ci_high = 0;
  bool significant = false;  // p_value < kSignificanceLevel
  // "significant at 5 %: p = 0.003" or "not significant at 5 %: p = 0.41".
  std::string verdict;
  // "在5%水平上显著（p = 0.003）" or "在5%水平上不显著（p = 0.41）".
  std::string verdict_zh;
};

// A p-value as the sentences print it: three significant digits ("0.412",
// "0.0031"), more where three would round across 0.05, and "< 0.0001"
// below that.
std::string FormatPValue(double p_value);

// The sentences of Estimate::verdict and verdict_zh for a p-value.
std::string SignificanceSentence(double p_value);
std::string SignificanceSentenceZh(double p_value);

// Fills statistic, p_value and the rest of `e` from e.estimate and
// e.std_error: with `df` > 0 from Student's t with df degrees of freedom,
// with df == 0 from the standard normal.
void FillInference(double df, Estimate& e);

}  // namespace pharmacrm::analytics

#endif  // PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_ESTIMATES_H_
