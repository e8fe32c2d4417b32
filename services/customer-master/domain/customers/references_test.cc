#include "domain/customers/references.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {
namespace {

using ::testing::ElementsAre;

std::vector<std::string> Fields(const std::vector<CustomerReference>& refs) {
  std::vector<std::string> out;
  for (const auto& r : refs) out.push_back(r.field);
  return out;
}

TEST(ReferencesOf, ListsEveryNonEmptyReferenceOfEachKind) {
  v1::CustomerProfile hospital;
  hospital.set_kind(v1::CUSTOMER_KIND_HOSPITAL);
  auto* h = hospital.mutable_hospital();
  h->add_departments()->set_name("心内科");  // No head: not listed.
  h->add_departments()->set_head_doctor_id("D-2");
  h->add_pharmacy_committee()->set_name("许春梅");
  h->add_pharmacy_committee()->set_doctor_id("D-3");
  h->add_device_committee()->set_doctor_id("D-4");
  EXPECT_THAT(Fields(ReferencesOf(&hospital)),
              ElementsAre("profile.hospital.departments[1].head_doctor_id",
                          "profile.hospital.pharmacy_committee[1].doctor_id",
                          "profile.hospital.device_committee[0].doctor_id"));

  v1::CustomerProfile distributor;
  distributor.set_kind(v1::CUSTOMER_KIND_DISTRIBUTOR);
  distributor.mutable_distributor()->set_parent_id("DIS-1");
  distributor.mutable_distributor()->add_branch_ids("DIS-2");
  distributor.mutable_distributor()->add_branch_ids("DIS-3");
  std::vector<CustomerReference> refs = ReferencesOf(&distributor);
  EXPECT_THAT(Fields(refs),
              ElementsAre("profile.distributor.parent_id", "profile.distributor.branch_ids[0]",
                          "profile.distributor.branch_ids[1]"));
  // Parents and branches are marked as such.
  EXPECT_EQ(refs[0].role, ReferenceRole::kParent);
  EXPECT_EQ(refs[1].role, ReferenceRole::kBranch);
  EXPECT_EQ(refs[2].role, ReferenceRole::kBranch);
  // The pointers write through: an import replaces external ids this way.
  *refs[2].id = "customer-3";
  EXPECT_EQ(distributor.distributor().branch_ids(1), "customer-3");

  v1::CustomerProfile doctor;
  doctor.set_kind(v1::CUSTOMER_KIND_DOCTOR);
  doctor.set_hospital_id("H-1");
  EXPECT_THAT(Fields(ReferencesOf(&doctor)), ElementsAre("profile.hospital_id"));

  v1::CustomerProfile contact;
  contact.mutable_contact()->set_pharmacy_id("PHA-1");
  EXPECT_THAT(Fields(ReferencesOf(&contact)), ElementsAre("profile.contact.pharmacy_id"));
  v1::CustomerProfile pharmacy;
  pharmacy.mutable_pharmacy()->set_parent_id("DIS-1");
  EXPECT_THAT(Fields(ReferencesOf(&pharmacy)), ElementsAre("profile.pharmacy.parent_id"));
  EXPECT_EQ(ReferencesOf(&pharmacy)[0].role, ReferenceRole::kParent);
  EXPECT_EQ(ReferencesOf(&contact)[0].role, ReferenceRole::kOther);
  v1::CustomerProfile patient;
  patient.mutable_patient()->set_treating_doctor_id("D-1");
  EXPECT_THAT(Fields(ReferencesOf(&patient)), ElementsAre("profile.patient.treating_doctor_id"));
  v1::CustomerProfile none;
  none.set_kind(v1::CUSTOMER_KIND_PHARMACY);
  EXPECT_TRUE(ReferencesOf(&none).empty());
}

TEST(ReferencedIds, AreTheIdsReferencesOfListsInTheSameOrder) {
  v1::CustomerProfile hospital;
  hospital.set_hospital_id("H-0");  // Not a hospital's field, but listed as any profile's.
  auto* h = hospital.mutable_hospital();
  h->add_departments()->set_head_doctor_id("D-2");
  h->add_pharmacy_committee()->set_name("许春梅");
  h->add_device_committee()->set_doctor_id("D-4");
  EXPECT_THAT(ReferencedIds(hospital), ElementsAre("H-0", "D-2", "D-4"));
  v1::CustomerProfile distributor;
  distributor.mutable_distributor()->set_parent_id("DIS-1");
  distributor.mutable_distributor()->add_branch_ids("DIS-2");
  EXPECT_THAT(ReferencedIds(distributor), ElementsAre("DIS-1", "DIS-2"));
  v1::CustomerProfile patient;
  patient.mutable_patient()->set_treating_doctor_id("D-1");
  EXPECT_THAT(ReferencedIds(patient), ElementsAre("D-1"));
  for (v1::CustomerProfile* p : {&hospital, &distributor, &patient}) {
    std::vector<std::string> ids;
    for (const CustomerReference& r : ReferencesOf(p)) ids.push_back(*r.id);
    std::vector<absl::string_view> direct = ReferencedIds(*p);
    EXPECT_EQ(std::vector<std::string>(direct.begin(), direct.end()), ids);
  }
  EXPECT_TRUE(ReferencedIds(v1::CustomerProfile()).empty());
}

TEST(CheckReferencedKind, AcceptsTheAllowedKindsAndNamesTheFieldOtherwise) {
  v1::CustomerProfile pharmacy;
  pharmacy.mutable_pharmacy()->set_parent_id("X-1");
  std::vector<CustomerReference> refs = ReferencesOf(&pharmacy);
  ASSERT_EQ(refs.size(), 1u);
  EXPECT_TRUE(CheckReferencedKind(refs[0], v1::CUSTOMER_KIND_PHARMACY).ok());
  EXPECT_TRUE(CheckReferencedKind(refs[0], v1::CUSTOMER_KIND_DISTRIBUTOR).ok());
  absl::Status s = CheckReferencedKind(refs[0], v1::CUSTOMER_KIND_DOCTOR);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(core::FieldOf(s), "profile.pharmacy.parent_id");
  EXPECT_THAT(std::string(s.message()),
              ::testing::HasSubstr("'X-1' is a doctor, not a pharmacy or distributor"));
}

}  // namespace
}  // namespace pharmacrm::customer_master
