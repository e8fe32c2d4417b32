// ServiceHost wires one domain service process: flags, RocksDB store, Kafka
// topics, outbox relay, consumers, gRPC server, admin port, and the orderly
// stop on SIGTERM. A service's app.cc creates it, adds its gRPC services and
// projections, and calls Run.
//
// Flags (each also read from PHARMACRM_<FLAG>): --grpc_host --grpc_port
// --admin_port --data_dir --kafka_bootstrap --partitions --durability
// --max_message_bytes --kafka_wait_ms --consumer_group --instance_id
// --kafka_session_timeout_ms --shutdown_grace_ms.
#ifndef PHARMACRM_RUNTIME_HOST_H_
#define PHARMACRM_RUNTIME_HOST_H_

#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"
#include "pharmacrm/bus/consumer.h"
#include "pharmacrm/bus/kafka.h"
#include "pharmacrm/bus/relay.h"
#include "pharmacrm/core/clock.h"
#include "pharmacrm/core/ids.h"
#include "pharmacrm/store/store.h"

namespace pharmacrm::runtime {

struct HostDefaults {
  std::string service;  // e.g. customer-master
  int grpc_port = 0;
  int admin_port = 0;
};

class ServiceHost {
 public:
  // Reads flags (after core::ParseFlagsOrDie), opens the store and makes
  // sure the topics exist (waiting up to --kafka_wait_ms for Kafka).
  static absl::StatusOr<std::unique_ptr<ServiceHost>> Create(const HostDefaults& defaults);
  ~ServiceHost();

  store::Store& store() { return *store_; }
  const core::Clock& clock() const { return *core::Clock::Real(); }
  core::IdGenerator& ids() { return ids_; }
  const std::string& service() const { return service_; }
  // The largest gRPC message sent or accepted (--max_message_bytes): an
  // answer that could be longer must stop short of it.
  int max_message_bytes() const { return max_message_bytes_; }

  // Consumes `topics` in consumer group pharmacrm.<service>.
  void AddProjection(std::vector<std::string> topics, bus::ApplyFn apply);
  // `service` must outlive the host.
  void AddGrpcService(grpc::Service* service);
  // Rebuilds the value of outbox records the service stores without it
  // (bus::MakeRebuildableOutboxRecord) when the relay starts; called before any
  // request is served.
  void SetOutboxRebuilder(bus::OutboxRebuilder rebuilder) { rebuilder_ = std::move(rebuilder); }

  // Starts everything, blocks until SIGTERM/SIGINT, then stops in order:
  // not ready, gRPC drained, consumers closed, relay flushed, store closed.
  absl::Status Run();

 private:
  ServiceHost() = default;

  std::string service_;
  std::string grpc_host_;
  int grpc_port_ = 0;
  int admin_port_ = 0;
  int max_message_bytes_ = 0;
  absl::Duration shutdown_grace_;
  bus::KafkaOptions kafka_;
  std::string consumer_group_;
  std::string instance_id_;
  int session_timeout_ms_ = 10000;
  core::IdGenerator ids_;
  std::unique_ptr<store::Store> store_;
  bus::OutboxRebuilder rebuilder_;
  std::unique_ptr<bus::OutboxRelay> relay_;
  std::vector<std::unique_ptr<bus::EventConsumer>> consumers_;
  std::vector<std::pair<std::vector<std::string>, bus::ApplyFn>> projections_;
  std::vector<grpc::Service*> services_;
};

// Standard main() body for a domain service: parse flags, create the host,
// let `wire` add services and projections, run. Returns the exit code.
int ServiceMain(int argc, char** argv, const HostDefaults& defaults,
                const std::function<absl::Status(ServiceHost&)>& wire);

}  // namespace pharmacrm::runtime

#endif  // PHARMACRM_RUNTIME_HOST_H_
