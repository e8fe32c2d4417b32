#include "api/backends.h"

#include "absl/synchronization/blocking_counter.h"
#include "domain/customer_360.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/rpc/status.h"

namespace pharmacrm::gateway {
namespace {

// One outstanding callback call: its context, request and response live
// until the counter says all calls are done.
template <typename Request, typename Response>
struct PendingCall {
  std::unique_ptr<grpc::ClientContext> context;
  Request request;
  Response response;
  grpc::Status status;

  absl::StatusOr<Response> Result() {
    if (!status.ok()) return rpc::FromGrpcStatus(status);
    return std::move(response);
  }
};

template <typename Async, typename Request, typename Response>
void Start(Async* async,
           void (Async::*method)(grpc::ClientContext*, const Request*, Response*,
                                 std::function<void(grpc::Status)>),
           PendingCall<Request, Response>& call, absl::Duration deadline,
           absl::BlockingCounter& done) {
  call.context = rpc::ClientContextWithDeadline(deadline);
  (async->*method)(call.context.get(), &call.request, &call.response,
                   [&call, &done](grpc::Status s) {
                     call.status = std::move(s);
                     done.DecrementCount();
                   });
}

template <typename Stub, typename Request, typename Response>
absl::StatusOr<Response> Unary(Stub* stub,
                               grpc::Status (Stub::*method)(grpc::ClientContext*, const Request&,
                                                            Response*),
                               const Request& request, absl::Duration deadline) {
  auto context = rpc::ClientContextWithDeadline(deadline);
  Response response;
  grpc::Status status = (stub->*method)(context.get(), request, &response);
  if (!status.ok()) return rpc::FromGrpcStatus(status);
  return response;
}

}  // namespace

Backends::Backends(const BackendAddresses& a, absl::Duration query_deadline,
                   absl::Duration command_deadline, int max_message_bytes)
    : query_deadline_(query_deadline),
      command_deadline_(command_deadline),
      customer_master_(v1::CustomerMaster::NewStub(rpc::MakeChannel(a.customer_master, max_message_bytes))),
      sales_pipeline_(v1::SalesPipeline::NewStub(rpc::MakeChannel(a.sales_pipeline, max_message_bytes))),
      campaigns_(v1::Campaigns::NewStub(rpc::MakeChannel(a.campaigns, max_message_bytes))),
      service_desk_(v1::ServiceDesk::NewStub(rpc::MakeChannel(a.service_desk, max_message_bytes))),
      value_scoring_(v1::ValueScoring::NewStub(rpc::MakeChannel(a.value_scoring, max_message_bytes))) {}

absl::StatusOr<v1::Customer360> Backends::GetCustomer360(const std::string& customer_id) {
  // A customer merged into another answers with its survivor's 360 (the
  // other services already answer for the survivor; customer-master keeps
  // the merged record itself, MERGED with merged_into).
  std::string id = customer_id;
  for (int hop = 0;; ++hop) {
    ASSIGN_OR_RETURN(v1::Customer360 view, FanOut360(id));
    const v1::Customer& c = view.customer();
    if (c.status() != v1::CUSTOMER_STATUS_MERGED || c.merged_into().empty() || hop == 4) {
      if (id != customer_id) view.set_requested_id(customer_id);
      return view;
    }
    id = c.merged_into();
  }
}

absl::StatusOr<v1::Customer360> Backends::FanOut360(const std::string& customer_id) {
  PendingCall<v1::GetCustomerRequest, v1::Customer> profile;
  PendingCall<v1::GetCustomerActivityRequest, v1::CustomerActivity> activity;
  PendingCall<v1::GetAudienceMemberRequest, v1::AudienceMember> audience;
  PendingCall<v1::GetContactCardRequest, v1::ContactCard> card;
  PendingCall<v1::GetCustomerValueRequest, v1::CustomerValue> value;
  profile.request.set_customer_id(customer_id);
  activity.request.set_customer_id(customer_id);
  audience.request.set_customer_id(customer_id);
  card.request.set_customer_id(customer_id);
  value.request.set_customer_id(customer_id);

  absl::BlockingCounter done(5);
  using CM = v1::CustomerMaster::Stub::async_interface;
  using SP = v1::SalesPipeline::Stub::async_interface;
  using CA = v1::Campaigns::Stub::async_interface;
  using SD = v1::ServiceDesk::Stub::async_interface;
  using VS = v1::ValueScoring::Stub::async_interface;
  Start<CM>(customer_master_->async(), &CM::GetCustomer, profile, query_deadline_, done);
  Start<SP>(sales_pipeline_->async(), &SP::GetCustomerActivity, activity, query_deadline_, done);
  Start<CA>(campaigns_->async(), &CA::GetAudienceMember, audience, query_deadline_, done);
  Start<SD>(service_desk_->async(), &SD::GetContactCard, card, query_deadline_, done);
  Start<VS>(value_scoring_->async(), &VS::GetCustomerValue, value, query_deadline_, done);
  done.Wait();

  Parts parts;
  parts.profile = profile.Result();
  parts.activity = activity.Result();
  parts.audience = audience.Result();
  parts.contact_card = card.Result();
  parts.value = value.Result();
  return MergeCustomer360(customer_id, std::move(parts));
}

absl::StatusOr<v1::Customer> Backends::RegisterCustomer(const v1::RegisterCustomerRequest& request) {
  return Unary(customer_master_.get(), &v1::CustomerMaster::Stub::RegisterCustomer, request,
               command_deadline_);
}

absl::StatusOr<v1::Customer> Backends::UpdateCustomer(const v1::UpdateCustomerRequest& request) {
  return Unary(customer_master_.get(), &v1::CustomerMaster::Stub::UpdateCustomer, request,
               command_deadline_);
}

absl::StatusOr<v1::Customer> Backends::DeactivateCustomer(
    const v1::DeactivateCustomerRequest& request) {
  return Unary(customer_master_.get(), &v1::CustomerMaster::Stub::DeactivateCustomer, request,
               command_deadline_);
}

absl::StatusOr<v1::Customer> Backends::ReactivateCustomer(
    const v1::ReactivateCustomerRequest& request) {
  return Unary(customer_master_.get(), &v1::CustomerMaster::Stub::ReactivateCustomer, request,
               command_deadline_);
}

absl::StatusOr<v1::Visit> Backends::LogVisit(const v1::LogVisitRequest& request) {
  return Unary(sales_pipeline_.get(), &v1::SalesPipeline::Stub::LogVisit, request,
               command_deadline_);
}

absl::StatusOr<v1::Customer> Backends::GetCustomer(const v1::GetCustomerRequest& request) {
  return Unary(customer_master_.get(), &v1::CustomerMaster::Stub::GetCustomer, request,
               query_deadline_);
}

absl::StatusOr<v1::CustomerHistory> Backends::GetCustomerHistory(
    const v1::GetCustomerHistoryRequest& request) {
  return Unary(customer_master_.get(), &v1::CustomerMaster::Stub::GetCustomerHistory, request,
               query_deadline_);
}

absl::StatusOr<v1::ListReferringCustomersResponse> Backends::ListReferringCustomers(
    const v1::ListReferringCustomersRequest& request) {
  return Unary(customer_master_.get(), &v1::CustomerMaster::Stub::ListReferringCustomers, request,
               query_deadline_);
}

absl::StatusOr<v1::CustomerMetrics> Backends::RecordMetrics(const v1::RecordMetricsRequest& request) {
  return Unary(customer_master_.get(), &v1::CustomerMaster::Stub::RecordMetrics, request,
               command_deadline_);
}

absl::StatusOr<v1::MetricsSeries> Backends::GetMetrics(const v1::GetMetricsRequest& request) {
  return Unary(customer_master_.get(), &v1::CustomerMaster::Stub::GetMetrics, request,
               query_deadline_);
}

absl::StatusOr<v1::Territory> Backends::CreateTerritory(const v1::CreateTerritoryRequest& request) {
  return Unary(customer_master_.get(), &v1::CustomerMaster::Stub::CreateTerritory, request,
               command_deadline_);
}

absl::StatusOr<v1::Territory> Backends::UpdateTerritory(const v1::UpdateTerritoryRequest& request) {
  return Unary(customer_master_.get(), &v1::CustomerMaster::Stub::UpdateTerritory, request,
               command_deadline_);
}

absl::StatusOr<v1::Territory> Backends::GetTerritory(const v1::GetTerritoryRequest& request) {
  return Unary(customer_master_.get(), &v1::CustomerMaster::Stub::GetTerritory, request,
               query_deadline_);
}

absl::StatusOr<v1::ListTerritoriesResponse> Backends::ListTerritories(
    const v1::ListTerritoriesRequest& request) {
  return Unary(customer_master_.get(), &v1::CustomerMaster::Stub::ListTerritories, request,
               query_deadline_);
}

absl::StatusOr<v1::Alignment> Backends::Align(const v1::AlignRequest& request) {
  return Unary(customer_master_.get(), &v1::CustomerMaster::Stub::Align, request, command_deadline_);
}

absl::StatusOr<v1::AlignmentHistory> Backends::GetAlignmentHistory(
    const v1::GetAlignmentRequest& request) {
  return Unary(customer_master_.get(), &v1::CustomerMaster::Stub::GetAlignmentHistory, request,
               query_deadline_);
}

absl::StatusOr<v1::ListTerritoryCustomersResponse> Backends::ListTerritoryCustomers(
    const v1::ListTerritoryCustomersRequest& request) {
  return Unary(customer_master_.get(), &v1::CustomerMaster::Stub::ListTerritoryCustomers, request,
               query_deadline_);
}

absl::StatusOr<v1::Customer> Backends::MergeCustomers(const v1::MergeCustomersRequest& request) {
  return Unary(customer_master_.get(), &v1::CustomerMaster::Stub::MergeCustomers, request,
               command_deadline_);
}

absl::StatusOr<v1::Customer> Backends::UnmergeCustomer(const v1::UnmergeCustomerRequest& request) {
  return Unary(customer_master_.get(), &v1::CustomerMaster::Stub::UnmergeCustomer, request,
               command_deadline_);
}

absl::StatusOr<v1::DuplicateCandidates> Backends::FindDuplicateCandidates(
    const v1::FindDuplicateCandidatesRequest& request) {
  return Unary(customer_master_.get(), &v1::CustomerMaster::Stub::FindDuplicateCandidates, request,
               query_deadline_);
}

absl::StatusOr<v1::ScanDuplicatesResponse> Backends::ScanDuplicates(
    const v1::ScanDuplicatesRequest& request) {
  // A duplicate scan over a million records takes tens of seconds.
  constexpr absl::Duration kScanDeadline = absl::Minutes(2);
  return Unary(customer_master_.get(), &v1::CustomerMaster::Stub::ScanDuplicates, request,
               kScanDeadline);
}

absl::StatusOr<v1::Completeness> Backends::GetCompleteness(const v1::GetCompletenessRequest& request) {
  return Unary(customer_master_.get(), &v1::CustomerMaster::Stub::GetCompleteness, request,
               query_deadline_);
}

absl::StatusOr<v1::Worklist> Backends::GetWorklist(const v1::GetWorklistRequest& request) {
  return Unary(customer_master_.get(), &v1::CustomerMaster::Stub::GetWorklist, request,
               query_deadline_);
}

absl::StatusOr<v1::SearchCustomersResponse> Backends::SearchCustomers(
    const v1::SearchCustomersRequest& request) {
  return Unary(customer_master_.get(), &v1::CustomerMaster::Stub::SearchCustomers, request,
               query_deadline_);
}

}  // namespace pharmacrm::gateway
