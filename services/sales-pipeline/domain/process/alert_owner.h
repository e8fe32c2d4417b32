// Who owns a customer's change-factor alerts on a date
// (docs/SALES_PROCESS.md, "Change factors during the sale"). Pure and
// thread-safe.
//
// The account's territory on the date is the customer's own alignment's,
// or, for a doctor aligned nowhere, their hospital's. Its owner is the rep
// (role rep, employed that day) aligned to that territory that day; with
// none, the nearest manager (any other role, employed that day) aligned to
// that territory or, going up the territory tree, to the first territory
// above it that has one. Of several people found at one step, the first by
// id. Nobody found, or no territory: unassigned (owner "").
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_ALERT_OWNER_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_ALERT_OWNER_H_

#include <map>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "domain/process/organisation.h"
#include "pharmacrm/v1/sales_process.pb.h"
#include "pharmacrm/v1/territories.pb.h"

namespace pharmacrm::sales_pipeline::process {

// A person of the sales organisation with their territories over time.
struct Person {
  v1::Rep rep;
  v1::AlignmentHistory alignments;
};

struct AlertOwner {
  std::string person_id;      // "" when unassigned
  std::string territory_id;   // the account's territory; "" when it has none
  std::string assignment;     // how the owner was found, or why none was, English
  std::string assignment_zh;  // the same, Chinese
};

// The owner at `at` (its China Standard Time day) of an account in
// `territory_id` ("" for none) by the rule at the top. `territories` holds
// that territory and those above it, by id (a missing one ends the climb);
// `people` everyone with their alignments.
AlertOwner FindAlertOwner(const std::string& territory_id,
                          const std::map<std::string, v1::Territory>& territories,
                          const std::vector<Person>& people, absl::Time at);

}  // namespace pharmacrm::sales_pipeline::process

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_ALERT_OWNER_H_
