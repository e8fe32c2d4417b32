#include "domain/channel/diversion.h"

#include <algorithm>
#include <string>
#include <vector>

#include "domain/channel/channel_test_data.h"
#include "domain/channel/findings.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::MatchesRegex;
using ::testing::SizeIs;
using namespace testdata;  // NOLINT(build/namespaces): the scenarios' cast

constexpr absl::CivilMonth kMarch(2026, 3);
constexpr v1::CustomerKind kHospital = v1::CUSTOMER_KIND_HOSPITAL;
constexpr v1::CustomerKind kPharmacy = v1::CUSTOMER_KIND_PHARMACY;
constexpr v1::CustomerKind kSubDistributor = v1::CUSTOMER_KIND_DISTRIBUTOR;

// 200 packs of P001 batch B2401 shipped to 华北医药 on 2026-03-02, for its
// account's area 河北省.
ChannelData ShippedToHuabei() {
  ChannelData data = Cast();
  data.shipments.push_back(Shipment("SH-1", kHuabei, "2026-03-02", {Line("P001", "B2401", 200)}));
  return data;
}

std::vector<std::string> Refs(const v1::Finding& finding) {
  std::vector<std::string> refs;
  for (const v1::EvidenceStep& step : finding.evidence()) refs.push_back(step.ref());
  return refs;
}

TEST(Diversion, DirectCrossRegionSale) {
  ChannelData data = ShippedToHuabei();
  AddRow(&data, kHuabei, kMarch,
         Row(2, "2026-03-10", kJinanHospital, kHospital, kShandong, "P001", "B2401", 120, 12000));

  std::vector<v1::Finding> findings = DetectDiversion(data, DiversionRules());

  ASSERT_THAT(findings, SizeIs(1));  // outside the account's area too, but reported once
  const v1::Finding& f = findings[0];
  EXPECT_EQ(f.kind(), v1::FINDING_KIND_CROSS_REGION);
  EXPECT_EQ(f.distributor_id(), kHuabei);
  EXPECT_EQ(f.product_id(), "P001");
  EXPECT_EQ(f.batch_no(), "B2401");
  EXPECT_EQ(f.month(), "2026-03");
  EXPECT_EQ(f.province(), kShandong);
  EXPECT_THAT(f.authorised_provinces(), ElementsAre(kHebei));
  EXPECT_EQ(f.quantity(), 120);
  EXPECT_EQ(f.amount_fen(), 1'440'000);
  EXPECT_EQ(f.severity(), v1::SEVERITY_MEDIUM);
  EXPECT_EQ(f.state(), v1::FINDING_STATE_OPEN);
  EXPECT_THAT(f.id(), MatchesRegex("F-[0-9a-f]{16}"));
  EXPECT_THAT(Refs(f), ElementsAre("SH-1", "D-HB/2026-03#2"));
  const v1::EvidenceStep& shipment = f.evidence(0);
  EXPECT_EQ(shipment.kind(), v1::EvidenceStep::KIND_SHIPMENT);
  EXPECT_EQ(shipment.buyer_id(), kHuabei);
  EXPECT_EQ(shipment.province(), kHebei);
  EXPECT_EQ(shipment.quantity(), 200);
  EXPECT_EQ(shipment.unit_price_fen(), 10000);  // 0 on the line: the tier1 supply price
  EXPECT_THAT(shipment.authorised_provinces(), ElementsAre(kHebei));
  const v1::EvidenceStep& sale = f.evidence(1);
  EXPECT_EQ(sale.kind(), v1::EvidenceStep::KIND_FLOW_ROW);
  EXPECT_EQ(sale.seller_id(), kHuabei);
  EXPECT_EQ(sale.buyer_id(), kJinanHospital);
  EXPECT_EQ(sale.date(), "2026-03-10");
  EXPECT_EQ(sale.province(), kShandong);
  EXPECT_EQ(sale.quantity(), 120);
  EXPECT_EQ(sale.unit_price_fen(), 12000);
  EXPECT_EQ(f.summary(),
            "Batch B2401 of P001 shipped to 华北医药 for 河北省 was sold in 山东省 by 华北医药: "
            "120 packs, ¥14,400.00");
  EXPECT_EQ(f.summary_zh(),
            "P001批号B2401发往华北医药（授权河北省），由华北医药销往山东省：120盒，金额¥14,400.00");
}

TEST(Diversion, ChainThroughAnAuthorisedSubDistributorEndsInAnotherProvince) {
  ChannelData data = ShippedToHuabei();
  AddRow(&data, kHuabei, kMarch,
         Row(3, "2026-03-05", kJinan, kSubDistributor, kHebei, "P001", "B2401", 150, 11000));
  AddRow(&data, kJinan, kMarch,
         Row(5, "2026-03-20", kJinanHospital, kHospital, kShandong, "P001", "B2401", 120, 12000));

  std::vector<v1::Finding> findings = DetectDiversion(data, DiversionRules());

  ASSERT_THAT(findings, SizeIs(1));  // 华北医药's sale to 冀南商业 is lawful
  const v1::Finding& f = findings[0];
  EXPECT_EQ(f.kind(), v1::FINDING_KIND_CROSS_REGION);
  EXPECT_EQ(f.distributor_id(), kJinan);  // the one who sold outside
  EXPECT_EQ(f.province(), kShandong);
  EXPECT_EQ(f.quantity(), 120);
  EXPECT_EQ(f.severity(), v1::SEVERITY_HIGH);  // ¥14,400 but across a chain
  EXPECT_THAT(Refs(f), ElementsAre("SH-1", "D-HB/2026-03#3", "D-JN/2026-03#5"));
  EXPECT_EQ(f.evidence(1).seller_id(), kHuabei);
  EXPECT_EQ(f.evidence(1).buyer_id(), kJinan);
  EXPECT_EQ(f.evidence(2).seller_id(), kJinan);
  for (const v1::EvidenceStep& step : f.evidence()) {
    EXPECT_THAT(step.authorised_provinces(), ElementsAre(kHebei)) << step.ref();
  }
  EXPECT_EQ(f.summary(),
            "Batch B2401 of P001 shipped to 华北医药 for 河北省 was sold in 山东省 by 冀南商业 "
            "(via 华北医药 → 冀南商业): 120 packs, ¥14,400.00");
  EXPECT_EQ(f.summary_zh(),
            "P001批号B2401发往华北医药（授权河北省），经华北医药 → 冀南商业，由冀南商业销往山东省："
            "120盒，金额¥14,400.00");
}

TEST(Diversion, LawfulSubDistributorSaleInsideTheRegion) {
  ChannelData data = ShippedToHuabei();
  AddRow(&data, kHuabei, kMarch,
         Row(3, "2026-03-05", kJinan, kSubDistributor, kHebei, "P001", "B2401", 150, 11500));
  AddRow(&data, kJinan, kMarch,
         Row(1, "2026-03-12", kSjzHospital, kHospital, kHebei, "P001", "B2401", 80, 13000));
  AddRow(&data, kJinan, kMarch,
         Row(2, "2026-03-15", kBaodingPharmacy, kPharmacy, kHebei, "P001", "B2401", 40, 14000));

  EXPECT_THAT(DetectDiversion(data, DiversionRules()), IsEmpty());
}

TEST(Diversion, SaleToASubDistributorOutsideTheRegion) {
  // 华北医药 sells to 鲁南商业 in 山东省, which sells on in 山东省: both sold
  // goods authorised for 河北省 outside it.
  ChannelData data = ShippedToHuabei();
  AddRow(&data, kHuabei, kMarch,
         Row(4, "2026-03-06", kLunan, kSubDistributor, kShandong, "P001", "B2401", 100, 11000));
  AddRow(&data, kLunan, kMarch,
         Row(1, "2026-03-18", kJinanHospital, kHospital, kShandong, "P001", "B2401", 60, 13000));

  std::vector<v1::Finding> findings = DetectDiversion(data, DiversionRules());

  ASSERT_THAT(findings, SizeIs(2));
  EXPECT_EQ(findings[0].distributor_id(), kHuabei);
  EXPECT_THAT(Refs(findings[0]), ElementsAre("SH-1", "D-HB/2026-03#4"));
  EXPECT_EQ(findings[1].distributor_id(), kLunan);
  EXPECT_THAT(Refs(findings[1]), ElementsAre("SH-1", "D-HB/2026-03#4", "D-SD/2026-03#1"));
}

TEST(Diversion, LowPriceSale) {
  ChannelData data = ShippedToHuabei();
  // ¥90.00 in 河北省, whose floor in March is ¥110.00.
  AddRow(&data, kHuabei, kMarch,
         Row(7, "2026-03-25", kSjzHospital, kHospital, kHebei, "P001", "B2401", 100, 9000));
  // At the floor: no finding. Price 0: not reported, no check.
  AddRow(&data, kHuabei, kMarch,
         Row(8, "2026-03-26", kBaodingPharmacy, kPharmacy, kHebei, "P001", "B2401", 10, 11000));
  AddRow(&data, kHuabei, kMarch,
         Row(9, "2026-03-27", kBaodingPharmacy, kPharmacy, kHebei, "P001", "B2401", 10, 0));

  std::vector<v1::Finding> findings = DetectDiversion(data, DiversionRules());

  ASSERT_THAT(findings, SizeIs(1));
  const v1::Finding& f = findings[0];
  EXPECT_EQ(f.kind(), v1::FINDING_KIND_LOW_PRICE);
  EXPECT_EQ(f.distributor_id(), kHuabei);
  EXPECT_EQ(f.province(), kHebei);
  EXPECT_EQ(f.quantity(), 100);
  EXPECT_EQ(f.amount_fen(), 900'000);
  EXPECT_EQ(f.severity(), v1::SEVERITY_MEDIUM);
  EXPECT_THAT(Refs(f), ElementsAre("D-HB/2026-03#7"));
  EXPECT_EQ(f.summary(),
            "华北医药 sold P001 (batch B2401) in 河北省 at ¥90.00 a pack, below the floor price "
            "¥110.00: 100 packs, ¥9,000.00");
  EXPECT_EQ(f.summary_zh(),
            "华北医药在河北省以¥90.00/盒销售P001（批号B2401），低于最低限价¥110.00：100盒，"
            "金额¥9,000.00");
}

TEST(Diversion, FloorPriceIsTheListingInForceAtTheSaleDate) {
  ChannelData data = ShippedToHuabei();
  const absl::CivilMonth april(2026, 4);
  // ¥115.00: above March's floor (¥110.00), below April's (¥120.00), also
  // with the date written as spreadsheets do; a date that is no date is not
  // checked.
  AddRow(&data, kHuabei, kMarch,
         Row(1, "2026-03-31", kSjzHospital, kHospital, kHebei, "P001", "B2401", 10, 11500));
  AddRow(&data, kHuabei, april,
         Row(1, "2026-04-01", kSjzHospital, kHospital, kHebei, "P001", "B2401", 10, 11500));
  AddRow(&data, kHuabei, april,
         Row(2, "2026/4/2", kSjzHospital, kHospital, kHebei, "P001", "B2401", 10, 11500));
  AddRow(&data, kHuabei, april,
         Row(3, "2026-04-31", kSjzHospital, kHospital, kHebei, "P001", "B2401", 10, 11500));
  // A floor of 0 falls back to the bid price (¥150.00).
  (*data.products["P001"].mutable_listings(2)).set_floor_price_fen(0);
  AddRow(&data, kLunan, kMarch,
         Row(1, "2026-03-10", kJinanHospital, kHospital, kShandong, "P001", "X1", 10, 14000));
  // No listing in 北京市: no check.
  AddRow(&data, kLunan, kMarch,
         Row(2, "2026-03-10", "H-BJ", kHospital, "北京市", "P001", "X1", 10, 100));

  std::vector<v1::Finding> findings = DetectDiversion(data, DiversionRules());

  std::vector<std::vector<std::string>> low;
  for (const v1::Finding& f : findings) {
    if (f.kind() == v1::FINDING_KIND_LOW_PRICE) low.push_back(Refs(f));
  }
  EXPECT_THAT(low, ElementsAre(ElementsAre("D-SD/2026-03#1"),
                               ElementsAre("D-HB/2026-04#1", "D-HB/2026-04#2")));
}

TEST(Diversion, OutOfAreaSaleOfUntracedGoods) {
  // 鲁南商业 (authorised 山东省) sells a batch no shipment in the data
  // carries into 河北省.
  ChannelData data = Cast();
  AddRow(&data, kLunan, kMarch,
         Row(11, "2026-03-08", kSjzHospital, kHospital, kHebei, "P001", "B2399", 30,
             13000));

  std::vector<v1::Finding> findings = DetectDiversion(data, DiversionRules());

  ASSERT_THAT(findings, SizeIs(1));
  const v1::Finding& f = findings[0];
  EXPECT_EQ(f.kind(), v1::FINDING_KIND_OUT_OF_AREA_SALE);
  EXPECT_EQ(f.distributor_id(), kLunan);
  EXPECT_EQ(f.province(), kHebei);
  EXPECT_THAT(f.authorised_provinces(), ElementsAre(kShandong));
  EXPECT_EQ(f.severity(), v1::SEVERITY_LOW);  // ¥3,900.00
  EXPECT_THAT(Refs(f), ElementsAre("D-SD/2026-03#11"));
  EXPECT_EQ(f.summary(),
            "鲁南商业 sold P001 (batch B2399) in 河北省, outside its authorised area 山东省: "
            "30 packs, ¥3,900.00");
  EXPECT_EQ(f.summary_zh(),
            "鲁南商业在授权区域（山东省）以外的河北省销售P001（批号B2399）：30盒，金额¥3,900.00");
}

TEST(Diversion, GoodsAuthorisedForAnExtraProvinceMayBeSoldThere) {
  ChannelData data = Cast();
  data.shipments.push_back(Shipment("SH-2", kHuabei, "2026-03-02",
                                    {Line("P001", "B2401", 200, {kHebei, kShandong})}));
  AddRow(&data, kHuabei, kMarch,
         Row(1, "2026-03-10", kJinanHospital, kHospital, kShandong, "P001", "B2401", 50, 12000));

  EXPECT_THAT(DetectDiversion(data, DiversionRules()), IsEmpty());
}

TEST(Diversion, AHolderOfSeveralSourcesIsJudgedAgainstTheirUnion) {
  ChannelData data = ShippedToHuabei();
  data.shipments.push_back(
      Shipment("SH-3", kJinan, "2026-03-03", {Line("P001", "B2401", 20, {kShandong})}));
  AddRow(&data, kHuabei, kMarch,
         Row(3, "2026-03-05", kJinan, kSubDistributor, kHebei, "P001", "B2401", 150, 11000));
  AddRow(&data, kJinan, kMarch,
         Row(5, "2026-03-20", kJinanHospital, kHospital, kShandong, "P001", "B2401", 20, 12000));

  EXPECT_THAT(DetectDiversion(data, DiversionRules()), IsEmpty());
}

TEST(Diversion, RowsOfOneKeyFormOneFindingAndReturnsAreNotSales) {
  ChannelData data = ShippedToHuabei();
  AddRow(&data, kHuabei, kMarch,
         Row(9, "2026-03-21", kJinanHospital, kHospital, kShandong, "P001", "B2401", 300, 12000));
  AddRow(&data, kHuabei, kMarch,
         Row(4, "2026-03-11", "H-QD", kHospital, kShandong, "P001", "B2401", 200, 12000));
  AddRow(&data, kHuabei, kMarch,
         Row(10, "2026-03-28", kJinanHospital, kHospital, kShandong, "P001", "B2401", -50, 12000));
  // Unresolved terminal: not judged.
  AddRow(&data, kHuabei, kMarch,
         Row(11, "2026-03-28", "", kHospital, kShandong, "P001", "B2401", 70, 12000));

  std::vector<v1::Finding> findings = DetectDiversion(data, DiversionRules());

  ASSERT_THAT(findings, SizeIs(1));
  EXPECT_EQ(findings[0].quantity(), 500);
  EXPECT_EQ(findings[0].amount_fen(), 6'000'000);
  EXPECT_EQ(findings[0].severity(), v1::SEVERITY_HIGH);  // ≥ ¥50,000
  EXPECT_THAT(Refs(findings[0]), ElementsAre("SH-1", "D-HB/2026-03#4", "D-HB/2026-03#9"));
}

TEST(Diversion, ACycleInTheChainTerminates) {
  // 华北医药 sells to 冀南商业, which sells part back; the goods keep their
  // authorisation and the sale into 山东省 is found once.
  ChannelData data = ShippedToHuabei();
  AddRow(&data, kHuabei, kMarch,
         Row(3, "2026-03-05", kJinan, kSubDistributor, kHebei, "P001", "B2401", 150, 11000));
  AddRow(&data, kJinan, kMarch,
         Row(1, "2026-03-08", kHuabei, kSubDistributor, kHebei, "P001", "B2401", 30, 11000));
  AddRow(&data, kHuabei, kMarch,
         Row(6, "2026-03-09", kJinan, kSubDistributor, kHebei, "P001", "B2401", 30, 11000));
  AddRow(&data, kJinan, kMarch,
         Row(5, "2026-03-20", kJinanHospital, kHospital, kShandong, "P001", "B2401", 120, 12000));

  std::vector<v1::Finding> findings = DetectDiversion(data, DiversionRules());

  ASSERT_THAT(findings, SizeIs(1));
  EXPECT_EQ(findings[0].distributor_id(), kJinan);
  // The shortest chain, and its earliest row.
  EXPECT_THAT(Refs(findings[0]), ElementsAre("SH-1", "D-HB/2026-03#3", "D-JN/2026-03#5"));
}

TEST(Diversion, CycleWithoutAShipmentLeavesGoodsUntraced) {
  // Two distributors trade a batch no shipment carries: nothing to follow;
  // the account rule judges their sales.
  ChannelData data = Cast();
  AddRow(&data, kHuabei, kMarch,
         Row(1, "2026-03-05", kJinan, kSubDistributor, kHebei, "P001", "Z9", 10, 11000));
  AddRow(&data, kJinan, kMarch,
         Row(1, "2026-03-06", kHuabei, kSubDistributor, kHebei, "P001", "Z9", 10, 11000));
  AddRow(&data, kJinan, kMarch,
         Row(2, "2026-03-07", kJinanHospital, kHospital, kShandong, "P001", "Z9", 10, 11000));

  std::vector<v1::Finding> findings = DetectDiversion(data, DiversionRules());

  ASSERT_THAT(findings, SizeIs(1));
  EXPECT_EQ(findings[0].kind(), v1::FINDING_KIND_OUT_OF_AREA_SALE);
  EXPECT_EQ(findings[0].distributor_id(), kJinan);
}

TEST(Diversion, GoodsWithoutAnyAuthorisationAreNotCrossRegion) {
  ChannelData data = Cast();
  data.shipments.push_back(Shipment("SH-9", "D-NEW", "2026-03-02", {Line("P001", "B2401", 10)}));
  AddRow(&data, "D-NEW", kMarch,
         Row(1, "2026-03-10", kJinanHospital, kHospital, kShandong, "P001", "B2401", 10, 12000));

  EXPECT_THAT(DetectDiversion(data, DiversionRules()), IsEmpty());
}

TEST(Diversion, RulesCanBeSwitchedOffAndThresholdsSet) {
  ChannelData data = ShippedToHuabei();
  AddRow(&data, kHuabei, kMarch,
         Row(2, "2026-03-10", kJinanHospital, kHospital, kShandong, "P001", "B2401", 120, 9000));
  DiversionRules rules;
  rules.cross_region = false;
  rules.medium_amount_fen = 2'000'000;
  std::vector<v1::Finding> findings = DetectDiversion(data, rules);
  ASSERT_THAT(findings, SizeIs(1));  // the low price only: ¥90.00 in 山东省, floor ¥100.00
  EXPECT_EQ(findings[0].kind(), v1::FINDING_KIND_LOW_PRICE);
  EXPECT_EQ(findings[0].severity(), v1::SEVERITY_LOW);  // ¥10,800 < ¥20,000
}

TEST(Diversion, IdsAreStableAcrossRunsAndInputOrder) {
  ChannelData data = ShippedToHuabei();
  data.shipments.push_back(Shipment("SH-0", kHuabei, "2026-02-20", {Line("P001", "B2401", 50)}));
  AddRow(&data, kHuabei, kMarch,
         Row(3, "2026-03-05", kJinan, kSubDistributor, kHebei, "P001", "B2401", 150, 11000));
  AddRow(&data, kJinan, kMarch,
         Row(5, "2026-03-20", kJinanHospital, kHospital, kShandong, "P001", "B2401", 120, 9000));
  AddRow(&data, kHuabei, kMarch,
         Row(2, "2026-03-10", kJinanHospital, kHospital, kShandong, "P001", "B2401", 120, 12000));

  std::vector<v1::Finding> first = DetectDiversion(data, DiversionRules());
  ChannelData shuffled = data;
  std::reverse(shuffled.shipments.begin(), shuffled.shipments.end());
  for (auto& [key, rows] : shuffled.flows) std::reverse(rows.begin(), rows.end());
  std::vector<v1::Finding> second = DetectDiversion(shuffled, DiversionRules());

  ASSERT_THAT(first, SizeIs(3));
  ASSERT_EQ(second.size(), first.size());
  for (size_t i = 0; i < first.size(); ++i) {
    EXPECT_EQ(first[i].id(), second[i].id());
    EXPECT_EQ(first[i].SerializeAsString(), second[i].SerializeAsString()) << i;
  }
  EXPECT_EQ(first[0].evidence(0).ref(), "SH-0");  // the earliest shipment heads the chain
  EXPECT_EQ(first[0].id(), FindingId(v1::FINDING_KIND_CROSS_REGION, kHuabei, "P001", "B2401",
                                     "2026-03", kShandong));
  EXPECT_NE(first[0].id(), FindingId(v1::FINDING_KIND_CROSS_REGION, kHuabei, "P001", "B2401",
                                     "2026-04", kShandong));
}

TEST(Findings, MoneyAsAChannelManagerReadsIt) {
  EXPECT_EQ(FormatYuan(0), "¥0.00");
  EXPECT_EQ(FormatYuan(5), "¥0.05");
  EXPECT_EQ(FormatYuan(1'440'000), "¥14,400.00");
  EXPECT_EQ(FormatYuan(123'456'789'01), "¥123,456,789.01");
  EXPECT_EQ(FormatYuan(-500), "-¥5.00");
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::channel
