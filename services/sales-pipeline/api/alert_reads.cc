// ChangeAlertsService: the reads (GetAlert, ListAlerts).
#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "api/change_alerts_service.h"
#include "api/paging.h"
#include "domain/process/alert_records.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/rpc/server.h"

namespace pharmacrm::sales_pipeline {
namespace {


}  // namespace

grpc::Status ChangeAlertsService::GetAlert(grpc::ServerContext* context,
                                           const v1::GetAlertRequest* request,
                                           v1::Alert* response) {
  return rpc::HandleRpc("ChangeAlerts/GetAlert", context, [&] { return Get(*request, response); });
}

absl::Status ChangeAlertsService::Get(const v1::GetAlertRequest& request, v1::Alert* response) {
  if (request.alert_id().empty()) return core::FieldError("alert_id", "must be set");
  ASSIGN_OR_RETURN(std::optional<v1::Alert> alert, alerts_.Alert(request.alert_id()));
  if (!alert) {
    return core::FieldStatus(absl::StatusCode::kNotFound, "alert_id",
                             absl::StrCat("no alert ", request.alert_id()));
  }
  *response = *std::move(alert);
  return absl::OkStatus();
}

grpc::Status ChangeAlertsService::ListAlerts(grpc::ServerContext* context,
                                             const v1::ListAlertsRequest* request,
                                             v1::ListAlertsResponse* response) {
  return rpc::HandleRpc("ChangeAlerts/ListAlerts", context,
                        [&] { return List(*request, response); });
}

absl::Status ChangeAlertsService::List(const v1::ListAlertsRequest& request,
                                       v1::ListAlertsResponse* response) {
  ASSIGN_OR_RETURN(const OffsetPage page, ReadOffsetPage(request.page_size(), request.page_token()));
  if (!v1::AlertState_IsValid(request.state())) {
    return core::FieldError("state", "is not an alert state");
  }
  if (request.unassigned() && !request.owner().empty()) {
    return core::FieldError("owner", "must be empty to list the unassigned alerts");
  }
  std::vector<v1::Alert> all;
  if (request.unassigned() || !request.owner().empty()) {
    ASSIGN_OR_RETURN(all, alerts_.AlertsOfOwner(request.owner()));
  } else if (!request.customer_id().empty()) {
    ASSIGN_OR_RETURN(all, alerts_.AlertsOfCustomer(request.customer_id()));
  } else {
    ASSIGN_OR_RETURN(all, alerts_.Alerts());
  }
  std::vector<v1::Alert> kept;
  for (v1::Alert& alert : all) {
    if (!request.customer_id().empty() && alert.customer_id() != request.customer_id()) continue;
    if (request.state() != v1::ALERT_STATE_UNSPECIFIED && alert.state() != request.state()) {
      continue;
    }
    kept.push_back(std::move(alert));
  }
  std::sort(kept.begin(), kept.end(), process::NewestFirst);
  response->set_next_page_token(
      TakePage(kept, page, [&](auto&& x) { *response->add_alerts() = std::move(x); }));
  return absl::OkStatus();
}

}  // namespace pharmacrm::sales_pipeline
