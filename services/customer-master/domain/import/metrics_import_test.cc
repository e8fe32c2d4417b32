#include "domain/import/metrics_import.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace pharmacrm::customer_master {
namespace {

struct Parsed {
  std::vector<MetricsRow> rows;
  std::vector<RowError> errors;
};

Parsed ParseInChunks(absl::string_view input, size_t chunk) {
  Parsed out;
  MetricsLineParser parser;
  for (size_t i = 0; i < input.size(); i += chunk) {
    parser.Feed(input.substr(i, chunk), &out.rows, &out.errors);
  }
  parser.Finish(&out.rows, &out.errors);
  return out;
}

constexpr absl::string_view kGood =
    "\xEF\xBB\xBF{\"external_id\":\"HOSP-000001\",\"metrics\":{\"period\":\"2026-08\",\"hospital\":"
    "{\"outpatient_visits\":\"2735\",\"bed_utilisation_permille\":736},\"version\":\"7\","
    "\"recorded_at\":\"2026-09-05T02:00:00Z\",\"recorded_by\":\"someone\",\"source\":\"his\"}}\r\n"
    "\n"
    "{\"metrics\":{\"customer_id\":\"c-1\",\"period\":\"2026-09\",\"department\":\"儿科\","
    "\"departmentFigures\":{\"outpatientVisits\":12}}}";

TEST(MetricsLineParser, ParsesRowsHoweverTheInputIsSplit) {
  for (size_t chunk : {size_t{1}, size_t{2}, size_t{7}, kGood.size()}) {
    Parsed p = ParseInChunks(kGood, chunk);
    ASSERT_EQ(p.rows.size(), 2u) << "chunk " << chunk;
    EXPECT_TRUE(p.errors.empty());
    EXPECT_EQ(p.rows[0].line, 1);
    EXPECT_EQ(p.rows[0].external_id, "HOSP-000001");
    EXPECT_EQ(p.rows[0].metrics.period(), "2026-08");
    EXPECT_EQ(p.rows[0].metrics.hospital().outpatient_visits(), 2735);
    EXPECT_EQ(p.rows[0].metrics.source(), "his");
    // Set by the service, never taken from the file.
    EXPECT_EQ(p.rows[0].metrics.version(), 0);
    EXPECT_FALSE(p.rows[0].metrics.has_recorded_at());
    EXPECT_TRUE(p.rows[0].metrics.recorded_by().empty());
    EXPECT_EQ(p.rows[1].line, 3);  // The blank line 2 is skipped.
    EXPECT_EQ(p.rows[1].metrics.customer_id(), "c-1");
    EXPECT_EQ(p.rows[1].metrics.department_figures().outpatient_visits(), 12);
  }
}

TEST(MetricsLineParser, EachBadLineIsOneErrorNamingItsLineAndField) {
  const std::string input = absl::StrCat(
      "{\"external_id\":\"A\",\"metrics\":{\"period\":\"2026-08\",\"hospital\":{\"outpatient_"
      "visits\":\"abc\"}}}\n",
      "{\"external_id\":\"A\",\"metrics\":{\"period\":\"2026-08\",\"hospital\":{\"outpatient_"
      "visit\":1}}}\n",
      "{\"external_id\":\"A\",\"metrics\":{\"period\":\"2026-08\"\n", "{\"external_id\":\"A\"}\n",
      "{\"metrics\":{\"period\":\"2026-08\"}}\n",
      "{\"external_id\":\"\xB1\xB1\xBE\xA9\",\"metrics\":{}}\n",  // GBK bytes.
      "[1,2]\n", "{\"external_id\":\"B\",\"metrics\":{\"period\":\"2026-08\"}}\n",
      "{\"external_id\":\"", std::string(size_t{1} << 20, 'x'), "\"}\n",
      "{\"external_id\":\"C\",\"metrics\":{\"period\":\"2026-09\"}}\n",
      "{\"external_id\":\"D\",\"profile\":{}}");
  Parsed p = ParseInChunks(input, 4096);
  ASSERT_EQ(p.rows.size(), 2u);
  EXPECT_EQ(p.rows[0].line, 8);
  EXPECT_EQ(p.rows[1].line, 10);
  ASSERT_EQ(p.errors.size(), 9u);
  const std::vector<std::pair<int64_t, std::string>> expected = {
      {1, "metrics.hospital.outpatient_visits"},
      {2, "metrics.hospital.outpatient_visit"},
      {3, ""},
      {4, "metrics"},
      {5, "external_id"},
      {6, ""},
      {7, ""},
      {9, ""},
      {11, "profile"}};
  for (size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(p.errors[i].line, expected[i].first) << i;
    EXPECT_EQ(p.errors[i].field, expected[i].second) << i << ": " << p.errors[i].reason;
    EXPECT_FALSE(p.errors[i].reason.empty()) << i;
    EXPECT_EQ(p.errors[i].reason.find('\n'), std::string::npos) << i;
  }
  EXPECT_NE(p.errors[0].reason.find("invalid value"), std::string::npos) << p.errors[0].reason;
  EXPECT_EQ(p.errors[1].reason, "unknown field");
  EXPECT_EQ(p.errors[5].reason, std::string(kNotUtf8));
  EXPECT_NE(p.errors[7].reason.find("longer than"), std::string::npos);
  EXPECT_EQ(p.errors[8].reason, "unknown field");  // A customer line in a metrics import.
}

TEST(MetricsLineParser, NothingAfterFinish) {
  MetricsLineParser parser;
  std::vector<MetricsRow> rows;
  std::vector<RowError> errors;
  parser.Feed("{\"external_id\":\"A\",\"metrics\":{\"period\":\"2026-08\"}}", &rows, &errors);
  EXPECT_TRUE(rows.empty());  // No line break yet.
  parser.Finish(&rows, &errors);
  parser.Finish(&rows, &errors);
  parser.Feed("\n{\"external_id\":\"B\",\"metrics\":{}}\n", &rows, &errors);
  EXPECT_EQ(rows.size(), 1u);
  EXPECT_TRUE(errors.empty());
}

}  // namespace
}  // namespace pharmacrm::customer_master
