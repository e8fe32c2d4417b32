// What the field force's rules read of the organisation and the customers,
// loaded once per request (api/calls.cc, call_plans.cc, kpis.cc).
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_API_FIELD_READS_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_API_FIELD_READS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "domain/process/doctor_months.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/sales_process.pb.h"
#include "pharmacrm/v1/territories.pb.h"
#include "storage/channel_repository.h"
#include "storage/process_repository.h"

namespace pharmacrm::sales_pipeline {

// The organisation: the territory tree, the people and where reps stood.
struct FieldOrganisation {
  absl::flat_hash_map<std::string, std::string> parent_of;  // territory -> parent ("" root)
  absl::flat_hash_map<std::string, v1::Territory> territories;
  absl::flat_hash_map<std::string, v1::Rep> people;
  absl::flat_hash_map<std::string, v1::AlignmentHistory> rep_alignment;

  // The person's territory at `at`, "" when unaligned or unknown.
  std::string RepTerritoryAt(const std::string& rep_id, absl::Time at) const;
};
absl::StatusOr<FieldOrganisation> ReadFieldOrganisation(const ProcessRepository& process);

// The known customers with their alignment histories.
struct FieldCustomers {
  std::vector<v1::Customer> customers;
  absl::flat_hash_map<std::string, size_t> index;  // id -> customers[i]
  absl::flat_hash_map<std::string, v1::AlignmentHistory> alignment;

  const v1::Customer* Find(const std::string& id) const;
  // The customer's territory at `at`: its own alignment; for a doctor
  // without one, their hospital's. "" when neither is aligned.
  std::string TerritoryAt(const v1::Customer& customer, absl::Time at) const;
};
absl::StatusOr<FieldCustomers> ReadFieldCustomers(const ChannelRepository& channel,
                                                  const ProcessRepository& process);

// A customer's territory at `at` read for one customer (a call report).
absl::StatusOr<std::string> CustomerTerritoryAt(const ProcessRepository& process,
                                                const v1::Customer& customer, absl::Time at);

// Doctors' monthly prescriptions from the customer master's metrics, of
// every drug class they name (a doctor's weight as a prescriber, whatever
// the class), read per doctor when first asked for and kept.
class DoctorFigures {
 public:
  explicit DoctorFigures(const ProcessRepository& process) : process_(&process) {}
  // The doctor's months (-> {all makers, ours}); empty when none.
  absl::StatusOr<const process::DoctorMonths*> Of(const std::string& doctor_id);

 private:
  const ProcessRepository* process_;
  absl::flat_hash_map<std::string, process::DoctorMonths> cache_;
};

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_API_FIELD_READS_H_
