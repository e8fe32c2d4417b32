// Monthly sales facts (SalesFact) that later modules read: what each
// terminal bought through the flow, and what each distributor bought from
// the maker. Pure (no I/O) and thread-safe.
//
// FlowFacts, from one distributor's flow file of one month: one fact per
// terminal customer × product, source FLOW, distributor_id the
// distributor, quantity the sum of the rows' quantities (sales returns,
// quantity < 0, net out; a fact may thus be 0), amount_fen the sum of
// quantity × the supply price the distributor pays the maker for the
// product (what the maker earns; 0 when the look-up knows no price).
// Rows are left out, and counted, when:
//   - unresolved: terminal_id or product_id is empty (they wait in the
//     terminal worklist and come in when the file is loaded again);
//   - sold to a sub-distributor (terminal_kind CUSTOMER_KIND_DISTRIBUTOR):
//     not a terminal's purchase; the sub-distributor's own flow gives its
//     terminals' facts, and counting both would count the goods twice.
// Facts are ordered by customer and product.
//
// SellInFacts: one fact per distributor × product for the maker's
// shipments dated in the month (customer_id and distributor_id the
// consignee, source SELL_IN): quantity shipped minus quantity returned
// (is_return shipments), amount at each line's unit price, or the supply
// price from the look-up when the line's is 0. Shipments whose date does
// not parse are left out. Facts are ordered by distributor and product.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_SALES_FACTS_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_SALES_FACTS_H_

#include <cstdint>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "pharmacrm/v1/channel.pb.h"

namespace pharmacrm::sales_pipeline::channel {

// The supply price per pack `distributor_id` pays for `product_id`; 0 when
// unknown. ChannelSupplyPrice (channel_data.h) answers it from ChannelData.
using SupplyPriceLookup =
    absl::FunctionRef<int64_t(absl::string_view distributor_id, absl::string_view product_id)>;

struct FlowSalesFacts {
  std::vector<v1::SalesFact> facts;
  int64_t unresolved_rows = 0;
  int64_t unresolved_quantity = 0;
  int64_t sub_distributor_rows = 0;
  int64_t sub_distributor_quantity = 0;
};

FlowSalesFacts FlowFacts(absl::string_view distributor_id, absl::CivilMonth month,
                         const std::vector<v1::FlowRow>& rows, SupplyPriceLookup supply_price);

std::vector<v1::SalesFact> SellInFacts(const std::vector<v1::Shipment>& shipments,
                                       absl::CivilMonth month, SupplyPriceLookup supply_price);

}  // namespace pharmacrm::sales_pipeline::channel

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_SALES_FACTS_H_
