#include "pharmacrm/rpc/admin.h"

#include "pharmacrm/core/metrics.h"

namespace pharmacrm::rpc {

absl::StatusOr<std::unique_ptr<http::Server>> StartAdminServer(
    const std::string& host, int port, std::function<absl::Status()> ready) {
  http::ServerOptions options;
  options.host = host;
  options.port = port;
  options.threads = 2;
  options.max_body_bytes = 4096;
  return http::Server::Start(options, [ready = std::move(ready)](const http::Request& req) {
    http::Response resp;
    if (req.method != "GET") {
      resp.status = 405;
      resp.body = http::JsonError("METHOD_NOT_ALLOWED", "admin endpoints accept GET only");
    } else if (req.path == "/metrics") {
      resp.content_type = "text/plain; version=0.0.4; charset=utf-8";
      resp.body = core::SerializeMetrics();
    } else if (req.path == "/healthz") {
      resp.body = R"({"status":"ok"})";
    } else if (req.path == "/readyz") {
      absl::Status s = ready();
      if (s.ok()) {
        resp.body = R"({"status":"ready"})";
      } else {
        resp.status = 503;
        resp.body = http::JsonError("UNAVAILABLE", s.message());
      }
    } else {
      resp.status = 404;
      resp.body = http::JsonError("NOT_FOUND", "admin paths: /metrics /healthz /readyz");
    }
    return resp;
  });
}

}  // namespace pharmacrm::rpc
