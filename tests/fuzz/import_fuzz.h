// The properties shared by the import readers' fuzz targets (csv_reader,
// json_lines_reader): bytes fed whole and fed in chunks split anywhere give
// the same rows and errors; rows come in input order, one per line, and a
// line is a row or errors, never both; every row is normalised and valid.
#ifndef PHARMACRM_TESTS_FUZZ_IMPORT_FUZZ_H_
#define PHARMACRM_TESTS_FUZZ_IMPORT_FUZZ_H_

#include <cstddef>
#include <cstdint>
#include <set>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "fuzz_check.h"
#include "google/protobuf/util/message_differencer.h"
// The readers under test (services/customer-master/domain).
#include "domain/customers/customer_rules.h"
#include "domain/import/import_rows.h"
#include "domain/import/metrics_import.h"
#include "domain/customers/profile_normalization.h"

namespace pharmacrm::fuzz {

// `data` cut into chunks of 1 to 16 bytes, the sizes taken from the data
// itself, so the fuzzer controls where the cuts fall (inside UTF-8
// characters, quoted fields, CRLFs).
inline std::vector<absl::string_view> Chunks(absl::string_view data) {
  std::vector<absl::string_view> chunks;
  size_t i = 0;
  for (size_t n = 0; i < data.size(); ++n) {
    const size_t size = 1 + static_cast<uint8_t>(data[n % data.size()]) % 16;
    chunks.push_back(data.substr(i, size));
    i += size;
  }
  return chunks;
}

template <typename Parser, typename Row>
void Parse(Parser& parser, const std::vector<absl::string_view>& chunks, std::vector<Row>* rows,
           std::vector<customer_master::RowError>* errors) {
  for (absl::string_view chunk : chunks) parser.Feed(chunk, rows, errors);
  parser.Finish(rows, errors);
  // Finish has an effect only once, and Feed none after it.
  const size_t row_count = rows->size();
  const size_t error_count = errors->size();
  parser.Feed("kind,name\nhospital,x\n", rows, errors);
  parser.Finish(rows, errors);
  FUZZ_CHECK(rows->size() == row_count && errors->size() == error_count);
}

inline bool SameErrors(const std::vector<customer_master::RowError>& a,
                       const std::vector<customer_master::RowError>& b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (a[i].line != b[i].line || a[i].field != b[i].field || a[i].reason != b[i].reason) {
      return false;
    }
  }
  return true;
}

// Rows in input order, one per line; errors in input order, every one on a
// line of the input, none on a row's line.
template <typename Row>
void CheckOrder(absl::string_view data, const std::vector<Row>& rows,
                const std::vector<customer_master::RowError>& errors) {
  const int64_t max_line = static_cast<int64_t>(data.size()) + 1;
  std::set<int64_t> row_lines;
  int64_t last = 0;
  for (const Row& row : rows) {
    FUZZ_CHECK(row.line > last && row.line <= max_line);
    last = row.line;
    row_lines.insert(row.line);
  }
  last = 0;
  for (const customer_master::RowError& error : errors) {
    FUZZ_CHECK(error.line >= last && error.line >= 1 && error.line <= max_line);
    FUZZ_CHECK(!error.reason.empty());
    FUZZ_CHECK(row_lines.count(error.line) == 0);
    last = error.line;
  }
}

// The day the readers take as today: a fixed time, so every run of an input
// gives the same rows and errors.
inline const absl::Time kFuzzNow =
    absl::FromCivil(absl::CivilSecond(2026, 12, 7, 12, 0, 0), absl::UTCTimeZone());

// The customer import (RowParser) in `format`.
inline void FuzzImportRows(customer_master::ImportFormat format, absl::string_view data) {
  using customer_master::ImportRow;
  using customer_master::RowError;
  using customer_master::RowParser;
  using google::protobuf::util::MessageDifferencer;
  std::vector<ImportRow> whole_rows, cut_rows;
  std::vector<RowError> whole_errors, cut_errors;
  RowParser whole(format, kFuzzNow);
  Parse(whole, {data}, &whole_rows, &whole_errors);
  RowParser cut(format, kFuzzNow);
  Parse(cut, Chunks(data), &cut_rows, &cut_errors);

  FUZZ_CHECK(whole_rows.size() == cut_rows.size());
  for (size_t i = 0; i < whole_rows.size(); ++i) {
    FUZZ_CHECK(whole_rows[i].line == cut_rows[i].line);
    FUZZ_CHECK(whole_rows[i].external_id == cut_rows[i].external_id);
    FUZZ_CHECK(MessageDifferencer::Equals(whole_rows[i].profile, cut_rows[i].profile));
  }
  FUZZ_CHECK(SameErrors(whole_errors, cut_errors));
  CheckOrder(data, whole_rows, whole_errors);

  for (const ImportRow& row : whole_rows) {
    FUZZ_CHECK(customer_master::ValidateProfile(row.profile, kFuzzNow).ok());
    // Normalised already: normalising again changes nothing.
    v1::CustomerProfile again = row.profile;
    FUZZ_CHECK(customer_master::NormalizeProfile(&again).ok());
    FUZZ_CHECK(MessageDifferencer::Equals(again, row.profile));
  }
  // Duplicates name rows of the input, each at most once, in order.
  std::set<int64_t> row_lines;
  for (const ImportRow& row : whole_rows) row_lines.insert(row.line);
  int64_t last = 0;
  for (const RowError& duplicate : customer_master::FindDuplicateRows(whole_rows)) {
    FUZZ_CHECK(duplicate.line > last && row_lines.count(duplicate.line) == 1);
    last = duplicate.line;
  }
}

// The metrics import (MetricsLineParser): JSON Lines only.
inline void FuzzMetricsLines(absl::string_view data) {
  using customer_master::MetricsLineParser;
  using customer_master::MetricsRow;
  using customer_master::RowError;
  using google::protobuf::util::MessageDifferencer;
  std::vector<MetricsRow> whole_rows, cut_rows;
  std::vector<RowError> whole_errors, cut_errors;
  MetricsLineParser whole;
  Parse(whole, {data}, &whole_rows, &whole_errors);
  MetricsLineParser cut;
  Parse(cut, Chunks(data), &cut_rows, &cut_errors);

  FUZZ_CHECK(whole_rows.size() == cut_rows.size());
  for (size_t i = 0; i < whole_rows.size(); ++i) {
    FUZZ_CHECK(whole_rows[i].line == cut_rows[i].line);
    FUZZ_CHECK(whole_rows[i].external_id == cut_rows[i].external_id);
    FUZZ_CHECK(MessageDifferencer::Equals(whole_rows[i].metrics, cut_rows[i].metrics));
  }
  FUZZ_CHECK(SameErrors(whole_errors, cut_errors));
  CheckOrder(data, whole_rows, whole_errors);
  for (const MetricsRow& row : whole_rows) {
    // "It names a customer", and the service sets these.
    FUZZ_CHECK(!row.external_id.empty() || !row.metrics.customer_id().empty());
    FUZZ_CHECK(row.metrics.version() == 0 && !row.metrics.has_recorded_at() &&
               row.metrics.recorded_by().empty());
  }
}

}  // namespace pharmacrm::fuzz

#endif  // PHARMACRM_TESTS_FUZZ_IMPORT_FUZZ_H_
