#include "api/sales_pipeline_service.h"

#include "absl/strings/str_cat.h"
#include "domain/visit_rules.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/runtime/merges.h"
#include "storage/keys.h"

namespace pharmacrm::sales_pipeline {

grpc::Status SalesPipelineService::LogVisit(grpc::ServerContext* context,
                                            const v1::LogVisitRequest* request,
                                            v1::Visit* response) {
  return rpc::HandleRpc("SalesPipeline/LogVisit", context,
                        [&] { return Log(*request, rpc::ActorOf(*context), response); });
}

grpc::Status SalesPipelineService::GetCustomerActivity(
    grpc::ServerContext* context, const v1::GetCustomerActivityRequest* request,
    v1::CustomerActivity* response) {
  return rpc::HandleRpc("SalesPipeline/GetCustomerActivity", context, [&]() -> absl::Status {
    // Merged customers answer for their survivor, with the visits of the
    // whole group.
    absl::StatusOr<v1::CustomerActivity> activity = runtime::ReadMergedEntry<v1::CustomerActivity>(
        host_.store(), kActivity, request->customer_id(), FoldActivity);
    if (activity.ok()) {
      *response = std::move(*activity);
      return absl::OkStatus();
    }
    if (activity.status().code() != absl::StatusCode::kNotFound) return activity.status();
    // Known but never visited: zero activity. Unknown: NOT_FOUND.
    ASSIGN_OR_RETURN(std::string survivor,
                     runtime::ResolveSurvivor(host_.store(), request->customer_id()));
    RETURN_IF_ERROR(
        runtime::ReadKeyed<v1::Customer>(host_.store(), kKnownCustomer, survivor).status());
    response->set_customer_id(survivor);
    return absl::OkStatus();
  });
}

absl::Status SalesPipelineService::Log(const v1::LogVisitRequest& request, const std::string& actor,
                                       v1::Visit* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  absl::Time now = host_.clock().Now();
  absl::Time visited_at = now;
  if (request.has_visited_at()) {
    ASSIGN_OR_RETURN(visited_at, core::FromTimestamp(request.visited_at(), "visited_at"));
  }
  RETURN_IF_ERROR(ValidateVisit(request, visited_at, now));
  // A visit logged against a customer merged into another (an offline
  // client's older id, say) counts for the survivor.
  ASSIGN_OR_RETURN(const std::string customer_id,
                   runtime::ResolveSurvivor(host_.store(), request.customer_id()));
  absl::MutexLock lock(&visits_.LockFor(customer_id));
  return runtime::ExecuteOnce(
      host_.store(), "LogVisit", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ASSIGN_OR_RETURN(v1::Customer customer,
                         visits_.ActiveCustomer(customer_id, request.customer_id(), "customer_id"));
        response->set_customer_id(customer_id);
        response->set_rep_id(request.rep_id());
        *response->mutable_visited_at() = core::ToTimestamp(visited_at);
        response->set_notes(request.notes());
        response->set_customer_kind(customer.profile().kind());
        return visits_.Append(batch, *response, nullptr, actor, request.request_id(), now);
      });
}

}  // namespace pharmacrm::sales_pipeline
