// Diversion (串货/窜货) found in distributors' flow: goods sold outside the
// provinces they were authorised for, distributors selling outside their
// area, and sales below a province's floor price. Pure (no I/O) and
// thread-safe; the rules read ChannelData (channel_data.h) only.
//
// Which rows are judged. A flow row is a sale when its quantity is > 0
// (returns from buyers, quantity < 0, are not sales and raise nothing), its
// product and terminal are resolved (product_id and terminal_id set) and
// the terminal's province is known (FlowRow.terminal_province, else
// ChannelData.customer_provinces). Other rows are skipped. The seller is
// the distributor whose flow file holds the row.
//
// CROSS_REGION (串货), by batch. Every batch is followed from the maker's
// shipment through the flow (batch_trace.h): the goods carry the provinces
// their shipment line authorised (the consignee account's when the line
// names none), and a sub-distributor that buys them (a row whose
// terminal_kind is CUSTOMER_KIND_DISTRIBUTOR) holds them under the same
// authorisation, at any depth, cycles included. A sale of batch B by
// distributor D to a terminal in a province outside the provinces D's
// holding of B is authorised for is a finding against D, the one who sold
// outside. So:
//   - maker → A (河北省) → terminal in 山东省: a finding against A;
//   - maker → A (河北省) → sub-distributor S in 河北省 → terminal in 河北省:
//     no finding (a lawful sale to a sub-distributor inside the region,
//     and its sale inside the region);
//   - maker → A (河北省) → S in 河北省 → terminal in 山东省: a finding
//     against S whose evidence is the whole chain: the shipment to A, A's
//     row selling to S, S's row selling into 山东省;
//   - A selling to a sub-distributor located outside the region is itself
//     a finding against A (and S's further sales outside are S's).
// The rule judges only goods it can trace to a shipment with a
// restriction; goods whose holding is untraced (no shipment reached it) or
// unrestricted (no authorised provinces anywhere) are left to the next
// rule. Whether a sub-distributor is on its parent's
// authorised_sub_distributors list does not change where goods may go:
// the list names who may buy, the authorisation where goods may be sold.
//
// OUT_OF_AREA_SALE, by account. A sale the batch rule could not judge
// (untraced or unrestricted goods) to a terminal in a province outside the
// seller's account authorised_provinces is a finding against the seller.
// No account, or an account with no authorised provinces, is not checked.
// The goods' own authorisation, when known, decides over the account's
// area: goods the maker authorised for an extra province may be sold
// there. A row is therefore in at most one of CROSS_REGION and
// OUT_OF_AREA_SALE.
//
// LOW_PRICE (低价窜货). A sale whose unit price is below the floor of the
// terminal's province at the sale date is a finding against the seller.
// The floor is that of the product's listing (Product.listings) for the
// province in force at the sale date: the one with the latest
// effective_from on or before the sale date (an empty or unreadable
// effective_from is in force from the start; of two listings of one date
// the later in the catalogue); its floor_price_fen, or its bid_price_fen when
// the floor is 0. No listing in force, a listing whose floor and bid are
// both 0, a unit price of 0 (read as "price not reported") or a sale date
// that does not parse: no check. A row may be both LOW_PRICE and
// CROSS_REGION or OUT_OF_AREA_SALE: those are different wrongs.
//
// One finding per (kind, responsible distributor, product, batch, month of
// the flow file, terminal province), aggregating its rows: quantity and
// amount (quantity × unit price, the sale's value as reported) are sums.
// Its id is FindingId (findings.h) of that key, so the same data gives the
// same ids. State is OPEN; owner and detected_at are left to the caller.
// Evidence, in the order the goods moved:
//   - CROSS_REGION: the chain that brought the batch to the seller (the
//     shipment step, then each sub-distributor sale; batch_trace.h says
//     which chain when there are several), then every offending row;
//   - OUT_OF_AREA_SALE and LOW_PRICE: every offending row.
// Offending rows are listed by sale date, then line. authorised_provinces
// of the finding are the provinces the rule checked: the goods' (the
// seller's holding) for CROSS_REGION, the account's for OUT_OF_AREA_SALE,
// and for LOW_PRICE the goods' when restricted, else the account's.
//
// Severity (thresholds in DiversionRules):
//   HIGH   amount ≥ high_amount_fen (¥50,000), or, for CROSS_REGION, the
//          goods passed through a chain: the seller's depth ≥
//          high_chain_depth (2: the seller is at least a sub-distributor);
//   MEDIUM amount ≥ medium_amount_fen (¥5,000);
//   LOW    otherwise.
//
// Summaries (English, and Simplified Chinese in summary_zh) name parties by
// ChannelData.customer_names, ids where a name is missing, e.g.
//   Batch B2401 of P001 shipped to 华北医药 for 河北省 was sold in 山东省 by
//   鲁南商业 (via 华北医药 → 鲁南商业): 120 packs, ¥14,400.00
//   P001批号B2401发往华北医药（授权河北省），经华北医药 → 鲁南商业，由鲁南商业
//   销往山东省：120盒，金额¥14,400.00
//
// Findings are returned in SortFindings order (findings.h).
//
// Cost: the trace's pass over the rows plus one more, a few hash look-ups
// per row; memory grows with holdings (party × batch), sub-distributor rows
// and offending rows, not with all rows.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_DIVERSION_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_DIVERSION_H_

#include <cstdint>
#include <vector>

#include "domain/channel/channel_data.h"
#include "pharmacrm/v1/channel.pb.h"

namespace pharmacrm::sales_pipeline::channel {

struct DiversionRules {
  bool cross_region = true;
  bool out_of_area = true;
  bool low_price = true;
  int64_t high_amount_fen = 5'000'000;   // ¥50,000
  int64_t medium_amount_fen = 500'000;   // ¥5,000
  int high_chain_depth = 2;
};

std::vector<v1::Finding> DetectDiversion(const ChannelData& data, const DiversionRules& rules);

}  // namespace pharmacrm::sales_pipeline::channel

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_DIVERSION_H_
