// References from one customer's profile to other customers: which fields
// hold a customer id, and what kind of customer each may name.
//
// A doctor's hospital, a contact's pharmacy, a pharmacy's chain head, a
// distributor's parent and branches, a department head, a committee member
// and a patient's treating doctor are customer ids once stored. Register
// and update check them (the customer exists and is of an allowed kind);
// an import may write them as the external id of a row earlier in the same
// file or of one imported before, and they are replaced by customer ids.
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_CUSTOMERS_REFERENCES_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_CUSTOMERS_REFERENCES_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::customer_master {

// What a reference means beyond naming a customer: the chains of parents
// (a pharmacy's chain head, a distributor's parent) are checked for loops,
// and a distributor's branches against their own parents.
enum class ReferenceRole { kOther, kParent, kBranch };

struct CustomerReference {
  std::string field;  // Path for errors, e.g. "profile.distributor.branch_ids[2]".
  std::string* id;    // Into the profile: the id (or, in an import, external id).
  // The kinds it may name, and how an error names them ("a pharmacy or
  // distributor").
  absl::Span<const v1::CustomerKind> kinds;
  const char* what;
  ReferenceRole role = ReferenceRole::kOther;
};

// The non-empty references of `profile`, in field order. The pointers stay
// valid while `profile` is not modified otherwise.
std::vector<CustomerReference> ReferencesOf(v1::CustomerProfile* profile);

// The ids ReferencesOf(profile) points to, in the same order, without
// building their field paths; valid while `profile` is not modified.
std::vector<absl::string_view> ReferencedIds(const v1::CustomerProfile& profile);

// OK if `kind` is one `ref` may name; otherwise INVALID_ARGUMENT naming the
// field ("'…' is a doctor, not a pharmacy").
absl::Status CheckReferencedKind(const CustomerReference& ref, v1::CustomerKind kind);

// How a kind is named in messages ("a pharmacy").
const char* KindNoun(v1::CustomerKind kind);

}  // namespace pharmacrm::customer_master

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_CUSTOMERS_REFERENCES_H_
