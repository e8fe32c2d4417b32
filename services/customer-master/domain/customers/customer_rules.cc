#include "domain/customers/customer_rules.h"

#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
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

// The stated ranges: what a data steward expects of a Chinese customer
// master. Counts and money have 0 as "not given" (proto3 cannot tell 0 from
// unset), so every numeric range starts at 0.
struct NumberRangeSpec {
  const char* name;
  int64_t min;
  int64_t max;
};
constexpr NumberRangeSpec kNumberRanges[] = {
    {"DestroyedDrug.quantity", 0, 100'000'000},
    {"Department.doctor_count", 0, 2'000},
    {"HospitalDetails.staff_count", 0, 50'000},
    {"HospitalDetails.doctor_count", 0, 20'000},
    {"HospitalDetails.bed_count", 0, 20'000},
    {"HospitalDetails.chief_physician_count", 0, 20'000},
    {"HospitalDetails.associate_chief_physician_count", 0, 20'000},
    {"HospitalDetails.attending_physician_count", 0, 20'000},
    {"HospitalDetails.resident_physician_count", 0, 20'000},
    {"PharmacyDetails.staff_count", 0, 10'000},
    {"PharmacyDetails.floor_area_m2", 0, 100'000},
    {"PharmacyDetails.credit_score", 0, 1'000},
    {"PharmacyDetails.drug_kinds_carried", 0, 100'000},
    // 1 trillion yuan, in fen: above any registered capital in China.
    {"DistributorDetails.registered_capital_fen", 0, 100'000'000'000'000},
    {"DistributorDetails.local_ranking", 0, 10'000},
    {"DistributorDetails.credit_score", 0, 1'000},
    {"DistributorDetails.staff_count", 0, 500'000},
    {"DistributorDetails.hospitals_reached", 0, 100'000},
    {"DistributorDetails.pharmacies_reached", 0, 1'000'000},
    {"DistributorDetails.patients_reached", 0, 100'000'000},
};

struct DateRangeSpec {
  const char* name;
  const char* earliest;
  int days_after_today;
};
// A GSP certificate is valid for five years; ten leave room for a renewal
// recorded early. A therapy's planned end may lie ahead as well.
constexpr int kTenYearsOfDays = 3653;
constexpr DateRangeSpec kDateRanges[] = {
    {"DestroyedDrug.destroyed_on", "1900-01-01", 0},
    {"HospitalDetails.customer_since", "1900-01-01", 0},
    {"PersonDetails.birth_date", "1900-01-01", 0},
    {"PharmacyDetails.customer_since", "1900-01-01", 0},
    {"DistributorDetails.gsp_expires_on", "1900-01-01", kTenYearsOfDays},
    {"Therapy.started_on", "1900-01-01", 0},
    {"Therapy.ended_on", "1900-01-01", kTenYearsOfDays},
    {"PatientDetails.birth_date", "1900-01-01", 0},
    {"PatientDetails.consent_recorded_on", "1900-01-01", 0},
};

std::vector<FieldRange> BuildRanges() {
  const auto* pool = google::protobuf::DescriptorPool::generated_pool();
  auto find = [&](const char* name) {
    const FieldDescriptor* f = pool->FindFieldByName(absl::StrCat("pharmacrm.v1.", name));
    // A range of a field that does not exist is a bug in the tables above.
    if (f == nullptr) {
      std::fprintf(stderr, "customer_rules: no field pharmacrm.v1.%s\n", name);
      std::abort();
    }
    return f;
  };
  std::vector<FieldRange> out;
  for (const NumberRangeSpec& s : kNumberRanges) {
    out.push_back(FieldRange{s.name, s.min, s.max, "", 0, find(s.name)});
  }
  for (const DateRangeSpec& s : kDateRanges) {
    out.push_back(FieldRange{s.name, 0, 0, s.earliest, s.days_after_today, find(s.name)});
  }
  return out;
}

const absl::flat_hash_map<const FieldDescriptor*, const FieldRange*>& RangeByField() {
  static const auto* by_field = [] {
    auto* m = new absl::flat_hash_map<const FieldDescriptor*, const FieldRange*>();
    for (const FieldRange& r : ProfileFieldRanges()) m->emplace(r.field, &r);
    return m;
  }();
  return *by_field;
}

// China does not observe daylight saving time: one fixed offset is exact.
absl::CivilDay TodayInChina(absl::Time now) {
  return absl::ToCivilDay(now, absl::FixedTimeZone(8 * 60 * 60));
}

absl::Status CheckDate(const FieldRange& range, const std::string& text, absl::CivilDay today,
                       absl::FunctionRef<std::string()> path) {
  absl::CivilDay day, earliest;
  if (!absl::ParseCivilTime(text, &day)) {
    return core::FieldError(path(), absl::StrCat("'", text, "' is not a date (YYYY-MM-DD)"));
  }
  absl::ParseCivilTime(range.earliest_date, &earliest);
  if (day < earliest) {
    return core::FieldError(path(), absl::StrCat(text, " is before ", range.earliest_date));
  }
  absl::CivilDay latest = today + range.days_after_today;
  if (day > latest) {
    return core::FieldError(
        path(), range.days_after_today == 0
                    ? absl::StrCat(text, " is in the future (today is ", absl::FormatCivilTime(today),
                                   ")")
                    : absl::StrCat(text, " is more than ", range.days_after_today,
                                   " days after today (latest ", absl::FormatCivilTime(latest),
                                   ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckRanges(const google::protobuf::Message& m, const std::string& prefix,
                         absl::CivilDay today) {
  const auto* r = m.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  r->ListFields(m, &fields);  // Only the set ones.
  const auto& ranges = RangeByField();
  for (const FieldDescriptor* f : fields) {
    auto path = [&] { return absl::StrCat(prefix, ".", f->name()); };
    if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (f->is_repeated()) {
        for (int i = 0, n = r->FieldSize(m, f); i < n; ++i) {
          RETURN_IF_ERROR(CheckRanges(r->GetRepeatedMessage(m, f, i),
                                      absl::StrCat(path(), "[", i, "]"), today));
        }
      } else {
        RETURN_IF_ERROR(CheckRanges(r->GetMessage(m, f), path(), today));
      }
      continue;
    }
    auto it = ranges.find(f);
    if (it == ranges.end() || f->is_repeated()) continue;
    const FieldRange& range = *it->second;
    if (range.is_date()) {
      RETURN_IF_ERROR(CheckDate(range, r->GetString(m, f), today, path));
      continue;
    }
    auto out_of_range = [&](const std::string& value) {
      return core::FieldError(path(), absl::StrCat("must be in ", range.min, "..", range.max,
                                                   " (got ", value, ")"));
    };
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32:
      case FieldDescriptor::CPPTYPE_INT64: {
        int64_t v = f->cpp_type() == FieldDescriptor::CPPTYPE_INT32 ? r->GetInt32(m, f)
                                                                    : r->GetInt64(m, f);
        if (v < range.min || v > range.max) return out_of_range(absl::StrCat(v));
        break;
      }
      case FieldDescriptor::CPPTYPE_DOUBLE: {
        double v = r->GetDouble(m, f);
        if (!std::isfinite(v) || v < static_cast<double>(range.min) ||
            v > static_cast<double>(range.max)) {
          return out_of_range(absl::StrCat(v));
        }
        break;
      }
      default:
        break;
    }
  }
  return absl::OkStatus();
}

// A therapy cannot end before it starts (both are valid dates by then).
absl::Status CheckTherapies(const v1::CustomerProfile& p) {
  if (!p.has_patient()) return absl::OkStatus();
  for (int i = 0; i < p.patient().therapies_size(); ++i) {
    const v1::Therapy& t = p.patient().therapies(i);
    if (!t.started_on().empty() && !t.ended_on().empty() && t.ended_on() < t.started_on()) {
      return core::FieldError(absl::StrCat("profile.patient.therapies[", i, "].ended_on"),
                              absl::StrCat(t.ended_on(), " is before started_on ", t.started_on()));
    }
  }
  return absl::OkStatus();
}

}  // namespace

const std::vector<FieldRange>& ProfileFieldRanges() {
  static const auto* ranges = new std::vector<FieldRange>(BuildRanges());
  return *ranges;
}

absl::Status ValidateProfile(const v1::CustomerProfile& p, absl::Time now) {
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
  if (p.details_case() != v1::CustomerProfile::DETAILS_NOT_SET) {
    const FieldDescriptor* details = p.GetDescriptor()->FindFieldByNumber(p.details_case());
    RETURN_IF_ERROR(CheckRanges(p.GetReflection()->GetMessage(p, details),
                                absl::StrCat("profile.", details->name()), TodayInChina(now)));
    RETURN_IF_ERROR(CheckTherapies(p));
  }
  return absl::OkStatus();
}

absl::StatusOr<std::vector<v1::FieldChange>> ApplyProfileUpdate(
    const v1::CustomerProfile& patch, const google::protobuf::FieldMask& mask, absl::Time now,
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
  RETURN_IF_ERROR(ValidateProfile(updated, now));
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
