#include "domain/channel/inventory.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "domain/channel/channel_test_data.h"
#include "domain/channel/findings.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

using ::testing::DoubleNear;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using namespace testdata;  // NOLINT(build/namespaces): the scenarios' cast

constexpr absl::CivilMonth kMarch(2026, 3);
constexpr absl::CivilMonth kApril(2026, 4);

std::string Name(const v1::StockPosition& p) {
  return absl::StrCat(p.distributor_id(), "/", p.batch_no(), "/", p.month());
}

TEST(Inventory, PositionsOfTheStockScenario) {
  std::vector<v1::StockPosition> positions =
      ComputePositions(StockScenario(), kMarch, kApril, InventoryRules());

  std::vector<std::string> names;
  for (const v1::StockPosition& p : positions) names.push_back(Name(p));
  ASSERT_THAT(names, ElementsAre("D-HB/B2401/2026-03", "D-HB/B2401/2026-04", "D-JN/B2401/2026-03",
                                 "D-JN/B2401/2026-04", "D-SD/B2402/2026-03", "D-SD/B2402/2026-04"));

  const v1::StockPosition& huabei = positions[0];
  EXPECT_EQ(huabei.product_id(), "P001");
  EXPECT_EQ(huabei.opening(), 50);   // the report of 2026-02-28
  EXPECT_EQ(huabei.sell_in(), 200);  // SH-1
  EXPECT_EQ(huabei.flow_out(), 148);  // 120 + 30 − 10 + 8 (unmatched buyer included)
  EXPECT_EQ(huabei.returns(), 5);     // SR-1
  EXPECT_EQ(huabei.computed_closing(), 97);
  EXPECT_TRUE(huabei.has_reported());
  EXPECT_EQ(huabei.reported_closing(), 90);
  EXPECT_EQ(huabei.difference(), -7);
  EXPECT_THAT(huabei.days_on_hand(), DoubleNear(90.0 / (148.0 / 90), 1e-9));  // Jan–Mar: 90 days
  EXPECT_EQ(huabei.expires_on(), "2027-06-30");
  EXPECT_FALSE(huabei.near_expiry());

  const v1::StockPosition& huabei_april = positions[1];
  EXPECT_EQ(huabei_april.opening(), 90);  // re-based on the March report
  EXPECT_EQ(huabei_april.computed_closing(), 90);
  EXPECT_FALSE(huabei_april.has_reported());
  EXPECT_EQ(huabei_april.difference(), 0);
  EXPECT_THAT(huabei_april.days_on_hand(), DoubleNear(90.0 / (148.0 / 89), 1e-9));  // Feb–Apr

  const v1::StockPosition& jinan = positions[2];
  EXPECT_EQ(jinan.opening(), 0);
  EXPECT_EQ(jinan.sell_in(), 30);  // 华北医药's row #2
  EXPECT_EQ(jinan.flow_out(), 25);
  EXPECT_EQ(jinan.computed_closing(), 5);
  EXPECT_FALSE(jinan.has_reported());
  EXPECT_THAT(jinan.days_on_hand(), DoubleNear(18.0, 1e-9));
  EXPECT_EQ(positions[3].opening(), 5);

  const v1::StockPosition& lunan = positions[4];
  EXPECT_EQ(lunan.sell_in(), 100);
  EXPECT_EQ(lunan.flow_out(), 0);
  EXPECT_EQ(lunan.difference(), -60);
  EXPECT_EQ(lunan.days_on_hand(), -1);  // no flow
  EXPECT_EQ(lunan.expires_on(), "2026-08-31");
  EXPECT_TRUE(lunan.near_expiry());  // 153 days after 2026-03-31
}

TEST(Inventory, StockDifferences) {
  std::vector<v1::StockPosition> positions =
      ComputePositions(StockScenario(), kMarch, kApril, InventoryRules());
  std::vector<v1::Finding> findings = StockDifferences(positions, InventoryRules());

  ASSERT_THAT(findings, SizeIs(2));
  const v1::Finding& huabei = findings[0];
  EXPECT_EQ(huabei.kind(), v1::FINDING_KIND_STOCK_DIFFERENCE);
  EXPECT_EQ(huabei.id(), FindingId(v1::FINDING_KIND_STOCK_DIFFERENCE, kHuabei, "P001", "B2401",
                                   "2026-03", ""));
  EXPECT_EQ(huabei.distributor_id(), kHuabei);
  EXPECT_EQ(huabei.batch_no(), "B2401");
  EXPECT_EQ(huabei.month(), "2026-03");
  EXPECT_EQ(huabei.quantity(), -7);
  EXPECT_EQ(huabei.severity(), v1::SEVERITY_LOW);  // 7 of 97
  ASSERT_THAT(huabei.evidence(), SizeIs(2));
  EXPECT_EQ(huabei.evidence(0).kind(), v1::EvidenceStep::KIND_STOCK);
  EXPECT_EQ(huabei.evidence(0).ref(), "D-HB/2026-03/computed");
  EXPECT_EQ(huabei.evidence(0).quantity(), 97);
  EXPECT_EQ(huabei.evidence(1).ref(), "D-HB/2026-03/stock-report");
  EXPECT_EQ(huabei.evidence(1).quantity(), 90);
  EXPECT_EQ(huabei.evidence(1).date(), "2026-03-31");
  EXPECT_EQ(huabei.summary(),
            "Stock of P001 batch B2401 at D-HB at the end of 2026-03: reported 90 packs, computed "
            "97 (opening 50 + sell-in 200 − flow out 148 − returns 5), difference -7 packs");
  EXPECT_EQ(huabei.summary_zh(),
            "D-HB于2026-03月末P001批号B2401库存：上报90，计算97（期初50 + 进货200 − 流向148 − "
            "退货5），差异-7");

  EXPECT_EQ(findings[1].distributor_id(), kLunan);
  EXPECT_EQ(findings[1].quantity(), -60);
  EXPECT_EQ(findings[1].severity(), v1::SEVERITY_HIGH);  // 60 of 100
}

TEST(Inventory, DifferencesWithinToleranceAreNotFindings) {
  std::vector<v1::StockPosition> positions =
      ComputePositions(StockScenario(), kMarch, kMarch, InventoryRules());
  InventoryRules rules;
  rules.tolerance_packs = 7;     // |−7| is not more than 7
  rules.tolerance_ratio = 0.5;  // 50 of 100 computed: 60 is still more
  std::vector<v1::Finding> findings = StockDifferences(positions, rules);
  ASSERT_THAT(findings, SizeIs(1));
  EXPECT_EQ(findings[0].distributor_id(), kLunan);
}

TEST(Inventory, OpeningWithoutAnEarlierReportIsZero) {
  ChannelData data = StockScenario();
  data.stock_reports.erase(data.stock_reports.begin());  // the report of 2026-02-28
  std::vector<v1::StockPosition> positions =
      ComputePositions(data, kMarch, kMarch, InventoryRules());
  ASSERT_EQ(Name(positions[0]), "D-HB/B2401/2026-03");
  EXPECT_EQ(positions[0].opening(), 0);
  EXPECT_EQ(positions[0].computed_closing(), 47);
  EXPECT_EQ(positions[0].difference(), 43);
}

TEST(Inventory, WhichReportClosesTheMonth) {
  ChannelData data = Cast();
  data.shipments.push_back(Shipment("SH-1", kHuabei, "2026-03-02",
                                    {Line("P001", "B2401", 100), Line("P001", "B2402", 10)}));
  // March: mid-month and last-day reports, the last day's wins. April: a
  // mid-month report only, which lacks B2402 (reported as 0).
  data.stock_reports.push_back(Report(kHuabei, "2026-03-31", {{"B2401", 100}, {"B2402", 10}}));
  data.stock_reports.push_back(Report(kHuabei, "2026-03-15", {{"B2401", 60}, {"B2402", 10}}));
  data.stock_reports.push_back(Report(kHuabei, "2026-04-20", {{"B2401", 70}}));

  std::vector<v1::StockPosition> positions =
      ComputePositions(data, kMarch, kApril, InventoryRules());

  std::vector<std::string> names;
  for (const v1::StockPosition& p : positions) {
    names.push_back(absl::StrCat(Name(p), " ", p.reported_closing(), " ", p.difference()));
  }
  EXPECT_THAT(names, ElementsAre("D-HB/B2401/2026-03 100 0", "D-HB/B2401/2026-04 70 -30",
                                 "D-HB/B2402/2026-03 10 0", "D-HB/B2402/2026-04 0 -10"));
  EXPECT_EQ(positions[3].days_on_hand(), -1);
  EXPECT_FALSE(positions[3].near_expiry());  // nothing left to expire
  EXPECT_TRUE(positions[2].near_expiry());
}

TEST(Inventory, AnEmptyRangeHasNoPositions) {
  EXPECT_THAT(ComputePositions(StockScenario(), kApril, kMarch, InventoryRules()), IsEmpty());
  EXPECT_THAT(StockDifferences({}, InventoryRules()), IsEmpty());
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::channel
