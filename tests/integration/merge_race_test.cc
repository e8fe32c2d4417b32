// A merge racing registrations and updates that name the merged record:
// no active customer may end up naming a MERGED one. Registrations and
// updates check their references; a merge re-points the customers that
// named the merged record. Without locks on the referenced records, a
// registration can pass its check just before the merge and commit just
// after it, unseen by the merge: the new doctor names a merged hospital.
// Run against the real customer-master binary on a real broker.

#include <atomic>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"
#include "support/kafka_broker.h"
#include "support/suite.h"

namespace pharmacrm::itest {
namespace {

constexpr int kRounds = 40;
constexpr int kRegisterThreads = 6;
constexpr int kUpdateThreads = 3;

class MergeRaceTest : public testing::Test {
 protected:
  static void SetUpTestSuite() {
    KafkaBroker* broker = SharedBroker();
    ASSERT_NE(broker, nullptr);
    auto suite = Suite::Start(*broker, {"customer-master"});
    ASSERT_TRUE(suite.ok()) << suite.status();
    suite_ = suite->release();
  }
  static void TearDownTestSuite() {
    delete suite_;
    suite_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(suite_, nullptr) << "suite did not start";
    stub_ = v1::CustomerMaster::NewStub(rpc::MakeChannel(suite_->GrpcAddress("customer-master")));
  }

  grpc::Status Register(const std::string& request_id, const v1::CustomerProfile& profile,
                        v1::Customer* out) {
    v1::RegisterCustomerRequest req;
    req.set_request_id(request_id);
    *req.mutable_profile() = profile;
    auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(20));
    return stub_->RegisterCustomer(ctx.get(), req, out);
  }
  std::string RegisterHospital(const std::string& request_id, const std::string& name) {
    v1::CustomerProfile p;
    p.set_kind(v1::CUSTOMER_KIND_HOSPITAL);
    p.set_name(name);
    p.set_province("湖南省");
    v1::Customer out;
    grpc::Status s = Register(request_id, p, &out);
    EXPECT_TRUE(s.ok()) << s.error_message();
    return out.id();
  }
  static v1::CustomerProfile Doctor(const std::string& name, const std::string& hospital_id) {
    v1::CustomerProfile p;
    p.set_kind(v1::CUSTOMER_KIND_DOCTOR);
    p.set_name(name);
    p.set_department("心内科");
    p.set_hospital_id(hospital_id);
    return p;
  }
  // Points doctor `id` (at `version`) at `hospital_id`.
  grpc::Status MoveDoctor(const std::string& request_id, const std::string& id, int64_t version,
                          const std::string& hospital_id, v1::Customer* out) {
    v1::UpdateCustomerRequest req;
    req.set_request_id(request_id);
    req.set_customer_id(id);
    req.set_expected_version(version);
    req.mutable_profile()->set_hospital_id(hospital_id);
    req.mutable_update_mask()->add_paths("hospital_id");
    req.set_reason("转院");
    auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(20));
    return stub_->UpdateCustomer(ctx.get(), req, out);
  }
  absl::StatusOr<v1::Customer> Get(const std::string& id) {
    v1::GetCustomerRequest req;
    req.set_customer_id(id);
    v1::Customer out;
    auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(20));
    grpc::Status s = stub_->GetCustomer(ctx.get(), req, &out);
    if (!s.ok()) return absl::InternalError(s.error_message());
    return out;
  }

  static Suite* suite_;
  std::unique_ptr<v1::CustomerMaster::Stub> stub_;
};

Suite* MergeRaceTest::suite_ = nullptr;

// Each round: hospital `merged` is merged into `survivor` while threads
// register doctors naming `merged` and move doctors from `survivor` to
// `merged` and back, each until the merge refuses it. Afterwards every
// doctor of the round that is active must name a hospital that is active.
TEST_F(MergeRaceTest, NoActiveCustomerNamesAMergedOneAfterAMergeRacingWrites) {
  int rounds_with_dangling = 0;
  std::vector<std::string> dangling;
  for (int round = 0; round < kRounds; ++round) {
    const std::string tag = absl::StrCat("race-", round);
    const std::string survivor = RegisterHospital(tag + "-s", "湘雅附属医院");
    const std::string merged = RegisterHospital(tag + "-m", "湘雅附属医院本部");
    ASSERT_FALSE(survivor.empty());
    ASSERT_FALSE(merged.empty());
    std::vector<v1::Customer> movers;
    for (int i = 0; i < kUpdateThreads; ++i) {
      v1::Customer d;
      grpc::Status s = Register(absl::StrCat(tag, "-mover-", i),
                                Doctor(absl::StrCat("转院医生", i), survivor), &d);
      ASSERT_TRUE(s.ok()) << s.error_message();
      movers.push_back(d);
    }

    std::mutex mu;
    std::set<std::string> doctors;  // Every doctor of the round.
    for (const auto& d : movers) doctors.insert(d.id());
    std::atomic<bool> go = false;
    std::atomic<int> unexpected = 0;
    std::vector<std::thread> threads;
    for (int t = 0; t < kRegisterThreads; ++t) {
      threads.emplace_back([&, t] {
        while (!go) std::this_thread::yield();
        for (int n = 0; n < 1000; ++n) {
          v1::Customer out;
          grpc::Status s = Register(absl::StrCat(tag, "-reg-", t, "-", n),
                                    Doctor(absl::StrCat("医生", t, "-", n), merged), &out);
          if (s.ok()) {
            std::lock_guard<std::mutex> lock(mu);
            doctors.insert(out.id());
            continue;
          }
          // Refused once the hospital is merged: this thread is done.
          if (s.error_code() != grpc::StatusCode::FAILED_PRECONDITION) ++unexpected;
          return;
        }
      });
    }
    for (int t = 0; t < kUpdateThreads; ++t) {
      threads.emplace_back([&, t] {
        while (!go) std::this_thread::yield();
        v1::Customer d = movers[t];
        for (int n = 0; n < 1000; ++n) {
          const std::string target = n % 2 == 0 ? merged : survivor;
          v1::Customer out;
          grpc::Status s =
              MoveDoctor(absl::StrCat(tag, "-move-", t, "-", n), d.id(), d.version(), target, &out);
          if (s.ok()) {
            d = out;
            continue;
          }
          // The merge re-pointed this doctor (a new version): read it again.
          if (s.error_code() == grpc::StatusCode::ABORTED) {
            absl::StatusOr<v1::Customer> now = Get(d.id());
            if (!now.ok()) {
              ++unexpected;
              return;
            }
            d = *now;
            continue;
          }
          if (s.error_code() != grpc::StatusCode::FAILED_PRECONDITION) ++unexpected;
          return;
        }
      });
    }
    go = true;
    // The merge lands while the writers are busy.
    absl::SleepFor(absl::Milliseconds(5 + round % 7));
    v1::MergeCustomersRequest merge;
    merge.set_request_id(tag + "-merge");
    merge.set_survivor_id(survivor);
    merge.add_merged_ids(merged);
    merge.set_reason("同一医院");
    v1::Customer golden;
    auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(20));
    grpc::Status merged_status = stub_->MergeCustomers(ctx.get(), merge, &golden);
    for (auto& t : threads) t.join();
    ASSERT_TRUE(merged_status.ok()) << merged_status.error_message();
    EXPECT_EQ(unexpected, 0);

    bool any = false;
    for (const std::string& id : doctors) {
      absl::StatusOr<v1::Customer> c = Get(id);
      ASSERT_TRUE(c.ok()) << c.status();
      if (c->status() == v1::CUSTOMER_STATUS_ACTIVE && c->profile().hospital_id() == merged) {
        any = true;
        dangling.push_back(absl::StrCat("round ", round, ": ", id, " names merged ", merged));
      }
    }
    if (any) ++rounds_with_dangling;
  }
  EXPECT_EQ(rounds_with_dangling, 0)
      << rounds_with_dangling << " of " << kRounds << " rounds left " << dangling.size()
      << " active doctors naming a merged hospital, e.g. " << dangling.front();
}

}  // namespace
}  // namespace pharmacrm::itest
