// `pharmacrm demo-channel` against fake CustomerMaster, SalesChannel and
// ChannelControl services on a local port: what it sends (customer ids for
// keys, the order of shipments and payments, a return naming the service's
// shipment id, deterministic request ids) and what it prints, with and
// without ChannelControl.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "channel_demo_command.h"
#include "gmock/gmock.h"
#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "pharmacrm/v1/channel_control_service.grpc.pb.h"
#include "pharmacrm/v1/channel_service.grpc.pb.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"

namespace pharmacrm::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Not;

// What the fakes received, in order.
struct Log {
  std::mutex mu;
  std::vector<std::string> calls;  // "<rpc> <request_id> <detail>"
  void Add(std::string s) {
    std::lock_guard<std::mutex> lock(mu);
    calls.push_back(std::move(s));
  }
};

class FakeCustomers final : public v1::CustomerMaster::Service {
 public:
  grpc::Status SearchCustomers(grpc::ServerContext*, const v1::SearchCustomersRequest* request,
                               v1::SearchCustomersResponse* response) override {
    for (const auto& [name, id] : std::vector<std::pair<std::string, std::string>>{
             {"华北医药有限公司", "cust-hb"}, {"冀南商业有限公司", "cust-jn"},
             {"石家庄市第一医院", "cust-sjz"}}) {
      if (absl::StrContains(name, request->query())) {
        v1::Customer* c = response->add_customers();
        c->set_id(id);
        c->mutable_profile()->set_name(name);
      }
    }
    return grpc::Status::OK;
  }
};

class FakeSales final : public v1::SalesChannel::Service {
 public:
  explicit FakeSales(Log* log) : log_(log) {}
  grpc::Status UpsertProduct(grpc::ServerContext*, const v1::UpsertProductRequest* r,
                             v1::Product* out) override {
    log_->Add(absl::StrCat("UpsertProduct ", r->request_id()));
    *out = r->product();
    return grpc::Status::OK;
  }
  grpc::Status SetDistributorAccount(grpc::ServerContext*,
                                     const v1::SetDistributorAccountRequest* r,
                                     v1::DistributorAccount* out) override {
    // The first call: sales-pipeline has not consumed the customer yet.
    if (!seen_account_) {
      seen_account_ = true;
      return grpc::Status(grpc::StatusCode::NOT_FOUND, "unknown distributor");
    }
    log_->Add(absl::StrCat("SetDistributorAccount ", r->request_id(), " ", r->distributor_id(),
                           " subs=", absl::StrJoin(r->authorised_sub_distributors(), ","),
                           " kam=", r->key_account_manager()));
    out->set_distributor_id(r->distributor_id());
    return grpc::Status::OK;
  }
  grpc::Status RecordShipment(grpc::ServerContext*, const v1::RecordShipmentRequest* r,
                              v1::RecordShipmentResponse* out) override {
    log_->Add(absl::StrCat("RecordShipment ", r->request_id(), " ", r->shipment().distributor_id(),
                           " ", r->shipment().ship_date(), " returns=",
                           r->shipment().returns_shipment_id()));
    *out->mutable_shipment() = r->shipment();
    out->mutable_shipment()->set_id(absl::StrCat("srv-", ++shipments_));
    return grpc::Status::OK;
  }
  grpc::Status RecordPayment(grpc::ServerContext*, const v1::RecordPaymentRequest* r,
                             v1::Payment* out) override {
    log_->Add(absl::StrCat("RecordPayment ", r->request_id(), " ", r->payment().distributor_id(),
                           " ", r->payment().received_on()));
    *out = r->payment();
    return grpc::Status::OK;
  }
  grpc::Status ImportFlow(grpc::ServerContext*, grpc::ServerReader<v1::FlowChunk>* reader,
                          v1::ImportFlowSummary* out) override {
    v1::FlowChunk chunk;
    std::string first_id, data, mapping;
    while (reader->Read(&chunk)) {
      if (first_id.empty()) {
        first_id = absl::StrCat(chunk.request_id(), " ", chunk.distributor_id(), " ",
                                chunk.month());
        mapping = chunk.column_mapping();
      }
      data += chunk.data();
    }
    log_->Add(absl::StrCat("ImportFlow ", first_id, " bytes=", data.size(),
                           " mapping=", !mapping.empty()));
    out->set_rows_read(2);
    out->set_accepted(2);
    out->set_matched(1);
    out->set_unresolved(1);
    return grpc::Status::OK;
  }
  grpc::Status ListTerminalTasks(grpc::ServerContext*, const v1::ListTerminalTasksRequest*,
                                 v1::ListTerminalTasksResponse* out) override {
    v1::TerminalTask* known = out->add_tasks();
    known->set_id("cust-hb/2026-10#2");
    known->set_distributor_id("cust-hb");
    known->set_month("2026-10");
    known->set_state(v1::TERMINAL_TASK_STATE_OPEN);
    known->mutable_row()->set_terminal_name("石家庄市第一医院");
    known->mutable_row()->set_terminal_address("河北省石家庄市长安区中山路1号");
    v1::TerminalTask* unknown = out->add_tasks();
    *unknown = *known;
    unknown->set_id("cust-hb/2026-10#3");
    unknown->mutable_row()->set_terminal_name("石家庄永康个体诊所");
    v1::TerminalTask* other = out->add_tasks();
    *other = *known;
    other->set_id("someone-else/2026-10#1");
    other->set_distributor_id("someone-else");
    return grpc::Status::OK;
  }
  grpc::Status ResolveTerminalTask(grpc::ServerContext*, const v1::ResolveTerminalTaskRequest* r,
                                   v1::TerminalTask* out) override {
    log_->Add(absl::StrCat("ResolveTerminalTask ", r->request_id(), " ", r->customer_id()));
    out->set_id(r->task_id());
    return grpc::Status::OK;
  }
  grpc::Status AnnounceDueInvoices(grpc::ServerContext*,
                                   const v1::AnnounceDueInvoicesRequest* r,
                                   v1::AnnounceDueInvoicesResponse* out) override {
    log_->Add(absl::StrCat("AnnounceDueInvoices ", r->request_id(), " ", r->as_of()));
    out->set_holds_set(1);
    return grpc::Status::OK;
  }
  grpc::Status GetReceivables(grpc::ServerContext*, const v1::GetReceivablesRequest* r,
                              v1::ReceivablesSummary* out) override {
    if (r->distributor_id() == "cust-hb") {
      out->set_on_hold(true);
      out->set_hold_reason("an invoice is 122 days overdue");
      out->mutable_aging()->set_days_over_90_fen(589810);
    }
    return grpc::Status::OK;
  }

 private:
  Log* log_;
  bool seen_account_ = false;
  int shipments_ = 0;
};

class FakeControl final : public v1::ChannelControl::Service {
 public:
  explicit FakeControl(Log* log) : log_(log) {}
  grpc::Status ReportStock(grpc::ServerContext*, const v1::ReportStockRequest* r,
                           v1::StockReport* out) override {
    log_->Add(absl::StrCat("ReportStock ", r->request_id(), " ", r->report().distributor_id()));
    *out = r->report();
    return grpc::Status::OK;
  }
  grpc::Status RunChannelChecks(grpc::ServerContext*, const v1::RunChannelChecksRequest* r,
                                v1::ChannelChecksSummary* out) override {
    log_->Add(absl::StrCat("RunChannelChecks ", r->request_id()));
    out->set_open_findings(1);
    return grpc::Status::OK;
  }
  grpc::Status ListFindings(grpc::ServerContext*, const v1::ListFindingsRequest*,
                            v1::ListFindingsResponse* out) override {
    v1::Finding* f = out->add_findings();
    f->set_kind(v1::FINDING_KIND_CROSS_REGION);
    f->set_severity(v1::SEVERITY_HIGH);
    f->set_distributor_id("cust-jn");
    f->set_product_id("P001");
    f->set_batch_no("A250101");
    f->set_month("2026-03");
    f->set_province("山东省");
    f->set_quantity(60);
    f->set_amount_fen(327360);
    f->set_summary("Batch A250101 of P001 ... sold in 山东省");
    f->set_summary_zh("P001批号A250101 ... 销往山东省");
    return grpc::Status::OK;
  }

 private:
  Log* log_;
};

void Write(const std::filesystem::path& path, const std::string& text) {
  std::filesystem::create_directories(path.parent_path());
  std::ofstream(path, std::ios::binary) << text;
}

// A channel of two distributors (华北 supplies its sub-distributor 冀南), one
// product, a shipment and its return, a payment between them, one flow file
// with a mapping and one stock report.
std::string MakeDemoDir(const std::string& name) {
  const std::filesystem::path dir = std::filesystem::path(::testing::TempDir()) / name;
  std::filesystem::remove_all(dir);
  Write(dir / "channel.txt", "as_of=2026-10-31\nfirst_month=2026-09\nlast_month=2026-10\n");
  Write(dir / "parties.tsv",
        "DIS-000001\tCUSTOMER_KIND_DISTRIBUTOR\t华北医药有限公司\t河北省\t石家庄市\t河北省石家庄市a\n"
        "DIS-000002\tCUSTOMER_KIND_DISTRIBUTOR\t冀南商业有限公司\t河北省\t邯郸市\t河北省邯郸市b\n"
        "HOSP-000001\tCUSTOMER_KIND_HOSPITAL\t石家庄市第一医院\t河北省\t石家庄市\t"
        "河北省石家庄市长安区中山路1号\n");
  Write(dir / "products.jsonl", "{\"id\":\"P001\",\"generic_name\":\"阿托伐他汀钙片\"}\n");
  Write(dir / "accounts.jsonl",
        "{\"distributor_id\":\"DIS-000001\",\"authorised_sub_distributors\":[\"DIS-000002\"],"
        "\"key_account_manager\":\"wang.lei\"}\n");
  Write(dir / "shipments.jsonl",
        "{\"id\":\"SHP-DIS-000001-202609\",\"distributor_id\":\"DIS-000001\","
        "\"ship_date\":\"2026-09-02\"}\n"
        "{\"id\":\"RET-DIS-000001-202610\",\"distributor_id\":\"DIS-000001\","
        "\"ship_date\":\"2026-10-29\",\"is_return\":true,"
        "\"returns_shipment_id\":\"SHP-DIS-000001-202609\"}\n");
  Write(dir / "payments.jsonl",
        "{\"id\":\"PAY-DIS-000001-001\",\"distributor_id\":\"DIS-000001\","
        "\"received_on\":\"2026-10-01\",\"amount_fen\":\"100\"}\n");
  Write(dir / "stock-reports.jsonl",
        "{\"distributor_id\":\"DIS-000001\",\"as_of\":\"2026-10-31\"}\n");
  Write(dir / "flows.tsv", "DIS-000001\t2026-10\tflow/DIS-000001/2026-10.csv\t"
                           "flow/DIS-000001/columns.txt\tutf-8\n");
  Write(dir / "flow/DIS-000001/2026-10.csv", "出库日期,单位名称\r\n2026-10-03,x\r\n");
  Write(dir / "flow/DIS-000001/columns.txt", "销售日期=出库日期\n");
  Write(dir / "planted.tsv", "a\tFINDING_KIND_CROSS_REGION\tDIS-000002\tP001\tA250101\t2026-03\t"
                             "山东省\t60\tdiversion\t窜货\n");
  return dir.string();
}

struct Servers {
  Log log;
  FakeCustomers customers;
  FakeSales sales{&log};
  FakeControl control{&log};
  std::unique_ptr<grpc::Server> customer_server, sales_server;
  int customer_port = 0, sales_port = 0;

  explicit Servers(bool with_control) {
    grpc::ServerBuilder a;
    a.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &customer_port);
    a.RegisterService(&customers);
    customer_server = a.BuildAndStart();
    grpc::ServerBuilder b;
    b.AddListeningPort("127.0.0.1:0", grpc::InsecureServerCredentials(), &sales_port);
    b.RegisterService(&sales);
    if (with_control) b.RegisterService(&control);
    sales_server = b.BuildAndStart();
  }
  ~Servers() {
    sales_server->Shutdown();
    customer_server->Shutdown();
  }
};

// Runs the loader; returns what it printed.
std::string Load(const Servers& servers, const std::string& dir, absl::Status* status) {
  ChannelDemoOptions options;
  options.dir = dir;
  options.server = absl::StrCat("127.0.0.1:", servers.customer_port);
  options.sales_pipeline = absl::StrCat("127.0.0.1:", servers.sales_port);
  options.wait = absl::Seconds(10);
  std::FILE* out = std::tmpfile();
  *status = RunChannelDemo(options, out);
  std::rewind(out);
  std::string text;
  char buffer[4096];
  for (size_t n; (n = std::fread(buffer, 1, sizeof buffer, out)) > 0;) text.append(buffer, n);
  std::fclose(out);
  return text;
}

TEST(ChannelDemoCommand, SendsCustomerIdsInDateOrderAndPrintsTheFindings) {
  Servers servers(true);
  absl::Status status;
  const std::string out = Load(servers, MakeDemoDir("channel-demo-1"), &status);
  ASSERT_TRUE(status.ok()) << status << "\n" << out;
  EXPECT_THAT(
      servers.log.calls,
      ElementsAre(
          "UpsertProduct demo-channel-v1-product-P001",
          "SetDistributorAccount demo-channel-v1-account-DIS-000001 cust-hb subs=cust-jn "
          "kam=wang.lei",
          "RecordShipment demo-channel-v1-shipment-SHP-DIS-000001-202609 cust-hb 2026-09-02 "
          "returns=",
          "RecordPayment demo-channel-v1-payment-PAY-DIS-000001-001 cust-hb 2026-10-01",
          "RecordShipment demo-channel-v1-shipment-RET-DIS-000001-202610 cust-hb 2026-10-29 "
          "returns=srv-1",
          "ImportFlow demo-channel-v1-flow-DIS-000001-2026-10 cust-hb 2026-10 bytes=41 "
          "mapping=1",
          "ResolveTerminalTask demo-channel-v1-task-cust-hb/2026-10#2 cust-sjz",
          "ReportStock demo-channel-v1-stock-DIS-000001-2026-10-31 cust-hb",
          "AnnounceDueInvoices demo-channel-v1-due-2026-10-31 2026-10-31",
          "RunChannelChecks demo-channel-v1-checks"));
  EXPECT_THAT(out, HasSubstr("(a) diversion / 窜货"));
  EXPECT_THAT(out, HasSubstr("1 rows resolved to their demo customer, 1 wait"));
  EXPECT_THAT(out, HasSubstr("waiting / 待匹配: 石家庄永康个体诊所 (华北医药有限公司 2026-10)"));
  EXPECT_THAT(out, HasSubstr("overdue / 逾期: 华北医药有限公司: open ¥0.00, over 90 days "
                             "¥5,898.10; on credit hold: an invoice is 122 days overdue"));
  EXPECT_THAT(out, HasSubstr("[HIGH] CROSS_REGION 冀南商业有限公司: P001 阿托伐他汀钙片 batch "
                             "A250101, 2026-03, 山东省, 60 packs, ¥3,273.60"));
  EXPECT_THAT(out, HasSubstr("P001批号A250101 ... 销往山东省"));
}

TEST(ChannelDemoCommand, ASalesPipelineWithoutChannelControlIsAnError) {
  Servers servers(false);
  absl::Status status;
  const std::string out = Load(servers, MakeDemoDir("channel-demo-2"), &status);
  EXPECT_EQ(status.code(), absl::StatusCode::kUnimplemented) << status << "\n" << out;
  EXPECT_THAT(out, Not(HasSubstr("findings / 发现的问题")));
  ASSERT_FALSE(servers.log.calls.empty());
  // The sell-in and flow went in; the load stopped at the first stock report.
  EXPECT_EQ(servers.log.calls.back(),
            "ResolveTerminalTask demo-channel-v1-task-cust-hb/2026-10#2 cust-sjz");
}

TEST(ChannelDemoCommand, AMissingDistributorIsAnError) {
  Servers servers(true);
  const std::string dir = MakeDemoDir("channel-demo-3");
  Write(std::filesystem::path(dir) / "parties.tsv",
        "DIS-000009\tCUSTOMER_KIND_DISTRIBUTOR\t无名医药\t河北省\t石家庄市\tx\n");
  absl::Status status;
  Load(servers, dir, &status);
  EXPECT_TRUE(absl::IsNotFound(status)) << status;
  EXPECT_THAT(status.message(), HasSubstr("import the demo customers first"));
}

}  // namespace
}  // namespace pharmacrm::cli
