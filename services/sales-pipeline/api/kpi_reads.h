// The inputs of the KPIs (domain/process/kpi.h) read from the stored call
// reports, targets, sales facts, people and metrics, for a person or a
// node of the organisation and a month (docs/SALES_PROCESS.md, "KPIs").
// Computed on read: a KPI is never behind the calls, facts and targets it
// counts. One KpiReader loads the organisation, the customers and the
// doctors' figures once, for any number of months and people.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_API_KPI_READS_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_API_KPI_READS_H_

#include <algorithm>
#include <array>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "api/field_reads.h"
#include "domain/process/allocation.h"
#include "domain/process/call_plan.h"
#include "domain/process/kpi.h"
#include "storage/control_repository.h"
#include "storage/field_force_repository.h"

namespace pharmacrm::sales_pipeline {

class KpiReader {
 public:
  // Reads what every month in [first, last] needs.
  static absl::StatusOr<std::unique_ptr<KpiReader>> Create(
      const ChannelRepository& channel, const ControlRepository& control,
      const ProcessRepository& process, const FieldForceRepository& field,
      const process::CallFrequencies& frequencies, const process::DoctorClassRule& doctors,
      absl::CivilMonth first, absl::CivilMonth last);

  const FieldOrganisation& organisation() const { return org_; }

  // A person's month: their calls and samples, their cost and samples
  // budget, and the customers, doctors, sales and targets of the
  // territory they were aligned to on the month's last day (or their last
  // day employed). Zero outside their employment.
  absl::StatusOr<process::KpiInputs> PersonMonth(const std::string& person_id,
                                                 absl::CivilMonth month);

  // A node's month: the customers, doctors, sales and targets of the node's
  // territories, with the calls, samples and costs of every person aligned
  // within it that day (a vacant territory still counts its sales and
  // targets).
  absl::StatusOr<process::KpiInputs> NodeMonth(const std::string& territory_id,
                                               absl::CivilMonth month);

  // The people aligned within `territory_id` on the month's last day.
  std::vector<std::string> PeopleWithin(const std::string& territory_id,
                                        absl::CivilMonth month) const;

 private:
  KpiReader(const ControlRepository& control, const FieldForceRepository& field,
            process::CallFrequencies frequencies, process::DoctorClassRule doctors)
      : control_(control), field_(field), frequencies_(frequencies), doctors_(doctors) {}

  // Active customers by the territory they were aligned to on a month's
  // last day (indexes into customers_.customers).
  using Placement = absl::flat_hash_map<std::string, std::vector<size_t>>;

  // The inputs of `territory` and the territories below it (none when "")
  // with the calls of `people`.
  absl::StatusOr<process::KpiInputs> Compute(const std::string& territory,
                                             const std::vector<std::string>& people,
                                             absl::CivilMonth month);
  // What a person's call reports of a month count (read once, kept).
  struct CallSummary {
    int64_t calls = 0;
    int64_t samples_given = 0;
    absl::flat_hash_map<std::string, int> calls_on;  // doctor -> calls (as customer or attendee)
  };
  absl::StatusOr<const CallSummary*> CallsOf(const std::string& person, absl::CivilMonth month);
  // Units a customer bought in a month, all products (cached).
  absl::StatusOr<int64_t> SalesOf(const std::string& customer_id, absl::CivilMonth month);
  const Placement& PlacementAt(absl::CivilMonth month);  // cached per month
  // The territory and every territory below it.
  std::vector<std::string> Subtree(const std::string& territory) const;
  // The month's target units of a territory node, all products (its year
  // phased once, then cached).
  int64_t TargetOf(const std::string& territory, absl::CivilMonth month);

  // A year's latest allocation of a product with its nodes by id.
  struct YearTarget {
    process::Allocation allocation;
    absl::flat_hash_map<std::string, int> index;
  };

  const ControlRepository& control_;
  const FieldForceRepository& field_;
  const process::CallFrequencies frequencies_;
  const process::DoctorClassRule doctors_;
  FieldOrganisation org_;
  FieldCustomers customers_;
  std::optional<DoctorFigures> figures_;
  absl::flat_hash_map<int, std::vector<YearTarget>> targets_;  // by year
  absl::flat_hash_map<std::string, std::vector<std::string>> children_;
  absl::flat_hash_map<std::pair<std::string, absl::CivilMonth>, CallSummary> calls_;
  std::map<absl::CivilMonth, Placement> placements_;
  absl::flat_hash_map<std::string, absl::flat_hash_map<absl::CivilMonth, int64_t>>
      sales_;  // customer -> month -> units
  // (territory, year) -> the year's months, all products summed.
  absl::flat_hash_map<std::pair<std::string, int>, std::array<int64_t, process::kMonths>>
      target_months_;
  absl::CivilMonth first_, last_;
};

// The day the month's figures are taken on: its last day's start in China,
// or the person's last day employed when that is earlier in the month.
absl::Time MonthEnd(absl::CivilMonth month);

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_API_KPI_READS_H_
