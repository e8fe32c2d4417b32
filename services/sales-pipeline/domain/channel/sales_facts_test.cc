#include "domain/channel/sales_facts.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "domain/channel/channel_test_data.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

using ::testing::ElementsAre;
using namespace testdata;  // NOLINT(build/namespaces): the scenarios' cast

constexpr absl::CivilMonth kMarch(2026, 3);

std::vector<std::string> Lines(const std::vector<v1::SalesFact>& facts) {
  std::vector<std::string> lines;
  for (const v1::SalesFact& f : facts) {
    lines.push_back(absl::StrCat(f.customer_id(), " ", f.product_id(), " ", f.month(), " ",
                                 v1::SalesFactSource_Name(f.source()), " via ", f.distributor_id(),
                                 ": ", f.quantity(), " packs, ", f.amount_fen(), " fen"));
  }
  return lines;
}

TEST(SalesFacts, FlowFactsPerTerminalAndProduct) {
  const ChannelData data = StockScenario();
  auto price = [&](absl::string_view distributor, absl::string_view product) {
    return ChannelSupplyPrice(data, distributor, product);
  };
  FlowSalesFacts huabei =
      FlowFacts(kHuabei, kMarch, data.flows.at(FlowKey{kHuabei, kMarch}), price);

  // 120 sold, 10 taken back, at the tier1 supply price of ¥100.00; the sale
  // to 冀南商业 and the unmatched row are left out and counted.
  EXPECT_THAT(Lines(huabei.facts),
              ElementsAre("H-SJZ P001 2026-03 SALES_FACT_SOURCE_FLOW via D-HB: 110 packs, "
                          "1100000 fen"));
  EXPECT_EQ(huabei.unresolved_rows, 1);
  EXPECT_EQ(huabei.unresolved_quantity, 8);
  EXPECT_EQ(huabei.sub_distributor_rows, 1);
  EXPECT_EQ(huabei.sub_distributor_quantity, 30);

  FlowSalesFacts jinan = FlowFacts(kJinan, kMarch, data.flows.at(FlowKey{kJinan, kMarch}), price);
  EXPECT_THAT(Lines(jinan.facts),
              ElementsAre("P-BD P001 2026-03 SALES_FACT_SOURCE_FLOW via D-JN: 25 packs, "
                          "250000 fen"));
}

TEST(SalesFacts, FlowFactsWithoutAPrice) {
  std::vector<v1::FlowRow> rows = {
      Row(1, "2026-03-02", kJinanHospital, v1::CUSTOMER_KIND_HOSPITAL, kShandong, "P009", "X", 4,
          900),
      Row(2, "2026-03-03", kJinanHospital, v1::CUSTOMER_KIND_HOSPITAL, kShandong, "P001", "X", 2,
          900),
      Row(3, "2026-03-04", kJinanHospital, v1::CUSTOMER_KIND_HOSPITAL, kShandong, "P009", "X", 1,
          900)};
  int asked = 0;
  FlowSalesFacts facts = FlowFacts(kLunan, kMarch, rows,
                                   [&](absl::string_view, absl::string_view product) -> int64_t {
                                     ++asked;
                                     return product == "P001" ? 10000 : 0;
                                   });
  EXPECT_THAT(Lines(facts.facts),
              ElementsAre("H-JN P001 2026-03 SALES_FACT_SOURCE_FLOW via D-SD: 2 packs, 20000 fen",
                          "H-JN P009 2026-03 SALES_FACT_SOURCE_FLOW via D-SD: 5 packs, 0 fen"));
  EXPECT_EQ(asked, 2);  // once per product
}

TEST(SalesFacts, SellInFactsPerDistributorAndProduct) {
  ChannelData data = StockScenario();
  data.shipments.push_back(
      Shipment("SH-5", kLunan, "2026-03-28", {Line("P001", "B2401", 10, {}, 9500)}));
  data.shipments.push_back(Shipment("SH-6", kLunan, "2026-04-01", {Line("P001", "B2401", 999)}));
  auto price = [&](absl::string_view distributor, absl::string_view product) {
    return ChannelSupplyPrice(data, distributor, product);
  };

  // 华北医药: 200 shipped less 5 returned; 鲁南商业: 100 at the supply price
  // and 10 at the line's ¥95.00. April's shipment is not March's.
  EXPECT_THAT(Lines(SellInFacts(data.shipments, kMarch, price)),
              ElementsAre("D-HB P001 2026-03 SALES_FACT_SOURCE_SELL_IN via D-HB: 195 packs, "
                          "1950000 fen",
                          "D-SD P001 2026-03 SALES_FACT_SOURCE_SELL_IN via D-SD: 110 packs, "
                          "1095000 fen"));
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::channel
