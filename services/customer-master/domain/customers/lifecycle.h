// A customer's status over its life: active, inactive, merged. What each
// change of status requires, and the version changes it records. Pure: no
// I/O (re-pointing a reactivated customer's references at survivors reads
// the store and is the caller's).
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_CUSTOMERS_LIFECYCLE_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_CUSTOMERS_LIFECYCLE_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::customer_master {

// Active: its profile may change and others may name it. A customer stored
// without a status (before statuses existed) is active.
bool IsActive(const v1::Customer& customer);

// The version change of a customer's status ("status", old and new names).
v1::FieldChange StatusChange(v1::CustomerStatus from, v1::CustomerStatus to);

// Makes an active `customer` inactive and returns the changes;
// FAILED_PRECONDITION naming customer_id (customer unchanged) if it is
// inactive or merged already.
absl::StatusOr<std::vector<v1::FieldChange>> Deactivate(v1::Customer& customer);

// FAILED_PRECONDITION naming customer_id unless `customer` is inactive: a
// merged one is restored by UnmergeCustomer on its survivor instead.
absl::Status CheckCanReactivate(const v1::Customer& customer);

// Makes `customer` (CheckCanReactivate) active again with `profile` (its
// own with references to merged customers re-pointed at their survivors)
// and returns the changes: the status, then the profile's.
std::vector<v1::FieldChange> Reactivate(v1::Customer& customer, v1::CustomerProfile profile);

}  // namespace pharmacrm::customer_master

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_CUSTOMERS_LIFECYCLE_H_
