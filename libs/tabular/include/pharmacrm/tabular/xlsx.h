// One worksheet of an Excel .xlsx workbook held in memory, read into rows
// of cell text. The archive is opened with libzip and every XML part is
// read with libxml2's streaming xmlTextReader: no zip or XML parsing here.
// Knows nothing of headers or columns: the flow (流向) import puts its own
// meaning on the cells, as it does on a CSV file's fields (csv.h).
//
// The workbook:
//  - the office document named by _rels/.rels (xl/workbook.xml when the
//    package has no _rels/.rels), its sheets listed in tab order, and its
//    relationships (xl/_rels/workbook.xml.rels) giving each sheet's part,
//    the shared strings and the styles;
//  - the sheet read is the first worksheet in tab order (chart sheets are
//    passed over), or the one XlsxOptions::sheet names (compared exactly);
//  - workbookPr date1904 selects the 1904 date system.
//
// The cells, as text:
//  - shared strings (t="s"), rich text runs concatenated (<r><t>...),
//    phonetic guides (<rPh>) left out; inline strings (t="inlineStr") the
//    same; formula results (t="str") and errors (t="e", "#N/A") as
//    written; booleans (t="b") "TRUE" or "FALSE"; ISO dates (t="d") as
//    below; no text is trimmed;
//  - numbers rounded to 15 significant digits (as Excel shows them) and
//    written without exponent or trailing zeros: 12 → "12", 12.5 → "12.5",
//    45.799999999999997 → "45.8", 1.5E-3 → "0.0015";
//  - a number whose style's number format (styles.xml cellXfs → numFmtId)
//    is a date: "YYYY-MM-DD", with " HH:MM:SS" after it when the format
//    shows a time of day too and the value has one. Date formats are the
//    built-in ids 14-17, 22, 27-31, 36, 50-54, 57 and 58 (those of Chinese
//    Excel: 31 is yyyy"年"m"月"d"日"), and custom formats whose code has a
//    y, m or d outside quotes, brackets and escapes. A time-only format
//    (ids 18-21, 32-35, 45-47, 55, 56, or h/s without y/d) gives
//    "HH:MM:SS". Serials count days from 1899-12-31 with Excel's 1900 leap
//    year bug (serial 60 is "1900-02-29", 61 is 1900-03-01), or from
//    1904-01-01 with date1904; a serial outside 1..2958465 (1900-01-01 to
//    9999-12-31) is written as a number.
//
// The rows: a row is handed over with its sheet row number (r="5", which
// the user sees in Excel) as its line, so missing rows keep the numbering;
// a cell's reference (r="C5") places it in its column, so cells skipped in
// a row are empty strings; a row ends at its last cell with text; rows
// without text are not handed over.
//
// Limits against hostile files: a part's uncompressed size (declared in
// the archive and counted while reading), the rows, the columns and the
// shared strings. Errors are INVALID_ARGUMENT naming the part, and the cell
// when there is one: "xl/worksheets/sheet1.xml: cell C5: shared string 12
// of 10". A corrupt archive, a missing part, bad XML, a DTD (refused
// outright, so no entity is ever expanded) and an encrypted part are errors,
// never a crash.
//
// Thread-safe: calls share no state.
#ifndef PHARMACRM_LIBS_TABULAR_INCLUDE_PHARMACRM_TABULAR_XLSX_H_
#define PHARMACRM_LIBS_TABULAR_INCLUDE_PHARMACRM_TABULAR_XLSX_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace pharmacrm::tabular {

// The first bytes of a zip archive (a local file header), and so of every
// .xlsx workbook.
inline constexpr absl::string_view kZipSignature = "PK\x03\x04";

// Whether `bytes` start with kZipSignature.
bool IsZip(absl::string_view bytes);

struct XlsxLimits {
  size_t max_part_bytes = size_t{256} << 20;  // uncompressed bytes of one XML part
  int64_t max_rows = 1'048'576;               // Excel's own limits
  int64_t max_columns = 16'384;               // A..XFD
  size_t max_shared_strings = 8'000'000;
};

struct XlsxOptions {
  std::string sheet;  // the worksheet's name as on its tab; "" the first
  XlsxLimits limits;
};

// A row of the sheet: its row number and its cells from column A.
using XlsxRowFn = absl::FunctionRef<void(int64_t line, absl::Span<const std::string> cells)>;

// Reads the sheet, handing each row to `row` in sheet order (the cells are
// valid only during the call). On an error, the rows before it may have
// been handed over.
absl::Status ReadXlsx(absl::string_view bytes, const XlsxOptions& options, XlsxRowFn row);

struct XlsxRow {
  int64_t line = 0;
  std::vector<std::string> cells;
};

// ReadXlsx into memory.
absl::StatusOr<std::vector<XlsxRow>> ReadXlsxRows(absl::string_view bytes,
                                                  const XlsxOptions& options = {});

}  // namespace pharmacrm::tabular

#endif  // PHARMACRM_LIBS_TABULAR_INCLUDE_PHARMACRM_TABULAR_XLSX_H_
