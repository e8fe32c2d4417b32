// The data the relation models are fitted on: named columns of equal length,
// one row per observation (a hospital-month, a customer), and how regressors
// are chosen from them. Numeric columns enter a model as they are;
// categorical columns (hospital class 三级/二级/一级, doctor class A/B/C)
// enter as fixed effects: one 0/1 dummy per level other than a baseline
// level, so each dummy's coefficient is that level's difference from the
// baseline, the other regressors held equal (docs/ANALYTICS.md).
//
// Rows are addressed by their 0-based index in the table; error messages
// name the column and that index ("column 'visits', row 17: NaN").
//
// Thread safety: plain values; const access may be shared between threads.
#ifndef PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_COLUMNS_H_
#define PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_COLUMNS_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"

namespace pharmacrm::analytics {

struct NumericColumn {
  std::string name;
  std::vector<double> values;
};

// Levels are compared as bytes (UTF-8), verbatim: "三级" and "三级 " are
// different levels. An empty value is a missing one, which is refused.
struct CategoricalColumn {
  std::string name;
  std::vector<std::string> values;
};

// Every column must have the same number of rows, and names must be unique
// across both kinds (the models check both and name the offending column).
struct Table {
  std::vector<NumericColumn> numeric;
  std::vector<CategoricalColumn> categorical;

  // The column of that name, or null.
  const NumericColumn* FindNumeric(absl::string_view name) const;
  const CategoricalColumn* FindCategorical(absl::string_view name) const;
};

// A categorical regressor expanded into fixed effects.
struct Factor {
  std::string column;
  // The level the others are compared with. Empty: the first level in byte
  // order (as patsy, and so statsmodels' formulas, choose it). A stated
  // baseline must occur in the rows fitted.
  std::string baseline;
};

// The right-hand side of a model: an intercept is always included, then the
// numeric columns in the order given, then each factor's dummies.
struct Regressors {
  std::vector<std::string> numeric;
  std::vector<Factor> factors;
};

// How a factor was expanded for a fit: one dummy per level in `levels`,
// named "<column>=<level>", 1 on the rows of that level. The baseline has
// no dummy: its rows are the ones with every dummy 0.
struct FactorLevels {
  std::string column;
  std::string baseline;
  std::vector<std::string> levels;  // the other levels, in byte order
};

// The columns of a fitted model's design matrix, kept with the result so
// new rows can be predicted with exactly the same expansion.
struct DesignLayout {
  std::vector<std::string> numeric;
  std::vector<FactorLevels> factors;

  // "intercept", then the numeric names, then "<column>=<level>" per dummy.
  std::vector<std::string> ColumnNames() const;
  int64_t ColumnCount() const;
};

// The name of the intercept's column and coefficient.
inline constexpr absl::string_view kIntercept = "intercept";

}  // namespace pharmacrm::analytics

#endif  // PHARMACRM_LIBS_ANALYTICS_INCLUDE_PHARMACRM_ANALYTICS_COLUMNS_H_
