#include "api/channel_checks.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/publish.h"
#include "domain/channel/dates.h"
#include "domain/channel/finding_lifecycle.h"
#include "pharmacrm/core/log.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/v1/channel.pb.h"

namespace pharmacrm::sales_pipeline {

ChannelChecks::ChannelChecks(runtime::ServiceHost& host, channel::ChecksRules rules)
    : host_(host), rules_(std::move(rules)), channel_(host.store()), control_(host.store()) {}

ChannelChecks::~ChannelChecks() {
  {
    absl::MutexLock lock(&stop_mu_);
    stopping_ = true;
  }
  if (worker_.joinable()) worker_.join();
}

absl::StatusOr<channel::ChannelData> ChannelChecks::Load() const {
  channel::ChannelData data;
  ASSIGN_OR_RETURN(std::vector<v1::DistributorAccount> accounts, channel_.Accounts());
  for (v1::DistributorAccount& account : accounts) {
    std::string id = account.distributor_id();
    data.accounts.emplace(std::move(id), std::move(account));
  }
  ASSIGN_OR_RETURN(std::vector<v1::Product> products, channel_.AllProducts());
  for (v1::Product& product : products) {
    std::string id = product.id();
    data.products.emplace(std::move(id), std::move(product));
  }
  ASSIGN_OR_RETURN(data.shipments, channel_.Shipments());
  ASSIGN_OR_RETURN(std::vector<v1::FlowPeriod> periods, channel_.FlowPeriods());
  for (const v1::FlowPeriod& period : periods) {
    absl::StatusOr<absl::CivilMonth> month = channel::ParseMonth(period.month(), "month");
    if (!month.ok()) continue;
    ASSIGN_OR_RETURN(std::vector<v1::FlowRow> rows,
                     channel_.FlowRows(period.distributor_id(), period.month()));
    data.flows[channel::FlowKey{period.distributor_id(), *month}] = std::move(rows);
  }
  ASSIGN_OR_RETURN(data.stock_reports, control_.StockReports());
  ASSIGN_OR_RETURN(std::vector<v1::Customer> customers, channel_.KnownCustomers());
  for (const v1::Customer& customer : customers) {
    if (!customer.profile().province().empty()) {
      data.customer_provinces[customer.id()] = customer.profile().province();
    }
    if (!customer.profile().name().empty()) {
      data.customer_names[customer.id()] = customer.profile().name();
    }
  }
  return data;
}

absl::StatusOr<v1::ChannelChecksSummary> ChannelChecks::RunInto(store::Batch& batch,
                                                                const std::string& actor,
                                                                const std::string& request_id) {
  ASSIGN_OR_RETURN(v1::ChannelChecksState state, control_.ChecksState());
  const int64_t requested = state.requested();
  ASSIGN_OR_RETURN(channel::ChannelData data, Load());
  channel::ChecksResult result = channel::RunChecks(data, rules_);
  ASSIGN_OR_RETURN(std::vector<v1::Finding> stored, control_.Findings());
  const absl::Time now = host_.clock().Now();
  auto owner = [&](const v1::Finding& finding) -> std::string {
    const v1::DistributorAccount* account = channel::FindAccount(data, finding.distributor_id());
    if (account == nullptr || account->key_account_manager().empty()) return kUnassignedOwner;
    return account->key_account_manager();
  };
  channel::FindingUpdates updates =
      channel::MergeFindings(stored, std::move(result.findings), owner, now);
  auto publish = [&](const v1::Finding& finding, const google::protobuf::Message& event) {
    control_.PutFinding(batch, finding);
    PublishSalesEvent(host_, batch, "finding", finding.id(), finding.version(),
                      finding.distributor_id(), actor, request_id, event);
  };
  for (const v1::Finding& finding : updates.raised) {
    v1::FindingRaised event;
    *event.mutable_finding() = finding;
    publish(finding, event);
  }
  for (const v1::Finding& finding : updates.updated) {
    v1::FindingUpdated event;
    *event.mutable_finding() = finding;
    publish(finding, event);
  }
  for (const v1::Finding& finding : updates.state_changed) {
    v1::FindingStateChanged event;
    *event.mutable_finding() = finding;
    publish(finding, event);
  }
  RETURN_IF_ERROR(
      control_.ReplaceChecked(batch, result.positions, result.reconciliations).status());

  v1::ChannelChecksSummary summary;
  if (result.months) {
    summary.set_from_month(channel::FormatMonth(result.months->first));
    summary.set_to_month(channel::FormatMonth(result.months->second));
  }
  summary.set_findings_raised(static_cast<int32_t>(updates.raised.size()));
  summary.set_findings_updated(static_cast<int32_t>(updates.updated.size()));
  summary.set_findings_withdrawn(updates.withdrawn);
  summary.set_open_findings(updates.open);
  summary.set_positions(static_cast<int32_t>(result.positions.size()));
  summary.set_reconciliations(static_cast<int32_t>(result.reconciliations.size()));
  int32_t gaps = 0;
  for (const v1::Reconciliation& r : result.reconciliations) gaps += r.gap() != 0 ? 1 : 0;
  summary.set_gaps(gaps);
  summary.set_flow_rows(result.flow_rows);

  state.set_checked(requested);
  *state.mutable_checked_at() = core::ToTimestamp(now);
  *state.mutable_last() = summary;
  control_.PutChecksState(batch, state);
  return summary;
}

absl::StatusOr<bool> ChannelChecks::RunIfRequested() {
  absl::MutexLock lock(&mu_);
  ASSIGN_OR_RETURN(v1::ChannelChecksState state, control_.ChecksState());
  if (state.requested() <= state.checked()) return false;
  store::Batch batch;
  ASSIGN_OR_RETURN(v1::ChannelChecksSummary summary,
                   RunInto(batch, std::string(channel::kChecksActor),
                           absl::StrCat("channel-checks-", state.requested())));
  RETURN_IF_ERROR(host_.store().Write(std::move(batch)));
  core::Log(core::LogLevel::kInfo, "channel checks ran",
            {{"requested", std::to_string(state.requested())},
             {"raised", std::to_string(summary.findings_raised())},
             {"updated", std::to_string(summary.findings_updated())},
             {"withdrawn", std::to_string(summary.findings_withdrawn())},
             {"open", std::to_string(summary.open_findings())},
             {"flow_rows", std::to_string(summary.flow_rows())}});
  return true;
}

void ChannelChecks::StartWorker(absl::Duration poll) {
  if (worker_.joinable()) return;
  worker_ = std::thread([this, poll] { Work(poll); });
}

void ChannelChecks::Work(absl::Duration poll) {
  absl::Duration wait = poll;
  while (true) {
    {
      absl::MutexLock lock(&stop_mu_);
      auto stopping = [this]() ABSL_SHARED_LOCKS_REQUIRED(stop_mu_) { return stopping_; };
      if (stop_mu_.AwaitWithTimeout(absl::Condition(&stopping), wait)) return;
    }
    absl::StatusOr<bool> ran = RunIfRequested();
    if (ran.ok()) {
      wait = poll;
    } else {
      core::Log(core::LogLevel::kError, "channel checks failed",
                {{"error", ran.status().ToString()}});
      wait = std::min(wait * 2, absl::Seconds(30));  // Back off while it fails.
    }
  }
}

}  // namespace pharmacrm::sales_pipeline
