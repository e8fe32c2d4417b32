#include "projections/contact_card_projection.h"

#include <string>

#include "domain/contact_card.h"
#include "pharmacrm/bus/kafka.h"
#include "pharmacrm/runtime/merges.h"
#include "storage/keys.h"

namespace pharmacrm::service_desk {

void AddContactCardProjection(runtime::ServiceHost& host) {
  host.AddProjection({std::string(bus::kCustomerTopic), std::string(bus::kSalesTopic)},
                     runtime::MergeFollowingProjection<v1::ContactCard>(&host.store(), kContactCard,
                                                                  ProjectContactCard));
}

}  // namespace pharmacrm::service_desk
