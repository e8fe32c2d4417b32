// What of a customer's personal data a gateway caller gets. Pure.
//
// Every field of the contract carries a data class (privacy.proto). A
// gateway serves fields up to its --max_data_class and withholds the rest
// from every answer, including the old and new values in a change history
// of profile fields that hold withheld data. Authentication is not built: a
// gateway's class applies to every caller of it, so a deployment runs one
// gateway per audience (for example one for analysts at BUSINESS).
#ifndef PHARMACRM_SERVICES_GATEWAY_DOMAIN_MASKING_H_
#define PHARMACRM_SERVICES_GATEWAY_DOMAIN_MASKING_H_

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "pharmacrm/v1/privacy.pb.h"

namespace pharmacrm::gateway {

// Shown instead of the old and new values of a withheld change.
inline constexpr char kWithheldValue[] = "(withheld)";

// "public", "business", "personal", "sensitive" or "health" (any case);
// anything else is INVALID_ARGUMENT naming max_data_class.
absl::StatusOr<v1::DataClass> ParseMaxDataClass(absl::string_view text);

// Clears from `message`, and everything nested in it, every field above
// `allowed`, and replaces by kWithheldValue the values of each FieldChange
// about a CustomerProfile field that is, or holds a field, above it.
// Returns how many fields and changes were withheld.
int WithholdAbove(google::protobuf::Message* message, v1::DataClass allowed);

// What one answer disclosed and withheld, for the audit of reads.
struct Disclosure {
  v1::DataClass highest = v1::DATA_CLASS_UNSPECIFIED;  // Of the fields served.
  int withheld = 0;
};

// WithholdAbove, then the highest class left in `message`.
Disclosure Disclose(google::protobuf::Message* message, v1::DataClass allowed);

// True if an answer with `d` is audited: it served PERSONAL data or above.
bool Audited(const Disclosure& d);

}  // namespace pharmacrm::gateway

#endif  // PHARMACRM_SERVICES_GATEWAY_DOMAIN_MASKING_H_
