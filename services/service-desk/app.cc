#include "app.h"

#include "api/service_desk_service.h"
#include "projections/contact_card_projection.h"

namespace pharmacrm::service_desk {

absl::Status Wire(runtime::ServiceHost& host) {
  host.EmplaceService<ServiceDeskService>(host.store());
  AddContactCardProjection(host);
  return absl::OkStatus();
}

}  // namespace pharmacrm::service_desk
