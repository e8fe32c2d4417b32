// Rep and territory KPIs (docs/SALES_PROCESS.md, "KPIs"): per rep and
// month from additive inputs, rolled up to areas, regions, the nation and
// to quarters and years by summing the inputs (never by averaging ratios),
// and ranked. Pure and thread-safe; not yet served (the inputs will come
// from call reports, targets and sales facts).
//
//   calls                 call reports in the period
//   coverage              target doctors called at least once / target doctors
//   frequency attainment  classed doctors whose calls reached their class's
//                         frequency / classed doctors (call_plan.h)
//   target attainment     sales / target (packs)
//   growth                sales / sales of the same period a year before − 1
//   cost per unit         cost (fen) / sales (packs)
//   new prescribers       doctors prescribing our drug class in the period
//                         with none in the 12 months before
//   sample use            samples handed out / samples budget
// A ratio whose denominator is 0 is unknown (nullopt), not 0.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_KPI_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_KPI_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"

namespace pharmacrm::sales_pipeline::process {

// The additive inputs of one rep (or one node) for one period.
struct KpiInputs {
  int64_t calls = 0;
  int64_t target_doctors = 0;
  int64_t target_doctors_called = 0;
  int64_t classed_doctors = 0;
  int64_t classed_doctors_attained = 0;
  int64_t target_units = 0;
  int64_t sales_units = 0;
  int64_t sales_units_year_before = 0;
  int64_t cost_fen = 0;
  int64_t new_prescribers = 0;
  int64_t samples_given = 0;
  int64_t samples_budget = 0;

  KpiInputs& operator+=(const KpiInputs& other);
};

struct Kpis {
  int64_t calls = 0;
  std::optional<double> coverage;
  std::optional<double> frequency_attainment;
  std::optional<double> target_attainment;
  std::optional<double> growth;
  std::optional<double> cost_per_unit_fen;
  int64_t new_prescribers = 0;
  std::optional<double> sample_use;
};

Kpis ComputeKpis(const KpiInputs& inputs);

// The sum of several reps' or months' inputs: a node's, a quarter's, a year's.
KpiInputs SumInputs(const std::vector<KpiInputs>& parts);

enum class KpiMetric {
  kCalls,
  kCoverage,
  kFrequencyAttainment,
  kTargetAttainment,
  kGrowth,
  kCostPerUnit,
  kNewPrescribers,
  kSampleUse
};
// "calls", "coverage", ...
absl::string_view KpiMetricName(KpiMetric metric);

struct Ranked {
  std::string id;
  int rank = 0;  // 1 the best; equal values share a rank (1, 2, 2, 4)
  std::optional<double> value;
};

// `entries` ranked by `metric`, best first: higher is better, except cost
// per unit (lower is better); unknown values last, unranked (rank 0); ties
// by id.
std::vector<Ranked> RankBy(const std::vector<std::pair<std::string, Kpis>>& entries,
                           KpiMetric metric);

// The months of a period: "2026-03" (one), "2026-Q1" (three), "2026"
// (twelve). INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<std::vector<absl::CivilMonth>> PeriodMonths(absl::string_view period,
                                                           absl::string_view field);

// "calls", ... as KpiMetricName; INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<KpiMetric> ParseKpiMetric(absl::string_view name, absl::string_view field);

}  // namespace pharmacrm::sales_pipeline::process

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_KPI_H_
