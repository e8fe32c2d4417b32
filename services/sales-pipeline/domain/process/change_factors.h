// Change factors during the sale (销售中的变化因素, docs/SALES_PROCESS.md):
// what changes at a key account — its needs, the people in charge
// (director, pharmacy & therapeutics committee, pharmacy director,
// department heads), budget, competitor relationship and timetable (P&T
// meetings, tenders) — each change an alert to the account's owner with a
// response suggested by rule, and the alert's life (open, acknowledged,
// done, expired) with its history. Pure and thread-safe; served by
// api/change_alerts_service.h and projections/change_factors_projection.h.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_CHANGE_FACTORS_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_CHANGE_FACTORS_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::sales_pipeline::process {

enum class ChangeFactor { kNeeds, kPeopleInCharge, kBudget, kCompetitor, kTimetable };
// "needs", "people in charge", "budget", "competitor", "timetable".
absl::string_view ChangeFactorName(ChangeFactor factor);

// One change at a key account.
struct FactorChange {
  ChangeFactor factor = ChangeFactor::kNeeds;
  std::string customer_id;
  std::string what;    // e.g. "pharmacy_committee", "department_head:心内科", "tender"
  std::string before;  // as text; "" when something new appeared
  std::string after;   // as text; "" when something was removed
  std::string source;  // "customer-master", or the rep who entered it
  absl::Time at;
};

// The people in charge of a hospital as its profile names them: the legal
// representative (the director), every P&T committee member by name and
// role, and each department's head.
struct PeopleInCharge {
  std::string director;
  std::map<std::string, std::string> committee;         // member name -> role
  std::map<std::string, std::string> department_heads;  // department -> head doctor id
};
PeopleInCharge PeopleOf(const v1::Customer& hospital);

// What changed between two versions of a hospital's people in charge: the
// director replaced, a committee member added, removed or given another
// role, a department's head replaced, added or removed; by kind, then name.
std::vector<FactorChange> PeopleChanges(const std::string& customer_id,
                                        const PeopleInCharge& before, const PeopleInCharge& after,
                                        absl::Time at);

// A change a rep enters (needs, budget, competitor, timetable; people in
// charge come from customer-master). INVALID_ARGUMENT naming the field:
// customer_id and what must be set, before or after must be set, each at
// most 500 bytes; factor people in charge is refused (it is kept by
// customer-master: change the profile there).
absl::Status ValidateEnteredChange(const FactorChange& change);

// The response suggested for a change, in English and Chinese, and the
// days within which it should be done.
struct Suggestion {
  std::string text;
  std::string text_zh;
  int due_in_days = 14;
};
Suggestion SuggestResponse(const FactorChange& change);

enum class AlertState { kOpen, kAcknowledged, kDone, kExpired };
absl::string_view AlertStateName(AlertState state);  // "open", "acknowledged", "done", "expired"

struct AlertEntry {
  AlertState state = AlertState::kOpen;
  std::string by;
  std::string note;
  absl::Time at;
};

struct Alert {
  std::string id;
  std::string owner;  // the key account's manager, or its territory's rep
  FactorChange change;
  Suggestion suggestion;
  absl::Time raised_at;
  absl::Time due_by;
  AlertState state = AlertState::kOpen;
  std::vector<AlertEntry> history;  // raised first
};

// A new open alert for `change`, due after the suggestion's days.
Alert RaiseAlert(std::string id, std::string owner, const FactorChange& change);

// Moves an alert on: acknowledged (by its owner or anyone, noted), done (a
// note of what was done is required) or expired; an alert past due_by is
// expired first. FAILED_PRECONDITION naming state for a move out of done or
// expired, or back to open or acknowledged from acknowledged; INVALID_ARGUMENT
// note when done has none.
absl::StatusOr<Alert> MoveAlert(const Alert& alert, AlertState to, const std::string& by,
                                const std::string& note, absl::Time now);

// Open and acknowledged alerts past their due_by, expired at `now` (by
// "change-factors"); others unchanged. Returns how many expired.
int ExpireAlerts(std::vector<Alert>& alerts, absl::Time now);

}  // namespace pharmacrm::sales_pipeline::process

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_CHANGE_FACTORS_H_
