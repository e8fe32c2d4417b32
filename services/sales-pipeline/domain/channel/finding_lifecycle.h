// A finding's life once a rule raised it (diversion.h, inventory.h): what a
// new run of the checks changes in the stored findings, and a person's
// decision on one. Pure and thread-safe.
//
// MergeFindings compares the findings a run found (`fresh`, each with its
// stable id, findings.h) with those stored:
//   - raised: an id not stored. State OPEN, owner from `owner` (the
//     distributor's key account manager, or the default owner),
//     detected_at `now`, history one OPEN entry by kChecksActor, version 1.
//   Every change below adds 1 to the version.
//   - updated: a stored id whose figures changed (anything but state,
//     owner, history and detected_at, which are kept). Its state stays.
//   - state_changed:
//       withdrawn: a stored OPEN finding the run no longer finds (the
//         flow, stock or shipments it rested on changed) becomes DISMISSED
//         by kChecksActor with kWithdrawnReason;
//       shown again: a stored finding DISMISSED by kChecksActor (withdrawn
//         earlier) that the run finds again is OPEN again, with the new
//         figures, by kChecksActor with kShownAgainReason.
//     A finding a person dismissed stays dismissed while the data still
//     shows it (its figures may be updated); a confirmed one stays
//     confirmed even when the data no longer shows it.
// Lists are in SortFindings order (findings.h); `open` counts the findings
// that are OPEN after the merge.
//
// DecideFinding is a person's decision: CONFIRMED, DISMISSED (reason
// required) or OPEN again (reason required); deciding the state a finding
// already has is FAILED_PRECONDITION. The decision is appended to history.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_FINDING_LIFECYCLE_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_FINDING_LIFECYCLE_H_

#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pharmacrm/v1/channel.pb.h"

namespace pharmacrm::sales_pipeline::channel {

inline constexpr absl::string_view kChecksActor = "channel-checks";
inline constexpr absl::string_view kWithdrawnReason =
    "no longer shown by the data (the flow, stock or shipments it rested on changed) / "
    "数据已不再显示此问题（所依据的流向、库存或发货已变更）";
inline constexpr absl::string_view kShownAgainReason =
    "shown again by the data / 数据再次显示此问题";
inline constexpr size_t kMaxDecisionReasonBytes = 2000;

struct FindingUpdates {
  std::vector<v1::Finding> raised;
  std::vector<v1::Finding> updated;
  std::vector<v1::Finding> state_changed;
  int withdrawn = 0;
  int open = 0;
};

FindingUpdates MergeFindings(const std::vector<v1::Finding>& stored,
                             std::vector<v1::Finding> fresh,
                             absl::FunctionRef<std::string(const v1::Finding&)> owner,
                             absl::Time now);

absl::StatusOr<v1::Finding> DecideFinding(v1::Finding finding, v1::FindingState state,
                                          absl::string_view reason, absl::string_view actor,
                                          absl::Time now);

// "open", "confirmed", "dismissed" (for messages).
absl::string_view FindingStateName(v1::FindingState state);

}  // namespace pharmacrm::sales_pipeline::channel

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_FINDING_LIFECYCLE_H_
