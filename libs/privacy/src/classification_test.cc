#include "pharmacrm/privacy/classification.h"

#include "gtest/gtest.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::privacy {
namespace {

TEST(Classification, ContractMarksPersonalSensitiveAndHealthFields) {
  auto paths = ClassifiedPaths(v1::CustomerProfile::descriptor(), v1::DATA_CLASS_PERSONAL);
  EXPECT_EQ(paths.at("phone"), v1::DATA_CLASS_PERSONAL);
  EXPECT_EQ(paths.at("doctor.person.home_address"), v1::DATA_CLASS_SENSITIVE);
  EXPECT_EQ(paths.at("doctor.person.spouse_name"), v1::DATA_CLASS_SENSITIVE);
  EXPECT_EQ(paths.at("doctor.person.hobbies"), v1::DATA_CLASS_SENSITIVE);
  EXPECT_EQ(paths.at("patient.diagnoses"), v1::DATA_CLASS_HEALTH);
  EXPECT_EQ(paths.at("patient.therapies.drug_name"), v1::DATA_CLASS_HEALTH);
  EXPECT_EQ(paths.count("name"), 0u);  // BUSINESS by default.
  EXPECT_EQ(paths.count("hospital.bed_count"), 0u);
}

TEST(Classification, UnmarkedFieldsAreBusiness) {
  const auto* f = v1::CustomerProfile::descriptor()->FindFieldByName("name");
  EXPECT_EQ(ClassOf(f), v1::DATA_CLASS_BUSINESS);
}

TEST(Mask, ClearsEverythingAboveTheAllowedClassAndCountsIt) {
  v1::CustomerProfile p;
  p.set_kind(v1::CUSTOMER_KIND_DOCTOR);
  p.set_name("张伟");
  p.set_phone("13812345678");
  auto* person = p.mutable_doctor()->mutable_person();
  person->set_home_address("北京市朝阳区某小区");
  person->set_spouse_name("李娜");
  person->add_hobbies("高尔夫");
  person->set_professional_title(v1::PROFESSIONAL_TITLE_CHIEF_PHYSICIAN);
  person->set_mobile("13900000000");

  v1::CustomerProfile business = p;
  EXPECT_EQ(Mask(&business, v1::DATA_CLASS_BUSINESS), 5);
  EXPECT_EQ(business.name(), "张伟");
  EXPECT_TRUE(business.phone().empty());
  EXPECT_TRUE(business.doctor().person().home_address().empty());
  EXPECT_TRUE(business.doctor().person().mobile().empty());
  EXPECT_EQ(business.doctor().person().professional_title(),
            v1::PROFESSIONAL_TITLE_CHIEF_PHYSICIAN);

  v1::CustomerProfile personal = p;
  EXPECT_EQ(Mask(&personal, v1::DATA_CLASS_PERSONAL), 3);
  EXPECT_EQ(personal.phone(), "13812345678");
  EXPECT_TRUE(personal.doctor().person().spouse_name().empty());
}

TEST(Mask, PatientHealthDataNeedsTheHealthClass) {
  v1::CustomerProfile p;
  p.set_kind(v1::CUSTOMER_KIND_PATIENT);
  p.mutable_patient()->add_diagnoses("慢性髓性白血病");
  p.mutable_patient()->add_therapies()->set_drug_name("伊马替尼");
  v1::CustomerProfile sensitive = p;
  EXPECT_EQ(Mask(&sensitive, v1::DATA_CLASS_SENSITIVE), 2);
  EXPECT_EQ(sensitive.patient().diagnoses_size(), 0);
  v1::CustomerProfile health = p;
  EXPECT_EQ(Mask(&health, v1::DATA_CLASS_HEALTH), 0);
}

TEST(HighestSetClass, IsTheMostProtectedFieldSetAnywhereInTheMessage) {
  v1::CustomerProfile p;
  EXPECT_EQ(HighestSetClass(p), v1::DATA_CLASS_UNSPECIFIED);
  p.mutable_hospital()->set_postcode("100730");
  EXPECT_EQ(HighestSetClass(p), v1::DATA_CLASS_PUBLIC);
  p.set_name("张伟");
  EXPECT_EQ(HighestSetClass(p), v1::DATA_CLASS_BUSINESS);
  p.set_phone("13812345678");
  EXPECT_EQ(HighestSetClass(p), v1::DATA_CLASS_PERSONAL);
  p.mutable_patient()->add_therapies()->set_drug_name("伊马替尼");  // Nested in a repeated field.
  EXPECT_EQ(HighestSetClass(p), v1::DATA_CLASS_HEALTH);
  Mask(&p, v1::DATA_CLASS_SENSITIVE);
  EXPECT_EQ(HighestSetClass(p), v1::DATA_CLASS_PERSONAL);
}

}  // namespace
}  // namespace pharmacrm::privacy
