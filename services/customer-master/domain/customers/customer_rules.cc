#include "domain/customers/customer_rules.h"

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {
namespace {

absl::Status MaxLength(absl::string_view field, const std::string& value, size_t max) {
  if (value.size() > max) {
    return core::FieldError(absl::StrCat("profile.", field),
                            absl::StrCat("longer than ", max, " bytes"));
  }
  return absl::OkStatus();
}

bool ValidPhone(absl::string_view phone) {
  if (phone.size() < 5 || phone.size() > 32) return false;
  for (char c : phone) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != ' ' && c != '-' && c != '+' &&
        c != '(' && c != ')') {
      return false;
    }
  }
  return true;
}

using google::protobuf::FieldDescriptor;

std::string FieldText(const google::protobuf::Message& m, const FieldDescriptor* f) {
  const auto* r = m.GetReflection();
  switch (f->type()) {
    case FieldDescriptor::TYPE_ENUM: return r->GetEnum(m, f)->name();
    case FieldDescriptor::TYPE_MESSAGE:
      return r->HasField(m, f) ? r->GetMessage(m, f).ShortDebugString() : "";
    default: return r->GetString(m, f);
  }
}

// The details field each kind may carry.
v1::CustomerProfile::DetailsCase DetailsFor(v1::CustomerKind kind) {
  switch (kind) {
    case v1::CUSTOMER_KIND_HOSPITAL: return v1::CustomerProfile::kHospital;
    case v1::CUSTOMER_KIND_DOCTOR: return v1::CustomerProfile::kDoctor;
    case v1::CUSTOMER_KIND_PHARMACY: return v1::CustomerProfile::kPharmacy;
    case v1::CUSTOMER_KIND_CONTACT: return v1::CustomerProfile::kContact;
    case v1::CUSTOMER_KIND_DISTRIBUTOR: return v1::CustomerProfile::kDistributor;
    case v1::CUSTOMER_KIND_PATIENT: return v1::CustomerProfile::kPatient;
    default: return v1::CustomerProfile::DETAILS_NOT_SET;
  }
}

}  // namespace

absl::Status ValidateProfile(const v1::CustomerProfile& p) {
  if (p.kind() == v1::CUSTOMER_KIND_UNSPECIFIED || !v1::CustomerKind_IsValid(p.kind())) {
    return core::FieldError("profile.kind", "must be one of CUSTOMER_KIND_HOSPITAL, _DOCTOR, "
                                            "_PHARMACY, _CONTACT, _DISTRIBUTOR, _PATIENT");
  }
  if (absl::StripAsciiWhitespace(p.name()).empty()) {
    return core::FieldError("profile.name", "must not be empty");
  }
  RETURN_IF_ERROR(MaxLength("name", p.name(), 200));
  RETURN_IF_ERROR(MaxLength("province", p.province(), 50));
  RETURN_IF_ERROR(MaxLength("city", p.city(), 50));
  RETURN_IF_ERROR(MaxLength("district", p.district(), 50));
  RETURN_IF_ERROR(MaxLength("address", p.address(), 300));
  RETURN_IF_ERROR(MaxLength("department", p.department(), 100));
  RETURN_IF_ERROR(MaxLength("title", p.title(), 50));
  if (!p.phone().empty() && !ValidPhone(p.phone())) {
    return core::FieldError("profile.phone", "must be 5-32 digits, spaces, + - ( )");
  }
  if (!v1::HospitalGrade_IsValid(p.hospital_grade())) {
    return core::FieldError("profile.hospital_grade", "unknown grade");
  }
  bool hospital = p.kind() == v1::CUSTOMER_KIND_HOSPITAL;
  if (!hospital && p.hospital_grade() != v1::HOSPITAL_GRADE_UNSPECIFIED) {
    return core::FieldError("profile.hospital_grade", "only hospitals have a grade");
  }
  if (p.kind() == v1::CUSTOMER_KIND_DOCTOR && p.hospital_id().empty()) {
    return core::FieldError("profile.hospital_id", "a doctor must belong to a hospital");
  }
  if (hospital && !p.hospital_id().empty()) {
    return core::FieldError("profile.hospital_id", "a hospital cannot belong to a hospital");
  }
  if (p.details_case() != v1::CustomerProfile::DETAILS_NOT_SET &&
      p.details_case() != DetailsFor(p.kind())) {
    const FieldDescriptor* set = p.GetDescriptor()->FindFieldByNumber(p.details_case());
    return core::FieldError(absl::StrCat("profile.", set->name()),
                            absl::StrCat("details of another kind than ",
                                         v1::CustomerKind_Name(p.kind())));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::FieldChange>> ApplyProfileUpdate(
    const v1::CustomerProfile& patch, const google::protobuf::FieldMask& mask,
    v1::CustomerProfile* profile) {
  if (mask.paths_size() == 0) {
    return core::FieldError("update_mask", "must name at least one profile field");
  }
  v1::CustomerProfile updated = *profile;
  std::vector<v1::FieldChange> changes;
  const auto* descriptor = v1::CustomerProfile::descriptor();
  for (int i = 0; i < mask.paths_size(); ++i) {
    const std::string& path = mask.paths(i);
    std::string field_name = absl::StrCat("update_mask.paths[", i, "]");
    const auto* f = descriptor->FindFieldByName(path);
    if (f == nullptr) {
      return core::FieldError(field_name, absl::StrCat("'", path, "' is not a profile field"));
    }
    if (path == "kind") {
      return core::FieldError(field_name, "kind cannot change; register a new customer");
    }
    std::string before = FieldText(updated, f);
    std::string after = FieldText(patch, f);
    if (before == after) continue;
    const auto* r = updated.GetReflection();
    r->ClearField(&updated, f);
    if (f->type() == FieldDescriptor::TYPE_ENUM) {
      r->SetEnumValue(&updated, f, patch.GetReflection()->GetEnumValue(patch, f));
    } else if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (patch.GetReflection()->HasField(patch, f)) {
        r->MutableMessage(&updated, f)->CopyFrom(patch.GetReflection()->GetMessage(patch, f));
      }
    } else {
      r->SetString(&updated, f, after);
    }
    v1::FieldChange change;
    change.set_field(path);
    change.set_old_value(before);
    change.set_new_value(after);
    changes.push_back(std::move(change));
  }
  RETURN_IF_ERROR(ValidateProfile(updated));
  *profile = std::move(updated);
  return changes;
}

std::vector<v1::FieldChange> ProfileDiff(const v1::CustomerProfile& before,
                                         const v1::CustomerProfile& after) {
  std::vector<v1::FieldChange> out;
  const auto* d = v1::CustomerProfile::descriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    std::string old_value = FieldText(before, f), new_value = FieldText(after, f);
    if (old_value == new_value) continue;
    v1::FieldChange c;
    c.set_field(f->name());
    c.set_old_value(std::move(old_value));
    c.set_new_value(std::move(new_value));
    out.push_back(std::move(c));
  }
  return out;
}

absl::Status CheckExpectedVersion(int64_t expected, int64_t actual, absl::string_view what) {
  if (expected != actual) {
    return absl::AbortedError(absl::StrCat("expected_version ", expected, " is stale: the ", what,
                                           " is at version ", actual, "; re-read and retry"));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::CustomerVersion> VersionAsOf(const std::vector<v1::CustomerVersion>& versions,
                                                const google::protobuf::Timestamp& as_of) {
  const v1::CustomerVersion* best = nullptr;
  for (const auto& v : versions) {
    if (v.changed_at() > as_of) continue;
    if (best == nullptr || v.customer().version() > best->customer().version()) best = &v;
  }
  if (best == nullptr) {
    return core::FieldStatus(absl::StatusCode::kNotFound, "as_of",
                             "the customer was not registered yet at that time");
  }
  return *best;
}

}  // namespace pharmacrm::customer_master
