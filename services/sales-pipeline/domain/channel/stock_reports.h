// Checking a distributor's stock report before it is stored. Pure and
// thread-safe.
//
// ValidateStockReport, each error naming its field:
//   as_of              a date (YYYY-MM-DD), at most 1 day after `today`
//                      (China Standard Time, as for shipments).
//   lines              at most kMaxStockLines; none is a report of no stock.
//   lines[i].product_id  required; a product of the catalogue (NOT_FOUND).
//   lines[i].batch_no  required; a batch of that product (NOT_FOUND).
//   lines[i].quantity  ≥ 0 packs (a count of stock cannot be negative) and
//                      at most 10^9.
// NormalizeStockReport writes as_of as YYYY-MM-DD (for a report
// ValidateStockReport accepted).
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_STOCK_REPORTS_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_STOCK_REPORTS_H_

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "domain/channel/credit.h"
#include "pharmacrm/v1/channel.pb.h"

namespace pharmacrm::sales_pipeline::channel {

inline constexpr int kMaxStockLines = 10'000;

absl::Status ValidateStockReport(const v1::StockReport& report, const ProductLookup& products,
                                 absl::CivilDay today);

v1::StockReport NormalizeStockReport(v1::StockReport report);

}  // namespace pharmacrm::sales_pipeline::channel

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_STOCK_REPORTS_H_
