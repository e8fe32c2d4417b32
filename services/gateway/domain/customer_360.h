// Merging what each service knows of a customer into one answer. Pure.
#ifndef PHARMACRM_SERVICES_GATEWAY_DOMAIN_CUSTOMER_360_H_
#define PHARMACRM_SERVICES_GATEWAY_DOMAIN_CUSTOMER_360_H_

#include "absl/status/statusor.h"
#include "pharmacrm/v1/gateway.pb.h"

namespace pharmacrm::gateway {

// One service's answer for the fan-out.
struct Parts {
  absl::StatusOr<v1::Customer> profile = absl::UnknownError("not asked");
  absl::StatusOr<v1::CustomerActivity> activity = absl::UnknownError("not asked");
  absl::StatusOr<v1::AudienceMember> audience = absl::UnknownError("not asked");
  absl::StatusOr<v1::ContactCard> contact_card = absl::UnknownError("not asked");
  absl::StatusOr<v1::CustomerValue> value = absl::UnknownError("not asked");
  absl::StatusOr<v1::CustomerChannel> channel = absl::UnknownError("not asked");
  absl::StatusOr<v1::CustomerProcess> process = absl::UnknownError("not asked");
};

// customer-master's NOT_FOUND means there is no such customer: the whole
// answer is NOT_FOUND. Any other failing part (down, late, not yet
// projected) is left out and listed in missing_parts with its service and
// status; `complete` is true only when nothing is missing.
absl::StatusOr<v1::Customer360> MergeCustomer360(absl::string_view customer_id, Parts parts);

}  // namespace pharmacrm::gateway

#endif  // PHARMACRM_SERVICES_GATEWAY_DOMAIN_CUSTOMER_360_H_
