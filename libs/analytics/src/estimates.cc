#include "pharmacrm/analytics/estimates.h"

#include <cmath>
#include <cstdlib>
#include <string>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "src/p_values.h"

namespace pharmacrm::analytics {

std::string FormatPValue(double p_value) {
  if (std::isnan(p_value)) return "nan";
  if (p_value < 0.0001) return "< 0.0001";
  // Three significant digits, unless rounding would put the printed value
  // on the other side of 5 % from the verdict (0.04996 is not "0.05").
  const bool significant = p_value < kSignificanceLevel;
  std::string text;
  for (int digits = 3; digits <= 17; ++digits) {
    text = absl::StrFormat("%.*g", digits, p_value);
    if ((std::strtod(text.c_str(), nullptr) < kSignificanceLevel) == significant) break;
  }
  return text;
}

namespace {

// "p = 0.41" or "p < 0.0001".
std::string PClause(double p_value) {
  const std::string p = FormatPValue(p_value);
  return p[0] == '<' ? absl::StrCat("p ", p) : absl::StrCat("p = ", p);
}

}  // namespace

std::string SignificanceSentence(double p_value) {
  return absl::StrCat(p_value < kSignificanceLevel ? "significant" : "not significant",
                      " at 5 %: ", PClause(p_value));
}

std::string SignificanceSentenceZh(double p_value) {
  return absl::StrCat(p_value < kSignificanceLevel ? "在5%水平上显著" : "在5%水平上不显著", "（",
                      PClause(p_value), "）");
}

void FillInference(double df, Estimate& e) {
  e.statistic = e.estimate / e.std_error;
  const double tail = 1 - kSignificanceLevel / 2;
  double critical;
  if (df > 0) {
    e.p_value = internal::StudentTTwoSided(e.statistic, df);
    critical = internal::StudentTQuantile(tail, df);
  } else {
    e.p_value = internal::NormalTwoSided(e.statistic);
    critical = internal::NormalQuantile(tail);
  }
  e.ci_low = e.estimate - critical * e.std_error;
  e.ci_high = e.estimate + critical * e.std_error;
  e.significant = e.p_value < kSignificanceLevel;
  e.verdict = SignificanceSentence(e.p_value);
  e.verdict_zh = SignificanceSentenceZh(e.p_value);
}

}  // namespace pharmacrm::analytics
