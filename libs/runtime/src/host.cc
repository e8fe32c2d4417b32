#include "pharmacrm/runtime/host.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "pharmacrm/core/config.h"
#include "pharmacrm/core/crash.h"
#include "pharmacrm/core/log.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/rpc/admin.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/rpc/signals.h"

ABSL_FLAG(std::string, grpc_host, "0.0.0.0", "Address the gRPC server listens on");
ABSL_FLAG(int, grpc_port, -1, "gRPC port (-1: the service's default)");
ABSL_FLAG(int, admin_port, -1, "Admin HTTP port for /metrics /healthz /readyz (-1: default)");
ABSL_FLAG(std::string, data_dir, "", "RocksDB folder (default: ./data/<service>)");
ABSL_FLAG(std::string, kafka_bootstrap, "127.0.0.1:9092", "Kafka bootstrap servers");
ABSL_FLAG(int, partitions, 3, "Partitions of every events topic the service creates");
ABSL_FLAG(int, replication_factor, 1, "Replication factor of topics the service creates");
ABSL_FLAG(std::string, durability, "fsync",
          "What an acknowledged command survives: 'fsync' (machine crash: WAL fsync'ed, "
          "group-committed) or 'process' (process crash only)");
ABSL_FLAG(int, max_message_bytes, 4 << 20, "Largest gRPC message accepted or sent");
ABSL_FLAG(int, kafka_wait_ms, 60000, "How long start-up waits for Kafka before giving up");
ABSL_FLAG(std::string, consumer_group, "",
          "Kafka consumer group of the service's projections (default: pharmacrm.<service>)");
ABSL_FLAG(std::string, instance_id, "",
          "Stable id of this replica (Kafka static group membership: a restarted replica takes "
          "its partitions back without a rebalance). Default: <hostname>-<service>; on "
          "Kubernetes the StatefulSet pod name");
ABSL_FLAG(int, kafka_session_timeout_ms, 10000,
          "Kafka consumer session timeout: how long a dead replica keeps its partitions");
ABSL_FLAG(int, shutdown_grace_ms, 10000,
          "Longest time from SIGTERM to exit (calls in progress, consumers, relay), Kafka "
          "reachable or not");

namespace pharmacrm::runtime {

ServiceHost::ServiceHost(const HostOptions& options)
    : clock_(options.clock != nullptr ? options.clock : core::Clock::Real()),
      ids_(std::make_unique<core::IdGenerator>(clock_)) {}

std::unique_ptr<ServiceHost> ServiceHost::CreateForTest(std::string service,
                                                        std::unique_ptr<store::Store> store,
                                                        const HostOptions& options) {
  auto host = std::unique_ptr<ServiceHost>(new ServiceHost(options));
  host->for_test_ = true;
  host->service_ = std::move(service);
  host->max_message_bytes_ = 4 << 20;  // The flag's default.
  host->store_ = std::move(store);
  return host;
}

absl::StatusOr<std::unique_ptr<ServiceHost>> ServiceHost::Create(const HostDefaults& defaults,
                                                                 const HostOptions& options) {
  auto host = std::unique_ptr<ServiceHost>(new ServiceHost(options));
  host->service_ = defaults.service;
  host->grpc_host_ = absl::GetFlag(FLAGS_grpc_host);
  host->grpc_port_ = absl::GetFlag(FLAGS_grpc_port) >= 0 ? absl::GetFlag(FLAGS_grpc_port)
                                                          : defaults.grpc_port;
  host->admin_port_ = absl::GetFlag(FLAGS_admin_port) >= 0 ? absl::GetFlag(FLAGS_admin_port)
                                                            : defaults.admin_port;
  host->max_message_bytes_ = absl::GetFlag(FLAGS_max_message_bytes);
  host->shutdown_grace_ = absl::Milliseconds(absl::GetFlag(FLAGS_shutdown_grace_ms));
  if (host->max_message_bytes_ < 1024) {
    return absl::InvalidArgumentError("max_message_bytes: must be at least 1024");
  }
  std::string durability = absl::GetFlag(FLAGS_durability);
  if (durability != "fsync" && durability != "process") {
    return absl::InvalidArgumentError(
        absl::StrCat("durability: '", durability, "' is not one of fsync, process"));
  }
  host->kafka_.bootstrap = absl::GetFlag(FLAGS_kafka_bootstrap);
  host->kafka_.client_id = absl::StrCat("pharmacrm-", defaults.service);
  host->consumer_group_ = absl::GetFlag(FLAGS_consumer_group);
  if (host->consumer_group_.empty()) host->consumer_group_ = absl::StrCat("pharmacrm.", defaults.service);
  host->instance_id_ = absl::GetFlag(FLAGS_instance_id);
  if (host->instance_id_.empty()) {
    char hostname[256] = {0};
    gethostname(hostname, sizeof(hostname) - 1);
    host->instance_id_ = absl::StrCat(hostname, "-", defaults.service);
  }
  host->session_timeout_ms_ = absl::GetFlag(FLAGS_kafka_session_timeout_ms);

  std::string data_dir = absl::GetFlag(FLAGS_data_dir);
  if (data_dir.empty()) data_dir = absl::StrCat("./data/", defaults.service);
  ASSIGN_OR_RETURN(host->store_, store::Store::Open({data_dir, durability == "fsync"}));

  absl::Time deadline = absl::Now() + absl::Milliseconds(absl::GetFlag(FLAGS_kafka_wait_ms));
  while (true) {
    absl::Status s = bus::EnsureTopics(host->kafka_, bus::AllTopics(), absl::GetFlag(FLAGS_partitions),
                                       absl::GetFlag(FLAGS_replication_factor), absl::Seconds(5));
    if (s.ok()) break;
    if (absl::Now() > deadline) {
      return absl::UnavailableError(absl::StrCat("kafka_bootstrap: ", s.message()));
    }
    core::Log(core::LogLevel::kWarning, "waiting for kafka", {{"error", s.message()}});
    absl::SleepFor(absl::Seconds(1));
  }
  return host;
}

ServiceHost::~ServiceHost() {
  // Consumers and the relay call into hosted objects (projections, the
  // outbox rebuilder), so they stop first (their destructors stop them when
  // a Run that failed half way did not).
  consumers_.clear();
  relay_.reset();
  services_.clear();
  while (!owned_.empty()) owned_.pop_back();
}

void ServiceHost::AddProjection(std::vector<std::string> topics, bus::ApplyFn apply) {
  std::sort(topics.begin(), topics.end());
  for (auto& [existing, existing_apply] : projections_) {
    if (existing == topics) {
      existing_apply = [first = std::move(existing_apply), second = std::move(apply)](
                           const v1::EventEnvelope& event, store::Batch& batch) -> absl::Status {
        RETURN_IF_ERROR(first(event, batch));
        return second(event, batch);
      };
      return;
    }
    for (const std::string& topic : topics) {
      if (std::find(existing.begin(), existing.end(), topic) != existing.end() &&
          projections_status_.ok()) {
        projections_status_ = absl::FailedPreconditionError(
            absl::StrCat("topic ", topic, " is consumed by two projections with different topic "
                         "lists; give them the same list so that they share one consumer"));
      }
    }
  }
  projections_.emplace_back(std::move(topics), std::move(apply));
}

bus::ApplyFn ServiceHost::ApplyFnFor(absl::string_view topic) const {
  for (const auto& [topics, apply] : projections_) {
    if (std::find(topics.begin(), topics.end(), topic) != topics.end()) return apply;
  }
  return {};
}

absl::Status ServiceHost::Run() {
  if (for_test_) return absl::FailedPreconditionError("a host made by CreateForTest cannot run");
  RETURN_IF_ERROR(projections_status_);
  relay_ = std::make_unique<bus::OutboxRelay>(store_.get(), kafka_, rebuilder_);
  RETURN_IF_ERROR(relay_->Start());
  for (auto& [topics, apply] : projections_) {
    bus::ConsumerOptions options{kafka_, consumer_group_, topics};
    // Static membership; each projection of a replica is its own member.
    options.group_instance_id = absl::StrCat(instance_id_, "-", consumers_.size());
    options.session_timeout_ms = session_timeout_ms_;
    auto consumer = std::make_unique<bus::EventConsumer>(store_.get(), options, apply);
    RETURN_IF_ERROR(consumer->Start());
    consumers_.push_back(std::move(consumer));
  }
  ASSIGN_OR_RETURN(rpc::RunningServer grpc_server,
                   rpc::StartGrpcServer({grpc_host_, grpc_port_, max_message_bytes_}, services_));
  std::atomic<bool> stopping{false};
  ASSIGN_OR_RETURN(auto admin, rpc::StartAdminServer(grpc_host_, admin_port_, [&]() -> absl::Status {
                     if (stopping) return absl::UnavailableError("shutting down");
                     for (const auto& c : consumers_) {
                       if (!c->assigned()) {
                         return absl::UnavailableError("consumer has no partitions assigned yet");
                       }
                     }
                     return absl::OkStatus();
                   }));
  core::Log(core::LogLevel::kInfo, "serving",
            {{"grpc_port", std::to_string(grpc_server.port)},
             {"admin_port", std::to_string(admin->port())},
             {"data_dir", store_->path()},
             {"kafka_bootstrap", kafka_.bootstrap}});

  int sig = rpc::WaitForShutdownSignal();
  core::Log(core::LogLevel::kInfo, "shutting down", {{"signal", std::to_string(sig)}});
  // The whole stop fits in --shutdown_grace_ms, Kafka reachable or not:
  // calls in progress, consumers and relay share its first 80%; whatever
  // still blocks at 95% (librdkafka waiting for a broker) is cut short by
  // exiting, which loses nothing the outbox and RocksDB hold.
  absl::Time start = absl::Now();
  rpc::ExitAtDeadline(start + shutdown_grace_ * 0.95, "stopping within --shutdown_grace_ms");
  absl::Time deadline = start + shutdown_grace_ * 0.8;
  auto remaining = [&] { return std::max(deadline - absl::Now(), absl::ZeroDuration()); };
  stopping = true;
  grpc_server.server->GetHealthCheckService()->SetServingStatus(false);
  grpc_server.server->Shutdown(absl::ToChronoTime(deadline));
  for (auto& c : consumers_) c->Stop();  // Each within about 5 s.
  relay_->Stop(remaining());
  admin->Stop();
  core::Log(core::LogLevel::kInfo, "stopped");
  return absl::OkStatus();
}

int ServiceMain(int argc, char** argv, const HostDefaults& defaults,
                const std::function<absl::Status(ServiceHost&)>& wire) {
  rpc::BlockShutdownSignals();
  core::ParseFlagsOrDie(argc, argv, absl::StrCat("pharmacrm-", defaults.service, " [flags]"));
  core::InitCrashPointsFromFlags();
  core::SetLogService(defaults.service);
  auto host = ServiceHost::Create(defaults);
  absl::Status status = host.ok() ? wire(**host) : host.status();
  if (status.ok()) status = (*host)->Run();
  if (!status.ok()) {
    core::Log(core::LogLevel::kError, "fatal", {{"error", status.ToString()}});
    return 1;
  }
  return 0;
}

}  // namespace pharmacrm::runtime
