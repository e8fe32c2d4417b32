// ChannelService's flow loading over a real RocksDB store: a distributor's
// file read against the catalogue, buyers matched to known customers,
// unmatched ones filed for a data steward and applied when resolved, a
// reload replacing the period with the old totals kept, retries with one
// effect, and bad input named with nothing stored.
#include "absl/strings/str_cat.h"
#include "api/channel_service.h"
#include "api/channel_test_host.h"
#include "api/example_product.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/clock.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/rpc/status.h"
#include "pharmacrm/runtime/projection.h"
#include "pharmacrm/tabular/xlsx_testing.h"
#include "storage/keys.h"

namespace pharmacrm::sales_pipeline {
namespace {

// 2026-04-02 10:00 in Beijing.
const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 4, 2, 2, 0, 0), absl::UTCTimeZone());

constexpr char kFile[] =
    "销售日期,客户名称,地址,产品名称,规格,批号,数量,单价\n"
    "2026-03-02,北京协和医院,北京市东城区帅府园1号,阿托伐他汀钙片,20mg*7片,B2506,120,45.80\n"
    "2026-03-09,北京協和醫院,北京市东城区帅府园1号,立达,20MG*7片,B2506,30,45.80\n"
    "2026-03-16,北京朝阳医院,北京市朝阳区工体南路8号,阿托伐他汀钙片,20mg*7片,B2506,0,45.80\n"
    "2026-03-23,天津市某某诊所,天津市和平区某路1号,阿托伐他汀钙片,20mg*7片,B2506,10,45.80\n";

class FlowServiceTest : public ChannelTestHost {
 protected:
  FlowServiceTest() : ChannelTestHost(kNow) {}

  void SetUp() override {
    ChannelTestHost::SetUp();
    SetUpBeijingChannel();
    Known("H-CY", v1::CUSTOMER_KIND_HOSPITAL, "首都医科大学附属北京朝阳医院", "北京市",
          "北京市朝阳区工体南路8号");
  }

  absl::StatusOr<v1::ImportFlowSummary> Load(const std::string& request_id,
                                             const std::string& file,
                                             const std::string& month = "2026-03",
                                             const std::string& distributor = "D1") {
    v1::FlowChunk header;
    header.set_request_id(request_id);
    header.set_distributor_id(distributor);
    header.set_month(month);
    header.set_file_name("march.csv");
    v1::ImportFlowSummary summary;
    RETURN_IF_ERROR(service_->LoadFlow(header, file, "steward", &summary));
    return summary;
  }
  std::vector<v1::TerminalTask> Tasks() {
    grpc::ServerContext context;
    v1::ListTerminalTasksRequest request;
    v1::ListTerminalTasksResponse response;
    EXPECT_TRUE(service_->ListTerminalTasks(&context, &request, &response).ok());
    return {response.tasks().begin(), response.tasks().end()};
  }
};

TEST_F(FlowServiceTest, AFileIsReadMatchedAndItsBadRowsNamed) {
  absl::StatusOr<v1::ImportFlowSummary> summary = Load("r-f1", kFile);
  ASSERT_TRUE(summary.ok()) << summary.status();
  EXPECT_EQ(summary->rows_read(), 4);
  EXPECT_EQ(summary->accepted(), 3);
  EXPECT_EQ(summary->rejected(), 1);  // quantity 0
  ASSERT_EQ(summary->errors_size(), 1);
  EXPECT_EQ(summary->errors(0).line(), 4);
  EXPECT_EQ(summary->errors(0).field(), "数量");
  // 协和 written in simplified and in traditional characters is one hospital;
  // the clinic is no customer here.
  EXPECT_EQ(summary->matched(), 2);
  EXPECT_EQ(summary->unresolved(), 1);
  EXPECT_EQ(summary->period().row_count(), 3);
  EXPECT_EQ(summary->period().quantity(), 160);
  EXPECT_EQ(summary->period().version(), 1);
  EXPECT_EQ(summary->facts(), 1);  // H-PUMC × P001
  std::vector<v1::TerminalTask> tasks = Tasks();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].id(), "D1/2026-03#5");
  EXPECT_EQ(tasks[0].row().terminal_name(), "天津市某某诊所");
}

TEST_F(FlowServiceTest, AResolvedTaskCountsAndAReloadReplacesThePeriod) {
  ASSERT_TRUE(Load("r-f1", kFile).ok());
  Known("C-TJ", v1::CUSTOMER_KIND_PHARMACY, "某某诊所", "天津市", "天津市和平区某路1号");
  grpc::ServerContext context;
  v1::ResolveTerminalTaskRequest resolve;
  resolve.set_request_id("r-t1");
  resolve.set_task_id("D1/2026-03#5");
  resolve.set_customer_id("C-TJ");
  v1::TerminalTask task;
  ASSERT_TRUE(service_->ResolveTerminalTask(&context, &resolve, &task).ok());
  EXPECT_EQ(task.state(), v1::TERMINAL_TASK_STATE_RESOLVED);
  EXPECT_EQ(task.row().terminal_id(), "C-TJ");
  EXPECT_EQ(task.row().terminal_province(), "天津市");
  EXPECT_TRUE(Tasks().empty());
  // Resolving again is refused naming the task.
  resolve.set_request_id("r-t2");
  absl::Status again = rpc::FromGrpcStatus(service_->ResolveTerminalTask(&context, &resolve, &task));
  EXPECT_EQ(core::FieldOf(again), "task_id");

  // The distributor sends March again, without the clinic's row.
  std::string fixed(kFile);
  fixed.erase(fixed.rfind("2026-03-23"));
  absl::StatusOr<v1::ImportFlowSummary> reload = Load("r-f2", fixed);
  ASSERT_TRUE(reload.ok()) << reload.status();
  EXPECT_EQ(reload->period().version(), 2);
  EXPECT_EQ(reload->period().previous_row_count(), 3);
  EXPECT_EQ(reload->period().previous_quantity(), 160);
  EXPECT_EQ(reload->period().quantity(), 150);
  // The same request again answers the same and loads nothing more.
  absl::StatusOr<v1::ImportFlowSummary> retried = Load("r-f2", fixed);
  ASSERT_TRUE(retried.ok());
  EXPECT_EQ(retried->period().version(), 2);
  // The same request id with another file is refused.
  EXPECT_EQ(Load("r-f2", kFile).status().code(), absl::StatusCode::kFailedPrecondition);
}

// kFile as the distributor's Excel workbook: the dates date-formatted
// serials, the figures numbers, the names shared strings.
std::string Workbook() {
  tabular::testing::TestWorkbook book;
  book.styles =
      "<cellXfs count=\"2\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\" applyNumberFormat=\"1\"/>"
      "</cellXfs>";
  const std::vector<std::string> strings = {"销售日期",
                                            "客户名称",
                                            "地址",
                                            "产品名称",
                                            "规格",
                                            "批号",
                                            "数量",
                                            "单价",
                                            "北京协和医院",
                                            "北京協和醫院",
                                            "北京朝阳医院",
                                            "天津市某某诊所",
                                            "北京市东城区帅府园1号",
                                            "北京市朝阳区工体南路8号",
                                            "天津市和平区某路1号",
                                            "阿托伐他汀钙片",
                                            "立达",
                                            "20mg*7片",
                                            "20MG*7片",
                                            "B2506"};
  auto s = [&](absl::string_view text) {
    for (size_t i = 0; i < strings.size(); ++i) {
      if (strings[i] == text) return absl::StrCat("<c t=\"s\"><v>", i, "</v></c>");
    }
    ADD_FAILURE() << text;
    return std::string();
  };
  for (const std::string& text : strings)
    absl::StrAppend(&book.shared_strings, "<si><t>", text, "</t></si>");
  auto n = [](absl::string_view number, bool date = false) {
    return absl::StrCat("<c", date ? " s=\"1\"" : "", "><v>", number, "</v></c>");
  };
  std::string rows =
      absl::StrCat("<row r=\"1\">", s("销售日期"), s("客户名称"), s("地址"), s("产品名称"),
                   s("规格"), s("批号"), s("数量"), s("单价"), "</row>");
  struct Row {
    const char* serial;
    const char* name;
    const char* address;
    const char* product;
    const char* spec;
    const char* quantity;
  };
  const Row data[] = {
      {"46083", "北京协和医院", "北京市东城区帅府园1号", "阿托伐他汀钙片", "20mg*7片", "120"},
      {"46090", "北京協和醫院", "北京市东城区帅府园1号", "立达", "20MG*7片", "30"},
      {"46097", "北京朝阳医院", "北京市朝阳区工体南路8号", "阿托伐他汀钙片", "20mg*7片", "0"},
      {"46104", "天津市某某诊所", "天津市和平区某路1号", "阿托伐他汀钙片", "20mg*7片", "10"},
  };
  for (const Row& row : data) {
    absl::StrAppend(&rows, "<row>", n(row.serial, true), s(row.name), s(row.address),
                    s(row.product), s(row.spec), s("B2506"), n(row.quantity),
                    n("45.799999999999997"), "</row>");
  }
  book.sheets.emplace_back("流向", tabular::testing::Worksheet(rows));
  return tabular::testing::BuildXlsx(book);
}

TEST_F(FlowServiceTest, AnExcelWorkbookLoadsAsItsCsvDoes) {
  absl::StatusOr<v1::ImportFlowSummary> csv = Load("r-c1", kFile);
  ASSERT_TRUE(csv.ok()) << csv.status();
  absl::StatusOr<v1::ImportFlowSummary> xlsx = Load("r-x1", Workbook());
  ASSERT_TRUE(xlsx.ok()) << xlsx.status();
  EXPECT_EQ(xlsx->rows_read(), csv->rows_read());
  EXPECT_EQ(xlsx->accepted(), 3);
  EXPECT_EQ(xlsx->matched(), csv->matched());
  EXPECT_EQ(xlsx->unresolved(), csv->unresolved());
  ASSERT_EQ(xlsx->errors_size(), 1);
  EXPECT_EQ(xlsx->errors(0).line(), 4);  // the sheet's row
  EXPECT_EQ(xlsx->errors(0).field(), "数量");
  EXPECT_EQ(xlsx->period().version(), 2);  // it replaced the CSV's load
  EXPECT_EQ(xlsx->period().row_count(), csv->period().row_count());
  EXPECT_EQ(xlsx->period().quantity(), csv->period().quantity());
  EXPECT_EQ(xlsx->period().amount_fen(), csv->period().amount_fen());
  EXPECT_EQ(xlsx->period().previous_amount_fen(), csv->period().amount_fen());
  EXPECT_EQ(xlsx->facts(), csv->facts());
  std::vector<v1::TerminalTask> tasks = Tasks();
  ASSERT_EQ(tasks.size(), 1u);
  EXPECT_EQ(tasks[0].id(), "D1/2026-03#5");
  EXPECT_EQ(tasks[0].row().sale_date(), "2026-03-23");

  // A workbook that cannot be read is refused naming the data, and the
  // period stays as it was.
  const std::string workbook = Workbook();
  absl::Status cut = Load("r-x2", workbook.substr(0, workbook.size() / 2)).status();
  EXPECT_EQ(cut.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(core::FieldOf(cut), "data") << cut;
  grpc::ServerContext context;
  v1::GetFlowPeriodRequest get;
  get.set_distributor_id("D1");
  get.set_month("2026-03");
  v1::FlowPeriod period;
  ASSERT_TRUE(service_->GetFlowPeriod(&context, &get, &period).ok());
  EXPECT_EQ(period.version(), 2);
}

TEST_F(FlowServiceTest, BadLoadsNameTheFieldAndStoreNothing) {
  EXPECT_EQ(core::FieldOf(Load("r-b1", kFile, "2026-13").status()), "month");
  EXPECT_EQ(core::FieldOf(Load("r-b2", kFile, "2026-05").status()), "month");  // future
  EXPECT_EQ(core::FieldOf(Load("r-b3", kFile, "2026-03", "D9").status()), "distributor_id");
  v1::FlowChunk header;
  header.set_request_id("r-b4");
  header.set_distributor_id("D1");
  header.set_month("2026-03");
  header.set_column_mapping("no equals sign here");
  v1::ImportFlowSummary summary;
  absl::Status bad_mapping = service_->LoadFlow(header, kFile, "steward", &summary);
  EXPECT_EQ(core::FieldOf(bad_mapping).value_or("").rfind("column_mapping", 0), 0u)
      << bad_mapping;
  grpc::ServerContext context;
  v1::GetFlowPeriodRequest get;
  get.set_distributor_id("D1");
  get.set_month("2026-03");
  v1::FlowPeriod period;
  EXPECT_EQ(service_->GetFlowPeriod(&context, &get, &period).error_code(), grpc::NOT_FOUND);
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline
