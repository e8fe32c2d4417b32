#include "pharmacrm/rpc/server.h"

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "grpcpp/ext/proto_server_reflection_plugin.h"
#include "grpc/health/v1/health.grpc.pb.h"
#include "grpcpp/health_check_service_interface.h"
#include "pharmacrm/core/ids.h"
#include "pharmacrm/core/log.h"
#include "pharmacrm/core/metrics.h"
#include "pharmacrm/rpc/status.h"

namespace pharmacrm::rpc {
namespace {
constexpr char kCorrelationHeader[] = "x-correlation-id";

core::IdGenerator& Ids() {
  static core::IdGenerator* ids = new core::IdGenerator();
  return *ids;
}

struct RpcMetrics {
  prometheus::Family<prometheus::Counter>& requests =
      prometheus::BuildCounter()
          .Name("pharmacrm_rpc_requests_total")
          .Help("gRPC requests handled, by method and status code")
          .Register(core::Metrics());
  prometheus::Family<prometheus::Histogram>& latency =
      prometheus::BuildHistogram()
          .Name("pharmacrm_rpc_latency_seconds")
          .Help("gRPC handler latency, by method")
          .Register(core::Metrics());
};
RpcMetrics& Metrics() {
  static RpcMetrics* m = new RpcMetrics();
  return *m;
}
}  // namespace

absl::StatusOr<RunningServer> StartGrpcServer(const GrpcServerOptions& options,
                                              const std::vector<grpc::Service*>& services) {
  grpc::EnableDefaultHealthCheckService(true);
  // gRPC's own health service carries no protobuf descriptor; server
  // reflection describes a service only from the generated pool, so the
  // descriptor of grpc.health.v1 (compiled from Debian's grpc-proto) is
  // pulled in here, with the binary's link.
  (void)grpc::health::v1::HealthCheckResponse::descriptor();
  grpc::reflection::InitProtoReflectionServerBuilderPlugin();
  grpc::ServerBuilder builder;
  RunningServer running;
  std::string address = absl::StrCat(options.host, ":", options.port);
  builder.AddListeningPort(address, grpc::InsecureServerCredentials(), &running.port);
  // Without this gRPC sets SO_REUSEPORT and a second process on the same
  // port would silently share its traffic.
  builder.AddChannelArgument(GRPC_ARG_ALLOW_REUSEPORT, 0);
  builder.SetMaxReceiveMessageSize(options.max_message_bytes);
  builder.SetMaxSendMessageSize(options.max_message_bytes);
  // The synchronous server starts a thread per call in flight and, by
  // default, lets all but two idle ones exit: under steady load threads were
  // created and destroyed per call (clone, thread-locals, RocksDB's
  // per-thread context). Keeping up to 16 idle per completion queue removes
  // that churn; threads still grow with load beyond it.
  builder.SetSyncServerOption(grpc::ServerBuilder::SyncServerOption::MAX_POLLERS, 16);
  for (grpc::Service* s : services) builder.RegisterService(s);
  running.server = builder.BuildAndStart();
  if (!running.server || running.port == 0) {
    return absl::UnavailableError(absl::StrCat("grpc: cannot listen on ", address));
  }
  return running;
}

grpc::Status HandleRpc(absl::string_view method, grpc::ServerContext* context,
                       const std::function<absl::Status()>& handler) {
  std::string correlation_id;
  auto it = context->client_metadata().find(kCorrelationHeader);
  if (it != context->client_metadata().end()) {
    correlation_id.assign(it->second.data(), std::min<size_t>(it->second.size(), 128));
  } else {
    correlation_id = Ids().Next();
  }
  core::ScopedCorrelationId scoped(correlation_id);
  absl::Time start = absl::Now();
  absl::Status status = handler();
  double seconds = absl::ToDoubleSeconds(absl::Now() - start);
  std::string m(method);
  Metrics().latency.Add({{"method", m}}, core::LatencyBuckets()).Observe(seconds);
  Metrics().requests.Add({{"method", m}, {"code", CodeName(status.code())}}).Increment();
  if (!status.ok()) {
    core::LogLevel level = status.code() == absl::StatusCode::kInternal ||
                                   status.code() == absl::StatusCode::kDataLoss ||
                                   status.code() == absl::StatusCode::kUnknown
                               ? core::LogLevel::kError
                               : core::LogLevel::kInfo;
    core::Log(level, "rpc failed",
              {{"method", method}, {"code", CodeName(status.code())}, {"error", status.message()}});
  }
  return ToGrpcStatus(status);
}

std::string ActorOf(const grpc::ServerContext& context) {
  auto it = context.client_metadata().find("x-pharmacrm-actor");
  if (it == context.client_metadata().end()) return "anonymous";
  return std::string(it->second.data(), std::min<size_t>(it->second.size(), 128));
}

namespace {
thread_local std::string t_actor;
}  // namespace

ScopedActor::ScopedActor(std::string actor) : previous_(std::move(t_actor)) {
  t_actor = std::move(actor);
  if (t_actor.size() > 128) t_actor.resize(128);
}

ScopedActor::~ScopedActor() { t_actor = std::move(previous_); }

std::unique_ptr<grpc::ClientContext> ClientContextWithDeadline(absl::Duration timeout) {
  auto ctx = std::make_unique<grpc::ClientContext>();
  ctx->set_deadline(absl::ToChronoTime(absl::Now() + timeout));
  if (!core::CurrentCorrelationId().empty()) {
    ctx->AddMetadata(kCorrelationHeader, core::CurrentCorrelationId());
  }
  if (!t_actor.empty()) ctx->AddMetadata("x-pharmacrm-actor", t_actor);
  return ctx;
}

std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target, int max_message_bytes) {
  grpc::ChannelArguments args;
  args.SetMaxReceiveMessageSize(max_message_bytes);
  args.SetMaxSendMessageSize(max_message_bytes);
  return grpc::CreateCustomChannel(target, grpc::InsecureChannelCredentials(), args);
}

absl::Status CheckHealth(const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout) {
  grpc::health::v1::Health::Stub stub(channel);
  auto ctx = ClientContextWithDeadline(timeout);
  grpc::health::v1::HealthCheckRequest request;  // service "": the server as a whole.
  grpc::health::v1::HealthCheckResponse response;
  grpc::Status status = stub.Check(ctx.get(), request, &response);
  if (!status.ok()) return absl::UnavailableError("health check: " + status.error_message());
  using grpc::health::v1::HealthCheckResponse;
  if (response.status() != HealthCheckResponse::SERVING) {
    return absl::UnavailableError(
        absl::StrCat("health check: ", HealthCheckResponse::ServingStatus_Name(response.status())));
  }
  return absl::OkStatus();
}

}  // namespace pharmacrm::rpc
