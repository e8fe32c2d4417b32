// Call frequencies by doctor class and the weekly call plan proposed to a
// rep (docs/SALES_PROCESS.md, "Call plans"). Pure and thread-safe.
//
// Frequencies. Each class of doctor has a number of calls a month
// (configuration; by default A 4, B 2, C 1; doctors without a class are not
// planned). A doctor's month is attained when its calls that month reach
// the frequency.
//
// The weekly plan. For the week starting on `week_start` (a Monday), every
// doctor of the rep's territories still owed calls this month is a
// candidate, with
//     owed    = frequency − calls so far this month (> 0),
//     weeks   = the weeks of the month from week_start on (counting a week
//               that starts in the month; at least 1),
//     due     = owed / weeks (calls this week would keep the pace),
//     urgency = due, + 0.5 when the last call is at least 2 × 30 / frequency
//               days ago (or never), + 1 for class A, + 0.5 for class B.
// Candidates are taken by urgency (then class, then the longest since the
// last call, then id), each for ceil(due) calls, until the week's capacity
// (configuration, default 25 calls) is used. Each planned call says why, in
// English and Chinese: "A: 1 of 4 calls this month, 3 owed, last call 19
// days ago".
//
// Worked example (call_plan_test.cc): week of Monday 2026-03-16 (weeks left
// in March: 16, 23, 30 → 3). Dr 张 (A, 1 call so far, last 2026-02-25):
// owed 3, due 1, last call 19 days ago ≥ 15 → urgency 1 + 0.5 + 1 = 2.5,
// 1 call. Dr 李 (B, 0 calls, never called): owed 2, due 0.67, urgency 0.67
// + 0.5 + 0.5 = 1.67, 1 call. Dr 王 (C, 1 call): owed 0, not planned.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_CALL_PLAN_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_CALL_PLAN_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "domain/process/target_inputs.h"

namespace pharmacrm::sales_pipeline::process {

struct CallFrequencies {
  int a = 4;
  int b = 2;
  int c = 1;
  int weekly_capacity = 25;
};

// INVALID_ARGUMENT naming call_frequencies.<a|b|c|weekly_capacity>: each
// 1..31 (capacity 1..200), and A ≥ B ≥ C.
absl::Status ValidateFrequencies(const CallFrequencies& frequencies);

// Calls a month for a class; 0 for kNone.
int FrequencyOf(const CallFrequencies& frequencies, DoctorClass doctor_class);

// A doctor the rep may be asked to call.
struct PlanDoctor {
  std::string id;
  std::string name;
  DoctorClass doctor_class = DoctorClass::kNone;
  int calls_this_month = 0;                  // before week_start
  std::optional<absl::CivilDay> last_call;  // before week_start
};

struct PlannedCall {
  std::string doctor_id;
  std::string name;
  DoctorClass doctor_class = DoctorClass::kNone;
  int calls = 0;         // this week
  double urgency = 0;
  std::string reason;    // English
  std::string reason_zh; // 中文
};

// The proposed plan (see the top), in order of urgency. INVALID_ARGUMENT
// week_start when it is not a Monday.
absl::StatusOr<std::vector<PlannedCall>> ProposeWeeklyPlan(const std::vector<PlanDoctor>& doctors,
                                                           absl::CivilDay week_start,
                                                           const CallFrequencies& frequencies);

// Frequency attainment of one month: doctors whose calls reached their
// class's frequency, of the doctors with a class.
struct Attainment {
  int doctors = 0;
  int attained = 0;
  double Rate() const { return doctors == 0 ? 0 : static_cast<double>(attained) / doctors; }
};
Attainment FrequencyAttainment(const std::vector<PlanDoctor>& doctors_at_month_end,
                               const CallFrequencies& frequencies);

}  // namespace pharmacrm::sales_pipeline::process

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_CALL_PLAN_H_
