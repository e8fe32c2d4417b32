#include "domain/visit_rules.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline {

absl::Status ValidateVisit(const v1::LogVisitRequest& request, absl::Time visited_at,
                           absl::Time now) {
  if (request.customer_id().empty()) return core::FieldError("customer_id", "must be set");
  if (request.rep_id().empty()) return core::FieldError("rep_id", "must be set");
  if (request.rep_id().size() > 64) return core::FieldError("rep_id", "longer than 64 bytes");
  if (request.notes().size() > kMaxNotesBytes) {
    return core::FieldError("notes", absl::StrCat("longer than ", kMaxNotesBytes, " bytes"));
  }
  if (visited_at > now + kMaxFutureSkew) {
    return core::FieldError("visited_at", "is in the future");
  }
  if (visited_at < now - kMaxVisitAge) {
    return core::FieldError("visited_at", "is more than 30 days ago; too late to log");
  }
  return absl::OkStatus();
}

v1::CustomerActivity AddVisit(v1::CustomerActivity activity, const v1::Visit& visit) {
  activity.set_customer_id(visit.customer_id());
  activity.set_visit_count(activity.visit_count() + 1);
  if (!activity.has_last_visit_at() || activity.last_visit_at() <= visit.visited_at()) {
    *activity.mutable_last_visit_at() = visit.visited_at();
    activity.set_last_rep_id(visit.rep_id());
  }
  return activity;
}

void FoldActivity(const v1::CustomerActivity& merged, v1::CustomerActivity* survivor) {
  survivor->set_visit_count(survivor->visit_count() + merged.visit_count());
  if (merged.has_last_visit_at() &&
      (!survivor->has_last_visit_at() || survivor->last_visit_at() < merged.last_visit_at())) {
    *survivor->mutable_last_visit_at() = merged.last_visit_at();
    survivor->set_last_rep_id(merged.last_rep_id());
  }
}

}  // namespace pharmacrm::sales_pipeline
