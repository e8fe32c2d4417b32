// The demo's field force (`pharmacrm demo-process`, after the targets):
// samples handed to every rep and a year of call reports on the doctors of
// their territory, planned here (pure, for tests) and loaded by
// process_demo_command.cc.
#ifndef PHARMACRM_TOOLS_CLI_CALLS_DEMO_H_
#define PHARMACRM_TOOLS_CLI_CALLS_DEMO_H_

#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "pharmacrm/v1/field_force.pb.h"
#include "process_demo_command.h"

namespace pharmacrm::cli {

struct DemoDoctor {
  std::string id;
  std::string hospital_id;
};

struct DemoCallsPlan {
  std::vector<v1::IssueSamplesRequest> issues;  // one per rep
  std::vector<v1::ReportCallRequest> calls;     // by rep, doctor, month, call
};

// For each rep of `organisation`, the doctors whose hospital is aligned to
// the rep's territory, by id. For each of the 12 months before `today`'s
// (days at most 364 days back, and not before `aligned_from`, the day the
// demo's alignments start), doctor i of the rep gets
// {4, 2, 1, 3, 0, 2}[(i + month) % 6] calls, on days 3, 10, 17 and 24 at
// 10:00 China time, discussing `product_id`; the first call of a month
// leaves one sample pack (batch DEMO-<year of today>, signed for), and the
// first doctor's first call of a month is a joint call with the rep's
// district manager. Each rep is first issued 12 packs a doctor (at least
// 150): a pack for each month. Request ids start
// with `prefix`, so a second run changes nothing.
DemoCallsPlan PlanDemoCalls(const DemoOrganisation& organisation,
                            const std::vector<DemoDoctor>& doctors, const std::string& product_id,
                            absl::CivilDay today, absl::CivilDay aligned_from,
                            const std::string& prefix);

}  // namespace pharmacrm::cli

#endif  // PHARMACRM_TOOLS_CLI_CALLS_DEMO_H_
