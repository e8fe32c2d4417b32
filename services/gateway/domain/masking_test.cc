#include "domain/masking.h"

#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/gateway.pb.h"

namespace pharmacrm::gateway {
namespace {

TEST(ParseMaxDataClass, TakesTheFiveClassesAndNamesTheFlagOtherwise) {
  EXPECT_EQ(*ParseMaxDataClass("public"), v1::DATA_CLASS_PUBLIC);
  EXPECT_EQ(*ParseMaxDataClass("business"), v1::DATA_CLASS_BUSINESS);
  EXPECT_EQ(*ParseMaxDataClass("Personal"), v1::DATA_CLASS_PERSONAL);
  EXPECT_EQ(*ParseMaxDataClass("SENSITIVE"), v1::DATA_CLASS_SENSITIVE);
  EXPECT_EQ(*ParseMaxDataClass("health"), v1::DATA_CLASS_HEALTH);
  for (const char* bad : {"", "all", "3", "DATA_CLASS_HEALTH"}) {
    EXPECT_EQ(core::FieldOf(ParseMaxDataClass(bad).status()), "max_data_class") << bad;
  }
}

v1::Customer360 Patient() {
  v1::Customer360 view;
  v1::CustomerProfile* p = view.mutable_customer()->mutable_profile();
  p->set_kind(v1::CUSTOMER_KIND_PATIENT);
  p->set_name("王**");
  p->set_phone("13800138000");  // PERSONAL
  v1::PatientDetails* d = p->mutable_patient();
  d->set_mobile("13900139000");                   // PERSONAL
  d->set_home_address("北京市朝阳区某小区");      // SENSITIVE
  d->add_diagnoses("2型糖尿病");                  // HEALTH
  d->add_therapies()->set_drug_name("某降糖药");  // HEALTH
  d->set_treating_doctor_id("doc-1");             // HEALTH
  d->set_consent_to_contact(true);
  view.mutable_contact_card()->set_phone("13800138000");  // the read model's copy
  return view;
}

TEST(WithholdAbove, EachClassKeepsItsOwnAndBelow) {
  v1::Customer360 health = Patient();
  EXPECT_EQ(WithholdAbove(&health, v1::DATA_CLASS_HEALTH), 0);
  EXPECT_EQ(health.customer().profile().patient().diagnoses_size(), 1);

  v1::Customer360 sensitive = Patient();
  EXPECT_EQ(WithholdAbove(&sensitive, v1::DATA_CLASS_SENSITIVE), 3);
  const v1::PatientDetails& s = sensitive.customer().profile().patient();
  EXPECT_EQ(s.diagnoses_size(), 0);
  EXPECT_EQ(s.therapies_size(), 0);
  EXPECT_EQ(s.treating_doctor_id(), "");
  EXPECT_EQ(s.home_address(), "北京市朝阳区某小区");
  EXPECT_TRUE(s.consent_to_contact());

  v1::Customer360 personal = Patient();
  EXPECT_EQ(WithholdAbove(&personal, v1::DATA_CLASS_PERSONAL), 4);
  EXPECT_EQ(personal.customer().profile().patient().home_address(), "");
  EXPECT_EQ(personal.customer().profile().phone(), "13800138000");

  v1::Customer360 business = Patient();
  WithholdAbove(&business, v1::DATA_CLASS_BUSINESS);
  EXPECT_EQ(business.customer().profile().phone(), "");
  EXPECT_EQ(business.customer().profile().patient().mobile(), "");
  EXPECT_EQ(business.customer().profile().name(), "王**");
  EXPECT_TRUE(business.customer().profile().patient().consent_to_contact());
}

TEST(WithholdAbove, ChangesOfProfileFieldsHoldingWithheldDataLoseTheirValues) {
  v1::CustomerHistory history;
  v1::CustomerVersion* v = history.add_versions();
  *v->mutable_customer() = Patient().customer();
  auto add = [&](const char* field, const char* before, const char* after) {
    v1::FieldChange* c = v->add_changes();
    c->set_field(field);
    c->set_old_value(before);
    c->set_new_value(after);
  };
  add("patient", "diagnoses: \"高血压\"", "diagnoses: \"2型糖尿病\"");
  add("phone", "010-1", "13800138000");
  add("name", "王某", "王**");

  v1::CustomerHistory sensitive = history;
  WithholdAbove(&sensitive, v1::DATA_CLASS_SENSITIVE);
  const auto& sc = sensitive.versions(0).changes();
  EXPECT_EQ(sc[0].old_value(), kWithheldValue);
  EXPECT_EQ(sc[0].new_value(), kWithheldValue);
  EXPECT_EQ(sc[1].new_value(), "13800138000");
  EXPECT_EQ(sc[2].new_value(), "王**");

  v1::CustomerHistory business = history;
  WithholdAbove(&business, v1::DATA_CLASS_BUSINESS);
  const auto& bc = business.versions(0).changes();
  EXPECT_EQ(bc[1].old_value(), kWithheldValue);
  EXPECT_EQ(bc[2].old_value(), "王某");
  EXPECT_EQ(business.versions(0).customer().profile().phone(), "");
}

TEST(Disclose, SaysWhatWasServedAndWithheldAndWhetherToAudit) {
  v1::Customer360 view = Patient();
  Disclosure d = Disclose(&view, v1::DATA_CLASS_SENSITIVE);
  EXPECT_EQ(d.withheld, 3);
  EXPECT_EQ(d.highest, v1::DATA_CLASS_SENSITIVE);
  EXPECT_TRUE(Audited(d));
  view = Patient();
  d = Disclose(&view, v1::DATA_CLASS_BUSINESS);
  EXPECT_EQ(d.highest, v1::DATA_CLASS_BUSINESS);
  EXPECT_FALSE(Audited(d));
  v1::Customer360 empty;
  EXPECT_FALSE(Audited(Disclose(&empty, v1::DATA_CLASS_HEALTH)));
}

}  // namespace
}  // namespace pharmacrm::gateway
