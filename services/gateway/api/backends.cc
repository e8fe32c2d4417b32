#include "api/backends.h"

#include "absl/strings/str_cat.h"
#include "absl/synchronization/blocking_counter.h"
#include "absl/synchronization/notification.h"
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

}  // namespace

Backends::Backends(const BackendAddresses& a, absl::Duration query_deadline,
                   absl::Duration command_deadline, int max_message_bytes)
    : query_deadline_(query_deadline),
      command_deadline_(command_deadline),
      customer_master_(v1::CustomerMaster::NewStub(rpc::MakeChannel(a.customer_master, max_message_bytes))),
      sales_pipeline_(v1::SalesPipeline::NewStub(rpc::MakeChannel(a.sales_pipeline, max_message_bytes))),
      channel_control_(v1::ChannelControl::NewStub(rpc::MakeChannel(a.sales_pipeline, max_message_bytes))),
      field_force_(v1::FieldForce::NewStub(rpc::MakeChannel(a.sales_pipeline, max_message_bytes))),
      campaigns_(v1::Campaigns::NewStub(rpc::MakeChannel(a.campaigns, max_message_bytes))),
      service_desk_(v1::ServiceDesk::NewStub(rpc::MakeChannel(a.service_desk, max_message_bytes))),
      value_scoring_(v1::ValueScoring::NewStub(rpc::MakeChannel(a.value_scoring, max_message_bytes))) {
  for (const auto& [service, address] :
       {std::pair{v1::CustomerMaster::service_full_name(), a.customer_master},
        std::pair{v1::SalesPipeline::service_full_name(), a.sales_pipeline},
        std::pair{v1::SalesChannel::service_full_name(), a.sales_pipeline},
        std::pair{v1::ChannelControl::service_full_name(), a.sales_pipeline},
        std::pair{v1::SalesProcess::service_full_name(), a.sales_pipeline},
        std::pair{v1::FieldForce::service_full_name(), a.sales_pipeline},
        std::pair{v1::ChangeAlerts::service_full_name(), a.sales_pipeline},
        std::pair{v1::Campaigns::service_full_name(), a.campaigns},
        std::pair{v1::ServiceDesk::service_full_name(), a.service_desk},
        std::pair{v1::ValueScoring::service_full_name(), a.value_scoring}}) {
    generic_[service] = std::make_unique<grpc::GenericStub>(rpc::MakeChannel(address, max_message_bytes));
  }
}

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
  PendingCall<v1::GetCustomerChannelRequest, v1::CustomerChannel> channel;
  PendingCall<v1::GetCustomerProcessRequest, v1::CustomerProcess> process;
  profile.request.set_customer_id(customer_id);
  activity.request.set_customer_id(customer_id);
  audience.request.set_customer_id(customer_id);
  card.request.set_customer_id(customer_id);
  value.request.set_customer_id(customer_id);
  channel.request.set_customer_id(customer_id);
  process.request.set_customer_id(customer_id);

  absl::BlockingCounter done(7);
  using CM = v1::CustomerMaster::Stub::async_interface;
  using SP = v1::SalesPipeline::Stub::async_interface;
  using CA = v1::Campaigns::Stub::async_interface;
  using SD = v1::ServiceDesk::Stub::async_interface;
  using VS = v1::ValueScoring::Stub::async_interface;
  using CC = v1::ChannelControl::Stub::async_interface;
  using FF = v1::FieldForce::Stub::async_interface;
  Start<CM>(customer_master_->async(), &CM::GetCustomer, profile, query_deadline_, done);
  Start<SP>(sales_pipeline_->async(), &SP::GetCustomerActivity, activity, query_deadline_, done);
  Start<CA>(campaigns_->async(), &CA::GetAudienceMember, audience, query_deadline_, done);
  Start<SD>(service_desk_->async(), &SD::GetContactCard, card, query_deadline_, done);
  Start<VS>(value_scoring_->async(), &VS::GetCustomerValue, value, query_deadline_, done);
  Start<CC>(channel_control_->async(), &CC::GetCustomerChannel, channel, query_deadline_, done);
  Start<FF>(field_force_->async(), &FF::GetCustomerProcess, process, query_deadline_, done);
  done.Wait();

  Parts parts;
  parts.profile = profile.Result();
  parts.activity = activity.Result();
  parts.audience = audience.Result();
  parts.contact_card = card.Result();
  parts.value = value.Result();
  parts.channel = channel.Result();
  parts.process = process.Result();
  return MergeCustomer360(customer_id, std::move(parts));
}

absl::StatusOr<std::unique_ptr<google::protobuf::Message>> Backends::Call(
    const google::protobuf::MethodDescriptor* method, const google::protobuf::Message& request,
    absl::Duration deadline) {
  auto stub = generic_.find(method->service()->full_name());
  if (stub == generic_.end()) {
    return absl::UnimplementedError(absl::StrCat("no service behind ", method->full_name()));
  }
  std::string bytes;
  if (!request.SerializeToString(&bytes)) return absl::InternalError("request does not serialize");
  grpc::Slice slice(std::move(bytes));
  grpc::ByteBuffer request_buffer(&slice, 1);
  grpc::ByteBuffer response_buffer;
  std::unique_ptr<grpc::ClientContext> context = rpc::ClientContextWithDeadline(deadline);
  grpc::Status status;
  absl::Notification done;
  stub->second->UnaryCall(context.get(),
                          absl::StrCat("/", method->service()->full_name(), "/", method->name()),
                          grpc::StubOptions(), &request_buffer, &response_buffer,
                          [&](grpc::Status s) {
                            status = std::move(s);
                            done.Notify();
                          });
  done.WaitForNotification();
  if (!status.ok()) return rpc::FromGrpcStatus(status);
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(method->output_type());
  if (prototype == nullptr) {
    return absl::InternalError(absl::StrCat("no message type ", method->output_type()->full_name()));
  }
  std::unique_ptr<google::protobuf::Message> response(prototype->New());
  grpc::Slice answer;
  if (!response_buffer.DumpToSingleSlice(&answer).ok() ||
      !response->ParseFromArray(answer.begin(), static_cast<int>(answer.size()))) {
    return absl::InternalError(absl::StrCat(method->full_name(), ": the answer does not parse"));
  }
  return response;
}

}  // namespace pharmacrm::gateway
