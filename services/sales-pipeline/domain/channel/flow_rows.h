// Reading one distributor's flow (流向) file for one month: the file's
// records become v1::FlowRow records, one per row, and every bad row
// becomes errors with its line, the column and the reason. Good rows are
// kept even when others are bad. Pure: no I/O; the caller reads the file
// (converting GBK with --encoding=gb18030 first) and hands it over.
//
// The file is CSV or an Excel .xlsx workbook; both give records of cells
// read by the same rules (FlowRecordReader):
//  - CSV (FlowFileReader, in chunks): UTF-8 (a leading byte order mark is
//    skipped), split into records by tabular::CsvReader (RFC 4180 as Excel
//    writes it, see csv.h) within its default limits: a record over 1 MiB
//    or 4096 fields is rejected without being kept in memory. A record's
//    line is its first line in the file;
//  - .xlsx (ReadFlowFile, the whole file, told apart by the zip signature
//    "PK\x03\x04" at its start): the worksheet the mapping names
//    (sheet=...), else the first, read by tabular::ReadXlsx (xlsx.h: shared
//    and inline strings, numbers as Excel shows them, date-formatted cells
//    as YYYY-MM-DD). A record's line is its row number in the sheet. A row
//    may end before the header's last column (Excel leaves trailing empty
//    cells out): the missing cells are empty; cells right of the header
//    are ignored. A workbook that cannot be read at all is an error of the
//    whole file, not of a row.
//
// The records:
//  - the first non-blank record is the header, resolved by ResolveHeader
//    (flow_mapping.h) against the distributor's FlowColumnMapping. Its
//    problems are errors on the header's line, one per problem, and then
//    every data row is rejected with "not read: the header on line N is
//    invalid". A file without a header is an error on line 1;
//  - a record whose cells are all empty (after TrimCell) is skipped;
//    columns of no field are ignored; a CSV row must have as many fields as
//    the header.
//
// A row, every cell trimmed (TrimCell); all its bad cells are reported
// together, each naming the column's header as written:
//  - a cell of a used column that is not valid UTF-8 rejects the row with
//    one error telling the user to pass --encoding=gb18030;
//  - sale_date: required; a date as ParseDate reads it (2026-03-05,
//    2026/3/5, 2026.03.05, 20260305), optionally followed by a time of day
//    (" 00:00:00", " 9:30"), which is dropped; inside the file's period,
//    else "'2026-04-01' is outside the file's period 2026-03";
//  - terminal_name: required. terminal_code, terminal_address: optional.
//    All three are kept as written (matching the buyer to customer-master
//    happens later);
//  - product_name: required; with the specification (optional) resolved
//    by the ProductResolver; NOT_FOUND or ambiguous is an error on the
//    product column with the resolver's message. The resolver is asked once
//    per distinct (name, specification) of a file (up to 10,000 of them)
//    and its answer reused for the other rows;
//  - batch_no: required unless the mapping says batch_no_optional;
//  - quantity: required; ParsePacks: a whole number of packs, not 0;
//    negative is a sales return from the buyer;
//  - unit_price: ParseYuan, > 0 and at most kMaxUnitPriceFen;
//  - amount (金额), optional: when the row has no unit price, the unit
//    price is amount / quantity rounded half away from zero to the fen;
//    when it has both, |amount - unit_price x quantity| must be at most
//    |quantity| fen (1 fen a pack), else an error on the amount column
//    naming both columns and the figures. A row with neither is an error
//    on the unit price column (or the amount column when there is none);
//  - the unit price, when the product has a list price, must lie within
//    FlowReadOptions' percentages of it (bounds included), else an error on
//    the unit price column (the amount column when the price came from it)
//    with the price, the list price and the allowed range.
// A good row fills FlowRow: line (the record's line), sale_date
// ("YYYY-MM-DD"), the terminal and product fields as written (trimmed),
// batch_no, quantity, unit_price_fen and product_id; terminal_id, kind and
// province stay empty.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_FLOW_ROWS_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_FLOW_ROWS_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "absl/types/span.h"
#include "domain/channel/flow_mapping.h"
#include "domain/channel/flow_products.h"
#include "pharmacrm/v1/channel.pb.h"

namespace pharmacrm::sales_pipeline::channel {

// Bounds that keep every product of quantity and price far inside int64
// (10^7 x 10^9 = 10^16 fen a row).
inline constexpr int64_t kMaxPacksPerRow = 10'000'000;
inline constexpr int64_t kMaxUnitPriceFen = 1'000'000'000;  // 10 million yuan a pack

// "12.50", "12.5", "12", "-3.00" yuan → fen. Full-width digits are read;
// trailing zeros beyond the fen are accepted ("12.500"), other decimals
// beyond it are not ("12.505"); no thousands separators, exponents or
// currency signs. |value| at most kMaxPacksPerRow x kMaxUnitPriceFen fen.
// INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<int64_t> ParseYuan(absl::string_view text, absl::string_view field);

// "12", "-3", "12.00" → packs: a whole number with |value| at most
// kMaxPacksPerRow, not 0. INVALID_ARGUMENT naming `field` otherwise.
absl::StatusOr<int64_t> ParsePacks(absl::string_view text, absl::string_view field);

struct FlowReadOptions {
  // A unit price below min or above max percent of the product's list
  // price is refused (a typing error, or a price in the wrong unit).
  int64_t min_price_percent_of_list = 10;
  int64_t max_price_percent_of_list = 300;
};

// A rejected row, or (on the header's line, or line 1) a problem with the
// file's header.
struct FlowRowError {
  int64_t line = 0;   // 1-based line of the record's first line
  std::string field;  // the column's header as written; a standard field
                      // name ("sale_date") for a column the header lacks;
                      // "column N" for an unreadable header cell; "" for
                      // the row as a whole
  std::string reason;
};

// The rules above applied to records of cells, whatever they were read
// from. Rows and errors are appended to the caller's vectors (never
// cleared), in input order. Every data record is reported exactly once: as
// a FlowRow or as one or more FlowRowErrors.
//
// Not thread-safe: one reader per file. Movable, not copyable. `products`
// must outlive the reader.
class FlowRecordReader {
 public:
  enum class Width {
    kExact,   // CSV: a row has as many cells as the header
    kRagged,  // a worksheet: missing trailing cells are empty, cells beyond the header ignored
  };

  // `period`: the month the file reports; every sale_date must lie in it.
  FlowRecordReader(FlowColumnMapping mapping, absl::CivilMonth period,
                   const ProductResolver& products, FlowReadOptions options = {},
                   Width width = Width::kExact);
  ~FlowRecordReader();
  FlowRecordReader(FlowRecordReader&&) noexcept;
  FlowRecordReader& operator=(FlowRecordReader&&) noexcept;

  // The record on `line`: the header while there is none, else a row.
  // `rows` and `errors` must not be null.
  void Record(int64_t line, absl::Span<const std::string> cells, std::vector<v1::FlowRow>* rows,
              std::vector<FlowRowError>* errors);
  // A record on `line` that could not be read (too long, an unterminated
  // quote): an error naming the header of `column` (0-based) when there is
  // one. Before the header, it stands for the header, so the rows after it
  // are not read.
  void Unreadable(int64_t line, std::optional<size_t> column, std::string reason,
                  std::vector<FlowRowError>* errors);
  // Ends the file: an error on line 1 when it had no header.
  void Finish(std::vector<FlowRowError>* errors);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Incremental reader of one CSV flow file. Feed it the bytes in chunks of
// any size, split anywhere (inside a UTF-8 character, a quoted field, a
// CRLF or the byte order mark), then call Finish once; the rows and errors
// are the same however the input was split. As FlowRecordReader otherwise.
class FlowFileReader {
 public:
  // `period`: the month the file reports; every sale_date must lie in it.
  FlowFileReader(FlowColumnMapping mapping, absl::CivilMonth period,
                 const ProductResolver& products, FlowReadOptions options = {});
  ~FlowFileReader();
  FlowFileReader(FlowFileReader&&) noexcept;
  FlowFileReader& operator=(FlowFileReader&&) noexcept;

  // Reads every row completed by `chunk` and the bytes before it. `rows`
  // and `errors` must not be null. Does nothing after Finish.
  void Feed(absl::string_view chunk, std::vector<v1::FlowRow>* rows,
            std::vector<FlowRowError>* errors);

  // Ends the file: reads the last row even without a final line break; an
  // unterminated quoted field is an error on its row. Only the first call
  // has an effect.
  void Finish(std::vector<v1::FlowRow>* rows, std::vector<FlowRowError>* errors);

 private:
  class Impl;
  std::unique_ptr<Impl> impl_;
};

// Reads a whole flow file held in memory: an .xlsx workbook when it starts
// with the zip signature, else CSV (FlowFileReader). The rows and errors
// are those of the records, as above. INVALID_ARGUMENT, with a message
// naming the workbook's part (e.g. "xl/worksheets/sheet1.xml: cell C5:
// ..."), when the workbook cannot be read; the rows and errors so far are
// then to be dropped.
absl::Status ReadFlowFile(absl::string_view file, FlowColumnMapping mapping,
                          absl::CivilMonth period, const ProductResolver& products,
                          FlowReadOptions options, std::vector<v1::FlowRow>* rows,
                          std::vector<FlowRowError>* errors);

struct FlowTotals {
  int64_t row_count = 0;
  int64_t quantity = 0;    // packs, returns subtracted
  int64_t amount_fen = 0;  // Σ quantity x unit_price_fen
};

// The totals of `rows` (as a FlowPeriod keeps them). Summed exactly and
// clamped to the int64 range (reachable only far beyond any real file).
FlowTotals Summarise(const std::vector<v1::FlowRow>& rows);

}  // namespace pharmacrm::sales_pipeline::channel

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_FLOW_ROWS_H_
