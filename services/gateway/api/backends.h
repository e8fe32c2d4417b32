// The gateway's clients of the domain services. Every call has a deadline.
// Thread-safe.
#ifndef PHARMACRM_SERVICES_GATEWAY_API_BACKENDS_H_
#define PHARMACRM_SERVICES_GATEWAY_API_BACKENDS_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "pharmacrm/v1/campaigns.grpc.pb.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"
#include "pharmacrm/v1/gateway.pb.h"
#include "pharmacrm/v1/sales_pipeline.grpc.pb.h"
#include "pharmacrm/v1/service_desk.grpc.pb.h"
#include "pharmacrm/v1/value_scoring.grpc.pb.h"

namespace pharmacrm::gateway {

struct BackendAddresses {
  std::string customer_master;
  std::string sales_pipeline;
  std::string campaigns;
  std::string service_desk;
  std::string value_scoring;
};

class Backends {
 public:
  Backends(const BackendAddresses& addresses, absl::Duration query_deadline,
           absl::Duration command_deadline, int max_message_bytes);

  // Asks the five services in parallel, each within the query deadline, and
  // merges (see MergeCustomer360). For a customer merged into another the
  // answer is the survivor's, with requested_id set to the id asked for.
  absl::StatusOr<v1::Customer360> GetCustomer360(const std::string& customer_id);

  absl::StatusOr<v1::Customer> RegisterCustomer(const v1::RegisterCustomerRequest& request);
  absl::StatusOr<v1::Customer> UpdateCustomer(const v1::UpdateCustomerRequest& request);
  absl::StatusOr<v1::Customer> DeactivateCustomer(const v1::DeactivateCustomerRequest& request);
  absl::StatusOr<v1::Customer> ReactivateCustomer(const v1::ReactivateCustomerRequest& request);
  absl::StatusOr<v1::Visit> LogVisit(const v1::LogVisitRequest& request);
  absl::StatusOr<v1::Customer> GetCustomer(const v1::GetCustomerRequest& request);
  absl::StatusOr<v1::CustomerHistory> GetCustomerHistory(const v1::GetCustomerHistoryRequest& request);
  absl::StatusOr<v1::ListReferringCustomersResponse> ListReferringCustomers(
      const v1::ListReferringCustomersRequest& request);
  absl::StatusOr<v1::CustomerMetrics> RecordMetrics(const v1::RecordMetricsRequest& request);
  absl::StatusOr<v1::MetricsSeries> GetMetrics(const v1::GetMetricsRequest& request);
  absl::StatusOr<v1::Territory> CreateTerritory(const v1::CreateTerritoryRequest& request);
  absl::StatusOr<v1::Territory> UpdateTerritory(const v1::UpdateTerritoryRequest& request);
  absl::StatusOr<v1::Territory> GetTerritory(const v1::GetTerritoryRequest& request);
  absl::StatusOr<v1::ListTerritoriesResponse> ListTerritories(
      const v1::ListTerritoriesRequest& request);
  absl::StatusOr<v1::Alignment> Align(const v1::AlignRequest& request);
  absl::StatusOr<v1::AlignmentHistory> GetAlignmentHistory(const v1::GetAlignmentRequest& request);
  absl::StatusOr<v1::ListTerritoryCustomersResponse> ListTerritoryCustomers(
      const v1::ListTerritoryCustomersRequest& request);
  absl::StatusOr<v1::Customer> MergeCustomers(const v1::MergeCustomersRequest& request);
  absl::StatusOr<v1::Customer> UnmergeCustomer(const v1::UnmergeCustomerRequest& request);
  absl::StatusOr<v1::DuplicateCandidates> FindDuplicateCandidates(
      const v1::FindDuplicateCandidatesRequest& request);
  // A scan of every record: its own, longer deadline (kScanDeadline).
  absl::StatusOr<v1::ScanDuplicatesResponse> ScanDuplicates(const v1::ScanDuplicatesRequest& request);
  absl::StatusOr<v1::Completeness> GetCompleteness(const v1::GetCompletenessRequest& request);
  absl::StatusOr<v1::Worklist> GetWorklist(const v1::GetWorklistRequest& request);
  absl::StatusOr<v1::SearchCustomersResponse> SearchCustomers(
      const v1::SearchCustomersRequest& request);

 private:
  absl::StatusOr<v1::Customer360> FanOut360(const std::string& customer_id);
  absl::Duration query_deadline_;
  absl::Duration command_deadline_;
  std::unique_ptr<v1::CustomerMaster::Stub> customer_master_;
  std::unique_ptr<v1::SalesPipeline::Stub> sales_pipeline_;
  std::unique_ptr<v1::Campaigns::Stub> campaigns_;
  std::unique_ptr<v1::ServiceDesk::Stub> service_desk_;
  std::unique_ptr<v1::ValueScoring::Stub> value_scoring_;
};

}  // namespace pharmacrm::gateway

#endif  // PHARMACRM_SERVICES_GATEWAY_API_BACKENDS_H_
