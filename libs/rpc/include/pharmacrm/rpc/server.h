// gRPC server bootstrap and the handler wrapper every RPC goes through.
#ifndef PHARMACRM_RPC_SERVER_H_
#define PHARMACRM_RPC_SERVER_H_

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"

namespace pharmacrm::rpc {

struct GrpcServerOptions {
  std::string host = "0.0.0.0";
  int port = 0;  // 0: the OS picks.
  // Larger requests get RESOURCE_EXHAUSTED from gRPC before any handler runs.
  int max_message_bytes = 4 << 20;
};

struct RunningServer {
  std::unique_ptr<grpc::Server> server;
  int port = 0;
};

// Starts a server with `services`, grpc.health.v1 (all SERVING) and server
// reflection, which describes both. `services` must outlive it.
absl::StatusOr<RunningServer> StartGrpcServer(const GrpcServerOptions& options,
                                              const std::vector<grpc::Service*>& services);

// Runs one RPC: takes the correlation id from the x-correlation-id request
// header (or uses the request id / a new id), records the
// pharmacrm_rpc_* metrics, logs failures, and maps the result with
// ToGrpcStatus. This is the only place handlers' errors become gRPC statuses.
grpc::Status HandleRpc(absl::string_view method, grpc::ServerContext* context,
                       const std::function<absl::Status()>& handler);

// Who is calling: the x-pharmacrm-actor request header (the gateway forwards
// the one its caller declared; there is no authentication yet), at most 128
// bytes, or "anonymous".
std::string ActorOf(const grpc::ServerContext& context);

// Sets this thread's actor for the scope's lifetime: outgoing calls made in
// it carry it as x-pharmacrm-actor. Empty: none.
class ScopedActor {
 public:
  explicit ScopedActor(std::string actor);
  ~ScopedActor();
  ScopedActor(const ScopedActor&) = delete;
  ScopedActor& operator=(const ScopedActor&) = delete;

 private:
  std::string previous_;
};

// A client context whose deadline is `timeout` from now, carrying the current
// correlation id and actor (ScopedActor), if any. Every outgoing call uses
// one.
std::unique_ptr<grpc::ClientContext> ClientContextWithDeadline(absl::Duration timeout);

// An insecure channel to `target` honouring max_message_bytes both ways.
std::shared_ptr<grpc::Channel> MakeChannel(const std::string& target, int max_message_bytes = 4 << 20);

// Asks `channel`'s standard grpc.health.v1.Health/Check (service "").
// OK when SERVING; UNAVAILABLE otherwise or when the call fails.
absl::Status CheckHealth(const std::shared_ptr<grpc::Channel>& channel, absl::Duration timeout);

}  // namespace pharmacrm::rpc

#endif  // PHARMACRM_RPC_SERVER_H_
