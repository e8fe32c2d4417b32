#include "domain/process/target_records.h"

#include "domain/process/allocation_testing.h"
#include "gtest/gtest.h"

namespace pharmacrm::sales_pipeline::process {
namespace {

using testing::AmountOf;
using testing::HandAllocation;
using testing::SetTo;

v1::TargetWeights HandWeights() {
  // allocation_testing.h's HandMethod.
  v1::TargetWeights w;
  w.set_grade_score(0.1);
  w.set_doctor_mix(0.1);
  w.set_market_size(0.2);
  w.set_last_year_sales(0.5);
  w.set_growth(0.1);
  return w;
}

TEST(TargetRecords, AnAdjustedAllocationIsRestoredAsStored) {
  absl::StatusOr<Allocation> adjusted = Adjust(HandAllocation(), SetTo("T2", 316'000));
  ASSERT_TRUE(adjusted.ok()) << adjusted.status();
  v1::TargetRecord record = ToRecord(*adjusted);
  *record.mutable_weights() = HandWeights();
  record.set_version(2);
  absl::StatusOr<Allocation> restored = Restore(record);
  ASSERT_TRUE(restored.ok()) << restored.status();
  ASSERT_EQ(restored->nodes.size(), adjusted->nodes.size());
  for (size_t i = 0; i < adjusted->nodes.size(); ++i) {
    EXPECT_EQ(restored->nodes[i].node.id, adjusted->nodes[i].node.id);
    EXPECT_EQ(restored->nodes[i].amount, adjusted->nodes[i].amount) << adjusted->nodes[i].node.id;
    EXPECT_EQ(restored->nodes[i].locked, adjusted->nodes[i].locked);
    EXPECT_EQ(restored->nodes[i].basis, adjusted->nodes[i].basis);
    EXPECT_DOUBLE_EQ(restored->nodes[i].weight, adjusted->nodes[i].weight);
  }
  EXPECT_EQ(AmountOf(*restored, "H4"), 243'225);
  EXPECT_TRUE(restored->nodes[FindNode(*restored, "T2")].locked);
  // A further adjustment on the restored allocation keeps the lock.
  absl::StatusOr<Allocation> again = Adjust(*restored, SetTo("H4", 250'000));
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(AmountOf(*again, "T2"), 316'000);
}

TEST(TargetRecords, StatesThatDoNotFitAreDataLoss) {
  v1::TargetRecord record = ToRecord(HandAllocation());
  *record.mutable_weights() = HandWeights();
  record.mutable_states()->RemoveLast();
  EXPECT_EQ(Restore(record).status().code(), absl::StatusCode::kDataLoss);
}

TEST(TargetRecords, TheApiViewListsNodesToTheDepthAskedFor) {
  const Allocation allocation = HandAllocation();
  v1::TargetRecord record = ToRecord(allocation);
  *record.mutable_weights() = HandWeights();
  record.set_version(1);
  v1::TargetAllocation view = ToAllocationProto(record, allocation, 0);
  // Nation, 2 regions, 2 areas, 3 territories.
  EXPECT_EQ(view.nodes_size(), 8);
  EXPECT_EQ(view.company_target_units(), 1'000'000);
  EXPECT_EQ(ToAllocationProto(record, allocation, 5).nodes_size(), 13);
  EXPECT_EQ(ToAllocationProto(record, allocation, 1).nodes_size(), 1);
  const v1::TargetNode h1 = ToNodeProto(allocation, FindNode(allocation, "H1"));
  EXPECT_EQ(h1.amount_units(), 235'000);
  EXPECT_EQ(h1.level(), "customer");
  ASSERT_EQ(h1.factors_size(), 6);
  double contributions = 0;
  for (const v1::TargetFactor& f : h1.factors()) contributions += f.contribution();
  EXPECT_NEAR(contributions, 0.235, 1e-12);
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::process
