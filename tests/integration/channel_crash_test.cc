// kill -9 in sales-pipeline's distributor channel at the places where a
// crash could lose or double an event: between a command's (or a checks
// run's) WriteBatch and the relay's publish, and between consuming a sales
// event and applying it (the channel checks' consumer, and the
// known-customers one). Every call is retried with its request id until it
// succeeds, restarting the service without the crash point after it died.
// Afterwards the sales topic holds each command's event once, the checks
// have raised the planted finding, and FindingRaised is on the topic once
// per finding.
#include <csignal>
#include <map>
#include <string>
#include <utility>
#include <set>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"
#include "api/example_product.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/v1/channel_control_service.grpc.pb.h"
#include "pharmacrm/v1/channel_service.grpc.pb.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"
#include "pharmacrm/v1/events.pb.h"
#include "pharmacrm/v1/sales_pipeline.grpc.pb.h"
#include "support/crash_harness.h"
#include "support/import_stream.h"
#include "support/kafka_broker.h"
#include "support/suite.h"
#include "support/wait.h"

namespace pharmacrm::itest {
namespace {

constexpr char kFlow[] =
    "销售日期,客户名称,地址,产品名称,规格,批号,数量,单价\n"
    "2026-03-02,崩溃测试协和医院,北京市东城区帅府园1号,崩溃测试他汀片,20mg*7片,B2506,120,45.80\n"
    "2026-03-09,崩溃测试天津中心医院,天津市南开区复康路24号,崩溃测试他汀片,20mg*7片,B2506,40,"
    "45.80\n";

class ChannelCrashTest : public SalesPipelineCrashTest {
 protected:
  void Connect() override {
    customers_ = CustomerMasterClient(*suite_);
    auto channel = rpc::MakeChannel(suite_->GrpcAddress("sales-pipeline"));
    sales_ = v1::SalesChannel::NewStub(channel);
    control_ = v1::ChannelControl::NewStub(channel);
    activity_ = v1::SalesPipeline::NewStub(channel);
  }

  std::string Register(const std::string& rid, v1::CustomerKind kind, const std::string& name,
                       const std::string& province, const std::string& address) {
    return RegisterCustomer(*customers_, rid, kind, name, province, address);
  }

  TopicEvents SalesEvents(const std::function<bool(const TopicEvents&)>& done) {
    return ReadTopicEvents(broker_->bootstrap(), "pharmacrm.sales.events.v1", done);
  }

  std::unique_ptr<v1::SalesChannel::Stub> sales_;
  std::unique_ptr<v1::ChannelControl::Stub> control_;
  std::unique_ptr<v1::SalesPipeline::Stub> activity_;
};

TEST_P(ChannelCrashTest, SalesPipelineKilledLosesAndDoublesNothing) {
  ASSERT_NO_FATAL_FAILURE(StartSuite());
  const std::string tag = GetParam();
  const std::string d = Register(tag + "-d", v1::CUSTOMER_KIND_DISTRIBUTOR, "崩溃测试医药公司",
                                 "北京市", "北京市西城区");
  const std::string h1 = Register(tag + "-h1", v1::CUSTOMER_KIND_HOSPITAL, "崩溃测试协和医院", "北京市",
           "北京市东城区帅府园1号");
  const std::string h2 = Register(tag + "-h2", v1::CUSTOMER_KIND_HOSPITAL, "崩溃测试天津中心医院", "天津市",
           "天津市南开区复康路24号");
  ASSERT_FALSE(d.empty());

  const v1::UpsertProductRequest product = sales_pipeline::testing_data::ExampleProductRequest(
      "crash-product", "PCRASH", "崩溃测试他汀片", "2030-06-09");
  ASSERT_TRUE(Retry([&] {
                v1::Product out;
                auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
                return sales_->UpsertProduct(ctx.get(), product, &out);
              }).ok());

  v1::SetDistributorAccountRequest account;
  account.set_request_id("crash-account");
  account.set_distributor_id(d);
  account.set_channel("tier1");
  account.add_authorised_provinces("北京市");
  account.set_credit_limit_fen(100'000'000);
  account.set_payment_days(60);
  account.set_key_account_manager("crash.kam");
  ASSERT_TRUE(Retry([&] {
                v1::DistributorAccount out;
                auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
                return sales_->SetDistributorAccount(ctx.get(), account, &out);
              }).ok());

  v1::RecordShipmentRequest ship;
  ship.set_request_id("crash-ship");
  ship.mutable_shipment()->set_distributor_id(d);
  ship.mutable_shipment()->set_ship_date("2026-03-01");
  v1::ShipmentLine* line = ship.mutable_shipment()->add_lines();
  line->set_product_id("PCRASH");
  line->set_batch_no("B2506");
  line->set_quantity(200);
  std::string shipment_id;
  ASSERT_TRUE(Retry([&] {
                v1::RecordShipmentResponse out;
                auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
                grpc::Status s = sales_->RecordShipment(ctx.get(), ship, &out);
                shipment_id = out.shipment().id();
                return s;
              }).ok());

  // The flow's terminals must be known to sales-pipeline before the load:
  // a retried load answers with its first summary, so a load that ran
  // before the hospitals were consumed would keep its unmatched rows.
  for (const std::string& hospital : {h1, h2}) {
    ASSERT_TRUE(Retry([&] {
                  v1::GetCustomerActivityRequest get;
                  get.set_customer_id(hospital);
                  v1::CustomerActivity out;
                  auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
                  return activity_->GetCustomerActivity(ctx.get(), get, &out);
                }).ok())
        << hospital;
  }
  ASSERT_TRUE(Retry([&] {
                auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(10));
                v1::ImportFlowSummary summary;
                auto writer = sales_->ImportFlow(ctx.get(), &summary);
                v1::FlowChunk chunk;
                chunk.set_request_id("crash-flow");
                chunk.set_distributor_id(d);
                chunk.set_month("2026-03");
                chunk.set_file_name("march.csv");
                chunk.set_data(kFlow);
                writer->Write(chunk);
                writer->WritesDone();
                grpc::Status s = writer->Finish();
                EXPECT_TRUE(!s.ok() || summary.matched() == 2) << summary.ShortDebugString();
                return s;
              }).ok());

  v1::ReportStockRequest stock;
  stock.set_request_id("crash-stock");
  stock.mutable_report()->set_distributor_id(d);
  stock.mutable_report()->set_as_of("2026-03-31");
  v1::StockLine* stock_line = stock.mutable_report()->add_lines();
  stock_line->set_product_id("PCRASH");
  stock_line->set_batch_no("B2506");
  stock_line->set_quantity(40);
  ASSERT_TRUE(Retry([&] {
                v1::StockReport out;
                auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
                return control_->ReportStock(ctx.get(), stock, &out);
              }).ok());

  // The worker finds the sale into 天津市 by itself.
  std::string finding_id;
  ASSERT_TRUE(Retry([&] {
                v1::ListFindingsRequest list;
                list.set_distributor_id(d);
                list.set_kind(v1::FINDING_KIND_CROSS_REGION);
                v1::ListFindingsResponse out;
                auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
                grpc::Status s = control_->ListFindings(ctx.get(), list, &out);
                if (s.ok() && out.findings_size() == 0) {
                  return grpc::Status(grpc::StatusCode::UNAVAILABLE, "no finding yet");
                }
                if (s.ok()) {
                  EXPECT_EQ(out.findings(0).province(), "天津市");
                  EXPECT_EQ(out.findings(0).quantity(), 40);
                  EXPECT_EQ(out.findings(0).owner(), "crash.kam");
                  finding_id = out.findings(0).id();
                }
                return s;
              }).ok());
  // Flow a second time: a load that happened before a crash must not
  // count twice. Nothing else is sent; the counts below are exact.
  EXPECT_GE(retrier_->crashes(), 1) << "the crash point " << GetParam() << " was never reached";

  auto events = SalesEvents([&](const auto& seen) {
    return seen.count({"ProductChanged", "PCRASH"}) &&
           seen.count({"DistributorAccountChanged", d}) &&
           seen.count({"ShipmentRecorded", shipment_id}) &&
           seen.count({"FlowPeriodLoaded", d + "/2026-03"}) &&
           seen.count({"StockReported", d + "/2026-03-31"}) &&
           seen.count({"FindingRaised", finding_id});
  });
  EXPECT_EQ(events[std::make_pair(std::string("ProductChanged"), "PCRASH")].size(), 1u);
  EXPECT_EQ(events[std::make_pair(std::string("DistributorAccountChanged"), d)].size(), 1u);
  EXPECT_EQ(events[std::make_pair(std::string("ShipmentRecorded"), shipment_id)].size(), 1u);
  EXPECT_EQ(events[std::make_pair(std::string("StockReported"), d + "/2026-03-31")].size(), 1u);
  EXPECT_EQ(events[std::make_pair(std::string("FindingRaised"), finding_id)].size(), 1u);
  // The flow may have been loaded more than once (its rows waited for the
  // hospitals the first time); each load is one event, each retry none.
  EXPECT_GE(events[std::make_pair(std::string("FlowPeriodLoaded"), d + "/2026-03")].size(), 1u);
  int raised = 0;
  for (const auto& [key, ids] : events) {
    if (key.first == "FindingRaised") {
      EXPECT_EQ(ids.size(), 1u) << key.second;
      ++raised;
    }
  }
  EXPECT_GE(raised, 1);
}

INSTANTIATE_TEST_SUITE_P(CrashPoints, ChannelCrashTest,
                         testing::Values("after_commit_before_publish:6",
                                         "consumer_before_apply:5", "consumer_after_apply:5"));

}  // namespace
}  // namespace pharmacrm::itest
