// What the multinomial logit's fit (classification.cc) and its held-out
// evaluation (class_drivers.cc) share.
#ifndef PHARMACRM_LIBS_ANALYTICS_SRC_MULTINOMIAL_H_
#define PHARMACRM_LIBS_ANALYTICS_SRC_MULTINOMIAL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "Eigen/Core"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "pharmacrm/analytics/classification.h"
#include "pharmacrm/analytics/columns.h"

namespace pharmacrm::analytics::internal {

// The classes of a categorical response on `rows`: the baseline first,
// then the others in byte order, and each row's index among them.
struct CodedClasses {
  std::vector<std::string> classes;
  std::vector<int> codes;  // per row of `rows`
};
absl::StatusOr<CodedClasses> CodeClasses(const Table& table, absl::string_view response,
                                         absl::string_view baseline,
                                         absl::Span<const int64_t> rows);

// FitMultinomialLogit on the given rows of `data` only.
absl::StatusOr<LogitResult> FitMultinomialLogitOnRows(const Table& data, const LogitSpec& spec,
                                                      std::vector<int64_t> rows);

// log P(class) of each row of the design `x` (n x k) under coefficients
// `beta` (k x (classes - 1), the baseline's all 0): n x classes, computed
// without overflow however large the linear predictors.
Eigen::MatrixXd LogProbabilities(const Eigen::MatrixXd& x, const Eigen::MatrixXd& beta);

// A fit's coefficients as the k x (classes - 1) matrix LogProbabilities takes.
Eigen::MatrixXd CoefficientMatrix(const LogitResult& fit);

}  // namespace pharmacrm::analytics::internal

#endif  // PHARMACRM_LIBS_ANALYTICS_SRC_MULTINOMIAL_H_
