// The contact card a service agent sees for a customer. Pure.
#ifndef PHARMACRM_SERVICES_SERVICE_DESK_DOMAIN_CONTACT_CARD_H_
#define PHARMACRM_SERVICES_SERVICE_DESK_DOMAIN_CONTACT_CARD_H_

#include <optional>

#include "absl/status/statusor.h"
#include "pharmacrm/v1/events.pb.h"
#include "pharmacrm/v1/service_desk.pb.h"

namespace pharmacrm::service_desk {

// Customer events set who to contact and how from the record they carry
// (events::CustomerCarried; newest customer version wins);
// VisitLogged records the latest field contact so an agent knows who from
// the company last saw the customer. Order-independent; other events change
// nothing; a corrupt payload is poison.
absl::StatusOr<std::optional<v1::ContactCard>> ProjectContactCard(
    const v1::EventEnvelope& event, std::optional<v1::ContactCard> current);

// Adds a merged customer's card to its survivor's: the latest field contact
// (and its rep) of the two is kept; who to contact stays the survivor's.
void FoldContactCard(const v1::ContactCard& merged, v1::ContactCard* survivor);

}  // namespace pharmacrm::service_desk

#endif  // PHARMACRM_SERVICES_SERVICE_DESK_DOMAIN_CONTACT_CARD_H_
