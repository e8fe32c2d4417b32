// ChannelService over a real RocksDB store and a FakeClock: the catalogue's
// versions, a shipment's credit check, invoices, payments and receivables,
// retries with one effect, and every bad input naming its field with
// nothing stored.
#include "api/channel_service.h"

#include "api/channel_test_host.h"
#include "domain/channel/test_records.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/clock.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/rpc/status.h"
#include "pharmacrm/runtime/projection.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "storage/keys.h"

namespace pharmacrm::sales_pipeline {
namespace {

using channel::examples::ExampleProduct;

// 2026-03-02 10:00 in Beijing.
const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 3, 2, 2, 0, 0), absl::UTCTimeZone());

class ChannelServiceTest : public ChannelTestHost {
 protected:
  ChannelServiceTest() : ChannelTestHost(kNow) {}

  void SetUp() override {
    ChannelTestHost::SetUp();
    Known("D1", v1::CUSTOMER_KIND_DISTRIBUTOR);
    Known("H1", v1::CUSTOMER_KIND_DOCTOR);
    ASSERT_TRUE(Upsert(ExampleProduct(), "r-p1").ok());
    v1::SetDistributorAccountRequest account;
    account.set_request_id("r-a1");
    account.set_distributor_id("D1");
    account.set_channel("tier1");
    account.add_authorised_provinces("河北省");
    account.set_credit_limit_fen(10'000'000);  // ¥100,000.00
    account.set_payment_days(30);
    ASSERT_TRUE(SetAccount(account).ok());
  }

  template <typename Req, typename Resp, typename Rpc>
  absl::StatusOr<Resp> Call(Rpc rpc, const Req& request) {
    grpc::ServerContext context;
    Resp response;
    RETURN_IF_ERROR(rpc::FromGrpcStatus((service_->*rpc)(&context, &request, &response)));
    return response;
  }
  absl::StatusOr<v1::Product> Upsert(v1::Product product, const std::string& request_id,
                                     int64_t expected_version = 0) {
    v1::UpsertProductRequest request;
    request.set_request_id(request_id);
    *request.mutable_product() = std::move(product);
    request.set_reason("catalogue upkeep");
    request.set_expected_version(expected_version);
    return Call<v1::UpsertProductRequest, v1::Product>(&ChannelService::UpsertProduct, request);
  }
  absl::StatusOr<v1::DistributorAccount> SetAccount(const v1::SetDistributorAccountRequest& r) {
    return Call<v1::SetDistributorAccountRequest, v1::DistributorAccount>(
        &ChannelService::SetDistributorAccount, r);
  }
  absl::StatusOr<v1::RecordShipmentResponse> Ship(const std::string& request_id, int64_t packs,
                                                  const std::string& date = "2026-03-01") {
    v1::RecordShipmentRequest request;
    request.set_request_id(request_id);
    v1::Shipment* s = request.mutable_shipment();
    s->set_distributor_id("D1");
    s->set_ship_date(date);
    v1::ShipmentLine* line = s->add_lines();
    line->set_product_id("P001");
    line->set_batch_no("B2506");
    line->set_quantity(packs);
    return Call<v1::RecordShipmentRequest, v1::RecordShipmentResponse>(
        &ChannelService::RecordShipment, request);
  }
  absl::StatusOr<v1::Payment> Pay(const std::string& request_id, int64_t fen,
                                  const std::string& date = "2026-03-02") {
    v1::RecordPaymentRequest request;
    request.set_request_id(request_id);
    request.mutable_payment()->set_distributor_id("D1");
    request.mutable_payment()->set_received_on(date);
    request.mutable_payment()->set_amount_fen(fen);
    return Call<v1::RecordPaymentRequest, v1::Payment>(&ChannelService::RecordPayment, request);
  }
  v1::ReceivablesSummary Receivables(const std::string& as_of) {
    v1::GetReceivablesRequest request;
    request.set_distributor_id("D1");
    request.set_as_of(as_of);
    absl::StatusOr<v1::ReceivablesSummary> summary =
        Call<v1::GetReceivablesRequest, v1::ReceivablesSummary>(&ChannelService::GetReceivables,
                                                                request);
    EXPECT_TRUE(summary.ok()) << summary.status();
    return summary.value_or(v1::ReceivablesSummary());
  }
  size_t Outbox() {
    absl::StatusOr<std::vector<store::OutboxEntry>> entries = host_->store().ReadOutbox(10'000);
    return entries.ok() ? entries->size() : 0;
  }
};

TEST_F(ChannelServiceTest, AProductChangeIsANewVersionWithTheOldOneKept) {
  v1::Product changed = ExampleProduct();
  changed.set_list_price_fen(42000);
  absl::StatusOr<v1::Product> v2 = Upsert(changed, "r-p2", /*expected_version=*/1);
  ASSERT_TRUE(v2.ok()) << v2.status();
  EXPECT_EQ(v2->version(), 2);
  EXPECT_EQ(v2->change_reason(), "catalogue upkeep");
  v1::GetProductRequest get;
  get.set_product_id("P001");
  get.set_version(1);
  auto v1_read = Call<v1::GetProductRequest, v1::Product>(&ChannelService::GetProduct, get);
  ASSERT_TRUE(v1_read.ok());
  EXPECT_EQ(v1_read->list_price_fen(), 40000);
  // A change made on an old version is refused; the same change again is
  // no change at all.
  EXPECT_EQ(Upsert(changed, "r-p3", 1).status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(Upsert(changed, "r-p4")->version(), 2);
}

TEST_F(ChannelServiceTest, ABadProductIsRefusedNamingTheFieldAndNothingIsStored) {
  v1::Product bad = ExampleProduct();
  bad.set_id("P009");
  bad.set_pack_size(0);
  absl::StatusOr<v1::Product> product = Upsert(bad, "r-bad");
  EXPECT_EQ(product.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(core::FieldOf(product.status()), "product.pack_size");
  v1::GetProductRequest get;
  get.set_product_id("P009");
  absl::StatusOr<v1::Product> read =
      Call<v1::GetProductRequest, v1::Product>(&ChannelService::GetProduct, get);
  EXPECT_EQ(read.status().code(), absl::StatusCode::kNotFound);
}

TEST_F(ChannelServiceTest, AnAccountNeedsAKnownDistributorAndSaneTerms) {
  v1::SetDistributorAccountRequest request;
  request.set_request_id("r-a2");
  request.set_distributor_id("nobody");
  request.set_channel("tier1");
  request.add_authorised_provinces("河北省");
  EXPECT_EQ(SetAccount(request).status().code(), absl::StatusCode::kNotFound);
  request.set_distributor_id("H1");  // a doctor
  EXPECT_EQ(core::FieldOf(SetAccount(request).status()), "distributor_id");
  request.set_distributor_id("D1");
  request.set_channel("retail");
  EXPECT_EQ(core::FieldOf(SetAccount(request).status()), "channel");
  request.set_channel("tier1");
  request.set_payment_days(-1);
  EXPECT_EQ(core::FieldOf(SetAccount(request).status()), "payment_days");
}

TEST_F(ChannelServiceTest, AShipmentIsPricedInvoicedAndCountedOnceWhenRetried) {
  const size_t outbox = Outbox();
  absl::StatusOr<v1::RecordShipmentResponse> shipped = Ship("r-s1", 100);
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  EXPECT_EQ(shipped->shipment().lines(0).unit_price_fen(), 30000);  // tier1 supply price
  EXPECT_EQ(shipped->shipment().amount_fen(), 3'000'000);
  EXPECT_EQ(shipped->shipment().lines(0).authorised_provinces(0), "河北省");
  EXPECT_EQ(shipped->invoice().due_on(), "2026-03-31");
  EXPECT_TRUE(shipped->credit().accepted());
  absl::StatusOr<v1::RecordShipmentResponse> again = Ship("r-s1", 100);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->shipment().id(), shipped->shipment().id());
  EXPECT_EQ(Receivables("2026-03-02").open_fen(), 3'000'000);
  EXPECT_EQ(Outbox(), outbox + 1);
}

TEST_F(ChannelServiceTest, AShipmentOverTheCreditLimitIsRefusedWithTheFiguresInBothLanguages) {
  ASSERT_TRUE(Ship("r-s1", 300).ok());  // ¥90,000.00 open
  absl::StatusOr<v1::RecordShipmentResponse> over = Ship("r-s2", 40);  // + ¥12,000.00
  EXPECT_EQ(over.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(core::FieldOf(over.status()), "shipment");
  EXPECT_NE(over.status().message().find("¥90,000.00"), absl::string_view::npos);
  EXPECT_NE(over.status().message().find("信用额度"), absl::string_view::npos);
  EXPECT_EQ(Receivables("2026-03-02").open_fen(), 9'000'000);
  // Paying makes room.
  ASSERT_TRUE(Pay("r-pay1", 3'000'000).ok());
  EXPECT_TRUE(Ship("r-s3", 40).ok());
}

TEST_F(ChannelServiceTest, BadShipmentsNameTheFieldAndStoreNothing) {
  v1::RecordShipmentRequest request;
  request.set_request_id("r-bad");
  v1::Shipment* s = request.mutable_shipment();
  s->set_distributor_id("D1");
  s->set_ship_date("2026-03-01");
  v1::ShipmentLine* line = s->add_lines();
  line->set_product_id("P001");
  line->set_batch_no("NOPE");
  line->set_quantity(5);
  auto call = [&] {
    return Call<v1::RecordShipmentRequest, v1::RecordShipmentResponse>(
        &ChannelService::RecordShipment, request);
  };
  EXPECT_EQ(core::FieldOf(call().status()), "shipment.lines[0].batch_no");
  line->set_batch_no("B2506");
  line->set_quantity(0);
  EXPECT_EQ(core::FieldOf(call().status()), "shipment.lines[0].quantity");
  line->set_quantity(5);
  s->set_ship_date("2026-03-09");  // a week ahead of the clock
  EXPECT_EQ(core::FieldOf(call().status()), "shipment.ship_date");
  s->set_ship_date("2026-03-01");
  s->set_distributor_id("D2");
  EXPECT_EQ(core::FieldOf(call().status()), "shipment.distributor_id");
  EXPECT_EQ(Receivables("2026-03-02").open_fen(), 0);
}

TEST_F(ChannelServiceTest, PaymentsAgeAndAnnouncementsHappenOnceAndHoldByRule) {
  ASSERT_TRUE(Ship("r-s1", 100, "2026-01-02").ok());  // ¥30,000.00 due 2026-02-01
  ASSERT_TRUE(Ship("r-s2", 50, "2026-03-01").ok());   // ¥15,000.00 due 2026-03-31
  absl::StatusOr<v1::Payment> paid = Pay("r-pay1", 1'000'000);
  ASSERT_TRUE(paid.ok()) << paid.status();
  ASSERT_EQ(paid->allocations_size(), 1);  // the oldest invoice first
  v1::ReceivablesSummary summary = Receivables("2026-03-02");
  EXPECT_EQ(summary.aging().days_0_30_fen(), 2'000'000);  // 29 days past due
  EXPECT_EQ(summary.aging().not_due_fen(), 1'500'000);
  EXPECT_EQ(summary.open_fen(), 3'500'000);
  EXPECT_EQ(summary.available_credit_fen(), 6'500'000);
  // A bad payment names its field.
  EXPECT_EQ(core::FieldOf(Pay("r-pay2", 0).status()), "payment.amount_fen");
  EXPECT_EQ(core::FieldOf(Pay("r-pay3", 100, "2026-13-01").status()), "payment.received_on");

  v1::AnnounceDueInvoicesRequest announce;
  announce.set_request_id("r-due1");
  auto run = [&](const v1::AnnounceDueInvoicesRequest& r) {
    return Call<v1::AnnounceDueInvoicesRequest, v1::AnnounceDueInvoicesResponse>(
        &ChannelService::AnnounceDueInvoices, r);
  };
  absl::StatusOr<v1::AnnounceDueInvoicesResponse> first = run(announce);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->fell_due(), 1);
  EXPECT_EQ(first->overdue(), 1);
  EXPECT_EQ(run(announce)->overdue(), 1);  // the same request: the same answer
  announce.set_request_id("r-due2");
  EXPECT_EQ(run(announce)->overdue(), 0);  // a new run: announced once only
  // 95 days after its due date the old invoice puts D1 on hold; paying lifts it.
  clock_.Advance(absl::Hours(24 * 64));
  announce.set_request_id("r-due3");
  EXPECT_EQ(run(announce)->holds_set(), 1);
  EXPECT_EQ(Ship("r-s3", 1, "2026-05-05").status().code(), absl::StatusCode::kFailedPrecondition);
  ASSERT_TRUE(Pay("r-pay4", 2'000'000, "2026-05-05").ok());
  announce.set_request_id("r-due4");
  EXPECT_EQ(run(announce)->holds_lifted(), 1);
  EXPECT_TRUE(Ship("r-s4", 1, "2026-05-05").ok());
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline
