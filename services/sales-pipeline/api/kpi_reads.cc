#include "api/kpi_reads.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "domain/channel/dates.h"
#include "domain/process/call_reports.h"
#include "domain/process/doctor_months.h"
#include "domain/process/organisation.h"
#include "domain/process/target_records.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline {

absl::Time MonthEnd(absl::CivilMonth month) {
  return channel::ChinaDayStart(absl::CivilDay(month + 1) - 1);
}

absl::StatusOr<std::unique_ptr<KpiReader>> KpiReader::Create(
    const ChannelRepository& channel, const ControlRepository& control,
    const ProcessRepository& process, const FieldForceRepository& field,
    const process::CallFrequencies& frequencies, const process::DoctorClassRule& doctors,
    absl::CivilMonth first, absl::CivilMonth last) {
  std::unique_ptr<KpiReader> reader(new KpiReader(control, field, frequencies, doctors));
  reader->first_ = first;
  reader->last_ = last;
  ASSIGN_OR_RETURN(reader->org_, ReadFieldOrganisation(process));
  for (const auto& [id, parent] : reader->org_.parent_of) {
    if (!parent.empty()) reader->children_[parent].push_back(id);
  }
  ASSIGN_OR_RETURN(reader->customers_, ReadFieldCustomers(channel, process));
  reader->figures_.emplace(process);
  for (int year = static_cast<int>(first.year()); year <= last.year(); ++year) {
    ASSIGN_OR_RETURN(std::vector<v1::TargetRecord> records, process.TargetsOfYear(year));
    std::vector<YearTarget>& targets = reader->targets_[year];
    for (const v1::TargetRecord& r : records) {
      YearTarget& t = targets.emplace_back();
      ASSIGN_OR_RETURN(t.allocation, process::Restore(r));
      for (size_t i = 0; i < t.allocation.nodes.size(); ++i) {
        t.index[t.allocation.nodes[i].node.id] = static_cast<int>(i);
      }
    }
  }
  return reader;
}

const KpiReader::Placement& KpiReader::PlacementAt(absl::CivilMonth month) {
  auto [it, added] = placements_.try_emplace(month);
  if (!added) return it->second;
  const absl::Time at = MonthEnd(month);
  for (size_t i = 0; i < customers_.customers.size(); ++i) {
    const v1::Customer& c = customers_.customers[i];
    if (c.status() != v1::CUSTOMER_STATUS_ACTIVE) continue;
    std::string territory = customers_.TerritoryAt(c, at);
    if (!territory.empty()) it->second[std::move(territory)].push_back(i);
  }
  return it->second;
}

std::vector<std::string> KpiReader::Subtree(const std::string& territory) const {
  std::vector<std::string> out = {territory};
  for (size_t i = 0; i < out.size() && out.size() <= org_.parent_of.size() + 1; ++i) {
    auto it = children_.find(out[i]);
    if (it == children_.end()) continue;
    out.insert(out.end(), it->second.begin(), it->second.end());
  }
  return out;
}

absl::StatusOr<int64_t> KpiReader::SalesOf(const std::string& customer_id, absl::CivilMonth month) {
  auto [it, added] = sales_.try_emplace(customer_id);
  if (added) {
    ASSIGN_OR_RETURN(std::vector<v1::SalesFact> facts,
                     control_.CustomerFacts(customer_id, channel::FormatMonth(first_ - 12),
                                            channel::FormatMonth(last_)));
    for (const v1::SalesFact& f : facts) {
      absl::StatusOr<absl::CivilMonth> m = channel::ParseMonth(f.month(), "month");
      if (m.ok()) it->second[*m] += f.quantity();
    }
  }
  auto m = it->second.find(month);
  return m == it->second.end() ? 0 : m->second;
}

int64_t KpiReader::TargetOf(const std::string& territory, absl::CivilMonth month) {
  const int year = static_cast<int>(month.year());
  auto [cached, added] = target_months_.try_emplace({territory, year});
  std::array<int64_t, process::kMonths>& months = cached->second;
  if (added) {
    months.fill(0);
    auto targets = targets_.find(year);
    if (targets != targets_.end()) {
      for (const YearTarget& t : targets->second) {
        auto node = t.index.find(territory);
        if (node == t.index.end()) continue;
        const process::NodeAllocation& n = t.allocation.nodes[static_cast<size_t>(node->second)];
        absl::StatusOr<std::array<int64_t, process::kMonths>> phased =
            process::PhaseMonthly(n.amount, n.last_year_by_month);
        if (!phased.ok()) continue;
        for (size_t m = 0; m < months.size(); ++m) months[m] += (*phased)[m];
      }
    }
  }
  return months[static_cast<size_t>(month.month() - 1)];
}

absl::StatusOr<const KpiReader::CallSummary*> KpiReader::CallsOf(const std::string& person,
                                                                 absl::CivilMonth month) {
  auto [it, added] = calls_.try_emplace({person, month});
  if (!added) return &it->second;
  auto is_doctor = [&](const std::string& id) {
    const v1::Customer* c = customers_.Find(id);
    return c != nullptr && c->profile().kind() == v1::CUSTOMER_KIND_DOCTOR;
  };
  CallSummary& summary = it->second;
  absl::Status read =
      field_.VisitRepCalls(person, channel::FormatMonth(month), [&](const v1::CallReport& call) {
        ++summary.calls;
        for (const v1::SampleLeft& s : call.samples()) summary.samples_given += s.quantity();
        process::VisitDoctorsCalled(call, is_doctor,
                                    [&](const std::string& id) { ++summary.calls_on[id]; });
      });
  if (!read.ok()) {
    calls_.erase(it);
    return read;
  }
  return &summary;
}

std::vector<std::string> KpiReader::PeopleWithin(const std::string& territory_id,
                                                 absl::CivilMonth month) const {
  std::vector<std::string> out;
  const absl::Time at = MonthEnd(month);
  for (const auto& [id, person] : org_.people) {
    if (!process::EmployedIn(person, month)) continue;
    if (process::WithinTerritory(org_.parent_of, org_.RepTerritoryAt(id, at), territory_id)) {
      out.push_back(id);
    }
  }
  std::sort(out.begin(), out.end());
  return out;
}

absl::StatusOr<process::KpiInputs> KpiReader::PersonMonth(const std::string& person_id,
                                                          absl::CivilMonth month) {
  auto it = org_.people.find(person_id);
  if (it == org_.people.end()) {
    return core::FieldStatus(absl::StatusCode::kNotFound, "rep_id",
                             absl::StrCat("'", person_id, "' is not a known rep or manager"));
  }
  const v1::Rep& person = it->second;
  if (!process::EmployedIn(person, month)) return process::KpiInputs();
  absl::Time at = MonthEnd(month);
  if (!person.end_date().empty()) {
    absl::StatusOr<absl::CivilDay> end = channel::ParseDate(person.end_date(), "end_date");
    if (end.ok() && absl::CivilMonth(*end) == month) at = channel::ChinaDayStart(*end);
  }
  ASSIGN_OR_RETURN(process::KpiInputs inputs,
                   Compute(org_.RepTerritoryAt(person_id, at), {person_id}, month));
  inputs.cost_fen = process::MonthlyCostFen(person, month);
  std::optional<v1::RepCost> cost = process::CostIn(person, month);
  inputs.samples_budget = cost ? cost->samples_budget_units() : 0;
  return inputs;
}

absl::StatusOr<process::KpiInputs> KpiReader::NodeMonth(const std::string& territory_id,
                                                        absl::CivilMonth month) {
  if (!org_.territories.contains(territory_id)) {
    return core::FieldStatus(absl::StatusCode::kNotFound, "territory_id",
                             absl::StrCat("'", territory_id, "' is not a known territory"));
  }
  const std::vector<std::string> people = PeopleWithin(territory_id, month);
  ASSIGN_OR_RETURN(process::KpiInputs inputs, Compute(territory_id, people, month));
  for (const std::string& id : people) {
    const v1::Rep& person = org_.people.at(id);
    inputs.cost_fen += process::MonthlyCostFen(person, month);
    std::optional<v1::RepCost> cost = process::CostIn(person, month);
    if (cost) inputs.samples_budget += cost->samples_budget_units();
  }
  return inputs;
}

absl::StatusOr<process::KpiInputs> KpiReader::Compute(const std::string& territory,
                                                      const std::vector<std::string>& people,
                                                      absl::CivilMonth month) {
  process::KpiInputs in;
  absl::flat_hash_map<std::string, int> calls_on;
  for (const std::string& person : people) {
    ASSIGN_OR_RETURN(const CallSummary* summary, CallsOf(person, month));
    in.calls += summary->calls;
    in.samples_given += summary->samples_given;
    for (const auto& [doctor, n] : summary->calls_on) calls_on[doctor] += n;
  }
  if (territory.empty()) return in;
  const Placement& placement = PlacementAt(month);
  for (const std::string& t : Subtree(territory)) {
    auto at = placement.find(t);
    if (at == placement.end()) continue;
    for (size_t i : at->second) {
      const v1::Customer& c = customers_.customers[i];
      if (c.profile().kind() == v1::CUSTOMER_KIND_DOCTOR) {
        ASSIGN_OR_RETURN(const process::DoctorMonths* figures, figures_->Of(c.id()));
        if (process::NewPrescriberIn(*figures, month)) ++in.new_prescribers;
        const process::DoctorClass doctor_class = process::ClassIn(*figures, month, doctors_);
        if (doctor_class == process::DoctorClass::kNone) continue;
        ++in.target_doctors;
        ++in.classed_doctors;
        auto called = calls_on.find(c.id());
        const int calls = called == calls_on.end() ? 0 : called->second;
        if (calls > 0) ++in.target_doctors_called;
        if (calls >= process::FrequencyOf(frequencies_, doctor_class)) {
          ++in.classed_doctors_attained;
        }
        continue;
      }
      ASSIGN_OR_RETURN(int64_t sold, SalesOf(c.id(), month));
      ASSIGN_OR_RETURN(int64_t sold_before, SalesOf(c.id(), month - 12));
      in.sales_units += sold;
      in.sales_units_year_before += sold_before;
    }
  }
  in.target_units = TargetOf(territory, month);
  return in;
}

}  // namespace pharmacrm::sales_pipeline
