// The JSON Lines half of the customer import (import_rows.h describes the
// format): each line a JSON object read straight into a CustomerProfile.
// Internal to domain/import.
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_IMPORT_JSON_ROWS_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_IMPORT_JSON_ROWS_H_

#include <cstdint>

#include "absl/strings/string_view.h"
#include "domain/import/json_lines.h"
#include "domain/import/row_rules.h"

namespace pharmacrm::customer_master::import_internal {

class JsonRows {
 public:
  void Consume(absl::string_view bytes, const Sink& sink) {
    lines_.Consume(bytes, [&](int64_t line, absl::string_view text, bool too_long) {
      Line(line, text, too_long, sink);
    });
  }

  void End(const Sink& sink) {
    lines_.End([&](int64_t line, absl::string_view text, bool too_long) {
      Line(line, text, too_long, sink);
    });
  }

 private:
  static void Line(int64_t line, absl::string_view text, bool too_long, const Sink& sink);

  LineSplitter lines_{kMaxRowBytes};
};

}  // namespace pharmacrm::customer_master::import_internal

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_IMPORT_JSON_ROWS_H_
