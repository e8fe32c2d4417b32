// FlowTest cases of imports: CSV through the pharmacrm tool, monthly
// metrics in bulk, streamed imports of many batches, cancelled imports
// resumed with the same request id, and a request id reused for another
// file.
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <set>
#include <string>

#include "absl/strings/str_cat.h"
#include "flow/flow_fixture.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"
#include "pharmacrm/v1/events.pb.h"
#include "support/import_stream.h"
#include "support/ports.h"
#include "support/suite.h"
#include "support/wait.h"

namespace pharmacrm::itest {
namespace {

TEST_F(FlowTest, CsvImportThroughTheCliAcceptsGoodRowsAndReportsBadOnes) {
  std::string dir = TempDir("pcrm-import-");
  std::string csv = absl::StrCat(dir, "/customers.csv");
  {
    std::ofstream f(csv);
    f << "external_id,kind,name,province,city,address,phone,hospital_id,department,hospital.bed_"
         "count\n"
         "H-1,医院,\"中南大学湘雅医院\",湖南省,长沙市,\"开福区湘雅路87号, "
         "门诊楼\",0731-84328888,,,3500\n"
         "D-1,医生,刘洋,,,,13800000001,H-1,心内科,\n"
         "D-2,医生,陈静,,,,1380000000,H-1,肿瘤科,\n"    // line 4: 10-digit mobile
         "D-1,医生,刘洋,,,,13800000001,H-1,心内科,\n"   // line 5: same external_id
         "D-3,医生,赵磊,,,,13800000003,H-404,儿科,\n"   // line 6: unknown hospital
         "D-4,医生,赵磊,,,,13800000003,H-1,儿科,\n"     // line 7: like line 6, good
         "D-5,医生,刘洋,,,,13800000001,H-1,心内科,\n";  // line 8: like line 3
  }
  std::string server = absl::StrCat("--server=", suite_->GrpcAddress("customer-master"));
  auto [out, code] = RunCli(absl::StrCat("import --file=", csv, " --request_id=cli-import-1 --source=legacy ", server));
  ASSERT_EQ(code, 0) << out;
  EXPECT_NE(out.find("rows 7, accepted 3, rejected 2, duplicates 2"), std::string::npos) << out;
  EXPECT_NE(out.find("line 4 profile.phone"), std::string::npos) << out;
  EXPECT_NE(out.find("line 5 external_id: duplicate of line 3"), std::string::npos) << out;
  EXPECT_NE(out.find("line 6 profile.hospital_id"), std::string::npos) << out;
  // A rejected row does not make a later one like it a duplicate.
  EXPECT_EQ(out.find("line 7 "), std::string::npos) << out;
  EXPECT_NE(out.find("line 8 profile.name: duplicate of line 3 (same kind, name and phone)"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("rows/s"), std::string::npos) << out;

  // The same request id: the first summary, nothing imported again.
  auto [again, code2] = RunCli(absl::StrCat("import --file=", csv, " --request_id=cli-import-1 ", server));
  EXPECT_EQ(code2, 0);
  EXPECT_NE(again.find("accepted 3, rejected 2, duplicates 2"), std::string::npos) << again;
  // A new import of the same file: rows already imported are duplicates.
  // Line 8 is not (its external id is new, and kind, name and phone are
  // compared within one import only: a stored customer like it is left to
  // match & merge).
  auto [third, code3] = RunCli(absl::StrCat("import --file=", csv, " --request_id=cli-import-2 ", server));
  EXPECT_EQ(code3, 0);
  EXPECT_NE(third.find("accepted 1, rejected 2, duplicates 4"), std::string::npos) << third;
  EXPECT_NE(third.find("already imported as"), std::string::npos) << third;

  // The doctor is linked to the imported hospital and findable.
  v1::SearchCustomersResponse found;
  ASSERT_TRUE(WaitUntil([&] {
    found.Clear();
    return JsonStringToMessage(Http("GET", "/api/v1/customers?query=xiangya").body, &found).ok() &&
           found.total_size() == 1;
  }));
  EXPECT_EQ(found.customers(0).profile().hospital().bed_count(), 3500);
  EXPECT_EQ(found.customers(0).profile().city(), "长沙市");

  // A header naming an unknown column rejects the whole file, with the reason.
  std::string bad = absl::StrCat(dir, "/bad.csv");
  { std::ofstream f(bad); f << "kind,name,bed_count\n医院,某医院,10\n"; }
  auto [bad_out, bad_code] = RunCli(absl::StrCat("import --file=", bad, " ", server));
  EXPECT_EQ(bad_code, 0);
  EXPECT_NE(bad_out.find("accepted 0, rejected"), std::string::npos) << bad_out;
  EXPECT_NE(bad_out.find("bed_count"), std::string::npos) << bad_out;
  // No such file: a clear error and a non-zero exit.
  auto [none, none_code] = RunCli(absl::StrCat("import --file=", dir, "/missing.csv ", server));
  EXPECT_NE(none_code, 0);
  std::filesystem::remove_all(dir);
}

// Sends `data` on a new stream of `open` (ImportCustomers or
// ImportMetrics), cancels the call once the first batch of 500 rows is in,
// and waits until customer-master logs that `method`'s stream ended before
// the file did (it records the complete lines it has first).
void ImportAndCancelAfterFirstBatch(Suite& suite, const std::string& method, const OpenImport& open,
                                    const std::string& request_id, v1::ImportFormat format,
                                    const std::string& data) {
  {
    grpc::ClientContext ctx;
    auto stream = open(&ctx);
    ASSERT_TRUE(WriteImportChunks(*stream, request_id, format, data, 4096));
    v1::ImportProgress first;
    ASSERT_TRUE(stream->Read(&first));  // The first batch of 500 is in.
    EXPECT_GE(first.accepted(), 500);
    ctx.TryCancel();
    EXPECT_EQ(stream->Finish().error_code(), grpc::StatusCode::CANCELLED);
  }
  ASSERT_TRUE(WaitUntil([&] {
    std::ifstream log(suite.process("customer-master").log_path());
    for (std::string line; std::getline(log, line);) {
      if (line.find(method) != std::string::npos &&
          line.find("the import stream ended before the file did") != std::string::npos)
        return true;
    }
    return false;
  }));
}

// Monthly metrics in bulk, as a hospital information system's monthly export
// arrives: through the CLI, each good row recorded like RecordMetrics
// (versions, derived figures, an event), each bad row named by line and
// field, a row equal to what is stored counted as a duplicate.
TEST_F(FlowTest, MonthlyMetricsAreImportedInBulkThroughTheCli) {
  auto stub = CustomerMasterClient(*suite_);
  ImportResult customers =
      StreamImport(*stub, "metrics-import-customers", v1::IMPORT_FORMAT_JSON_LINES,
                   "{\"external_id\":\"MI-H1\",\"profile\":{\"kind\":\"CUSTOMER_KIND_HOSPITAL\","
                   "\"name\":\"指标导入医院\",\"province\":\"湖南省\",\"city\":\"长沙市\"}}\n"
                   "{\"external_id\":\"MI-D1\",\"profile\":{\"kind\":\"CUSTOMER_KIND_DOCTOR\","
                   "\"name\":\"指标导入医生\",\"hospital_id\":\"MI-H1\"}}\n"
                   "{\"external_id\":\"MI-H2\",\"profile\":{\"kind\":\"CUSTOMER_KIND_HOSPITAL\","
                   "\"name\":\"指标导入医院\",\"province\":\"湖南省\",\"city\":\"长沙市\"}}\n",
                   4096);
  ASSERT_TRUE(customers.status.ok()) << customers.status.error_message();
  ASSERT_EQ(customers.summary.accepted(), 3) << customers.summary.DebugString();
  const std::string hospital = customers.summary.imported_ids().at("MI-H1");
  const std::string doctor = customers.summary.imported_ids().at("MI-D1");
  auto doctor_row = [](const std::string& who, const std::string& period, int total, int own) {
    return absl::StrCat(
        who, R"("metrics":{"period":")", period,
        R"(","doctor":{"outpatient_visits":"420","prescriptions":[{"drug_class":"心血管药","volume":)",
        total, R"(}],"own_prescriptions":[{"drug_class":"心血管药","volume":)", own,
        R"(}]},"version":"9","recorded_at":"2020-01-01T00:00:00Z"}})", "\n");
  };
  const std::string by_external = R"({"external_id":"MI-D1",)";
  std::string file = absl::StrCat(
      R"({"external_id":"MI-H1","metrics":{"period":"2026-07","hospital":{"outpatient_visits":"1000","bed_utilisation_permille":800}}})",
      "\n",                                         // 1
      doctor_row(by_external, "2026-07", 200, 30),  // 2
      R"({"metrics":{"customer_id":")", doctor,
      R"(","period":"2026-08","doctor":{"prescriptions":[{"drug_class":"心血管药","volume":250}],"own_prescriptions":[{"drug_class":"心血管药","volume":50}]}}})",
      "\n",                                                          // 3
      doctor_row(R"({"external_id":"MI-NOPE",)", "2026-07", 10, 1),  // 4
      doctor_row(by_external, "2026-09", 100, 101),                  // 5: own > total
      R"({"external_id":"MI-H1","metrics":{"period":"2026-07","doctor":{"outpatient_visits":"1"}}})",
      "\n",  // 6: a doctor's figures
      R"({"external_id":"MI-D1","metrics":{"period":"2026-07","doctor":{"outpatient_visits":"many"}}})",
      "\n",                                         // 7
      doctor_row(by_external, "2026-07", 200, 30),  // 8: as line 2
      doctor_row(by_external, "2026-07", 200, 40),  // 9: a correction
      R"({"external_id":"MI-D1","metrics":{"customer_id":")", hospital, R"(","period":"2026-07"}})",
      "\n");  // 10
  std::string dir = TempDir("pcrm-metrics-import-");
  std::string path = absl::StrCat(dir, "/metrics.jsonl");
  { std::ofstream(path) << file; }
  std::string server = absl::StrCat("--server=", suite_->GrpcAddress("customer-master"));
  const ImportRowCounts rows_before = ImportRows("pharmacrm_metrics_import_rows_total");
  auto [out, code] = RunCli(absl::StrCat("import --what=metrics --file=", path,
                                         " --request_id=metrics-import-1 --source=his ", server));
  ASSERT_EQ(code, 0) << out;
  // Counted on customer-master's /metrics by outcome, as the summary counts.
  const ImportRowCounts rows_after = ImportRows("pharmacrm_metrics_import_rows_total");
  EXPECT_EQ(rows_after.accepted - rows_before.accepted, 4);
  EXPECT_EQ(rows_after.rejected - rows_before.rejected, 5);
  EXPECT_EQ(rows_after.duplicates - rows_before.duplicates, 1);
  EXPECT_NE(out.find("rows 10, accepted 4, rejected 5, duplicates 1"), std::string::npos) << out;
  EXPECT_NE(out.find("line 4 external_id: no customer was imported with external_id 'MI-NOPE'"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("line 5 metrics.figures.doctor.own_prescriptions[0].volume"),
            std::string::npos)
      << out;
  EXPECT_NE(out.find("line 6 metrics.figures: do not match"), std::string::npos) << out;
  EXPECT_NE(out.find("line 7 metrics.doctor.outpatient_visits"), std::string::npos) << out;
  EXPECT_NE(out.find("line 8 metrics: unchanged: already recorded as version 1"), std::string::npos)
      << out;
  EXPECT_NE(out.find("line 10 metrics.customer_id"), std::string::npos) << out;

  // The doctor's series: July corrected (version 2), August by customer id.
  v1::GetMetricsRequest get;
  get.set_customer_id(doctor);
  v1::MetricsSeries series;
  grpc::ClientContext context;
  ASSERT_TRUE(stub->GetMetrics(&context, get, &series).ok());
  ASSERT_EQ(series.records_size(), 2) << series.DebugString();
  EXPECT_EQ(series.records(0).period(), "2026-07");
  EXPECT_EQ(series.records(0).version(), 2);
  EXPECT_EQ(series.records(0).source(), "his");
  EXPECT_NE(google::protobuf::util::TimeUtil::TimestampToSeconds(series.records(0).recorded_at()),
            google::protobuf::util::TimeUtil::TimestampToSeconds(
                google::protobuf::util::TimeUtil::SecondsToTimestamp(1577836800)));
  EXPECT_DOUBLE_EQ(series.key_figures(0).prescription_share(), 40.0 / 200.0);
  EXPECT_EQ(series.records(1).period(), "2026-08");
  EXPECT_EQ(series.records(1).version(), 1);
  EXPECT_DOUBLE_EQ(series.key_figures(1).prescription_share(), 50.0 / 250.0);
  EXPECT_TRUE(SeenOnTopic("pharmacrm.customer.events.v1", [&](const v1::EventEnvelope& e) {
    v1::MetricsRecorded m;
    return e.customer_id() == doctor && e.payload().UnpackTo(&m) &&
           m.metrics().period() == "2026-08" && m.key_figures().has_prescription_share();
  }));

  // The same request id answers the first summary and records nothing.
  auto [again, code2] = RunCli(absl::StrCat("import --what=metrics --file=", path,
                                            " --request_id=metrics-import-1 ", server));
  EXPECT_EQ(code2, 0);
  EXPECT_NE(again.find("rows 10, accepted 4, rejected 5, duplicates 1"), std::string::npos)
      << again;
  v1::MetricsSeries after;
  grpc::ClientContext context2;
  ASSERT_TRUE(stub->GetMetrics(&context2, get, &after).ok());
  EXPECT_EQ(after.records(0).version(), 2);
  // Metrics come as JSON Lines only: CSV is refused naming the format, and
  // the CLI exits non-zero.
  auto [csv, csv_code] = RunCli(absl::StrCat("import --what=metrics --format=csv --file=", path,
                                             " --request_id=metrics-import-csv ", server));
  EXPECT_NE(csv_code, 0) << csv;
  // A first chunk the service refuses: the status names the field, and
  // nothing is recorded.
  auto refuse = [&](const std::string& request_id, v1::ImportFormat format,
                    const std::string& source) {
    grpc::ClientContext ctx;
    auto stream = stub->ImportMetrics(&ctx);
    v1::ImportChunk chunk;
    chunk.set_request_id(request_id);
    chunk.set_format(format);
    chunk.set_source(source);
    chunk.set_data(doctor_row(by_external, "2026-10", 10, 1));
    stream->Write(chunk);
    stream->WritesDone();
    return stream->Finish();
  };
  grpc::Status refused = refuse("metrics-import-csv", v1::IMPORT_FORMAT_CSV, "");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(), ::testing::HasSubstr("format: metrics are imported from "
                                                            "JSON Lines only"));
  refused = refuse("", v1::IMPORT_FORMAT_JSON_LINES, "");
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(), ::testing::HasSubstr("request_id"));
  refused =
      refuse("metrics-import-long-source", v1::IMPORT_FORMAT_JSON_LINES, std::string(101, 's'));
  EXPECT_EQ(refused.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(refused.error_message(), ::testing::HasSubstr("source: longer than 100 bytes"));
  v1::MetricsSeries october;
  get.set_from_period("2026-10");
  grpc::ClientContext context3;
  ASSERT_TRUE(stub->GetMetrics(&context3, get, &october).ok());
  EXPECT_EQ(october.records_size(), 0) << october.DebugString();

  // MI-H2, a duplicate of MI-H1, is merged into it; the source system still
  // sends MI-H2, and its rows land on the golden record.
  v1::MergeCustomersRequest merge;
  merge.set_request_id("metrics-import-merge");
  merge.set_survivor_id(hospital);
  merge.add_merged_ids(customers.summary.imported_ids().at("MI-H2"));
  merge.set_reason("同一医院");
  v1::Customer golden;
  grpc::ClientContext merge_context;
  ASSERT_TRUE(stub->MergeCustomers(&merge_context, merge, &golden).ok());
  const std::string merged_path = absl::StrCat(dir, "/merged.jsonl");
  {
    std::ofstream(merged_path)
        << R"({"external_id":"MI-H2","metrics":{"period":"2026-08","hospital":{"outpatient_visits":"1200"}}})"
        << "\n";
  }
  auto [merged_out, merged_code] =
      RunCli(absl::StrCat("import --what=metrics --file=", merged_path,
                          " --request_id=metrics-import-merged ", server));
  ASSERT_EQ(merged_code, 0) << merged_out;
  EXPECT_NE(merged_out.find("rows 1, accepted 1, rejected 0"), std::string::npos) << merged_out;
  v1::GetMetricsRequest golden_get;
  golden_get.set_customer_id(hospital);
  v1::MetricsSeries golden_series;
  grpc::ClientContext context4;
  ASSERT_TRUE(stub->GetMetrics(&context4, golden_get, &golden_series).ok());
  ASSERT_EQ(golden_series.records_size(), 2) << golden_series.DebugString();
  EXPECT_EQ(golden_series.records(1).period(), "2026-08");
  EXPECT_EQ(golden_series.records(1).hospital().outpatient_visits(), 1200);
  // A metrics file named .csv is still read as JSON Lines (the only format
  // of metrics), and the row, sent again, is unchanged.
  const std::string named_csv = absl::StrCat(dir, "/merged-export.csv");
  std::filesystem::copy_file(merged_path, named_csv);
  auto [csv_named_out, csv_named_code] =
      RunCli(absl::StrCat("import --what=metrics --file=", named_csv,
                          " --request_id=metrics-import-named-csv ", server));
  ASSERT_EQ(csv_named_code, 0) << csv_named_out;
  EXPECT_NE(csv_named_out.find("rows 1, accepted 0, rejected 0, duplicates 1"), std::string::npos)
      << csv_named_out;
  std::filesystem::remove_all(dir);
}

// A metrics import cut off part way records the complete lines it has, and
// the same request id then records the rest: the rows in already count as
// unchanged, and the cut line is recorded whole, once.
TEST_F(FlowTest, ACancelledMetricsImportRecordsCompleteLinesAndTheSameRequestIdTheRest) {
  auto stub = CustomerMasterClient(*suite_);
  std::string doctors =
      "{\"external_id\":\"MC-H1\",\"profile\":{\"kind\":\"CUSTOMER_KIND_HOSPITAL\","
      "\"name\":\"断点医院\",\"province\":\"湖南省\",\"city\":\"长沙市\"}}\n";
  for (int d = 1; d <= 10; ++d) {
    doctors += absl::StrCat("{\"external_id\":\"MC-D", d,
                            "\",\"profile\":{\"kind\":\"CUSTOMER_KIND_DOCTOR\",\"name\":\"断点医生",
                            d, "\",\"hospital_id\":\"MC-H1\"}}\n");
  }
  ImportResult imported =
      StreamImport(*stub, "metrics-cancel-doctors", v1::IMPORT_FORMAT_JSON_LINES, doctors, 4096);
  ASSERT_TRUE(imported.status.ok()) << imported.status.error_message();
  ASSERT_EQ(imported.summary.accepted(), 11) << imported.summary.DebugString();
  // 520 rows: ten doctors, 52 months each (2022-07 to 2026-10).
  std::string complete;
  for (int d = 1; d <= 10; ++d) {
    for (int i = 0; i < 52; ++i) {
      const int month = 2022 * 12 + 6 + i;
      complete += absl::StrCat("{\"external_id\":\"MC-D", d, "\",\"metrics\":{\"period\":\"",
                               month / 12, "-", absl::Dec(month % 12 + 1, absl::kZeroPad2),
                               "\",\"doctor\":{\"outpatient_visits\":\"", d * 1000 + i, "\"}}}\n");
    }
  }
  const std::string last_row =
      "{\"external_id\":\"MC-D1\",\"metrics\":{\"period\":\"2022-06\",\"doctor\":{"
      "\"outpatient_visits\":\"777\"}}}\n";
  const std::string cut = last_row.substr(0, last_row.find("777") + 1);
  const OpenImport open = [&](grpc::ClientContext* c) { return stub->ImportMetrics(c); };
  ImportAndCancelAfterFirstBatch(*suite_, "ImportMetrics", open, "cancelled-metrics-import-1",
                                 v1::IMPORT_FORMAT_JSON_LINES, complete + cut);
  if (HasFatalFailure()) return;
  ImportResult again = StreamImportWith(open, "cancelled-metrics-import-1",
                                        v1::IMPORT_FORMAT_JSON_LINES, complete + last_row, 4096);
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  const v1::ImportProgress& summary = again.summary;
  ASSERT_TRUE(summary.done());
  EXPECT_EQ(summary.rows_read(), 521);
  EXPECT_EQ(summary.rejected(), 0);
  EXPECT_EQ(summary.accepted() + summary.duplicates(), 521);
  EXPECT_GE(summary.duplicates(), 500);
  // Every month once, at version 1, the cut one with its whole value.
  v1::GetMetricsRequest get;
  get.set_customer_id(imported.summary.imported_ids().at("MC-D1"));
  v1::MetricsSeries series;
  grpc::ClientContext gctx;
  ASSERT_TRUE(stub->GetMetrics(&gctx, get, &series).ok());
  ASSERT_EQ(series.records_size(), 53);
  EXPECT_EQ(series.records(0).period(), "2022-06");
  EXPECT_EQ(series.records(0).doctor().outpatient_visits(), 777);
  for (const auto& r : series.records()) EXPECT_EQ(r.version(), 1) << r.period();
}

// An import of several batches sent in small chunks that split lines: the
// service reads and parses ahead of the batch it writes, so this checks that
// rows keep their order and line numbers across batches, that a row may
// refer to a hospital of an earlier batch, and that every accepted row is
// searchable once the summary arrives.
TEST_F(FlowTest, AStreamedImportOfManyBatchesKeepsLinesAndOrder) {
  constexpr int kDoctors = 1400;  // Three batches of rows and more.
  std::string file =
      "{\"external_id\":\"SH-1\",\"profile\":{\"kind\":\"CUSTOMER_KIND_HOSPITAL\","
      "\"name\":\"流式导入医院\",\"province\":\"上海市\",\"city\":\"上海市\"}}\n";
  std::set<int> bad_lines;
  for (int i = 1; i <= kDoctors; ++i) {
    int line = i + 1;
    if (i % 450 == 0) {
      file += absl::StrCat("{\"external_id\":\"SD-", i,
                           "\",\"profile\":{\"kind\":\"CUSTOMER_KIND_DOCTOR\","
                           "\"name\":\"坏行",
                           i, "\",\"phone\":\"12345\",\"hospital_id\":\"SH-1\"}}\n");
      bad_lines.insert(line);
    } else if (i == 777) {
      file += "{\"external_id\": not json\n";
      bad_lines.insert(line);
    } else {
      file += absl::StrCat("{\"external_id\":\"SD-", i,
                           "\",\"profile\":{\"kind\":\"CUSTOMER_KIND_DOCTOR\","
                           "\"name\":\"流式医生",
                           i, "\",\"hospital_id\":\"SH-1\"}}\n");
    }
  }
  auto stub = CustomerMasterClient(*suite_);
  constexpr size_t kChunk = 97;  // Splits lines and UTF-8 characters.
  ImportResult streamed = StreamImport(*stub, "streamed-import-1", v1::IMPORT_FORMAT_JSON_LINES,
                                       file, kChunk, "stream-test");
  ASSERT_TRUE(streamed.all_written);
  ASSERT_TRUE(streamed.status.ok()) << streamed.status.error_message();
  const v1::ImportProgress& summary = streamed.summary;
  EXPECT_GE(streamed.messages, 3);  // Progress per batch, then the summary.
  ASSERT_TRUE(summary.done());
  EXPECT_EQ(summary.rows_read(), kDoctors + 1);
  EXPECT_EQ(summary.rejected(), static_cast<int64_t>(bad_lines.size()));
  EXPECT_EQ(summary.accepted(), kDoctors + 1 - static_cast<int64_t>(bad_lines.size()));
  std::set<int> reported;
  int64_t previous = 0;
  for (const auto& e : summary.errors()) {
    reported.insert(static_cast<int>(e.line()));
    EXPECT_GE(e.line(), previous);  // In line order.
    previous = e.line();
  }
  EXPECT_EQ(reported, bad_lines);
  EXPECT_EQ(summary.imported_ids().size(), summary.accepted());
  // The last row is found at once: the summary follows the index.
  v1::SearchCustomersRequest search;
  search.set_query(absl::StrCat("流式医生", kDoctors));
  v1::SearchCustomersResponse found;
  auto sctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
  ASSERT_TRUE(stub->SearchCustomers(sctx.get(), search, &found).ok());
  ASSERT_EQ(found.customers_size(), 1);
  EXPECT_EQ(found.customers(0).profile().hospital_id(), summary.imported_ids().at("SH-1"));
  EXPECT_EQ(found.customers(0).id(), summary.imported_ids().at(absl::StrCat("SD-", kDoctors)));
}

// A client that cancels an import mid-file: the rows of complete lines it
// sent are imported, the cut line after them is not parsed as a row (here
// it would be a pharmacy with a cut name), no summary is stored, and the
// same request_id then imports the rest.
TEST_F(FlowTest, ACancelledImportKeepsCompleteLinesAndTheSameRequestIdImportsTheRest) {
  constexpr int kRows = 520;
  std::string complete = "external_id,kind,name,province,city\n";
  for (int i = 1; i <= kRows; ++i) {
    complete += absl::StrCat("CX-", i, ",药店,取消导入药房", i, ",湖南省,长沙市\n");
  }
  const std::string last_row = "CX-521,药店,截断药房全名,湖南省,长沙市\n";
  const std::string cut =
      last_row.substr(0, last_row.find("截断药") + std::string("截断药").size());
  auto stub = CustomerMasterClient(*suite_);
  ImportAndCancelAfterFirstBatch(
      *suite_, "ImportCustomers", [&](grpc::ClientContext* c) { return stub->ImportCustomers(c); },
      "cancelled-import-1", v1::IMPORT_FORMAT_CSV, complete + cut);
  if (HasFatalFailure()) return;
  // The same request id: no stored summary, so the whole file is imported,
  // the rows already in reported as such.
  ImportResult again =
      StreamImport(*stub, "cancelled-import-1", v1::IMPORT_FORMAT_CSV, complete + last_row, 4096);
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  const v1::ImportProgress& summary = again.summary;
  ASSERT_TRUE(summary.done());
  EXPECT_EQ(summary.rejected(), 0);
  EXPECT_EQ(summary.accepted() + summary.duplicates(), kRows + 1);
  EXPECT_GE(summary.duplicates(), 500);
  // One pharmacy holds 截断药: the whole name, not the cut one.
  v1::SearchCustomersRequest search;
  search.set_query("截断药");
  v1::SearchCustomersResponse found;
  auto sctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
  ASSERT_TRUE(stub->SearchCustomers(sctx.get(), search, &found).ok());
  ASSERT_EQ(found.customers_size(), 1);
  EXPECT_EQ(found.customers(0).profile().name(), "截断药房全名");
  search.set_query("取消导入药房");
  search.set_page_size(1);
  auto cctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
  ASSERT_TRUE(stub->SearchCustomers(cctx.get(), search, &found).ok());
  EXPECT_EQ(found.total_size(), kRows);  // Each row once.
}

// An import's request_id identifies one file: the same file again (in
// other chunks) gets the first summary and imports nothing, while another
// file under the same request_id is refused, naming request_id, and imports
// nothing either. Files up to 64 KiB are compared whole; longer ones by
// their first 64 KiB.
TEST_F(FlowTest, AnImportRequestIdReusedForAnotherFileIsRefusedAndTheSameFileGetsItsSummary) {
  auto stub = CustomerMasterClient(*suite_);
  auto import = [&](const std::string& request_id, v1::ImportFormat format, const std::string& data,
                    size_t chunk_bytes) {
    return StreamImport(*stub, request_id, format, data, chunk_bytes);
  };
  auto count = [&](const std::string& query) {
    v1::SearchCustomersRequest search;
    search.set_query(query);
    v1::SearchCustomersResponse found;
    auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
    EXPECT_TRUE(stub->SearchCustomers(ctx.get(), search, &found).ok());
    return found.total_size();
  };
  auto refused = [](const ImportResult& r) {
    return r.status.error_code() == grpc::StatusCode::FAILED_PRECONDITION &&
           r.status.error_message().find("request_id") != std::string::npos;
  };

  const std::string small =
      "external_id,kind,name,province,city\n"
      "RU-1,药店,复用请求药房甲,湖南省,长沙市\n"
      "RU-2,药店,复用请求药房乙,湖南省,长沙市\n";
  ImportResult first = import("reuse-small", v1::IMPORT_FORMAT_CSV, small, 4096);
  ASSERT_TRUE(first.status.ok()) << first.status.error_message();
  ASSERT_EQ(first.summary.accepted(), 2);
  // The same file in 7-byte chunks: the first summary, nothing new.
  ImportResult again = import("reuse-small", v1::IMPORT_FORMAT_CSV, small, 7);
  ASSERT_TRUE(again.status.ok()) << again.status.error_message();
  EXPECT_TRUE(again.summary.done());
  EXPECT_EQ(again.summary.accepted(), 2);
  EXPECT_EQ(again.summary.imported_ids().at("RU-1"), first.summary.imported_ids().at("RU-1"));
  // A longer file, a changed one of the same length, a shorter one, the
  // same bytes as another format: each refused, nothing imported.
  const std::string longer = small + "RU-3,药店,复用请求药房丙,湖南省,长沙市\n";
  std::string changed = small;
  changed.replace(changed.find("RU-2"), 4, "RU-9");
  const std::string shorter = small.substr(0, small.size() - 10);
  for (const auto& [name, result] :
       {std::pair{"longer", import("reuse-small", v1::IMPORT_FORMAT_CSV, longer, 4096)},
        std::pair{"longer, in small chunks",
                  import("reuse-small", v1::IMPORT_FORMAT_CSV, longer, 5)},
        std::pair{"changed", import("reuse-small", v1::IMPORT_FORMAT_CSV, changed, 4096)},
        std::pair{"shorter", import("reuse-small", v1::IMPORT_FORMAT_CSV, shorter, 4096)},
        std::pair{"other format",
                  import("reuse-small", v1::IMPORT_FORMAT_JSON_LINES, small, 4096)}}) {
    EXPECT_TRUE(refused(result)) << name << ": " << result.status.error_code() << " "
                                 << result.status.error_message();
  }
  EXPECT_EQ(count("复用请求药房丙"), 0);
  EXPECT_EQ(count("复用请求药房"), 2);

  // A file longer than 64 KiB: compared by its first 64 KiB.
  std::string big = "external_id,kind,name,province,city\n";
  for (int i = 1; big.size() < 100 * 1024; ++i) {
    big += absl::StrCat("RB-", i, ",药店,复用大文件药房", i, ",湖南省,长沙市\n");
  }
  ImportResult big_first = import("reuse-big", v1::IMPORT_FORMAT_CSV, big, 64 * 1024);
  ASSERT_TRUE(big_first.status.ok()) << big_first.status.error_message();
  const int64_t big_rows = big_first.summary.accepted();
  ASSERT_GT(big_rows, 1000);
  ImportResult big_again = import("reuse-big", v1::IMPORT_FORMAT_CSV, big, 1000);
  ASSERT_TRUE(big_again.status.ok()) << big_again.status.error_message();
  EXPECT_EQ(big_again.summary.accepted(), big_rows);
  std::string big_changed = big;
  big_changed.replace(big_changed.find("RB-2,"), 5, "RX-2,");
  EXPECT_TRUE(refused(import("reuse-big", v1::IMPORT_FORMAT_CSV, big_changed, 64 * 1024)));
  EXPECT_TRUE(refused(import("reuse-big", v1::IMPORT_FORMAT_CSV, big.substr(0, 60 * 1024), 4096)));
  v1::SearchCustomersRequest search;
  search.set_query("复用大文件药房");
  search.set_page_size(1);
  v1::SearchCustomersResponse found;
  auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
  ASSERT_TRUE(stub->SearchCustomers(ctx.get(), search, &found).ok());
  EXPECT_EQ(found.total_size(), big_rows);
}

}  // namespace
}  // namespace pharmacrm::itest
