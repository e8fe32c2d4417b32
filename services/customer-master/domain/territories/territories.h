// Sales territories and the alignment of customers and reps to them: what a
// valid territory and alignment request are, who was aligned where on a given
// date, and the subtree below a territory. Pure: no I/O, no clock (callers
// pass `now`).
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_TERRITORIES_TERRITORIES_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_TERRITORIES_TERRITORIES_H_

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/timestamp.pb.h"
#include "pharmacrm/v1/territories.pb.h"

namespace pharmacrm::customer_master {

// Limits of a territory code: 2 to 40 characters of A-Z, 0-9 and '-'.
inline constexpr size_t kMinTerritoryCodeLength = 2;
inline constexpr size_t kMaxTerritoryCodeLength = 40;

// How far AlignRequest.effective_from may lie from `now`.
inline constexpr absl::Duration kMaxAlignmentBackdate = absl::Hours(365 * 24);
inline constexpr absl::Duration kMaxAlignmentLead = absl::Hours(90 * 24);
// How far back a migrated alignment (AlignRequest.history_source) may lie:
// ten years of 365.25 days.
inline constexpr absl::Duration kMaxHistoryBackdate = absl::Hours(3653 * 24);
// Longest AlignRequest.history_source, in bytes.
inline constexpr size_t kMaxHistorySourceBytes = 100;

// Longest AlignRequest.reason, in bytes.
inline constexpr size_t kMaxAlignmentReasonBytes = 500;

// OK if `t` may be created under `parent`, the territory named by
// t.parent_id (nullopt when t.parent_id is empty or names no territory).
// Errors name the field by its path in CreateTerritoryRequest:
//  - "territory.name": empty or only whitespace;
//  - "territory.code": not 2-40 characters of A-Z, 0-9 and '-' (lower case
//    is not accepted; uniqueness is the caller's);
//  - "territory.level": unset or not a known level;
//  - "territory.parent_id": a NATION with a parent; any other level without
//    one; a parent one level up that does not exist (NOT_FOUND), or whose
//    level is not exactly one up (REGION under NATION, AREA under REGION,
//    TERRITORY under AREA);
//  - "territory.provinces[i]": empty, or equal to an earlier entry.
// Errors are INVALID_ARGUMENT unless noted. id, version and created_at are
// the service's and not checked. `parent` with an id other than t.parent_id
// is treated as not found.
absl::Status ValidateNewTerritory(const v1::Territory& t,
                                  const std::optional<v1::Territory>& parent);

// `current` with the fields `r.update_mask` names taken from r.territory
// ("name", "code", "provinces"), version and everything else unchanged;
// the caller checks the result with ValidateNewTerritory (its field paths
// are those of UpdateTerritoryRequest too) and the code's uniqueness.
// Errors (INVALID_ARGUMENT) name the field:
//  - "update_mask": empty;
//  - "update_mask.paths[i]": not one of the three, or named twice.
absl::StatusOr<v1::Territory> ApplyTerritoryUpdate(const v1::Territory& current,
                                                   const v1::UpdateTerritoryRequest& r);

// The names of the Territory fields whose values differ between `before`
// and `after`, in field-number order ("code", "name", "level", "parent_id",
// "provinces"; repeated fields compared in order, as a stored territory is).
// id, version and created_at, which the service sets, are not compared.
// TerritoryChanged.changed_fields of an update; empty if nothing differs.
std::vector<std::string> TerritoryChangedFields(const v1::Territory& before,
                                                const v1::Territory& after);

// OK if `r` may be recorded at `now`. `target` is the territory named by
// r.territory_id; it is ignored when r.territory_id is empty (an unalignment).
// Errors name the request field:
//  - "subject": unset or not a known subject;
//  - "subject_id": empty;
//  - "territory_id": `target` has another id, i.e. the territory does not
//    exist (NOT_FOUND; a caller may pass a default Territory when the look-up
//    fails); or it is not a TERRITORY-level territory (customers and reps
//    both align only to a rep's patch, never to an AREA, REGION or NATION);
//  - "effective_from": when set, not a valid timestamp, more than
//    kMaxAlignmentBackdate before `now` or more than kMaxAlignmentLead after
//    it (both bounds inclusive). Unset means `now`. With history_source (a
//    migrated history): unset, after `now`, or more than
//    kMaxHistoryBackdate before it;
//  - "reason": longer than kMaxAlignmentReasonBytes;
//  - "history_source": only whitespace, or longer than
//    kMaxHistorySourceBytes.
// Errors are INVALID_ARGUMENT unless noted.
absl::Status ValidateAlignment(const v1::AlignRequest& r, absl::Time now,
                               const v1::Territory& target);

// The alignment in force at `as_of` among `history`, the entries of one
// subject in any order: of the entries with effective_from <= as_of, the one
// with the latest effective_from; of several with that effective_from, the one
// with the latest recorded_at (a correction recorded later replaces the entry
// it corrects); of entries equal in both, the last in `history`.
//
// This is today's best knowledge of the past: a back-dated correction
// recorded today changes the answer for every as_of from its effective_from
// on, but not for an earlier as_of. It is not what was believed at the time
// (recorded_at is not compared with as_of).
//
// nullopt if the subject had no alignment yet at `as_of`. An entry with an
// empty territory_id is returned as is: the subject was unaligned then.
std::optional<v1::Alignment> AlignmentAsOf(const std::vector<v1::Alignment>& history,
                                           const google::protobuf::Timestamp& as_of);

// Ids of `root_id` and every territory below it in `all`, breadth first:
// root, its children, their children, ...; siblings in the order of `all`.
// Each id appears once, so a cycle of parent_id links (bad data) ends the
// walk instead of looping. Empty if `root_id` is empty or not in `all`.
std::vector<std::string> Descendants(const std::vector<v1::Territory>& all,
                                     absl::string_view root_id);

// True if, per AlignmentAsOf, the subject of `history` was aligned to
// `territory_id` at `as_of`. Always false for an empty territory_id; use
// AlignmentAsOf to tell "unaligned" from "never aligned".
bool SubjectAlignedTo(const std::vector<v1::Alignment>& history,
                      absl::string_view territory_id,
                      const google::protobuf::Timestamp& as_of);

}  // namespace pharmacrm::customer_master

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_TERRITORIES_TERRITORIES_H_
