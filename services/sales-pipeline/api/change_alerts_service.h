// gRPC edge of change factors' alerts (proto/pharmacrm/v1/
// change_alerts.proto, docs/SALES_PROCESS.md "Change factors during the
// sale"): the commands in api/change_alerts.cc (RecordChange, UpdateAlert,
// ExpireAlerts), the reads in api/alert_reads.cc. Alerts of people in
// charge are raised by the consumer of customer-master's profile changes
// (projections/change_factors_projection.h); expiry is run by
// api/alert_expiry.h. Every command runs once per request id; a move of
// an alert is serialised by the alert and against expiry runs.
// Thread-safe; `host` and `expiry` must outlive it.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_API_CHANGE_ALERTS_SERVICE_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_API_CHANGE_ALERTS_SERVICE_H_

#include <string>

#include "absl/status/status.h"
#include "api/alert_expiry.h"
#include "pharmacrm/runtime/command.h"
#include "pharmacrm/runtime/host.h"
#include "pharmacrm/v1/change_alerts.grpc.pb.h"
#include "storage/alert_repository.h"
#include "storage/channel_repository.h"
#include "storage/process_repository.h"

namespace pharmacrm::sales_pipeline {

class ChangeAlertsService final : public v1::ChangeAlerts::Service {
 public:
  ChangeAlertsService(runtime::ServiceHost& host, AlertExpiry& expiry)
      : host_(host),
        expiry_(expiry),
        alerts_(host.store()),
        channel_(host.store()),
        process_(host.store()) {}

  grpc::Status RecordChange(grpc::ServerContext* context, const v1::RecordChangeRequest* request,
                            v1::Alert* response) override;
  grpc::Status UpdateAlert(grpc::ServerContext* context, const v1::UpdateAlertRequest* request,
                           v1::Alert* response) override;
  grpc::Status GetAlert(grpc::ServerContext* context, const v1::GetAlertRequest* request,
                        v1::Alert* response) override;
  grpc::Status ListAlerts(grpc::ServerContext* context, const v1::ListAlertsRequest* request,
                          v1::ListAlertsResponse* response) override;
  grpc::Status ExpireAlerts(grpc::ServerContext* context, const v1::ExpireAlertsRequest* request,
                            v1::ExpireAlertsResponse* response) override;

  // The commands and reads without gRPC, for tests and the demo.
  absl::Status Record(const v1::RecordChangeRequest& request, const std::string& actor,
                      v1::Alert* response);
  absl::Status Update(const v1::UpdateAlertRequest& request, const std::string& actor,
                      v1::Alert* response);
  absl::Status Expire(const v1::ExpireAlertsRequest& request, const std::string& actor,
                      v1::ExpireAlertsResponse* response);
  absl::Status Get(const v1::GetAlertRequest& request, v1::Alert* response);
  absl::Status List(const v1::ListAlertsRequest& request, v1::ListAlertsResponse* response);

 private:
  runtime::ServiceHost& host_;
  AlertExpiry& expiry_;
  AlertRepository alerts_;
  ChannelRepository channel_;
  ProcessRepository process_;
  runtime::StripedLocks locks_;
};

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_API_CHANGE_ALERTS_SERVICE_H_
