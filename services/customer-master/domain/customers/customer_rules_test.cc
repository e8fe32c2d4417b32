#include "domain/customers/customer_rules.h"

#include <algorithm>

#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {
namespace {

// 2026-12-07 20:00 in China.
const absl::Time kNow = absl::FromCivil(absl::CivilSecond(2026, 12, 7, 12, 0, 0), absl::UTCTimeZone());

v1::CustomerProfile Hospital() {
  v1::CustomerProfile p;
  p.set_kind(v1::CUSTOMER_KIND_HOSPITAL);
  p.set_name("北京协和医院");
  p.set_province("北京市");
  p.set_hospital_grade(v1::HOSPITAL_GRADE_3A);
  p.set_phone("010-6915 6114");
  return p;
}

v1::CustomerProfile Doctor() {
  v1::CustomerProfile p;
  p.set_kind(v1::CUSTOMER_KIND_DOCTOR);
  p.set_name("张伟");
  p.set_hospital_id("h-1");
  p.set_department("心内科");
  return p;
}

TEST(ValidateProfile, AcceptsWellFormedHospitalAndDoctor) {
  EXPECT_TRUE(ValidateProfile(Hospital(), kNow).ok());
  EXPECT_TRUE(ValidateProfile(Doctor(), kNow).ok());
}

TEST(ValidateProfile, NamesTheOffendingField) {
  auto field_of = [](v1::CustomerProfile p) { return core::FieldOf(ValidateProfile(p, kNow)); };
  v1::CustomerProfile p = Hospital();
  p.set_kind(v1::CUSTOMER_KIND_UNSPECIFIED);
  EXPECT_EQ(field_of(p), "profile.kind");
  p = Hospital();
  p.set_name("   ");
  EXPECT_EQ(field_of(p), "profile.name");
  p = Hospital();
  p.set_name(std::string(201, 'x'));
  EXPECT_EQ(field_of(p), "profile.name");
  p = Hospital();
  p.set_phone("call me");
  EXPECT_EQ(field_of(p), "profile.phone");
  p = Doctor();
  p.set_hospital_grade(v1::HOSPITAL_GRADE_3A);
  EXPECT_EQ(field_of(p), "profile.hospital_grade");
  p = Doctor();
  p.clear_hospital_id();
  EXPECT_EQ(field_of(p), "profile.hospital_id");
  p = Hospital();
  p.set_hospital_id("h-2");
  EXPECT_EQ(field_of(p), "profile.hospital_id");
  p = Hospital();
  p.set_hospital_grade(static_cast<v1::HospitalGrade>(99));
  EXPECT_EQ(field_of(p), "profile.hospital_grade");
}

TEST(ApplyProfileUpdate, ReportsOnlyRealChangesWithOldAndNewValues) {
  v1::CustomerProfile profile = Hospital();
  v1::CustomerProfile patch;
  patch.set_name("北京协和医院");  // unchanged
  patch.set_city("北京市");
  patch.set_hospital_grade(v1::HOSPITAL_GRADE_3B);
  google::protobuf::FieldMask mask;
  mask.add_paths("name");
  mask.add_paths("city");
  mask.add_paths("hospital_grade");
  auto changes = ApplyProfileUpdate(patch, mask, kNow, &profile);
  ASSERT_TRUE(changes.ok()) << changes.status();
  ASSERT_EQ(changes->size(), 2u);
  EXPECT_EQ((*changes)[0].field(), "city");
  EXPECT_EQ((*changes)[0].old_value(), "");
  EXPECT_EQ((*changes)[0].new_value(), "北京市");
  EXPECT_EQ((*changes)[1].old_value(), "HOSPITAL_GRADE_3A");
  EXPECT_EQ((*changes)[1].new_value(), "HOSPITAL_GRADE_3B");
  EXPECT_EQ(profile.hospital_grade(), v1::HOSPITAL_GRADE_3B);
  EXPECT_EQ(profile.city(), "北京市");
}

TEST(ApplyProfileUpdate, RejectsBadMasksAndLeavesProfileUnchanged) {
  v1::CustomerProfile profile = Hospital();
  const v1::CustomerProfile before = profile;
  v1::CustomerProfile patch;
  google::protobuf::FieldMask mask;
  EXPECT_EQ(core::FieldOf(ApplyProfileUpdate(patch, mask, kNow, &profile).status()), "update_mask");
  mask.add_paths("nmae");
  EXPECT_EQ(core::FieldOf(ApplyProfileUpdate(patch, mask, kNow, &profile).status()),
            "update_mask.paths[0]");
  mask.set_paths(0, "kind");
  patch.set_kind(v1::CUSTOMER_KIND_PHARMACY);
  EXPECT_EQ(core::FieldOf(ApplyProfileUpdate(patch, mask, kNow, &profile).status()),
            "update_mask.paths[0]");
  mask.set_paths(0, "name");  // Clearing the name makes the profile invalid.
  EXPECT_EQ(core::FieldOf(ApplyProfileUpdate(patch, mask, kNow, &profile).status()), "profile.name");
  EXPECT_EQ(profile.SerializeAsString(), before.SerializeAsString());
}

TEST(ValidateProfile, DetailsMustMatchTheKind) {
  v1::CustomerProfile p = Doctor();
  p.mutable_doctor()->mutable_person()->set_professional_title(
      v1::PROFESSIONAL_TITLE_CHIEF_PHYSICIAN);
  EXPECT_TRUE(ValidateProfile(p, kNow).ok());
  p.mutable_pharmacy()->set_staff_count(3);  // Replaces the doctor details.
  EXPECT_EQ(core::FieldOf(ValidateProfile(p, kNow)), "profile.pharmacy");
}

TEST(ApplyProfileUpdate, ReplacesTypedDetailsAsAWhole) {
  v1::CustomerProfile profile = Hospital();
  profile.mutable_hospital()->set_bed_count(1500);
  v1::CustomerProfile patch;
  patch.mutable_hospital()->set_bed_count(2000);
  patch.mutable_hospital()->set_doctor_count(900);
  google::protobuf::FieldMask mask;
  mask.add_paths("hospital");
  auto changes = ApplyProfileUpdate(patch, mask, kNow, &profile);
  ASSERT_TRUE(changes.ok()) << changes.status();
  ASSERT_EQ(changes->size(), 1u);
  EXPECT_EQ((*changes)[0].field(), "hospital");
  EXPECT_EQ((*changes)[0].old_value(), "bed_count: 1500");
  EXPECT_EQ(profile.hospital().bed_count(), 2000);
  EXPECT_EQ(profile.hospital().doctor_count(), 900);
}

TEST(VersionAsOf, PicksTheVersionInForceAtThatMoment) {
  std::vector<v1::CustomerVersion> versions(3);
  for (int i = 0; i < 3; ++i) {
    versions[i].mutable_customer()->set_version(i + 1);
    versions[i].mutable_changed_at()->set_seconds(1000 * (i + 1));
  }
  google::protobuf::Timestamp t;
  t.set_seconds(2500);
  EXPECT_EQ(VersionAsOf(versions, t)->customer().version(), 2);
  t.set_seconds(2000);  // A change made exactly then is in force.
  EXPECT_EQ(VersionAsOf(versions, t)->customer().version(), 2);
  t.set_seconds(99999);
  EXPECT_EQ(VersionAsOf(versions, t)->customer().version(), 3);
  t.set_seconds(999);
  EXPECT_EQ(core::FieldOf(VersionAsOf(versions, t).status()), "as_of");
}

TEST(CheckExpectedVersion, StaleVersionIsAborted) {
  EXPECT_TRUE(CheckExpectedVersion(3, 3).ok());
  EXPECT_EQ(CheckExpectedVersion(2, 3).code(), absl::StatusCode::kAborted);
  EXPECT_THAT(std::string(CheckExpectedVersion(2, 3).message()),
              ::testing::HasSubstr("the customer is at version 3"));
  EXPECT_THAT(std::string(CheckExpectedVersion(1, 2, "territory").message()),
              ::testing::HasSubstr("the territory is at version 2"));
}

TEST(ProfileDiff, ListsChangedFieldsInFieldOrderWithOldAndNewText) {
  v1::CustomerProfile before = Hospital();
  v1::CustomerProfile after = before;
  after.set_name("北京协和医院东院");
  after.set_hospital_grade(v1::HOSPITAL_GRADE_3B);
  after.mutable_hospital()->set_bed_count(2000);
  std::vector<v1::FieldChange> changes = ProfileDiff(before, after);
  ASSERT_EQ(changes.size(), 3u);
  EXPECT_EQ(changes[0].field(), "name");
  EXPECT_EQ(changes[0].old_value(), "北京协和医院");
  EXPECT_EQ(changes[0].new_value(), "北京协和医院东院");
  EXPECT_EQ(changes[1].field(), "hospital_grade");
  EXPECT_EQ(changes[1].old_value(), "HOSPITAL_GRADE_3A");
  EXPECT_EQ(changes[1].new_value(), "HOSPITAL_GRADE_3B");
  EXPECT_EQ(changes[2].field(), "hospital");
  EXPECT_EQ(changes[2].old_value(), "");
  EXPECT_EQ(changes[2].new_value(), "bed_count: 2000");
  EXPECT_TRUE(ProfileDiff(after, after).empty());
}

TEST(ProfileDiff, AgreesWithTheChangesOfAnUpdate) {
  v1::CustomerProfile profile = Doctor();
  const v1::CustomerProfile before = profile;
  v1::CustomerProfile patch;
  patch.set_department("神经内科");
  patch.set_hospital_id("h-2");
  google::protobuf::FieldMask mask;
  mask.add_paths("hospital_id");
  mask.add_paths("department");
  auto changes = ApplyProfileUpdate(patch, mask, kNow, &profile);
  ASSERT_TRUE(changes.ok()) << changes.status();
  std::vector<v1::FieldChange> diff = ProfileDiff(before, profile);
  ASSERT_EQ(diff.size(), changes->size());
  for (const v1::FieldChange& d : diff) {
    auto same = std::find_if(changes->begin(), changes->end(), [&](const v1::FieldChange& c) {
      return c.field() == d.field() && c.old_value() == d.old_value() &&
             c.new_value() == d.new_value();
    });
    EXPECT_NE(same, changes->end()) << d.ShortDebugString();
  }
}

// --- Ranges of numeric and date fields ---------------------------------------

// A profile of the kind that holds messages of `message_name`, and that
// message inside it, with the path ValidateProfile names it by.
struct Holder {
  v1::CustomerProfile profile;
  google::protobuf::Message* message = nullptr;
  std::string path;
};

Holder HolderFor(const std::string& message_name) {
  Holder h;
  v1::CustomerProfile& p = h.profile;
  if (message_name == "HospitalDetails" || message_name == "Department" ||
      message_name == "DestroyedDrug") {
    p = Hospital();
    h.message = p.mutable_hospital();
    h.path = "profile.hospital";
    if (message_name == "Department") {
      h.message = p.mutable_hospital()->add_departments();
      h.path = "profile.hospital.departments[0]";
    } else if (message_name == "DestroyedDrug") {
      h.message = p.mutable_hospital()->add_destroyed_drugs();
      h.path = "profile.hospital.destroyed_drugs[0]";
    }
  } else if (message_name == "PersonDetails") {
    p = Doctor();
    h.message = p.mutable_doctor()->mutable_person();
    h.path = "profile.doctor.person";
  } else if (message_name == "PharmacyDetails") {
    p.set_kind(v1::CUSTOMER_KIND_PHARMACY);
    p.set_name("同仁堂药店");
    h.message = p.mutable_pharmacy();
    h.path = "profile.pharmacy";
  } else if (message_name == "DistributorDetails") {
    p.set_kind(v1::CUSTOMER_KIND_DISTRIBUTOR);
    p.set_name("国药控股");
    h.message = p.mutable_distributor();
    h.path = "profile.distributor";
  } else if (message_name == "PatientDetails" || message_name == "Therapy") {
    p.set_kind(v1::CUSTOMER_KIND_PATIENT);
    p.set_name("李娜");
    h.message = p.mutable_patient();
    h.path = "profile.patient";
    if (message_name == "Therapy") {
      h.message = p.mutable_patient()->add_therapies();
      h.path = "profile.patient.therapies[0]";
    }
  }
  return h;
}

// The profile with `range`'s field set to `value` (a number or a date), and
// the path of that field.
std::pair<v1::CustomerProfile, std::string> WithValue(const FieldRange& range, double value,
                                                      const std::string& date = "") {
  Holder h = HolderFor(range.field->containing_type()->name());
  EXPECT_NE(h.message, nullptr) << range.name;
  const auto* r = h.message->GetReflection();
  using google::protobuf::FieldDescriptor;
  switch (range.field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32:
      r->SetInt32(h.message, range.field, static_cast<int32_t>(value));
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      r->SetInt64(h.message, range.field, static_cast<int64_t>(value));
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      r->SetDouble(h.message, range.field, value);
      break;
    default:
      r->SetString(h.message, range.field, date);
  }
  return {h.profile, absl::StrCat(h.path, ".", range.field->name())};
}

TEST(ValidateProfile, RejectsANegativeBedCountNamingTheField) {
  v1::CustomerProfile p = Hospital();
  p.mutable_hospital()->set_bed_count(-1);
  absl::Status s = ValidateProfile(p, kNow);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(core::FieldOf(s), "profile.hospital.bed_count");
  EXPECT_THAT(s.message(), testing::HasSubstr("must be in 0..20000 (got -1)"));
  p.mutable_hospital()->set_bed_count(20001);
  EXPECT_EQ(core::FieldOf(ValidateProfile(p, kNow)), "profile.hospital.bed_count");
}

TEST(ValidateProfile, RejectsABirthDateInTheFutureNamingTheField) {
  v1::CustomerProfile p = Doctor();
  p.mutable_doctor()->mutable_person()->set_birth_date("2030-01-01");
  absl::Status s = ValidateProfile(p, kNow);
  EXPECT_EQ(core::FieldOf(s), "profile.doctor.person.birth_date");
  EXPECT_THAT(s.message(), testing::HasSubstr("2030-01-01 is in the future (today is 2026-12-07)"));
  p.mutable_doctor()->mutable_person()->set_birth_date("1899-12-31");
  EXPECT_EQ(core::FieldOf(ValidateProfile(p, kNow)), "profile.doctor.person.birth_date");
  p.mutable_doctor()->mutable_person()->set_birth_date("1975-06-01");
  EXPECT_TRUE(ValidateProfile(p, kNow).ok());
}

TEST(ValidateProfile, TodayIsTheDayInChina) {
  v1::CustomerProfile p = Doctor();
  p.mutable_doctor()->mutable_person()->set_birth_date("2026-12-08");
  // 2026-12-07 15:59 UTC is 23:59 in China: the 8th is still tomorrow.
  absl::Time before = absl::FromCivil(absl::CivilSecond(2026, 12, 7, 15, 59, 0), absl::UTCTimeZone());
  EXPECT_EQ(core::FieldOf(ValidateProfile(p, before)), "profile.doctor.person.birth_date");
  // 16:00 UTC is midnight in China: the 8th is today.
  absl::Time after = absl::FromCivil(absl::CivilSecond(2026, 12, 7, 16, 0, 0), absl::UTCTimeZone());
  EXPECT_TRUE(ValidateProfile(p, after).ok());
}

TEST(ValidateProfile, EveryNumericRangeHoldsAtItsBoundsAndFailsJustOutside) {
  for (const FieldRange& range : ProfileFieldRanges()) {
    if (range.is_date()) continue;
    SCOPED_TRACE(range.name);
    auto [at_min, path] = WithValue(range, static_cast<double>(range.min));
    EXPECT_TRUE(ValidateProfile(at_min, kNow).ok()) << ValidateProfile(at_min, kNow);
    auto [at_max, path2] = WithValue(range, static_cast<double>(range.max));
    EXPECT_TRUE(ValidateProfile(at_max, kNow).ok()) << ValidateProfile(at_max, kNow);
    auto [below, path3] = WithValue(range, static_cast<double>(range.min) - 1);
    EXPECT_EQ(core::FieldOf(ValidateProfile(below, kNow)), path3);
    auto [above, path4] = WithValue(range, static_cast<double>(range.max) + 1);
    EXPECT_EQ(core::FieldOf(ValidateProfile(above, kNow)), path4);
  }
}

TEST(ValidateProfile, EveryDateRangeHoldsAtItsBoundsAndFailsJustOutside) {
  const absl::CivilDay today(2026, 12, 7);
  for (const FieldRange& range : ProfileFieldRanges()) {
    if (!range.is_date()) continue;
    SCOPED_TRACE(range.name);
    absl::CivilDay earliest;
    ASSERT_TRUE(absl::ParseCivilTime(range.earliest_date, &earliest));
    const absl::CivilDay latest = today + range.days_after_today;
    for (auto [day, ok] : {std::pair{earliest, true}, std::pair{latest, true},
                           std::pair{earliest - 1, false}, std::pair{latest + 1, false}}) {
      auto [p, path] = WithValue(range, 0, absl::FormatCivilTime(day));
      absl::Status s = ValidateProfile(p, kNow);
      if (ok) {
        EXPECT_TRUE(s.ok()) << day << ": " << s;
      } else {
        EXPECT_EQ(core::FieldOf(s), path) << day;
      }
    }
  }
}

TEST(ValidateProfile, RejectsNonFiniteFloorArea) {
  v1::CustomerProfile p;
  p.set_kind(v1::CUSTOMER_KIND_PHARMACY);
  p.set_name("同仁堂药店");
  p.mutable_pharmacy()->set_floor_area_m2(std::numeric_limits<double>::quiet_NaN());
  EXPECT_EQ(core::FieldOf(ValidateProfile(p, kNow)), "profile.pharmacy.floor_area_m2");
}

TEST(ValidateProfile, ATherapyCannotEndBeforeItStarts) {
  v1::CustomerProfile p;
  p.set_kind(v1::CUSTOMER_KIND_PATIENT);
  p.set_name("李娜");
  v1::Therapy* t = p.mutable_patient()->add_therapies();
  t->set_started_on("2024-03-01");
  t->set_ended_on("2024-02-29");
  EXPECT_EQ(core::FieldOf(ValidateProfile(p, kNow)), "profile.patient.therapies[0].ended_on");
  t->set_ended_on("2024-03-01");
  EXPECT_TRUE(ValidateProfile(p, kNow).ok());
}

TEST(ApplyProfileUpdate, AppliesTheRangesToTheUpdatedProfile) {
  v1::CustomerProfile profile = Hospital();
  v1::CustomerProfile patch = Hospital();
  patch.mutable_hospital()->set_bed_count(-5);
  google::protobuf::FieldMask mask;
  mask.add_paths("hospital");
  const std::string before = profile.SerializeAsString();
  EXPECT_EQ(core::FieldOf(ApplyProfileUpdate(patch, mask, kNow, &profile).status()),
            "profile.hospital.bed_count");
  EXPECT_EQ(profile.SerializeAsString(), before);
}

// Every numeric and date field of the six kinds' details has a range.
void CollectUnranged(const google::protobuf::Descriptor* d, std::set<std::string>* seen,
                     std::vector<std::string>* unranged) {
  using google::protobuf::FieldDescriptor;
  if (!seen->insert(d->full_name()).second) return;
  std::set<const FieldDescriptor*> ranged;
  for (const FieldRange& r : ProfileFieldRanges()) ranged.insert(r.field);
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
      CollectUnranged(f->message_type(), seen, unranged);
      continue;
    }
    const std::string& n = f->name();
    bool numeric = f->cpp_type() == FieldDescriptor::CPPTYPE_INT32 ||
                   f->cpp_type() == FieldDescriptor::CPPTYPE_INT64 ||
                   f->cpp_type() == FieldDescriptor::CPPTYPE_UINT32 ||
                   f->cpp_type() == FieldDescriptor::CPPTYPE_UINT64 ||
                   f->cpp_type() == FieldDescriptor::CPPTYPE_DOUBLE ||
                   f->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT;
    bool date = f->type() == FieldDescriptor::TYPE_STRING &&
                (absl::EndsWith(n, "_date") || absl::EndsWith(n, "_on") || n == "customer_since");
    if ((numeric || date) && !ranged.contains(f)) unranged->push_back(f->full_name());
  }
}

TEST(ProfileFieldRanges, CoverEveryNumericAndDateFieldOfTheSixKinds) {
  std::set<std::string> seen;
  std::vector<std::string> unranged;
  const auto* profile = v1::CustomerProfile::descriptor();
  for (const char* details : {"hospital", "doctor", "pharmacy", "contact", "distributor", "patient"}) {
    CollectUnranged(profile->FindFieldByName(details)->message_type(), &seen, &unranged);
  }
  EXPECT_THAT(unranged, testing::IsEmpty());
  std::set<std::string> names;
  for (const FieldRange& r : ProfileFieldRanges()) {
    EXPECT_TRUE(names.insert(r.name).second) << "twice: " << r.name;
    EXPECT_LE(r.min, 0) << r.name << ": 0 (unset) must be valid";
  }
}

// docs/CUSTOMER_MASTER.md states the same ranges.
TEST(ProfileFieldRanges, AreTheTableInTheDocs) {
  std::ifstream in(PHARMACRM_SOURCE_DIR "/docs/CUSTOMER_MASTER.md");
  ASSERT_TRUE(in) << "cannot read docs/CUSTOMER_MASTER.md";
  std::stringstream doc;
  doc << in.rdbuf();
  for (const FieldRange& r : ProfileFieldRanges()) {
    std::string bounds =
        r.is_date()
            ? absl::StrCat(r.earliest_date, " .. ",
                           r.days_after_today == 0
                               ? std::string("today")
                               : absl::StrCat("today + ", r.days_after_today, " days"))
            : absl::StrCat(r.min, " .. ", r.max);
    EXPECT_THAT(doc.str(), testing::HasSubstr(absl::StrCat("| `", r.name, "` | ", bounds, " |")));
  }
}

}  // namespace
}  // namespace pharmacrm::customer_master
