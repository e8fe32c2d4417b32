#include "pharmacrm/analytics/columns.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace pharmacrm::analytics {

const NumericColumn* Table::FindNumeric(absl::string_view name) const {
  for (const NumericColumn& column : numeric) {
    if (column.name == name) return &column;
  }
  return nullptr;
}

const CategoricalColumn* Table::FindCategorical(absl::string_view name) const {
  for (const CategoricalColumn& column : categorical) {
    if (column.name == name) return &column;
  }
  return nullptr;
}

std::vector<std::string> DesignLayout::ColumnNames() const {
  std::vector<std::string> names;
  names.reserve(ColumnCount());
  names.emplace_back(kIntercept);
  for (const std::string& name : numeric) names.push_back(name);
  for (const FactorLevels& factor : factors) {
    for (const std::string& level : factor.levels) {
      names.push_back(absl::StrCat(factor.column, "=", level));
    }
  }
  return names;
}

int64_t DesignLayout::ColumnCount() const {
  int64_t count = 1 + static_cast<int64_t>(numeric.size());
  for (const FactorLevels& factor : factors) count += static_cast<int64_t>(factor.levels.size());
  return count;
}

}  // namespace pharmacrm::analytics
