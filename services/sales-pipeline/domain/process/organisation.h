// The sales organisation's people and who is aligned where
// (docs/SALES_PROCESS.md, "The organisation"). Pure and thread-safe.
//
// People (v1::Rep): a rep, district manager, regional manager or national
// director, with a manager, start and end dates, and a monthly cost that
// changes from a month on (salary, allowance, expenses, samples budget).
// Each change is a new version; the past stays as it was.
//
// Alignments come from customer-master (CustomerAligned, RepAligned): an
// append-only history per customer and per rep, each entry in force from
// its effective_from until the next. The territory of a subject on a date
// is the entry with the latest effective_from at or before it (of two with
// the same effective_from, the later recorded_at: a correction), so a rep
// who moved in July counts for their old territory in June's KPIs.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_ORGANISATION_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_ORGANISATION_H_

#include <optional>
#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "pharmacrm/v1/sales_process.pb.h"
#include "pharmacrm/v1/territories.pb.h"

namespace pharmacrm::sales_pipeline::process {

// Checks a person as UpsertRep receives it (version, updated_* ignored):
// id (2..64 of a-z 0-9 . _ -), name (1..100 characters), role, manager_id
// (set unless a national director; not the person's own id), start_date
// and end_date ("YYYY-MM-DD", end not before start), costs (at least one;
// months "YYYY-MM" strictly ascending, the first at or before the start
// month; every amount 0..10^12 fen, samples 0..10^6 packs), reason (at
// most 500 bytes). INVALID_ARGUMENT naming the field (rep.<field>, and
// rep.costs[i].<field>).
absl::Status ValidateRep(const v1::Rep& rep);

// The cost entry in force in `month`: the last with from_month at or
// before it; nullopt before the first.
std::optional<v1::RepCost> CostIn(const v1::Rep& rep, absl::CivilMonth month);

// A person's monthly cost in fen (salary + allowance + expenses) in
// `month`; 0 outside their employment (before start_date's month, after
// end_date's month) or before their first cost entry.
int64_t MonthlyCostFen(const v1::Rep& rep, absl::CivilMonth month);

// Whether the person was employed on any day of `month`.
bool EmployedIn(const v1::Rep& rep, absl::CivilMonth month);

// Whether the person is employed on `day`: start_date..end_date, both
// included (no end_date: still employed). An unreadable date: not employed.
bool EmployedOn(const v1::Rep& rep, absl::CivilDay day);

// `history` with `entry` added in its place (by effective_from, then
// recorded_at); an entry already there (same effective_from, recorded_at
// and territory) is not added twice. INVALID_ARGUMENT alignment.<field>
// for an entry without subject_id or effective_from.
absl::StatusOr<v1::AlignmentHistory> AddAlignment(std::optional<v1::AlignmentHistory> history,
                                                  const v1::Alignment& entry);

// The territory in force at `at` (see the top), or "" when unaligned.
std::string TerritoryAt(const v1::AlignmentHistory& history, absl::Time at);

// An account's territory at `at`: the customer's own alignment's, else its
// hospital's (a doctor's); "" when neither has one. Either history may be
// null (never aligned).
std::string AccountTerritoryAt(const v1::AlignmentHistory* own,
                               const v1::AlignmentHistory* hospital, absl::Time at);

// "nation", "region", "area", "territory" for a TerritoryLevel; "" else.
absl::string_view TerritoryLevelName(v1::TerritoryLevel level);

}  // namespace pharmacrm::sales_pipeline::process

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_ORGANISATION_H_
