#include "domain/channel/reconciliation.h"

#include <cstdint>
#include <string>
#include <tuple>
#include <utility>

#include "absl/container/btree_map.h"
#include "absl/strings/str_cat.h"
#include "domain/channel/dates.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

// (distributor, product, month).
using MonthKey = std::tuple<std::string, std::string, absl::CivilMonth>;

struct Totals {
  int64_t opening = 0;
  int64_t sell_in = 0;
  int64_t returns = 0;
  int64_t flow_out = 0;  // all rows with the product, matched or not
  int64_t closing = 0;
  bool closing_reported = false;
  int64_t reported = 0;           // over the batches with a report
  int64_t computed_reported = 0;  // their computed closings
  int64_t unmatched = 0;
};

v1::ReconciliationCause Cause(v1::ReconciliationCause::Kind kind, int64_t quantity,
                              std::string detail, std::string detail_zh) {
  v1::ReconciliationCause cause;
  cause.set_kind(kind);
  cause.set_quantity(quantity);
  cause.set_detail(std::move(detail));
  cause.set_detail_zh(std::move(detail_zh));
  return cause;
}

}  // namespace

std::vector<v1::Reconciliation> Reconcile(const ChannelData& data,
                                          const std::vector<v1::StockPosition>& positions,
                                          absl::CivilMonth from, absl::CivilMonth to) {
  absl::btree_map<MonthKey, Totals> months;
  for (const v1::StockPosition& p : positions) {
    absl::StatusOr<absl::CivilMonth> month = ParseMonth(p.month(), "month");
    if (!month.ok() || *month < from || *month > to) continue;
    Totals& t = months[MonthKey(p.distributor_id(), p.product_id(), *month)];
    t.opening += p.opening();
    t.sell_in += p.sell_in();
    t.returns += p.returns();
    t.flow_out += p.flow_out();
    if (p.has_reported()) {
      t.closing_reported = true;
      t.closing += p.reported_closing();
      t.reported += p.reported_closing();
      t.computed_reported += p.computed_closing();
    } else {
      t.closing += p.computed_closing();
    }
  }

  // Unmatched rows, read only from the flow files of the months above.
  for (const auto& [key, rows] : data.flows) {
    if (key.month < from || key.month > to) continue;
    for (const v1::FlowRow& row : rows) {
      if (!row.terminal_id().empty() || row.product_id().empty()) continue;
      auto it = months.find(MonthKey(key.distributor_id, row.product_id(), key.month));
      if (it != months.end()) it->second.unmatched += row.quantity();
    }
  }

  std::vector<v1::Reconciliation> result;
  result.reserve(months.size());
  for (const auto& [key, t] : months) {
    const auto& [distributor, product_id, month] = key;
    const std::string month_text = FormatMonth(month);
    const v1::Product* product = FindProduct(data, product_id);
    const std::string unit =
        product != nullptr && !product->pack_unit().empty() ? product->pack_unit() : "盒";
    v1::Reconciliation r;
    r.set_distributor_id(distributor);
    r.set_product_id(product_id);
    r.set_month(month_text);
    r.set_opening_stock(t.opening);
    r.set_sell_in(t.sell_in);
    r.set_returns(t.returns);
    r.set_flow_out(t.flow_out - t.unmatched);
    r.set_closing_stock(t.closing);
    r.set_closing_reported(t.closing_reported);
    r.set_gap(r.sell_in() - r.returns() - r.flow_out() - (r.closing_stock() - r.opening_stock()));
    if (r.gap() != 0) {
      if (t.sell_in > 0 && !data.flows.contains(FlowKey{distributor, month})) {
        *r.add_causes() = Cause(
            v1::ReconciliationCause::KIND_MISSING_FLOW_FILE, r.gap(),
            absl::StrCat("No flow file for ", month_text, " while ", t.sell_in,
                         " packs were shipped in: unreported sales may explain ", r.gap(),
                         " packs"),
            absl::StrCat(month_text, "无流向文件，当月进货", t.sell_in, unit,
                         "：未上报的销售可能解释", r.gap(), unit));
      }
      if (t.unmatched != 0) {
        *r.add_causes() =
            Cause(v1::ReconciliationCause::KIND_UNMATCHED_TERMINALS, t.unmatched,
                  absl::StrCat(t.unmatched,
                               " packs are in flow rows whose buyer is not matched to a customer"),
                  absl::StrCat(t.unmatched, unit, "流向的购货客户尚未匹配"));
      }
      if (t.returns != 0) {
        *r.add_causes() =
            Cause(v1::ReconciliationCause::KIND_RETURNS, t.returns,
                  absl::StrCat(t.returns, " packs were returned to the maker in the month"),
                  absl::StrCat("当月退回厂家", t.returns, unit));
      }
      if (t.closing_reported && t.reported != t.computed_reported) {
        *r.add_causes() = Cause(
            v1::ReconciliationCause::KIND_STOCK_REPORT_ERROR, t.computed_reported - t.reported,
            absl::StrCat("The stock report says ", t.reported, " packs where sell-in, flow and ",
                         "returns leave ", t.computed_reported),
            absl::StrCat("库存上报", t.reported, unit, "，按进货、流向和退货计算应为",
                         t.computed_reported, unit));
      }
    }
    result.push_back(std::move(r));
  }
  return result;
}

}  // namespace pharmacrm::sales_pipeline::channel
