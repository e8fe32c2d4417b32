#include "domain/customers/lifecycle.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "domain/customers/customer_rules.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {

bool IsActive(const v1::Customer& c) {
  return c.status() == v1::CUSTOMER_STATUS_ACTIVE || c.status() == v1::CUSTOMER_STATUS_UNSPECIFIED;
}

v1::FieldChange StatusChange(v1::CustomerStatus from, v1::CustomerStatus to) {
  v1::FieldChange change;
  change.set_field("status");
  change.set_old_value(v1::CustomerStatus_Name(from));
  change.set_new_value(v1::CustomerStatus_Name(to));
  return change;
}

absl::StatusOr<std::vector<v1::FieldChange>> Deactivate(v1::Customer& customer) {
  if (!IsActive(customer)) {
    return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "customer_id",
                             "is already inactive or merged");
  }
  customer.set_status(v1::CUSTOMER_STATUS_INACTIVE);
  return std::vector<v1::FieldChange>{
      StatusChange(v1::CUSTOMER_STATUS_ACTIVE, v1::CUSTOMER_STATUS_INACTIVE)};
}

absl::Status CheckCanReactivate(const v1::Customer& customer) {
  if (customer.status() == v1::CUSTOMER_STATUS_MERGED) {
    return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "customer_id",
                             absl::StrCat("was merged into '", customer.merged_into(),
                                          "': UnmergeCustomer on it restores this record"));
  }
  if (IsActive(customer)) {
    return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "customer_id",
                             "is already active");
  }
  return absl::OkStatus();
}

std::vector<v1::FieldChange> Reactivate(v1::Customer& customer, v1::CustomerProfile profile) {
  std::vector<v1::FieldChange> changes = {
      StatusChange(customer.status(), v1::CUSTOMER_STATUS_ACTIVE)};
  for (v1::FieldChange& c : ProfileDiff(customer.profile(), profile)) {
    changes.push_back(std::move(c));
  }
  *customer.mutable_profile() = std::move(profile);
  customer.set_status(v1::CUSTOMER_STATUS_ACTIVE);
  return changes;
}

}  // namespace pharmacrm::customer_master
