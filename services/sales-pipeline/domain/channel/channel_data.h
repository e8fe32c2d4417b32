// The distributor channel's records as the pure channel rules read them
// (diversion.h, inventory.h, reconciliation.h, sales_facts.h): plain
// in-memory data, filled by the caller from storage or from a test.
//
// Sizes: built for tens of millions of flow rows. The rules never scan
// the rows more than a small, fixed number of times and keep only
// integer indexes beside them (by batch, by holder, by province); the rows
// are not copied. The struct is a value: the rules take it by const
// reference and never change it, so one ChannelData may be read by many
// threads at once.
//
// Conventions are those of proto/pharmacrm/v1/channel.proto: money in fen,
// quantities in packs, dates "YYYY-MM-DD", months "YYYY-MM", provinces by
// their full names ("河北省").
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_CHANNEL_DATA_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_CHANNEL_DATA_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "pharmacrm/v1/channel.pb.h"

namespace pharmacrm::sales_pipeline::channel {

// One distributor's flow file for one month (a v1::FlowPeriod's rows).
struct FlowKey {
  std::string distributor_id;
  absl::CivilMonth month;

  friend bool operator==(const FlowKey& a, const FlowKey& b) {
    return a.distributor_id == b.distributor_id && a.month == b.month;
  }
  friend bool operator<(const FlowKey& a, const FlowKey& b) {
    if (a.distributor_id != b.distributor_id) return a.distributor_id < b.distributor_id;
    return a.month < b.month;
  }
};

struct ChannelData {
  // The maker's terms with each distributor, by distributor id.
  absl::flat_hash_map<std::string, v1::DistributorAccount> accounts;
  // The catalogue by product id: listings (floor and bid prices per
  // province), channel supply prices, batches with their expiry.
  absl::flat_hash_map<std::string, v1::Product> products;
  // Sell-in: the maker's shipments, returns (is_return) included.
  std::vector<v1::Shipment> shipments;
  // Flow rows by (distributor, month), as resolved: product_id,
  // terminal_id ("" while unresolved), terminal_kind
  // (CUSTOMER_KIND_DISTRIBUTOR for a sub-distributor) and
  // terminal_province. A key present with no rows is a loaded, empty flow
  // file; a missing key is a month without a flow file.
  absl::btree_map<FlowKey, std::vector<v1::FlowRow>> flows;
  // Distributors' stock reports (the stock at the end of as_of).
  std::vector<v1::StockReport> stock_reports;
  // The province of each customer id (distributors and terminals), used
  // when a flow row carries no terminal_province and for the province of a
  // shipment's consignee.
  absl::flat_hash_map<std::string, std::string> customer_provinces;
  // Optional display names by customer id for summaries; ids are shown
  // where a name is missing.
  absl::flat_hash_map<std::string, std::string> customer_names;
};

// The account of `distributor_id`, or nullptr.
const v1::DistributorAccount* FindAccount(const ChannelData& data,
                                          absl::string_view distributor_id);
// The product `product_id`, or nullptr.
const v1::Product* FindProduct(const ChannelData& data, absl::string_view product_id);

// The row's terminal_province, else the province customer_provinces holds
// for its terminal_id, else "".
absl::string_view TerminalProvince(const ChannelData& data, const v1::FlowRow& row);
// customer_provinces[customer_id] or "".
absl::string_view CustomerProvince(const ChannelData& data, absl::string_view customer_id);
// customer_names[customer_id], else the id itself.
absl::string_view DisplayName(const ChannelData& data, absl::string_view customer_id);

// A flow row's reference in evidence: "<distributor>/<YYYY-MM>#<line>".
std::string FlowRowRef(absl::string_view distributor_id, absl::CivilMonth month, int64_t line);

// The supply price per pack the account's channel pays for the product
// (Product.channel_prices with channel == account.channel); 0 when the
// account, the product or the price is unknown.
int64_t ChannelSupplyPrice(const ChannelData& data, absl::string_view distributor_id,
                           absl::string_view product_id);

}  // namespace pharmacrm::sales_pipeline::channel

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_CHANNEL_DATA_H_
