#include "pharmacrm/runtime/host.h"

#include <filesystem>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/time/clock.h"
#include "gtest/gtest.h"

namespace pharmacrm::runtime {
namespace {

// Records its destruction in `log`.
class ProbeService : public grpc::Service {
 public:
  ProbeService(std::vector<std::string>* log, std::string name)
      : log_(log), name_(std::move(name)) {}
  ~ProbeService() override { log_->push_back(name_); }

 private:
  std::vector<std::string>* log_;
  std::string name_;
};

struct Probe {
  Probe(std::vector<std::string>* log, std::string name) : log(log), name(std::move(name)) {}
  ~Probe() { log->push_back(name); }
  std::vector<std::string>* log;
  std::string name;
};

class ServiceHostTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pcrm-host-" + std::to_string(std::random_device{}()));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<ServiceHost> MakeHost(const HostOptions& options) {
    auto store = store::Store::Open({dir_.string(), /*sync_writes=*/false});
    EXPECT_TRUE(store.ok()) << store.status();
    return ServiceHost::CreateForTest("test", std::move(*store), options);
  }

  std::filesystem::path dir_;
};

TEST_F(ServiceHostTest, ServesTheInjectedClock) {
  const absl::Time start = absl::FromUnixSeconds(1'790'000'000);
  core::FakeClock clock(start);
  std::unique_ptr<ServiceHost> host = MakeHost({&clock});
  EXPECT_EQ(host->clock().Now(), start);
  clock.Advance(absl::Hours(25));
  EXPECT_EQ(host->clock().Now(), start + absl::Hours(25));
}

TEST_F(ServiceHostTest, WithoutAClockServesTheRealOne) {
  std::unique_ptr<ServiceHost> host = MakeHost({});
  EXPECT_EQ(&host->clock(), core::Clock::Real());
  EXPECT_LT(absl::AbsDuration(host->clock().Now() - absl::Now()), absl::Minutes(1));
}

TEST_F(ServiceHostTest, OwnsWhatItHostsAndDestroysItInReverseOrder) {
  std::vector<std::string> log;
  {
    std::unique_ptr<ServiceHost> host = MakeHost({});
    Probe& dependency = host->Keep(std::make_unique<Probe>(&log, "dependency"));
    ProbeService& first = host->EmplaceService<ProbeService>(&log, "first service");
    host->EmplaceService<ProbeService>(&log, "second service");
    EXPECT_EQ(dependency.name, "dependency");
    EXPECT_NE(&first, nullptr);
    EXPECT_TRUE(log.empty());
  }
  EXPECT_EQ(log, (std::vector<std::string>{"second service", "first service", "dependency"}));
}

TEST_F(ServiceHostTest, ATestHostDoesNotRun) {
  std::unique_ptr<ServiceHost> host = MakeHost({});
  EXPECT_EQ(host->Run().code(), absl::StatusCode::kFailedPrecondition);
}

TEST_F(ServiceHostTest, ProjectionsOfOneTopicShareOneConsumerAndOneBatch) {
  std::unique_ptr<ServiceHost> host = MakeHost({});
  std::vector<std::string> order;
  host->AddProjection({"t.a", "t.b"}, [&](const v1::EventEnvelope& e, store::Batch& batch) {
    order.push_back("first " + e.event_id());
    batch.Put(store::Family::kState, "first", e.event_id());
    return absl::OkStatus();
  });
  host->AddProjection({"t.b", "t.a"}, [&](const v1::EventEnvelope& e, store::Batch& batch) {
    order.push_back("second " + e.event_id());
    batch.Put(store::Family::kState, "second", e.event_id());
    return absl::OkStatus();
  });
  EXPECT_TRUE(host->projections_status().ok());
  bus::ApplyFn apply = host->ApplyFnFor("t.b");
  ASSERT_TRUE(apply);
  v1::EventEnvelope event;
  event.set_event_id("e1");
  store::Batch batch;
  ASSERT_TRUE(apply(event, batch).ok());
  EXPECT_EQ(order, (std::vector<std::string>{"first e1", "second e1"}));
  EXPECT_EQ(batch.Pending(store::Family::kState, "second"), std::optional<std::optional<std::string>>(
                                                                std::optional<std::string>("e1")));
  // The first one's failure stops the event: the second does not run.
  host->AddProjection({"t.a", "t.b"}, [](const v1::EventEnvelope&, store::Batch&) {
    return absl::InvalidArgumentError("poison");
  });
  order.clear();
  store::Batch other;
  EXPECT_EQ(host->ApplyFnFor("t.a")(event, other).code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(order, (std::vector<std::string>{"first e1", "second e1"}));
  EXPECT_FALSE(host->ApplyFnFor("t.c"));
}

TEST_F(ServiceHostTest, ATopicInTwoDifferentListsIsRefused) {
  std::unique_ptr<ServiceHost> host = MakeHost({});
  auto nothing = [](const v1::EventEnvelope&, store::Batch&) { return absl::OkStatus(); };
  host->AddProjection({"t.a"}, nothing);
  host->AddProjection({"t.a", "t.b"}, nothing);
  EXPECT_EQ(host->projections_status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_NE(host->projections_status().message().find("t.a"), absl::string_view::npos);
}

}  // namespace
}  // namespace pharmacrm::runtime
