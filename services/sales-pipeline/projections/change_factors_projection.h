// Change factors from customer-master (docs/SALES_PROCESS.md, "Change
// factors during the sale"): for each hospital, its people in charge
// (director, P&T committee, department heads) as its last profile named
// them, in its own key space (kPeopleSnapshot; the consumer of the
// customer topic joins this projection with the others, so it reads none
// of their keys that the same event writes). A ProfileChanged compares the
// new profile with the snapshot and raises one alert per change to the
// hospital's owner (api/alert_owner_reads.h), each published as
// AlertRaised in the batch that records the event consumed. A
// registration, and every other event carrying a record (deactivation,
// reactivation, merge, unmerge), only keeps the snapshot, as does a
// profile change of a hospital without one (registered before alerts were
// served). An older version than the snapshot's changes nothing.
//
// An alert's id is the event's id and the change's number in it
// ("<event id>-1"), so a redelivered event cannot raise it twice.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_PROJECTIONS_CHANGE_FACTORS_PROJECTION_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_PROJECTIONS_CHANGE_FACTORS_PROJECTION_H_

#include "absl/status/status.h"
#include "pharmacrm/core/clock.h"
#include "pharmacrm/runtime/host.h"
#include "pharmacrm/store/store.h"
#include "pharmacrm/v1/events.pb.h"

namespace pharmacrm::sales_pipeline {

// Applies one customer-topic event (other payloads are skipped): the
// consumer's step, exposed for tests. `clock` gives the events'
// recorded_at. A record that cannot be read is INVALID_ARGUMENT naming the
// field (poison: nothing of the event is applied).
absl::Status ApplyChangeFactors(store::Store& store, const core::Clock& clock,
                                const v1::EventEnvelope& event, store::Batch& batch);

void AddChangeFactorsProjection(runtime::ServiceHost& host);

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_PROJECTIONS_CHANGE_FACTORS_PROJECTION_H_
