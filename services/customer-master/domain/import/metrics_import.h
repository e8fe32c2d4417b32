// The parsing half of the bulk import of monthly metrics (ImportMetrics):
// JSON Lines, one MetricsImportRecord per line, become rows naming their
// customer, and every line that is not one becomes an error with its line
// number, the field when there is one, and the reason. Pure: no I/O.
//
// What is NOT checked here: that the customer exists and is active, and the
// figures against its kind (ValidateMetrics); the caller does that with
// the store.
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_IMPORT_METRICS_IMPORT_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_IMPORT_METRICS_IMPORT_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "domain/import/import_rows.h"
#include "domain/import/json_lines.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::customer_master {

// A line that parsed: it names a customer (external_id, metrics.customer_id
// or both) and has metrics with a period.
struct MetricsRow {
  int64_t line = 0;
  std::string external_id;
  v1::CustomerMetrics metrics;
};

// Incremental parser of one metrics import: feed it the input in chunks of
// any size, split anywhere, then call Finish once; the rows and errors are
// the same however the input was split, and are appended in input order.
// Each non-blank line is reported once, as a row or as one error. A
// leading byte order mark is skipped; a line longer than 1 MiB is rejected
// without being kept in memory. Unknown fields are errors; version,
// recorded_at and recorded_by are cleared (the service sets them).
class MetricsLineParser {
 public:
  MetricsLineParser() = default;
  MetricsLineParser(const MetricsLineParser&) = delete;
  MetricsLineParser& operator=(const MetricsLineParser&) = delete;

  void Feed(absl::string_view chunk, std::vector<MetricsRow>* rows, std::vector<RowError>* errors);
  void Finish(std::vector<MetricsRow>* rows, std::vector<RowError>* errors);

 private:
  void Line(int64_t line, absl::string_view text, bool too_long, std::vector<MetricsRow>* rows,
            std::vector<RowError>* errors);

  LineSplitter lines_{kMaxLineBytes};
  bool finished_ = false;
};

}  // namespace pharmacrm::customer_master

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_IMPORT_METRICS_IMPORT_H_
