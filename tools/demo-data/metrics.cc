// Monthly metrics of the clean original customers.
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/strip.h"
#include "fields.h"
#include "generator.h"
#include "sampling.h"
#include "tables.h"

namespace pharmacrm::demo {
namespace internal {
namespace {

// Per calendar month, permille: Spring Festival dip in February, Golden
// Week in October, winter peak; respiratory illness peaks harder.
constexpr int kGeneralSeason[12] = {1040, 820,  1030, 1000, 990,  980,
                                    1000, 1010, 1000, 930,  1030, 1090};
constexpr int kRespiratorySeason[12] = {1250, 950, 1050, 950, 850,  800,
                                        850,  870, 900,  950, 1100, 1300};

struct Period {
  int year;
  int month;
  std::string text;
};

std::vector<Period> Periods(int months) {
  std::vector<Period> out;
  const int last = kLastPeriodYear * 12 + (kLastPeriodMonth - 1);
  for (int i = last - months + 1; i <= last; ++i) {
    out.push_back(Period{i / 12, i % 12 + 1, absl::StrFormat("%04d-%02d", i / 12, i % 12 + 1)});
  }
  return out;
}

int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<int64_t>(era) * 146097 + doe - 719468;
}

// Growth of a series, in parts per million of its first period.
std::vector<int64_t> Growth(int months, int trend_permille) {
  std::vector<int64_t> g(months);
  int64_t f = 1000000;
  for (int t = 0; t < months; ++t) {
    g[t] = f;
    f = f * (1000 + trend_permille) / 1000;
  }
  return g;
}

// base x growth x season x noise.
int64_t Level(DemoRng& rng, int64_t base, int64_t growth_ppm, int season_permille,
              int noise_permille) {
  int64_t v = MulDiv(base, growth_ppm, 1000000);
  v = MulDiv(v, season_permille, 1000);
  return std::max<int64_t>(0, MulDiv(v, 1000 + rng.Between(-noise_permille, noise_permille), 1000));
}

// The own company's share of a class, drifting over time.
struct Share {
  int base = 0;   // Permille; 0: the class is not listed.
  int trend = 0;  // Permille per month.

  int At(DemoRng& rng, int t) const {
    if (base == 0) return 0;
    return static_cast<int>(Clamp(base + trend * t + rng.Between(-15, 15), 0, 800));
  }
};

// 中成药 in tables::DrugClasses(): prescribed in every department.
constexpr int kTcmClass = 7;

struct ClassPlan {
  int drug_class;
  int mix;        // Relative share of the volume.
  int64_t price;  // fen per prescription or per box.
  Share own;
};

// The drug classes of a department, main classes first, then 中成药.
std::vector<ClassPlan> PlanClasses(DemoRng& rng, const tables::Department* department, int level,
                                   int share_lo, int share_hi, double listed) {
  static constexpr int kMixes[] = {6, 3, 2};
  static constexpr int kDefaultClasses[] = {0, 2, kTcmClass};
  std::vector<ClassPlan> out;
  for (int i = 0; i < 3; ++i) {
    const int c = department != nullptr ? department->classes[i] : kDefaultClasses[i];
    if (c < 0) continue;
    out.push_back(ClassPlan{c, kMixes[i], 0, {}});
  }
  if (std::none_of(out.begin(), out.end(),
                   [](const ClassPlan& p) { return p.drug_class == kTcmClass; })) {
    out.push_back(ClassPlan{kTcmClass, 2, 0, {}});
  }
  for (ClassPlan& plan : out) {
    const tables::DrugClass& dc = tables::DrugClasses()[plan.drug_class];
    plan.price = dc.prescription_fen * rng.Between(80, 120) / 100 * (level >= 3 ? 12 : 10) / 10;
    if (dc.own_company && rng.Chance(listed)) {
      plan.own.base = static_cast<int>(rng.Between(share_lo, share_hi));
      plan.own.trend = static_cast<int>(rng.Between(-2, 6));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const ClassPlan& a, const ClassPlan& b) { return a.drug_class < b.drug_class; });
  return out;
}

struct ClassTotals {
  int64_t volume[10] = {};
  int64_t amount[10] = {};
  int64_t own_volume[10] = {};
  int64_t own_amount[10] = {};
  bool present[10] = {};
  bool own_present[10] = {};
};

// Prescriptions of `rx` split over the plan's classes, into `totals`.
void Prescribe(DemoRng& rng, const std::vector<ClassPlan>& plans, int64_t rx, int t,
               ClassTotals* totals) {
  int mix_sum = 0;
  for (const ClassPlan& p : plans) mix_sum += p.mix;
  for (const ClassPlan& p : plans) {
    const int64_t volume = rx * p.mix / mix_sum;
    const int64_t amount = volume * p.price;
    const int share = p.own.At(rng, t);
    const int c = p.drug_class;
    totals->present[c] = true;
    totals->volume[c] += volume;
    totals->amount[c] += amount;
    if (p.own.base > 0) {
      totals->own_present[c] = true;
      totals->own_volume[c] += volume * share / 1000;
      totals->own_amount[c] += MulDiv(amount * share / 1000, rng.Between(850, 1000), 1000);
    }
  }
}

void AddFigures(const ClassTotals& totals, int64_t total_permille,
                google::protobuf::RepeatedPtrField<v1::DrugClassFigure>* all,
                google::protobuf::RepeatedPtrField<v1::DrugClassFigure>* own) {
  for (int c = 0; c < 10; ++c) {
    if (!totals.present[c]) continue;
    v1::DrugClassFigure* f = all->Add();
    f->set_drug_class(std::string(tables::DrugClasses()[c].name));
    f->set_volume(MulDiv(totals.volume[c], total_permille, 1000));
    f->set_amount_fen(MulDiv(totals.amount[c], total_permille, 1000));
  }
  for (int c = 0; c < 10; ++c) {
    if (!totals.own_present[c]) continue;
    v1::DrugClassFigure* f = own->Add();
    f->set_drug_class(std::string(tables::DrugClasses()[c].name));
    f->set_volume(totals.own_volume[c]);
    f->set_amount_fen(totals.own_amount[c]);
  }
}

int64_t SumAmount(const ClassTotals& t) {
  int64_t s = 0;
  for (int c = 0; c < 10; ++c) s += t.amount[c];
  return s;
}

int64_t SumVolume(const ClassTotals& t) {
  int64_t s = 0;
  for (int c = 0; c < 10; ++c) s += t.volume[c];
  return s;
}

class MetricsWriter {
 public:
  MetricsWriter(const DemoSize& size, uint64_t seed, const DemoDataGenerator::MetricsSink& sink)
      : periods_(Periods(size.months)), seed_(MixSeed(seed, kMetricsStream)), sink_(sink) {}

  void Write(const DemoRecord& r) {
    if (r.dirty || !r.duplicate_of.empty()) return;
    DemoRng rng(MixSeed(seed_, StableHash(r.external_id)));
    switch (r.profile.kind()) {
      case v1::CUSTOMER_KIND_HOSPITAL:
        Hospital(rng, r);
        break;
      case v1::CUSTOMER_KIND_DOCTOR:
        Doctor(rng, r);
        break;
      case v1::CUSTOMER_KIND_PHARMACY:
        Pharmacy(rng, r);
        break;
      case v1::CUSTOMER_KIND_DISTRIBUTOR:
        Distributor(rng, r);
        break;
      default:
        break;
    }
  }

 private:
  void Stamp(size_t t, absl::string_view source, v1::CustomerMetrics* m) const {
    const Period& p = periods_[t];
    m->set_period(p.text);
    m->set_version(1);
    const int year = p.month == 12 ? p.year + 1 : p.year;
    const int month = p.month == 12 ? 1 : p.month + 1;
    // The 5th of the next month, 10:00 in Beijing.
    m->mutable_recorded_at()->set_seconds(DaysFromCivil(year, month, 5) * 86400 + 2 * 3600);
    m->set_source(std::string(source));
  }

  void Hospital(DemoRng& rng, const DemoRecord& r) {
    const v1::HospitalDetails& h = r.profile.hospital();
    const int level = HospitalLevel(r.profile.hospital_grade());
    static constexpr int kVisitsPerBed[4][2] = {{40, 90}, {60, 120}, {40, 70}, {70, 130}};
    static constexpr int kUtilisation[4][2] = {{500, 800}, {500, 800}, {750, 950}, {950, 1150}};
    const int64_t beds = std::max(20, h.bed_count());
    const int64_t visits = beds * rng.Between(kVisitsPerBed[level][0], kVisitsPerBed[level][1]);
    const std::vector<int64_t> growth =
        Growth(static_cast<int>(periods_.size()), static_cast<int>(rng.Between(-5, 12)));
    const int64_t other_permille = rng.Between(60, 150);
    const int64_t non_rx_permille = rng.Between(80, 300);
    const int64_t units_per_rx = rng.Between(2, 4);
    const int utilisation =
        static_cast<int>(rng.Between(kUtilisation[level][0], kUtilisation[level][1]));
    const int kinds = static_cast<int>(level == 3   ? rng.Between(1200, 2000)
                                       : level == 2 ? rng.Between(600, 1200)
                                                    : rng.Between(200, 500));
    const double listed = level == 3 ? 0.7 : level == 2 ? 0.5 : 0.3;

    struct DeptPlan {
      std::string name;
      const tables::Department* table;
      int64_t base_visits;
      int64_t rx_permille;
      int doctors;
      int beds;
      std::vector<ClassPlan> classes;
    };
    std::vector<DeptPlan> departments;
    int64_t weight_sum = 0;
    for (const v1::Department& d : h.departments()) {
      const int index = DepartmentIndex(d.name());
      weight_sum += index >= 0 ? tables::Departments()[index].visit_weight : 3;
    }
    for (const v1::Department& d : h.departments()) {
      const int index = DepartmentIndex(d.name());
      const tables::Department* table = index >= 0 ? &tables::Departments()[index] : nullptr;
      const int weight = table != nullptr ? table->visit_weight : 3;
      DeptPlan plan;
      plan.name = d.name();
      plan.table = table;
      plan.base_visits = visits * weight / std::max<int64_t>(1, weight_sum);
      plan.rx_permille = rng.Between(550, 850);
      plan.doctors = d.doctor_count();
      plan.beds = static_cast<int>(beds * weight / std::max<int64_t>(1, weight_sum));
      plan.classes = PlanClasses(rng, table, level, 10, 220, listed);
      departments.push_back(std::move(plan));
    }
    std::vector<std::string> channels = {absl::StrCat(r.profile.province(), "药品集中采购平台")};
    const absl::string_view city = absl::StripSuffix(r.profile.city(), "市");
    channels.push_back(absl::StrCat("国药控股", city, "有限公司"));
    if (rng.Chance(0.6)) channels.push_back(absl::StrCat("华润", city, "医药有限公司"));
    static constexpr absl::string_view kPayments[] = {"银行转账", "银行承兑汇票",
                                                      "医保基金直接结算"};
    const absl::string_view payment = Pick(rng, std::span<const absl::string_view>(kPayments));
    static constexpr int kCycles[] = {7, 15, 30};
    const int cycle = kCycles[rng.Below(3)];

    for (size_t t = 0; t < periods_.size(); ++t) {
      const int month = periods_[t].month;
      ClassTotals hospital_totals;
      int64_t visits_sum = 0;
      std::vector<v1::CustomerMetrics> department_records;
      v1::CustomerMetrics whole;
      v1::HospitalMetrics& hm = *whole.mutable_hospital();
      for (const DeptPlan& d : departments) {
        const int* season =
            d.table != nullptr && d.table->respiratory_season ? kRespiratorySeason : kGeneralSeason;
        const int64_t v = Level(rng, d.base_visits, growth[t], season[month - 1], 60);
        ClassTotals totals;
        Prescribe(rng, d.classes, v * d.rx_permille / 1000, static_cast<int>(t), &totals);
        for (int c = 0; c < 10; ++c) {
          hospital_totals.present[c] |= totals.present[c];
          hospital_totals.own_present[c] |= totals.own_present[c];
          hospital_totals.volume[c] += totals.volume[c];
          hospital_totals.amount[c] += totals.amount[c];
          hospital_totals.own_volume[c] += totals.own_volume[c];
          hospital_totals.own_amount[c] += totals.own_amount[c];
        }
        visits_sum += v;
        v1::DepartmentVisits* dv = hm.add_department_visits();
        dv->set_department(d.name);
        dv->set_visits(v);

        v1::CustomerMetrics m;
        m.set_department(d.name);
        v1::DepartmentMetrics& dm = *m.mutable_department_figures();
        dm.set_outpatient_visits(v);
        AddFigures(totals, 1000, dm.mutable_prescriptions(), dm.mutable_own_prescriptions());
        const int64_t rx_amount = SumAmount(totals);
        dm.set_drug_sales_volume(SumVolume(totals) * units_per_rx);
        dm.set_drug_sales_amount_fen(MulDiv(rx_amount, 1000 + non_rx_permille, 1000));
        dm.set_prescription_drug_sales_amount_fen(rx_amount);
        dm.set_doctor_count(d.doctors);
        dm.set_bed_count(d.beds);
        department_records.push_back(std::move(m));
      }
      hm.set_outpatient_visits(MulDiv(visits_sum, 1000 + other_permille, 1000));
      AddFigures(hospital_totals, 1000 + other_permille, hm.mutable_prescriptions(),
                 hm.mutable_own_prescriptions());
      int bed_utilisation = utilisation + static_cast<int>(rng.Between(-20, 20));
      if (month == 2) bed_utilisation -= 80;
      if (month == 12 || month == 1) bed_utilisation += 40;
      hm.set_bed_utilisation_permille(static_cast<int>(Clamp(bed_utilisation, 0, 2000)));
      const int64_t rx_amount = MulDiv(SumAmount(hospital_totals), 1000 + other_permille, 1000);
      const int64_t sales_volume =
          MulDiv(SumVolume(hospital_totals), 1000 + other_permille, 1000) * units_per_rx;
      const int64_t sales_amount = MulDiv(rx_amount, 1000 + non_rx_permille, 1000);
      hm.set_drug_sales_volume(sales_volume);
      hm.set_drug_sales_amount_fen(sales_amount);
      hm.set_prescription_drug_sales_amount_fen(rx_amount);
      hm.set_drug_purchase_volume(MulDiv(sales_volume, rng.Between(950, 1080), 1000));
      hm.set_drug_purchase_amount_fen(MulDiv(sales_amount, rng.Between(900, 1000), 1000));
      hm.set_purchased_drug_kinds(kinds + static_cast<int>(rng.Between(-20, 20)));
      for (const std::string& c : channels) hm.add_purchasing_channels(c);
      hm.set_payment_method(std::string(payment));
      hm.set_purchasing_cycle_days(cycle);
      Stamp(t, "his-import", &whole);
      sink_(r.external_id, whole);
      for (v1::CustomerMetrics& m : department_records) {
        Stamp(t, "his-import", &m);
        sink_(r.external_id, m);
      }
    }
  }

  void Doctor(DemoRng& rng, const DemoRecord& r) {
    const v1::PersonDetails& person = r.profile.doctor().person();
    const int index = DepartmentIndex(r.profile.department());
    const tables::Department* table = index >= 0 ? &tables::Departments()[index] : nullptr;
    // Senior doctors see patients on fewer days, but more of them a day.
    struct ClinicPlan {
      v1::ProfessionalTitle title;
      int days_lo, days_hi, per_day_lo, per_day_hi;
    };
    static constexpr ClinicPlan kPlans[] = {
        {v1::PROFESSIONAL_TITLE_CHIEF_PHYSICIAN, 4, 8, 30, 70},
        {v1::PROFESSIONAL_TITLE_ASSOCIATE_CHIEF_PHYSICIAN, 6, 12, 25, 55},
        {v1::PROFESSIONAL_TITLE_ATTENDING_PHYSICIAN, 10, 18, 20, 45},
        {v1::PROFESSIONAL_TITLE_RESIDENT_PHYSICIAN, 14, 22, 15, 35}};
    const ClinicPlan* plan = &kPlans[3];
    for (const ClinicPlan& p : kPlans) {
      if (p.title == person.professional_title()) plan = &p;
    }
    const int days = static_cast<int>(rng.Between(plan->days_lo, plan->days_hi));
    const int64_t per_day = rng.Between(plan->per_day_lo, plan->per_day_hi);
    const int64_t rx_permille = rng.Between(500, 850);
    // Key doctors prescribe the own company's drugs much more.
    const bool key = rng.Chance(0.3);
    const std::vector<ClassPlan> classes =
        PlanClasses(rng, table, 2, key ? 100 : 5, key ? 400 : 120, key ? 0.9 : 0.4);
    const std::vector<int64_t> growth =
        Growth(static_cast<int>(periods_.size()), static_cast<int>(rng.Between(-5, 10)));
    const int* season =
        table != nullptr && table->respiratory_season ? kRespiratorySeason : kGeneralSeason;
    for (size_t t = 0; t < periods_.size(); ++t) {
      const int month = periods_[t].month;
      v1::CustomerMetrics m;
      v1::DoctorMetrics& dm = *m.mutable_doctor();
      const int clinic_days =
          static_cast<int>(Clamp(days + rng.Between(-2, 2) - (month == 2 ? 2 : 0), 1, 26));
      const int64_t visits = Level(rng, clinic_days * per_day, growth[t], season[month - 1], 80);
      ClassTotals totals;
      Prescribe(rng, classes, visits * rx_permille / 1000, static_cast<int>(t), &totals);
      dm.set_outpatient_visits(visits);
      AddFigures(totals, 1000, dm.mutable_prescriptions(), dm.mutable_own_prescriptions());
      dm.set_clinic_days(clinic_days);
      Stamp(t, "rep", &m);
      sink_(r.external_id, m);
    }
  }

  void Pharmacy(DemoRng& rng, const DemoRecord& r) {
    const v1::PharmacyDetails& d = r.profile.pharmacy();
    const double area = d.floor_area_m2() > 0 ? d.floor_area_m2() : 80.0;
    // CNY per m2 and month, in fen.
    const int64_t base_amount = static_cast<int64_t>(area) * rng.Between(1500, 4000) * 100;
    const std::vector<int64_t> growth =
        Growth(static_cast<int>(periods_.size()), static_cast<int>(rng.Between(-6, 10)));
    const auto classes = tables::DrugClasses();
    std::vector<int64_t> box_price(classes.size());
    std::vector<Share> shares(classes.size());
    int weight_sum = 0;
    for (size_t c = 0; c < classes.size(); ++c) {
      box_price[c] = classes[c].box_fen * rng.Between(85, 115) / 100;
      weight_sum += classes[c].pharmacy_weight;
      if (classes[c].own_company && rng.Chance(0.5)) {
        shares[c].base = static_cast<int>(rng.Between(10, 250));
        shares[c].trend = static_cast<int>(rng.Between(-2, 6));
      }
    }
    const bool counter = d.counter_names_size() > 0;
    const int counter_share = counter ? static_cast<int>(rng.Between(150, 500)) : 0;
    const int account_age = static_cast<int>(rng.Between(20, 120));
    const int repayment = static_cast<int>(rng.Between(750, 1000));
    static constexpr int kCycles[] = {7, 10, 15, 30};
    const int cycle = kCycles[rng.Below(4)];
    const absl::string_view city = absl::StripSuffix(r.profile.city(), "市");
    const absl::string_view province_short =
        absl::StripSuffix(absl::StripSuffix(r.profile.province(), "省"), "市");
    std::vector<std::string> suppliers = {absl::StrCat("国药控股", city, "有限公司")};
    if (rng.Chance(0.6)) suppliers.push_back(absl::StrCat(province_short, "九州通医药有限公司"));
    if (rng.Chance(0.4)) suppliers.push_back(absl::StrCat("华润", city, "医药有限公司"));
    std::vector<std::string> wholesalers;
    wholesalers.push_back(
        absl::StrCat(city, Pick(rng, tables::DistributorWords()), "医药有限公司"));

    for (size_t t = 0; t < periods_.size(); ++t) {
      const int month = periods_[t].month;
      v1::CustomerMetrics m;
      v1::PharmacyMetrics& pm = *m.mutable_pharmacy();
      pm.set_purchasing_cycle_days(cycle);
      for (size_t c = 0; c < classes.size(); ++c) {
        const int* season = classes[c].respiratory_season ? kRespiratorySeason : kGeneralSeason;
        const int64_t amount = Level(rng, base_amount * classes[c].pharmacy_weight / weight_sum,
                                     growth[t], season[month - 1], 80);
        const int64_t volume = amount / box_price[c];
        v1::DrugClassFigure* f = pm.add_sales();
        f->set_drug_class(std::string(classes[c].name));
        f->set_volume(volume);
        f->set_amount_fen(volume * box_price[c]);
        if (shares[c].base > 0) {
          const int share = shares[c].At(rng, static_cast<int>(t));
          v1::DrugClassFigure* o = pm.add_own_sales();
          o->set_drug_class(f->drug_class());
          o->set_volume(volume * share / 1000);
          o->set_amount_fen(o->volume() * box_price[c]);
        }
      }
      pm.set_own_counter_share_permille(
          counter ? static_cast<int>(Clamp(counter_share + rng.Between(-30, 30), 0, 1000)) : 0);
      pm.set_account_age_days(static_cast<int>(Clamp(account_age + rng.Between(-10, 10), 0, 365)));
      pm.set_on_time_repayment_permille(
          static_cast<int>(Clamp(repayment + rng.Between(-30, 30), 0, 1000)));
      for (const std::string& s : suppliers) pm.add_suppliers(s);
      for (const std::string& w : wholesalers) pm.add_wholesalers(w);
      Stamp(t, "rep", &m);
      sink_(r.external_id, m);
    }
  }

  void Distributor(DemoRng& rng, const DemoRecord& r) {
    const v1::DistributorDetails& d = r.profile.distributor();
    // Monthly sales of 30 % to 120 % of the registered capital.
    const int64_t base_amount =
        MulDiv(std::max<int64_t>(d.registered_capital_fen(), 100000000), rng.Between(30, 120), 100);
    const int64_t avg_price = rng.Between(1500, 5000);
    const std::vector<int64_t> growth =
        Growth(static_cast<int>(periods_.size()), static_cast<int>(rng.Between(-4, 12)));
    const int account_age = static_cast<int>(rng.Between(30, 180));
    const int payment = static_cast<int>(rng.Between(800, 1000));
    const int64_t channels = rng.Between(80, 3000);
    const int own_share = static_cast<int>(rng.Between(5, 60));
    const int share_trend = static_cast<int>(rng.Between(-1, 2));
    static constexpr int kCycles[] = {7, 15, 30};
    const int cycle = kCycles[rng.Below(3)];
    const auto products = tables::OwnProducts();
    const size_t product_count = static_cast<size_t>(rng.Between(3, 5));
    const size_t first_product = rng.Below(products.size());
    std::vector<int64_t> stock;
    for (size_t i = 0; i < product_count; ++i) stock.push_back(rng.Between(500, 20000));
    std::vector<std::string> suppliers;
    const size_t supplier_count = static_cast<size_t>(rng.Between(3, 6));
    const size_t first_supplier = rng.Below(tables::Manufacturers().size());
    for (size_t i = 0; i < supplier_count; ++i) {
      suppliers.emplace_back(
          tables::Manufacturers()[(first_supplier + i) % tables::Manufacturers().size()]);
    }

    for (size_t t = 0; t < periods_.size(); ++t) {
      const int month = periods_[t].month;
      v1::CustomerMetrics m;
      v1::DistributorMetrics& dm = *m.mutable_distributor();
      const int64_t amount = Level(rng, base_amount, growth[t], kGeneralSeason[month - 1], 60);
      dm.set_sales_amount_fen(amount);
      dm.set_sales_volume(amount / avg_price);
      dm.set_account_age_days(static_cast<int>(Clamp(account_age + rng.Between(-10, 10), 0, 365)));
      dm.set_on_time_payment_permille(
          static_cast<int>(Clamp(payment + rng.Between(-20, 20), 0, 1000)));
      dm.set_downstream_channels(
          static_cast<int>(channels + static_cast<int64_t>(t) * rng.Between(0, 3)));
      const int volume_share = static_cast<int>(
          Clamp(own_share + share_trend * static_cast<int>(t) / 3 + rng.Between(-3, 3), 0, 1000));
      dm.set_own_share_volume_permille(volume_share);
      dm.set_own_share_amount_permille(
          static_cast<int>(Clamp(volume_share * rng.Between(900, 1300) / 1000, 0, 1000)));
      dm.set_purchasing_cycle_days(cycle);
      if (rng.Chance(0.06)) {
        const int n = static_cast<int>(rng.Between(1, 2));
        for (int i = 0; i < n; ++i) {
          v1::DivertedGoods* g = dm.add_diverted();
          g->set_product(
              std::string(products[(first_product + rng.Below(product_count)) % products.size()]));
          g->set_quantity(rng.Between(50, 3000));
          const Place where = PickPlace(rng);
          g->set_region(ProvinceOf(where).municipality
                            ? std::string(ProvinceOf(where).full_name)
                            : absl::StrCat(ProvinceOf(where).full_name, CityOf(where).city->name));
        }
      }
      for (size_t i = 0; i < product_count; ++i) {
        v1::InventoryItem* item = dm.add_inventory();
        item->set_product(std::string(products[(first_product + i) % products.size()]));
        item->set_quantity(MulDiv(stock[i], 1000 + rng.Between(-250, 250), 1000));
      }
      for (const std::string& s : suppliers) dm.add_suppliers(s);
      Stamp(t, "distributor-edi", &m);
      sink_(r.external_id, m);
    }
  }

  std::vector<Period> periods_;
  uint64_t seed_;
  const DemoDataGenerator::MetricsSink& sink_;
};

}  // namespace
}  // namespace internal

std::vector<std::string> DemoPeriods(int months) {
  std::vector<std::string> out;
  for (internal::Period& p : internal::Periods(months)) out.push_back(std::move(p.text));
  return out;
}

void DemoDataGenerator::GenerateMetrics(const DemoSize& size, uint64_t seed,
                                        const MetricsSink& sink) const {
  internal::MetricsWriter writer(size, seed, sink);
  Generate(size, seed, [&writer](const DemoRecord& r) { writer.Write(r); });
}

}  // namespace pharmacrm::demo
