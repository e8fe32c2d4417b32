#include "pharmacrm/rpc/server.h"

#include <fstream>
#include <sstream>

#include "google/protobuf/descriptor.h"
#include "google/protobuf/descriptor.pb.h"
#include "google/protobuf/dynamic_message.h"
#include "gtest/gtest.h"
#include "grpcpp/generic/generic_stub.h"
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

// One request/reply exchange on the server's
// grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo stream, as a
// reflection client (grpcurl, say) does it: `request` and the reply are
// ServerReflectionRequest / ServerReflectionResponse messages of `pool`.
class ReflectionClient {
 public:
  ReflectionClient() {
    std::ifstream in(PHARMACRM_REFLECTION_DESCRIPTORS, std::ios::binary);
    google::protobuf::FileDescriptorSet files;
    EXPECT_TRUE(files.ParseFromIstream(&in)) << PHARMACRM_REFLECTION_DESCRIPTORS;
    for (const auto& file : files.file()) EXPECT_NE(pool_.BuildFile(file), nullptr);
  }

  std::unique_ptr<google::protobuf::Message> NewMessage(const std::string& type) {
    const google::protobuf::Descriptor* d = pool_.FindMessageTypeByName(type);
    EXPECT_NE(d, nullptr) << type;
    return std::unique_ptr<google::protobuf::Message>(factory_.GetPrototype(d)->New());
  }

  // The reply to `request`, or nullptr (with a test failure) if the call fails.
  std::unique_ptr<google::protobuf::Message> Ask(int port,
                                                 const google::protobuf::Message& request) {
    grpc::GenericStub stub(MakeChannel("127.0.0.1:" + std::to_string(port)));
    grpc::ClientContext ctx;
    ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
    grpc::CompletionQueue cq;
    auto call = stub.PrepareCall(
        &ctx, "/grpc.reflection.v1alpha.ServerReflection/ServerReflectionInfo", &cq);
    std::string bytes = request.SerializeAsString();
    grpc::Slice slice(bytes);
    grpc::ByteBuffer out(&slice, 1), in;
    grpc::Status status;
    auto step = [&](auto start) {
      start();
      void* tag = nullptr;
      bool ok = false;
      return cq.Next(&tag, &ok) && ok;
    };
    bool ok = step([&] { call->StartCall(this); }) && step([&] { call->Write(out, this); }) &&
              step([&] { call->WritesDone(this); }) && step([&] { call->Read(&in, this); });
    step([&] { call->Finish(&status, this); });
    cq.Shutdown();
    void* tag = nullptr;
    bool drained = false;
    while (cq.Next(&tag, &drained)) {
    }
    EXPECT_TRUE(ok && status.ok()) << status.error_message();
    if (!ok || !status.ok()) return nullptr;
    grpc::Slice reply;
    EXPECT_TRUE(in.DumpToSingleSlice(&reply).ok());
    auto response = NewMessage("grpc.reflection.v1alpha.ServerReflectionResponse");
    EXPECT_TRUE(response->ParseFromArray(reply.begin(), static_cast<int>(reply.size())));
    return response;
  }

 private:
  google::protobuf::DescriptorPool pool_;
  google::protobuf::DynamicMessageFactory factory_;
};

TEST(GrpcServer, ReflectionListsAndDescribesTheHealthService) {
  auto running = StartGrpcServer({"127.0.0.1", 0, 1 << 20}, {});
  ASSERT_TRUE(running.ok()) << running.status();
  ReflectionClient client;

  auto list = client.NewMessage("grpc.reflection.v1alpha.ServerReflectionRequest");
  list->GetReflection()->SetString(
      list.get(), list->GetDescriptor()->FindFieldByName("list_services"), "*");
  auto listed = client.Ask(running->port, *list);
  ASSERT_NE(listed, nullptr);
  EXPECT_NE(listed->DebugString().find("name: \"grpc.health.v1.Health\""), std::string::npos)
      << listed->DebugString();

  auto describe = client.NewMessage("grpc.reflection.v1alpha.ServerReflectionRequest");
  describe->GetReflection()->SetString(
      describe.get(), describe->GetDescriptor()->FindFieldByName("file_containing_symbol"),
      "grpc.health.v1.Health");
  auto described = client.Ask(running->port, *describe);
  ASSERT_NE(described, nullptr);
  const auto* refl = described->GetReflection();
  const auto* files_field = described->GetDescriptor()->FindFieldByName("file_descriptor_response");
  ASSERT_TRUE(refl->HasField(*described, files_field)) << described->DebugString();
  const google::protobuf::Message& files = refl->GetMessage(*described, files_field);
  const auto* protos_field = files.GetDescriptor()->FindFieldByName("file_descriptor_proto");
  ASSERT_GE(files.GetReflection()->FieldSize(files, protos_field), 1);
  google::protobuf::FileDescriptorProto file;
  ASSERT_TRUE(
      file.ParseFromString(files.GetReflection()->GetRepeatedString(files, protos_field, 0)));
  EXPECT_EQ(file.package(), "grpc.health.v1");
  ASSERT_EQ(file.service_size(), 1);
  EXPECT_EQ(file.service(0).name(), "Health");
  bool has_check = false;
  for (const auto& m : file.service(0).method()) {
    has_check |= m.name() == "Check" && m.input_type() == ".grpc.health.v1.HealthCheckRequest" &&
                 m.output_type() == ".grpc.health.v1.HealthCheckResponse";
  }
  EXPECT_TRUE(has_check) << file.DebugString();
  running->server->Shutdown();
}

TEST(GrpcServer, HealthCheckFailsWhenNotServing) {
  auto running = StartGrpcServer({"127.0.0.1", 0, 1 << 20}, {});
  ASSERT_TRUE(running.ok()) << running.status();
  running->server->GetHealthCheckService()->SetServingStatus(false);
  auto channel = MakeChannel("127.0.0.1:" + std::to_string(running->port));
  absl::Status s = CheckHealth(channel, absl::Seconds(5));
  EXPECT_EQ(s.code(), absl::StatusCode::kUnavailable);
  EXPECT_NE(s.message().find("NOT_SERVING"), std::string::npos) << s;
  running->server->Shutdown();
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
