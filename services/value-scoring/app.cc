#include "app.h"

#include "api/value_scoring_service.h"
#include "projections/customer_value_projection.h"

namespace pharmacrm::value_scoring {

absl::Status Wire(runtime::ServiceHost& host) {
  host.EmplaceService<ValueScoringService>(host.store());
  AddCustomerValueProjection(host);
  return absl::OkStatus();
}

}  // namespace pharmacrm::value_scoring
