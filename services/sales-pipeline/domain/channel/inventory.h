// Distributor inventory (进销存) per batch and month, computed from sell-in,
// flow and returns and compared with the distributors' stock reports. Pure
// (no I/O) and thread-safe.
//
// ComputePositions gives one StockPosition per distributor × product ×
// batch × month of from..to (both included) in which the position has
// anything to show: an opening, a movement, or a reported quantity other
// than 0. Quantities are packs; months are calendar months of China
// Standard Time dates (dates.h).
//   opening     the previous month's closing (below). For `from`, the
//               quantity of the distributor's last stock report dated
//               before the first day of `from` (0 when that report has no
//               line for the batch), else 0 when there is no such report:
//               movements between that report and `from` are not added.
//   sell_in     lines of the maker's shipments to the distributor
//               (is_return false) shipped in the month, plus the quantities
//               of other distributors' flow rows naming it as a buyer of
//               kind CUSTOMER_KIND_DISTRIBUTOR (from its parent
//               distributor), in the flow file of the month; a negative
//               such row (goods it sent back up) lowers it.
//   flow_out    the sum of the quantities of the rows with a product in
//               its flow file of the month: sales minus sales returns from
//               buyers (rows with quantity < 0). Rows whose buyer is not
//               resolved count: the goods left the warehouse either way.
//               A flow file counts in the month it is filed under
//               (FlowKey.month), whatever its rows' sale dates.
//   returns     lines of is_return shipments from the distributor to the
//               maker shipped in the month.
//   computed_closing  opening + sell_in − flow_out − returns.
//   reported_closing  from the distributor's stock report dated the
//               month's last day, else its latest report dated in the
//               month (of two reports of one day the later in the data). A
//               report is the whole stock: a batch it has no line for was
//               reported as 0; several lines of one batch are added up.
//               has_reported says whether there was a report.
//   difference  reported − computed (0 without a report).
//   closing     the reported closing when there is one, else the computed
//               one; it opens the next month. Stock is thus re-based on
//               every report, and a difference shows in the month it
//               arose only.
//   days_on_hand  max(closing, 0) ÷ (flow_out of the month and the two
//               before it ÷ the days of those months); −1 when that flow
//               is ≤ 0. Months before `from` count with their flow.
//   expires_on  the batch's expiry in the product's catalogue ("" if
//               unknown); near_expiry when the closing is > 0 and the batch
//               expires at most near_expiry_days after the month's last day
//               (expired batches included).
// Records whose dates do not parse are left out. Rows without a product
// are left out (they cannot be placed in a batch); a row without a batch
// counts under batch "".
// Positions are ordered by distributor, product, batch and month.
//
// StockDifferences raises a STOCK_DIFFERENCE finding for each position
// with a report whose |difference| > max(tolerance_packs, tolerance_ratio ×
// |computed_closing|). Its id is FindingId (findings.h) of (kind,
// distributor, product, batch, month, province ""); quantity is the signed
// difference (negative: less stock than the books say) and amount_fen 0
// (positions carry no prices). Evidence: two KIND_STOCK steps, the computed
// closing (ref "<distributor>/<month>/computed") and the reported one (ref
// "<distributor>/<month>/stock-report"), dated the month's last day.
// Severity by |difference| ÷ max(|computed_closing|, 1): HIGH ≥
// high_difference_ratio (0.5), MEDIUM ≥ medium_difference_ratio (0.1), else
// LOW. Summaries name the distributor by `names` (ChannelData.customer_names,
// DisplayName) when given, else by id.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_INVENTORY_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_INVENTORY_H_

#include <cstdint>
#include <vector>

#include "absl/time/civil_time.h"
#include "domain/channel/channel_data.h"
#include "pharmacrm/v1/channel.pb.h"

namespace pharmacrm::sales_pipeline::channel {

struct InventoryRules {
  int near_expiry_days = 180;
  // A difference up to max(tolerance_packs, tolerance_ratio × computed) is
  // counting noise, not a finding.
  int64_t tolerance_packs = 2;
  double tolerance_ratio = 0.01;
  double high_difference_ratio = 0.5;
  double medium_difference_ratio = 0.1;
};

// Empty when from > to.
std::vector<v1::StockPosition> ComputePositions(const ChannelData& data, absl::CivilMonth from,
                                                absl::CivilMonth to, const InventoryRules& rules);

std::vector<v1::Finding> StockDifferences(const std::vector<v1::StockPosition>& positions,
                                          const InventoryRules& rules,
                                          const ChannelData* names = nullptr);

}  // namespace pharmacrm::sales_pipeline::channel

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_INVENTORY_H_
