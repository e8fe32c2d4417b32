#include "domain/customers/references.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "absl/types/span.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {
namespace {

constexpr v1::CustomerKind kHospital[] = {v1::CUSTOMER_KIND_HOSPITAL};
constexpr v1::CustomerKind kDoctor[] = {v1::CUSTOMER_KIND_DOCTOR};
constexpr v1::CustomerKind kPharmacy[] = {v1::CUSTOMER_KIND_PHARMACY};
constexpr v1::CustomerKind kDistributor[] = {v1::CUSTOMER_KIND_DISTRIBUTOR};
constexpr v1::CustomerKind kPharmacyOrDistributor[] = {v1::CUSTOMER_KIND_PHARMACY,
                                                       v1::CUSTOMER_KIND_DISTRIBUTOR};

// The non-empty references of `p`, in field order; with `fields` false
// their field paths are left empty (they are built for errors only). The
// ids point into `p` (see ReferencesOf and ReferencedIds for constness).
class Walker {
 public:
  Walker(bool fields, std::vector<CustomerReference>& out) : fields_(fields), out_(out) {}

  void Walk(const v1::CustomerProfile& p) {
    Add(
        p.hospital_id(), [] { return std::string("profile.hospital_id"); }, kHospital,
        "a hospital");
    switch (p.details_case()) {
      case v1::CustomerProfile::kHospital: {
        const v1::HospitalDetails& h = p.hospital();
        for (int i = 0; i < h.departments_size(); ++i) {
          Add(
              h.departments(i).head_doctor_id(),
              [i] { return absl::StrCat("profile.hospital.departments[", i, "].head_doctor_id"); },
              kDoctor, "a doctor");
        }
        Committee("pharmacy_committee", h.pharmacy_committee());
        Committee("device_committee", h.device_committee());
        break;
      }
      case v1::CustomerProfile::kPharmacy:
        Add(
            p.pharmacy().parent_id(), [] { return std::string("profile.pharmacy.parent_id"); },
            kPharmacyOrDistributor, "a pharmacy or distributor", ReferenceRole::kParent);
        break;
      case v1::CustomerProfile::kContact:
        Add(
            p.contact().pharmacy_id(), [] { return std::string("profile.contact.pharmacy_id"); },
            kPharmacy, "a pharmacy");
        break;
      case v1::CustomerProfile::kDistributor: {
        const v1::DistributorDetails& d = p.distributor();
        Add(
            d.parent_id(), [] { return std::string("profile.distributor.parent_id"); },
            kDistributor, "a distributor", ReferenceRole::kParent);
        for (int i = 0; i < d.branch_ids_size(); ++i) {
          Add(
              d.branch_ids(i),
              [i] { return absl::StrCat("profile.distributor.branch_ids[", i, "]"); }, kDistributor,
              "a distributor", ReferenceRole::kBranch);
        }
        break;
      }
      case v1::CustomerProfile::kPatient:
        Add(
            p.patient().treating_doctor_id(),
            [] { return std::string("profile.patient.treating_doctor_id"); }, kDoctor, "a doctor");
        break;
      default:
        break;
    }
  }

 private:
  template <typename Field>
  void Add(const std::string& id, Field field, absl::Span<const v1::CustomerKind> kinds,
           const char* what, ReferenceRole role = ReferenceRole::kOther) {
    if (id.empty()) return;
    // A non-empty string field of a message is its own string, not the
    // shared default: writable wherever the message is.
    out_.push_back(
        {fields_ ? field() : std::string(), const_cast<std::string*>(&id), kinds, what, role});
  }

  void Committee(const char* name,
                 const google::protobuf::RepeatedPtrField<v1::CommitteeMember>& members) {
    for (int i = 0; i < members.size(); ++i) {
      Add(
          members.Get(i).doctor_id(),
          [name, i] { return absl::StrCat("profile.hospital.", name, "[", i, "].doctor_id"); },
          kDoctor, "a doctor");
    }
  }

  const bool fields_;
  std::vector<CustomerReference>& out_;
};

}  // namespace

std::vector<CustomerReference> ReferencesOf(v1::CustomerProfile* p) {
  std::vector<CustomerReference> out;
  Walker(true, out).Walk(*p);
  return out;
}

std::vector<absl::string_view> ReferencedIds(const v1::CustomerProfile& p) {
  std::vector<CustomerReference> refs;
  Walker(false, refs).Walk(p);
  std::vector<absl::string_view> ids;
  ids.reserve(refs.size());
  for (const CustomerReference& r : refs) ids.push_back(*r.id);
  return ids;
}

const char* KindNoun(v1::CustomerKind kind) {
  switch (kind) {
    case v1::CUSTOMER_KIND_HOSPITAL:
      return "a hospital";
    case v1::CUSTOMER_KIND_DOCTOR:
      return "a doctor";
    case v1::CUSTOMER_KIND_PHARMACY:
      return "a pharmacy";
    case v1::CUSTOMER_KIND_CONTACT:
      return "a contact";
    case v1::CUSTOMER_KIND_DISTRIBUTOR:
      return "a distributor";
    case v1::CUSTOMER_KIND_PATIENT:
      return "a patient";
    default:
      return "a customer of no kind";
  }
}

absl::Status CheckReferencedKind(const CustomerReference& ref, v1::CustomerKind kind) {
  if (std::find(ref.kinds.begin(), ref.kinds.end(), kind) != ref.kinds.end()) {
    return absl::OkStatus();
  }
  return core::FieldError(ref.field,
                          absl::StrCat("'", *ref.id, "' is ", KindNoun(kind), ", not ", ref.what));
}

}  // namespace pharmacrm::customer_master
