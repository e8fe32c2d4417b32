// Test support: territories, alignments and hospitals with their people in
// charge, as the sales process's tests put them (protobuf messages only,
// header-only, so domain, API and projection tests share them).
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_ORGANISATION_TESTING_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_ORGANISATION_TESTING_H_

#include <string>
#include <utility>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/territories.pb.h"

namespace pharmacrm::sales_pipeline::testing_data {

inline v1::Territory TestTerritory(const std::string& id, v1::TerritoryLevel level,
                                   const std::string& parent, const std::string& name) {
  v1::Territory t;
  t.set_id(id);
  t.set_code(id);
  t.set_name(name);
  t.set_level(level);
  t.set_parent_id(parent);
  t.set_version(1);
  return t;
}

// In force from `from` (00:00 UTC), recorded `recorded_at`.
inline v1::Alignment TestAlignment(const std::string& subject, const std::string& territory,
                                   absl::CivilDay from,
                                   absl::Time recorded_at = absl::UnixEpoch()) {
  v1::Alignment a;
  a.set_subject_id(subject);
  a.set_territory_id(territory);
  *a.mutable_effective_from() = core::ToTimestamp(absl::FromCivil(from, absl::UTCTimeZone()));
  if (recorded_at != absl::UnixEpoch()) *a.mutable_recorded_at() = core::ToTimestamp(recorded_at);
  return a;
}

// A history of one alignment.
inline v1::AlignmentHistory TestAlignmentHistory(const std::string& subject,
                                                 const std::string& territory,
                                                 absl::CivilDay from) {
  v1::AlignmentHistory h;
  *h.add_alignments() = TestAlignment(subject, territory, from);
  return h;
}

// A hospital's people in charge: its director (legal representative), P&T
// committee members (name, role) and department heads (department, doctor).
inline v1::HospitalDetails TestPeople(
    const std::string& director, const std::vector<std::pair<std::string, std::string>>& committee,
    const std::vector<std::pair<std::string, std::string>>& heads) {
  v1::HospitalDetails h;
  h.set_legal_representative(director);
  for (const auto& [name, role] : committee) {
    v1::CommitteeMember* m = h.add_pharmacy_committee();
    m->set_name(name);
    m->set_role(role);
  }
  for (const auto& [department, head] : heads) {
    v1::Department* d = h.add_departments();
    d->set_name(department);
    d->set_head_doctor_id(head);
  }
  return h;
}

}  // namespace pharmacrm::sales_pipeline::testing_data

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_ORGANISATION_TESTING_H_
