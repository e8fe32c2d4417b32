#include "domain/process/call_plan.h"

#include <algorithm>
#include <cmath>
#include <tuple>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::process {
namespace {

int ClassRank(DoctorClass c) {
  switch (c) {
    case DoctorClass::kA:
      return 0;
    case DoctorClass::kB:
      return 1;
    case DoctorClass::kC:
      return 2;
    case DoctorClass::kNone:
      break;
  }
  return 3;
}

// Weeks (starting on Mondays) of week_start's month from week_start on.
int WeeksLeft(absl::CivilDay week_start) {
  const absl::CivilMonth month(week_start);
  int weeks = 0;
  for (absl::CivilDay d = week_start; absl::CivilMonth(d) == month; d += 7) ++weeks;
  return std::max(weeks, 1);
}

}  // namespace

absl::Status ValidateFrequencies(const CallFrequencies& f) {
  for (const auto& [value, field] : {std::pair{f.a, "call_frequencies.a"},
                                     std::pair{f.b, "call_frequencies.b"},
                                     std::pair{f.c, "call_frequencies.c"}}) {
    if (value < 1 || value > 31) return core::FieldError(field, "must be 1..31 calls a month");
  }
  if (f.a < f.b || f.b < f.c) {
    return core::FieldError("call_frequencies", "must not fall from C to B to A (A ≥ B ≥ C)");
  }
  if (f.weekly_capacity < 1 || f.weekly_capacity > 200) {
    return core::FieldError("call_frequencies.weekly_capacity", "must be 1..200 calls a week");
  }
  return absl::OkStatus();
}

int FrequencyOf(const CallFrequencies& f, DoctorClass doctor_class) {
  switch (doctor_class) {
    case DoctorClass::kA:
      return f.a;
    case DoctorClass::kB:
      return f.b;
    case DoctorClass::kC:
      return f.c;
    case DoctorClass::kNone:
      break;
  }
  return 0;
}

absl::StatusOr<std::vector<PlannedCall>> ProposeWeeklyPlan(const std::vector<PlanDoctor>& doctors,
                                                           absl::CivilDay week_start,
                                                           const CallFrequencies& frequencies) {
  RETURN_IF_ERROR(ValidateFrequencies(frequencies));
  if (absl::GetWeekday(week_start) != absl::Weekday::monday) {
    return core::FieldError("week_start", "must be a Monday");
  }
  const int weeks = WeeksLeft(week_start);
  struct Candidate {
    const PlanDoctor* doctor;
    int owed;
    double due;
    double urgency;
    int64_t days_since;  // a large number when never called
  };
  std::vector<Candidate> candidates;
  for (const PlanDoctor& d : doctors) {
    const int frequency = FrequencyOf(frequencies, d.doctor_class);
    const int owed = frequency - d.calls_this_month;
    if (frequency == 0 || owed <= 0) continue;
    const double due = static_cast<double>(owed) / weeks;
    const int64_t days_since = d.last_call ? week_start - *d.last_call : int64_t{1'000'000};
    double urgency = due;
    if (days_since >= 2 * 30 / frequency) urgency += 0.5;
    if (d.doctor_class == DoctorClass::kA) urgency += 1;
    if (d.doctor_class == DoctorClass::kB) urgency += 0.5;
    candidates.push_back({&d, owed, due, urgency, days_since});
  }
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& x, const Candidate& y) {
    return std::make_tuple(-x.urgency, ClassRank(x.doctor->doctor_class), -x.days_since,
                           x.doctor->id) < std::make_tuple(-y.urgency,
                                                          ClassRank(y.doctor->doctor_class),
                                                          -y.days_since, y.doctor->id);
  });
  std::vector<PlannedCall> plan;
  int capacity = frequencies.weekly_capacity;
  for (const Candidate& c : candidates) {
    if (capacity == 0) break;
    const int calls = std::min(capacity, static_cast<int>(std::ceil(c.due - 1e-9)));
    capacity -= calls;
    const PlanDoctor& d = *c.doctor;
    const int frequency = FrequencyOf(frequencies, d.doctor_class);
    const std::string last =
        d.last_call ? absl::StrCat("last call ", c.days_since, " days ago") : "never called";
    const std::string last_zh =
        d.last_call ? absl::StrCat("上次拜访于 ", c.days_since, " 天前") : "从未拜访";
    PlannedCall p;
    p.doctor_id = d.id;
    p.name = d.name;
    p.doctor_class = d.doctor_class;
    p.calls = calls;
    p.urgency = c.urgency;
    p.reason = absl::StrFormat("%s: %d of %d calls this month, %d owed, %s",
                               DoctorClassName(d.doctor_class), d.calls_this_month, frequency,
                               c.owed, last);
    p.reason_zh = absl::StrFormat("%s 类：本月已拜访 %d 次（应 %d 次），尚欠 %d 次，%s",
                                  DoctorClassName(d.doctor_class), d.calls_this_month, frequency,
                                  c.owed, last_zh);
    plan.push_back(std::move(p));
  }
  return plan;
}

Attainment FrequencyAttainment(const std::vector<PlanDoctor>& doctors,
                               const CallFrequencies& frequencies) {
  Attainment out;
  for (const PlanDoctor& d : doctors) {
    const int frequency = FrequencyOf(frequencies, d.doctor_class);
    if (frequency == 0) continue;
    ++out.doctors;
    if (d.calls_this_month >= frequency) ++out.attained;
  }
  return out;
}

}  // namespace pharmacrm::sales_pipeline::process
