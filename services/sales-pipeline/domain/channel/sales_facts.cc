#include "domain/channel/sales_facts.h"

#include <algorithm>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "domain/channel/dates.h"
#include "pharmacrm/v1/common.pb.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

struct Sum {
  int64_t quantity = 0;
  int64_t amount_fen = 0;
};

// Sums by a pair of ids, gathered in a hash map (a row costs one hash and no
// string comparison) and read back ordered by the pair once at the end.
using SumKey = std::pair<absl::string_view, absl::string_view>;
using Sums = absl::flat_hash_map<SumKey, Sum>;

std::vector<const Sums::value_type*> Ordered(const Sums& sums) {
  std::vector<const Sums::value_type*> ordered;
  ordered.reserve(sums.size());
  for (const Sums::value_type& entry : sums) ordered.push_back(&entry);
  std::sort(ordered.begin(), ordered.end(),
            [](const Sums::value_type* a, const Sums::value_type* b) { return a->first < b->first; });
  return ordered;
}

v1::SalesFact Fact(const std::string& customer_id, const std::string& product_id,
                   const std::string& month, v1::SalesFactSource source,
                   const std::string& distributor_id, const Sum& sum) {
  v1::SalesFact fact;
  fact.set_customer_id(customer_id);
  fact.set_product_id(product_id);
  fact.set_month(month);
  fact.set_source(source);
  fact.set_distributor_id(distributor_id);
  fact.set_quantity(sum.quantity);
  fact.set_amount_fen(sum.amount_fen);
  return fact;
}

}  // namespace

FlowSalesFacts FlowFacts(absl::string_view distributor_id, absl::CivilMonth month,
                         const std::vector<v1::FlowRow>& rows, SupplyPriceLookup supply_price) {
  FlowSalesFacts result;
  absl::flat_hash_map<absl::string_view, int64_t> prices;  // by product, asked once each
  Sums sums;
  for (const v1::FlowRow& row : rows) {
    if (row.terminal_id().empty() || row.product_id().empty()) {
      ++result.unresolved_rows;
      result.unresolved_quantity += row.quantity();
      continue;
    }
    if (row.terminal_kind() == v1::CUSTOMER_KIND_DISTRIBUTOR) {
      ++result.sub_distributor_rows;
      result.sub_distributor_quantity += row.quantity();
      continue;
    }
    auto [price, inserted] = prices.try_emplace(row.product_id(), 0);
    if (inserted) price->second = supply_price(distributor_id, row.product_id());
    Sum& sum = sums[{row.terminal_id(), row.product_id()}];
    sum.quantity += row.quantity();
    sum.amount_fen += row.quantity() * price->second;
  }
  const std::string month_text = FormatMonth(month);
  const std::string distributor(distributor_id);
  result.facts.reserve(sums.size());
  for (const Sums::value_type* entry : Ordered(sums)) {
    const auto& [key, sum] = *entry;
    result.facts.push_back(Fact(std::string(key.first), std::string(key.second), month_text,
                                v1::SALES_FACT_SOURCE_FLOW, distributor, sum));
  }
  return result;
}

std::vector<v1::SalesFact> SellInFacts(const std::vector<v1::Shipment>& shipments,
                                       absl::CivilMonth month, SupplyPriceLookup supply_price) {
  Sums sums;
  for (const v1::Shipment& shipment : shipments) {
    absl::StatusOr<absl::CivilDay> day = ParseDate(shipment.ship_date(), "ship_date");
    if (!day.ok() || absl::CivilMonth(*day) != month) continue;
    const int64_t sign = shipment.is_return() ? -1 : 1;
    for (const v1::ShipmentLine& line : shipment.lines()) {
      const int64_t price = line.unit_price_fen() != 0
                                ? line.unit_price_fen()
                                : supply_price(shipment.distributor_id(), line.product_id());
      Sum& sum = sums[{shipment.distributor_id(), line.product_id()}];
      sum.quantity += sign * line.quantity();
      sum.amount_fen += sign * line.quantity() * price;
    }
  }
  const std::string month_text = FormatMonth(month);
  std::vector<v1::SalesFact> facts;
  facts.reserve(sums.size());
  for (const Sums::value_type* entry : Ordered(sums)) {
    const auto& [key, sum] = *entry;
    const std::string distributor(key.first);
    facts.push_back(Fact(distributor, std::string(key.second), month_text,
                         v1::SALES_FACT_SOURCE_SELL_IN, distributor, sum));
  }
  return facts;
}

}  // namespace pharmacrm::sales_pipeline::channel
