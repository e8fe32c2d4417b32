#include "domain/contact_card.h"

#include "google/protobuf/util/time_util.h"
#include "pharmacrm/core/payload.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/events/customer_events.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/sales_pipeline.pb.h"

namespace pharmacrm::service_desk {
namespace {
void SetContact(const v1::Customer& c, v1::ContactCard* card) {
  if (card->profile_version() >= c.version()) return;
  card->set_kind(c.profile().kind());
  card->set_name(c.profile().name());
  card->set_phone(c.profile().phone());
  card->set_hospital_id(c.profile().hospital_id());
  card->set_department(c.profile().department());
  card->set_profile_version(c.version());
}
}  // namespace

absl::StatusOr<std::optional<v1::ContactCard>> ProjectContactCard(
    const v1::EventEnvelope& event, std::optional<v1::ContactCard> current) {
  v1::ContactCard card = current.value_or(v1::ContactCard());
  card.set_customer_id(event.customer_id());
  const auto& payload = event.payload();
  ASSIGN_OR_RETURN(std::optional<v1::Customer> customer, events::CustomerCarried(event));
  if (customer) {
    SetContact(*customer, &card);
  } else if (core::PayloadIs<v1::VisitLogged>(payload)) {
    ASSIGN_OR_RETURN(auto e, core::UnpackPayload<v1::VisitLogged>(payload));
    if (!card.has_last_field_contact_at() || card.last_field_contact_at() < e.visit().visited_at()) {
      *card.mutable_last_field_contact_at() = e.visit().visited_at();
      card.set_last_field_rep_id(e.visit().rep_id());
    }
  } else {
    return std::nullopt;
  }
  return card;
}

void FoldContactCard(const v1::ContactCard& merged, v1::ContactCard* survivor) {
  if (merged.has_last_field_contact_at() &&
      (!survivor->has_last_field_contact_at() ||
       survivor->last_field_contact_at() < merged.last_field_contact_at())) {
    *survivor->mutable_last_field_contact_at() = merged.last_field_contact_at();
    survivor->set_last_field_rep_id(merged.last_field_rep_id());
  }
}

}  // namespace pharmacrm::service_desk
