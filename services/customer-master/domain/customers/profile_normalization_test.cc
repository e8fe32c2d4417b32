#include "domain/customers/profile_normalization.h"

#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {
namespace {

TEST(NormalizeProfile, CanonicalisesTextPhonesCodesAndAddress) {
  v1::CustomerProfile p;
  p.set_kind(v1::CUSTOMER_KIND_HOSPITAL);
  p.set_name("  北京协和医院　（东单院区） ");
  p.set_phone("＋86 10 6915 6114");
  p.set_address("北京市东城区帅府园１号");
  auto* h = p.mutable_hospital();
  h->set_postcode("１００７３０");
  h->set_switchboard("010 69156114");
  h->add_departments()->set_phone("010-6915-6115");
  h->set_customer_since("2019-03-01");
  ASSERT_TRUE(NormalizeProfile(&p).ok());
  EXPECT_EQ(p.name(), "北京协和医院 (东单院区)");
  EXPECT_EQ(p.phone(), "010-69156114");
  EXPECT_EQ(p.province(), "北京市");
  EXPECT_EQ(p.city(), "北京市");
  EXPECT_EQ(p.district(), "东城区");
  EXPECT_EQ(p.address(), "帅府园1号");
  EXPECT_EQ(h->postcode(), "100730");
  EXPECT_EQ(h->switchboard(), "010-69156114");
  EXPECT_EQ(h->departments(0).phone(), "010-69156115");
}

TEST(NormalizeProfile, ShortProvinceGetsItsFullName) {
  v1::CustomerProfile p;
  p.set_province("广西");
  p.set_city("南宁市");
  ASSERT_TRUE(NormalizeProfile(&p).ok());
  EXPECT_EQ(p.province(), "广西壮族自治区");
}

TEST(NormalizeProfile, ErrorsNameTheNestedField) {
  v1::CustomerProfile p;
  p.mutable_doctor()->mutable_person()->set_mobile("1381234567");  // 10 digits.
  EXPECT_EQ(core::FieldOf(NormalizeProfile(&p)), "profile.doctor.person.mobile");
  v1::CustomerProfile q;
  q.mutable_pharmacy()->set_postcode("12345");
  EXPECT_EQ(core::FieldOf(NormalizeProfile(&q)), "profile.pharmacy.postcode");
  v1::CustomerProfile r;
  r.mutable_patient()->set_birth_date("1980/02/30");
  EXPECT_EQ(core::FieldOf(NormalizeProfile(&r)), "profile.patient.birth_date");
  v1::CustomerProfile s;
  s.mutable_distributor()->set_social_credit_code("91350100M000100Y4X");
  EXPECT_EQ(core::FieldOf(NormalizeProfile(&s)), "profile.distributor.social_credit_code");
  // In a list: the element's index, in the field and in the message.
  v1::CustomerProfile t;
  t.mutable_hospital()->add_departments()->set_phone("010-69156115");
  t.mutable_hospital()->add_departments()->set_phone("12");
  absl::Status bad = NormalizeProfile(&t);
  EXPECT_EQ(core::FieldOf(bad), "profile.hospital.departments[1].phone");
  EXPECT_NE(bad.message().find("departments[1].phone"), std::string::npos) << bad;
}

TEST(NormalizeProfile, SocialCreditCodeMustBelongToTheProfilesProvince) {
  // 91350100M000100Y43: the published example code, registered in 福建 (35).
  v1::CustomerProfile p;
  p.set_kind(v1::CUSTOMER_KIND_DISTRIBUTOR);
  p.set_province("福建省");
  p.mutable_distributor()->set_social_credit_code("91350100m000100y43");
  ASSERT_TRUE(NormalizeProfile(&p).ok());
  EXPECT_EQ(p.distributor().social_credit_code(), "91350100M000100Y43");
  p.set_province("广东省");
  absl::Status s = NormalizeProfile(&p);
  EXPECT_EQ(core::FieldOf(s), "profile.distributor.social_credit_code");
  EXPECT_NE(s.message().find("福建省"), std::string::npos) << s;
}

}  // namespace
}  // namespace pharmacrm::customer_master
