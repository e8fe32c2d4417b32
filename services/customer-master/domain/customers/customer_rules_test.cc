#include "domain/customers/customer_rules.h"

#include <algorithm>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {
namespace {

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
  EXPECT_TRUE(ValidateProfile(Hospital()).ok());
  EXPECT_TRUE(ValidateProfile(Doctor()).ok());
}

TEST(ValidateProfile, NamesTheOffendingField) {
  auto field_of = [](v1::CustomerProfile p) { return core::FieldOf(ValidateProfile(p)); };
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
  auto changes = ApplyProfileUpdate(patch, mask, &profile);
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
  EXPECT_EQ(core::FieldOf(ApplyProfileUpdate(patch, mask, &profile).status()), "update_mask");
  mask.add_paths("nmae");
  EXPECT_EQ(core::FieldOf(ApplyProfileUpdate(patch, mask, &profile).status()),
            "update_mask.paths[0]");
  mask.set_paths(0, "kind");
  patch.set_kind(v1::CUSTOMER_KIND_PHARMACY);
  EXPECT_EQ(core::FieldOf(ApplyProfileUpdate(patch, mask, &profile).status()),
            "update_mask.paths[0]");
  mask.set_paths(0, "name");  // Clearing the name makes the profile invalid.
  EXPECT_EQ(core::FieldOf(ApplyProfileUpdate(patch, mask, &profile).status()), "profile.name");
  EXPECT_EQ(profile.SerializeAsString(), before.SerializeAsString());
}

TEST(ValidateProfile, DetailsMustMatchTheKind) {
  v1::CustomerProfile p = Doctor();
  p.mutable_doctor()->mutable_person()->set_professional_title(
      v1::PROFESSIONAL_TITLE_CHIEF_PHYSICIAN);
  EXPECT_TRUE(ValidateProfile(p).ok());
  p.mutable_pharmacy()->set_staff_count(3);  // Replaces the doctor details.
  EXPECT_EQ(core::FieldOf(ValidateProfile(p)), "profile.pharmacy");
}

TEST(ApplyProfileUpdate, ReplacesTypedDetailsAsAWhole) {
  v1::CustomerProfile profile = Hospital();
  profile.mutable_hospital()->set_bed_count(1500);
  v1::CustomerProfile patch;
  patch.mutable_hospital()->set_bed_count(2000);
  patch.mutable_hospital()->set_doctor_count(900);
  google::protobuf::FieldMask mask;
  mask.add_paths("hospital");
  auto changes = ApplyProfileUpdate(patch, mask, &profile);
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
  auto changes = ApplyProfileUpdate(patch, mask, &profile);
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

}  // namespace
}  // namespace pharmacrm::customer_master
