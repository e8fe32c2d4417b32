// gRPC edge of sales-pipeline.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_API_SALES_PIPELINE_SERVICE_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_API_SALES_PIPELINE_SERVICE_H_

#include "api/visit_log.h"
#include "pharmacrm/runtime/command.h"
#include "pharmacrm/runtime/host.h"
#include "pharmacrm/v1/sales_pipeline.grpc.pb.h"

namespace pharmacrm::sales_pipeline {

// LogVisit (a command: one WriteBatch of visit, activity, outbox record and
// idempotency record, written by VisitLog) and GetCustomerActivity (a query). Time rules read
// host.clock(). Thread-safe; `host` must outlive it.
class SalesPipelineService final : public v1::SalesPipeline::Service {
 public:
  SalesPipelineService(runtime::ServiceHost& host, VisitLog& visits)
      : host_(host), visits_(visits) {}

  grpc::Status LogVisit(grpc::ServerContext* context, const v1::LogVisitRequest* request,
                        v1::Visit* response) override;
  grpc::Status GetCustomerActivity(grpc::ServerContext* context,
                                   const v1::GetCustomerActivityRequest* request,
                                   v1::CustomerActivity* response) override;

 private:
  absl::Status Log(const v1::LogVisitRequest& request, const std::string& actor,
                   v1::Visit* response);

  runtime::ServiceHost& host_;
  VisitLog& visits_;
};

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_API_SALES_PIPELINE_SERVICE_H_
