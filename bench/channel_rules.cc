// bench/channel, diversion and recon: the channel rules over ChannelData in
// memory (domain/channel), as a checks run calls them.
#include <algorithm>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "channel_gen.h"
#include "channel_measure.h"
#include "domain/channel/diversion.h"
#include "domain/channel/inventory.h"
#include "domain/channel/reconciliation.h"

namespace pharmacrm::bench {
namespace {

namespace channel = sales_pipeline::channel;

int64_t FlowRows(const channel::ChannelData& data) {
  int64_t n = 0;
  for (const auto& [key, rows] : data.flows) n += static_cast<int64_t>(rows.size());
  return n;
}

// Ceiling of the diversion rules: one pass over every flow row, its
// quantity summed by (product, batch).
int64_t SumByLot(const channel::ChannelData& data, size_t* lots) {
  absl::flat_hash_map<std::pair<absl::string_view, absl::string_view>, int64_t> sums;
  for (const auto& [key, rows] : data.flows) {
    for (const v1::FlowRow& row : rows) sums[{row.product_id(), row.batch_no()}] += row.quantity();
  }
  int64_t total = 0;
  for (const auto& [lot, quantity] : sums) total += quantity;
  *lots = sums.size();
  return total;
}

// Ceiling of reconciliation: one pass over its inputs, quantities summed by
// (distributor, product, batch).
int64_t SumInputs(const channel::ChannelData& data, size_t* keys) {
  using Key = std::tuple<absl::string_view, absl::string_view, absl::string_view>;
  absl::flat_hash_map<Key, int64_t> sums;
  for (const v1::Shipment& s : data.shipments) {
    for (const v1::ShipmentLine& l : s.lines()) {
      sums[Key(s.distributor_id(), l.product_id(), l.batch_no())] +=
          s.is_return() ? -l.quantity() : l.quantity();
    }
  }
  for (const auto& [key, rows] : data.flows) {
    for (const v1::FlowRow& row : rows) {
      sums[Key(key.distributor_id, row.product_id(), row.batch_no())] -= row.quantity();
    }
  }
  for (const v1::StockReport& r : data.stock_reports) {
    for (const v1::StockLine& l : r.lines()) {
      sums[Key(r.distributor_id(), l.product_id(), l.batch_no())] += l.quantity();
    }
  }
  int64_t total = 0;
  for (const auto& [key, quantity] : sums) total += quantity;
  *keys = sums.size();
  return total;
}

}  // namespace

void BenchDiversion() {
  DiversionOptions o;
  o.distributors = static_cast<int>(Scaled(absl::GetFlag(FLAGS_diversion_distributors), 10));
  o.rows = Scaled(absl::GetFlag(FLAGS_diversion_rows), 1000);
  o.months = absl::GetFlag(FLAGS_months);
  o.products = absl::GetFlag(FLAGS_products);
  o.seed = absl::GetFlag(FLAGS_seed);
  Settle();
  const int64_t rss_start = Rss();
  PlantedFindings planted;
  channel::ChannelData data;
  const Sample made = Time([&] { data = MakeDiversionData(o, &planted); });
  const int64_t rss_data = Rss() - rss_start;
  const int64_t peak_data = PeakRss() - rss_start;
  const int64_t n = FlowRows(data);
  std::printf("\n## diversion: DetectDiversion over %s flow rows (%d distributors, %d of them "
              "sub-distributors, %d months, %d products)\n\n",
              Thousands(static_cast<double>(n)).c_str(), o.distributors, o.distributors / 5,
              o.months, o.products);
  std::printf("ChannelData built in %.1f s (generation and protobuf records, not measured "
              "below): %s flow files, %s shipments; resident %s (%.0f B a row), peak +%s; "
              "planted %s offending rows\n",
              made.wall, Thousands(static_cast<double>(data.flows.size())).c_str(),
              Thousands(static_cast<double>(data.shipments.size())).c_str(),
              MiB(rss_data).c_str(), static_cast<double>(rss_data) / static_cast<double>(n),
              MiB(peak_data).c_str(),
              Thousands(static_cast<double>(planted.offending_rows)).c_str());

  Table table({"run", "pass summing by lot (ceiling)", "**DetectDiversion**", "rows/s",
               "/ ceiling", "/ ceiling (CPU)", "CPU", "findings", "peak RSS added"});
  std::vector<double> ceilings, times, ratios, cpu_ratios, cpus, peaks;
  std::vector<v1::Finding> findings;
  for (int run = 1; run <= absl::GetFlag(FLAGS_runs); ++run) {
    size_t lots = 0;
    int64_t sum = 0;
    Settle();
    const Sample pass = Time([&] { sum = SumByLot(data, &lots); });
    findings.clear();
    findings.shrink_to_fit();
    Settle();
    const int64_t before = Rss();
    const Sample detect =
        Time([&] { findings = channel::DetectDiversion(data, channel::DiversionRules()); });
    const int64_t peak = PeakRss() - before;
    ceilings.push_back(pass.wall);
    times.push_back(detect.wall);
    ratios.push_back(detect.wall / pass.wall);
    cpu_ratios.push_back(detect.cpu / std::max(pass.cpu, 1e-3));
    cpus.push_back(detect.cpu);
    peaks.push_back(static_cast<double>(peak));
    table.Add({absl::StrCat(run),
               absl::StrCat(Fixed(pass.wall), " s (", lots, " lots, Σ ", sum, ")"),
               absl::StrCat("**", Fixed(detect.wall), " s**"),
               Thousands(static_cast<double>(n) / detect.wall), Fixed(detect.wall / pass.wall, 1),
               Fixed(cpu_ratios.back(), 1),
               absl::StrCat(Fixed(detect.cpu), " s"), Thousands(findings.size()), MiB(peak)});
  }
  table.Add({"**median**", absl::StrCat(Fixed(Median(ceilings)), " s"),
             absl::StrCat("**", Fixed(Median(times)), " s**"),
             Thousands(static_cast<double>(n) / Median(times)),
             absl::StrCat(Fixed(Median(ratios), 1), "× the ceiling's time"),
             Fixed(Median(cpu_ratios), 1), absl::StrCat(Fixed(Median(cpus)), " s"), "",
             MiB(static_cast<int64_t>(Median(peaks)))});
  table.Print();
  int64_t cross = 0, chain = 0, out = 0, low = 0, evidence = 0;
  for (const v1::Finding& f : findings) {
    evidence += f.evidence_size();
    if (f.kind() == v1::FINDING_KIND_CROSS_REGION) {
      ++cross;
      if (data.accounts[f.distributor_id()].channel() == "tier2") ++chain;
    }
    out += f.kind() == v1::FINDING_KIND_OUT_OF_AREA_SALE;
    low += f.kind() == v1::FINDING_KIND_LOW_PRICE;
  }
  std::printf("\nfindings: %s (%s evidence steps)\n", Thousands(findings.size()).c_str(),
              Thousands(static_cast<double>(evidence)).c_str());
  Check("diversion: CROSS_REGION findings", cross, planted.cross_region);
  Check("diversion: of them by a sub-distributor", chain, planted.cross_region_chain);
  Check("diversion: OUT_OF_AREA_SALE findings", out, planted.out_of_area);
  Check("diversion: LOW_PRICE findings", low, planted.low_price);
  Check("diversion: findings in all", static_cast<int64_t>(findings.size()),
        planted.cross_region + planted.out_of_area + planted.low_price);
}

void BenchRecon() {
  ReconOptions o;
  o.distributors = static_cast<int>(Scaled(absl::GetFlag(FLAGS_recon_distributors), 10));
  o.products = absl::GetFlag(FLAGS_products);
  o.months = absl::GetFlag(FLAGS_months);
  o.batches = absl::GetFlag(FLAGS_recon_batches);
  o.rows_per_product = absl::GetFlag(FLAGS_recon_rows_per_product);
  o.seed = absl::GetFlag(FLAGS_seed);
  Settle();
  const int64_t rss_start = Rss();
  ReconExpected e;
  channel::ChannelData data;
  const Sample made = Time([&] { data = MakeReconData(o, &e); });
  const int64_t rss_data = Rss() - rss_start;
  std::printf("\n## recon: reconciliation of %d distributors × %d products × %d months (%d "
              "batches a product)\n\n",
              o.distributors, o.products, o.months, o.batches);
  std::printf("ChannelData built in %.1f s (not measured below): %s flow rows in %s files, %s "
              "shipment lines, %s stock report lines; resident %s\n",
              made.wall, Thousands(static_cast<double>(e.flow_rows)).c_str(),
              Thousands(static_cast<double>(data.flows.size())).c_str(),
              Thousands(static_cast<double>(e.shipment_lines)).c_str(),
              Thousands(static_cast<double>(e.report_lines)).c_str(), MiB(rss_data).c_str());

  Table table({"run", "pass over the inputs (ceiling)", "ComputePositions", "Reconcile",
               "StockDifferences", "**all three**", "/ ceiling", "/ ceiling (CPU)", "CPU",
               "peak RSS added"});
  std::vector<double> ceilings, times, ratios, cpu_ratios, cpus, peaks;
  std::vector<v1::StockPosition> positions;
  std::vector<v1::Reconciliation> recs;
  std::vector<v1::Finding> differences;
  for (int run = 1; run <= absl::GetFlag(FLAGS_runs); ++run) {
    size_t keys = 0;
    int64_t sum = 0;
    Settle();
    const Sample pass = Time([&] { sum = SumInputs(data, &keys); });
    positions = {};
    recs = {};
    differences = {};
    Settle();
    const int64_t before = Rss();
    const channel::InventoryRules rules;
    const Sample compute =
        Time([&] { positions = channel::ComputePositions(data, e.from, e.to, rules); });
    const Sample reconcile =
        Time([&] { recs = channel::Reconcile(data, positions, e.from, e.to); });
    const Sample diffs = Time([&] { differences = channel::StockDifferences(positions, rules); });
    const int64_t peak = PeakRss() - before;
    const double all = compute.wall + reconcile.wall + diffs.wall;
    ceilings.push_back(pass.wall);
    times.push_back(all);
    ratios.push_back(all / pass.wall);
    cpus.push_back(compute.cpu + reconcile.cpu + diffs.cpu);
    cpu_ratios.push_back(cpus.back() / std::max(pass.cpu, 1e-3));
    peaks.push_back(static_cast<double>(peak));
    table.Add({absl::StrCat(run), absl::StrCat(Fixed(pass.wall), " s (", keys, " keys)"),
               absl::StrCat(Fixed(compute.wall), " s"), absl::StrCat(Fixed(reconcile.wall), " s"),
               absl::StrCat(Fixed(diffs.wall), " s"), absl::StrCat("**", Fixed(all), " s**"),
               Fixed(all / pass.wall, 1), Fixed(cpu_ratios.back(), 1),
               absl::StrCat(Fixed(cpus.back()), " s"), MiB(peak)});
    (void)sum;
  }
  table.Add({"**median**", absl::StrCat(Fixed(Median(ceilings)), " s"), "", "", "",
             absl::StrCat("**", Fixed(Median(times)), " s**"),
             absl::StrCat(Fixed(Median(ratios), 1), "× the ceiling's time"),
             Fixed(Median(cpu_ratios), 1), absl::StrCat(Fixed(Median(cpus)), " s"),
             MiB(static_cast<int64_t>(Median(peaks)))});
  table.Print();
  int64_t missing = 0, unmatched = 0, gaps = 0;
  for (const v1::Reconciliation& r : recs) {
    gaps += r.gap() != 0;
    for (const v1::ReconciliationCause& c : r.causes()) {
      missing += c.kind() == v1::ReconciliationCause::KIND_MISSING_FLOW_FILE;
      unmatched += c.kind() == v1::ReconciliationCause::KIND_UNMATCHED_TERMINALS;
    }
  }
  std::printf("\n%s positions, %s reconciliations (%s with a gap; %s with unmatched terminals "
              "among the causes), %s stock differences\n",
              Thousands(static_cast<double>(positions.size())).c_str(),
              Thousands(static_cast<double>(recs.size())).c_str(),
              Thousands(static_cast<double>(gaps)).c_str(),
              Thousands(static_cast<double>(unmatched)).c_str(),
              Thousands(static_cast<double>(differences.size())).c_str());
  Check("recon: positions", static_cast<int64_t>(positions.size()), e.positions);
  Check("recon: reconciliations", static_cast<int64_t>(recs.size()), e.reconciliations);
  Check("recon: STOCK_DIFFERENCE findings", static_cast<int64_t>(differences.size()),
        e.stock_differences);
  Check("recon: MISSING_FLOW_FILE causes", missing, e.missing_flow_causes);
}

}  // namespace pharmacrm::bench
