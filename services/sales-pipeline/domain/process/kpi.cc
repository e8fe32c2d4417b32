#include "domain/process/kpi.h"

#include <algorithm>
#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "domain/channel/dates.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::process {
namespace {

std::optional<double> Ratio(int64_t num, int64_t den) {
  if (den == 0) return std::nullopt;
  return static_cast<double>(num) / static_cast<double>(den);
}

std::optional<double> ValueOf(const Kpis& k, KpiMetric metric) {
  switch (metric) {
    case KpiMetric::kCalls:
      return static_cast<double>(k.calls);
    case KpiMetric::kCoverage:
      return k.coverage;
    case KpiMetric::kFrequencyAttainment:
      return k.frequency_attainment;
    case KpiMetric::kTargetAttainment:
      return k.target_attainment;
    case KpiMetric::kGrowth:
      return k.growth;
    case KpiMetric::kCostPerUnit:
      return k.cost_per_unit_fen;
    case KpiMetric::kNewPrescribers:
      return static_cast<double>(k.new_prescribers);
    case KpiMetric::kSampleUse:
      return k.sample_use;
  }
  return std::nullopt;
}

}  // namespace

KpiInputs& KpiInputs::operator+=(const KpiInputs& o) {
  calls += o.calls;
  target_doctors += o.target_doctors;
  target_doctors_called += o.target_doctors_called;
  classed_doctors += o.classed_doctors;
  classed_doctors_attained += o.classed_doctors_attained;
  target_units += o.target_units;
  sales_units += o.sales_units;
  sales_units_year_before += o.sales_units_year_before;
  cost_fen += o.cost_fen;
  new_prescribers += o.new_prescribers;
  samples_given += o.samples_given;
  samples_budget += o.samples_budget;
  return *this;
}

Kpis ComputeKpis(const KpiInputs& in) {
  Kpis k;
  k.calls = in.calls;
  k.coverage = Ratio(in.target_doctors_called, in.target_doctors);
  k.frequency_attainment = Ratio(in.classed_doctors_attained, in.classed_doctors);
  k.target_attainment = Ratio(in.sales_units, in.target_units);
  if (in.sales_units_year_before != 0) {
    k.growth = static_cast<double>(in.sales_units) / in.sales_units_year_before - 1;
  }
  k.cost_per_unit_fen = Ratio(in.cost_fen, in.sales_units);
  k.new_prescribers = in.new_prescribers;
  k.sample_use = Ratio(in.samples_given, in.samples_budget);
  return k;
}

KpiInputs SumInputs(const std::vector<KpiInputs>& parts) {
  KpiInputs sum;
  for (const KpiInputs& p : parts) sum += p;
  return sum;
}

absl::string_view KpiMetricName(KpiMetric metric) {
  switch (metric) {
    case KpiMetric::kCalls:
      return "calls";
    case KpiMetric::kCoverage:
      return "coverage";
    case KpiMetric::kFrequencyAttainment:
      return "frequency attainment";
    case KpiMetric::kTargetAttainment:
      return "target attainment";
    case KpiMetric::kGrowth:
      return "growth";
    case KpiMetric::kCostPerUnit:
      return "cost per unit";
    case KpiMetric::kNewPrescribers:
      return "new prescribers";
    case KpiMetric::kSampleUse:
      return "sample use";
  }
  return "";
}

std::vector<Ranked> RankBy(const std::vector<std::pair<std::string, Kpis>>& entries,
                           KpiMetric metric) {
  std::vector<Ranked> out;
  out.reserve(entries.size());
  for (const auto& [id, kpis] : entries) out.push_back({id, 0, ValueOf(kpis, metric)});
  const bool lower_is_better = metric == KpiMetric::kCostPerUnit;
  std::sort(out.begin(), out.end(), [lower_is_better](const Ranked& a, const Ranked& b) {
    if (a.value.has_value() != b.value.has_value()) return a.value.has_value();
    if (a.value && *a.value != *b.value) {
      return lower_is_better ? *a.value < *b.value : *a.value > *b.value;
    }
    return a.id < b.id;
  });
  for (size_t i = 0; i < out.size(); ++i) {
    if (!out[i].value) break;
    out[i].rank =
        (i > 0 && out[i - 1].value == out[i].value) ? out[i - 1].rank : static_cast<int>(i) + 1;
  }
  return out;
}

absl::StatusOr<std::vector<absl::CivilMonth>> PeriodMonths(absl::string_view period,
                                                           absl::string_view field) {
  const absl::Status bad =
      core::FieldError(field, absl::StrCat("'", period, "' is not YYYY-MM, YYYY-Qn or YYYY"));
  int year = 0;
  if (period.size() == 4) {
    if (!absl::SimpleAtoi(period, &year) || year < 2000 || year > 2100) return bad;
    std::vector<absl::CivilMonth> out;
    for (int m = 1; m <= 12; ++m) out.emplace_back(year, m);
    return out;
  }
  if (period.size() == 7 && period[4] == '-' && period[5] == 'Q') {
    if (!absl::SimpleAtoi(period.substr(0, 4), &year) || year < 2000 || year > 2100) return bad;
    const int quarter = period[6] - '0';
    if (quarter < 1 || quarter > 4) return bad;
    std::vector<absl::CivilMonth> out;
    for (int m = 0; m < 3; ++m) out.emplace_back(year, (quarter - 1) * 3 + 1 + m);
    return out;
  }
  if (period.size() == 7 && period[4] == '-') {
    absl::StatusOr<absl::CivilMonth> month = channel::ParseMonth(period, field);
    if (!month.ok()) return bad;
    return std::vector<absl::CivilMonth>{*month};
  }
  return bad;
}

absl::StatusOr<KpiMetric> ParseKpiMetric(absl::string_view name, absl::string_view field) {
  for (KpiMetric m : {KpiMetric::kCalls, KpiMetric::kCoverage, KpiMetric::kFrequencyAttainment,
                      KpiMetric::kTargetAttainment, KpiMetric::kGrowth, KpiMetric::kCostPerUnit,
                      KpiMetric::kNewPrescribers, KpiMetric::kSampleUse}) {
    if (KpiMetricName(m) == absl::StrReplaceAll(name, {{"_", " "}})) return m;
  }
  return core::FieldError(field, absl::StrCat("'", name,
                                              "' is not calls, coverage, frequency_attainment, "
                                              "target_attainment, growth, cost_per_unit, "
                                              "new_prescribers or sample_use"));
}

}  // namespace pharmacrm::sales_pipeline::process
