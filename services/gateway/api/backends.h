// The gateway's clients of the domain services: the Customer 360 fan-out,
// and one generic unary call for every RPC the HTTP routes forward. Every
// call has a deadline. Thread-safe.
#ifndef PHARMACRM_SERVICES_GATEWAY_API_BACKENDS_H_
#define PHARMACRM_SERVICES_GATEWAY_API_BACKENDS_H_

#include <memory>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "grpcpp/generic/generic_stub.h"
#include "pharmacrm/v1/campaigns.grpc.pb.h"
#include "pharmacrm/v1/change_alerts.grpc.pb.h"
#include "pharmacrm/v1/channel_control_service.grpc.pb.h"
#include "pharmacrm/v1/channel_service.grpc.pb.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"
#include "pharmacrm/v1/field_force.grpc.pb.h"
#include "pharmacrm/v1/gateway.pb.h"
#include "pharmacrm/v1/sales_pipeline.grpc.pb.h"
#include "pharmacrm/v1/sales_process.grpc.pb.h"
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

  // Asks the five services in parallel (sales-pipeline twice: activity and
  // channel), each within the query deadline, and
  // merges (see MergeCustomer360). For a customer merged into another the
  // answer is the survivor's, with requested_id set to the id asked for.
  absl::StatusOr<v1::Customer360> GetCustomer360(const std::string& customer_id);

  // Calls `method` (a unary RPC of one of the five services) with
  // `request`, serialized, through a generic stub on that service's
  // channel, within `deadline`. The answer is a new message of the method's
  // output type from the generated pool (MessageFactory::generated_factory).
  // The service's error status as it came; UNIMPLEMENTED for a method of
  // no known service; INTERNAL if the answer does not parse.
  absl::StatusOr<std::unique_ptr<google::protobuf::Message>> Call(
      const google::protobuf::MethodDescriptor* method, const google::protobuf::Message& request,
      absl::Duration deadline);

  absl::Duration query_deadline() const { return query_deadline_; }
  absl::Duration command_deadline() const { return command_deadline_; }

 private:
  absl::StatusOr<v1::Customer360> FanOut360(const std::string& customer_id);
  absl::Duration query_deadline_;
  absl::Duration command_deadline_;
  std::unique_ptr<v1::CustomerMaster::Stub> customer_master_;
  std::unique_ptr<v1::SalesPipeline::Stub> sales_pipeline_;
  std::unique_ptr<v1::ChannelControl::Stub> channel_control_;
  std::unique_ptr<v1::FieldForce::Stub> field_force_;  // On sales-pipeline.
  std::unique_ptr<v1::Campaigns::Stub> campaigns_;
  std::unique_ptr<v1::ServiceDesk::Stub> service_desk_;
  std::unique_ptr<v1::ValueScoring::Stub> value_scoring_;
  // Service full name ("pharmacrm.v1.CustomerMaster") → generic stub on its
  // channel.
  absl::flat_hash_map<std::string, std::unique_ptr<grpc::GenericStub>> generic_;
};

}  // namespace pharmacrm::gateway

#endif  // PHARMACRM_SERVICES_GATEWAY_API_BACKENDS_H_
