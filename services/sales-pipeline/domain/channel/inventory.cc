#include "domain/channel/inventory.h"

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <string>
#include <tuple>
#include <utility>

#include "absl/container/btree_map.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "domain/channel/dates.h"
#include "domain/channel/findings.h"
#include "pharmacrm/v1/common.pb.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

// (distributor, product, batch).
using BatchKey = std::tuple<std::string, std::string, std::string>;
using LotView = std::pair<absl::string_view, absl::string_view>;

struct Moves {
  int64_t sell_in = 0;
  int64_t flow_out = 0;
  int64_t returns = 0;
};

// Quantities by (product, batch) of one stock report.
using ReportLines = absl::flat_hash_map<std::pair<std::string, std::string>, int64_t>;

// One distributor's reports that matter for from..to.
struct DistributorReports {
  const v1::StockReport* opening = nullptr;
  std::vector<const v1::StockReport*> months;  // by month - from; nullptr: none
};

class Ledger {
 public:
  Ledger(const ChannelData& data, absl::CivilMonth from, absl::CivilMonth to)
      : data_(data), from_(from), to_(to), first_(from - 2) {
    for (absl::CivilMonth m = from; m <= to; ++m) {
      month_names_.push_back(FormatMonth(m));
      month_ends_.push_back(absl::CivilDay(m + 1) - 1);
      window_days_.push_back(DaysInMonth(m - 2) + DaysInMonth(m - 1) + DaysInMonth(m));
    }
  }

  std::vector<v1::StockPosition> Positions(const InventoryRules& rules) {
    AddShipments();
    AddFlow();
    AddReports();
    std::vector<v1::StockPosition> positions;
    for (const auto& [key, moves] : tracks_) AddPositions(key, moves, rules, &positions);
    return positions;
  }

 private:
  // The month's slot of a batch, or nullptr outside first_..to_.
  Moves* Slot(const BatchKey& key, absl::CivilMonth month) {
    if (month < first_ || month > to_) return nullptr;
    std::vector<Moves>& moves = tracks_[key];
    if (moves.empty()) moves.resize(static_cast<size_t>(to_ - first_ + 1));
    return &moves[static_cast<size_t>(month - first_)];
  }

  void AddShipments() {
    for (const v1::Shipment& shipment : data_.shipments) {
      absl::StatusOr<absl::CivilDay> day = ParseDate(shipment.ship_date(), "ship_date");
      if (!day.ok() || absl::CivilMonth(*day) < from_) continue;
      for (const v1::ShipmentLine& line : shipment.lines()) {
        Moves* slot = Slot(BatchKey(shipment.distributor_id(), line.product_id(), line.batch_no()),
                           absl::CivilMonth(*day));
        if (slot == nullptr) continue;
        (shipment.is_return() ? slot->returns : slot->sell_in) += line.quantity();
      }
    }
  }

  void AddFlow() {
    // Summed per flow file first, so the ledger sees each batch of a file
    // once however many rows it has.
    absl::flat_hash_map<LotView, int64_t> out;
    absl::flat_hash_map<std::tuple<absl::string_view, absl::string_view, absl::string_view>,
                        int64_t>
        bought;
    for (const auto& [key, rows] : data_.flows) {
      if (key.month < first_ || key.month > to_) continue;
      out.clear();
      bought.clear();
      const bool in_range = key.month >= from_;
      for (const v1::FlowRow& row : rows) {
        if (row.product_id().empty()) continue;
        out[LotView(row.product_id(), row.batch_no())] += row.quantity();
        if (in_range && row.terminal_kind() == v1::CUSTOMER_KIND_DISTRIBUTOR &&
            !row.terminal_id().empty() && row.terminal_id() != key.distributor_id) {
          bought[{row.terminal_id(), row.product_id(), row.batch_no()}] += row.quantity();
        }
      }
      for (const auto& [lot, quantity] : out) {
        Slot(BatchKey(key.distributor_id, lot.first, lot.second), key.month)->flow_out += quantity;
      }
      for (const auto& [lot, quantity] : bought) {
        const auto& [buyer, product, batch] = lot;
        Slot(BatchKey(buyer, product, batch), key.month)->sell_in += quantity;
      }
    }
  }

  void AddReports() {
    struct Dated {
      absl::CivilDay day;
      const v1::StockReport* report;
    };
    absl::flat_hash_map<absl::string_view, std::vector<Dated>> dated;
    for (const v1::StockReport& report : data_.stock_reports) {
      absl::StatusOr<absl::CivilDay> day = ParseDate(report.as_of(), "as_of");
      if (day.ok()) dated[report.distributor_id()].push_back({*day, &report});
    }
    const absl::CivilDay first_day(from_);
    for (auto& [distributor, list] : dated) {
      std::stable_sort(list.begin(), list.end(),
                       [](const Dated& a, const Dated& b) { return a.day < b.day; });
      DistributorReports& reports = reports_[distributor];
      reports.months.assign(static_cast<size_t>(to_ - from_ + 1), nullptr);
      // In date order, so the last one written for a month is its latest.
      for (const Dated& d : list) {
        const absl::CivilMonth month(d.day);
        if (d.day < first_day) {
          reports.opening = d.report;
        } else if (month <= to_) {
          reports.months[static_cast<size_t>(month - from_)] = d.report;
        }
      }
      // A copy of the binding: clang 14 cannot capture structured bindings.
      auto add_lines = [&, distributor_id = distributor](const v1::StockReport* report) {
        if (report == nullptr) return;
        for (const v1::StockLine& line : report->lines()) {
          tracks_.try_emplace(BatchKey(distributor_id, line.product_id(), line.batch_no()),
                              static_cast<size_t>(to_ - first_ + 1));
        }
      };
      add_lines(reports.opening);
      for (const v1::StockReport* report : reports.months) add_lines(report);
    }
  }

  const ReportLines& LinesOf(const v1::StockReport* report) {
    auto [it, inserted] = lines_.try_emplace(report);
    if (inserted) {
      for (const v1::StockLine& line : report->lines()) {
        it->second[{line.product_id(), line.batch_no()}] += line.quantity();
      }
    }
    return it->second;
  }

  int64_t Reported(const v1::StockReport* report, const BatchKey& key) {
    const ReportLines& lines = LinesOf(report);
    auto it = lines.find(std::make_pair(std::get<1>(key), std::get<2>(key)));
    return it == lines.end() ? 0 : it->second;
  }

  std::string ExpiresOn(const std::string& product_id, const std::string& batch_no) const {
    const v1::Product* product = FindProduct(data_, product_id);
    if (product == nullptr) return "";
    for (const v1::ProductBatch& batch : product->batches()) {
      if (batch.batch_no() == batch_no) return batch.expires_on();
    }
    return "";
  }

  void AddPositions(const BatchKey& key, const std::vector<Moves>& moves,
                    const InventoryRules& rules, std::vector<v1::StockPosition>* positions) {
    const auto& [distributor, product, batch] = key;
    auto found = reports_.find(distributor);
    const DistributorReports* reports = found == reports_.end() ? nullptr : &found->second;
    const std::string expires_on = ExpiresOn(product, batch);
    absl::StatusOr<absl::CivilDay> expiry = absl::InvalidArgumentError("no expiry");
    if (!expires_on.empty()) expiry = ParseDate(expires_on, "expires_on");
    int64_t closing =
        reports != nullptr && reports->opening != nullptr ? Reported(reports->opening, key) : 0;
    for (absl::CivilMonth month = from_; month <= to_; ++month) {
      const Moves& m = moves[static_cast<size_t>(month - first_)];
      const v1::StockReport* report =
          reports == nullptr ? nullptr : reports->months[static_cast<size_t>(month - from_)];
      v1::StockPosition p;
      p.set_opening(closing);
      p.set_sell_in(m.sell_in);
      p.set_flow_out(m.flow_out);
      p.set_returns(m.returns);
      p.set_computed_closing(p.opening() + m.sell_in - m.flow_out - m.returns);
      p.set_has_reported(report != nullptr);
      if (report != nullptr) {
        p.set_reported_closing(Reported(report, key));
        p.set_difference(p.reported_closing() - p.computed_closing());
      }
      closing = p.has_reported() ? p.reported_closing() : p.computed_closing();
      if (p.opening() == 0 && m.sell_in == 0 && m.flow_out == 0 && m.returns == 0 &&
          p.reported_closing() == 0) {
        continue;
      }
      p.set_distributor_id(distributor);
      p.set_product_id(product);
      p.set_batch_no(batch);
      const size_t index = static_cast<size_t>(month - from_);
      p.set_month(month_names_[index]);
      int64_t flow = 0;
      for (absl::CivilMonth w = month - 2; w <= month; ++w) {
        flow += moves[static_cast<size_t>(w - first_)].flow_out;
      }
      p.set_days_on_hand(flow <= 0 ? -1.0
                                   : static_cast<double>(std::max<int64_t>(closing, 0)) /
                                         (static_cast<double>(flow) / window_days_[index]));
      p.set_expires_on(expires_on);
      p.set_near_expiry(closing > 0 && expiry.ok() &&
                        *expiry - month_ends_[index] <= rules.near_expiry_days);
      positions->push_back(std::move(p));
    }
  }

  const ChannelData& data_;
  const absl::CivilMonth from_;
  const absl::CivilMonth to_;
  const absl::CivilMonth first_;  // from_ - 2: days on hand looks back two months
  // By month - from_: "YYYY-MM", the last day, the days of it and the
  // two months before.
  std::vector<std::string> month_names_;
  std::vector<absl::CivilDay> month_ends_;
  std::vector<int> window_days_;
  absl::btree_map<BatchKey, std::vector<Moves>> tracks_;
  absl::flat_hash_map<std::string, DistributorReports> reports_;
  absl::flat_hash_map<const v1::StockReport*, ReportLines> lines_;
};

v1::EvidenceStep StockStep(const v1::StockPosition& p, absl::string_view what, int64_t quantity) {
  v1::EvidenceStep step;
  step.set_kind(v1::EvidenceStep::KIND_STOCK);
  step.set_ref(absl::StrCat(p.distributor_id(), "/", p.month(), "/", what));
  step.set_buyer_id(p.distributor_id());
  absl::StatusOr<absl::CivilMonth> month = ParseMonth(p.month(), "month");
  if (month.ok()) step.set_date(FormatDate(absl::CivilDay(*month + 1) - 1));
  step.set_product_id(p.product_id());
  step.set_batch_no(p.batch_no());
  step.set_quantity(quantity);
  return step;
}

std::string Signed(int64_t n) { return n > 0 ? absl::StrCat("+", n) : absl::StrCat(n); }

}  // namespace

std::vector<v1::StockPosition> ComputePositions(const ChannelData& data, absl::CivilMonth from,
                                                absl::CivilMonth to, const InventoryRules& rules) {
  if (from > to) return {};
  return Ledger(data, from, to).Positions(rules);
}

std::vector<v1::Finding> StockDifferences(const std::vector<v1::StockPosition>& positions,
                                          const InventoryRules& rules, const ChannelData* names) {
  std::vector<v1::Finding> findings;
  for (const v1::StockPosition& p : positions) {
    if (!p.has_reported()) continue;
    const int64_t magnitude = std::llabs(p.difference());
    const double computed = static_cast<double>(std::llabs(p.computed_closing()));
    const double tolerance =
        std::max(static_cast<double>(rules.tolerance_packs), rules.tolerance_ratio * computed);
    if (static_cast<double>(magnitude) <= tolerance) continue;
    v1::Finding f;
    f.set_id(FindingId(v1::FINDING_KIND_STOCK_DIFFERENCE, p.distributor_id(), p.product_id(),
                       p.batch_no(), p.month(), ""));
    f.set_kind(v1::FINDING_KIND_STOCK_DIFFERENCE);
    f.set_state(v1::FINDING_STATE_OPEN);
    f.set_distributor_id(p.distributor_id());
    f.set_product_id(p.product_id());
    f.set_batch_no(p.batch_no());
    f.set_month(p.month());
    f.set_quantity(p.difference());
    const double ratio = static_cast<double>(magnitude) / std::max(computed, 1.0);
    f.set_severity(ratio >= rules.high_difference_ratio     ? v1::SEVERITY_HIGH
                   : ratio >= rules.medium_difference_ratio ? v1::SEVERITY_MEDIUM
                                                            : v1::SEVERITY_LOW);
    *f.add_evidence() = StockStep(p, "computed", p.computed_closing());
    *f.add_evidence() = StockStep(p, "stock-report", p.reported_closing());
    const absl::string_view who =
        names == nullptr ? absl::string_view(p.distributor_id()) : DisplayName(*names, p.distributor_id());
    f.set_summary(absl::StrCat(
        "Stock of ", p.product_id(), " batch ", p.batch_no(), " at ", who,
        " at the end of ", p.month(), ": reported ", p.reported_closing(), " packs, computed ",
        p.computed_closing(), " (opening ", p.opening(), " + sell-in ", p.sell_in(),
        " − flow out ", p.flow_out(), " − returns ", p.returns(), "), difference ",
        Signed(p.difference()), " packs"));
    f.set_summary_zh(absl::StrCat(who, "于", p.month(), "月末", p.product_id(),
                                  "批号", p.batch_no(), "库存：上报", p.reported_closing(),
                                  "，计算", p.computed_closing(), "（期初", p.opening(), " + 进货",
                                  p.sell_in(), " − 流向", p.flow_out(), " − 退货", p.returns(),
                                  "），差异", Signed(p.difference())));
    findings.push_back(std::move(f));
  }
  SortFindings(&findings);
  return findings;
}

}  // namespace pharmacrm::sales_pipeline::channel
