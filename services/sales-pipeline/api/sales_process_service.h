// gRPC edge of the sales process (proto/pharmacrm/v1/sales_process.proto,
// docs/SALES_PROCESS.md): people and the organisation in api/reps.cc,
// targets in api/targets.cc (their inputs read by api/target_reads.h).
// Every command runs once per request id; changes of a person are
// serialised by the person, of a target by the product. Thread-safe;
// `host` must outlive it.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_API_SALES_PROCESS_SERVICE_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_API_SALES_PROCESS_SERVICE_H_

#include <string>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "domain/process/allocation.h"
#include "domain/process/target_inputs.h"
#include "pharmacrm/runtime/command.h"
#include "pharmacrm/runtime/host.h"
#include "pharmacrm/v1/sales_process.grpc.pb.h"
#include "storage/channel_repository.h"
#include "storage/control_repository.h"
#include "storage/process_repository.h"

namespace pharmacrm::sales_pipeline {

class SalesProcessService final : public v1::SalesProcess::Service {
 public:
  SalesProcessService(runtime::ServiceHost& host, process::DoctorClassRule doctors = {})
      : host_(host),
        doctors_(doctors),
        channel_(host.store()),
        control_(host.store()),
        process_(host.store()) {}

  grpc::Status UpsertRep(grpc::ServerContext* context, const v1::UpsertRepRequest* request,
                         v1::Rep* response) override;
  grpc::Status GetRep(grpc::ServerContext* context, const v1::GetRepRequest* request,
                      v1::RepView* response) override;
  grpc::Status ListReps(grpc::ServerContext* context, const v1::ListRepsRequest* request,
                        v1::ListRepsResponse* response) override;
  grpc::Status GetOrganisation(grpc::ServerContext* context,
                               const v1::GetOrganisationRequest* request,
                               v1::Organisation* response) override;
  grpc::Status SetCompanyTarget(grpc::ServerContext* context,
                                const v1::SetCompanyTargetRequest* request,
                                v1::TargetAllocation* response) override;
  grpc::Status AdjustTarget(grpc::ServerContext* context, const v1::AdjustTargetRequest* request,
                            v1::TargetAllocation* response) override;
  grpc::Status GetTargetAllocation(grpc::ServerContext* context,
                                   const v1::GetTargetAllocationRequest* request,
                                   v1::TargetAllocation* response) override;
  grpc::Status ExplainTarget(grpc::ServerContext* context, const v1::ExplainTargetRequest* request,
                             v1::TargetExplanation* response) override;
  grpc::Status GetRepTargets(grpc::ServerContext* context, const v1::GetRepTargetsRequest* request,
                             v1::RepTargets* response) override;

  // The commands without gRPC, for tests and the demo.
  absl::Status Upsert(const v1::UpsertRepRequest& request, const std::string& actor,
                      v1::Rep* response);
  absl::Status SetTarget(const v1::SetCompanyTargetRequest& request, const std::string& actor,
                         v1::TargetAllocation* response);
  absl::Status Adjust(const v1::AdjustTargetRequest& request, const std::string& actor,
                      v1::TargetAllocation* response);

 private:
  absl::Status Rep(const v1::GetRepRequest& request, v1::RepView* response);
  absl::Status Reps(const v1::ListRepsRequest& request, v1::ListRepsResponse* response);
  absl::Status Organisation(const v1::GetOrganisationRequest& request,
                            v1::Organisation* response);
  absl::Status Allocation(const v1::GetTargetAllocationRequest& request,
                          v1::TargetAllocation* response);
  absl::Status Explain(const v1::ExplainTargetRequest& request, v1::TargetExplanation* response);
  absl::Status RepTargets(const v1::GetRepTargetsRequest& request, v1::RepTargets* response);

  // Puts a new version of a target into `batch` with its TargetAllocated
  // event; answers its view down to territories.
  v1::TargetAllocation Store(store::Batch& batch, const v1::TargetRecord& record,
                             const process::Allocation& allocation, const std::string& actor,
                             const std::string& request_id);
  // The stored target, NOT_FOUND naming product_id when there is none.
  absl::StatusOr<v1::TargetRecord> RequireTarget(const std::string& product_id, int year,
                                                 int64_t version) const;
  // Today in China Standard Time by the host's clock.
  absl::CivilDay Today() const;

  runtime::ServiceHost& host_;
  const process::DoctorClassRule doctors_;
  ChannelRepository channel_;
  ControlRepository control_;
  ProcessRepository process_;
  runtime::StripedLocks locks_;
};

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_API_SALES_PROCESS_SERVICE_H_
