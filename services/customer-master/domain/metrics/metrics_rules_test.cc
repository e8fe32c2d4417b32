#include "domain/metrics/metrics_rules.h"

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::Optional;

const absl::TimeZone kChina = absl::FixedTimeZone(8 * 60 * 60);

// 2024-05-15 10:00 in Beijing.
absl::Time Now() { return absl::FromCivil(absl::CivilSecond(2024, 5, 15, 10, 0, 0), kChina); }

void AddClass(google::protobuf::RepeatedPtrField<v1::DrugClassFigure>* list,
              const std::string& drug_class, int64_t volume, int64_t amount_fen) {
  v1::DrugClassFigure* f = list->Add();
  f->set_drug_class(drug_class);
  f->set_volume(volume);
  f->set_amount_fen(amount_fen);
}

v1::CustomerMetrics Base(const std::string& customer_id) {
  v1::CustomerMetrics m;
  m.set_customer_id(customer_id);
  m.set_period("2024-04");
  m.set_version(1);
  m.set_recorded_by("u-rep-017");
  m.set_source("rep");
  return m;
}

// A month of a large tertiary hospital.
v1::CustomerMetrics HospitalMonth() {
  v1::CustomerMetrics m = Base("h-pumch");
  v1::HospitalMetrics* h = m.mutable_hospital();
  h->set_outpatient_visits(285'000);
  v1::DepartmentVisits* d = h->add_department_visits();
  d->set_department("心内科");
  d->set_visits(21'400);
  d = h->add_department_visits();
  d->set_department("肿瘤内科");
  d->set_visits(15'900);
  AddClass(h->mutable_prescriptions(), "心血管药", 48'200, 612'000'000);
  AddClass(h->mutable_prescriptions(), "抗肿瘤药", 9'600, 1'480'000'000);
  AddClass(h->mutable_prescriptions(), "抗感染药", 31'000, 0);
  AddClass(h->mutable_own_prescriptions(), "心血管药", 7'230, 95'000'000);
  AddClass(h->mutable_own_prescriptions(), "抗肿瘤药", 1'152, 201'000'000);
  h->set_bed_utilisation_permille(1'080);
  h->set_drug_purchase_volume(1'310'000);
  h->set_drug_purchase_amount_fen(1'190'000'000);
  h->set_drug_sales_volume(1'250'000);
  h->set_drug_sales_amount_fen(1'250'000'000);
  h->set_prescription_drug_sales_amount_fen(1'062'500'000);
  h->set_purchased_drug_kinds(1'460);
  h->add_purchasing_channels("北京市医药集中采购服务平台");
  h->add_purchasing_channels("国药控股北京有限公司");
  h->set_payment_method("银行转账");
  h->set_purchasing_cycle_days(30);
  return m;
}

v1::CustomerMetrics DepartmentMonth() {
  v1::CustomerMetrics m = Base("h-pumch");
  m.set_department("心内科");
  v1::DepartmentMetrics* d = m.mutable_department_figures();
  d->set_outpatient_visits(21'400);
  AddClass(d->mutable_prescriptions(), "心血管药", 12'800, 163'000'000);
  AddClass(d->mutable_own_prescriptions(), "心血管药", 2'560, 30'000'000);
  d->set_drug_sales_volume(96'000);
  d->set_drug_sales_amount_fen(180'000'000);
  d->set_prescription_drug_sales_amount_fen(171'000'000);
  d->set_bed_count(120);
  return m;
}

v1::CustomerMetrics DoctorMonth() {
  v1::CustomerMetrics m = Base("d-zhangwei");
  v1::DoctorMetrics* d = m.mutable_doctor();
  d->set_outpatient_visits(620);
  AddClass(d->mutable_prescriptions(), "心血管药", 1'840, 23'500'000);
  AddClass(d->mutable_prescriptions(), "抗血栓药", 410, 6'100'000);
  AddClass(d->mutable_own_prescriptions(), "心血管药", 412, 5'200'000);
  d->set_clinic_days(12);
  return m;
}

v1::CustomerMetrics PharmacyMonth() {
  v1::CustomerMetrics m = Base("p-yixintang-0231");
  v1::PharmacyMetrics* p = m.mutable_pharmacy();
  p->set_purchasing_cycle_days(14);
  AddClass(p->mutable_sales(), "心血管药", 3'900, 15'600'000);
  AddClass(p->mutable_own_sales(), "心血管药", 620, 2'790'000);
  p->set_own_counter_share_permille(185);
  p->set_account_age_days(45);
  p->set_on_time_repayment_permille(930);
  p->add_suppliers("九州通医药集团股份有限公司");
  p->add_wholesalers("上海医药分销控股有限公司");
  return m;
}

v1::CustomerMetrics DistributorMonth() {
  v1::CustomerMetrics m = Base("dist-sinopharm-bj");
  v1::DistributorMetrics* d = m.mutable_distributor();
  d->set_sales_volume(4'800'000);
  d->set_sales_amount_fen(36'500'000'000);
  d->set_account_age_days(60);
  d->set_on_time_payment_permille(965);
  d->set_downstream_channels(1'240);
  d->set_own_share_volume_permille(42);
  d->set_own_share_amount_permille(57);
  d->set_purchasing_cycle_days(7);
  v1::DivertedGoods* g = d->add_diverted();
  g->set_product("阿托伐他汀钙片 20mg×7片");
  g->set_quantity(3'600);
  g->set_region("河北省保定市");
  v1::InventoryItem* i = d->add_inventory();
  i->set_product("阿托伐他汀钙片 20mg×7片");
  i->set_quantity(58'000);
  d->add_suppliers("北京某某制药有限公司");
  return m;
}

v1::CustomerProfile HospitalProfile() {
  v1::CustomerProfile p;
  p.set_kind(v1::CUSTOMER_KIND_HOSPITAL);
  p.set_name("北京协和医院");
  v1::HospitalDetails* h = p.mutable_hospital();
  for (auto [name, doctors] : {std::pair{"心内科", 86}, {"肿瘤内科", 64}, {"消化内科", 58}}) {
    v1::Department* d = h->add_departments();
    d->set_name(name);
    d->set_doctor_count(doctors);
  }
  h->set_doctor_count(1'900);
  h->set_bed_count(2'000);
  return p;
}

std::optional<std::string> FieldOf(const v1::CustomerMetrics& m, v1::CustomerKind kind,
                                   absl::Time now = Now()) {
  absl::Status s = ValidateMetrics(m, kind, now);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << s;
  return core::FieldOf(s);
}

// --- Formulas ---

TEST(PrescriptionShare, IsOwnOverTotal) {
  EXPECT_THAT(PrescriptionShare(412, 1'840), Optional(DoubleNear(0.223913, 1e-6)));
  EXPECT_THAT(PrescriptionShare(0, 1'840), Optional(0.0));
  EXPECT_THAT(PrescriptionShare(1'840, 1'840), Optional(1.0));
}

TEST(PrescriptionShare, IsUnsetForZeroTotalOrImpossibleOwn) {
  EXPECT_EQ(PrescriptionShare(0, 0), std::nullopt);
  EXPECT_EQ(PrescriptionShare(5, 0), std::nullopt);
  EXPECT_EQ(PrescriptionShare(5, -3), std::nullopt);
  EXPECT_EQ(PrescriptionShare(-1, 100), std::nullopt);
  EXPECT_EQ(PrescriptionShare(101, 100), std::nullopt);
}

TEST(PrescriptionDrugRatio, IsPrescriptionSalesOverSales) {
  EXPECT_THAT(PrescriptionDrugRatio(1'062'500'000, 1'250'000'000), Optional(DoubleNear(0.85, 1e-12)));
  EXPECT_THAT(PrescriptionDrugRatio(0, 1'250'000'000), Optional(0.0));
}

TEST(PrescriptionDrugRatio, IsUnsetForZeroSalesOrImpossibleShare) {
  EXPECT_EQ(PrescriptionDrugRatio(0, 0), std::nullopt);
  EXPECT_EQ(PrescriptionDrugRatio(100, 0), std::nullopt);
  EXPECT_EQ(PrescriptionDrugRatio(-1, 100), std::nullopt);
  EXPECT_EQ(PrescriptionDrugRatio(101, 100), std::nullopt);
}

// --- Periods ---

TEST(ValidatePeriod, AcceptsRealMonthsFrom2000) {
  EXPECT_TRUE(ValidatePeriod("from", "2000-01").ok());
  EXPECT_TRUE(ValidatePeriod("from", "2024-12").ok());
  EXPECT_TRUE(ValidatePeriod("to", "2031-06").ok());  // No clock: bounds may be ahead.
}

TEST(ValidatePeriod, RejectsMalformedOrEarlyMonthsNamingTheField) {
  for (const char* bad : {"", "2024", "2024-1", "2024-13", "2024-00", "24-05", "2024/05",
                          "2024-05-01", "２０２４-05", "20a4-05", "1999-12"}) {
    absl::Status s = ValidatePeriod("to", bad);
    EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_EQ(core::FieldOf(s), "to") << bad;
  }
}

TEST(ValidateMetrics, AllowsTheCurrentMonthButNotTheNext) {
  v1::CustomerMetrics m = DoctorMonth();
  m.set_period("2024-05");
  EXPECT_TRUE(ValidateMetrics(m, v1::CUSTOMER_KIND_DOCTOR, Now()).ok());
  m.set_period("2024-06");
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_DOCTOR), "period");
  m.set_period("2000-01");
  EXPECT_TRUE(ValidateMetrics(m, v1::CUSTOMER_KIND_DOCTOR, Now()).ok());
  m.set_period("1999-12");
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_DOCTOR), "period");
  m.set_period("2024-4");
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_DOCTOR), "period");
}

TEST(ValidateMetrics, TheCurrentMonthIsChinas) {
  // 2024-05-31 17:00 UTC is already 2024-06-01 01:00 in Beijing.
  absl::Time now = absl::FromCivil(absl::CivilSecond(2024, 5, 31, 17, 0, 0), absl::UTCTimeZone());
  v1::CustomerMetrics m = DoctorMonth();
  m.set_period("2024-06");
  EXPECT_TRUE(ValidateMetrics(m, v1::CUSTOMER_KIND_DOCTOR, now).ok());
  now -= absl::Hours(2);  // 2024-05-31 23:00 in Beijing.
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_DOCTOR, now), "period");
}

// --- Validation of figures ---

TEST(ValidateMetrics, AcceptsRealisticRecordsOfEveryKind) {
  EXPECT_TRUE(ValidateMetrics(HospitalMonth(), v1::CUSTOMER_KIND_HOSPITAL, Now()).ok());
  EXPECT_TRUE(ValidateMetrics(DepartmentMonth(), v1::CUSTOMER_KIND_HOSPITAL, Now()).ok());
  EXPECT_TRUE(ValidateMetrics(DoctorMonth(), v1::CUSTOMER_KIND_DOCTOR, Now()).ok());
  EXPECT_TRUE(ValidateMetrics(PharmacyMonth(), v1::CUSTOMER_KIND_PHARMACY, Now()).ok());
  EXPECT_TRUE(ValidateMetrics(DistributorMonth(), v1::CUSTOMER_KIND_DISTRIBUTOR, Now()).ok());
}

TEST(ValidateMetrics, RequiresCustomerId) {
  v1::CustomerMetrics m = DoctorMonth();
  m.set_customer_id(" ");
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_DOCTOR), "customer_id");
}

TEST(ValidateMetrics, FiguresMustMatchTheKind) {
  EXPECT_EQ(FieldOf(DoctorMonth(), v1::CUSTOMER_KIND_PHARMACY), "figures");
  EXPECT_EQ(FieldOf(HospitalMonth(), v1::CUSTOMER_KIND_DOCTOR), "figures");
  EXPECT_EQ(FieldOf(DepartmentMonth(), v1::CUSTOMER_KIND_DOCTOR), "figures");
  EXPECT_EQ(FieldOf(DistributorMonth(), v1::CUSTOMER_KIND_PHARMACY), "figures");
  v1::CustomerMetrics empty = Base("d-1");
  EXPECT_EQ(FieldOf(empty, v1::CUSTOMER_KIND_DOCTOR), "figures");
}

TEST(ValidateMetrics, ContactsPatientsAndUnknownKindsHaveNoMetrics) {
  EXPECT_EQ(FieldOf(PharmacyMonth(), v1::CUSTOMER_KIND_CONTACT), "figures");
  EXPECT_EQ(FieldOf(DoctorMonth(), v1::CUSTOMER_KIND_PATIENT), "figures");
  EXPECT_EQ(FieldOf(DoctorMonth(), v1::CUSTOMER_KIND_UNSPECIFIED), "figures");
  EXPECT_EQ(FieldOf(Base("c-1"), v1::CUSTOMER_KIND_CONTACT), "figures");
}

TEST(ValidateMetrics, DepartmentIsSetExactlyWithDepartmentFigures) {
  v1::CustomerMetrics m = DepartmentMonth();
  m.clear_department();
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_HOSPITAL), "department");
  m.set_department(std::string(101, 'x'));
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_HOSPITAL), "department");
  m = HospitalMonth();
  m.set_department("心内科");
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_HOSPITAL), "department");
  m = DoctorMonth();
  m.set_department("心内科");
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_DOCTOR), "department");
}

TEST(ValidateMetrics, OwnPrescriptionsMayNotExceedTheirClassTotal) {
  v1::CustomerMetrics m = DoctorMonth();
  m.mutable_doctor()->mutable_own_prescriptions(0)->set_volume(1'841);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_DOCTOR), "figures.doctor.own_prescriptions[0].volume");

  m = DoctorMonth();
  m.mutable_doctor()->mutable_own_prescriptions(0)->set_volume(1'840);  // All of them: fine.
  EXPECT_TRUE(ValidateMetrics(m, v1::CUSTOMER_KIND_DOCTOR, Now()).ok());

  m = DoctorMonth();
  m.mutable_doctor()->mutable_own_prescriptions(0)->set_amount_fen(23'500'001);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_DOCTOR), "figures.doctor.own_prescriptions[0].amount_fen");

  m = DoctorMonth();
  AddClass(m.mutable_doctor()->mutable_own_prescriptions(), "抗肿瘤药", 3, 0);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_DOCTOR), "figures.doctor.own_prescriptions[1].drug_class");

  m = HospitalMonth();
  m.mutable_hospital()->mutable_own_prescriptions(1)->set_volume(9'601);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_HOSPITAL),
            "figures.hospital.own_prescriptions[1].volume");

  m = DepartmentMonth();
  m.mutable_department_figures()->mutable_own_prescriptions(0)->set_volume(12'801);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_HOSPITAL),
            "figures.department_figures.own_prescriptions[0].volume");

  m = PharmacyMonth();
  m.mutable_pharmacy()->mutable_own_sales(0)->set_volume(3'901);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_PHARMACY), "figures.pharmacy.own_sales[0].volume");
}

TEST(ValidateMetrics, UnreportedTotalsAreNotACap) {
  // Only the own company's prescriptions known: no totals to compare with.
  v1::CustomerMetrics m = DoctorMonth();
  m.mutable_doctor()->clear_prescriptions();
  EXPECT_TRUE(ValidateMetrics(m, v1::CUSTOMER_KIND_DOCTOR, Now()).ok());
  // A total without an amount does not cap the own amount.
  m = HospitalMonth();
  AddClass(m.mutable_hospital()->mutable_own_prescriptions(), "抗感染药", 2'100, 18'000'000);
  EXPECT_TRUE(ValidateMetrics(m, v1::CUSTOMER_KIND_HOSPITAL, Now()).ok());
}

TEST(ValidateMetrics, DrugClassesAreNamedOncePerList) {
  v1::CustomerMetrics m = DoctorMonth();
  m.mutable_doctor()->mutable_prescriptions(1)->set_drug_class("  ");
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_DOCTOR), "figures.doctor.prescriptions[1].drug_class");
  m = DoctorMonth();
  m.mutable_doctor()->mutable_prescriptions(1)->set_drug_class("心血管药");
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_DOCTOR), "figures.doctor.prescriptions[1].drug_class");
  m = PharmacyMonth();
  m.mutable_pharmacy()->mutable_own_sales(0)->clear_drug_class();
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_PHARMACY), "figures.pharmacy.own_sales[0].drug_class");
}

TEST(ValidateMetrics, RejectsNegativeFiguresNamingThem) {
  v1::CustomerMetrics m = HospitalMonth();
  m.mutable_hospital()->set_outpatient_visits(-1);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_HOSPITAL), "figures.hospital.outpatient_visits");
  m = HospitalMonth();
  m.mutable_hospital()->mutable_department_visits(1)->set_visits(-5);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_HOSPITAL), "figures.hospital.department_visits[1].visits");
  m = HospitalMonth();
  m.mutable_hospital()->mutable_prescriptions(2)->set_volume(-1);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_HOSPITAL), "figures.hospital.prescriptions[2].volume");
  m = HospitalMonth();
  m.mutable_hospital()->set_drug_purchase_amount_fen(-100);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_HOSPITAL), "figures.hospital.drug_purchase_amount_fen");
  m = HospitalMonth();
  m.mutable_hospital()->set_purchasing_cycle_days(-30);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_HOSPITAL), "figures.hospital.purchasing_cycle_days");
  m = DepartmentMonth();
  m.mutable_department_figures()->set_bed_count(-1);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_HOSPITAL), "figures.department_figures.bed_count");
  m = DoctorMonth();
  m.mutable_doctor()->set_outpatient_visits(-620);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_DOCTOR), "figures.doctor.outpatient_visits");
  m = PharmacyMonth();
  m.mutable_pharmacy()->set_account_age_days(-1);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_PHARMACY), "figures.pharmacy.account_age_days");
  m = DistributorMonth();
  m.mutable_distributor()->set_sales_amount_fen(-1);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_DISTRIBUTOR), "figures.distributor.sales_amount_fen");
  m = DistributorMonth();
  m.mutable_distributor()->mutable_inventory(0)->set_quantity(-1);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_DISTRIBUTOR), "figures.distributor.inventory[0].quantity");
}

TEST(ValidateMetrics, ChecksPermilleAndDayRanges) {
  v1::CustomerMetrics m = HospitalMonth();
  m.mutable_hospital()->set_bed_utilisation_permille(2'000);  // Overcrowded, but real.
  EXPECT_TRUE(ValidateMetrics(m, v1::CUSTOMER_KIND_HOSPITAL, Now()).ok());
  m.mutable_hospital()->set_bed_utilisation_permille(2'001);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_HOSPITAL), "figures.hospital.bed_utilisation_permille");
  m.mutable_hospital()->set_bed_utilisation_permille(-1);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_HOSPITAL), "figures.hospital.bed_utilisation_permille");

  m = PharmacyMonth();
  m.mutable_pharmacy()->set_own_counter_share_permille(1'001);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_PHARMACY), "figures.pharmacy.own_counter_share_permille");
  m = PharmacyMonth();
  m.mutable_pharmacy()->set_on_time_repayment_permille(1'200);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_PHARMACY), "figures.pharmacy.on_time_repayment_permille");

  m = DistributorMonth();
  m.mutable_distributor()->set_on_time_payment_permille(-1);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_DISTRIBUTOR),
            "figures.distributor.on_time_payment_permille");
  m = DistributorMonth();
  m.mutable_distributor()->set_own_share_volume_permille(1'001);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_DISTRIBUTOR),
            "figures.distributor.own_share_volume_permille");
  m = DistributorMonth();
  m.mutable_distributor()->set_own_share_amount_permille(1'000);
  EXPECT_TRUE(ValidateMetrics(m, v1::CUSTOMER_KIND_DISTRIBUTOR, Now()).ok());

  m = DoctorMonth();
  m.mutable_doctor()->set_clinic_days(31);
  EXPECT_TRUE(ValidateMetrics(m, v1::CUSTOMER_KIND_DOCTOR, Now()).ok());
  m.mutable_doctor()->set_clinic_days(32);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_DOCTOR), "figures.doctor.clinic_days");
}

TEST(ValidateMetrics, PrescriptionDrugSalesAreAPartOfDrugSales) {
  v1::CustomerMetrics m = HospitalMonth();
  m.mutable_hospital()->set_prescription_drug_sales_amount_fen(1'250'000'001);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_HOSPITAL),
            "figures.hospital.prescription_drug_sales_amount_fen");
  m = DepartmentMonth();
  m.mutable_department_figures()->set_drug_sales_amount_fen(0);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_HOSPITAL),
            "figures.department_figures.prescription_drug_sales_amount_fen");
}

TEST(ValidateMetrics, NamesInListsMustNotBeBlank) {
  v1::CustomerMetrics m = HospitalMonth();
  m.mutable_hospital()->mutable_department_visits(0)->set_department("");
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_HOSPITAL),
            "figures.hospital.department_visits[0].department");
  m = HospitalMonth();
  m.mutable_hospital()->mutable_department_visits(1)->set_department("心内科");
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_HOSPITAL),
            "figures.hospital.department_visits[1].department");
  m = HospitalMonth();
  m.mutable_hospital()->add_purchasing_channels(" ");
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_HOSPITAL), "figures.hospital.purchasing_channels[2]");
  m = PharmacyMonth();
  m.mutable_pharmacy()->add_suppliers("");
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_PHARMACY), "figures.pharmacy.suppliers[1]");
  m = PharmacyMonth();
  m.mutable_pharmacy()->set_wholesalers(0, "");
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_PHARMACY), "figures.pharmacy.wholesalers[0]");
  m = DistributorMonth();
  m.mutable_distributor()->add_suppliers("\t");
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_DISTRIBUTOR), "figures.distributor.suppliers[1]");
}

TEST(ValidateMetrics, DivertedGoodsNeedProductPositiveQuantityAndRegion) {
  v1::CustomerMetrics m = DistributorMonth();
  m.mutable_distributor()->mutable_diverted(0)->clear_product();
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_DISTRIBUTOR), "figures.distributor.diverted[0].product");
  m = DistributorMonth();
  m.mutable_distributor()->mutable_diverted(0)->set_quantity(0);
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_DISTRIBUTOR), "figures.distributor.diverted[0].quantity");
  m = DistributorMonth();
  m.mutable_distributor()->mutable_diverted(0)->set_region(" ");
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_DISTRIBUTOR), "figures.distributor.diverted[0].region");
  m = DistributorMonth();
  m.mutable_distributor()->mutable_inventory(0)->clear_product();
  EXPECT_EQ(FieldOf(m, v1::CUSTOMER_KIND_DISTRIBUTOR), "figures.distributor.inventory[0].product");
}

TEST(ValidateMetrics, MessageStartsWithTheField) {
  v1::CustomerMetrics m = DoctorMonth();
  m.mutable_doctor()->mutable_own_prescriptions(0)->set_volume(2'000);
  absl::Status s = ValidateMetrics(m, v1::CUSTOMER_KIND_DOCTOR, Now());
  EXPECT_THAT(std::string(s.message()),
              ::testing::StartsWith("figures.doctor.own_prescriptions[0].volume: "));
  EXPECT_THAT(std::string(s.message()), ::testing::HasSubstr("1840"));
}

// --- Key figures ---

TEST(ComputeKeyFigures, HospitalSharesRatioAndKeyData) {
  v1::KeyFigures k = ComputeKeyFigures(HospitalMonth(), HospitalProfile());
  EXPECT_EQ(k.customer_id(), "h-pumch");
  EXPECT_EQ(k.period(), "2024-04");
  EXPECT_EQ(k.department(), "");
  // (7230 + 1152) / (48200 + 9600 + 31000)
  ASSERT_TRUE(k.has_prescription_share());
  EXPECT_NEAR(k.prescription_share(), 8'382.0 / 88'800.0, 1e-12);
  ASSERT_TRUE(k.has_prescription_drug_ratio());
  EXPECT_NEAR(k.prescription_drug_ratio(), 0.85, 1e-12);

  ASSERT_EQ(k.share_by_class_size(), 3);
  EXPECT_EQ(k.share_by_class(0).drug_class(), "心血管药");
  EXPECT_EQ(k.share_by_class(0).own_volume(), 7'230);
  EXPECT_EQ(k.share_by_class(0).total_volume(), 48'200);
  EXPECT_TRUE(k.share_by_class(0).has_share());
  EXPECT_NEAR(k.share_by_class(0).share(), 0.15, 1e-12);
  EXPECT_EQ(k.share_by_class(1).drug_class(), "抗肿瘤药");
  EXPECT_NEAR(k.share_by_class(1).share(), 0.12, 1e-12);
  EXPECT_EQ(k.share_by_class(2).drug_class(), "抗感染药");
  EXPECT_EQ(k.share_by_class(2).own_volume(), 0);
  EXPECT_TRUE(k.share_by_class(2).has_share());
  EXPECT_EQ(k.share_by_class(2).share(), 0.0);

  ASSERT_EQ(k.key_data_case(), v1::KeyFigures::kHospital);
  const v1::HospitalKeyData& h = k.hospital();
  EXPECT_EQ(h.outpatient_visits(), 285'000);
  EXPECT_EQ(h.drug_sales_volume(), 1'250'000);
  EXPECT_EQ(h.drug_sales_amount_fen(), 1'250'000'000);
  EXPECT_EQ(h.department_count(), 3);  // From the profile, not the 2 with visits.
  EXPECT_EQ(h.doctor_count(), 1'900);
  EXPECT_EQ(h.bed_count(), 2'000);
  EXPECT_EQ(h.prescription_volume(), 88'800);
}

TEST(ComputeKeyFigures, HospitalCountsFallBackWhenTheProfileLacksThem) {
  v1::CustomerProfile profile = HospitalProfile();
  profile.mutable_hospital()->set_doctor_count(0);
  v1::KeyFigures k = ComputeKeyFigures(HospitalMonth(), profile);
  EXPECT_EQ(k.hospital().doctor_count(), 86 + 64 + 58);  // Sum over departments.

  v1::CustomerProfile bare;
  bare.set_kind(v1::CUSTOMER_KIND_HOSPITAL);
  k = ComputeKeyFigures(HospitalMonth(), bare);
  EXPECT_EQ(k.hospital().department_count(), 2);  // Departments with visits.
  EXPECT_EQ(k.hospital().doctor_count(), 0);
  EXPECT_EQ(k.hospital().bed_count(), 0);
  EXPECT_EQ(k.hospital().outpatient_visits(), 285'000);
}

TEST(ComputeKeyFigures, ZeroTotalsLeaveSharesAndRatioUnset) {
  v1::CustomerMetrics m = HospitalMonth();
  v1::HospitalMetrics* h = m.mutable_hospital();
  h->clear_prescriptions();
  h->set_drug_sales_amount_fen(0);
  h->set_prescription_drug_sales_amount_fen(0);
  v1::KeyFigures k = ComputeKeyFigures(m, HospitalProfile());
  EXPECT_FALSE(k.has_prescription_share());
  EXPECT_EQ(k.prescription_share(), 0.0);
  EXPECT_FALSE(k.has_prescription_drug_ratio());
  // Own-only classes still appear, without a share.
  ASSERT_EQ(k.share_by_class_size(), 2);
  EXPECT_EQ(k.share_by_class(0).drug_class(), "心血管药");
  EXPECT_EQ(k.share_by_class(0).own_volume(), 7'230);
  EXPECT_EQ(k.share_by_class(0).total_volume(), 0);
  EXPECT_FALSE(k.share_by_class(0).has_share());
  EXPECT_EQ(k.hospital().prescription_volume(), 0);
}

TEST(ComputeKeyFigures, ZeroTotalOfOneClassLeavesOnlyThatShareUnset) {
  v1::CustomerMetrics m = DoctorMonth();
  AddClass(m.mutable_doctor()->mutable_prescriptions(), "抗肿瘤药", 0, 0);
  v1::KeyFigures k = ComputeKeyFigures(m, v1::CustomerProfile());
  ASSERT_EQ(k.share_by_class_size(), 3);
  EXPECT_TRUE(k.share_by_class(0).has_share());
  EXPECT_TRUE(k.share_by_class(1).has_share());
  EXPECT_FALSE(k.share_by_class(2).has_share());
  EXPECT_TRUE(k.has_prescription_share());
}

TEST(ComputeKeyFigures, DepartmentKeyData) {
  v1::KeyFigures k = ComputeKeyFigures(DepartmentMonth(), HospitalProfile());
  EXPECT_EQ(k.department(), "心内科");
  ASSERT_TRUE(k.has_prescription_share());
  EXPECT_NEAR(k.prescription_share(), 0.2, 1e-12);  // 2560 / 12800
  ASSERT_TRUE(k.has_prescription_drug_ratio());
  EXPECT_NEAR(k.prescription_drug_ratio(), 0.95, 1e-12);  // 171 / 180 million fen
  ASSERT_EQ(k.key_data_case(), v1::KeyFigures::kDepartmentKeyData);
  const v1::DepartmentKeyData& d = k.department_key_data();
  EXPECT_EQ(d.outpatient_visits(), 21'400);
  EXPECT_EQ(d.drug_sales_volume(), 96'000);
  EXPECT_EQ(d.drug_sales_amount_fen(), 180'000'000);
  EXPECT_EQ(d.doctor_count(), 86);  // Not in the figures: the profile's 心内科.
  EXPECT_EQ(d.bed_count(), 120);
  EXPECT_EQ(d.prescription_volume(), 12'800);
}

TEST(ComputeKeyFigures, DepartmentFiguresWinOverTheProfile) {
  v1::CustomerMetrics m = DepartmentMonth();
  m.mutable_department_figures()->set_doctor_count(90);
  EXPECT_EQ(ComputeKeyFigures(m, HospitalProfile()).department_key_data().doctor_count(), 90);
  m = DepartmentMonth();
  m.set_department("急诊科");  // Not in the profile.
  EXPECT_EQ(ComputeKeyFigures(m, HospitalProfile()).department_key_data().doctor_count(), 0);
}

TEST(ComputeKeyFigures, DoctorKeyData) {
  v1::KeyFigures k = ComputeKeyFigures(DoctorMonth(), v1::CustomerProfile());
  ASSERT_TRUE(k.has_prescription_share());
  EXPECT_NEAR(k.prescription_share(), 412.0 / 2'250.0, 1e-12);  // 1840 + 410 in total.
  EXPECT_FALSE(k.has_prescription_drug_ratio());
  ASSERT_EQ(k.share_by_class_size(), 2);
  EXPECT_NEAR(k.share_by_class(0).share(), 412.0 / 1'840.0, 1e-12);
  EXPECT_EQ(k.share_by_class(1).drug_class(), "抗血栓药");
  EXPECT_EQ(k.share_by_class(1).share(), 0.0);
  ASSERT_EQ(k.key_data_case(), v1::KeyFigures::kDoctor);
  EXPECT_EQ(k.doctor().monthly_outpatient_visits(), 620);
  EXPECT_EQ(k.doctor().prescription_volume(), 2'250);
  EXPECT_EQ(k.doctor().own_prescription_volume(), 412);
  EXPECT_EQ(k.doctor().clinic_days(), 12);
}

TEST(ComputeKeyFigures, PharmacyAndDistributorCarryOnlyTheirIdentity) {
  for (const v1::CustomerMetrics& m : {PharmacyMonth(), DistributorMonth()}) {
    v1::KeyFigures k = ComputeKeyFigures(m, v1::CustomerProfile());
    EXPECT_EQ(k.customer_id(), m.customer_id());
    EXPECT_EQ(k.period(), "2024-04");
    EXPECT_FALSE(k.has_prescription_share());
    EXPECT_FALSE(k.has_prescription_drug_ratio());
    EXPECT_EQ(k.share_by_class_size(), 0);
    EXPECT_EQ(k.key_data_case(), v1::KeyFigures::KEY_DATA_NOT_SET);
  }
}

TEST(ComputeKeyFigures, InvalidInputStaysDefined) {
  v1::CustomerMetrics m = DoctorMonth();
  m.mutable_doctor()->mutable_own_prescriptions(0)->set_volume(5'000);  // Over the total.
  AddClass(m.mutable_doctor()->mutable_prescriptions(), "心血管药", 100, 0);  // Listed twice.
  AddClass(m.mutable_doctor()->mutable_prescriptions(), "抗血栓药",
           std::numeric_limits<int64_t>::max(), 0);
  v1::KeyFigures k = ComputeKeyFigures(m, v1::CustomerProfile());
  ASSERT_EQ(k.share_by_class_size(), 2);  // Classes merged.
  EXPECT_EQ(k.share_by_class(0).total_volume(), 1'940);
  EXPECT_FALSE(k.share_by_class(0).has_share());  // 5000 of 1940 is no share.
  EXPECT_EQ(k.share_by_class(1).total_volume(), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(k.doctor().prescription_volume(), std::numeric_limits<int64_t>::max());
}

// --- Series ---

v1::CustomerMetrics Period(const std::string& period, const std::string& department = "",
                           int64_t version = 1) {
  v1::CustomerMetrics m = Base("h-pumch");
  m.set_period(period);
  m.set_department(department);
  m.set_version(version);
  return m;
}

std::vector<std::string> Keys(const std::vector<v1::CustomerMetrics>& series) {
  std::vector<std::string> keys;
  for (const v1::CustomerMetrics& m : series) {
    keys.push_back(absl::StrCat(m.period(), "/", m.department(), "/", m.version()));
  }
  return keys;
}

TEST(SelectPeriods, KeepsTheInclusiveRangeSortedByPeriodThenDepartment) {
  std::vector<v1::CustomerMetrics> all = {
      Period("2024-03", "心内科"), Period("2023-12"),        Period("2024-01", "肿瘤内科"),
      Period("2024-04"),           Period("2024-01"),        Period("2024-03"),
      Period("2024-01", "心内科"), Period("2023-11", "心内科")};
  EXPECT_THAT(Keys(SelectPeriods(all, "2023-12", "2024-03")),
              ElementsAre("2023-12//1", "2024-01//1", "2024-01/心内科/1", "2024-01/肿瘤内科/1",
                          "2024-03//1", "2024-03/心内科/1"));
}

TEST(SelectPeriods, EmptyBoundsAreOpenAndEqualKeysKeepTheirOrder) {
  std::vector<v1::CustomerMetrics> all = {Period("2024-02", "", 2), Period("2023-06"),
                                          Period("2024-02", "", 1), Period("2025-01")};
  EXPECT_THAT(Keys(SelectPeriods(all, "", "2024-02")),
              ElementsAre("2023-06//1", "2024-02//2", "2024-02//1"));
  EXPECT_THAT(Keys(SelectPeriods(all, "2024-02", "")),
              ElementsAre("2024-02//2", "2024-02//1", "2025-01//1"));
  EXPECT_EQ(SelectPeriods(all, "", "").size(), 4u);
}

TEST(SelectPeriods, SingleMonthAndEmptyResults) {
  std::vector<v1::CustomerMetrics> all = {Period("2024-01"), Period("2024-02"), Period("2024-03")};
  EXPECT_THAT(Keys(SelectPeriods(all, "2024-02", "2024-02")), ElementsAre("2024-02//1"));
  EXPECT_TRUE(SelectPeriods(all, "2024-04", "2024-12").empty());
  EXPECT_TRUE(SelectPeriods(all, "2024-03", "2024-01").empty());  // Reversed range.
  EXPECT_TRUE(SelectPeriods({}, "2024-01", "2024-12").empty());
}

}  // namespace
}  // namespace pharmacrm::customer_master
