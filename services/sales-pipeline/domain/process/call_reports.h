// Call reports and the samples a rep holds (docs/SALES_PROCESS.md, "Call
// reports"). Pure and thread-safe.
//
// A call report replaces the bare visit: the products discussed, key
// messages, duration, outcome, next step, the other customers present and
// the samples left (product, batch, packs, signed for). It is accepted
// when
//   - its fields are well formed (ValidateCallReport);
//   - it is not more than a day in the future, nor more than 365 days old
//     (a call from an earlier CRM's history, ImportCallHistory: not in the
//     future, nor more than 10 years old);
//   - the customer is known and active;
//   - the rep was employed on the call's day, and the customer's territory
//     that day is the rep's territory or below it (a manager's area covers
//     its territories), unless outside_territory is set with a reason;
//   - a joint call's manager is one of the rep's managers up the line;
//   - every sample line is within the rep's stock of that product and
//     batch (lines of one batch are summed); an imported call's samples
//     are recorded as left but not taken from today's stock.
// Nothing of a refused report is written.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_CALL_REPORTS_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_CALL_REPORTS_H_

#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pharmacrm/v1/field_force.pb.h"
#include "pharmacrm/v1/sales_process.pb.h"

namespace pharmacrm::sales_pipeline::process {

// How far ahead and back a call may be dated.
inline constexpr absl::Duration kCallMaxAhead = absl::Hours(24);
inline constexpr absl::Duration kCallMaxAge = absl::Hours(24 * 365);
inline constexpr absl::Duration kHistoryCallMaxAge = absl::Hours(24 * 3653);

// Where a call comes from: reported by a rep now, or migrated from an
// earlier CRM's history (ImportCallHistory).
enum class CallSource { kReported, kHistory };

// The form of a report (call.<field>, and call.samples[i].<field>):
// rep_id and customer_id set (at most 64 bytes), duration_minutes 1..480,
// at most 10 products (each set, no repeats), at most 10 key messages of
// at most 200 bytes, an outcome, next_step at most 500 bytes, at most 20
// attendees (set, not the customer, no repeats), at most 20 sample lines
// (product and batch set, quantity 1..1000), joint_with not the rep,
// outside_reason (1..500 bytes) exactly when outside_territory, notes at
// most 2000 bytes; called_at not more than kCallMaxAhead after `now` nor
// kCallMaxAge before it (kHistory: not after `now`, nor kHistoryCallMaxAge
// before it). INVALID_ARGUMENT naming the field.
absl::Status ValidateCallReport(const v1::CallReport& call, absl::Time called_at, absl::Time now,
                                CallSource source = CallSource::kReported);

// Whether `territory_id` is `scope` or below it in the tree given as
// territory -> parent ("" for the root).
bool WithinTerritory(const absl::flat_hash_map<std::string, std::string>& parent_of,
                     const std::string& territory_id, const std::string& scope);

// The territory rule above: OK when the customer's territory that day
// (customer_territory, "" when unaligned) is within the rep's
// (rep_territory), or the report is marked outside_territory.
// FAILED_PRECONDITION naming call.customer_id otherwise (and when the rep
// had no territory that day).
absl::Status CheckTerritory(const v1::CallReport& call, const std::string& rep_territory,
                            const std::string& customer_territory,
                            const absl::flat_hash_map<std::string, std::string>& parent_of);

// The rep's managers up the line, nearest first, as ids (`people` by id;
// stops at a missing person or a loop).
std::vector<std::string> ManagersOf(const v1::Rep& rep,
                                    const absl::flat_hash_map<std::string, v1::Rep>& people);

// A sample stock line's key: product and batch.
using StockKey = std::pair<std::string, std::string>;

// The stock after the call's samples are taken from it: FAILED_PRECONDITION
// naming call.samples[i].quantity when a product's batch has fewer packs on
// hand than the report's lines of it ask for (no line is taken then).
absl::StatusOr<std::map<StockKey, v1::SampleStockLine>> TakeSamples(
    std::map<StockKey, v1::SampleStockLine> stock, const v1::CallReport& call);

// A stock line with `quantity` more issued. INVALID_ARGUMENT naming
// quantity (1..100000, and the line's total at most 10^9) or batch_no
// (1..40 bytes).
absl::StatusOr<v1::SampleStockLine> IssueTo(v1::SampleStockLine line, absl::string_view batch_no,
                                            int64_t quantity);

// Hands `visit` each doctor a report counts as called: the customer when a
// doctor, then each attendee who is one (`is_doctor` tells).
void VisitDoctorsCalled(const v1::CallReport& call,
                        const std::function<bool(const std::string&)>& is_doctor,
                        const std::function<void(const std::string&)>& visit);

}  // namespace pharmacrm::sales_pipeline::process

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_CALL_REPORTS_H_
