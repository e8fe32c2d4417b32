#include "pharmacrm/runtime/host.h"

#include <filesystem>
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

}  // namespace
}  // namespace pharmacrm::runtime
