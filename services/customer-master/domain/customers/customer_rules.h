// Customer-master decisions: what a valid profile is and what an update
// changes. Pure: no I/O.
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_CUSTOMERS_CUSTOMER_RULES_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_CUSTOMERS_CUSTOMER_RULES_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "google/protobuf/field_mask.pb.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::customer_master {

// Every rule a profile must meet on its own; errors name the field as
// "profile.<name>" ("profile.hospital.bed_count",
// "profile.patient.therapies[0].ended_on"). Cross-record rules (hospital_id
// must be a registered hospital) are checked by the caller with the store.
//
// Every numeric and date field of the typed details must lie in its range
// (ProfileFieldRanges; the table in docs/CUSTOMER_MASTER.md). `now` is the
// time of the change, from the caller's clock: a date's upper bound is
// counted from the day `now` falls on in China (UTC+8), so a birth date of
// tomorrow is rejected and one of today is accepted. Dates must already be
// YYYY-MM-DD (NormalizeProfile), and a therapy may not end before it starts.
absl::Status ValidateProfile(const v1::CustomerProfile& profile, absl::Time now);

// The stated range of one numeric or date field of the typed details.
struct FieldRange {
  // The field, as message and field name: "HospitalDetails.bed_count",
  // "PersonDetails.birth_date" (doctors and contacts alike).
  std::string name;
  // Numbers: the inclusive bounds. Dates: unused.
  int64_t min = 0;
  int64_t max = 0;
  // Dates: the earliest day ("1900-01-01"), and how many days after today
  // the latest may be (0: not in the future). Numbers: "" and 0.
  std::string earliest_date;
  int days_after_today = 0;
  // The field `name` names.
  const google::protobuf::FieldDescriptor* field = nullptr;

  bool is_date() const { return !earliest_date.empty(); }
};

// Every range ValidateProfile enforces, in the order of the .proto files.
// Each numeric (int32, int64, double) and date (*_date, *_on,
// customer_since) field reachable from the six details messages has exactly
// one entry; tests hold the list to the descriptors and to the documented
// table.
const std::vector<FieldRange>& ProfileFieldRanges();

// Applies the fields named in `mask` from `patch` to `profile` and returns
// what changed (only real changes). Errors: empty mask, unknown path,
// changing kind, or a result that fails ValidateProfile(result, now);
// `profile` is then unchanged.
absl::StatusOr<std::vector<v1::FieldChange>> ApplyProfileUpdate(
    const v1::CustomerProfile& patch, const google::protobuf::FieldMask& mask, absl::Time now,
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
