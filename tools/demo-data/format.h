// Output formats of the demo data: JSON Lines and CSV as the customer
// master's bulk import reads them (services/customer-master/domain/
// import/import_rows.h), and the same for monthly metrics.
#ifndef PHARMACRM_TOOLS_DEMO_DATA_FORMAT_H_
#define PHARMACRM_TOOLS_DEMO_DATA_FORMAT_H_

#include <span>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "generator.h"
#include "pharmacrm/v1/customer_metrics.pb.h"

namespace pharmacrm::demo {

// {"external_id":"HOSP-000001","profile":{...}}: the proto3 JSON mapping of
// the profile with the .proto field names. No line break.
absl::StatusOr<std::string> CustomerJsonLine(const DemoRecord& record);

// {"external_id":"HOSP-000001","metrics":{...}}. No line break.
absl::StatusOr<std::string> MetricsJsonLine(const std::string& external_id,
                                            const v1::CustomerMetrics& metrics);

// The customer CSV columns: external_id, the profile fields, then dotted
// paths into the details ("hospital.bed_count").
std::span<const absl::string_view> CustomerCsvColumns();

// The header line and one line per record, each ending in CRLF. Enums are
// written as value names (CUSTOMER_KIND_HOSPITAL), unset values as empty
// cells, repeated strings joined with ";".
std::string CustomerCsvHeader();
std::string CustomerCsvRow(const DemoRecord& record);

// Metrics in long form: one line per drug class of the record (prescriptions
// of hospitals, departments and doctors; sales of pharmacies) with the own
// company's figures of the class beside the totals; distributors get one
// line with an empty drug_class and their whole sales.
std::string MetricsCsvHeader();
std::string MetricsCsvRows(const std::string& external_id, const v1::CustomerMetrics& metrics);

// One CSV cell, quoted per RFC 4180 when it holds a comma, quote, line
// break or leading or trailing space.
std::string CsvCell(absl::string_view value);

}  // namespace pharmacrm::demo

#endif  // PHARMACRM_TOOLS_DEMO_DATA_FORMAT_H_
