#include "domain/channel/stock_reports.h"

#include <string>

#include "absl/strings/str_cat.h"
#include "domain/channel/dates.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::channel {

absl::Status ValidateStockReport(const v1::StockReport& report, const ProductLookup& products,
                                 absl::CivilDay today) {
  ASSIGN_OR_RETURN(absl::CivilDay as_of, ParseDate(report.as_of(), "as_of"));
  if (as_of > today + 1) {
    return core::FieldError("as_of", absl::StrCat(FormatDate(as_of), " is in the future"));
  }
  if (report.lines_size() > kMaxStockLines) {
    return core::FieldError("lines", absl::StrCat("has ", report.lines_size(),
                                                  " lines; at most ", kMaxStockLines));
  }
  for (int i = 0; i < report.lines_size(); ++i) {
    const v1::StockLine& line = report.lines(i);
    const std::string at = absl::StrCat("lines[", i, "].");
    if (line.product_id().empty()) return core::FieldError(at + "product_id", "must be set");
    const v1::Product* product = products(line.product_id());
    if (product == nullptr) {
      return core::FieldStatus(absl::StatusCode::kNotFound, at + "product_id",
                               absl::StrCat("no product ", line.product_id()));
    }
    if (line.batch_no().empty()) return core::FieldError(at + "batch_no", "must be set");
    bool known = false;
    for (const v1::ProductBatch& batch : product->batches()) {
      known = known || batch.batch_no() == line.batch_no();
    }
    if (!known) {
      return core::FieldStatus(
          absl::StatusCode::kNotFound, at + "batch_no",
          absl::StrCat("product ", line.product_id(), " has no batch ", line.batch_no()));
    }
    if (line.quantity() < 0) {
      return core::FieldError(at + "quantity",
                              absl::StrCat(line.quantity(), " is negative; stock is counted ≥ 0"));
    }
    if (line.quantity() > 1'000'000'000) {
      return core::FieldStatus(absl::StatusCode::kOutOfRange, at + "quantity",
                               "is more than 1,000,000,000 packs");
    }
  }
  return absl::OkStatus();
}

v1::StockReport NormalizeStockReport(v1::StockReport report) {
  absl::StatusOr<absl::CivilDay> as_of = ParseDate(report.as_of(), "as_of");
  if (as_of.ok()) report.set_as_of(FormatDate(*as_of));
  return report;
}

}  // namespace pharmacrm::sales_pipeline::channel
