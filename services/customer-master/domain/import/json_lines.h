// Splitting JSON Lines input, handed over in chunks split anywhere, into
// its lines: shared by the customer and the metrics imports.
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_IMPORT_JSON_LINES_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_IMPORT_JSON_LINES_H_

#include <cstddef>
#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/strings/string_view.h"
#include "pharmacrm/tabular/text.h"

namespace pharmacrm::customer_master {

// The longest line (or CSV record) an import keeps in memory; a longer one
// is rejected.
inline constexpr size_t kMaxLineBytes = size_t{1} << 20;

// The reason given for a row that is not UTF-8.
inline constexpr absl::string_view kNotUtf8 =
    "not valid UTF-8: save the file as UTF-8 (it may be GBK)";

// NormalizeText would silently turn bad bytes into U+FFFD; for an import
// that means a GBK file is stored as garbage, so bad bytes are rejected.
using tabular::IsValidUtf8;
using tabular::kUtf8Bom;

// Lines end at LF (a CR before it stays in the line; JSON takes it for
// white space). A line longer than the limit is not kept in memory: it is
// handed over empty, flagged too long. Not thread-safe.
class LineSplitter {
 public:
  // (1-based line number, the line without its LF, true if it was longer
  // than the limit and so is empty here).
  using OnLine = absl::FunctionRef<void(int64_t, absl::string_view, bool)>;

  explicit LineSplitter(size_t max_line_bytes) : max_line_bytes_(max_line_bytes) {}

  // Hands over every line completed by `bytes`.
  void Consume(absl::string_view bytes, OnLine on_line);
  // Ends the input: hands over the last line even without a final LF.
  void End(OnLine on_line);

 private:
  void Keep(absl::string_view bytes);

  const size_t max_line_bytes_;
  std::string pending_;  // The current line's bytes so far.
  bool too_long_ = false;
  int64_t line_ = 1;  // The current line's number.
};

}  // namespace pharmacrm::customer_master

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_IMPORT_JSON_LINES_H_
