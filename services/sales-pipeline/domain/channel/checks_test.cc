#include "domain/channel/checks.h"

#include "domain/channel/channel_test_data.h"
#include "absl/strings/match.h"
#include "gtest/gtest.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

using testdata::kHuabei;
using testdata::kLunan;

TEST(ChannelMonths, SpanShipmentsFlowAndStockReports) {
  ChannelData data = testdata::StockScenario();
  auto months = ChannelMonths(data);
  ASSERT_TRUE(months.has_value());
  // The February stock report is the opening stock, not a month to check.
  EXPECT_EQ(months->first, absl::CivilMonth(2026, 3));
  EXPECT_EQ(months->second, absl::CivilMonth(2026, 3));
  EXPECT_FALSE(ChannelMonths(testdata::Cast()).has_value());
}

TEST(RunChecks, RunsEveryRuleOverTheWholeSpan) {
  ChecksResult result = RunChecks(testdata::StockScenario(), ChecksRules());
  ASSERT_TRUE(result.months.has_value());
  EXPECT_EQ(result.flow_rows, 5);
  // 华北医药's March: 90 reported where the books say 97 (a difference of
  // 7 > max(2, 1%)); 鲁南商业's: 40 reported where the books say 100.
  int differences = 0;
  for (const v1::Finding& f : result.findings) {
    if (f.kind() == v1::FINDING_KIND_STOCK_DIFFERENCE) {
      ++differences;
      EXPECT_TRUE(f.distributor_id() == kHuabei || f.distributor_id() == kLunan);
      // Named as a channel manager knows them, not by id.
      EXPECT_TRUE(absl::StrContains(f.summary(), "华北医药") ||
                  absl::StrContains(f.summary(), "鲁南商业"))
          << f.summary();
    }
  }
  EXPECT_EQ(differences, 2);
  bool lunan_march_gap = false;
  for (const v1::Reconciliation& r : result.reconciliations) {
    if (r.distributor_id() == kLunan && r.month() == "2026-03") {
      lunan_march_gap = r.gap() != 0;
      ASSERT_GT(r.causes_size(), 0);
      EXPECT_EQ(r.causes(0).kind(), v1::ReconciliationCause::KIND_MISSING_FLOW_FILE);
    }
  }
  EXPECT_TRUE(lunan_march_gap);
  EXPECT_FALSE(result.positions.empty());
  // Deterministic: the same data gives the same findings.
  ChecksResult again = RunChecks(testdata::StockScenario(), ChecksRules());
  ASSERT_EQ(again.findings.size(), result.findings.size());
  for (size_t i = 0; i < result.findings.size(); ++i) {
    EXPECT_EQ(again.findings[i].id(), result.findings[i].id());
  }
}

TEST(TriggersChecks, TheEventsThatCanChangeAFinding) {
  google::protobuf::Any any;
  any.PackFrom(v1::FlowPeriodLoaded());
  EXPECT_TRUE(TriggersChecks(any));
  any.PackFrom(v1::StockReported());
  EXPECT_TRUE(TriggersChecks(any));
  any.PackFrom(v1::ShipmentRecorded());
  EXPECT_TRUE(TriggersChecks(any));
  any.PackFrom(v1::DistributorAccountChanged());
  EXPECT_TRUE(TriggersChecks(any));
  any.PackFrom(v1::ProductChanged());
  EXPECT_TRUE(TriggersChecks(any));
  // Its own findings would make it run for ever.
  any.PackFrom(v1::FindingRaised());
  EXPECT_FALSE(TriggersChecks(any));
  any.PackFrom(v1::PaymentRecorded());
  EXPECT_FALSE(TriggersChecks(any));
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::channel
