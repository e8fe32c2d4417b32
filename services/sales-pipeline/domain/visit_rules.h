// What a loggable visit (call report) is. Pure.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_VISIT_RULES_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_VISIT_RULES_H_

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "pharmacrm/v1/sales_pipeline.pb.h"

namespace pharmacrm::sales_pipeline {

// Reps may log a visit up to this long after it happened.
inline constexpr absl::Duration kMaxVisitAge = absl::Hours(24 * 30);
// Clock skew tolerated for visits stamped slightly in the future.
inline constexpr absl::Duration kMaxFutureSkew = absl::Minutes(5);
inline constexpr size_t kMaxNotesBytes = 4000;

// Field rules of a LogVisitRequest (request_id is checked by the caller).
// `visited_at` is the request's time or `now` if unset.
absl::Status ValidateVisit(const v1::LogVisitRequest& request, absl::Time visited_at, absl::Time now);

// The activity after one more visit.
v1::CustomerActivity AddVisit(v1::CustomerActivity activity, const v1::Visit& visit);

// Adds the activity of a customer merged into `survivor`: visits summed, the
// latest visit (and its rep) kept.
void FoldActivity(const v1::CustomerActivity& merged, v1::CustomerActivity* survivor);

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_VISIT_RULES_H_
