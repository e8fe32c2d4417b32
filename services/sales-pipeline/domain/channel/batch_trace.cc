#include "domain/channel/batch_trace.h"

#include <algorithm>
#include <deque>
#include <iterator>
#include <tuple>

#include "domain/channel/findings.h"
#include "pharmacrm/v1/common.pb.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

uint64_t HoldingKey(int32_t holder, int32_t lot) {
  return (static_cast<uint64_t>(static_cast<uint32_t>(holder)) << 32) |
         static_cast<uint32_t>(lot);
}

// The provinces a shipment line's goods are authorised for: its own, else
// the consignee account's.
const google::protobuf::RepeatedPtrField<std::string>* LineAuthorisation(
    const ChannelData& data, const v1::Shipment& shipment, const v1::ShipmentLine& line) {
  if (line.authorised_provinces_size() > 0) return &line.authorised_provinces();
  const v1::DistributorAccount* account = FindAccount(data, shipment.distributor_id());
  return account == nullptr ? nullptr : &account->authorised_provinces();
}

}  // namespace

BatchTrace::BatchTrace(const ChannelData& data) : data_(data) {
  periods_.reserve(data.flows.size());
  for (const Period& period : data.flows) periods_.push_back(&period);
  AddShipments();
  AddSubDistributorSales();
  AssignProvenance();
  PropagateAuthorisation();
  holdings_by_holder_.resize(holder_ids_.size());
  for (size_t h = 0; h < holdings_.size(); ++h) {
    holdings_by_holder_[holdings_[h].holder].push_back(static_cast<int32_t>(h));
  }
}

const v1::FlowRow& BatchTrace::Row(RowRef ref) const {
  return periods_[ref.period]->second[ref.row];
}

int32_t BatchTrace::HolderOf(absl::string_view party_id) const {
  auto it = holders_.find(party_id);
  return it == holders_.end() ? -1 : it->second;
}

int32_t BatchTrace::LotOf(absl::string_view product_id, absl::string_view batch_no) const {
  auto it = lots_.find(std::make_pair(product_id, batch_no));
  return it == lots_.end() ? -1 : it->second;
}

int32_t BatchTrace::ProvinceOf(absl::string_view province) const {
  auto it = provinces_.find(province);
  return it == provinces_.end() ? -1 : it->second;
}

int32_t BatchTrace::HoldingOf(int32_t holder, int32_t lot) const {
  if (holder < 0 || lot < 0) return -1;
  auto it = holding_index_.find(HoldingKey(holder, lot));
  return it == holding_index_.end() ? -1 : it->second;
}

const std::vector<int32_t>& BatchTrace::HoldingsOfHolder(int32_t holder) const {
  static const auto* const kNone = new std::vector<int32_t>();
  return holder < 0 ? *kNone : holdings_by_holder_[holder];
}

std::pair<absl::string_view, absl::string_view> BatchTrace::LotOfHolding(int32_t holding) const {
  return lot_names_[holdings_[holding].lot];
}

BatchTrace::Authorisation BatchTrace::AuthorisationOf(int32_t holding) const {
  const Holding& h = holdings_[holding];
  if (h.depth == 0) return Authorisation::kUntraced;
  return h.unrestricted ? Authorisation::kUnrestricted : Authorisation::kRestricted;
}

bool BatchTrace::Authorises(int32_t holding, int32_t province) const {
  if (province < 0) return false;
  const std::vector<int32_t>& set = holdings_[holding].provinces;
  return std::binary_search(set.begin(), set.end(), province);
}

std::vector<std::string> BatchTrace::AuthorisedProvinces(int32_t holding) const {
  std::vector<std::string> names;
  for (int32_t p : holdings_[holding].provinces) names.emplace_back(province_names_[p]);
  return names;
}

int BatchTrace::Depth(int32_t holding) const { return holdings_[holding].depth; }

std::vector<v1::EvidenceStep> BatchTrace::Provenance(int32_t holding) const {
  std::vector<v1::EvidenceStep> steps;
  if (holdings_[holding].depth == 0) return steps;
  int32_t current = holding;
  // Sources point to strictly shallower holdings; the bound is a guard.
  for (size_t guard = 0; guard <= holdings_.size(); ++guard) {
    const Source& source = holdings_[current].source;
    if (source.from_holding < 0) break;
    const Period& period = *periods_[source.row.period];
    steps.push_back(FlowRowStep(data_, period.first.distributor_id, period.first.month,
                                Row(source.row), AuthorisedProvinces(source.from_holding)));
    current = source.from_holding;
  }
  const Source& root = holdings_[current].source;
  const v1::Shipment& shipment = data_.shipments[root.shipment];
  const v1::ShipmentLine& line = shipment.lines(root.line);
  v1::EvidenceStep step;
  step.set_kind(v1::EvidenceStep::KIND_SHIPMENT);
  step.set_ref(shipment.id());
  step.set_buyer_id(shipment.distributor_id());
  step.set_date(shipment.ship_date());
  step.set_province(std::string(CustomerProvince(data_, shipment.distributor_id())));
  step.set_product_id(line.product_id());
  step.set_batch_no(line.batch_no());
  step.set_quantity(line.quantity());
  step.set_unit_price_fen(line.unit_price_fen() != 0
                              ? line.unit_price_fen()
                              : ChannelSupplyPrice(data_, shipment.distributor_id(),
                                                   line.product_id()));
  if (const auto* provinces = LineAuthorisation(data_, shipment, line); provinces != nullptr) {
    for (const std::string& p : *provinces) step.add_authorised_provinces(p);
  }
  steps.push_back(std::move(step));
  std::reverse(steps.begin(), steps.end());
  return steps;
}

std::vector<std::string> BatchTrace::HolderPath(int32_t holding) const {
  std::vector<std::string> path;
  if (holdings_[holding].depth == 0) return path;
  int32_t current = holding;
  for (size_t guard = 0; guard <= holdings_.size() && current >= 0; ++guard) {
    path.emplace_back(holder_ids_[holdings_[current].holder]);
    current = holdings_[current].source.from_holding;
  }
  std::reverse(path.begin(), path.end());
  return path;
}

int32_t BatchTrace::InternHolder(absl::string_view party_id) {
  auto [it, inserted] = holders_.try_emplace(party_id, static_cast<int32_t>(holder_ids_.size()));
  if (inserted) holder_ids_.push_back(party_id);
  return it->second;
}

int32_t BatchTrace::InternLot(absl::string_view product_id, absl::string_view batch_no) {
  auto [it, inserted] = lots_.try_emplace(std::make_pair(product_id, batch_no),
                                          static_cast<int32_t>(lot_names_.size()));
  if (inserted) lot_names_.emplace_back(product_id, batch_no);
  return it->second;
}

int32_t BatchTrace::InternProvince(absl::string_view province) {
  auto [it, inserted] =
      provinces_.try_emplace(province, static_cast<int32_t>(province_names_.size()));
  if (inserted) province_names_.push_back(province);
  return it->second;
}

int32_t BatchTrace::InternHolding(int32_t holder, int32_t lot) {
  auto [it, inserted] =
      holding_index_.try_emplace(HoldingKey(holder, lot), static_cast<int32_t>(holdings_.size()));
  if (inserted) {
    Holding h;
    h.holder = holder;
    h.lot = lot;
    holdings_.push_back(std::move(h));
  }
  return it->second;
}

std::vector<int32_t> BatchTrace::LineProvinces(const v1::Shipment& shipment,
                                               const v1::ShipmentLine& line, bool* unrestricted) {
  std::vector<int32_t> ids;
  if (const auto* provinces = LineAuthorisation(data_, shipment, line); provinces != nullptr) {
    for (const std::string& p : *provinces) {
      if (!p.empty()) ids.push_back(InternProvince(p));
    }
  }
  std::sort(ids.begin(), ids.end());
  ids.erase(std::unique(ids.begin(), ids.end()), ids.end());
  *unrestricted = ids.empty();
  return ids;
}

bool BatchTrace::EarlierRow(RowRef a, RowRef b) const {
  const v1::FlowRow& ra = Row(a);
  const v1::FlowRow& rb = Row(b);
  return std::forward_as_tuple(ra.sale_date(), a.period, ra.line(), a.row) <
         std::forward_as_tuple(rb.sale_date(), b.period, rb.line(), b.row);
}

bool BatchTrace::EarlierLine(const Source& a, const Source& b) const {
  const v1::Shipment& sa = data_.shipments[a.shipment];
  const v1::Shipment& sb = data_.shipments[b.shipment];
  return std::forward_as_tuple(sa.ship_date(), sa.id(), a.line, a.shipment) <
         std::forward_as_tuple(sb.ship_date(), sb.id(), b.line, b.shipment);
}

void BatchTrace::AddShipments() {
  for (size_t s = 0; s < data_.shipments.size(); ++s) {
    const v1::Shipment& shipment = data_.shipments[s];
    if (shipment.is_return() || shipment.distributor_id().empty()) continue;
    const int32_t holder = InternHolder(shipment.distributor_id());
    for (int l = 0; l < shipment.lines_size(); ++l) {
      const v1::ShipmentLine& line = shipment.lines(l);
      if (line.product_id().empty()) continue;
      bool unrestricted = false;
      std::vector<int32_t> provinces = LineProvinces(shipment, line, &unrestricted);
      const int32_t index = InternHolding(holder, InternLot(line.product_id(), line.batch_no()));
      Holding& h = holdings_[index];
      std::vector<int32_t> merged;
      std::set_union(h.provinces.begin(), h.provinces.end(), provinces.begin(), provinces.end(),
                     std::back_inserter(merged));
      h.provinces = std::move(merged);
      h.unrestricted = h.unrestricted || unrestricted;
      h.depth = 1;
      Source candidate;
      candidate.shipment = static_cast<int32_t>(s);
      candidate.line = l;
      if (h.source.shipment < 0 || EarlierLine(candidate, h.source)) h.source = candidate;
    }
  }
}

void BatchTrace::AddSubDistributorSales() {
  for (size_t p = 0; p < periods_.size(); ++p) {
    const std::string& seller = periods_[p]->first.distributor_id;
    const std::vector<v1::FlowRow>& rows = periods_[p]->second;
    for (size_t r = 0; r < rows.size(); ++r) {
      const v1::FlowRow& row = rows[r];
      if (row.quantity() <= 0 || row.terminal_kind() != v1::CUSTOMER_KIND_DISTRIBUTOR ||
          row.terminal_id().empty() || row.terminal_id() == seller || row.product_id().empty()) {
        continue;
      }
      const int32_t lot = InternLot(row.product_id(), row.batch_no());
      const int32_t from = InternHolding(InternHolder(seller), lot);
      const int32_t to = InternHolding(InternHolder(row.terminal_id()), lot);
      edges_.push_back({from, to, {static_cast<int32_t>(p), static_cast<int32_t>(r)}});
    }
  }
  std::stable_sort(edges_.begin(), edges_.end(),
                   [](const Edge& a, const Edge& b) { return a.from < b.from; });
  edges_from_.assign(holdings_.size() + 1, 0);
  for (const Edge& e : edges_) ++edges_from_[e.from + 1];
  for (size_t h = 0; h < holdings_.size(); ++h) edges_from_[h + 1] += edges_from_[h];
}

void BatchTrace::AssignProvenance() {
  // Breadth first from the shipments' consignees: a holding's depth is its
  // shortest chain; among the rows that reach it at that depth the
  // earliest (EarlierRow) is its source, whatever order they are met in.
  std::vector<int32_t> frontier;
  for (size_t h = 0; h < holdings_.size(); ++h) {
    if (holdings_[h].depth == 1) frontier.push_back(static_cast<int32_t>(h));
  }
  std::vector<int32_t> next;
  for (int depth = 1; !frontier.empty(); ++depth) {
    next.clear();
    for (int32_t u : frontier) {
      for (int32_t e = edges_from_[u]; e < edges_from_[u + 1]; ++e) {
        Holding& v = holdings_[edges_[e].to];
        if (v.depth == 0) {
          v.depth = depth + 1;
          v.source.from_holding = u;
          v.source.row = edges_[e].row;
          next.push_back(edges_[e].to);
        } else if (v.depth == depth + 1 && EarlierRow(edges_[e].row, v.source.row)) {
          v.source.from_holding = u;
          v.source.row = edges_[e].row;
        }
      }
    }
    frontier.swap(next);
  }
}

void BatchTrace::PropagateAuthorisation() {
  // Sets only grow, so a holding is queued again only when its set or its
  // unrestricted flag changed: cycles end.
  std::deque<int32_t> queue;
  std::vector<char> queued(holdings_.size(), 0);
  for (size_t h = 0; h < holdings_.size(); ++h) {
    if (holdings_[h].depth == 1) {
      queue.push_back(static_cast<int32_t>(h));
      queued[h] = 1;
    }
  }
  std::vector<int32_t> merged;
  while (!queue.empty()) {
    const int32_t u = queue.front();
    queue.pop_front();
    queued[u] = 0;
    for (int32_t e = edges_from_[u]; e < edges_from_[u + 1]; ++e) {
      const int32_t v = edges_[e].to;
      if (v == u) continue;
      const Holding& from = holdings_[u];
      Holding& to = holdings_[v];
      bool changed = false;
      if (from.unrestricted && !to.unrestricted) {
        to.unrestricted = true;
        changed = true;
      }
      merged.clear();
      std::set_union(to.provinces.begin(), to.provinces.end(), from.provinces.begin(),
                     from.provinces.end(), std::back_inserter(merged));
      if (merged.size() != to.provinces.size()) {
        to.provinces = merged;
        changed = true;
      }
      if (changed && !queued[v]) {
        queue.push_back(v);
        queued[v] = 1;
      }
    }
  }
}

}  // namespace pharmacrm::sales_pipeline::channel
