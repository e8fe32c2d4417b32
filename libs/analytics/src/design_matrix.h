// The checks on a table and the design matrix built from it, shared by the
// regression and the classification models. Every refusal is an
// InvalidArgument that names the column (and the 0-based row) at fault.
#ifndef PHARMACRM_LIBS_ANALYTICS_SRC_DESIGN_MATRIX_H_
#define PHARMACRM_LIBS_ANALYTICS_SRC_DESIGN_MATRIX_H_

#include <cstdint>
#include <string>
#include <vector>

#include "Eigen/Core"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "pharmacrm/analytics/columns.h"

namespace pharmacrm::analytics::internal {

// A column of full column rank has, after scaling to unit length, at least
// this much length left outside the span of the others (a QR pivot); below
// it, the column is reported as collinear.
inline constexpr double kCollinearityTolerance = 1e-9;

// The table's row count, after checking that it has rows, that every column
// has that many and that no name is used twice.
absl::StatusOr<int64_t> CheckTable(const Table& table);

// 0, 1, ..., rows - 1.
std::vector<int64_t> AllRows(int64_t rows);

// A numeric column that exists, finite on `rows`.
absl::StatusOr<const NumericColumn*> FiniteNumeric(const Table& table, absl::string_view name,
                                                   absl::Span<const int64_t> rows);

// The levels of a categorical column on `rows`, in byte order; refuses an
// unknown column and empty (missing) values.
absl::StatusOr<std::vector<std::string>> LevelsOf(const Table& table, absl::string_view name,
                                                  absl::Span<const int64_t> rows);

// Resolves the regressors against the table on `rows`: every column exists
// with the right kind and is used once (and is not `response`); numeric
// columns are finite and not constant; each factor has at least two levels
// among the rows and its stated baseline is one of them.
absl::StatusOr<DesignLayout> ResolveLayout(const Table& table, const Regressors& regressors,
                                           absl::string_view response,
                                           absl::Span<const int64_t> rows);

// Rows of a table coded for a layout: numeric values checked finite, factor
// levels turned into dummy indices (a level the layout does not know is
// refused). Refers to the table's numeric columns: the table must outlive
// it; the layout need not.
class CodedDesign {
 public:
  static absl::StatusOr<CodedDesign> Create(const DesignLayout& layout, const Table& table,
                                            std::vector<int64_t> rows);

  int64_t rows() const { return static_cast<int64_t>(rows_.size()); }
  int64_t cols() const { return cols_; }
  // The table's row behind the design's row i.
  int64_t table_row(int64_t i) const { return rows_[i]; }
  absl::Span<const int64_t> table_rows() const { return rows_; }

  // Design rows [begin, end) into `out`, which must be (end - begin) x cols.
  void Fill(int64_t begin, int64_t end, Eigen::Ref<Eigen::MatrixXd> out) const;
  // The whole design matrix, rows() x cols().
  Eigen::MatrixXd Matrix() const;

  // The design columns of each regressor, in the layout's order (numeric
  // columns, then factors): [first, first + count).
  struct Term {
    std::string column;
    int64_t first = 0;
    int64_t count = 0;
  };
  std::vector<Term> Terms() const;

 private:
  CodedDesign() = default;

  std::vector<std::string> term_names_;  // numeric columns, then factors
  std::vector<const std::vector<double>*> numeric_;
  std::vector<int64_t> factor_sizes_;  // dummies per factor
  // Per factor, per design row: the dummy's index among the factor's
  // levels, -1 for the baseline.
  std::vector<std::vector<int32_t>> codes_;
  std::vector<int64_t> rows_;
  int64_t cols_ = 0;
};

// Each column's root mean square, 1 for an all-zero column.
Eigen::VectorXd ColumnRms(const Eigen::MatrixXd& x);

// For a design found rank-deficient: the sentence naming the first column
// (in `names` order) that is a linear combination of the columns before
// it, and which those are.
std::string DescribeCollinearity(const Eigen::MatrixXd& x, const std::vector<std::string>& names);

}  // namespace pharmacrm::analytics::internal

#endif  // PHARMACRM_LIBS_ANALYTICS_SRC_DESIGN_MATRIX_H_
