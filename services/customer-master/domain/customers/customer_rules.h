// Customer-master decisions: what a valid profile is and what an update
// changes. Pure: no I/O.
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_CUSTOMERS_CUSTOMER_RULES_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_CUSTOMERS_CUSTOMER_RULES_H_

#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/field_mask.pb.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::customer_master {

// Every rule a profile must meet on its own; errors name the field as
// "profile.<name>". Cross-record rules (hospital_id must be a registered
// hospital) are checked by the caller with the store.
absl::Status ValidateProfile(const v1::CustomerProfile& profile);

// Applies the fields named in `mask` from `patch` to `profile` and returns
// what changed (only real changes). Errors: empty mask, unknown path,
// changing kind, or a result that fails ValidateProfile; `profile` is then
// unchanged.
absl::StatusOr<std::vector<v1::FieldChange>> ApplyProfileUpdate(
    const v1::CustomerProfile& patch, const google::protobuf::FieldMask& mask,
    v1::CustomerProfile* profile);

// The profile fields whose values differ between `before` and `after`, in
// field order, each with its old and new value as text (an enum by name, a
// message in short text form): the changes of a version.
std::vector<v1::FieldChange> ProfileDiff(const v1::CustomerProfile& before,
                                         const v1::CustomerProfile& after);

// ABORTED unless expected == actual (optimistic concurrency); the message
// names what is versioned ("the customer is at version 3").
absl::Status CheckExpectedVersion(int64_t expected, int64_t actual,
                                  absl::string_view what = "customer");

// The version in force at `as_of` among `versions` (any order): the last one
// changed at or before it. NOT_FOUND naming as_of if there is none (the
// customer did not exist yet).
absl::StatusOr<v1::CustomerVersion> VersionAsOf(const std::vector<v1::CustomerVersion>& versions,
                                                const google::protobuf::Timestamp& as_of);

}  // namespace pharmacrm::customer_master

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_CUSTOMERS_CUSTOMER_RULES_H_
