#include "projections/known_customers_projection.h"

#include <string>

#include "domain/known_customers.h"
#include "pharmacrm/bus/kafka.h"
#include "pharmacrm/runtime/merges.h"
#include "storage/keys.h"

namespace pharmacrm::sales_pipeline {

void AddKnownCustomersProjection(runtime::ServiceHost& host) {
  host.AddProjection({std::string(bus::kCustomerTopic)},
                     runtime::MergeFollowingProjection<v1::Customer>(&host.store(), kKnownCustomer,
                                                                     ProjectKnownCustomer));
}

}  // namespace pharmacrm::sales_pipeline
