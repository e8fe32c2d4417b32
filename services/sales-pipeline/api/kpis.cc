// FieldForceService: the KPIs of a person or a node for a period (GetKpis)
// and reps ranked by one of them (RankKpis), computed on read by KpiReader.
#include <set>
#include <utility>

#include "absl/strings/str_cat.h"
#include "api/field_force_service.h"
#include "api/kpi_reads.h"
#include "domain/channel/dates.h"
#include "domain/process/call_reports.h"
#include "domain/process/kpi.h"
#include "domain/process/organisation.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/rpc/server.h"

namespace pharmacrm::sales_pipeline {
namespace {

v1::KpiInputs ToProto(const process::KpiInputs& in) {
  v1::KpiInputs out;
  out.set_calls(in.calls);
  out.set_target_doctors(in.target_doctors);
  out.set_target_doctors_called(in.target_doctors_called);
  out.set_classed_doctors(in.classed_doctors);
  out.set_classed_doctors_attained(in.classed_doctors_attained);
  out.set_target_units(in.target_units);
  out.set_sales_units(in.sales_units);
  out.set_sales_units_year_before(in.sales_units_year_before);
  out.set_cost_fen(in.cost_fen);
  out.set_new_prescribers(in.new_prescribers);
  out.set_samples_given(in.samples_given);
  out.set_samples_budget(in.samples_budget);
  return out;
}

v1::Kpis ToProto(const process::Kpis& k) {
  v1::Kpis out;
  out.set_calls(k.calls);
  out.set_new_prescribers(k.new_prescribers);
  auto set = [](const std::optional<double>& v, void (v1::Kpis::*value)(double),
                void (v1::Kpis::*has)(bool), v1::Kpis& o) {
    if (!v) return;
    (o.*value)(*v);
    (o.*has)(true);
  };
  set(k.coverage, &v1::Kpis::set_coverage, &v1::Kpis::set_has_coverage, out);
  set(k.frequency_attainment, &v1::Kpis::set_frequency_attainment,
      &v1::Kpis::set_has_frequency_attainment, out);
  set(k.target_attainment, &v1::Kpis::set_target_attainment, &v1::Kpis::set_has_target_attainment,
      out);
  set(k.growth, &v1::Kpis::set_growth, &v1::Kpis::set_has_growth, out);
  set(k.cost_per_unit_fen, &v1::Kpis::set_cost_per_unit_fen, &v1::Kpis::set_has_cost_per_unit, out);
  set(k.sample_use, &v1::Kpis::set_sample_use, &v1::Kpis::set_has_sample_use, out);
  return out;
}

}  // namespace

grpc::Status FieldForceService::GetKpis(grpc::ServerContext* context,
                                        const v1::GetKpisRequest* request,
                                        v1::KpiReport* response) {
  return rpc::HandleRpc("FieldForce/GetKpis", context, [&] { return Kpis(*request, response); });
}

absl::Status FieldForceService::Kpis(const v1::GetKpisRequest& request, v1::KpiReport* response) {
  if (request.rep_id().empty() == request.territory_id().empty()) {
    return core::FieldError("rep_id", "name exactly one of rep_id and territory_id");
  }
  ASSIGN_OR_RETURN(std::vector<absl::CivilMonth> months,
                   process::PeriodMonths(request.period(), "period"));
  ASSIGN_OR_RETURN(std::unique_ptr<KpiReader> reader,
                   KpiReader::Create(channel_, control_, process_, field_, rules_.frequencies,
                                     rules_.doctors, months.front(), months.back()));
  process::KpiInputs total;
  std::set<std::string> people;
  for (absl::CivilMonth month : months) {
    process::KpiInputs inputs;
    if (!request.rep_id().empty()) {
      ASSIGN_OR_RETURN(inputs, reader->PersonMonth(request.rep_id(), month));
      people.insert(request.rep_id());
    } else {
      ASSIGN_OR_RETURN(inputs, reader->NodeMonth(request.territory_id(), month));
      for (std::string& id : reader->PeopleWithin(request.territory_id(), month)) {
        people.insert(std::move(id));
      }
    }
    total += inputs;
    v1::KpiMonth* out = response->add_months();
    out->set_month(channel::FormatMonth(month));
    *out->mutable_inputs() = ToProto(inputs);
    *out->mutable_kpis() = ToProto(process::ComputeKpis(inputs));
  }
  response->set_rep_id(request.rep_id());
  response->set_territory_id(request.territory_id());
  response->set_period(request.period());
  *response->mutable_inputs() = ToProto(total);
  *response->mutable_kpis() = ToProto(process::ComputeKpis(total));
  for (const std::string& id : people) response->add_rep_ids(id);
  return absl::OkStatus();
}

grpc::Status FieldForceService::RankKpis(grpc::ServerContext* context,
                                         const v1::RankKpisRequest* request,
                                         v1::KpiRanking* response) {
  return rpc::HandleRpc("FieldForce/RankKpis", context, [&] { return Rank(*request, response); });
}

absl::Status FieldForceService::Rank(const v1::RankKpisRequest& request, v1::KpiRanking* response) {
  ASSIGN_OR_RETURN(std::vector<absl::CivilMonth> months,
                   process::PeriodMonths(request.period(), "period"));
  ASSIGN_OR_RETURN(process::KpiMetric metric, process::ParseKpiMetric(request.metric(), "metric"));
  ASSIGN_OR_RETURN(std::unique_ptr<KpiReader> reader,
                   KpiReader::Create(channel_, control_, process_, field_, rules_.frequencies,
                                     rules_.doctors, months.front(), months.back()));
  const FieldOrganisation& org = reader->organisation();
  if (!request.within_territory_id().empty() &&
      !org.territories.contains(request.within_territory_id())) {
    return core::FieldStatus(
        absl::StatusCode::kNotFound, "within_territory_id",
        absl::StrCat("'", request.within_territory_id(), "' is not a known territory"));
  }
  // Reps (not managers) employed in the period, within the node in any of
  // its months when one is named.
  std::set<std::string> reps;
  for (absl::CivilMonth month : months) {
    for (const auto& [id, person] : org.people) {
      if (person.role() != v1::SALES_ROLE_REP || !process::EmployedIn(person, month)) continue;
      if (request.within_territory_id().empty() ||
          process::WithinTerritory(org.parent_of, org.RepTerritoryAt(id, MonthEnd(month)),
                                   request.within_territory_id())) {
        reps.insert(id);
      }
    }
  }
  std::vector<std::pair<std::string, process::Kpis>> entries;
  for (const std::string& id : reps) {
    process::KpiInputs total;
    for (absl::CivilMonth month : months) {
      ASSIGN_OR_RETURN(process::KpiInputs inputs, reader->PersonMonth(id, month));
      total += inputs;
    }
    entries.emplace_back(id, process::ComputeKpis(total));
  }
  response->set_period(request.period());
  response->set_metric(request.metric());
  for (const process::Ranked& r : process::RankBy(entries, metric)) {
    v1::KpiRank* out = response->add_ranks();
    out->set_rep_id(r.id);
    out->set_name(org.people.at(r.id).name());
    out->set_rank(r.rank);
    if (r.value) {
      out->set_value(*r.value);
      out->set_has_value(true);
    }
  }
  return absl::OkStatus();
}

}  // namespace pharmacrm::sales_pipeline
