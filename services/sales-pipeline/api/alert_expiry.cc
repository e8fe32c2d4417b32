#include "api/alert_expiry.h"

#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/publish.h"
#include "domain/process/alert_records.h"
#include "domain/process/change_factors.h"
#include "pharmacrm/core/log.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"

namespace pharmacrm::sales_pipeline {

AlertExpiry::~AlertExpiry() {
  {
    absl::MutexLock lock(&stop_mu_);
    stopping_ = true;
  }
  if (worker_.joinable()) worker_.join();
}

absl::StatusOr<v1::ExpireAlertsResponse> AlertExpiry::RunInto(store::Batch& batch,
                                                              const std::string& actor,
                                                              const std::string& request_id) {
  const absl::Time now = host_.clock().Now();
  v1::ExpireAlertsResponse response;
  *response.mutable_as_of() = core::ToTimestamp(now);
  ASSIGN_OR_RETURN(std::vector<std::string> ids, alerts_.OverdueIds(now, kMaxExpiredPerRun + 1));
  if (ids.size() > kMaxExpiredPerRun) {
    ids.pop_back();
    response.set_more(true);
  }
  std::vector<v1::Alert> stored;
  std::vector<process::Alert> rules;
  for (const std::string& id : ids) {
    ASSIGN_OR_RETURN(std::optional<v1::Alert> alert, alerts_.Alert(id));
    if (!alert) return absl::DataLossError(absl::StrCat("alert ", id, " is due but not stored"));
    rules.push_back(process::FromAlertProto(*alert));
    stored.push_back(*std::move(alert));
  }
  process::ExpireAlerts(rules, now);
  for (size_t i = 0; i < stored.size(); ++i) {
    if (rules[i].state != process::AlertState::kExpired) continue;
    v1::Alert expired = process::WithMove(stored[i], rules[i]);
    alerts_.PutAlert(batch, expired);
    v1::AlertStateChanged event;
    *event.mutable_alert() = expired;
    event.set_from(stored[i].state());
    event.set_to(expired.state());
    PublishSalesEvent(host_, batch, "alert", expired.id(), expired.version(), expired.customer_id(),
                      actor, request_id, event);
    response.add_alert_ids(expired.id());
  }
  response.set_expired(response.alert_ids_size());
  return response;
}

absl::StatusOr<v1::ExpireAlertsResponse> AlertExpiry::RunOnce() {
  absl::MutexLock lock(&mu_);
  store::Batch batch;
  ASSIGN_OR_RETURN(v1::ExpireAlertsResponse response,
                   RunInto(batch, kExpiryActor,
                           absl::StrCat("alert-expiry-", absl::ToUnixMillis(host_.clock().Now()))));
  if (batch.empty()) return response;
  RETURN_IF_ERROR(host_.store().Write(std::move(batch)));
  core::Log(core::LogLevel::kInfo, "alerts expired",
            {{"expired", std::to_string(response.expired())},
             {"more", response.more() ? "true" : "false"}});
  return response;
}

void AlertExpiry::StartWorker(absl::Duration poll) {
  if (worker_.joinable()) return;
  worker_ = std::thread([this, poll] { Work(poll); });
}

void AlertExpiry::Work(absl::Duration poll) {
  absl::Duration wait = poll;
  while (true) {
    {
      absl::MutexLock lock(&stop_mu_);
      auto stopping = [this]() ABSL_SHARED_LOCKS_REQUIRED(stop_mu_) { return stopping_; };
      if (stop_mu_.AwaitWithTimeout(absl::Condition(&stopping), wait)) return;
    }
    absl::StatusOr<v1::ExpireAlertsResponse> ran = RunOnce();
    if (ran.ok()) {
      wait = ran->more() ? absl::ZeroDuration() : poll;  // More overdue: again at once.
    } else {
      core::Log(core::LogLevel::kError, "alert expiry failed",
                {{"error", ran.status().ToString()}});
      wait = std::min(std::max(wait, absl::Seconds(1)) * 2, absl::Seconds(60));  // Back off.
    }
  }
}

}  // namespace pharmacrm::sales_pipeline
