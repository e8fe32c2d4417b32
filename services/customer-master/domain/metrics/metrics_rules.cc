#include "domain/metrics/metrics_rules.h"

#include <algorithm>
#include <limits>
#include <map>
#include <set>
#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {
namespace {

using google::protobuf::RepeatedPtrField;
using DrugClassFigures = RepeatedPtrField<v1::DrugClassFigure>;

constexpr int kMaxPermille = 1000;
// Occupancy above 100 % (beds in corridors) is common in Chinese tertiary
// hospitals, so utilisation may legitimately exceed 1000 permille.
constexpr int kMaxBedUtilisationPermille = 2000;
constexpr int kMaxClinicDaysPerMonth = 31;
constexpr size_t kMaxDepartmentBytes = 100;

std::string Sub(absl::string_view path, absl::string_view name) {
  return absl::StrCat(path, ".", name);
}

std::string Item(absl::string_view list_path, int index) {
  return absl::StrCat(list_path, "[", index, "]");
}

bool Blank(absl::string_view text) { return absl::StripAsciiWhitespace(text).empty(); }

absl::Status NonNegative(absl::string_view path, int64_t value) {
  if (value < 0) return core::FieldError(path, "must not be negative");
  return absl::OkStatus();
}

absl::Status InRange(absl::string_view path, int64_t value, int64_t low, int64_t high) {
  if (value < low || value > high) {
    return core::FieldError(path, absl::StrCat("must be between ", low, " and ", high));
  }
  return absl::OkStatus();
}

absl::Status Permille(absl::string_view path, int64_t value) {
  return InRange(path, value, 0, kMaxPermille);
}

absl::Status NamesNotBlank(absl::string_view list_path, const RepeatedPtrField<std::string>& names) {
  for (int i = 0; i < names.size(); ++i) {
    if (Blank(names[i])) return core::FieldError(Item(list_path, i), "must not be blank");
  }
  return absl::OkStatus();
}

absl::Status ValidateClassFigures(absl::string_view list_path, const DrugClassFigures& figures) {
  std::set<absl::string_view> seen;
  for (int i = 0; i < figures.size(); ++i) {
    const v1::DrugClassFigure& f = figures[i];
    const std::string item = Item(list_path, i);
    if (Blank(f.drug_class())) return core::FieldError(Sub(item, "drug_class"), "must not be blank");
    if (!seen.insert(f.drug_class()).second) {
      return core::FieldError(Sub(item, "drug_class"),
                              absl::StrCat("\"", f.drug_class(), "\" occurs more than once"));
    }
    RETURN_IF_ERROR(NonNegative(Sub(item, "volume"), f.volume()));
    RETURN_IF_ERROR(NonNegative(Sub(item, "amount_fen"), f.amount_fen()));
  }
  return absl::OkStatus();
}

const v1::DrugClassFigure* FindClass(const DrugClassFigures& figures, absl::string_view drug_class) {
  for (const v1::DrugClassFigure& f : figures) {
    if (f.drug_class() == drug_class) return &f;
  }
  return nullptr;
}

// Validates both lists, then own against total. Amounts of a total are often
// missing (hospital information systems report prescription counts, not
// money), so a zero total amount is taken as unreported rather than as a cap.
absl::Status ValidateOwnAndTotal(absl::string_view path, absl::string_view total_name,
                                 const DrugClassFigures& total, absl::string_view own_name,
                                 const DrugClassFigures& own) {
  const std::string total_path = Sub(path, total_name);
  const std::string own_path = Sub(path, own_name);
  RETURN_IF_ERROR(ValidateClassFigures(total_path, total));
  RETURN_IF_ERROR(ValidateClassFigures(own_path, own));
  if (total.empty()) return absl::OkStatus();
  for (int i = 0; i < own.size(); ++i) {
    const v1::DrugClassFigure& o = own[i];
    const std::string item = Item(own_path, i);
    const v1::DrugClassFigure* t = FindClass(total, o.drug_class());
    if (t == nullptr) {
      return core::FieldError(Sub(item, "drug_class"),
                              absl::StrCat("\"", o.drug_class(), "\" is not in ", total_path));
    }
    if (o.volume() > t->volume()) {
      return core::FieldError(Sub(item, "volume"),
                              absl::StrCat("exceeds the total of ", o.drug_class(), " (",
                                           t->volume(), ")"));
    }
    if (t->amount_fen() > 0 && o.amount_fen() > t->amount_fen()) {
      return core::FieldError(Sub(item, "amount_fen"),
                              absl::StrCat("exceeds the total of ", o.drug_class(), " (",
                                           t->amount_fen(), ")"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateDrugSales(absl::string_view path, int64_t volume, int64_t amount_fen,
                               int64_t prescription_amount_fen) {
  RETURN_IF_ERROR(NonNegative(Sub(path, "drug_sales_volume"), volume));
  RETURN_IF_ERROR(NonNegative(Sub(path, "drug_sales_amount_fen"), amount_fen));
  const std::string rx_path = Sub(path, "prescription_drug_sales_amount_fen");
  RETURN_IF_ERROR(NonNegative(rx_path, prescription_amount_fen));
  if (prescription_amount_fen > amount_fen) {
    return core::FieldError(rx_path, absl::StrCat("exceeds drug_sales_amount_fen (", amount_fen, ")"));
  }
  return absl::OkStatus();
}

absl::Status ValidateHospital(const v1::HospitalMetrics& h, absl::string_view path) {
  RETURN_IF_ERROR(NonNegative(Sub(path, "outpatient_visits"), h.outpatient_visits()));
  const std::string visits_path = Sub(path, "department_visits");
  std::set<absl::string_view> seen;
  for (int i = 0; i < h.department_visits_size(); ++i) {
    const v1::DepartmentVisits& d = h.department_visits(i);
    const std::string item = Item(visits_path, i);
    if (Blank(d.department())) return core::FieldError(Sub(item, "department"), "must not be blank");
    if (!seen.insert(d.department()).second) {
      return core::FieldError(Sub(item, "department"),
                              absl::StrCat("\"", d.department(), "\" occurs more than once"));
    }
    RETURN_IF_ERROR(NonNegative(Sub(item, "visits"), d.visits()));
  }
  RETURN_IF_ERROR(ValidateOwnAndTotal(path, "prescriptions", h.prescriptions(),
                                      "own_prescriptions", h.own_prescriptions()));
  RETURN_IF_ERROR(InRange(Sub(path, "bed_utilisation_permille"), h.bed_utilisation_permille(), 0,
                          kMaxBedUtilisationPermille));
  RETURN_IF_ERROR(NonNegative(Sub(path, "drug_purchase_volume"), h.drug_purchase_volume()));
  RETURN_IF_ERROR(NonNegative(Sub(path, "drug_purchase_amount_fen"), h.drug_purchase_amount_fen()));
  RETURN_IF_ERROR(ValidateDrugSales(path, h.drug_sales_volume(), h.drug_sales_amount_fen(),
                                    h.prescription_drug_sales_amount_fen()));
  RETURN_IF_ERROR(NonNegative(Sub(path, "purchased_drug_kinds"), h.purchased_drug_kinds()));
  RETURN_IF_ERROR(NamesNotBlank(Sub(path, "purchasing_channels"), h.purchasing_channels()));
  return NonNegative(Sub(path, "purchasing_cycle_days"), h.purchasing_cycle_days());
}

absl::Status ValidateDepartment(const v1::DepartmentMetrics& d, absl::string_view path) {
  RETURN_IF_ERROR(NonNegative(Sub(path, "outpatient_visits"), d.outpatient_visits()));
  RETURN_IF_ERROR(ValidateOwnAndTotal(path, "prescriptions", d.prescriptions(),
                                      "own_prescriptions", d.own_prescriptions()));
  RETURN_IF_ERROR(ValidateDrugSales(path, d.drug_sales_volume(), d.drug_sales_amount_fen(),
                                    d.prescription_drug_sales_amount_fen()));
  RETURN_IF_ERROR(NonNegative(Sub(path, "doctor_count"), d.doctor_count()));
  return NonNegative(Sub(path, "bed_count"), d.bed_count());
}

absl::Status ValidateDoctor(const v1::DoctorMetrics& d, absl::string_view path) {
  RETURN_IF_ERROR(NonNegative(Sub(path, "outpatient_visits"), d.outpatient_visits()));
  RETURN_IF_ERROR(ValidateOwnAndTotal(path, "prescriptions", d.prescriptions(),
                                      "own_prescriptions", d.own_prescriptions()));
  return InRange(Sub(path, "clinic_days"), d.clinic_days(), 0, kMaxClinicDaysPerMonth);
}

absl::Status ValidatePharmacy(const v1::PharmacyMetrics& p, absl::string_view path) {
  RETURN_IF_ERROR(NonNegative(Sub(path, "purchasing_cycle_days"), p.purchasing_cycle_days()));
  RETURN_IF_ERROR(ValidateOwnAndTotal(path, "sales", p.sales(), "own_sales", p.own_sales()));
  RETURN_IF_ERROR(Permille(Sub(path, "own_counter_share_permille"), p.own_counter_share_permille()));
  RETURN_IF_ERROR(NonNegative(Sub(path, "account_age_days"), p.account_age_days()));
  RETURN_IF_ERROR(Permille(Sub(path, "on_time_repayment_permille"), p.on_time_repayment_permille()));
  RETURN_IF_ERROR(NamesNotBlank(Sub(path, "suppliers"), p.suppliers()));
  return NamesNotBlank(Sub(path, "wholesalers"), p.wholesalers());
}

absl::Status ValidateDistributor(const v1::DistributorMetrics& d, absl::string_view path) {
  RETURN_IF_ERROR(NonNegative(Sub(path, "sales_volume"), d.sales_volume()));
  RETURN_IF_ERROR(NonNegative(Sub(path, "sales_amount_fen"), d.sales_amount_fen()));
  RETURN_IF_ERROR(NonNegative(Sub(path, "account_age_days"), d.account_age_days()));
  RETURN_IF_ERROR(Permille(Sub(path, "on_time_payment_permille"), d.on_time_payment_permille()));
  RETURN_IF_ERROR(NonNegative(Sub(path, "downstream_channels"), d.downstream_channels()));
  RETURN_IF_ERROR(Permille(Sub(path, "own_share_volume_permille"), d.own_share_volume_permille()));
  RETURN_IF_ERROR(Permille(Sub(path, "own_share_amount_permille"), d.own_share_amount_permille()));
  RETURN_IF_ERROR(NonNegative(Sub(path, "purchasing_cycle_days"), d.purchasing_cycle_days()));
  const std::string diverted_path = Sub(path, "diverted");
  for (int i = 0; i < d.diverted_size(); ++i) {
    const v1::DivertedGoods& g = d.diverted(i);
    const std::string item = Item(diverted_path, i);
    if (Blank(g.product())) return core::FieldError(Sub(item, "product"), "must not be blank");
    // A diversion record exists because goods were found; zero goods is a
    // data-entry slip, not a finding.
    if (g.quantity() <= 0) return core::FieldError(Sub(item, "quantity"), "must be positive");
    if (Blank(g.region())) return core::FieldError(Sub(item, "region"), "must not be blank");
  }
  const std::string inventory_path = Sub(path, "inventory");
  for (int i = 0; i < d.inventory_size(); ++i) {
    const v1::InventoryItem& item_figures = d.inventory(i);
    const std::string item = Item(inventory_path, i);
    if (Blank(item_figures.product())) {
      return core::FieldError(Sub(item, "product"), "must not be blank");
    }
    RETURN_IF_ERROR(NonNegative(Sub(item, "quantity"), item_figures.quantity()));
  }
  return NamesNotBlank(Sub(path, "suppliers"), d.suppliers());
}

// The figures case each kind may carry (a hospital may also carry
// department figures).
v1::CustomerMetrics::FiguresCase FiguresFor(v1::CustomerKind kind) {
  switch (kind) {
    case v1::CUSTOMER_KIND_HOSPITAL: return v1::CustomerMetrics::kHospital;
    case v1::CUSTOMER_KIND_DOCTOR: return v1::CustomerMetrics::kDoctor;
    case v1::CUSTOMER_KIND_PHARMACY: return v1::CustomerMetrics::kPharmacy;
    case v1::CUSTOMER_KIND_DISTRIBUTOR: return v1::CustomerMetrics::kDistributor;
    default: return v1::CustomerMetrics::FIGURES_NOT_SET;
  }
}

std::optional<absl::CivilMonth> ParsePeriod(absl::string_view period) {
  if (period.size() != 7 || period[4] != '-') return std::nullopt;
  int year = 0;
  int month = 0;
  for (int i = 0; i < 7; ++i) {
    if (i == 4) continue;
    if (!absl::ascii_isdigit(static_cast<unsigned char>(period[i]))) return std::nullopt;
    int digit = period[i] - '0';
    if (i < 4) {
      year = year * 10 + digit;
    } else {
      month = month * 10 + digit;
    }
  }
  if (month < 1 || month > 12) return std::nullopt;
  return absl::CivilMonth(year, month);
}

// ComputeKeyFigures accepts records that never passed ValidateMetrics;
// saturating keeps its sums defined for any input.
int64_t SaturatingAdd(int64_t a, int64_t b) {
  if (b > 0 && a > std::numeric_limits<int64_t>::max() - b) {
    return std::numeric_limits<int64_t>::max();
  }
  if (b < 0 && a < std::numeric_limits<int64_t>::min() - b) {
    return std::numeric_limits<int64_t>::min();
  }
  return a + b;
}

int64_t SumVolume(const DrugClassFigures& figures) {
  int64_t sum = 0;
  for (const v1::DrugClassFigure& f : figures) sum = SaturatingAdd(sum, f.volume());
  return sum;
}

int32_t ClampToInt32(int64_t value) {
  return static_cast<int32_t>(std::clamp<int64_t>(value, std::numeric_limits<int32_t>::min(),
                                                  std::numeric_limits<int32_t>::max()));
}

void AddPrescriptionShares(const DrugClassFigures& total, const DrugClassFigures& own,
                           v1::KeyFigures* out) {
  if (std::optional<double> share = PrescriptionShare(SumVolume(own), SumVolume(total))) {
    out->set_prescription_share(*share);
    out->set_has_prescription_share(true);
  }
  // Keyed by class so that a class listed twice (invalid input) still yields
  // one entry; order is first appearance, totals before own-only classes.
  std::map<std::string, int> index;
  std::vector<v1::ClassShare> shares;
  auto entry = [&](const std::string& drug_class) -> v1::ClassShare& {
    auto [it, inserted] = index.try_emplace(drug_class, static_cast<int>(shares.size()));
    if (inserted) {
      shares.emplace_back();
      shares.back().set_drug_class(drug_class);
    }
    return shares[it->second];
  };
  for (const v1::DrugClassFigure& f : total) {
    v1::ClassShare& s = entry(f.drug_class());
    s.set_total_volume(SaturatingAdd(s.total_volume(), f.volume()));
  }
  for (const v1::DrugClassFigure& f : own) {
    v1::ClassShare& s = entry(f.drug_class());
    s.set_own_volume(SaturatingAdd(s.own_volume(), f.volume()));
  }
  for (v1::ClassShare& s : shares) {
    if (std::optional<double> share = PrescriptionShare(s.own_volume(), s.total_volume())) {
      s.set_share(*share);
      s.set_has_share(true);
    }
    *out->add_share_by_class() = std::move(s);
  }
}

void AddPrescriptionDrugRatio(int64_t prescription_amount_fen, int64_t amount_fen,
                              v1::KeyFigures* out) {
  if (std::optional<double> ratio = PrescriptionDrugRatio(prescription_amount_fen, amount_fen)) {
    out->set_prescription_drug_ratio(*ratio);
    out->set_has_prescription_drug_ratio(true);
  }
}

v1::HospitalKeyData HospitalKeys(const v1::HospitalMetrics& h,
                                 const v1::CustomerProfile& profile) {
  v1::HospitalKeyData k;
  k.set_outpatient_visits(h.outpatient_visits());
  k.set_drug_sales_volume(h.drug_sales_volume());
  k.set_drug_sales_amount_fen(h.drug_sales_amount_fen());
  k.set_prescription_volume(SumVolume(h.prescriptions()));
  const v1::HospitalDetails& details = profile.hospital();  // Default if another kind.
  if (details.departments_size() > 0) {
    k.set_department_count(details.departments_size());
  } else {
    // Visits may be broken down by departments the profile does not list yet;
    // counting distinct names is the best figure available then.
    std::set<absl::string_view> names;
    for (const v1::DepartmentVisits& d : h.department_visits()) names.insert(d.department());
    k.set_department_count(static_cast<int32_t>(names.size()));
  }
  if (details.doctor_count() > 0) {
    k.set_doctor_count(details.doctor_count());
  } else {
    int64_t doctors = 0;
    for (const v1::Department& d : details.departments()) doctors += d.doctor_count();
    k.set_doctor_count(ClampToInt32(doctors));
  }
  k.set_bed_count(details.bed_count());
  return k;
}

v1::DepartmentKeyData DepartmentKeys(const v1::DepartmentMetrics& d, absl::string_view department,
                                     const v1::CustomerProfile& profile) {
  v1::DepartmentKeyData k;
  k.set_outpatient_visits(d.outpatient_visits());
  k.set_drug_sales_volume(d.drug_sales_volume());
  k.set_drug_sales_amount_fen(d.drug_sales_amount_fen());
  k.set_prescription_volume(SumVolume(d.prescriptions()));
  k.set_bed_count(d.bed_count());
  if (d.doctor_count() > 0) {
    k.set_doctor_count(d.doctor_count());
  } else {
    absl::string_view wanted = absl::StripAsciiWhitespace(department);
    for (const v1::Department& s : profile.hospital().departments()) {
      if (absl::StripAsciiWhitespace(s.name()) == wanted) {
        k.set_doctor_count(s.doctor_count());
        break;
      }
    }
  }
  return k;
}

v1::DoctorKeyData DoctorKeys(const v1::DoctorMetrics& d) {
  v1::DoctorKeyData k;
  k.set_monthly_outpatient_visits(d.outpatient_visits());
  k.set_prescription_volume(SumVolume(d.prescriptions()));
  k.set_own_prescription_volume(SumVolume(d.own_prescriptions()));
  k.set_clinic_days(d.clinic_days());
  return k;
}

}  // namespace

absl::Status ValidatePeriod(absl::string_view field, absl::string_view period) {
  std::optional<absl::CivilMonth> month = ParsePeriod(period);
  if (!month) return core::FieldError(field, "must be a month written YYYY-MM");
  if (*month < *ParsePeriod(kFirstPeriod)) {
    return core::FieldError(field, absl::StrCat("must not be before ", kFirstPeriod));
  }
  return absl::OkStatus();
}

absl::Status ValidateMetrics(const v1::CustomerMetrics& m, v1::CustomerKind kind,
                             absl::Time now) {
  if (Blank(m.customer_id())) return core::FieldError("customer_id", "must not be empty");
  RETURN_IF_ERROR(ValidatePeriod("period", m.period()));
  // Months are business months in China; a fixed offset needs no time-zone
  // database and China has no daylight saving time.
  const absl::CivilMonth current = absl::ToCivilMonth(now, absl::FixedTimeZone(8 * 60 * 60));
  if (*ParsePeriod(m.period()) > current) {
    return core::FieldError("period", absl::StrCat("must not be after the current month (",
                                                   absl::FormatCivilTime(current), ")"));
  }

  const v1::CustomerMetrics::FiguresCase allowed = FiguresFor(kind);
  if (allowed == v1::CustomerMetrics::FIGURES_NOT_SET) {
    return core::FieldError("figures", absl::StrCat(v1::CustomerKind_Name(kind),
                                                    " customers have no metrics"));
  }
  const v1::CustomerMetrics::FiguresCase actual = m.figures_case();
  if (actual == v1::CustomerMetrics::FIGURES_NOT_SET) {
    return core::FieldError("figures", "must be set");
  }
  const bool department_of_hospital =
      kind == v1::CUSTOMER_KIND_HOSPITAL && actual == v1::CustomerMetrics::kDepartmentFigures;
  if (actual != allowed && !department_of_hospital) {
    return core::FieldError("figures", absl::StrCat("do not match the customer kind ",
                                                    v1::CustomerKind_Name(kind)));
  }
  if (department_of_hospital) {
    if (Blank(m.department())) {
      return core::FieldError("department", "must name the department of department_figures");
    }
    if (m.department().size() > kMaxDepartmentBytes) {
      return core::FieldError("department",
                              absl::StrCat("longer than ", kMaxDepartmentBytes, " bytes"));
    }
  } else if (!m.department().empty()) {
    return core::FieldError("department", "must be empty unless the figures are department_figures");
  }

  switch (actual) {
    case v1::CustomerMetrics::kHospital: return ValidateHospital(m.hospital(), "figures.hospital");
    case v1::CustomerMetrics::kDepartmentFigures:
      return ValidateDepartment(m.department_figures(), "figures.department_figures");
    case v1::CustomerMetrics::kDoctor: return ValidateDoctor(m.doctor(), "figures.doctor");
    case v1::CustomerMetrics::kPharmacy: return ValidatePharmacy(m.pharmacy(), "figures.pharmacy");
    case v1::CustomerMetrics::kDistributor:
      return ValidateDistributor(m.distributor(), "figures.distributor");
    case v1::CustomerMetrics::FIGURES_NOT_SET: break;
  }
  return absl::OkStatus();
}

std::optional<double> PrescriptionShare(int64_t own, int64_t total) {
  if (total <= 0 || own < 0 || own > total) return std::nullopt;
  return static_cast<double>(own) / static_cast<double>(total);
}

std::optional<double> PrescriptionDrugRatio(int64_t prescription_drug_sales_amount,
                                            int64_t drug_sales_amount) {
  if (drug_sales_amount <= 0 || prescription_drug_sales_amount < 0 ||
      prescription_drug_sales_amount > drug_sales_amount) {
    return std::nullopt;
  }
  return static_cast<double>(prescription_drug_sales_amount) /
         static_cast<double>(drug_sales_amount);
}

v1::KeyFigures ComputeKeyFigures(const v1::CustomerMetrics& m,
                                 const v1::CustomerProfile& profile) {
  v1::KeyFigures out;
  out.set_customer_id(m.customer_id());
  out.set_period(m.period());
  out.set_department(m.department());
  switch (m.figures_case()) {
    case v1::CustomerMetrics::kHospital: {
      const v1::HospitalMetrics& h = m.hospital();
      AddPrescriptionShares(h.prescriptions(), h.own_prescriptions(), &out);
      AddPrescriptionDrugRatio(h.prescription_drug_sales_amount_fen(), h.drug_sales_amount_fen(),
                               &out);
      *out.mutable_hospital() = HospitalKeys(h, profile);
      break;
    }
    case v1::CustomerMetrics::kDepartmentFigures: {
      const v1::DepartmentMetrics& d = m.department_figures();
      AddPrescriptionShares(d.prescriptions(), d.own_prescriptions(), &out);
      AddPrescriptionDrugRatio(d.prescription_drug_sales_amount_fen(), d.drug_sales_amount_fen(),
                               &out);
      *out.mutable_department_key_data() = DepartmentKeys(d, m.department(), profile);
      break;
    }
    case v1::CustomerMetrics::kDoctor: {
      const v1::DoctorMetrics& d = m.doctor();
      AddPrescriptionShares(d.prescriptions(), d.own_prescriptions(), &out);
      *out.mutable_doctor() = DoctorKeys(d);
      break;
    }
    case v1::CustomerMetrics::kPharmacy:
    case v1::CustomerMetrics::kDistributor:
    case v1::CustomerMetrics::FIGURES_NOT_SET: break;
  }
  return out;
}

std::vector<v1::CustomerMetrics> SelectPeriods(std::vector<v1::CustomerMetrics> all,
                                               absl::string_view from, absl::string_view to) {
  std::erase_if(all, [&](const v1::CustomerMetrics& m) {
    absl::string_view period = m.period();
    return (!from.empty() && period < from) || (!to.empty() && period > to);
  });
  std::stable_sort(all.begin(), all.end(),
                   [](const v1::CustomerMetrics& a, const v1::CustomerMetrics& b) {
                     if (a.period() != b.period()) return a.period() < b.period();
                     return a.department() < b.department();
                   });
  return all;
}

}  // namespace pharmacrm::customer_master
