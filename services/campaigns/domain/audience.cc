#include "domain/audience.h"

#include "google/protobuf/util/time_util.h"
#include "pharmacrm/core/payload.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/events/customer_events.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/sales_pipeline.pb.h"

namespace pharmacrm::campaigns {
namespace {
void SetProfile(const v1::Customer& c, v1::AudienceMember* m) {
  if (m->profile_version() >= c.version()) return;
  m->set_kind(c.profile().kind());
  m->set_name(c.profile().name());
  m->set_province(c.profile().province());
  m->set_city(c.profile().city());
  m->set_hospital_grade(c.profile().hospital_grade());
  m->set_profile_version(c.version());
}
}  // namespace

absl::StatusOr<std::optional<v1::AudienceMember>> ProjectAudience(
    const v1::EventEnvelope& event, std::optional<v1::AudienceMember> current) {
  v1::AudienceMember m = current.value_or(v1::AudienceMember());
  m.set_customer_id(event.customer_id());
  const auto& payload = event.payload();
  ASSIGN_OR_RETURN(std::optional<v1::Customer> customer, events::CustomerCarried(event));
  if (customer) {
    SetProfile(*customer, &m);
  } else if (core::PayloadIs<v1::VisitLogged>(payload)) {
    ASSIGN_OR_RETURN(auto e, core::UnpackPayload<v1::VisitLogged>(payload));
    m.set_visits(m.visits() + 1);
    if (!m.has_last_visit_at() || m.last_visit_at() < e.visit().visited_at()) {
      *m.mutable_last_visit_at() = e.visit().visited_at();
    }
  } else {
    return std::nullopt;
  }
  return m;
}

void FoldAudience(const v1::AudienceMember& merged, v1::AudienceMember* survivor) {
  survivor->set_visits(survivor->visits() + merged.visits());
  if (merged.has_last_visit_at() &&
      (!survivor->has_last_visit_at() || survivor->last_visit_at() < merged.last_visit_at())) {
    *survivor->mutable_last_visit_at() = merged.last_visit_at();
  }
}

}  // namespace pharmacrm::campaigns
