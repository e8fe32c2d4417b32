#include "domain/channel/catalogue.h"

#include <functional>
#include <string>
#include <vector>

#include "domain/channel/test_records.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

using examples::ExampleProduct;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

TEST(ValidateProduct, AcceptsTheExampleProduct) {
  EXPECT_TRUE(ValidateProduct(ExampleProduct()).ok()) << ValidateProduct(ExampleProduct());
}

TEST(ValidateProduct, AcceptsTheEdgesOfEachRange) {
  v1::Product product = ExampleProduct();
  product.set_id("Ab-9_" + std::string(27, 'x'));  // 32 characters
  product.set_pack_size(kMaxPackSize);
  product.set_list_price_fen(kMaxPriceFen);
  product.mutable_channel_prices(0)->set_supply_price_fen(0);
  product.mutable_listings(0)->set_floor_price_fen(product.listings(0).bid_price_fen());
  // A floor without a bid price (not listed) has nothing to stay under.
  product.mutable_listings(1)->set_bid_price_fen(0);
  product.mutable_listings(1)->set_floor_price_fen(30000);
  // Ten years on; from 29 February that is 1 March.
  product.clear_batches();
  v1::ProductBatch* batch = product.add_batches();
  batch->set_batch_no("L1");
  batch->set_manufactured_on("2020-02-29");
  batch->set_expires_on("2030-03-01");
  EXPECT_TRUE(ValidateProduct(product).ok()) << ValidateProduct(product);
}

struct BrokenRule {
  std::string field;
  std::function<void(v1::Product&)> breaks;
};

TEST(ValidateProduct, RefusesEachBrokenRuleNamingTheField) {
  const std::vector<BrokenRule> rules = {
      {"id", [](v1::Product& p) { p.clear_id(); }},
      {"id", [](v1::Product& p) { p.set_id("P 001"); }},
      {"id", [](v1::Product& p) { p.set_id("阿托伐他汀"); }},
      {"id", [](v1::Product& p) { p.set_id(std::string(33, 'P')); }},
      {"generic_name", [](v1::Product& p) { p.set_generic_name("  "); }},
      {"pack_size", [](v1::Product& p) { p.set_pack_size(0); }},
      {"pack_size", [](v1::Product& p) { p.set_pack_size(kMaxPackSize + 1); }},
      {"list_price_fen", [](v1::Product& p) { p.set_list_price_fen(0); }},
      {"list_price_fen", [](v1::Product& p) { p.set_list_price_fen(kMaxPriceFen + 1); }},
      {"channel_prices[1].channel",
       [](v1::Product& p) { p.mutable_channel_prices(1)->set_channel("Tier2"); }},
      {"channel_prices[2].channel",
       [](v1::Product& p) { p.mutable_channel_prices(2)->set_channel("tier1"); }},
      {"channel_prices[0].supply_price_fen",
       [](v1::Product& p) { p.mutable_channel_prices(0)->set_supply_price_fen(-1); }},
      {"listings[1].province", [](v1::Product& p) { p.mutable_listings(1)->set_province(""); }},
      {"listings[1].province", [](v1::Product& p) { p.mutable_listings(1)->set_province("河北省"); }},
      {"listings[0].bid_price_fen",
       [](v1::Product& p) { p.mutable_listings(0)->set_bid_price_fen(kMaxPriceFen + 1); }},
      {"listings[0].floor_price_fen",
       [](v1::Product& p) { p.mutable_listings(0)->set_floor_price_fen(-5); }},
      {"listings[0].floor_price_fen",
       [](v1::Product& p) { p.mutable_listings(0)->set_floor_price_fen(34501); }},
      {"listings[1].effective_from",
       [](v1::Product& p) { p.mutable_listings(1)->set_effective_from("2026-02-30"); }},
      {"listings[1].effective_from",
       [](v1::Product& p) { p.mutable_listings(1)->clear_effective_from(); }},
      {"batches[1].batch_no", [](v1::Product& p) { p.mutable_batches(1)->set_batch_no(" "); }},
      {"batches[1].batch_no", [](v1::Product& p) { p.mutable_batches(1)->set_batch_no("B2301"); }},
      {"batches[0].manufactured_on",
       [](v1::Product& p) { p.mutable_batches(0)->set_manufactured_on("2023-13-01"); }},
      {"batches[0].expires_on", [](v1::Product& p) { p.mutable_batches(0)->clear_expires_on(); }},
      {"batches[0].expires_on",
       [](v1::Product& p) { p.mutable_batches(0)->set_expires_on("2023-01-10"); }},
      {"batches[0].expires_on",
       [](v1::Product& p) { p.mutable_batches(0)->set_expires_on("2033-01-11"); }},
  };
  for (const BrokenRule& rule : rules) {
    v1::Product product = ExampleProduct();
    rule.breaks(product);
    const absl::Status status = ValidateProduct(product);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << rule.field << ": " << status;
    EXPECT_EQ(core::FieldOf(status), rule.field) << status;
  }
}

TEST(ValidateProduct, SaysWhatIsWrong) {
  v1::Product product = ExampleProduct();
  product.mutable_batches(1)->set_expires_on("2035-06-11");
  EXPECT_THAT(ValidateProduct(product).message(),
              HasSubstr("2035-06-11 is more than 10 years after manufacture on 2025-06-10"));
  product = ExampleProduct();
  product.mutable_channel_prices(1)->set_channel("wholesale");
  EXPECT_THAT(ValidateProduct(product).message(),
              HasSubstr("'wholesale' is not tier1, tier2 or direct"));
}

TEST(ChangedFields, ListsTheTopLevelFieldsThatDifferInFieldOrder) {
  const v1::Product before = ExampleProduct();
  v1::Product after = before;
  after.set_list_price_fen(42000);
  after.mutable_listings(0)->set_floor_price_fen(33000);
  after.set_discontinued(true);
  EXPECT_THAT(ChangedFields(before, after),
              ElementsAre("list_price_fen", "listings", "discontinued"));
  after = before;
  after.add_batches()->set_batch_no("B2512");
  after.set_brand_name("");
  EXPECT_THAT(ChangedFields(before, after), ElementsAre("brand_name", "batches"));
}

TEST(ChangedFields, IgnoresTheBookkeepingOfTheChangeAndTheOrderOfEntries) {
  const v1::Product before = ExampleProduct();
  v1::Product after = before;
  after.set_version(2);
  after.mutable_updated_at()->set_seconds(1767225600);
  after.set_updated_by("someone-else");
  after.set_change_reason("price review");
  after.mutable_channel_prices()->SwapElements(0, 2);
  after.mutable_batches()->SwapElements(0, 1);
  EXPECT_THAT(ChangedFields(before, after), IsEmpty());
  // A duplicated entry is a change even though the set of values is the same.
  *after.add_batches() = before.batches(0);
  EXPECT_THAT(ChangedFields(before, after), ElementsAre("batches"));
}

TEST(ChangedFields, ACreationChangesEveryFieldThatIsSet) {
  const v1::Product product = ExampleProduct();
  EXPECT_THAT(ChangedFields(v1::Product(), product),
              ElementsAre("id", "generic_name", "brand_name", "dosage_form", "specification",
                          "pack_size", "pack_unit", "atc_code", "therapeutic_class", "rx_status",
                          "list_price_fen", "channel_prices", "listings", "batches"));
}

TEST(SupplyPrice, IsTheChannelsPriceOrNotFoundNamingTheChannel) {
  EXPECT_EQ(*SupplyPrice(ExampleProduct(), "tier1"), 30000);
  EXPECT_EQ(*SupplyPrice(ExampleProduct(), "direct"), 33000);
  const absl::StatusOr<int64_t> missing = SupplyPrice(examples::DiscontinuedProduct(), "tier2");
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(core::FieldOf(missing.status()), "channel");
  EXPECT_THAT(missing.status().message(),
              HasSubstr("P002 has no supply price for channel 'tier2'"));
}

TEST(FloorPrice, IsTheFloorOfTheListingInForceOrItsBidPrice) {
  const v1::Product product = ExampleProduct();
  // Hebei: floor ¥320.00 under a bid price of ¥345.00, from 2025-07-01.
  EXPECT_EQ(FloorPrice(product, "河北省", absl::CivilDay(2026, 3, 1)), 32000);
  EXPECT_EQ(FloorPrice(product, "河北省", absl::CivilDay(2025, 7, 1)), 32000);
  EXPECT_EQ(FloorPrice(product, "河北省", absl::CivilDay(2025, 6, 30)), 0);
  // Beijing: no floor given, so the bid price ¥320.00, from 2026-01-01.
  EXPECT_EQ(FloorPrice(product, "北京市", absl::CivilDay(2026, 1, 1)), 32000);
  EXPECT_EQ(FloorPrice(product, "北京市", absl::CivilDay(2025, 12, 31)), 0);
  // Not listed in Shanghai.
  EXPECT_EQ(FloorPrice(product, "上海市", absl::CivilDay(2026, 3, 1)), 0);
}

TEST(FloorPrice, TakesTheLatestListingInForceAndSkipsUnreadableOnes) {
  // Records that ValidateProduct would refuse still give a sensible answer.
  v1::Product product = ExampleProduct();
  v1::ProvinceListing* newer = product.add_listings();
  newer->set_province("河北省");
  newer->set_bid_price_fen(33000);
  newer->set_effective_from("2026-03-01");
  v1::ProvinceListing* unreadable = product.add_listings();
  unreadable->set_province("河北省");
  unreadable->set_bid_price_fen(1);
  unreadable->set_effective_from("soon");
  EXPECT_EQ(FloorPrice(product, "河北省", absl::CivilDay(2026, 2, 28)), 32000);
  EXPECT_EQ(FloorPrice(product, "河北省", absl::CivilDay(2026, 3, 1)), 33000);
}

TEST(FindBatch, FindsABatchByItsExactNumber) {
  const v1::Product product = ExampleProduct();
  const v1::ProductBatch* batch = FindBatch(product, "B2506");
  ASSERT_NE(batch, nullptr);
  EXPECT_EQ(batch->expires_on(), "2027-06-09");
  EXPECT_EQ(FindBatch(product, "b2506"), nullptr);
  EXPECT_EQ(FindBatch(product, ""), nullptr);
}

TEST(IsChannel, KnowsTheThreeTiers) {
  EXPECT_TRUE(IsChannel("tier1"));
  EXPECT_TRUE(IsChannel("tier2"));
  EXPECT_TRUE(IsChannel("direct"));
  EXPECT_FALSE(IsChannel("tier3"));
  EXPECT_FALSE(IsChannel(""));
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::channel
