#include "domain/channel/finding_lifecycle.h"

#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "domain/channel/findings.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

void AddChange(v1::Finding& finding, v1::FindingState state, absl::string_view reason,
               absl::string_view actor, absl::Time now) {
  finding.set_state(state);
  v1::FindingChange* change = finding.add_history();
  change->set_state(state);
  change->set_reason(std::string(reason));
  change->set_actor(std::string(actor));
  *change->mutable_at() = core::ToTimestamp(now);
}

// `fresh` with what a run does not decide taken from `stored`.
v1::Finding Carried(const v1::Finding& stored, v1::Finding fresh) {
  fresh.set_state(stored.state());
  fresh.set_owner(stored.owner());
  *fresh.mutable_history() = stored.history();
  *fresh.mutable_detected_at() = stored.detected_at();
  fresh.set_version(stored.version());
  return fresh;
}

bool WithdrawnByChecks(const v1::Finding& finding) {
  return finding.state() == v1::FINDING_STATE_DISMISSED && finding.history_size() > 0 &&
         finding.history(finding.history_size() - 1).actor() == kChecksActor;
}

}  // namespace

absl::string_view FindingStateName(v1::FindingState state) {
  switch (state) {
    case v1::FINDING_STATE_OPEN:
      return "open";
    case v1::FINDING_STATE_CONFIRMED:
      return "confirmed";
    case v1::FINDING_STATE_DISMISSED:
      return "dismissed";
    default:
      return "unspecified";
  }
}

FindingUpdates MergeFindings(const std::vector<v1::Finding>& stored,
                             std::vector<v1::Finding> fresh,
                             absl::FunctionRef<std::string(const v1::Finding&)> owner,
                             absl::Time now) {
  absl::flat_hash_map<absl::string_view, const v1::Finding*> known;
  known.reserve(stored.size());
  for (const v1::Finding& finding : stored) known[finding.id()] = &finding;
  absl::flat_hash_set<std::string> seen;
  FindingUpdates out;
  for (v1::Finding& finding : fresh) {
    seen.insert(finding.id());
    auto it = known.find(finding.id());
    if (it == known.end()) {
      finding.set_owner(owner(finding));
      *finding.mutable_detected_at() = core::ToTimestamp(now);
      finding.clear_history();
      finding.set_version(1);
      AddChange(finding, v1::FINDING_STATE_OPEN, "raised by the checks / 检查发现", kChecksActor,
                now);
      out.raised.push_back(std::move(finding));
      continue;
    }
    const v1::Finding& before = *it->second;
    v1::Finding after = Carried(before, std::move(finding));
    if (WithdrawnByChecks(before)) {
      AddChange(after, v1::FINDING_STATE_OPEN, kShownAgainReason, kChecksActor, now);
      after.set_version(before.version() + 1);
      out.state_changed.push_back(std::move(after));
    } else if (after.SerializeAsString() != before.SerializeAsString()) {
      after.set_version(before.version() + 1);
      out.updated.push_back(std::move(after));
    }
  }
  for (const v1::Finding& finding : stored) {
    if (seen.contains(finding.id()) || finding.state() != v1::FINDING_STATE_OPEN) continue;
    v1::Finding withdrawn = finding;
    AddChange(withdrawn, v1::FINDING_STATE_DISMISSED, kWithdrawnReason, kChecksActor, now);
    withdrawn.set_version(finding.version() + 1);
    out.state_changed.push_back(std::move(withdrawn));
    ++out.withdrawn;
  }
  // Open after the merge: the stored open ones not withdrawn, plus raised
  // and reopened.
  absl::flat_hash_map<absl::string_view, v1::FindingState> state_after;
  for (const v1::Finding& finding : stored) state_after[finding.id()] = finding.state();
  for (const v1::Finding& finding : out.raised) state_after[finding.id()] = finding.state();
  for (const v1::Finding& finding : out.state_changed) state_after[finding.id()] = finding.state();
  for (const auto& [id, state] : state_after) out.open += state == v1::FINDING_STATE_OPEN ? 1 : 0;
  SortFindings(&out.raised);
  SortFindings(&out.updated);
  SortFindings(&out.state_changed);
  return out;
}

absl::StatusOr<v1::Finding> DecideFinding(v1::Finding finding, v1::FindingState state,
                                          absl::string_view reason, absl::string_view actor,
                                          absl::Time now) {
  if (state != v1::FINDING_STATE_OPEN && state != v1::FINDING_STATE_CONFIRMED &&
      state != v1::FINDING_STATE_DISMISSED) {
    return core::FieldError("state", "must be FINDING_STATE_CONFIRMED, FINDING_STATE_DISMISSED "
                                     "or FINDING_STATE_OPEN");
  }
  if (reason.size() > kMaxDecisionReasonBytes) {
    return core::FieldError("reason",
                            absl::StrCat("is longer than ", kMaxDecisionReasonBytes, " bytes"));
  }
  if (state != v1::FINDING_STATE_CONFIRMED && reason.empty()) {
    return core::FieldError("reason", absl::StrCat("is required to make a finding ",
                                                   FindingStateName(state)));
  }
  if (finding.state() == state) {
    return absl::FailedPreconditionError(absl::StrCat("finding ", finding.id(), " is already ",
                                                      FindingStateName(state)));
  }
  AddChange(finding, state, reason, actor, now);
  finding.set_version(finding.version() + 1);
  return finding;
}

}  // namespace pharmacrm::sales_pipeline::channel
