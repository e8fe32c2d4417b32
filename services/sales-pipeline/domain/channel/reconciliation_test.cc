#include "domain/channel/reconciliation.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "domain/channel/channel_test_data.h"
#include "domain/channel/inventory.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using namespace testdata;  // NOLINT(build/namespaces): the scenarios' cast

constexpr absl::CivilMonth kMarch(2026, 3);
constexpr absl::CivilMonth kApril(2026, 4);

using Kind = v1::ReconciliationCause;

std::vector<v1::Reconciliation> ReconcileScenario(const ChannelData& data) {
  return Reconcile(data, ComputePositions(data, kMarch, kApril, InventoryRules()), kMarch, kApril);
}

std::vector<std::string> Causes(const v1::Reconciliation& r) {
  std::vector<std::string> causes;
  for (const v1::ReconciliationCause& c : r.causes()) {
    causes.push_back(absl::StrCat(v1::ReconciliationCause::Kind_Name(c.kind()), " ", c.quantity()));
  }
  return causes;
}

TEST(Reconciliation, OneRecordPerDistributorProductAndMonth) {
  std::vector<v1::Reconciliation> result = ReconcileScenario(StockScenario());
  std::vector<std::string> names;
  for (const v1::Reconciliation& r : result) {
    names.push_back(absl::StrCat(r.distributor_id(), "/", r.product_id(), "/", r.month()));
  }
  EXPECT_THAT(names, ElementsAre("D-HB/P001/2026-03", "D-HB/P001/2026-04", "D-JN/P001/2026-03",
                                 "D-JN/P001/2026-04", "D-SD/P001/2026-03", "D-SD/P001/2026-04"));
}

TEST(Reconciliation, AGapAndItsCauses) {
  const v1::Reconciliation r = ReconcileScenario(StockScenario())[0];  // 华北医药, March
  EXPECT_EQ(r.opening_stock(), 50);
  EXPECT_EQ(r.sell_in(), 200);
  EXPECT_EQ(r.returns(), 5);
  EXPECT_EQ(r.flow_out(), 140);  // 148 less the 8 packs of the unmatched row
  EXPECT_EQ(r.closing_stock(), 90);
  EXPECT_TRUE(r.closing_reported());
  EXPECT_EQ(r.gap(), 15);  // 200 − 5 − 140 − (90 − 50)
  EXPECT_THAT(Causes(r), ElementsAre("KIND_UNMATCHED_TERMINALS 8", "KIND_RETURNS 5",
                                     "KIND_STOCK_REPORT_ERROR 7"));
  EXPECT_EQ(r.causes(0).detail(),
            "8 packs are in flow rows whose buyer is not matched to a customer");
  EXPECT_EQ(r.causes(0).detail_zh(), "8盒流向的购货客户尚未匹配");
  EXPECT_EQ(r.causes(2).detail(),
            "The stock report says 90 packs where sell-in, flow and returns leave 97");
  EXPECT_EQ(r.causes(2).detail_zh(), "库存上报90盒，按进货、流向和退货计算应为97盒");
}

TEST(Reconciliation, AMissingFlowFile) {
  const v1::Reconciliation r = ReconcileScenario(StockScenario())[4];  // 鲁南商业, March
  EXPECT_EQ(r.distributor_id(), kLunan);
  EXPECT_EQ(r.sell_in(), 100);
  EXPECT_EQ(r.flow_out(), 0);
  EXPECT_EQ(r.closing_stock(), 40);
  EXPECT_EQ(r.gap(), 60);
  EXPECT_THAT(Causes(r), ElementsAre("KIND_MISSING_FLOW_FILE 60", "KIND_STOCK_REPORT_ERROR 60"));
  EXPECT_EQ(r.causes(0).detail(),
            "No flow file for 2026-03 while 100 packs were shipped in: unreported sales may "
            "explain 60 packs");
  EXPECT_EQ(r.causes(0).detail_zh(), "2026-03无流向文件，当月进货100盒：未上报的销售可能解释60盒");
}

TEST(Reconciliation, ABalancedMonthHasNoCauses) {
  std::vector<v1::Reconciliation> result = ReconcileScenario(StockScenario());
  // 冀南商业 in March: 0 + 30 − 25 = 5, nothing reported against it.
  EXPECT_EQ(result[2].gap(), 0);
  EXPECT_FALSE(result[2].closing_reported());
  EXPECT_THAT(result[2].causes(), IsEmpty());
  // 华北医药 in April: no flow file, but no sell-in and nothing moved.
  EXPECT_EQ(result[1].opening_stock(), 90);
  EXPECT_EQ(result[1].closing_stock(), 90);
  EXPECT_EQ(result[1].gap(), 0);
  EXPECT_THAT(result[1].causes(), IsEmpty());
}

TEST(Reconciliation, OnlyTheRequestedMonths) {
  const ChannelData data = StockScenario();
  std::vector<v1::Reconciliation> result =
      Reconcile(data, ComputePositions(data, kMarch, kApril, InventoryRules()), kApril, kApril);
  for (const v1::Reconciliation& r : result) EXPECT_EQ(r.month(), "2026-04");
  EXPECT_EQ(result.size(), 3u);
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::channel
