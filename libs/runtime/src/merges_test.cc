#include "pharmacrm/runtime/merges.h"

#include <filesystem>
#include <random>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pharmacrm/bus/envelope.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/territories.pb.h"
#include "pharmacrm/v1/value_scoring.pb.h"

namespace pharmacrm::runtime {
namespace {

using testing::ElementsAre;
using testing::HasSubstr;
using testing::IsEmpty;

v1::EventEnvelope Envelope(absl::string_view customer_id,
                           const google::protobuf::Message& payload) {
  bus::EventMeta meta;
  meta.event_id = absl::StrCat("e-", std::random_device{}());
  meta.source = "test";
  meta.aggregate_kind = "customer";
  meta.aggregate_id = std::string(customer_id);
  meta.customer_id = std::string(customer_id);
  return bus::MakeEnvelope(meta, payload);
}

v1::EventEnvelope Merged(absl::string_view survivor, std::vector<std::string> merged) {
  v1::CustomersMerged e;
  e.mutable_survivor()->set_id(std::string(survivor));
  for (auto& id : merged) e.add_merged_ids(id);
  return Envelope(survivor, e);
}

v1::EventEnvelope Unmerged(absl::string_view survivor, absl::string_view restored) {
  v1::CustomersUnmerged e;
  e.mutable_survivor()->set_id(std::string(survivor));
  e.mutable_restored()->set_id(std::string(restored));
  return Envelope(survivor, e);
}

v1::EventEnvelope Registered(absl::string_view id) {
  v1::CustomerRegistered e;
  e.mutable_customer()->set_id(std::string(id));
  return Envelope(id, e);
}

std::string FieldOf(const absl::Status& status) { return core::FieldOf(status).value_or(""); }

TEST(MergeChangeOfTest, MergedAndUnmergedEventsNameTheirRedirects) {
  auto merged = MergeChangeOf(Merged("s", {"a", "b"}));
  ASSERT_TRUE(merged.ok()) << merged.status();
  ASSERT_TRUE(merged->has_value());
  EXPECT_EQ((*merged)->survivor_id, "s");
  EXPECT_THAT((*merged)->merged_ids, ElementsAre("a", "b"));
  EXPECT_THAT((*merged)->restored_ids, IsEmpty());

  auto unmerged = MergeChangeOf(Unmerged("s", "b"));
  ASSERT_TRUE(unmerged.ok()) << unmerged.status();
  ASSERT_TRUE(unmerged->has_value());
  EXPECT_THAT((*unmerged)->restored_ids, ElementsAre("b"));

  auto other = MergeChangeOf(Registered("a"));
  ASSERT_TRUE(other.ok());
  EXPECT_FALSE(other->has_value());

  v1::TerritoryChanged territory;
  territory.mutable_territory()->set_id("t");
  auto unrelated = MergeChangeOf(Envelope("t", territory));
  ASSERT_TRUE(unrelated.ok()) << unrelated.status();
  EXPECT_FALSE(unrelated->has_value());
}

TEST(MergeChangeOfTest, PoisonEventsNameTheField) {
  v1::EventEnvelope corrupt = Merged("s", {"a"});
  corrupt.mutable_payload()->set_value("\xff\xff not a message");
  auto status = MergeChangeOf(corrupt).status();
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(status), "payload");

  EXPECT_EQ(FieldOf(MergeChangeOf(Merged("", {"a"})).status()), "payload.survivor.id");
  EXPECT_EQ(FieldOf(MergeChangeOf(Merged("s", {})).status()), "payload.merged_ids");
  EXPECT_EQ(FieldOf(MergeChangeOf(Merged("s", {"a", ""})).status()), "payload.merged_ids[1]");
  EXPECT_EQ(FieldOf(MergeChangeOf(Merged("s", {"s"})).status()), "payload.merged_ids[0]");
  EXPECT_EQ(FieldOf(MergeChangeOf(Unmerged("s", "")).status()), "payload.restored.id");
  EXPECT_EQ(FieldOf(MergeChangeOf(Unmerged("", "a")).status()), "payload.survivor.id");
}

// Against a real RocksDB: a read model counting events per customer.
class MergeFollowingTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pcrm-merges-" + std::to_string(std::random_device{}()));
    store_ = std::move(*store::Store::Open({dir_.string(), false}));
    apply_ = MergeFollowingProjection<v1::CustomerValue>(
        store_.get(), kSpace,
        [](const v1::EventEnvelope& event, std::optional<v1::CustomerValue> current)
            -> absl::StatusOr<std::optional<v1::CustomerValue>> {
          v1::CustomerValue v = current.value_or(v1::CustomerValue());
          v.set_customer_id(event.customer_id());
          v.set_visit_count(v.visit_count() + 1);  // Counts every event.
          return v;
        });
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }
  absl::Status Apply(const v1::EventEnvelope& event) {
    store::Batch batch;
    RETURN_IF_ERROR(apply_(event, batch));
    return store_->Write(std::move(batch));
  }
  absl::StatusOr<GroupEntry<v1::CustomerValue>> Read(absl::string_view id) {
    return ReadFollowingMerges<v1::CustomerValue>(
        *store_, kSpace, id, [](const v1::CustomerValue& merged, v1::CustomerValue* survivor) {
          survivor->set_visit_count(survivor->visit_count() + merged.visit_count());
        });
  }
  static constexpr uint8_t kSpace = 1;
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
  bus::ApplyFn apply_;
};

TEST_F(MergeFollowingTest, ReadsOfAnyIdInAGroupAnswerForTheSurvivorWithEntriesFolded) {
  for (const char* id : {"a", "b", "s"}) ASSERT_TRUE(Apply(Registered(id)).ok());
  ASSERT_TRUE(Apply(Registered("a")).ok());          // a has 2, b 1, s 1.
  ASSERT_TRUE(Apply(Merged("s", {"a", "b"})).ok());  // s: 2.

  for (const char* id : {"a", "b", "s"}) {
    auto group = Read(id);
    ASSERT_TRUE(group.ok()) << id << ": " << group.status();
    EXPECT_EQ(group->survivor_id, "s");
    EXPECT_THAT(group->merged_ids, ElementsAre("a", "b"));
    EXPECT_EQ(group->entry.customer_id(), "s");
    EXPECT_EQ(group->entry.visit_count(), 5);
  }
  ASSERT_TRUE(ResolveSurvivor(*store_, "a").ok());
  EXPECT_EQ(*ResolveSurvivor(*store_, "a"), "s");
  EXPECT_EQ(*ResolveSurvivor(*store_, "unrelated"), "unrelated");

  // An event still in flight for a merged id lands on its own entry and is
  // counted in the group.
  ASSERT_TRUE(Apply(Registered("b")).ok());
  EXPECT_EQ(Read("s")->entry.visit_count(), 6);
}

TEST_F(MergeFollowingTest, UnmergeGivesTheRestoredCustomerItsOwnEntryBack) {
  for (const char* id : {"a", "b", "s"}) ASSERT_TRUE(Apply(Registered(id)).ok());
  ASSERT_TRUE(Apply(Merged("s", {"a", "b"})).ok());
  ASSERT_TRUE(Apply(Unmerged("s", "b")).ok());  // s: 3.

  auto b = Read("b");
  ASSERT_TRUE(b.ok()) << b.status();
  EXPECT_EQ(b->survivor_id, "b");
  EXPECT_THAT(b->merged_ids, IsEmpty());
  EXPECT_EQ(b->entry.visit_count(), 1);
  auto s = Read("a");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->survivor_id, "s");
  EXPECT_THAT(s->merged_ids, ElementsAre("a"));
  EXPECT_EQ(s->entry.visit_count(), 1 + 3);
}

TEST_F(MergeFollowingTest, ChainsOfMergesAreFollowedAndReplaysChangeNothing) {
  for (const char* id : {"a", "s", "t"}) ASSERT_TRUE(Apply(Registered(id)).ok());
  v1::EventEnvelope merge_a = Merged("s", {"a"});
  // The later merge arrives first (other partition): order does not matter.
  ASSERT_TRUE(Apply(Merged("t", {"s"})).ok());
  ASSERT_TRUE(Apply(merge_a).ok());
  ASSERT_TRUE(Apply(merge_a).ok());  // Replayed: same redirects.

  auto group = Read("a");
  ASSERT_TRUE(group.ok()) << group.status();
  EXPECT_EQ(group->survivor_id, "t");
  EXPECT_THAT(group->merged_ids, ElementsAre("s", "a"));
  // Events counted: a 1; s 1 + the merge applied twice (this projection
  // counts every call; the consumer skips replayed event ids) = 3; t 1 + 1.
  EXPECT_EQ(group->entry.visit_count(), 1 + 3 + 2);
}

TEST_F(MergeFollowingTest, UnknownIdsAreNotFoundAndCyclesAreDataLoss) {
  auto unknown = Read("nobody");
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FieldOf(unknown.status()), "customer_id");
  EXPECT_EQ(FieldOf(Read("").status()), "customer_id");

  // Only a corrupt store can hold a cycle: it is reported, not looped on.
  ASSERT_TRUE(Apply(Merged("x", {"y"})).ok());
  ASSERT_TRUE(Apply(Merged("y", {"x"})).ok());
  auto cycle = ResolveSurvivor(*store_, "x");
  EXPECT_EQ(cycle.status().code(), absl::StatusCode::kDataLoss);
  EXPECT_THAT(cycle.status().message(), HasSubstr("longer than"));
}

TEST_F(MergeFollowingTest, APoisonEventChangesNothing) {
  ASSERT_TRUE(Apply(Registered("a")).ok());
  store::Batch batch;
  EXPECT_FALSE(apply_(Merged("s", {"a", ""}), batch).ok());
  EXPECT_EQ(*ResolveSurvivor(*store_, "a"), "a");
  EXPECT_EQ(Read("a")->entry.visit_count(), 1);
}

}  // namespace
}  // namespace pharmacrm::runtime
