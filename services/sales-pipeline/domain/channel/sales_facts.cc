#include "domain/channel/sales_facts.h"

#include <algorithm>
#include <cstdint>
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

// Sums by a pair of ids (customer or distributor, product). Each id is
// numbered when first seen and the sums kept by the pair of numbers, so a
// row costs small hash look-ups and no string comparison; the distinct ids
// are sorted once at the end and the sums ordered by their ranks, which is
// the order of the pairs of ids.
class PairSums {
 public:
  Sum& At(absl::string_view first, absl::string_view second) {
    return sums_[(uint64_t{firsts_.Number(first)} << 32) | seconds_.Number(second)];
  }

  size_t size() const { return sums_.size(); }

  // f(first, second, sum) for every pair, ordered by (first, second).
  template <typename F>
  void ForEachOrdered(F&& f) const {
    const Ranked first = firsts_.Rank();
    const Ranked second = seconds_.Rank();
    std::vector<std::pair<uint64_t, const Sum*>> ordered;
    ordered.reserve(sums_.size());
    for (const auto& [key, sum] : sums_) {
      ordered.emplace_back(
          (uint64_t{first.rank[key >> 32]} << 32) | second.rank[key & 0xFFFFFFFFu], &sum);
    }
    std::sort(ordered.begin(), ordered.end(),
              [](const auto& a, const auto& b) { return a.first < b.first; });
    for (const auto& [key, sum] : ordered) {
      f(first.names[key >> 32], second.names[key & 0xFFFFFFFFu], *sum);
    }
  }

 private:
  struct Ranked {
    std::vector<uint32_t> rank;             // by number
    std::vector<absl::string_view> names;  // by rank
  };
  class Ids {
   public:
    uint32_t Number(absl::string_view id) {
      auto [it, inserted] = numbers_.try_emplace(id, static_cast<uint32_t>(ids_.size()));
      if (inserted) ids_.push_back(id);
      return it->second;
    }
    Ranked Rank() const {
      std::vector<uint32_t> order(ids_.size());
      for (uint32_t i = 0; i < order.size(); ++i) order[i] = i;
      std::sort(order.begin(), order.end(), [this](uint32_t a, uint32_t b) { return ids_[a] < ids_[b]; });
      Ranked ranked{std::vector<uint32_t>(ids_.size()), {}};
      ranked.names.reserve(ids_.size());
      for (uint32_t r = 0; r < order.size(); ++r) {
        ranked.rank[order[r]] = r;
        ranked.names.push_back(ids_[order[r]]);
      }
      return ranked;
    }

   private:
    absl::flat_hash_map<absl::string_view, uint32_t> numbers_;
    std::vector<absl::string_view> ids_;  // by number
  };

  Ids firsts_, seconds_;
  absl::flat_hash_map<uint64_t, Sum> sums_;
};

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
  PairSums sums;
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
    Sum& sum = sums.At(row.terminal_id(), row.product_id());
    sum.quantity += row.quantity();
    sum.amount_fen += row.quantity() * price->second;
  }
  const std::string month_text = FormatMonth(month);
  const std::string distributor(distributor_id);
  result.facts.reserve(sums.size());
  sums.ForEachOrdered([&](absl::string_view customer, absl::string_view product, const Sum& sum) {
    result.facts.push_back(Fact(std::string(customer), std::string(product), month_text,
                                v1::SALES_FACT_SOURCE_FLOW, distributor, sum));
  });
  return result;
}

std::vector<v1::SalesFact> SellInFacts(const std::vector<v1::Shipment>& shipments,
                                       absl::CivilMonth month, SupplyPriceLookup supply_price) {
  PairSums sums;
  for (const v1::Shipment& shipment : shipments) {
    absl::StatusOr<absl::CivilDay> day = ParseDate(shipment.ship_date(), "ship_date");
    if (!day.ok() || absl::CivilMonth(*day) != month) continue;
    const int64_t sign = shipment.is_return() ? -1 : 1;
    for (const v1::ShipmentLine& line : shipment.lines()) {
      const int64_t price = line.unit_price_fen() != 0
                                ? line.unit_price_fen()
                                : supply_price(shipment.distributor_id(), line.product_id());
      Sum& sum = sums.At(shipment.distributor_id(), line.product_id());
      sum.quantity += sign * line.quantity();
      sum.amount_fen += sign * line.quantity() * price;
    }
  }
  const std::string month_text = FormatMonth(month);
  std::vector<v1::SalesFact> facts;
  facts.reserve(sums.size());
  sums.ForEachOrdered([&](absl::string_view distributor_id, absl::string_view product,
                          const Sum& sum) {
    const std::string distributor(distributor_id);
    facts.push_back(Fact(distributor, std::string(product), month_text,
                         v1::SALES_FACT_SOURCE_SELL_IN, distributor, sum));
  });
  return facts;
}

}  // namespace pharmacrm::sales_pipeline::channel
