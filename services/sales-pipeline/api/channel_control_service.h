// gRPC edge of the channel's control (proto/pharmacrm/v1/
// channel_control_service.proto): commands in api/control_commands.cc
// (ReportStock, DecideFinding, RunChannelChecks), queries in
// api/control_queries.cc. Findings, positions and reconciliations are the
// last checks run's (api/channel_checks.h); sales facts are written by the
// commands that make them (flow loads and shipments, api/flow.cc and
// api/receivables.cc). Every command runs once per request id; decisions
// and runs are serialised by ChannelChecks::mu(), stock reports by the
// distributor. Thread-safe; `host` and `checks` must outlive it.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_API_CHANNEL_CONTROL_SERVICE_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_API_CHANNEL_CONTROL_SERVICE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "api/channel_checks.h"
#include "pharmacrm/runtime/command.h"
#include "pharmacrm/runtime/host.h"
#include "pharmacrm/v1/channel_control_service.grpc.pb.h"
#include "storage/channel_repository.h"
#include "storage/control_repository.h"

namespace pharmacrm::sales_pipeline {

class ChannelControlService final : public v1::ChannelControl::Service {
 public:
  ChannelControlService(runtime::ServiceHost& host, ChannelChecks& checks)
      : host_(host), checks_(checks), channel_(host.store()), control_(host.store()) {}

  grpc::Status ReportStock(grpc::ServerContext* context, const v1::ReportStockRequest* request,
                           v1::StockReport* response) override;
  grpc::Status GetInventory(grpc::ServerContext* context, const v1::GetInventoryRequest* request,
                            v1::Inventory* response) override;
  grpc::Status GetReconciliation(grpc::ServerContext* context,
                                 const v1::GetReconciliationRequest* request,
                                 v1::ReconciliationReport* response) override;
  grpc::Status ListFindings(grpc::ServerContext* context, const v1::ListFindingsRequest* request,
                            v1::ListFindingsResponse* response) override;
  grpc::Status GetFinding(grpc::ServerContext* context, const v1::GetFindingRequest* request,
                          v1::Finding* response) override;
  grpc::Status DecideFinding(grpc::ServerContext* context,
                             const v1::DecideFindingRequest* request,
                             v1::Finding* response) override;
  grpc::Status RunChannelChecks(grpc::ServerContext* context,
                                const v1::RunChannelChecksRequest* request,
                                v1::ChannelChecksSummary* response) override;
  grpc::Status GetCustomerSales(grpc::ServerContext* context,
                                const v1::GetCustomerSalesRequest* request,
                                v1::CustomerSales* response) override;
  grpc::Status GetCustomerChannel(grpc::ServerContext* context,
                                  const v1::GetCustomerChannelRequest* request,
                                  v1::CustomerChannel* response) override;

 private:
  absl::Status Report(const v1::ReportStockRequest& request, const std::string& actor,
                      v1::StockReport* response);
  absl::Status Decide(const v1::DecideFindingRequest& request, const std::string& actor,
                      v1::Finding* response);
  absl::Status Run(const v1::RunChannelChecksRequest& request, const std::string& actor,
                   v1::ChannelChecksSummary* response);
  absl::Status Inventory(const v1::GetInventoryRequest& request, v1::Inventory* response);
  absl::Status Reconciliation(const v1::GetReconciliationRequest& request,
                              v1::ReconciliationReport* response);
  absl::Status Findings(const v1::ListFindingsRequest& request,
                        v1::ListFindingsResponse* response);
  absl::Status Sales(const v1::GetCustomerSalesRequest& request, v1::CustomerSales* response);
  absl::Status CustomerChannel(const v1::GetCustomerChannelRequest& request,
                               v1::CustomerChannel* response);

  // The distributor's account, NOT_FOUND naming `field` when there is none.
  absl::StatusOr<v1::DistributorAccount> RequireAccount(const std::string& distributor_id,
                                                        absl::string_view field) const;
  // The last month the checks ran over ("" before the first run).
  absl::StatusOr<std::string> LastCheckedMonth() const;
  // Today in China Standard Time by the host's clock.
  absl::CivilDay Today() const;

  runtime::ServiceHost& host_;
  ChannelChecks& checks_;
  ChannelRepository channel_;
  ControlRepository control_;
  runtime::StripedLocks locks_;
};

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_API_CHANNEL_CONTROL_SERVICE_H_
