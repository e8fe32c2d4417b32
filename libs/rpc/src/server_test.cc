#include "pharmacrm/rpc/server.h"

#include "gtest/gtest.h"
#include "grpcpp/health_check_service_interface.h"
#include "pharmacrm/core/log.h"
#include "pharmacrm/core/metrics.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/http/server.h"
#include "pharmacrm/rpc/admin.h"

namespace pharmacrm::rpc {
namespace {

TEST(GrpcServer, ServesHealthOnAnOsPickedPort) {
  auto running = StartGrpcServer({"127.0.0.1", 0, 1 << 20}, {});
  ASSERT_TRUE(running.ok()) << running.status();
  EXPECT_GT(running->port, 0);
  auto channel = MakeChannel("127.0.0.1:" + std::to_string(running->port));
  EXPECT_TRUE(CheckHealth(channel, absl::Seconds(5)).ok());
  running->server->Shutdown();
}

TEST(GrpcServer, PortInUseIsAClearError) {
  auto first = StartGrpcServer({"127.0.0.1", 0, 1 << 20}, {});
  ASSERT_TRUE(first.ok());
  auto second = StartGrpcServer({"127.0.0.1", first->port, 1 << 20}, {});
  EXPECT_EQ(second.status().code(), absl::StatusCode::kUnavailable);
  first->server->Shutdown();
  // Nothing listens any more: the health check fails within its deadline.
  auto channel = MakeChannel("127.0.0.1:" + std::to_string(first->port));
  EXPECT_EQ(CheckHealth(channel, absl::Milliseconds(300)).code(), absl::StatusCode::kUnavailable);
}

TEST(HandleRpc, MapsErrorsAndCountsThem) {
  grpc::ServerContext ctx;
  grpc::Status s = HandleRpc("Test/Method", &ctx, [] {
    return core::FieldError("customer_id", "must not be empty");
  });
  EXPECT_EQ(s.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_FALSE(s.error_details().empty());
  std::string metrics = core::SerializeMetrics();
  EXPECT_NE(metrics.find(R"(pharmacrm_rpc_requests_total{code="INVALID_ARGUMENT",method="Test/Method"} 1)"),
            std::string::npos)
      << metrics;
}

TEST(ClientContext, CarriesDeadlineAndCorrelationId) {
  core::ScopedCorrelationId cid("corr-42");
  auto ctx = ClientContextWithDeadline(absl::Milliseconds(250));
  auto remaining = ctx->deadline() - std::chrono::system_clock::now();
  EXPECT_GT(remaining, std::chrono::milliseconds(100));
  EXPECT_LE(remaining, std::chrono::milliseconds(250));
}

TEST(AdminServer, ServesMetricsHealthAndReadiness) {
  bool ready = false;
  auto admin = StartAdminServer("127.0.0.1", 0, [&] {
    return ready ? absl::OkStatus() : absl::UnavailableError("consumers not assigned yet");
  });
  ASSERT_TRUE(admin.ok()) << admin.status();
  int port = (*admin)->port();
  auto r = http::Fetch("127.0.0.1", port, "GET", "/readyz");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->status, 503);
  EXPECT_NE(r->body.find("consumers not assigned yet"), std::string::npos);
  ready = true;
  EXPECT_EQ(http::Fetch("127.0.0.1", port, "GET", "/readyz")->status, 200);
  EXPECT_EQ(http::Fetch("127.0.0.1", port, "GET", "/healthz")->status, 200);
  auto m = http::Fetch("127.0.0.1", port, "GET", "/metrics");
  EXPECT_EQ(m->status, 200);
  EXPECT_NE(m->content_type.find("text/plain"), std::string::npos);
  EXPECT_EQ(http::Fetch("127.0.0.1", port, "GET", "/nope")->status, 404);
}

}  // namespace
}  // namespace pharmacrm::rpc
