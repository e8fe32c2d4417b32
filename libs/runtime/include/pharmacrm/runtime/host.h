// ServiceHost wires one domain service process: flags, RocksDB store, Kafka
// topics, outbox relay, consumers, gRPC server, admin port, and the orderly
// stop on SIGTERM. A service's app.cc (through ServiceMain) has it construct
// and own the service's gRPC services (EmplaceService) and whatever they
// depend on (Keep), adds the projections, and calls Run.
//
// Time: every time rule of a hosted service reads host.clock(), the real
// clock unless HostOptions gives another, so tests inject a core::FakeClock.
//
// Flags (each also read from PHARMACRM_<FLAG>): --grpc_host --grpc_port
// --admin_port --data_dir --kafka_bootstrap --partitions --durability
// --max_message_bytes --kafka_wait_ms --consumer_group --instance_id
// --kafka_session_timeout_ms --shutdown_grace_ms.
#ifndef PHARMACRM_RUNTIME_HOST_H_
#define PHARMACRM_RUNTIME_HOST_H_

#include <functional>
#include <memory>
#include <string>
#include <type_traits>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "grpcpp/grpcpp.h"
#include "grpcpp/impl/service_type.h"
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

// What the host takes from its caller rather than from flags.
struct HostOptions {
  // The clock of host.clock() and of the ids the host makes; null: the real
  // clock. Not owned; must outlive the host.
  const core::Clock* clock = nullptr;
};

// Not thread-safe while wiring (before Run); afterwards the accessors are.
class ServiceHost {
 public:
  // Reads flags (after core::ParseFlagsOrDie), opens the store and makes
  // sure the topics exist (waiting up to --kafka_wait_ms for Kafka).
  static absl::StatusOr<std::unique_ptr<ServiceHost>> Create(const HostDefaults& defaults,
                                                             const HostOptions& options = {});
  // A host over `store` that reads no flags and never touches Kafka, for
  // tests of hosted services: everything but Run (FAILED_PRECONDITION) works.
  static std::unique_ptr<ServiceHost> CreateForTest(std::string service,
                                                    std::unique_ptr<store::Store> store,
                                                    const HostOptions& options = {});
  // Stops what Run left running, then destroys the owned objects in the
  // reverse order of their adding, then closes the store.
  ~ServiceHost();
  ServiceHost(const ServiceHost&) = delete;
  ServiceHost& operator=(const ServiceHost&) = delete;

  store::Store& store() { return *store_; }
  const core::Clock& clock() const { return *clock_; }
  core::IdGenerator& ids() { return *ids_; }
  const std::string& service() const { return service_; }
  // The largest gRPC message sent or accepted (--max_message_bytes): an
  // answer that could be longer must stop short of it.
  int max_message_bytes() const { return max_message_bytes_; }

  // Consumes `topics` in consumer group pharmacrm.<service>. The service
  // has one consumer per list of topics: its offsets and its record of
  // applied event ids are per store, and its group splits a topic's
  // partitions among the consumers of the group. So a second projection of
  // the same topics joins the first: each event is applied by both, in
  // order, in the one batch that records it consumed. A topic in two
  // different lists is an error Run answers (projections_status()).
  void AddProjection(std::vector<std::string> topics, bus::ApplyFn apply);
  // OK unless two projections name one topic in different lists.
  absl::Status projections_status() const { return projections_status_; }
  // The apply function consuming `topic` (the projections joined), or an
  // empty function; for tests.
  bus::ApplyFn ApplyFnFor(absl::string_view topic) const;
  // Constructs a T (a grpc::Service) from `args`, serves it from Run on,
  // and owns it; it is destroyed after the consumers and the relay stop.
  template <typename T, typename... Args>
  T& EmplaceService(Args&&... args) {
    static_assert(std::is_base_of_v<grpc::Service, T>, "EmplaceService hosts gRPC services");
    T& service = Keep(std::make_unique<T>(std::forward<Args>(args)...));
    services_.push_back(&service);
    return service;
  }
  // Owns `object` (a dependency of a hosted service: a converter, a cache)
  // for the host's lifetime; objects kept earlier outlive those kept later.
  template <typename T>
  T& Keep(std::unique_ptr<T> object) {
    T& kept = *object;
    owned_.push_back(std::shared_ptr<void>(std::move(object)));
    return kept;
  }
  // Rebuilds the value of outbox records the service stores without it
  // (bus::MakeRebuildableOutboxRecord) when the relay starts; called before any
  // request is served.
  void SetOutboxRebuilder(bus::OutboxRebuilder rebuilder) { rebuilder_ = std::move(rebuilder); }

  // Starts everything, blocks until SIGTERM/SIGINT, then stops in order:
  // not ready, gRPC drained, consumers closed, relay flushed, store closed.
  absl::Status Run();

 private:
  explicit ServiceHost(const HostOptions& options);

  bool for_test_ = false;
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
  const core::Clock* clock_;
  std::unique_ptr<core::IdGenerator> ids_;
  std::unique_ptr<store::Store> store_;
  // Services and their dependencies; the destructor empties it back to front.
  std::vector<std::shared_ptr<void>> owned_;
  std::vector<grpc::Service*> services_;  // Owned through owned_.
  bus::OutboxRebuilder rebuilder_;
  std::unique_ptr<bus::OutboxRelay> relay_;
  std::vector<std::unique_ptr<bus::EventConsumer>> consumers_;
  std::vector<std::pair<std::vector<std::string>, bus::ApplyFn>> projections_;
  absl::Status projections_status_;
};

// Standard main() body for a domain service: parse flags, create the host,
// let `wire` add services and projections, run. Returns the exit code.
int ServiceMain(int argc, char** argv, const HostDefaults& defaults,
                const std::function<absl::Status(ServiceHost&)>& wire);

}  // namespace pharmacrm::runtime

#endif  // PHARMACRM_RUNTIME_HOST_H_
