// Dynamic customer data: what a valid period record is, and the figures
// derived from it. Every derived figure of customer metrics is computed here
// and nowhere else. Pure: no I/O, no clock (callers pass `now`).
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_METRICS_METRICS_RULES_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_METRICS_METRICS_RULES_H_

#include <cstdint>
#include <optional>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pharmacrm/v1/common.pb.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/customer_metrics.pb.h"

namespace pharmacrm::customer_master {

// Earliest period accepted anywhere.
inline constexpr absl::string_view kFirstPeriod = "2000-01";

// OK if `period` is a real calendar month written "YYYY-MM", from kFirstPeriod
// to 9999-12; otherwise INVALID_ARGUMENT naming `field`. No clock: usable for
// query bounds, which may lie in the future.
absl::Status ValidatePeriod(absl::string_view field, absl::string_view period);

// Every rule one period record must meet on its own, for a customer of
// `kind`. Errors are INVALID_ARGUMENT naming the field by its path in the
// record, the figures as "figures.<case>...", e.g.
// "figures.doctor.own_prescriptions[0].volume". Rules:
//  - customer_id is set;
//  - period passes ValidatePeriod and is not after the month of `now` in China
//    (UTC+8); the current month is allowed;
//  - figures are set and match `kind`: hospital or department_figures for a
//    hospital, doctor, pharmacy, distributor for those kinds; contacts,
//    patients and unknown kinds have no metrics ("figures");
//  - department is set (at most 100 bytes) with department_figures and empty
//    with every other case;
//  - no count, volume, amount or number of days is negative; clinic_days is at
//    most 31; permille figures are 0..1000 except bed_utilisation_permille,
//    0..2000; diverted quantities are positive;
//  - every drug_class, department, product, region, channel, supplier and
//    wholesaler name is non-blank, and a class (or department) occurs at most
//    once per list;
//  - own prescriptions (a pharmacy's own sales) of a class do not exceed the
//    total of that class: when the total list is non-empty, each own class
//    must occur in it ("...own_prescriptions[i].drug_class"), its volume may
//    not exceed the total's (".volume"), nor its amount_fen the total's when
//    that is non-zero (".amount_fen"). An empty total list means totals were
//    not reported and is not checked;
//  - prescription_drug_sales_amount_fen does not exceed drug_sales_amount_fen.
// Cross-record rules (the customer exists, the department belongs to the
// hospital, the version) are the caller's.
absl::Status ValidateMetrics(const v1::CustomerMetrics& m, v1::CustomerKind kind,
                             absl::Time now);

// 处方比例 = 本公司药物处方量 / 总处方量: `own` / `total`, in 0..1.
// nullopt when total <= 0, or own is outside 0..total (figures that failed
// ValidateMetrics).
std::optional<double> PrescriptionShare(int64_t own, int64_t total);

// 处方药比例: prescription drug sales amount / drug sales amount, in 0..1.
// nullopt when drug_sales_amount <= 0, or prescription_drug_sales_amount is
// outside 0..drug_sales_amount.
std::optional<double> PrescriptionDrugRatio(int64_t prescription_drug_sales_amount,
                                            int64_t drug_sales_amount);

// The derived figures of `m` (see KeyFigures in customer_metrics.proto for the
// formula and source of each number):
//  - hospital figures: shares, prescription drug ratio, HospitalKeyData;
//  - department figures: the same with DepartmentKeyData;
//  - doctor figures: shares and DoctorKeyData;
//  - pharmacy, distributor or no figures: only the copied identity fields.
// `profile` is the static profile of the customer (for department figures: of
// the hospital); it fills the department, doctor and bed counts the figures
// lack. A profile of another kind or without details contributes nothing.
// `m` should pass ValidateMetrics; if it does not, the result is still
// defined (sums saturate, invalid shares are unset) but meaningless.
v1::KeyFigures ComputeKeyFigures(const v1::CustomerMetrics& m,
                                 const v1::CustomerProfile& profile);

// The records of `all` whose period lies in [from, to] (inclusive, "YYYY-MM";
// an empty bound is open), sorted by period, then department; records equal
// in both keep their order in `all`. Bounds are compared as text, which orders
// well-formed periods chronologically; check them with ValidatePeriod first.
std::vector<v1::CustomerMetrics> SelectPeriods(std::vector<v1::CustomerMetrics> all,
                                               absl::string_view from, absl::string_view to);

}  // namespace pharmacrm::customer_master

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_METRICS_METRICS_RULES_H_
