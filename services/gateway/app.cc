#include "app.h"

#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "api/backends.h"
#include "api/gateway_service.h"
#include "api/http_api.h"
#include "domain/masking.h"
#include "pharmacrm/core/config.h"
#include "pharmacrm/core/log.h"
#include "pharmacrm/rpc/admin.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/rpc/signals.h"

ABSL_FLAG(std::string, grpc_host, "0.0.0.0", "Address the gateway listens on");
ABSL_FLAG(int, http_port, 8080, "HTTP/JSON API port");
ABSL_FLAG(int, grpc_port, 7050, "gRPC port");
ABSL_FLAG(int, admin_port, 9106, "Admin HTTP port (/metrics /healthz /readyz)");
ABSL_FLAG(std::string, customer_master_addr, "127.0.0.1:7051", "customer-master gRPC address");
ABSL_FLAG(std::string, sales_pipeline_addr, "127.0.0.1:7052", "sales-pipeline gRPC address");
ABSL_FLAG(std::string, campaigns_addr, "127.0.0.1:7053", "campaigns gRPC address");
ABSL_FLAG(std::string, service_desk_addr, "127.0.0.1:7054", "service-desk gRPC address");
ABSL_FLAG(std::string, value_scoring_addr, "127.0.0.1:7055", "value-scoring gRPC address");
ABSL_FLAG(int, query_deadline_ms, 1000, "Deadline of each fan-out query to a service");
ABSL_FLAG(int, command_deadline_ms, 5000, "Deadline of each command forwarded to a service");
ABSL_FLAG(int, max_body_bytes, 1 << 20, "Largest HTTP request body accepted (413 above)");
ABSL_FLAG(int, max_message_bytes, 4 << 20, "Largest gRPC message accepted or sent");
ABSL_FLAG(int, http_threads, 8, "HTTP worker threads");
ABSL_FLAG(bool, print_openapi, false,
          "Print the OpenAPI document of the HTTP API (as served at /api/v1/openapi.json) and exit");
ABSL_FLAG(std::string, max_data_class, "sensitive",
          "Highest data class served (public, business, personal, sensitive, health); fields "
          "above it are left out of every answer. The default withholds patients' health data");

namespace pharmacrm::gateway {

int GatewayMain(int argc, char** argv) {
  rpc::BlockShutdownSignals();
  core::ParseFlagsOrDie(argc, argv, "pharmacrm-gateway [flags]");
  core::SetLogService("gateway");
  auto fail = [](const absl::Status& s) {
    core::Log(core::LogLevel::kError, "fatal", {{"error", s.ToString()}});
    return 1;
  };
  absl::StatusOr<v1::DataClass> max_class = ParseMaxDataClass(absl::GetFlag(FLAGS_max_data_class));
  if (!max_class.ok()) {
    std::fprintf(stderr, "pharmacrm-gateway: --%s\n", std::string(max_class.status().message()).c_str());
    return 2;
  }
  // The routes come from the descriptors: an annotation that cannot be
  // served stops the start naming the RPC.
  absl::StatusOr<std::unique_ptr<HttpApi>> http_api = LoadHttpApi();
  if (!http_api.ok()) {
    std::fprintf(stderr, "pharmacrm-gateway: %s\n", http_api.status().ToString().c_str());
    return 2;
  }
  if (absl::GetFlag(FLAGS_print_openapi)) {
    std::fputs((*http_api)->openapi_json.c_str(), stdout);
    std::fputs("\n", stdout);
    return 0;
  }
  Backends backends({absl::GetFlag(FLAGS_customer_master_addr), absl::GetFlag(FLAGS_sales_pipeline_addr),
                     absl::GetFlag(FLAGS_campaigns_addr), absl::GetFlag(FLAGS_service_desk_addr),
                     absl::GetFlag(FLAGS_value_scoring_addr)},
                    absl::Milliseconds(absl::GetFlag(FLAGS_query_deadline_ms)),
                    absl::Milliseconds(absl::GetFlag(FLAGS_command_deadline_ms)),
                    absl::GetFlag(FLAGS_max_message_bytes));
  GatewayService grpc_service(backends, *max_class);
  std::string host = absl::GetFlag(FLAGS_grpc_host);
  auto grpc_server = rpc::StartGrpcServer(
      {host, absl::GetFlag(FLAGS_grpc_port), absl::GetFlag(FLAGS_max_message_bytes)}, {&grpc_service});
  if (!grpc_server.ok()) return fail(grpc_server.status());
  http::ServerOptions http_options;
  http_options.host = host;
  http_options.port = absl::GetFlag(FLAGS_http_port);
  http_options.threads = absl::GetFlag(FLAGS_http_threads);
  http_options.max_body_bytes = static_cast<size_t>(absl::GetFlag(FLAGS_max_body_bytes));
  auto http_server = http::Server::Start(http_options, MakeHttpHandler(backends, **http_api, {*max_class, http_options.max_body_bytes}));
  if (!http_server.ok()) return fail(http_server.status());
  std::atomic<bool> stopping{false};
  auto admin = rpc::StartAdminServer(host, absl::GetFlag(FLAGS_admin_port), [&]() -> absl::Status {
    return stopping ? absl::UnavailableError("shutting down") : absl::OkStatus();
  });
  if (!admin.ok()) return fail(admin.status());
  core::Log(core::LogLevel::kInfo, "serving",
            {{"http_port", std::to_string((*http_server)->port())},
             {"grpc_port", std::to_string(grpc_server->port)},
             {"admin_port", std::to_string((*admin)->port())},
             {"max_data_class", v1::DataClass_Name(*max_class)}});
  int sig = rpc::WaitForShutdownSignal();
  core::Log(core::LogLevel::kInfo, "shutting down", {{"signal", std::to_string(sig)}});
  stopping = true;
  (*http_server)->Stop();
  grpc_server->server->Shutdown(absl::ToChronoTime(absl::Now() + absl::Seconds(5)));
  (*admin)->Stop();
  return 0;
}

}  // namespace pharmacrm::gateway
