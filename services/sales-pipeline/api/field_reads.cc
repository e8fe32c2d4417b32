#include "api/field_reads.h"

#include <utility>

#include "domain/channel/dates.h"
#include "domain/process/organisation.h"
#include "domain/process/target_inputs.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline {

std::string FieldOrganisation::RepTerritoryAt(const std::string& rep_id, absl::Time at) const {
  auto it = rep_alignment.find(rep_id);
  return it == rep_alignment.end() ? "" : process::TerritoryAt(it->second, at);
}

absl::StatusOr<FieldOrganisation> ReadFieldOrganisation(const ProcessRepository& process) {
  FieldOrganisation out;
  ASSIGN_OR_RETURN(std::vector<v1::Territory> territories, process.Territories());
  for (v1::Territory& t : territories) {
    out.parent_of[t.id()] = t.parent_id();
    std::string id = t.id();
    out.territories.emplace(std::move(id), std::move(t));
  }
  ASSIGN_OR_RETURN(std::vector<v1::Rep> people, process.Reps());
  for (v1::Rep& p : people) {
    ASSIGN_OR_RETURN(std::optional<v1::AlignmentHistory> history, process.RepAlignment(p.id()));
    if (history) out.rep_alignment.emplace(p.id(), *std::move(history));
    std::string id = p.id();
    out.people.emplace(std::move(id), std::move(p));
  }
  return out;
}

const v1::Customer* FieldCustomers::Find(const std::string& id) const {
  auto it = index.find(id);
  return it == index.end() ? nullptr : &customers[it->second];
}

std::string FieldCustomers::TerritoryAt(const v1::Customer& customer, absl::Time at) const {
  auto own = alignment.find(customer.id());
  const v1::AlignmentHistory* hospital = nullptr;
  if (customer.profile().kind() == v1::CUSTOMER_KIND_DOCTOR) {
    auto it = alignment.find(customer.profile().hospital_id());
    if (it != alignment.end()) hospital = &it->second;
  }
  return process::AccountTerritoryAt(own == alignment.end() ? nullptr : &own->second, hospital, at);
}

absl::StatusOr<FieldCustomers> ReadFieldCustomers(const ChannelRepository& channel,
                                                  const ProcessRepository& process) {
  FieldCustomers out;
  ASSIGN_OR_RETURN(out.customers, channel.KnownCustomers());
  out.index.reserve(out.customers.size());
  for (size_t i = 0; i < out.customers.size(); ++i) out.index[out.customers[i].id()] = i;
  ASSIGN_OR_RETURN(std::vector<v1::AlignmentHistory> histories, process.CustomerAlignments());
  for (v1::AlignmentHistory& h : histories) {
    if (h.alignments().empty()) continue;
    std::string id = h.alignments(0).subject_id();
    out.alignment.emplace(std::move(id), std::move(h));
  }
  return out;
}

absl::StatusOr<std::string> CustomerTerritoryAt(const ProcessRepository& process,
                                                const v1::Customer& customer, absl::Time at) {
  ASSIGN_OR_RETURN(std::optional<v1::AlignmentHistory> own,
                   process.CustomerAlignment(customer.id()));
  std::optional<v1::AlignmentHistory> hospital;
  if (customer.profile().kind() == v1::CUSTOMER_KIND_DOCTOR &&
      !customer.profile().hospital_id().empty()) {
    ASSIGN_OR_RETURN(hospital, process.CustomerAlignment(customer.profile().hospital_id()));
  }
  return process::AccountTerritoryAt(own ? &*own : nullptr, hospital ? &*hospital : nullptr, at);
}

absl::StatusOr<const process::DoctorMonths*> DoctorFigures::Of(const std::string& doctor_id) {
  auto [it, added] = cache_.try_emplace(doctor_id);
  if (!added) return &it->second;
  process::DoctorMonths& months = it->second;
  absl::Status read = process_->VisitCustomerMetrics(doctor_id, [&](const v1::CustomerMetrics& m) {
    if (!m.has_doctor()) return;
    absl::StatusOr<absl::CivilMonth> period = channel::ParseMonth(m.period(), "period");
    if (!period.ok()) return;
    process::PrescriptionMonth& sum = months[*period];
    for (const v1::DrugClassFigure& f : m.doctor().prescriptions()) sum.all += f.volume();
    for (const v1::DrugClassFigure& f : m.doctor().own_prescriptions()) sum.own += f.volume();
  });
  if (!read.ok()) {
    cache_.erase(it);
    return read;
  }
  return &it->second;
}

}  // namespace pharmacrm::sales_pipeline
