// Reconciliation (进销存核对) of a distributor's month in one product: do
// sell-in, returns, flow and stock add up, and if not, what may explain
// the gap. Pure (no I/O) and thread-safe.
//
// Reconcile gives one Reconciliation per distributor × product × month of
// from..to that has positions (inventory.h ComputePositions, batches added
// up; positions outside from..to are ignored):
//   opening_stock  the sum of the batches' openings (each the previous
//                  month's reported closing when there was a report, else
//                  its computed one; inventory.h);
//   sell_in, returns  the sums of the batches';
//   flow_out       flow the maker can place: the batches' flow out minus
//                  the quantity of rows whose terminal_id is empty (those
//                  rows are a cause below, not flow);
//   closing_stock  the sum of the batches' closings: reported when there is
//                  a report (closing_reported), else computed;
//   gap            sell_in − returns − flow_out − (closing − opening); 0
//                  when the month balances. By construction it is the
//                  unmatched rows' quantity plus Σ (computed − reported)
//                  over the reported batches.
// Causes, listed only when the gap is not 0 (a balanced month has none),
// each with the quantity of the gap it may explain, in this order:
//   MISSING_FLOW_FILE   no flow file for the distributor and month at all
//                       (no key in ChannelData.flows) while there was
//                       sell-in; quantity: the gap.
//   UNMATCHED_TERMINALS rows of the product in the month's flow file whose
//                       terminal_id is empty; quantity: their sum.
//   RETURNS             returns to the maker in the month; quantity: them.
//   STOCK_REPORT_ERROR  a reported closing differs from the computed one;
//                       quantity: Σ (computed − reported).
// detail is English, detail_zh Simplified Chinese. Results are ordered by
// distributor, product and month.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_RECONCILIATION_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_RECONCILIATION_H_

#include <vector>

#include "absl/time/civil_time.h"
#include "domain/channel/channel_data.h"
#include "pharmacrm/v1/channel.pb.h"

namespace pharmacrm::sales_pipeline::channel {

std::vector<v1::Reconciliation> Reconcile(const ChannelData& data,
                                          const std::vector<v1::StockPosition>& positions,
                                          absl::CivilMonth from, absl::CivilMonth to);

}  // namespace pharmacrm::sales_pipeline::channel

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_RECONCILIATION_H_
