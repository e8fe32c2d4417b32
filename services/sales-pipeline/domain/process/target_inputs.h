// The inputs of a target allocation, read from what sales-pipeline knows
// (docs/SALES_PROCESS.md, "Where the inputs come from"): the territory
// tree and the customers aligned to it (customer-master's events), each
// customer's figures of the year before the target's (metrics, sales
// facts), shaped into allocation.h's Node tree. Pure and thread-safe.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_TARGET_INPUTS_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_TARGET_INPUTS_H_

#include <array>
#include <optional>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "domain/process/allocation.h"
#include "pharmacrm/v1/common.pb.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/customer_metrics.pb.h"
#include "pharmacrm/v1/territories.pb.h"

namespace pharmacrm::sales_pipeline::process {

// A hospital grade's score for the grade factor: 三级甲等 10, 三级乙等 9,
// 三级丙等 8, 二级甲等 6, 二级乙等 5, 二级丙等 4, 一级 (甲乙丙) 2,
// 未定级 1, not given 0 (and 0 for every other kind of customer).
double GradeScore(v1::HospitalGrade grade);

// Doctor classes for call frequencies and the doctor_mix factor, by the
// doctor's prescriptions of the product's drug class over a year
// (customer-master's monthly DoctorMetrics): A from a_per_month a month on
// average, B from b_per_month, C below that but above 0; a doctor without
// such prescriptions is not a target doctor of the class (kNone).
enum class DoctorClass { kNone, kA, kB, kC };
absl::string_view DoctorClassName(DoctorClass doctor_class);  // "", "A", "B", "C"

struct DoctorClassRule {
  int64_t a_per_month = 100;
  int64_t b_per_month = 30;
};
// `prescriptions` over `months` months (1..12).
DoctorClass ClassifyDoctor(int64_t prescriptions, int months, const DoctorClassRule& rule);

// Whether a MetricsRecorded record replaces what is kept for its customer
// and period: whole-customer figures (no department) of a hospital, doctor
// or pharmacy, of a version not older than `current`'s.
bool KeepMetrics(const std::optional<v1::CustomerMetrics>& current,
                 const v1::CustomerMetrics& incoming);

// A customer's prescriptions of `drug_class` in `metrics`: ours and all
// makers' (a pharmacy's sales stand for its prescriptions).
struct ClassFigures {
  int64_t own = 0;
  int64_t all = 0;
};
ClassFigures ClassFiguresOf(const v1::CustomerMetrics& metrics, absl::string_view drug_class);

// A customer that can take a share of a target, with its figures.
struct TargetCustomer {
  std::string id;
  std::string name;
  std::string territory_id;  // TERRITORY-level; "" when unaligned
  v1::CustomerKind kind = v1::CUSTOMER_KIND_UNSPECIFIED;
  v1::HospitalGrade grade = v1::HOSPITAL_GRADE_UNSPECIFIED;
  int64_t doctors_a = 0;
  int64_t doctors_b = 0;
  int64_t doctors_c = 0;
  bool has_metrics = false;       // any metrics of the year before
  int64_t own_prescriptions = 0;  // ours, of the class, the year before
  int64_t market = 0;             // all makers', of the class, the year before
  int64_t last_year_sales = 0;    // the product, packs
  int64_t sales_year_before = 0;  // two years before
  int64_t sold_so_far = 0;        // this year
  std::array<int64_t, kMonths> last_year_by_month{};
};

struct TargetTree {
  std::vector<Node> nodes;
  // What was left out or counted as 0, for the allocation's missing_inputs.
  std::vector<std::string> missing_inputs;
};

// The nation, regions, areas and territories of `territories` with the
// customers aligned to each territory below it. Customers that are not
// hospitals or pharmacies, or not aligned, and branches without any
// customer are left out, each said in missing_inputs (an empty territory
// cannot carry a share: it would be a target nobody can sell against); so
// is a customer without metrics of the year before. FAILED_PRECONDITION
// `territories` without exactly one NATION, or when no customer remains.
absl::StatusOr<TargetTree> BuildTargetTree(const std::vector<v1::Territory>& territories,
                                           const std::vector<TargetCustomer>& customers);

}  // namespace pharmacrm::sales_pipeline::process

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_TARGET_INPUTS_H_
