// ChannelControlService: the commands (ReportStock, DecideFinding,
// RunChannelChecks) and what the class shares.
#include <optional>
#include <utility>

#include "absl/strings/str_cat.h"
#include "api/channel_control_service.h"
#include "api/channel_service.h"
#include "api/publish.h"
#include "domain/channel/dates.h"
#include "domain/channel/finding_lifecycle.h"
#include "domain/channel/stock_reports.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/rpc/server.h"

namespace pharmacrm::sales_pipeline {

absl::CivilDay ChannelControlService::Today() const {
  return channel::ChinaDay(host_.clock().Now());
}

absl::StatusOr<v1::DistributorAccount> ChannelControlService::RequireAccount(
    const std::string& distributor_id, absl::string_view field) const {
  return channel_.RequireAccount(distributor_id, field);
}

absl::StatusOr<std::string> ChannelControlService::LastCheckedMonth() const {
  ASSIGN_OR_RETURN(v1::ChannelChecksState state, control_.ChecksState());
  return state.last().to_month();
}

grpc::Status ChannelControlService::ReportStock(grpc::ServerContext* context,
                                                const v1::ReportStockRequest* request,
                                                v1::StockReport* response) {
  return rpc::HandleRpc("ChannelControl/ReportStock", context,
                        [&] { return Report(*request, rpc::ActorOf(*context), response); });
}

absl::Status ChannelControlService::Report(const v1::ReportStockRequest& request,
                                           const std::string& actor, v1::StockReport* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  const std::string& distributor_id = request.report().distributor_id();
  ASSIGN_OR_RETURN(v1::DistributorAccount account,
                   RequireAccount(distributor_id, "report.distributor_id"));
  absl::MutexLock lock(&locks_.For(distributor_id));
  return runtime::ExecuteOnce(
      host_.store(), "ReportStock", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ProductReads products(channel_);
        auto lookup = [&](absl::string_view id) { return products.Find(id); };
        absl::Status valid = channel::ValidateStockReport(request.report(), lookup, Today());
        RETURN_IF_ERROR(products.status());
        RETURN_IF_ERROR(ChannelService::Under("report", valid));
        v1::StockReport report = channel::NormalizeStockReport(request.report());
        *report.mutable_recorded_at() = core::ToTimestamp(host_.clock().Now());
        report.set_recorded_by(actor);
        ASSIGN_OR_RETURN(std::optional<v1::StockReport> previous,
                         control_.StockReport(account.distributor_id(), report.as_of()));
        control_.PutStockReport(batch, report);
        v1::StockReported event;
        *event.mutable_report() = report;
        if (previous) *event.mutable_previous() = *previous;
        PublishSalesEvent(host_, batch, "stock_report",
                          absl::StrCat(account.distributor_id(), "/", report.as_of()),
                          previous ? 2 : 1, account.distributor_id(), actor, request.request_id(),
                          event);
        *response = std::move(report);
        return absl::OkStatus();
      });
}

grpc::Status ChannelControlService::DecideFinding(grpc::ServerContext* context,
                                                  const v1::DecideFindingRequest* request,
                                                  v1::Finding* response) {
  return rpc::HandleRpc("ChannelControl/DecideFinding", context,
                        [&] { return Decide(*request, rpc::ActorOf(*context), response); });
}

absl::Status ChannelControlService::Decide(const v1::DecideFindingRequest& request,
                                           const std::string& actor, v1::Finding* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  if (request.finding_id().empty()) return core::FieldError("finding_id", "must be set");
  absl::MutexLock lock(&checks_.mu());
  return runtime::ExecuteOnce(
      host_.store(), "DecideFinding", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ASSIGN_OR_RETURN(std::optional<v1::Finding> finding,
                         control_.Finding(request.finding_id()));
        if (!finding) {
          return core::FieldStatus(absl::StatusCode::kNotFound, "finding_id",
                                   absl::StrCat("no finding ", request.finding_id()));
        }
        ASSIGN_OR_RETURN(v1::Finding decided,
                         channel::DecideFinding(*std::move(finding), request.state(),
                                                request.reason(), actor, host_.clock().Now()));
        control_.PutFinding(batch, decided);
        v1::FindingStateChanged event;
        *event.mutable_finding() = decided;
        PublishSalesEvent(host_, batch, "finding", decided.id(), decided.version(),
                          decided.distributor_id(), actor, request.request_id(), event);
        *response = std::move(decided);
        return absl::OkStatus();
      });
}

grpc::Status ChannelControlService::RunChannelChecks(grpc::ServerContext* context,
                                                     const v1::RunChannelChecksRequest* request,
                                                     v1::ChannelChecksSummary* response) {
  return rpc::HandleRpc("ChannelControl/RunChannelChecks", context,
                        [&] { return Run(*request, rpc::ActorOf(*context), response); });
}

absl::Status ChannelControlService::Run(const v1::RunChannelChecksRequest& request,
                                        const std::string& actor,
                                        v1::ChannelChecksSummary* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  absl::MutexLock lock(&checks_.mu());
  return runtime::ExecuteOnce(
      host_.store(), "RunChannelChecks", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ASSIGN_OR_RETURN(*response, checks_.RunInto(batch, actor, request.request_id()));
        return absl::OkStatus();
      });
}

}  // namespace pharmacrm::sales_pipeline
