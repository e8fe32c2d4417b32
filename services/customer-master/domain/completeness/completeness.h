// Data-quality guidance: how complete a customer record is against
// configurable rules (v1::CompletenessRules), and a data steward's worklist
// of what to collect next. Pure: no I/O; the rules arrive as text or as a
// message.
//
// A field is filled when, by its type:
//  - string or bytes: not empty after trimming whitespace (ASCII, the
//    ideographic space U+3000 and the no-break space U+00A0);
//  - number: not 0 (a count of 0 is "not filled"); a NaN is not filled;
//  - bool: true;
//  - enum: not the 0 value (..._UNSPECIFIED);
//  - repeated: at least one element;
//  - message: present and at least one of its own fields filled.
// A path through an absent message (e.g. "hospital.bed_count" of a doctor)
// is not filled.
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_COMPLETENESS_COMPLETENESS_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_COMPLETENESS_COMPLETENESS_H_

#include <cstddef>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/data_quality.pb.h"

namespace pharmacrm::customer_master {

// Parses completeness rules in protobuf text format and validates them with
// ValidateCompletenessRules. Errors are INVALID_ARGUMENT with a message
// "completeness rules line <n>: ..." (n counts from 1): for a syntax error,
// the parser's description; for an invalid rule, the rule's element path and
// what is wrong, e.g. "completeness rules line 12: kinds[0].fields[3].path:
// no field \"beds\" in pharmacrm.v1.HospitalDetails". A validation error
// carries the element path (e.g. "kinds[0].fields[3].path") as its field
// payload (core::FieldOf).
absl::StatusOr<v1::CompletenessRules> ParseCompletenessRules(absl::string_view text_proto);

// OK if `rules` can be used for scoring:
//  - every kind is a known kind other than UNSPECIFIED, and has one entry;
//  - every path resolves in CustomerProfile: each segment names a field of
//    the message reached so far, and every segment but the last is a
//    singular message field; a path into the typed details of another kind
//    (a doctor rule on "hospital.bed_count") is rejected;
//  - no path appears twice within a kind;
//  - every importance is REQUIRED or RECOMMENDED;
//  - every weight, when set, is finite and > 0;
//  - every rule has an English and a Chinese label.
// Errors are INVALID_ARGUMENT "completeness rules: <element>: <what>", with
// the element path (e.g. "kinds[1].fields[0].weight") as field payload.
absl::Status ValidateCompletenessRules(const v1::CompletenessRules& rules);

// How complete `profile` is against the rules of its kind (the first entry
// for the kind if there are several). `rules` should have passed
// ValidateCompletenessRules; a path that does not resolve counts as not
// filled. A kind without rules, or with no fields, scores 100 with nothing
// missing.
v1::Completeness ScoreCompleteness(const v1::CustomerProfile& profile,
                                   const v1::CompletenessRules& rules);

// A data steward's worklist: every customer that misses at least one field,
// scored as by ScoreCompleteness. Customers missing a required field come
// first, then the lowest score, then ascending id. At most `limit` items
// (none for 0).
std::vector<v1::WorklistItem> BuildWorklist(const std::vector<v1::Customer>& customers,
                                            const v1::CompletenessRules& rules, size_t limit);

}  // namespace pharmacrm::customer_master

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_COMPLETENESS_COMPLETENESS_H_
