#include "domain/channel/checks.h"

#include <algorithm>
#include <iterator>

#include "domain/channel/dates.h"
#include "domain/channel/findings.h"
#include "domain/channel/reconciliation.h"
#include "pharmacrm/core/payload.h"

namespace pharmacrm::sales_pipeline::channel {

std::optional<std::pair<absl::CivilMonth, absl::CivilMonth>> ChannelMonths(
    const ChannelData& data) {
  std::optional<std::pair<absl::CivilMonth, absl::CivilMonth>> out;
  auto add = [&](absl::CivilMonth month) {
    if (!out) {
      out.emplace(month, month);
    } else {
      out->first = std::min(out->first, month);
      out->second = std::max(out->second, month);
    }
  };
  // Stock reports only extend the span: one before the first movement is
  // the opening stock, not a month to check.
  for (const v1::Shipment& shipment : data.shipments) {
    absl::StatusOr<absl::CivilDay> day = ParseDate(shipment.ship_date(), "ship_date");
    if (day.ok()) add(absl::CivilMonth(*day));
  }
  for (const auto& [key, rows] : data.flows) add(key.month);
  if (!out) return out;
  for (const v1::StockReport& report : data.stock_reports) {
    absl::StatusOr<absl::CivilDay> day = ParseDate(report.as_of(), "as_of");
    if (day.ok()) out->second = std::max(out->second, absl::CivilMonth(*day));
  }
  return out;
}

ChecksResult RunChecks(const ChannelData& data, const ChecksRules& rules) {
  ChecksResult out;
  for (const auto& [key, rows] : data.flows) out.flow_rows += static_cast<int64_t>(rows.size());
  out.months = ChannelMonths(data);
  out.findings = DetectDiversion(data, rules.diversion);
  if (!out.months) return out;
  const auto [from, to] = *out.months;
  out.positions = ComputePositions(data, from, to, rules.inventory);
  std::vector<v1::Finding> stock = StockDifferences(out.positions, rules.inventory, &data);
  out.findings.insert(out.findings.end(), std::make_move_iterator(stock.begin()),
                      std::make_move_iterator(stock.end()));
  SortFindings(&out.findings);
  out.reconciliations = Reconcile(data, out.positions, from, to);
  return out;
}

bool TriggersChecks(const google::protobuf::Any& payload) {
  return core::PayloadIs<v1::FlowPeriodLoaded>(payload) ||
         core::PayloadIs<v1::StockReported>(payload) ||
         core::PayloadIs<v1::ShipmentRecorded>(payload) ||
         core::PayloadIs<v1::DistributorAccountChanged>(payload) ||
         core::PayloadIs<v1::ProductChanged>(payload);
}

}  // namespace pharmacrm::sales_pipeline::channel
