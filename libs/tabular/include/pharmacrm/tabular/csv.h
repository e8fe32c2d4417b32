// RFC 4180 CSV split into records, incrementally: the bytes may arrive in
// chunks split anywhere (inside a quoted field, a CRLF or a UTF-8
// character). Knows nothing of headers, columns or encodings: the customer
// import and the flow (流向) import put their own meaning on the fields.
//
//  - fields are separated by ",", records by CRLF, LF or CR;
//  - a field may be quoted with '"'; inside quotes '""' is one quote, and
//    commas and line breaks are data. A quote inside an unquoted field, or
//    text after a closing quote, is kept as data (as Excel reads it);
//  - line numbers are 1-based lines of the input, counting the line breaks
//    inside quoted fields, so an error can name the line a user sees in an
//    editor;
//  - a record longer than the byte or field limit is not kept in memory:
//    it is reported as too long, once, without its fields.
#ifndef PHARMACRM_LIBS_TABULAR_INCLUDE_PHARMACRM_TABULAR_CSV_H_
#define PHARMACRM_LIBS_TABULAR_INCLUDE_PHARMACRM_TABULAR_CSV_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/types/span.h"
#include "absl/strings/string_view.h"

namespace pharmacrm::tabular {

struct CsvLimits {
  size_t max_record_bytes = size_t{1} << 20;  // bytes of all fields plus separators
  size_t max_fields = 4096;
};

// What the reader hands over, in input order.
class CsvHandler {
 public:
  virtual ~CsvHandler() = default;
  // A complete record starting on `line`. The fields are the raw field
  // texts (quotes removed, no trimming); valid only during the call. A
  // blank line is a record of one empty field.
  virtual void Record(int64_t line, absl::Span<const std::string> fields) = 0;
  // A record starting on `line` exceeded the limits; its fields were dropped.
  virtual void TooLong(int64_t line) = 0;
  // The input ended inside a quoted field: the record starting on `line`,
  // its field number `field_index` (0-based), the quote opened on
  // `quote_line`. The record is not handed over.
  virtual void Unterminated(int64_t line, size_t field_index, int64_t quote_line) = 0;
};

// Not thread-safe: one reader per input.
class CsvReader {
 public:
  explicit CsvReader(CsvLimits limits = {}) : limits_(limits) {}

  // Hands over every record completed by `bytes`.
  void Consume(absl::string_view bytes, CsvHandler& handler);
  // Ends the input: hands over the last record even without a final line
  // break (an empty last line is no record). Resets the reader, which may
  // then read another input from its line 1.
  void End(CsvHandler& handler);

 private:
  enum class State { kFieldStart, kUnquoted, kQuoted, kQuotedQuote };

  void Append(const char* s, size_t n);
  void NextField();
  void EndRecord(CsvHandler& handler);
  void ResetRecord();

  const CsvLimits limits_;
  State state_ = State::kFieldStart;
  bool prev_cr_ = false;     // the previous byte was CR
  int64_t line_ = 1;         // line of the next byte
  int64_t record_line_ = 1;  // line where the current record started
  int64_t quote_line_ = 0;   // line where the open quoted field started
  // The current record: fields_[0, field_count_); strings are reused.
  std::vector<std::string> fields_ = std::vector<std::string>(1);
  size_t field_count_ = 1;
  size_t record_bytes_ = 0;
  bool too_long_ = false;
};

}  // namespace pharmacrm::tabular

#endif  // PHARMACRM_LIBS_TABULAR_INCLUDE_PHARMACRM_TABULAR_CSV_H_
