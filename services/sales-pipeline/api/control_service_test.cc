// ChannelControlService over a real RocksDB store: stock reports with bad
// input named and retries with one effect, the checks run over what the
// channel commands stored (a cross-region sale found, raised once, with
// its owner and evidence), decisions on findings, the worker's requested
// runs, inventory, reconciliation, sales facts and the channel part of
// Customer 360.
#include <string>
#include <vector>

#include "api/channel_control_service.h"
#include "api/channel_test_host.h"
#include "api/example_product.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/rpc/status.h"
#include "storage/control_repository.h"

namespace pharmacrm::sales_pipeline {
namespace {

// 2026-04-02 10:00 in Beijing.
const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 4, 2, 2, 0, 0), absl::UTCTimeZone());

// 华北医药 (D1, authorised for 北京市) sells 120 packs to 北京协和医院 and
// 40 to 天津市第一中心医院, outside its area.
constexpr char kMarch[] =
    "销售日期,客户名称,地址,产品名称,规格,批号,数量,单价\n"
    "2026-03-02,北京协和医院,北京市东城区帅府园1号,阿托伐他汀钙片,20mg*7片,B2506,120,45.80\n"
    "2026-03-09,天津市第一中心医院,天津市南开区复康路24号,阿托伐他汀钙片,20mg*7片,B2506,40,"
    "45.80\n";

class ControlServiceTest : public ChannelTestHost {
 protected:
  ControlServiceTest() : ChannelTestHost(kNow) {}

  void SetUp() override {
    ChannelTestHost::SetUp();
    SetUpBeijingChannel(/*credit_limit_fen=*/100'000'000, /*payment_days=*/30, "wang.li");
    Known("H-TJ", v1::CUSTOMER_KIND_HOSPITAL, "天津市第一中心医院", "天津市",
          "天津市南开区复康路24号");
  }

  template <typename Req, typename Resp, typename Rpc>
  absl::StatusOr<Resp> Call(Rpc rpc, const Req& request) {
    grpc::ServerContext context;
    Resp response;
    RETURN_IF_ERROR(rpc::FromGrpcStatus((control_->*rpc)(&context, &request, &response)));
    return response;
  }

  // Ships 200 packs of B2506 on 2026-03-01 and loads the March flow file.
  void ShipAndLoadMarch() {
    v1::RecordShipmentRequest ship;
    ship.set_request_id("r-ship");
    ship.mutable_shipment()->set_distributor_id("D1");
    ship.mutable_shipment()->set_ship_date("2026-03-01");
    v1::ShipmentLine* line = ship.mutable_shipment()->add_lines();
    line->set_product_id("P001");
    line->set_batch_no("B2506");
    line->set_quantity(200);
    grpc::ServerContext context;
    v1::RecordShipmentResponse shipped;
    ASSERT_TRUE(service_->RecordShipment(&context, &ship, &shipped).ok());
    v1::FlowChunk header;
    header.set_request_id("r-flow");
    header.set_distributor_id("D1");
    header.set_month("2026-03");
    v1::ImportFlowSummary summary;
    ASSERT_TRUE(service_->LoadFlow(header, kMarch, "steward", &summary).ok());
    ASSERT_EQ(summary.matched(), 2);
  }

  // March sent again without the Tianjin row.
  void ReloadMarchWithoutTianjin() {
    v1::FlowChunk header;
    header.set_request_id("r-flow2");
    header.set_distributor_id("D1");
    header.set_month("2026-03");
    std::string without(kMarch);
    without.resize(without.find("2026-03-09"));
    v1::ImportFlowSummary summary;
    ASSERT_TRUE(service_->LoadFlow(header, without, "steward", &summary).ok());
  }

  absl::StatusOr<v1::StockReport> Report(const std::string& request_id, int64_t packs,
                                         const std::string& batch = "B2506",
                                         const std::string& distributor = "D1") {
    v1::ReportStockRequest request;
    request.set_request_id(request_id);
    request.mutable_report()->set_distributor_id(distributor);
    request.mutable_report()->set_as_of("2026-03-31");
    v1::StockLine* line = request.mutable_report()->add_lines();
    line->set_product_id("P001");
    line->set_batch_no(batch);
    line->set_quantity(packs);
    return Call<v1::ReportStockRequest, v1::StockReport>(&ChannelControlService::ReportStock,
                                                         request);
  }

  absl::StatusOr<v1::ChannelChecksSummary> RunChecks(const std::string& request_id) {
    v1::RunChannelChecksRequest request;
    request.set_request_id(request_id);
    return Call<v1::RunChannelChecksRequest, v1::ChannelChecksSummary>(
        &ChannelControlService::RunChannelChecks, request);
  }

  std::vector<v1::Finding> Findings(v1::FindingState state = v1::FINDING_STATE_UNSPECIFIED) {
    v1::ListFindingsRequest request;
    request.set_state(state);
    absl::StatusOr<v1::ListFindingsResponse> list =
        Call<v1::ListFindingsRequest, v1::ListFindingsResponse>(
            &ChannelControlService::ListFindings, request);
    EXPECT_TRUE(list.ok()) << list.status();
    return list.ok() ? std::vector<v1::Finding>(list->findings().begin(), list->findings().end())
                     : std::vector<v1::Finding>();
  }

  // Events in the outbox of the given type.
  template <typename Event>
  int Published() {
    absl::StatusOr<std::vector<store::OutboxEntry>> entries = host_->store().ReadOutbox(100'000);
    EXPECT_TRUE(entries.ok());
    int n = 0;
    for (const store::OutboxEntry& entry : *entries) {
      v1::EventEnvelope envelope;
      if (envelope.ParseFromString(entry.record.value()) && envelope.payload().Is<Event>()) ++n;
    }
    return n;
  }
};

TEST_F(ControlServiceTest, AStockReportIsStoredOncePublishedAndItsBadValuesNamed) {
  absl::StatusOr<v1::StockReport> report = Report("r-s1", 80);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->recorded_by(), "anonymous");  // No caller named in the test.
  EXPECT_EQ(Published<v1::StockReported>(), 1);
  ASSERT_TRUE(Report("r-s1", 80).ok());  // The retry: one effect.
  EXPECT_EQ(Published<v1::StockReported>(), 1);
  EXPECT_EQ(Report("r-s1", 81).status().code(), absl::StatusCode::kFailedPrecondition)
      << "a request id reused for another request";

  EXPECT_EQ(core::FieldOf(Report("r-s2", 5, "B9999").status()), "report.lines[0].batch_no");
  EXPECT_EQ(core::FieldOf(Report("r-s3", -5).status()), "report.lines[0].quantity");
  absl::Status unknown = Report("r-s4", 5, "B2506", "D404").status();
  EXPECT_EQ(unknown.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(core::FieldOf(unknown), "report.distributor_id");
  EXPECT_EQ(Published<v1::StockReported>(), 1);  // Nothing half-applied.
}

TEST_F(ControlServiceTest, TheChecksFindTheSaleOutsideTheAreaOnceWithItsOwnerAndEvidence) {
  ShipAndLoadMarch();
  absl::StatusOr<v1::ChannelChecksSummary> first = RunChecks("r-run1");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->from_month(), "2026-03");
  EXPECT_EQ(first->flow_rows(), 2);
  EXPECT_GE(first->findings_raised(), 1);
  std::vector<v1::Finding> findings = Findings();
  const v1::Finding* cross = nullptr;
  for (const v1::Finding& f : findings) {
    if (f.kind() == v1::FINDING_KIND_CROSS_REGION) cross = &f;
  }
  ASSERT_NE(cross, nullptr);
  EXPECT_EQ(cross->distributor_id(), "D1");
  EXPECT_EQ(cross->province(), "天津市");
  EXPECT_EQ(cross->quantity(), 40);
  EXPECT_EQ(cross->owner(), "wang.li");
  EXPECT_EQ(cross->state(), v1::FINDING_STATE_OPEN);
  ASSERT_GE(cross->evidence_size(), 2);
  EXPECT_EQ(cross->evidence(0).kind(), v1::EvidenceStep::KIND_SHIPMENT);
  const int raised = Published<v1::FindingRaised>();
  EXPECT_EQ(raised, first->findings_raised());

  // The same data again, and the retried request: nothing raised twice.
  absl::StatusOr<v1::ChannelChecksSummary> second = RunChecks("r-run2");
  ASSERT_TRUE(second.ok());
  EXPECT_EQ(second->findings_raised(), 0);
  EXPECT_EQ(second->open_findings(), first->open_findings());
  ASSERT_TRUE(RunChecks("r-run1").ok());
  EXPECT_EQ(Published<v1::FindingRaised>(), raised);

  // A decision: dismissing needs a reason; confirming is published.
  v1::DecideFindingRequest decide;
  decide.set_request_id("r-d1");
  decide.set_finding_id(cross->id());
  decide.set_state(v1::FINDING_STATE_DISMISSED);
  absl::Status no_reason = Call<v1::DecideFindingRequest, v1::Finding>(
                               &ChannelControlService::DecideFinding, decide)
                               .status();
  EXPECT_EQ(core::FieldOf(no_reason), "reason");
  decide.set_request_id("r-d2");
  decide.set_state(v1::FINDING_STATE_CONFIRMED);
  absl::StatusOr<v1::Finding> confirmed =
      Call<v1::DecideFindingRequest, v1::Finding>(&ChannelControlService::DecideFinding, decide);
  ASSERT_TRUE(confirmed.ok()) << confirmed.status();
  EXPECT_EQ(confirmed->state(), v1::FINDING_STATE_CONFIRMED);
  EXPECT_EQ(Published<v1::FindingStateChanged>(), 1);
  decide.set_request_id("r-d3");
  decide.set_finding_id("F-nope");
  absl::Status missing = Call<v1::DecideFindingRequest, v1::Finding>(
                             &ChannelControlService::DecideFinding, decide)
                             .status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(Findings(v1::FINDING_STATE_CONFIRMED).size(), 1u);

  // The channel part of Customer 360 for the distributor.
  v1::GetCustomerChannelRequest c360;
  c360.set_customer_id("D1");
  absl::StatusOr<v1::CustomerChannel> channel = Call<v1::GetCustomerChannelRequest,
                                                     v1::CustomerChannel>(
      &ChannelControlService::GetCustomerChannel, c360);
  ASSERT_TRUE(channel.ok()) << channel.status();
  EXPECT_TRUE(channel->is_distributor());
  EXPECT_EQ(channel->account().key_account_manager(), "wang.li");
  // Shipped 03-01 on 30 days: due 03-31, two days past due on 04-02.
  EXPECT_EQ(channel->receivables().days_0_30_fen(), 200 * 3000);
  EXPECT_EQ(channel->overdue_fen(), 200 * 3000);
  EXPECT_EQ(channel->stock().month(), "2026-03");
  EXPECT_EQ(channel->stock().closing_packs(), 200 - 160);
  EXPECT_EQ(channel->open_findings_total(), first->open_findings() - 1);
}

TEST_F(ControlServiceTest, SalesFactsAreKeptPerCustomerAndReplacedWithThePeriod) {
  ShipAndLoadMarch();
  v1::GetCustomerSalesRequest request;
  request.set_customer_id("H-TJ");
  absl::StatusOr<v1::CustomerSales> tianjin = Call<v1::GetCustomerSalesRequest, v1::CustomerSales>(
      &ChannelControlService::GetCustomerSales, request);
  ASSERT_TRUE(tianjin.ok()) << tianjin.status();
  EXPECT_EQ(tianjin->from_month(), "2025-05");
  EXPECT_EQ(tianjin->to_month(), "2026-04");
  ASSERT_EQ(tianjin->facts_size(), 1);
  EXPECT_EQ(tianjin->facts(0).quantity(), 40);
  EXPECT_EQ(tianjin->amount_fen(), 40 * 3000);  // At the supply price.

  request.set_customer_id("D1");
  absl::StatusOr<v1::CustomerSales> sell_in = Call<v1::GetCustomerSalesRequest, v1::CustomerSales>(
      &ChannelControlService::GetCustomerSales, request);
  ASSERT_TRUE(sell_in.ok());
  ASSERT_EQ(sell_in->facts_size(), 1);
  EXPECT_EQ(sell_in->facts(0).source(), v1::SALES_FACT_SOURCE_SELL_IN);
  EXPECT_EQ(sell_in->quantity(), 200);

  // March again without the Tianjin row: its fact is gone.
  ReloadMarchWithoutTianjin();
  request.set_customer_id("H-TJ");
  tianjin = Call<v1::GetCustomerSalesRequest, v1::CustomerSales>(
      &ChannelControlService::GetCustomerSales, request);
  ASSERT_TRUE(tianjin.ok());
  EXPECT_EQ(tianjin->facts_size(), 0);

  request.set_from_month("2026-13");
  EXPECT_EQ(core::FieldOf(Call<v1::GetCustomerSalesRequest, v1::CustomerSales>(
                              &ChannelControlService::GetCustomerSales, request)
                              .status()),
            "from_month");
}

TEST_F(ControlServiceTest, ARequestedRunRunsOnceAndAWithdrawnFindingIsDismissed) {
  ShipAndLoadMarch();
  ControlRepository control(host_->store());
  // What the consumer does for each triggering event.
  for (int i = 0; i < 3; ++i) {
    store::Batch batch;
    ASSERT_TRUE(control.RequestChecks(batch).ok());
    ASSERT_TRUE(host_->store().Write(std::move(batch)).ok());
  }
  absl::StatusOr<bool> ran = checks_->RunIfRequested();
  ASSERT_TRUE(ran.ok()) << ran.status();
  EXPECT_TRUE(*ran);
  EXPECT_FALSE(*checks_->RunIfRequested());  // Three requests, one run.
  const int open = static_cast<int>(Findings(v1::FINDING_STATE_OPEN).size());
  EXPECT_GT(open, 0);

  // The Tianjin row turns out to be a keying error: the file is sent again
  // without it, and the next run withdraws what rested on it.
  ReloadMarchWithoutTianjin();
  absl::StatusOr<v1::ChannelChecksSummary> after = RunChecks("r-run3");
  ASSERT_TRUE(after.ok());
  EXPECT_GE(after->findings_withdrawn(), 1);
  for (const v1::Finding& f : Findings(v1::FINDING_STATE_DISMISSED)) {
    EXPECT_EQ(f.history(f.history_size() - 1).actor(), "channel-checks");
  }
}

TEST_F(ControlServiceTest, TheWorkerRunsARequestedRunByItselfAndStopsWithTheHost) {
  ShipAndLoadMarch();
  ControlRepository control(host_->store());
  store::Batch batch;
  ASSERT_TRUE(control.RequestChecks(batch).ok());
  ASSERT_TRUE(host_->store().Write(std::move(batch)).ok());
  checks_->StartWorker(absl::Milliseconds(10));
  absl::Time deadline = absl::Now() + absl::Seconds(20);
  absl::StatusOr<v1::ChannelChecksState> state = control.ChecksState();
  while (state.ok() && state->checked() < 1 && absl::Now() < deadline) {
    absl::SleepFor(absl::Milliseconds(10));
    state = control.ChecksState();
  }
  ASSERT_TRUE(state.ok());
  EXPECT_EQ(state->checked(), 1);
  EXPECT_EQ(state->last().flow_rows(), 2);
  EXPECT_FALSE(Findings(v1::FINDING_STATE_OPEN).empty());
  // TearDown destroys the host, which stops and joins the worker.
}

TEST_F(ControlServiceTest, QueriesNameTheirBadArguments) {
  v1::GetInventoryRequest inventory;
  inventory.set_distributor_id("D404");
  absl::Status missing = Call<v1::GetInventoryRequest, v1::Inventory>(
                             &ChannelControlService::GetInventory, inventory)
                             .status();
  EXPECT_EQ(missing.code(), absl::StatusCode::kNotFound);
  inventory.set_distributor_id("D1");
  inventory.set_month("March");
  EXPECT_EQ(core::FieldOf(Call<v1::GetInventoryRequest, v1::Inventory>(
                              &ChannelControlService::GetInventory, inventory)
                              .status()),
            "month");
  v1::ListFindingsRequest list;
  list.set_page_token("abc");
  EXPECT_EQ(core::FieldOf(Call<v1::ListFindingsRequest, v1::ListFindingsResponse>(
                              &ChannelControlService::ListFindings, list)
                              .status()),
            "page_token");
  list.set_page_token("");
  list.set_page_size(501);
  EXPECT_EQ(core::FieldOf(Call<v1::ListFindingsRequest, v1::ListFindingsResponse>(
                              &ChannelControlService::ListFindings, list)
                              .status()),
            "page_size");
  v1::GetReconciliationRequest recon;
  recon.set_distributor_id("D1");
  recon.set_from_month("2026-05");
  recon.set_to_month("2026-03");
  EXPECT_EQ(core::FieldOf(Call<v1::GetReconciliationRequest, v1::ReconciliationReport>(
                              &ChannelControlService::GetReconciliation, recon)
                              .status()),
            "from_month");
}

TEST_F(ControlServiceTest, InventoryAndReconciliationComeFromTheLastRun) {
  ShipAndLoadMarch();
  ASSERT_TRUE(Report("r-s1", 30).ok());  // The books say 40.
  ASSERT_TRUE(RunChecks("r-run").ok());
  v1::GetInventoryRequest inventory;
  inventory.set_distributor_id("D1");
  absl::StatusOr<v1::Inventory> stock =
      Call<v1::GetInventoryRequest, v1::Inventory>(&ChannelControlService::GetInventory, inventory);
  ASSERT_TRUE(stock.ok()) << stock.status();
  ASSERT_EQ(stock->positions_size(), 1);
  EXPECT_EQ(stock->positions(0).computed_closing(), 40);
  EXPECT_EQ(stock->positions(0).reported_closing(), 30);
  EXPECT_EQ(stock->closing_packs(), 30);
  v1::GetReconciliationRequest recon;
  recon.set_distributor_id("D1");
  recon.set_gaps_only(true);
  absl::StatusOr<v1::ReconciliationReport> report =
      Call<v1::GetReconciliationRequest, v1::ReconciliationReport>(
          &ChannelControlService::GetReconciliation, recon);
  ASSERT_TRUE(report.ok()) << report.status();
  ASSERT_EQ(report->months_size(), 1);
  EXPECT_EQ(report->months(0).gap(), 10);
  ASSERT_GE(report->months(0).causes_size(), 1);
  EXPECT_EQ(report->months(0).causes(0).kind(),
            v1::ReconciliationCause::KIND_STOCK_REPORT_ERROR);
  bool difference = false;
  for (const v1::Finding& f : Findings()) {
    difference = difference || f.kind() == v1::FINDING_KIND_STOCK_DIFFERENCE;
  }
  EXPECT_TRUE(difference);
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline
