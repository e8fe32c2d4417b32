#include "domain/channel/credit.h"

#include <cstdint>
#include <functional>
#include <limits>
#include <string>
#include <vector>

#include "domain/channel/test_records.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

using examples::ExampleAccount;
using examples::FindExampleProduct;
using examples::Parse;
using examples::Yuan;
using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr absl::CivilDay kToday(2026, 1, 10);

// Three lines of P001 to D1, the last with its own price and region.
v1::Shipment ExampleShipment() {
  return Parse<v1::Shipment>(R"pb(
    id: "S1"
    order_no: "SO-2026-0001"
    distributor_id: "D1"
    ship_date: "2026-01-10"
    lines { product_id: "P001" batch_no: "B2506" quantity: 60 }
    lines { product_id: "P001" batch_no: "B2506" quantity: 40 }
    lines {
      product_id: "P001"
      batch_no: "B2506"
      quantity: 20
      unit_price_fen: 29000
      authorised_provinces: "北京市"
    }
  )pb");
}

TEST(ValidateShipment, AcceptsTheExampleShipment) {
  const absl::Status status = ValidateShipment(ExampleShipment(), FindExampleProduct, kToday);
  EXPECT_TRUE(status.ok()) << status;
}

TEST(ValidateShipment, AShipDateMayBeTomorrowButNoLater) {
  v1::Shipment shipment = ExampleShipment();
  shipment.set_ship_date("2026-01-11");
  EXPECT_TRUE(ValidateShipment(shipment, FindExampleProduct, kToday).ok());
  shipment.set_ship_date("2026-01-12");
  const absl::Status status = ValidateShipment(shipment, FindExampleProduct, kToday);
  EXPECT_EQ(core::FieldOf(status), "ship_date");
  EXPECT_THAT(status.message(), HasSubstr("2026-01-12 is more than 1 day after today, 2026-01-10"));
}

TEST(ValidateShipment, ABatchIsUsableThroughItsExpiryDay) {
  v1::Shipment shipment = ExampleShipment();
  shipment.set_ship_date("2027-06-09");  // B2506 expires on 2027-06-09
  EXPECT_TRUE(ValidateShipment(shipment, FindExampleProduct, absl::CivilDay(2027, 6, 9)).ok());
  shipment.set_ship_date("2027-06-10");
  const absl::Status status =
      ValidateShipment(shipment, FindExampleProduct, absl::CivilDay(2027, 6, 10));
  EXPECT_EQ(status.code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(core::FieldOf(status), "lines[0].batch_no");
  EXPECT_THAT(status.message(), HasSubstr("batch B2506 of P001 expired on 2027-06-09"));
}

struct BrokenRule {
  std::string field;
  absl::StatusCode code;
  std::function<void(v1::Shipment&)> breaks;
};

TEST(ValidateShipment, RefusesEachBrokenRuleNamingTheField) {
  constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;
  constexpr absl::StatusCode kNotFound = absl::StatusCode::kNotFound;
  constexpr absl::StatusCode kPrecondition = absl::StatusCode::kFailedPrecondition;
  const std::vector<BrokenRule> rules = {
      {"distributor_id", kInvalid, [](v1::Shipment& s) { s.clear_distributor_id(); }},
      {"ship_date", kInvalid, [](v1::Shipment& s) { s.clear_ship_date(); }},
      {"ship_date", kInvalid, [](v1::Shipment& s) { s.set_ship_date("2026-02-30"); }},
      {"ship_date", kInvalid, [](v1::Shipment& s) { s.set_ship_date("1999-12-31"); }},
      {"lines", kInvalid, [](v1::Shipment& s) { s.clear_lines(); }},
      {"lines", kInvalid,
       [](v1::Shipment& s) {
         while (s.lines_size() <= kMaxShipmentLines) *s.add_lines() = s.lines(0);
       }},
      {"lines[2].product_id", kInvalid,
       [](v1::Shipment& s) { s.mutable_lines(2)->clear_product_id(); }},
      {"lines[2].product_id", kNotFound,
       [](v1::Shipment& s) { s.mutable_lines(2)->set_product_id("P999"); }},
      {"lines[2].product_id", kPrecondition,
       [](v1::Shipment& s) {
         s.mutable_lines(2)->set_product_id("P002");  // discontinued
         s.mutable_lines(2)->set_batch_no("N2401");
       }},
      {"lines[2].batch_no", kInvalid,
       [](v1::Shipment& s) { s.mutable_lines(2)->clear_batch_no(); }},
      {"lines[2].batch_no", kNotFound,
       [](v1::Shipment& s) { s.mutable_lines(2)->set_batch_no("B2599"); }},
      {"lines[2].batch_no", kPrecondition,
       [](v1::Shipment& s) { s.mutable_lines(2)->set_batch_no("B2301"); }},  // expired 2025-01-09
      {"lines[2].quantity", kInvalid, [](v1::Shipment& s) { s.mutable_lines(2)->set_quantity(0); }},
      {"lines[2].quantity", kInvalid,
       [](v1::Shipment& s) { s.mutable_lines(2)->set_quantity(-20); }},
      {"lines[2].unit_price_fen", kInvalid,
       [](v1::Shipment& s) { s.mutable_lines(2)->set_unit_price_fen(-1); }},
      {"lines[2].authorised_provinces[1]", kInvalid,
       [](v1::Shipment& s) { s.mutable_lines(2)->add_authorised_provinces(" "); }},
  };
  for (const BrokenRule& rule : rules) {
    v1::Shipment shipment = ExampleShipment();
    rule.breaks(shipment);
    const absl::Status status = ValidateShipment(shipment, FindExampleProduct, kToday);
    EXPECT_EQ(status.code(), rule.code) << rule.field << ": " << status;
    EXPECT_EQ(core::FieldOf(status), rule.field) << status;
  }
}

TEST(ValidateShipment, AReturnMayBringBackDiscontinuedOrExpiredGoods) {
  v1::Shipment ret = Parse<v1::Shipment>(R"pb(
    id: "R1"
    distributor_id: "D1"
    ship_date: "2026-01-10"
    is_return: true
    returns_shipment_id: "S0"
    lines { product_id: "P001" batch_no: "B2301" quantity: 5 }
    lines { product_id: "P002" batch_no: "N2401" quantity: 3 }
  )pb");
  EXPECT_TRUE(ValidateShipment(ret, FindExampleProduct, kToday).ok());
  // Its quantities are positive all the same.
  ret.mutable_lines(1)->set_quantity(-3);
  EXPECT_EQ(core::FieldOf(ValidateShipment(ret, FindExampleProduct, kToday)), "lines[1].quantity");
}

TEST(PriceShipment, PricesOnTheAccountsTermsAndSumsTheAmount) {
  v1::Shipment shipment = ExampleShipment();
  shipment.set_ship_date("2026/1/10");
  const absl::StatusOr<v1::Shipment> priced =
      PriceShipment(shipment, ExampleAccount(), FindExampleProduct);
  ASSERT_TRUE(priced.ok()) << priced.status();
  // 60 + 40 packs at the tier-1 price ¥300.00, 20 at the agreed ¥290.00:
  // ¥30,000.00 + ¥5,800.00 = ¥35,800.00.
  EXPECT_EQ(priced->lines(0).unit_price_fen(), 30000);
  EXPECT_EQ(priced->lines(1).unit_price_fen(), 30000);
  EXPECT_EQ(priced->lines(2).unit_price_fen(), 29000);
  EXPECT_EQ(priced->amount_fen(), Yuan(35800));
  EXPECT_THAT(priced->lines(0).authorised_provinces(), ElementsAre("河北省", "天津市"));
  EXPECT_THAT(priced->lines(2).authorised_provinces(), ElementsAre("北京市"));
  EXPECT_EQ(priced->ship_date(), "2026-01-10");
}

TEST(PriceShipment, RecomputesAGivenAmount) {
  v1::Shipment shipment = ExampleShipment();
  shipment.set_amount_fen(1);
  EXPECT_EQ(PriceShipment(shipment, ExampleAccount(), FindExampleProduct)->amount_fen(),
            Yuan(35800));
}

TEST(PriceShipment, RefusesWhatItCannotPriceNamingTheField) {
  v1::DistributorAccount tier2 = ExampleAccount();
  tier2.set_channel("tier2");
  v1::Shipment shipment = ExampleShipment();
  shipment.mutable_lines(1)->set_product_id("P002");  // no tier-2 price
  absl::StatusOr<v1::Shipment> priced = PriceShipment(shipment, tier2, FindExampleProduct);
  EXPECT_EQ(priced.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(core::FieldOf(priced.status()), "lines[1].unit_price_fen");
  EXPECT_THAT(priced.status().message(), HasSubstr("no supply price for channel 'tier2'"));

  shipment = ExampleShipment();
  shipment.mutable_lines(1)->set_product_id("P999");
  priced = PriceShipment(shipment, ExampleAccount(), FindExampleProduct);
  EXPECT_EQ(priced.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(core::FieldOf(priced.status()), "lines[1].product_id");

  shipment = ExampleShipment();
  shipment.set_distributor_id("D2");
  EXPECT_EQ(core::FieldOf(PriceShipment(shipment, ExampleAccount(), FindExampleProduct).status()),
            "distributor_id");
}

TEST(PriceShipment, RefusesAnAmountBeyondInt64) {
  constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
  v1::Shipment shipment = ExampleShipment();
  shipment.mutable_lines(1)->set_quantity(kMax / 20000);  // x ¥300.00 overflows
  absl::StatusOr<v1::Shipment> priced =
      PriceShipment(shipment, ExampleAccount(), FindExampleProduct);
  EXPECT_EQ(priced.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(core::FieldOf(priced.status()), "lines[1].quantity");

  shipment = ExampleShipment();
  shipment.mutable_lines(0)->set_quantity(kMax / 40000);  // each line fits, the sum does not
  shipment.mutable_lines(1)->set_quantity(kMax / 40000);
  priced = PriceShipment(shipment, ExampleAccount(), FindExampleProduct);
  EXPECT_EQ(priced.status().code(), absl::StatusCode::kOutOfRange);
  EXPECT_EQ(core::FieldOf(priced.status()), "amount_fen");
}

TEST(DecideCredit, RefusesAShipmentThatWouldExceedTheCreditLimit) {
  // D1: credit limit ¥100,000.00; ¥80,000.00 still open; a ¥30,000.00 order.
  const v1::CreditDecision decision = DecideCredit(ExampleAccount(), Yuan(80000), Yuan(30000));
  EXPECT_FALSE(decision.accepted());
  EXPECT_EQ(decision.reason(),
            "open receivables ¥80,000.00 + this shipment ¥30,000.00 would exceed the credit limit "
            "¥100,000.00");
  EXPECT_EQ(decision.reason_zh(),
            "应收余额 ¥80,000.00 加本次发货 ¥30,000.00 将超过信用额度 ¥100,000.00");
  EXPECT_EQ(decision.open_receivables_fen(), Yuan(80000));
  EXPECT_EQ(decision.shipment_amount_fen(), Yuan(30000));
  EXPECT_EQ(decision.credit_limit_fen(), Yuan(100000));
}

TEST(DecideCredit, AcceptsUpToTheLimitItself) {
  v1::CreditDecision decision = DecideCredit(ExampleAccount(), Yuan(70000), Yuan(30000));
  EXPECT_TRUE(decision.accepted());
  EXPECT_EQ(decision.reason(), "");
  EXPECT_EQ(decision.reason_zh(), "");
  EXPECT_EQ(decision.credit_limit_fen(), Yuan(100000));
  EXPECT_FALSE(DecideCredit(ExampleAccount(), Yuan(70000), Yuan(30000) + 1).accepted());
  // Open credit (a return not yet used) makes room.
  EXPECT_TRUE(DecideCredit(ExampleAccount(), -Yuan(5000), Yuan(105000)).accepted());
}

TEST(DecideCredit, RefusesEveryShipmentOnHoldQuotingTheHold) {
  v1::DistributorAccount account = ExampleAccount();
  account.set_on_hold(true);
  account.set_hold_reason("an invoice is 95 days overdue (more than 90 allowed)");
  v1::CreditDecision decision = DecideCredit(account, 0, Yuan(100));
  EXPECT_FALSE(decision.accepted());
  EXPECT_EQ(decision.reason(),
            "distributor D1 is on credit hold: an invoice is 95 days overdue (more than 90 "
            "allowed)");
  EXPECT_EQ(decision.reason_zh(),
            "经销商 D1 已被信用冻结：an invoice is 95 days overdue (more than 90 allowed)");
  EXPECT_FALSE(DecideCredit(account, 0, 0).accepted());
  account.clear_hold_reason();
  decision = DecideCredit(account, 0, Yuan(100));
  EXPECT_EQ(decision.reason(), "distributor D1 is on credit hold");
  EXPECT_EQ(decision.reason_zh(), "经销商 D1 已被信用冻结");
}

TEST(DecideCredit, ACreditLimitOfZeroMeansPrepayment) {
  v1::DistributorAccount account = ExampleAccount();
  account.set_credit_limit_fen(0);
  const v1::CreditDecision decision = DecideCredit(account, 0, Yuan(300));
  EXPECT_FALSE(decision.accepted());
  EXPECT_EQ(decision.reason(),
            "no credit: the credit limit is ¥0.00, this shipment ¥300.00 needs prepayment");
  EXPECT_EQ(decision.reason_zh(), "无信用额度（信用额度 ¥0.00），本次发货 ¥300.00 需先款后货");
  EXPECT_FALSE(DecideCredit(account, -Yuan(1000), Yuan(300)).accepted());
  EXPECT_TRUE(DecideCredit(account, 0, 0).accepted());
}

TEST(DecideCredit, RefusesWhenTheSumOverflows) {
  EXPECT_FALSE(
      DecideCredit(ExampleAccount(), std::numeric_limits<int64_t>::max(), Yuan(1)).accepted());
}

TEST(DecideCredit, NeverRefusesAReturn) {
  v1::DistributorAccount account = ExampleAccount();
  account.set_on_hold(true);
  account.set_hold_reason("manual: disputed delivery");
  v1::Shipment ret = ExampleShipment();
  ret.set_is_return(true);
  ret.set_amount_fen(Yuan(3000));
  const v1::CreditDecision decision = DecideCredit(account, Yuan(150000), ret);
  EXPECT_TRUE(decision.accepted());
  EXPECT_EQ(decision.reason(), "");
  EXPECT_EQ(decision.shipment_amount_fen(), Yuan(3000));
  // The same shipment as a sale is decided on its amount.
  ret.set_is_return(false);
  EXPECT_FALSE(DecideCredit(account, Yuan(150000), ret).accepted());
  account.set_on_hold(false);
  EXPECT_FALSE(DecideCredit(account, Yuan(98000), ret).accepted());
  EXPECT_TRUE(DecideCredit(account, Yuan(97000), ret).accepted());
}

TEST(FormatYuan, WritesYuanWithThousandsAndTwoDecimals) {
  EXPECT_EQ(FormatYuan(123450), "¥1,234.50");
  EXPECT_EQ(FormatYuan(-500), "-¥5.00");
  EXPECT_EQ(FormatYuan(0), "¥0.00");
  EXPECT_EQ(FormatYuan(7), "¥0.07");
  EXPECT_EQ(FormatYuan(-7), "-¥0.07");
  EXPECT_EQ(FormatYuan(99999), "¥999.99");
  EXPECT_EQ(FormatYuan(100000), "¥1,000.00");
  EXPECT_EQ(FormatYuan(Yuan(100000)), "¥100,000.00");
  EXPECT_EQ(FormatYuan(Yuan(1234567)), "¥1,234,567.00");
  EXPECT_EQ(FormatYuan(std::numeric_limits<int64_t>::max()), "¥92,233,720,368,547,758.07");
  EXPECT_EQ(FormatYuan(std::numeric_limits<int64_t>::min()), "-¥92,233,720,368,547,758.08");
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::channel
