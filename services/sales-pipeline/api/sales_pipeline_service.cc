#include "api/sales_pipeline_service.h"

#include "absl/strings/str_cat.h"
#include "domain/visit_rules.h"
#include "pharmacrm/bus/envelope.h"
#include "pharmacrm/bus/kafka.h"
#include "pharmacrm/core/log.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/runtime/merges.h"
#include "pharmacrm/store/key.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "storage/keys.h"

namespace pharmacrm::sales_pipeline {

grpc::Status SalesPipelineService::LogVisit(grpc::ServerContext* context,
                                            const v1::LogVisitRequest* request,
                                            v1::Visit* response) {
  return rpc::HandleRpc("SalesPipeline/LogVisit", context,
                        [&] { return Log(*request, rpc::ActorOf(*context), response); });
}

grpc::Status SalesPipelineService::GetCustomerActivity(grpc::ServerContext* context,
                                                       const v1::GetCustomerActivityRequest* request,
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
  absl::MutexLock lock(&locks_.For(customer_id));
  return runtime::ExecuteOnce(
      host_.store(), "LogVisit", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        absl::StatusOr<v1::Customer> customer =
            runtime::ReadKeyed<v1::Customer>(host_.store(), kKnownCustomer, customer_id);
        if (customer.status().code() == absl::StatusCode::kNotFound) {
          return core::FieldStatus(
              absl::StatusCode::kNotFound, "customer_id",
              absl::StrCat("'", request.customer_id(),
                           "' is not (yet) known to sales-pipeline; register it in customer-master"));
        }
        RETURN_IF_ERROR(customer.status());
        if (customer->status() == v1::CUSTOMER_STATUS_INACTIVE) {
          return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "customer_id",
                                   absl::StrCat("'", customer_id,
                                                "' is deactivated; visits to it are not logged"));
        }
        absl::StatusOr<v1::CustomerActivity> activity =
            runtime::ReadKeyed<v1::CustomerActivity>(host_.store(), kActivity, customer_id);
        if (!activity.ok() && activity.status().code() != absl::StatusCode::kNotFound) {
          return activity.status();
        }
        response->set_id(host_.ids().Next());
        response->set_customer_id(customer_id);
        response->set_rep_id(request.rep_id());
        *response->mutable_visited_at() = core::ToTimestamp(visited_at);
        response->set_notes(request.notes());
        response->set_customer_kind(customer->profile().kind());
        v1::CustomerActivity updated =
            AddVisit(activity.ok() ? *activity : v1::CustomerActivity(), *response);
        batch.Put(store::Family::kState, runtime::CustomerKey(kActivity, customer_id),
                  updated.SerializeAsString());
        batch.Put(store::Family::kState,
                  store::KeyBuilder(kVisit).String(customer_id).String(response->id()).key(),
                  response->SerializeAsString());
        bus::EventMeta meta;
        meta.event_id = host_.ids().Next();
        meta.source = "sales-pipeline";
        meta.aggregate_kind = "visit";
        meta.aggregate_id = response->id();
        meta.aggregate_version = 1;
        meta.customer_id = customer_id;
        meta.occurred_at = visited_at;
        meta.recorded_at = now;
        meta.actor = actor;
        meta.correlation_id = core::CurrentCorrelationId();
        meta.causation_id = request.request_id();
        v1::VisitLogged event;
        *event.mutable_visit() = *response;
        batch.AppendOutbox(bus::MakeOutboxRecord(bus::kSalesTopic, bus::MakeEnvelope(meta, event)));
        return absl::OkStatus();
      });
}

}  // namespace pharmacrm::sales_pipeline
