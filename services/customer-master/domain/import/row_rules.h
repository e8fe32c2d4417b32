// What the two import readers (csv_rows, json_rows) share: where rows and
// errors go, number parsing, the lookup tables over CustomerProfile, and
// the one place every parsed row ends (normalise, validate, accept).
// Internal to domain/import: RowParser (import_rows.h) is the interface.
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_IMPORT_ROW_RULES_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_IMPORT_ROW_RULES_H_

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/numbers.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "domain/import/import_rows.h"
#include "domain/import/json_lines.h"
#include "google/protobuf/descriptor.h"

namespace pharmacrm::customer_master::import_internal {

// A customer row is a few hundred bytes; anything this long is a broken file
// (typically an unterminated quote swallowing the rest of it), and keeping
// it would let one bad file hold the whole input in memory.
inline constexpr size_t kMaxRowBytes = kMaxLineBytes;
// Far more columns than the schema has fields; bounds the per-field
// bookkeeping a row of bare commas would cost.
inline constexpr size_t kMaxCsvFields = 4096;

struct Sink {
  std::vector<ImportRow>* rows;
  std::vector<RowError>* errors;
  absl::Time now;  // For ValidateProfile's date ranges.

  void Error(int64_t line, std::string field, std::string reason) const {
    errors->push_back(RowError{line, std::move(field), std::move(reason)});
  }
};

// Integral doubles ("120.0", "1e3") are accepted because spreadsheets and
// JSON writers produce them; beyond 2^53 a double no longer names one
// integer, so those are refused rather than rounded.
template <typename T>
bool ParseInteger(absl::string_view text, T* out) {
  if (absl::SimpleAtoi(text, out)) return true;
  double d;
  if (!absl::SimpleAtod(text, &d) || !(std::fabs(d) < 9007199254740992.0) ||
      d != std::trunc(d)) {
    return false;
  }
  if (d < static_cast<double>(std::numeric_limits<T>::min()) ||
      d > static_cast<double>(std::numeric_limits<T>::max())) {
    return false;
  }
  *out = static_cast<T>(d);
  return true;
}

bool ParseFinite(absl::string_view text, double* out);

// Lookup tables over the CustomerProfile message tree, built once and then
// only read (so shared by concurrent parsers).
class Schema {
 public:
  static const Schema& Get();

  // The field a JSON key names (proto name or lowerCamelCase), or null.
  const google::protobuf::FieldDescriptor* JsonField(const google::protobuf::Descriptor* d,
                                                     absl::string_view key) const;

  // The value a CSV cell names, `lowered` being the cell with ASCII
  // lower-cased.
  std::optional<int> EnumValue(const google::protobuf::EnumDescriptor* e,
                               absl::string_view lowered) const;

  // "HOSPITAL, DOCTOR, ..." for error messages.
  std::string EnumChoices(const google::protobuf::EnumDescriptor* e) const;

 private:
  struct EnumTable {
    absl::flat_hash_map<std::string, int> by_text;
    std::string choices;
  };

  Schema();
  void AddMessage(const google::protobuf::Descriptor* d);
  void AddEnum(const google::protobuf::EnumDescriptor* e);
  void AddAlias(absl::string_view enum_name, absl::string_view alias, absl::string_view value);

  absl::flat_hash_map<const google::protobuf::Descriptor*,
                      absl::flat_hash_map<absl::string_view,
                                          const google::protobuf::FieldDescriptor*>>
      fields_;
  absl::flat_hash_map<const google::protobuf::EnumDescriptor*, EnumTable> enums_;
};

// Every row, whatever its format, ends here: normalised and validated, it
// goes to the rows, or its first problem to the errors.
void Accept(ImportRow row, const Sink& sink);

}  // namespace pharmacrm::customer_master::import_internal

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_IMPORT_ROW_RULES_H_
