// FieldForceService::GetCallPlan: the week's calls proposed to a rep, from
// the classed doctors of their territory that day and the calls each has
// had this month (domain/process/call_plan.h).
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "api/field_force_service.h"
#include "api/field_reads.h"
#include "domain/channel/dates.h"
#include "domain/process/call_plan.h"
#include "domain/process/call_reports.h"
#include "domain/process/doctor_months.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/rpc/server.h"

namespace pharmacrm::sales_pipeline {
namespace {

// How far back the last call is looked for.
constexpr int kLastCallMonths = 3;

}  // namespace

grpc::Status FieldForceService::GetCallPlan(grpc::ServerContext* context,
                                            const v1::GetCallPlanRequest* request,
                                            v1::CallPlan* response) {
  return rpc::HandleRpc("FieldForce/GetCallPlan", context,
                        [&] { return Plan(*request, response); });
}

absl::Status FieldForceService::Plan(const v1::GetCallPlanRequest& request,
                                     v1::CallPlan* response) {
  if (request.rep_id().empty()) return core::FieldError("rep_id", "must be set");
  absl::CivilDay week_start = Today();
  if (request.week_start().empty()) {
    week_start -= (static_cast<int>(absl::GetWeekday(week_start)) -
                   static_cast<int>(absl::Weekday::monday) + 7) %
                  7;
  } else {
    ASSIGN_OR_RETURN(week_start, channel::ParseDate(request.week_start(), "week_start"));
  }
  if (absl::GetWeekday(week_start) != absl::Weekday::monday) {
    return core::FieldError("week_start", "must be a Monday");
  }
  ASSIGN_OR_RETURN(FieldOrganisation org, ReadFieldOrganisation(process_));
  if (!org.people.contains(request.rep_id())) {
    return core::FieldStatus(absl::StatusCode::kNotFound, "rep_id",
                             absl::StrCat("'", request.rep_id(), "' is not a known rep"));
  }
  const absl::Time at = channel::ChinaDayStart(week_start);
  const std::string territory = org.RepTerritoryAt(request.rep_id(), at);
  response->set_rep_id(request.rep_id());
  response->set_week_start(channel::FormatDate(week_start));
  response->set_territory_id(territory);
  response->set_capacity(rules_.frequencies.weekly_capacity);
  if (territory.empty()) return absl::OkStatus();  // nobody to plan for

  const absl::CivilMonth month(week_start);
  ASSIGN_OR_RETURN(FieldCustomers customers, ReadFieldCustomers(channel_, process_));
  DoctorFigures figures(process_);
  std::vector<process::PlanDoctor> doctors;
  for (const v1::Customer& c : customers.customers) {
    if (c.profile().kind() != v1::CUSTOMER_KIND_DOCTOR ||
        c.status() != v1::CUSTOMER_STATUS_ACTIVE ||
        !process::WithinTerritory(org.parent_of, customers.TerritoryAt(c, at), territory)) {
      continue;
    }
    ASSIGN_OR_RETURN(const process::DoctorMonths* months, figures.Of(c.id()));
    process::PlanDoctor d;
    d.id = c.id();
    d.name = c.profile().name();
    d.doctor_class = process::ClassIn(*months, month, rules_.doctors);
    if (d.doctor_class == process::DoctorClass::kNone) continue;
    // Calls on the doctor (by anyone) before the week: this month's count,
    // and the last one within kLastCallMonths.
    for (int back = 0; back < kLastCallMonths; ++back) {
      ASSIGN_OR_RETURN(std::vector<v1::CallReport> calls,
                       field_.CustomerCalls(c.id(), channel::FormatMonth(month - back)));
      for (const v1::CallReport& call : calls) {
        absl::StatusOr<absl::Time> t = core::FromTimestamp(call.called_at(), "called_at");
        if (!t.ok()) continue;
        const absl::CivilDay day = channel::ChinaDay(*t);
        if (day >= week_start) continue;
        if (back == 0) ++d.calls_this_month;
        if (!d.last_call || day > *d.last_call) d.last_call = day;
      }
      if (d.last_call) break;
    }
    doctors.push_back(std::move(d));
  }
  response->set_doctors_considered(static_cast<int32_t>(doctors.size()));
  ASSIGN_OR_RETURN(std::vector<process::PlannedCall> planned,
                   process::ProposeWeeklyPlan(doctors, week_start, rules_.frequencies));
  absl::flat_hash_map<std::string, const process::PlanDoctor*> by_id;
  for (const process::PlanDoctor& d : doctors) by_id[d.id] = &d;
  for (const process::PlannedCall& p : planned) {
    v1::PlannedCall* out = response->add_calls();
    out->set_doctor_id(p.doctor_id);
    out->set_name(p.name);
    out->set_doctor_class(std::string(process::DoctorClassName(p.doctor_class)));
    out->set_calls(p.calls);
    out->set_urgency(p.urgency);
    out->set_reason(p.reason);
    out->set_reason_zh(p.reason_zh);
    const process::PlanDoctor& d = *by_id.at(p.doctor_id);
    out->set_calls_this_month(d.calls_this_month);
    if (d.last_call) out->set_last_call_day(channel::FormatDate(*d.last_call));
  }
  return absl::OkStatus();
}

}  // namespace pharmacrm::sales_pipeline
