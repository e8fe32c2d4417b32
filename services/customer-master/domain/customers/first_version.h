// Version 1 of a customer is stored without its snapshot while it is the
// only version: the customer record holds it, and writing version 2 copies
// it into version 1's record (CustomerRepository::PutVersion). This reads
// it back, for an event of version 1 rebuilt after a restart.
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_CUSTOMERS_FIRST_VERSION_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_CUSTOMERS_FIRST_VERSION_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace pharmacrm::customer_master {

// The serialized customer `id` as it was at version 1, byte for byte as
// stored: the snapshot in `version_record` (a serialized CustomerVersion,
// version 1), or else `customer_record` (a serialized Customer, nullopt if
// absent), which must then still be version 1. DATA_LOSS naming the
// customer when neither holds it or one does not parse.
absl::StatusOr<std::string> FirstVersionCustomer(absl::string_view id,
                                                 absl::string_view version_record,
                                                 std::optional<absl::string_view> customer_record);

}  // namespace pharmacrm::customer_master

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_CUSTOMERS_FIRST_VERSION_H_
