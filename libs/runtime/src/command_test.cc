#include "pharmacrm/runtime/command.h"

#include <filesystem>
#include <random>
#include <thread>

#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::runtime {
namespace {

class ExecuteOnceTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pcrm-cmd-" + std::to_string(std::random_device{}()));
    store_ = std::move(*store::Store::Open({dir_.string(), false}));
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  absl::Status Run(const std::string& request_id, const std::string& name, v1::Customer* out) {
    v1::RegisterCustomerRequest req;
    req.set_request_id(request_id);
    req.mutable_profile()->set_name(name);
    return ExecuteOnce(*store_, "Register", request_id, req, out,
                       [&](store::Batch& b, google::protobuf::Message* resp) {
                         ++effects_;
                         auto* c = static_cast<v1::Customer*>(resp);
                         c->set_id("id-" + std::to_string(effects_));
                         b.Put(store::Family::kState, c->id(), name);
                         return absl::OkStatus();
                       });
  }
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  int effects_ = 0;
};

TEST_F(ExecuteOnceTest, RetryWithSameRequestIdHasOneEffectAndSameReply) {
  v1::Customer first, second;
  ASSERT_TRUE(Run("req-1", "协和", &first).ok());
  ASSERT_TRUE(Run("req-1", "协和", &second).ok());
  EXPECT_EQ(effects_, 1);
  EXPECT_EQ(first.id(), second.id());
}

TEST_F(ExecuteOnceTest, ReusedRequestIdWithDifferentRequestIsRejected) {
  v1::Customer c;
  ASSERT_TRUE(Run("req-1", "a", &c).ok());
  absl::Status s = Run("req-1", "b", &c);
  EXPECT_EQ(s.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(core::FieldOf(s), "request_id");
  EXPECT_EQ(effects_, 1);
}

TEST_F(ExecuteOnceTest, MissingOrOversizedRequestIdChangesNothing) {
  v1::Customer c;
  EXPECT_EQ(core::FieldOf(Run("", "a", &c)), "request_id");
  EXPECT_EQ(core::FieldOf(Run(std::string(129, 'x'), "a", &c)), "request_id");
  EXPECT_EQ(effects_, 0);
}

TEST_F(ExecuteOnceTest, FailedDecisionWritesNothing) {
  v1::RegisterCustomerRequest req;
  req.set_request_id("r");
  v1::Customer c;
  absl::Status s = ExecuteOnce(*store_, "Register", "r", req, &c,
                               [](store::Batch& b, google::protobuf::Message*) {
                                 b.Put(store::Family::kState, "k", "v");
                                 return core::FieldError("profile.name", "bad");
                               });
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_FALSE(store_->Get(store::Family::kState, "k")->has_value());
  EXPECT_FALSE(store_->GetIdempotency("Register/r")->has_value());
}

// Whether someone holds `mu` (this thread included): TryLock fails.
bool Held(absl::Mutex& mu) ABSL_NO_THREAD_SAFETY_ANALYSIS {
  if (!mu.TryLock()) return true;
  mu.Unlock();
  return false;
}

TEST(StripedLocksTest, ForAllHoldsEveryKeysStripeOnceAndReleasesThemAll) {
  StripedLocks locks;
  {
    // Repeated keys, and keys sharing a stripe, are locked once (a second
    // Lock of an absl::Mutex by its holder would deadlock).
    HeldStripes held = locks.ForAll({"rep-1", "rep-2", "rep-1", "cust-9"});
    for (const char* key : {"rep-1", "rep-2", "cust-9"}) EXPECT_TRUE(Held(locks.For(key))) << key;
  }
  for (const char* key : {"rep-1", "rep-2", "cust-9"}) EXPECT_FALSE(Held(locks.For(key))) << key;
}

TEST(StripedLocksTest, TwoCallersOfForAllWithOverlappingKeysBothFinish) {
  StripedLocks locks;
  int counter = 0;
  auto work = [&](std::vector<std::string> keys) {
    for (int i = 0; i < 2000; ++i) {
      HeldStripes held = locks.ForAll(keys);
      ++counter;
    }
  };
  std::thread a(work, std::vector<std::string>{"a", "b", "c", "d"});
  std::thread b(work, std::vector<std::string>{"d", "c", "b", "a"});
  a.join();
  b.join();
  EXPECT_EQ(counter, 4000);
}

}  // namespace
}  // namespace pharmacrm::runtime
