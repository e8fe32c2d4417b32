// ChangeAlertsService: the commands (RecordChange, UpdateAlert,
// ExpireAlerts). docs/SALES_PROCESS.md states the rules.
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "api/alert_owner_reads.h"
#include "api/change_alerts_service.h"
#include "api/publish.h"
#include "domain/channel/dates.h"
#include "domain/process/alert_records.h"
#include "domain/process/change_factors.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/runtime/merges.h"

namespace pharmacrm::sales_pipeline {
namespace {

constexpr size_t kMaxNote = 500;
// How far back a rep may date a change.
constexpr int kMaxDaysAgo = 366;

}  // namespace

grpc::Status ChangeAlertsService::RecordChange(grpc::ServerContext* context,
                                               const v1::RecordChangeRequest* request,
                                               v1::Alert* response) {
  return rpc::HandleRpc("ChangeAlerts/RecordChange", context,
                        [&] { return Record(*request, rpc::ActorOf(*context), response); });
}

absl::Status ChangeAlertsService::Record(const v1::RecordChangeRequest& request,
                                         const std::string& actor, v1::Alert* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  std::optional<process::ChangeFactor> factor = process::FactorOf(request.factor());
  if (!factor) {
    return core::FieldError("factor", "must be needs, budget, competitor or timetable");
  }
  const absl::Time now = host_.clock().Now();
  const absl::CivilDay today = channel::ChinaDay(now);
  absl::CivilDay occurred = today;
  if (!request.occurred_on().empty()) {
    ASSIGN_OR_RETURN(occurred, channel::ParseDate(request.occurred_on(), "occurred_on"));
    if (occurred > today) {
      return core::FieldError("occurred_on", absl::StrCat("must not be after today (",
                                                          channel::FormatDate(today), ")"));
    }
    if (occurred < today - kMaxDaysAgo) {
      return core::FieldError("occurred_on",
                              absl::StrCat("must be at most ", kMaxDaysAgo, " days ago"));
    }
  }
  process::FactorChange change;
  change.factor = *factor;
  change.customer_id = request.customer_id();
  change.what = request.what();
  change.before = request.before();
  change.after = request.after();
  change.source = actor;
  change.at = now;
  RETURN_IF_ERROR(process::ValidateEnteredChange(change));
  // A change entered against a merged id counts for the survivor.
  ASSIGN_OR_RETURN(change.customer_id,
                   runtime::ResolveSurvivor(host_.store(), request.customer_id()));
  absl::MutexLock lock(&locks_.For(request.request_id()));
  return runtime::ExecuteOnce(
      host_.store(), "RecordChange", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ASSIGN_OR_RETURN(std::optional<v1::Customer> customer,
                         channel_.KnownCustomer(change.customer_id));
        if (!customer) {
          return core::FieldStatus(
              absl::StatusCode::kNotFound, "customer_id",
              absl::StrCat(
                  "'", request.customer_id(),
                  "' is not (yet) known to sales-pipeline; register it in customer-master"));
        }
        if (customer->status() == v1::CUSTOMER_STATUS_INACTIVE) {
          return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "customer_id",
                                   absl::StrCat("'", change.customer_id, "' is deactivated"));
        }
        ASSIGN_OR_RETURN(
            process::AlertOwner owner,
            ReadAlertOwner(process_, change.customer_id, customer->profile().hospital_id(), now));
        v1::Alert alert =
            process::ToAlertProto(process::RaiseAlert(host_.ids().Next(), owner.person_id, change),
                                  owner, customer->profile().name(), channel::FormatDate(occurred));
        alerts_.PutAlert(batch, alert);
        v1::AlertRaised event;
        *event.mutable_alert() = alert;
        PublishSalesEvent(host_, batch, "alert", alert.id(), alert.version(), alert.customer_id(),
                          actor, request.request_id(), event);
        *response = std::move(alert);
        return absl::OkStatus();
      });
}

grpc::Status ChangeAlertsService::UpdateAlert(grpc::ServerContext* context,
                                              const v1::UpdateAlertRequest* request,
                                              v1::Alert* response) {
  return rpc::HandleRpc("ChangeAlerts/UpdateAlert", context,
                        [&] { return Update(*request, rpc::ActorOf(*context), response); });
}

absl::Status ChangeAlertsService::Update(const v1::UpdateAlertRequest& request,
                                         const std::string& actor, v1::Alert* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  if (request.alert_id().empty()) return core::FieldError("alert_id", "must be set");
  if (request.state() != v1::ALERT_STATE_ACKNOWLEDGED && request.state() != v1::ALERT_STATE_DONE) {
    return core::FieldError("state", "must be ALERT_STATE_ACKNOWLEDGED or ALERT_STATE_DONE");
  }
  if (request.note().size() > kMaxNote) {
    return core::FieldError("note", "must be at most 500 bytes");
  }
  if (request.expected_version() <= 0) {
    return core::FieldError("expected_version", "must be the version moved");
  }
  absl::ReaderMutexLock runs(&expiry_.mu());
  absl::MutexLock lock(&locks_.For(request.alert_id()));
  return runtime::ExecuteOnce(
      host_.store(), "UpdateAlert", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ASSIGN_OR_RETURN(std::optional<v1::Alert> current, alerts_.Alert(request.alert_id()));
        if (!current) {
          return core::FieldStatus(absl::StatusCode::kNotFound, "alert_id",
                                   absl::StrCat("no alert ", request.alert_id()));
        }
        if (current->version() != request.expected_version()) {
          return core::FieldStatus(absl::StatusCode::kAborted, "expected_version",
                                   absl::StrCat("the current version is ", current->version(),
                                                ", not ", request.expected_version()));
        }
        ASSIGN_OR_RETURN(process::Alert moved,
                         process::MoveAlert(process::FromAlertProto(*current),
                                            *process::StateOf(request.state()), actor,
                                            request.note(), host_.clock().Now()));
        v1::Alert alert = process::WithMove(*current, moved);
        alerts_.PutAlert(batch, alert);
        v1::AlertStateChanged event;
        *event.mutable_alert() = alert;
        event.set_from(current->state());
        event.set_to(alert.state());
        PublishSalesEvent(host_, batch, "alert", alert.id(), alert.version(), alert.customer_id(),
                          actor, request.request_id(), event);
        *response = std::move(alert);
        return absl::OkStatus();
      });
}

grpc::Status ChangeAlertsService::ExpireAlerts(grpc::ServerContext* context,
                                               const v1::ExpireAlertsRequest* request,
                                               v1::ExpireAlertsResponse* response) {
  return rpc::HandleRpc("ChangeAlerts/ExpireAlerts", context,
                        [&] { return Expire(*request, rpc::ActorOf(*context), response); });
}

absl::Status ChangeAlertsService::Expire(const v1::ExpireAlertsRequest& request,
                                         const std::string& actor,
                                         v1::ExpireAlertsResponse* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  absl::MutexLock runs(&expiry_.mu());
  return runtime::ExecuteOnce(
      host_.store(), "ExpireAlerts", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ASSIGN_OR_RETURN(*response, expiry_.RunInto(batch, actor, request.request_id()));
        return absl::OkStatus();
      });
}

}  // namespace pharmacrm::sales_pipeline
