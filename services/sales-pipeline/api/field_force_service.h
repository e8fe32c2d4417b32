// gRPC edge of the field force (proto/pharmacrm/v1/field_force.proto,
// docs/SALES_PROCESS.md): samples and call reports in api/calls.cc, the
// weekly call plan in api/call_plans.cc, KPIs in api/kpis.cc, the part of
// Customer 360 in api/customer_process.cc, all reading
// the organisation through api/field_reads.h. Every command runs once per
// request id; changes of a rep's calls and stock are serialised by the rep,
// and a call's visit by the customer (VisitLog), always in that order.
// Thread-safe; `host` and `visits` must outlive it.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_API_FIELD_FORCE_SERVICE_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_API_FIELD_FORCE_SERVICE_H_

#include <optional>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "api/visit_log.h"
#include "domain/process/call_plan.h"
#include "domain/process/target_inputs.h"
#include "pharmacrm/runtime/command.h"
#include "pharmacrm/runtime/host.h"
#include "pharmacrm/v1/field_force.grpc.pb.h"
#include "storage/channel_repository.h"
#include "storage/control_repository.h"
#include "storage/field_force_repository.h"
#include "storage/process_repository.h"

namespace pharmacrm::sales_pipeline {

struct FieldForceRules {
  process::CallFrequencies frequencies;
  process::DoctorClassRule doctors;
};

class FieldForceService final : public v1::FieldForce::Service {
 public:
  FieldForceService(runtime::ServiceHost& host, VisitLog& visits, FieldForceRules rules = {})
      : host_(host),
        visits_(visits),
        rules_(rules),
        channel_(host.store()),
        control_(host.store()),
        process_(host.store()),
        field_(host.store()) {}

  grpc::Status IssueSamples(grpc::ServerContext* context, const v1::IssueSamplesRequest* request,
                            v1::SampleStock* response) override;
  grpc::Status GetSampleStock(grpc::ServerContext* context,
                              const v1::GetSampleStockRequest* request,
                              v1::SampleStock* response) override;
  grpc::Status ReportCall(grpc::ServerContext* context, const v1::ReportCallRequest* request,
                          v1::CallReport* response) override;
  grpc::Status ImportCallHistory(grpc::ServerContext* context,
                                 const v1::ImportCallHistoryRequest* request,
                                 v1::ImportCallHistoryResponse* response) override;
  grpc::Status ListCalls(grpc::ServerContext* context, const v1::ListCallsRequest* request,
                         v1::ListCallsResponse* response) override;
  grpc::Status GetCallPlan(grpc::ServerContext* context, const v1::GetCallPlanRequest* request,
                           v1::CallPlan* response) override;
  grpc::Status GetKpis(grpc::ServerContext* context, const v1::GetKpisRequest* request,
                       v1::KpiReport* response) override;
  grpc::Status RankKpis(grpc::ServerContext* context, const v1::RankKpisRequest* request,
                        v1::KpiRanking* response) override;
  grpc::Status GetCustomerProcess(grpc::ServerContext* context,
                                  const v1::GetCustomerProcessRequest* request,
                                  v1::CustomerProcess* response) override;

  // The commands and queries without gRPC, for tests, the demo and benches.
  absl::Status Issue(const v1::IssueSamplesRequest& request, const std::string& actor,
                     v1::SampleStock* response);
  absl::Status Report(const v1::ReportCallRequest& request, const std::string& actor,
                      v1::CallReport* response);
  absl::Status ImportHistory(const v1::ImportCallHistoryRequest& request, const std::string& actor,
                             v1::ImportCallHistoryResponse* response);
  absl::Status Plan(const v1::GetCallPlanRequest& request, v1::CallPlan* response);
  absl::Status Kpis(const v1::GetKpisRequest& request, v1::KpiReport* response);
  absl::Status Rank(const v1::RankKpisRequest& request, v1::KpiRanking* response);
  absl::Status CustomerPart(const v1::GetCustomerProcessRequest& request,
                            v1::CustomerProcess* response);

 private:
  // What the checks of one call found (CheckCall).
  struct CheckedCall {
    v1::Rep rep;
    std::string customer_id;  // the survivor when the customer was merged
    v1::Customer customer;
    std::string rep_territory;  // the rep's territory on the call's day
  };

  // The rules of a call that read the store (docs/SALES_PROCESS.md, "Call
  // reports"): the rep employed that day, the customer and attendees known
  // and active, the products known, a joint call's manager up the line and
  // employed, the territory rule. Errors name call.<field>. The form and the
  // samples' stock are checked by the callers. `parents` (territory ->
  // parent) is read on first need and kept, so a request of many calls
  // reads the tree once.
  using TerritoryParents = std::optional<absl::flat_hash_map<std::string, std::string>>;
  absl::StatusOr<CheckedCall> CheckCall(const v1::CallReport& call, absl::Time called_at,
                                        const std::string& customer_id,
                                        TerritoryParents& parents) const;
  // Puts a checked call into `batch` as `stored` (id, customer, times,
  // territory and `history_source` set): the call, its indexes, and its
  // visit with VisitLogged (VisitLog::Append with `pending`).
  absl::Status WriteCall(store::Batch& batch, const v1::CallReport& call,
                         const CheckedCall& checked, absl::Time called_at, absl::Time now,
                         const std::string& actor, const std::string& request_id,
                         const std::string& history_source, VisitLog::PendingActivity* pending,
                         v1::CallReport* stored);
  absl::Status Stock(const v1::GetSampleStockRequest& request, v1::SampleStock* response);
  absl::Status Calls(const v1::ListCallsRequest& request, v1::ListCallsResponse* response);
  // Today in China by the host's clock.
  absl::CivilDay Today() const;

  runtime::ServiceHost& host_;
  VisitLog& visits_;
  const FieldForceRules rules_;
  ChannelRepository channel_;
  ControlRepository control_;
  ProcessRepository process_;
  FieldForceRepository field_;
  runtime::StripedLocks locks_;  // by rep
};

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_API_FIELD_FORCE_SERVICE_H_
