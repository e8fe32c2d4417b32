// The admin HTTP port every process serves: /metrics (Prometheus text),
// /healthz (alive), /readyz (ready to take traffic).
#ifndef PHARMACRM_RPC_ADMIN_H_
#define PHARMACRM_RPC_ADMIN_H_

#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "pharmacrm/http/server.h"

namespace pharmacrm::rpc {

// `ready` returns OK when the process can serve, else why not (shown on
// /readyz with 503).
absl::StatusOr<std::unique_ptr<http::Server>> StartAdminServer(
    const std::string& host, int port, std::function<absl::Status()> ready);

}  // namespace pharmacrm::rpc

#endif  // PHARMACRM_RPC_ADMIN_H_
