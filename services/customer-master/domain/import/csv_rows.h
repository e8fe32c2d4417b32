// The CSV half of the customer import (import_rows.h describes the
// format): records from pharmacrm::tabular::CsvReader, the header resolved
// to CustomerProfile fields, each cell parsed into its field. Internal to
// domain/import.
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_IMPORT_CSV_ROWS_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_IMPORT_CSV_ROWS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "domain/import/row_rules.h"
#include "google/protobuf/descriptor.h"
#include "pharmacrm/tabular/csv.h"

namespace pharmacrm::customer_master::import_internal {

// A header column resolved to its CustomerProfile field.
struct Column {
  std::string header;  // as written (trimmed), for errors
  bool external_id = false;
  std::vector<const google::protobuf::FieldDescriptor*> path;  // from CustomerProfile to the target
  const google::protobuf::FieldDescriptor* details = nullptr;  // the `details` member on the path
};

class CsvRows final : private tabular::CsvHandler {
 public:
  void Consume(absl::string_view bytes, const Sink& sink);
  void End(const Sink& sink);

 private:
  void Record(int64_t line, absl::Span<const std::string> fields) override;
  void TooLong(int64_t line) override;
  void Unterminated(int64_t line, size_t field_index, int64_t quote_line) override;
  void Header(int64_t line, absl::Span<const std::string> fields);
  void Row(int64_t line, absl::Span<const std::string> fields);

  tabular::CsvReader reader_{tabular::CsvLimits{kMaxRowBytes, kMaxCsvFields}};
  const Sink* sink_ = nullptr;  // during Consume and End
  bool have_header_ = false;
  bool header_ok_ = false;
  int64_t header_line_ = 0;
  std::vector<Column> columns_;
};

}  // namespace pharmacrm::customer_master::import_internal

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_IMPORT_CSV_ROWS_H_
