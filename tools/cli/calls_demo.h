// The demo's field force (`pharmacrm demo-process`, after the targets):
// samples handed to every rep and two years of call reports on the doctors
// of their territory, planned here (pure, for tests) and loaded by
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
  // The calls more than 364 days before `today`, as an earlier CRM's
  // history: by rep, at most kDemoHistoryBatch calls a request.
  std::vector<v1::ImportCallHistoryRequest> history;
};

inline constexpr int kDemoCallMonths = 24;
inline constexpr int kDemoHistoryBatch = 500;

// For each rep of `organisation`, the doctors whose hospital is aligned to
// the rep's territory, by id. For each of the kDemoCallMonths months before
// `today`'s (days not before `aligned_from`, the day the demo's alignments
// start), doctor i of the rep gets {4, 2, 1, 3, 0, 2}[(i + month) % 6]
// calls, on days 3, 10, 17 and 24 at 10:00 China time, discussing
// `product_id`; the first call of a month leaves one sample pack (signed
// for), and the first doctor's first call of a month is a joint call with
// the rep's district manager. Calls within 364 days of `today` are
// reported (ReportCall, samples of batch DEMO-<year of today>); each rep is
// first issued 12 packs a doctor (at least 150): a pack for each of those
// months. Older calls are history (ImportCallHistory, source "PharmaCRM
// demo history", samples of batch DEMO-<year of the call>). Request ids
// start with `prefix`, so a second run changes nothing.
DemoCallsPlan PlanDemoCalls(const DemoOrganisation& organisation,
                            const std::vector<DemoDoctor>& doctors, const std::string& product_id,
                            absl::CivilDay today, absl::CivilDay aligned_from,
                            const std::string& prefix);

}  // namespace pharmacrm::cli

#endif  // PHARMACRM_TOOLS_CLI_CALLS_DEMO_H_
