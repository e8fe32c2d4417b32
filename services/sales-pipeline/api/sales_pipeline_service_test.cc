// SalesPipelineService over a real RocksDB store and a FakeClock injected
// through the host: the visit time rules read the host's clock, never the
// machine's.
#include "api/sales_pipeline_service.h"

#include <filesystem>
#include <random>

#include "domain/visit_rules.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/clock.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/rpc/status.h"
#include "pharmacrm/runtime/projection.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "storage/keys.h"

namespace pharmacrm::sales_pipeline {
namespace {

// 2026-09-21T14:13:20Z, far from the machine's clock on purpose.
const absl::Time kNow = absl::FromUnixSeconds(1'790'000'000);

class SalesPipelineServiceTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pcrm-sales-" + std::to_string(std::random_device{}()));
    auto store = store::Store::Open({dir_.string(), /*sync_writes=*/false});
    ASSERT_TRUE(store.ok()) << store.status();
    host_ = runtime::ServiceHost::CreateForTest("sales-pipeline", std::move(*store), {&clock_});
    VisitLog& visits = host_->Keep(std::make_unique<VisitLog>(*host_));
    service_ = &host_->EmplaceService<SalesPipelineService>(*host_, visits);
    // The customer as the known-customers projection would have stored it.
    v1::Customer customer;
    customer.set_id("c-1");
    customer.set_status(v1::CUSTOMER_STATUS_ACTIVE);
    customer.mutable_profile()->set_kind(v1::CUSTOMER_KIND_DOCTOR);
    store::Batch batch;
    batch.Put(store::Family::kState, runtime::CustomerKey(kKnownCustomer, "c-1"),
              customer.SerializeAsString());
    ASSERT_TRUE(host_->store().Write(std::move(batch)).ok());
  }
  void TearDown() override {
    host_.reset();
    std::filesystem::remove_all(dir_);
  }

  // LogVisit for c-1 at `visited_at` (unset: none given), as gRPC reports it.
  absl::StatusOr<v1::Visit> Log(std::optional<absl::Time> visited_at) {
    v1::LogVisitRequest request;
    request.set_request_id("req-" + std::to_string(++requests_));
    request.set_customer_id("c-1");
    request.set_rep_id("rep-7");
    if (visited_at) *request.mutable_visited_at() = core::ToTimestamp(*visited_at);
    return Log(request);
  }
  absl::StatusOr<v1::Visit> Log(const v1::LogVisitRequest& request) {
    grpc::ServerContext context;
    v1::Visit visit;
    RETURN_IF_ERROR(rpc::FromGrpcStatus(service_->LogVisit(&context, &request, &visit)));
    return visit;
  }
  int64_t VisitCount() {
    grpc::ServerContext context;
    v1::GetCustomerActivityRequest request;
    request.set_customer_id("c-1");
    v1::CustomerActivity activity;
    EXPECT_TRUE(service_->GetCustomerActivity(&context, &request, &activity).ok());
    return activity.visit_count();
  }

  core::FakeClock clock_{kNow};
  std::filesystem::path dir_;
  std::unique_ptr<runtime::ServiceHost> host_;
  SalesPipelineService* service_ = nullptr;
  int requests_ = 0;
};

TEST_F(SalesPipelineServiceTest, AVisitWithoutTimeHappenedAtTheHostClocksNow) {
  absl::StatusOr<v1::Visit> visit = Log(std::nullopt);
  ASSERT_TRUE(visit.ok()) << visit.status();
  EXPECT_EQ(visit->visited_at(), core::ToTimestamp(kNow));
  EXPECT_EQ(VisitCount(), 1);
}

TEST_F(SalesPipelineServiceTest, RejectsVisitInTheFutureOfTheHostClock) {
  absl::StatusOr<v1::Visit> ahead = Log(kNow + absl::Hours(25));
  EXPECT_EQ(ahead.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(core::FieldOf(ahead.status()), "visited_at");
  absl::StatusOr<v1::Visit> skewed = Log(kNow + kMaxFutureSkew + absl::Seconds(1));
  EXPECT_EQ(core::FieldOf(skewed.status()), "visited_at");
  EXPECT_EQ(VisitCount(), 0);
  // Within the tolerated skew, and once the clock has caught up.
  EXPECT_TRUE(Log(kNow + kMaxFutureSkew).ok());
  clock_.Advance(absl::Hours(25));
  EXPECT_TRUE(Log(kNow + absl::Hours(25)).ok());
  EXPECT_EQ(VisitCount(), 2);
}

TEST_F(SalesPipelineServiceTest, RejectsVisitTooOldByTheHostClock) {
  EXPECT_TRUE(Log(kNow - absl::Hours(24 * 29)).ok());
  clock_.Advance(absl::Hours(24 * 2));
  absl::StatusOr<v1::Visit> old = Log(kNow - absl::Hours(24 * 29));
  EXPECT_EQ(old.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(core::FieldOf(old.status()), "visited_at");
  EXPECT_EQ(VisitCount(), 1);
}

TEST_F(SalesPipelineServiceTest, RejectsTimestampOutOfRangeNamingTheField) {
  v1::LogVisitRequest request;
  request.set_request_id("req-bad-nanos");
  request.set_customer_id("c-1");
  request.set_rep_id("rep-7");
  request.mutable_visited_at()->set_seconds(1'790'000'000);
  request.mutable_visited_at()->set_nanos(-1);
  absl::StatusOr<v1::Visit> visit = Log(request);
  EXPECT_EQ(visit.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(core::FieldOf(visit.status()), "visited_at");
  EXPECT_EQ(VisitCount(), 0);
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline
