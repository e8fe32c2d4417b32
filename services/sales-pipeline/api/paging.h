// Pages of a list answer by offset (ListFindings, ListAlerts): page_size
// 0..500 (0: 100), page_token the offset a previous page returned.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_API_PAGING_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_API_PAGING_H_

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline {

struct OffsetPage {
  size_t size = 100;
  size_t offset = 0;
};

inline constexpr int32_t kDefaultPageSize = 100;
inline constexpr int32_t kMaxPageSize = 500;

// INVALID_ARGUMENT naming page_size or page_token.
inline absl::StatusOr<OffsetPage> ReadOffsetPage(int32_t page_size, const std::string& page_token) {
  if (page_size < 0 || page_size > kMaxPageSize) {
    return core::FieldError("page_size", absl::StrCat("must be 0..", kMaxPageSize));
  }
  OffsetPage page;
  page.size = static_cast<size_t>(page_size == 0 ? kDefaultPageSize : page_size);
  if (!page_token.empty() && !absl::SimpleAtoi(page_token, &page.offset)) {
    return core::FieldError("page_token", "is not a token this query returned");
  }
  return page;
}

// Hands the page's items of `items` (in their order) to `add`; answers the
// next page's token, or "" after the last.
template <typename T, typename Add>
std::string TakePage(std::vector<T>& items, const OffsetPage& page, Add add) {
  for (size_t i = page.offset; i < items.size() && i < page.offset + page.size; ++i) {
    add(std::move(items[i]));
  }
  return page.offset + page.size < items.size() ? std::to_string(page.offset + page.size) : "";
}

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_API_PAGING_H_
