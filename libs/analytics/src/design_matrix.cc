#include "src/design_matrix.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <numeric>
#include <string>
#include <utility>
#include <vector>

#include "Eigen/QR"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace pharmacrm::analytics::internal {
namespace {

// A value as an error message shows it: "NaN", "inf", "3".
std::string Shown(double value) {
  if (std::isnan(value)) return "NaN";
  if (std::isinf(value)) return value > 0 ? "inf" : "-inf";
  return absl::StrCat(value);
}

absl::Status NotFound(const Table& table, absl::string_view name, absl::string_view expected) {
  if (expected == "numeric" && table.FindCategorical(name) != nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("column '", name, "' is categorical where a numeric column is expected"));
  }
  if (expected == "categorical" && table.FindNumeric(name) != nullptr) {
    return absl::InvalidArgumentError(
        absl::StrCat("column '", name, "' is numeric where a categorical column is expected"));
  }
  return absl::InvalidArgumentError(absl::StrCat("column '", name, "' not found in the table"));
}

}  // namespace

absl::StatusOr<int64_t> CheckTable(const Table& table) {
  absl::flat_hash_set<absl::string_view> names;
  const std::string* first = nullptr;
  int64_t rows = -1;
  auto check = [&](const std::string& name, size_t size) -> absl::Status {
    if (name.empty()) return absl::InvalidArgumentError("a column of the table has no name");
    if (!names.insert(name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("column '", name, "' appears twice in the table"));
    }
    const int64_t count = static_cast<int64_t>(size);
    if (first == nullptr) {
      first = &name;
      rows = count;
    } else if (count != rows) {
      return absl::InvalidArgumentError(absl::StrCat("column '", name, "' has ", count,
                                                     " rows but column '", *first, "' has ", rows));
    }
    return absl::OkStatus();
  };
  for (const NumericColumn& column : table.numeric) {
    if (absl::Status s = check(column.name, column.values.size()); !s.ok()) return s;
  }
  for (const CategoricalColumn& column : table.categorical) {
    if (absl::Status s = check(column.name, column.values.size()); !s.ok()) return s;
  }
  if (rows <= 0) return absl::InvalidArgumentError("empty data: the table has no rows");
  return rows;
}

std::vector<int64_t> AllRows(int64_t rows) {
  std::vector<int64_t> all(rows);
  std::iota(all.begin(), all.end(), int64_t{0});
  return all;
}

absl::StatusOr<const NumericColumn*> FiniteNumeric(const Table& table, absl::string_view name,
                                                   absl::Span<const int64_t> rows) {
  const NumericColumn* column = table.FindNumeric(name);
  if (column == nullptr) return NotFound(table, name, "numeric");
  for (const int64_t row : rows) {
    const double value = column->values[row];
    if (!std::isfinite(value)) {
      return absl::InvalidArgumentError(
          absl::StrCat("column '", name, "', row ", row, ": ", Shown(value)));
    }
  }
  return column;
}

absl::StatusOr<std::vector<std::string>> LevelsOf(const Table& table, absl::string_view name,
                                                  absl::Span<const int64_t> rows) {
  const CategoricalColumn* column = table.FindCategorical(name);
  if (column == nullptr) return NotFound(table, name, "categorical");
  absl::flat_hash_set<absl::string_view> seen;
  for (const int64_t row : rows) {
    const std::string& value = column->values[row];
    if (value.empty()) {
      return absl::InvalidArgumentError(
          absl::StrCat("column '", name, "', row ", row, ": empty value (a missing level)"));
    }
    seen.insert(value);
  }
  std::vector<std::string> levels(seen.begin(), seen.end());
  std::sort(levels.begin(), levels.end());
  return levels;
}

absl::StatusOr<DesignLayout> ResolveLayout(const Table& table, const Regressors& regressors,
                                           absl::string_view response,
                                           absl::Span<const int64_t> rows) {
  DesignLayout layout;
  absl::flat_hash_set<absl::string_view> used;
  auto claim = [&](absl::string_view name) -> absl::Status {
    if (name == response) {
      return absl::InvalidArgumentError(
          absl::StrCat("column '", name, "' is the response and cannot also be a regressor"));
    }
    if (name == kIntercept) {
      return absl::InvalidArgumentError(absl::StrCat(
          "column '", name, "': the intercept is always included and is no regressor to list"));
    }
    if (!used.insert(name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("column '", name, "' is listed twice among the regressors"));
    }
    return absl::OkStatus();
  };
  for (const std::string& name : regressors.numeric) {
    if (absl::Status s = claim(name); !s.ok()) return s;
    if (table.FindCategorical(name) != nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("column '", name,
                       "' is categorical: list it among the factors, not the numeric "
                       "regressors"));
    }
    absl::StatusOr<const NumericColumn*> column = FiniteNumeric(table, name, rows);
    if (!column.ok()) return column.status();
    const std::vector<double>& values = (*column)->values;
    const double first = values[rows.front()];
    const bool varies =
        std::any_of(rows.begin(), rows.end(), [&](int64_t row) { return values[row] != first; });
    if (!varies) {
      return absl::InvalidArgumentError(absl::StrCat(
          "column '", name, "' is constant (every one of the ", rows.size(), " rows is ",
          Shown(first), "): its effect cannot be told apart from the intercept's"));
    }
    layout.numeric.push_back(name);
  }
  for (const Factor& factor : regressors.factors) {
    if (absl::Status s = claim(factor.column); !s.ok()) return s;
    if (table.FindNumeric(factor.column) != nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("column '", factor.column,
                       "' is numeric: a factor needs a categorical column of levels"));
    }
    absl::StatusOr<std::vector<std::string>> levels = LevelsOf(table, factor.column, rows);
    if (!levels.ok()) return levels.status();
    if (levels->size() < 2) {
      return absl::InvalidArgumentError(
          absl::StrCat("column '", factor.column, "' has a single level '", levels->front(),
                       "' in the ", rows.size(), " rows: a factor needs at least two levels"));
    }
    FactorLevels expanded;
    expanded.column = factor.column;
    expanded.baseline = factor.baseline.empty() ? levels->front() : factor.baseline;
    auto baseline = std::find(levels->begin(), levels->end(), expanded.baseline);
    if (baseline == levels->end()) {
      return absl::InvalidArgumentError(
          absl::StrCat("column '", factor.column, "': baseline '", expanded.baseline,
                       "' is not among its levels (", absl::StrJoin(*levels, ", "), ")"));
    }
    levels->erase(baseline);
    expanded.levels = *std::move(levels);
    layout.factors.push_back(std::move(expanded));
  }
  return layout;
}

absl::StatusOr<CodedDesign> CodedDesign::Create(const DesignLayout& layout, const Table& table,
                                                std::vector<int64_t> rows) {
  CodedDesign design;
  design.cols_ = layout.ColumnCount();
  for (const std::string& name : layout.numeric) {
    absl::StatusOr<const NumericColumn*> column = FiniteNumeric(table, name, rows);
    if (!column.ok()) return column.status();
    design.numeric_.push_back(&(*column)->values);
    design.term_names_.push_back(name);
  }
  for (const FactorLevels& factor : layout.factors) {
    const CategoricalColumn* column = table.FindCategorical(factor.column);
    if (column == nullptr) return NotFound(table, factor.column, "categorical");
    absl::flat_hash_map<absl::string_view, int32_t> index;
    index[factor.baseline] = -1;
    for (size_t i = 0; i < factor.levels.size(); ++i) {
      index[factor.levels[i]] = static_cast<int32_t>(i);
    }
    std::vector<int32_t> codes(rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
      const std::string& value = column->values[rows[i]];
      auto found = index.find(value);
      if (found == index.end()) {
        if (value.empty()) {
          return absl::InvalidArgumentError(absl::StrCat(
              "column '", factor.column, "', row ", rows[i], ": empty value (a missing level)"));
        }
        return absl::InvalidArgumentError(
            absl::StrCat("column '", factor.column, "', row ", rows[i], ": level '", value,
                         "' did not occur in the rows the model was fitted on"));
      }
      codes[i] = found->second;
    }
    design.codes_.push_back(std::move(codes));
    design.factor_sizes_.push_back(static_cast<int64_t>(factor.levels.size()));
    design.term_names_.push_back(factor.column);
  }
  design.rows_ = std::move(rows);
  return design;
}

void CodedDesign::Fill(int64_t begin, int64_t end, Eigen::Ref<Eigen::MatrixXd> out) const {
  out.col(0).setOnes();
  int64_t col = 1;
  for (const std::vector<double>* values : numeric_) {
    for (int64_t i = begin; i < end; ++i) out(i - begin, col) = (*values)[rows_[i]];
    ++col;
  }
  for (size_t f = 0; f < codes_.size(); ++f) {
    out.middleCols(col, factor_sizes_[f]).setZero();
    const std::vector<int32_t>& codes = codes_[f];
    for (int64_t i = begin; i < end; ++i) {
      if (codes[i] >= 0) out(i - begin, col + codes[i]) = 1;
    }
    col += factor_sizes_[f];
  }
}

Eigen::MatrixXd CodedDesign::Matrix() const {
  Eigen::MatrixXd x(rows(), cols());
  Fill(0, rows(), x);
  return x;
}

std::vector<CodedDesign::Term> CodedDesign::Terms() const {
  std::vector<Term> terms;
  int64_t col = 1;
  for (size_t i = 0; i < numeric_.size(); ++i) terms.push_back({term_names_[i], col++, 1});
  for (size_t f = 0; f < factor_sizes_.size(); ++f) {
    terms.push_back({term_names_[numeric_.size() + f], col, factor_sizes_[f]});
    col += factor_sizes_[f];
  }
  return terms;
}

Eigen::VectorXd ColumnRms(const Eigen::MatrixXd& x) {
  Eigen::VectorXd rms = x.colwise().norm().transpose() / std::sqrt(static_cast<double>(x.rows()));
  for (Eigen::Index j = 0; j < rms.size(); ++j) {
    if (!(rms(j) > 0)) rms(j) = 1;
  }
  return rms;
}

std::string DescribeCollinearity(const Eigen::MatrixXd& x, const std::vector<std::string>& names) {
  // Each column scaled to unit length: the pivots of an unpivoted QR are
  // then the length of each column left outside the span of those before
  // it, comparable across columns of any unit.
  Eigen::MatrixXd scaled = x;
  for (Eigen::Index j = 0; j < scaled.cols(); ++j) {
    const double norm = scaled.col(j).norm();
    if (!(norm > 0)) {
      return absl::StrCat("column '", names[j], "' is zero on every row fitted");
    }
    scaled.col(j) /= norm;
  }
  const Eigen::HouseholderQR<Eigen::MatrixXd> qr(scaled);
  const Eigen::VectorXd pivots = qr.matrixQR().diagonal().cwiseAbs();
  Eigen::Index dependent = 0;
  pivots.minCoeff(&dependent);
  for (Eigen::Index j = 0; j < pivots.size(); ++j) {
    if (pivots(j) < kCollinearityTolerance) {
      dependent = j;
      break;
    }
  }
  if (dependent == 0) return absl::StrCat("column '", names[0], "' is collinear");
  const Eigen::MatrixXd before = scaled.leftCols(dependent);
  const Eigen::VectorXd weights =
      Eigen::ColPivHouseholderQR<Eigen::MatrixXd>(before).solve(scaled.col(dependent));
  std::vector<std::string> partners;
  for (Eigen::Index j = 0; j < weights.size(); ++j) {
    if (std::fabs(weights(j)) > 1e-6) partners.push_back(names[j]);
  }
  return absl::StrCat("column '", names[dependent], "' is collinear with ",
                      absl::StrJoin(partners, ", "),
                      ": on the rows fitted it is a linear combination of them, so their "
                      "effects cannot be told apart (drop one, or merge levels)");
}

}  // namespace pharmacrm::analytics::internal
