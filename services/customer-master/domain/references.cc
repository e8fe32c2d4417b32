#include "domain/references.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {
namespace {

using Kinds = std::vector<v1::CustomerKind>;

void Add(std::vector<CustomerReference>& out, std::string field, std::string* id, Kinds kinds,
         const char* what, ReferenceRole role = ReferenceRole::kOther) {
  if (id->empty()) return;
  out.push_back({std::move(field), id, std::move(kinds), what, role});
}

void AddCommittee(std::vector<CustomerReference>& out, const char* field,
                  google::protobuf::RepeatedPtrField<v1::CommitteeMember>* members) {
  for (int i = 0; i < members->size(); ++i) {
    Add(out, absl::StrCat("profile.hospital.", field, "[", i, "].doctor_id"),
        members->Mutable(i)->mutable_doctor_id(), {v1::CUSTOMER_KIND_DOCTOR}, "a doctor");
  }
}

}  // namespace

std::vector<CustomerReference> ReferencesOf(v1::CustomerProfile* p) {
  std::vector<CustomerReference> out;
  Add(out, "profile.hospital_id", p->mutable_hospital_id(), {v1::CUSTOMER_KIND_HOSPITAL},
      "a hospital");
  switch (p->details_case()) {
    case v1::CustomerProfile::kHospital: {
      v1::HospitalDetails* h = p->mutable_hospital();
      for (int i = 0; i < h->departments_size(); ++i) {
        Add(out, absl::StrCat("profile.hospital.departments[", i, "].head_doctor_id"),
            h->mutable_departments(i)->mutable_head_doctor_id(), {v1::CUSTOMER_KIND_DOCTOR},
            "a doctor");
      }
      AddCommittee(out, "pharmacy_committee", h->mutable_pharmacy_committee());
      AddCommittee(out, "device_committee", h->mutable_device_committee());
      break;
    }
    case v1::CustomerProfile::kPharmacy:
      Add(out, "profile.pharmacy.parent_id", p->mutable_pharmacy()->mutable_parent_id(),
          {v1::CUSTOMER_KIND_PHARMACY, v1::CUSTOMER_KIND_DISTRIBUTOR}, "a pharmacy or distributor",
          ReferenceRole::kParent);
      break;
    case v1::CustomerProfile::kContact:
      Add(out, "profile.contact.pharmacy_id", p->mutable_contact()->mutable_pharmacy_id(),
          {v1::CUSTOMER_KIND_PHARMACY}, "a pharmacy");
      break;
    case v1::CustomerProfile::kDistributor: {
      v1::DistributorDetails* d = p->mutable_distributor();
      Add(out, "profile.distributor.parent_id", d->mutable_parent_id(),
          {v1::CUSTOMER_KIND_DISTRIBUTOR}, "a distributor", ReferenceRole::kParent);
      for (int i = 0; i < d->branch_ids_size(); ++i) {
        Add(out, absl::StrCat("profile.distributor.branch_ids[", i, "]"), d->mutable_branch_ids(i),
            {v1::CUSTOMER_KIND_DISTRIBUTOR}, "a distributor", ReferenceRole::kBranch);
      }
      break;
    }
    case v1::CustomerProfile::kPatient:
      Add(out, "profile.patient.treating_doctor_id",
          p->mutable_patient()->mutable_treating_doctor_id(), {v1::CUSTOMER_KIND_DOCTOR},
          "a doctor");
      break;
    default:
      break;
  }
  return out;
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
