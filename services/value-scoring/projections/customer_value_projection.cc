#include "projections/customer_value_projection.h"

#include <string>

#include "domain/customer_value.h"
#include "pharmacrm/bus/kafka.h"
#include "pharmacrm/runtime/merges.h"
#include "storage/keys.h"

namespace pharmacrm::value_scoring {

void AddCustomerValueProjection(runtime::ServiceHost& host) {
  host.AddProjection({std::string(bus::kCustomerTopic), std::string(bus::kSalesTopic)},
                     runtime::MergeFollowingProjection<v1::CustomerValue>(&host.store(), kCustomerValue,
                                                                  ProjectCustomerValue));
}

}  // namespace pharmacrm::value_scoring
