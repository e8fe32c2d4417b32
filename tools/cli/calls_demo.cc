#include "calls_demo.h"

#include <algorithm>
#include <map>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "pharmacrm/core/time.h"

namespace pharmacrm::cli {
namespace {

constexpr int kCallsPattern[] = {4, 2, 1, 3, 0, 2};
constexpr const char* kMessages[] = {"每日一次，依从性好 / once daily, good adherence",
                                     "降脂达标率高 / more patients at goal",
                                     "安全性数据 / the safety data"};
constexpr v1::CallOutcome kOutcomes[] = {v1::CALL_OUTCOME_POSITIVE, v1::CALL_OUTCOME_NEUTRAL,
                                         v1::CALL_OUTCOME_POSITIVE, v1::CALL_OUTCOME_NEGATIVE};

}  // namespace

DemoCallsPlan PlanDemoCalls(const DemoOrganisation& organisation,
                            const std::vector<DemoDoctor>& doctors, const std::string& product_id,
                            absl::CivilDay today, absl::CivilDay aligned_from,
                            const std::string& prefix) {
  DemoCallsPlan plan;
  std::map<std::string, std::string> territory_of;  // hospital -> territory code
  for (const auto& [customer, code] : organisation.customer_alignments)
    territory_of[customer] = code;
  std::map<std::string, std::string> manager_of;
  for (const v1::Rep& p : organisation.people) manager_of[p.id()] = p.manager_id();
  const std::string batch = absl::StrCat("DEMO-", today.year());
  const absl::CivilDay reportable = today - 364;
  const absl::TimeZone china = absl::FixedTimeZone(8 * 3600);
  for (const auto& [rep, code] : organisation.rep_alignments) {
    std::vector<std::string> mine;
    for (const DemoDoctor& d : doctors) {
      auto it = territory_of.find(d.hospital_id);
      if (it != territory_of.end() && it->second == code) mine.push_back(d.id);
    }
    std::sort(mine.begin(), mine.end());
    if (mine.empty()) continue;
    v1::IssueSamplesRequest& issue = plan.issues.emplace_back();
    issue.set_request_id(absl::StrCat(prefix, "-samples-", rep));
    issue.set_rep_id(rep);
    issue.set_product_id(product_id);
    issue.set_batch_no(batch);
    issue.set_quantity(std::max<int64_t>(150, 12 * static_cast<int64_t>(mine.size())));
    issue.set_note("demo samples / 演示样品");
    std::vector<v1::CallReport> history;
    for (size_t i = 0; i < mine.size(); ++i) {
      for (absl::CivilMonth month = absl::CivilMonth(today) - kDemoCallMonths;
           month < absl::CivilMonth(today); ++month) {
        const int calls = kCallsPattern[(i + static_cast<size_t>(month.month())) % 6];
        for (int k = 0; k < calls; ++k) {
          const absl::CivilDay day = absl::CivilDay(month) + 2 + 7 * k;
          if (day < aligned_from) continue;
          const bool reported = day >= reportable;
          v1::CallReport call;
          call.set_rep_id(rep);
          call.set_customer_id(mine[i]);
          *call.mutable_called_at() = core::ToTimestamp(absl::FromCivil(
              absl::CivilSecond(day.year(), day.month(), day.day(), 10, 0, 0), china));
          call.set_duration_minutes(15 + 5 * ((static_cast<int>(i) + k) % 4));
          call.add_product_ids(product_id);
          call.add_key_messages(kMessages[(i + static_cast<size_t>(k)) % std::size(kMessages)]);
          call.set_outcome(kOutcomes[(i + static_cast<size_t>(k)) % std::size(kOutcomes)]);
          call.set_next_step("下次拜访跟进处方 / follow up on prescriptions next call");
          if (k == 0) {
            v1::SampleLeft* s = call.add_samples();
            s->set_product_id(product_id);
            s->set_batch_no(reported ? batch : absl::StrCat("DEMO-", day.year()));
            s->set_quantity(1);
            s->set_signed_for(true);
            if (i == 0) call.set_joint_with(manager_of[rep]);
          }
          if (!reported) {
            history.push_back(std::move(call));
            continue;
          }
          v1::ReportCallRequest& req = plan.calls.emplace_back();
          req.set_request_id(absl::StrFormat("%s-call-%s-%s-%04d%02d-%d", prefix, rep, mine[i],
                                             month.year(), month.month(), k));
          *req.mutable_call() = std::move(call);
        }
      }
    }
    for (size_t from = 0; from < history.size(); from += kDemoHistoryBatch) {
      v1::ImportCallHistoryRequest& req = plan.history.emplace_back();
      req.set_request_id(absl::StrCat(prefix, "-history-", rep, "-", from / kDemoHistoryBatch));
      req.set_source("PharmaCRM demo history");
      for (size_t j = from; j < history.size() && j < from + kDemoHistoryBatch; ++j) {
        *req.add_calls() = history[j];
      }
    }
  }
  return plan;
}

}  // namespace pharmacrm::cli
