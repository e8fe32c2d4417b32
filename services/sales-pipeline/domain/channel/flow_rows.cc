#include "domain/channel/flow_rows.h"

#include <algorithm>
#include <cstdlib>
#include <limits>
#include <optional>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/numeric/int128.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "domain/channel/dates.h"
#include "domain/channel/money.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/tabular/csv.h"
#include "pharmacrm/tabular/text.h"
#include "pharmacrm/tabular/xlsx.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

constexpr absl::string_view kNotUtf8 =
    "not valid UTF-8: the file is probably GBK; read it with --encoding=gb18030";
constexpr int64_t kMaxAmountFen = kMaxPacksPerRow * kMaxUnitPriceFen;
// Distinct products and dates a reader remembers; beyond, it asks again.
constexpr size_t kMaxSeen = 10000;

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), absl::ascii_isdigit);
}

// "-12.50" → negative, "12", "50". False unless [-]digits[.digits].
bool SplitDecimal(absl::string_view text, bool* negative, absl::string_view* whole,
                  absl::string_view* fraction) {
  *negative = absl::ConsumePrefix(&text, "-");
  const size_t dot = text.find('.');
  *whole = text.substr(0, dot);
  *fraction = dot == absl::string_view::npos ? absl::string_view() : text.substr(dot + 1);
  return AllDigits(*whole) && (dot == absl::string_view::npos || AllDigits(*fraction));
}

// Full-width digits, signs and points as plain ones; ASCII text as it is.
std::string Plain(absl::string_view text) {
  const bool ascii = std::all_of(text.begin(), text.end(),
                                 [](char c) { return static_cast<unsigned char>(c) < 0x80; });
  return ascii ? std::string(text) : FoldText(text);
}

// The description of a status made by core::FieldStatus(code, field, ...).
std::string Reason(const absl::Status& status, absl::string_view field) {
  absl::string_view message = status.message();
  absl::ConsumePrefix(&message, absl::StrCat(field, ": "));
  return std::string(message);
}

// " 00:00:00", " 9:30", " 09:30:15.000" after a date, as spreadsheets and
// ERPs export a date-time.
bool IsTimeOfDay(absl::string_view s) {
  const size_t dot = s.find('.');
  if (dot != absl::string_view::npos) {
    if (!AllDigits(s.substr(dot + 1))) return false;
    s = s.substr(0, dot);
  }
  int parts = 0;
  for (size_t start = 0;;) {
    const size_t colon = s.find(':', start);
    absl::string_view part =
        s.substr(start, colon == absl::string_view::npos ? colon : colon - start);
    if (!AllDigits(part) || part.size() > 2) return false;
    ++parts;
    if (colon == absl::string_view::npos) break;
    start = colon + 1;
  }
  return parts == 2 || parts == 3;
}

absl::StatusOr<absl::CivilDay> ParseSaleDate(absl::string_view text, absl::string_view field) {
  const size_t space = text.find(' ');
  if (space != absl::string_view::npos &&
      IsTimeOfDay(absl::StripLeadingAsciiWhitespace(text.substr(space)))) {
    text = text.substr(0, space);
  }
  return ParseDate(text, field);
}

}  // namespace

absl::StatusOr<int64_t> ParseYuan(absl::string_view text, absl::string_view field) {
  const std::string plain = Plain(TrimCell(text));
  bool negative;
  absl::string_view whole, fraction;
  if (!SplitDecimal(plain, &negative, &whole, &fraction)) {
    return core::FieldError(field,
                            absl::StrCat("'", text, "' is not an amount in yuan (e.g. 12.50)"));
  }
  if (fraction.size() > 2) {
    if (fraction.find_first_not_of('0', 2) != absl::string_view::npos) {
      return core::FieldError(
          field, absl::StrCat("'", text, "' has more than 2 decimals (yuan to the fen)"));
    }
    fraction = fraction.substr(0, 2);
  }
  int64_t yuan = 0, cents = 0;
  whole = whole.substr(std::min(whole.find_first_not_of('0'), whole.size() - 1));
  if (whole.size() > 15 || !absl::SimpleAtoi(whole, &yuan) ||
      (!fraction.empty() && !absl::SimpleAtoi(fraction, &cents))) {
    return core::FieldError(field, absl::StrCat("'", text, "' is out of range"));
  }
  if (fraction.size() == 1) cents *= 10;
  const int64_t fen = yuan * 100 + cents;
  if (fen > kMaxAmountFen) {
    return core::FieldError(
        field, absl::StrCat("'", text, "' is beyond ", YuanDigits(kMaxAmountFen), " yuan"));
  }
  return negative ? -fen : fen;
}

absl::StatusOr<int64_t> ParsePacks(absl::string_view text, absl::string_view field) {
  const std::string plain = Plain(TrimCell(text));
  bool negative;
  absl::string_view whole, fraction;
  if (!SplitDecimal(plain, &negative, &whole, &fraction) ||
      fraction.find_first_not_of('0') != absl::string_view::npos) {
    return core::FieldError(field, absl::StrCat("'", text, "' is not a whole number of packs"));
  }
  whole = whole.substr(std::min(whole.find_first_not_of('0'), whole.size() - 1));
  int64_t packs = 0;
  if (whole.size() > 9 || !absl::SimpleAtoi(whole, &packs) || packs > kMaxPacksPerRow) {
    return core::FieldError(
        field, absl::StrCat("'", text, "' is beyond ", kMaxPacksPerRow, " packs in one row"));
  }
  if (packs == 0) {
    return core::FieldError(field,
                            "is 0: a row sells at least one pack (or, negative, takes "
                            "back a return)");
  }
  return negative ? -packs : packs;
}

class FlowRecordReader::Impl {
 public:
  Impl(FlowColumnMapping mapping, absl::CivilMonth period, const ProductResolver& products,
       FlowReadOptions options, Width width)
      : mapping_(std::move(mapping)),
        period_(period),
        products_(products),
        options_(options),
        width_(width) {}

  void Record(int64_t line, absl::Span<const std::string> fields, std::vector<v1::FlowRow>* rows,
              std::vector<FlowRowError>* errors) {
    if (std::all_of(fields.begin(), fields.end(),
                    [](const std::string& f) { return TrimCell(f).empty(); })) {
      return;
    }
    rows_ = rows;
    errors_ = errors;
    have_header_ ? Row(line, fields) : Header(line, fields);
  }

  void Unreadable(int64_t line, std::optional<size_t> column, std::string reason,
                  std::vector<FlowRowError>* errors) {
    errors_ = errors;
    std::string field;
    if (header_ok_ && column && *column < columns_.headers.size()) {
      field = columns_.headers[*column];
    }
    Error(line, std::move(field), std::move(reason));
    if (!have_header_) {
      have_header_ = true;
      header_line_ = line;
    }
  }

  void Finish(std::vector<FlowRowError>* errors) {
    errors_ = errors;
    if (!have_header_) {
      Error(1, "",
            "no header line: the first line must name the columns (销售日期, 客户名称, "
            "产品名称, 规格, 批号, 数量, 单价, ...)");
      have_header_ = true;
    }
  }

 private:
  void Error(int64_t line, std::string field, std::string reason) {
    errors_->push_back(FlowRowError{line, std::move(field), std::move(reason)});
  }

  void Header(int64_t line, absl::Span<const std::string> fields) {
    have_header_ = true;
    header_line_ = line;
    const std::vector<absl::Status> problems = ResolveHeaderProblems(fields, mapping_, &columns_);
    for (const absl::Status& problem : problems) {
      std::string field = core::FieldOf(problem).value_or("");
      std::string reason = Reason(problem, field);
      Error(line, std::move(field), std::move(reason));
    }
    header_ok_ = problems.empty();
  }

  // The cell of field `f`, trimmed; empty when the file has no such column
  // or (a worksheet's row) the row ends before it.
  absl::string_view Cell(absl::Span<const std::string> fields, FlowField f) const {
    if (!columns_.Has(f) || static_cast<size_t>(columns_.Index(f)) >= fields.size()) return {};
    return TrimCell(fields[columns_.Index(f)]);
  }

  void Row(int64_t line, absl::Span<const std::string> fields);
  // products_.Resolve(name, specification), asked once per distinct pair.
  const absl::StatusOr<ResolvedProduct>& ProductOf(absl::string_view name,
                                                   absl::string_view specification);
  // The unit price in fen of a row, or nullopt after reporting why not;
  // `from_amount` tells whether it came from the amount column.
  std::optional<int64_t> UnitPrice(int64_t line, absl::Span<const std::string> fields,
                                   std::optional<int64_t> quantity, bool* from_amount);

  const FlowColumnMapping mapping_;
  const absl::CivilMonth period_;
  const ProductResolver& products_;
  const FlowReadOptions options_;
  const Width width_;
  std::vector<v1::FlowRow>* rows_ = nullptr;  // during a call
  std::vector<FlowRowError>* errors_ = nullptr;
  bool have_header_ = false;
  bool header_ok_ = false;
  int64_t header_line_ = 0;
  FlowColumns columns_;
  // Answers kept for the rest of the file (a file names few distinct
  // products and dates): ProductResolver's by Key(name, specification),
  // and the sale_date of a cell that was a good date inside the period.
  absl::flat_hash_map<std::string, absl::StatusOr<ResolvedProduct>> products_seen_;
  absl::flat_hash_map<std::string, std::string> dates_seen_;
  std::string key_;  // reused by ProductOf
  absl::StatusOr<ResolvedProduct> last_product_;  // ProductOf's answer once the map is full
};

void FlowRecordReader::Impl::Row(int64_t line, absl::Span<const std::string> fields) {
  if (!header_ok_) {
    Error(line, "", absl::StrCat("not read: the header on line ", header_line_, " is invalid"));
    return;
  }
  if (width_ == Width::kExact && fields.size() != columns_.headers.size()) {
    Error(line, "",
          absl::StrCat("has ", fields.size(), " fields, but the header has ",
                       columns_.headers.size()));
    return;
  }
  for (FlowField f : AllFlowFields()) {
    if (!IsValidUtf8(Cell(fields, f))) {
      Error(line, columns_.Header(f), std::string(kNotUtf8));
      return;
    }
  }
  const size_t errors_before = errors_->size();
  auto header = [&](FlowField f) -> const std::string& { return columns_.Header(f); };
  auto empty = [&](FlowField f) {
    Error(line, columns_.Has(f) ? header(f) : std::string(FieldName(f)),
          absl::StrCat("is empty; every row needs its ", FieldLabel(f)));
  };
  v1::FlowRow row;
  row.set_line(line);

  if (absl::string_view text = Cell(fields, FlowField::kSaleDate); text.empty()) {
    empty(FlowField::kSaleDate);
  } else if (auto seen = dates_seen_.find(text); seen != dates_seen_.end()) {
    row.set_sale_date(seen->second);
  } else if (absl::StatusOr<absl::CivilDay> day = ParseSaleDate(text, header(FlowField::kSaleDate));
             !day.ok()) {
    Error(line, header(FlowField::kSaleDate), Reason(day.status(), header(FlowField::kSaleDate)));
  } else if (absl::CivilMonth(*day) != period_) {
    Error(line, header(FlowField::kSaleDate),
          absl::StrCat("'", text, "' is outside the file's period ", FormatMonth(period_)));
  } else {
    row.set_sale_date(FormatDate(*day));
    if (dates_seen_.size() < kMaxSeen) dates_seen_.emplace(text, row.sale_date());
  }

  row.set_terminal_name(std::string(Cell(fields, FlowField::kTerminalName)));
  if (row.terminal_name().empty()) empty(FlowField::kTerminalName);
  row.set_terminal_code(std::string(Cell(fields, FlowField::kTerminalCode)));
  row.set_terminal_address(std::string(Cell(fields, FlowField::kTerminalAddress)));

  row.set_product_name(std::string(Cell(fields, FlowField::kProductName)));
  row.set_specification(std::string(Cell(fields, FlowField::kSpecification)));
  const ResolvedProduct* product = nullptr;
  if (row.product_name().empty()) {
    empty(FlowField::kProductName);
  } else if (const absl::StatusOr<ResolvedProduct>& found =
                 ProductOf(row.product_name(), row.specification());
             !found.ok()) {
    Error(line, header(FlowField::kProductName), std::string(found.status().message()));
  } else {
    product = &*found;
    row.set_product_id(product->id);
  }

  row.set_batch_no(std::string(Cell(fields, FlowField::kBatchNo)));
  if (row.batch_no().empty() && !mapping_.batch_no_optional) {
    Error(line, columns_.Has(FlowField::kBatchNo) ? header(FlowField::kBatchNo) : "batch_no",
          "is empty; every row needs its 批号 unless the distributor's mapping says "
          "optional=batch_no");
  }

  std::optional<int64_t> quantity;
  if (absl::string_view text = Cell(fields, FlowField::kQuantity); text.empty()) {
    empty(FlowField::kQuantity);
  } else if (absl::StatusOr<int64_t> packs = ParsePacks(text, header(FlowField::kQuantity));
             !packs.ok()) {
    Error(line, header(FlowField::kQuantity), Reason(packs.status(), header(FlowField::kQuantity)));
  } else {
    quantity = *packs;
    row.set_quantity(*packs);
  }

  bool from_amount = false;
  std::optional<int64_t> price = UnitPrice(line, fields, quantity, &from_amount);
  if (price) row.set_unit_price_fen(*price);

  if (price && product && product->list_price_fen > 0) {
    const absl::int128 list = product->list_price_fen;
    const absl::int128 scaled = absl::int128(*price) * 100;
    const bool below = scaled < list * options_.min_price_percent_of_list;
    const bool above = scaled > list * options_.max_price_percent_of_list;
    if (below || above) {
      const int64_t low =
          static_cast<int64_t>((list * options_.min_price_percent_of_list + 99) / 100);
      const int64_t high = static_cast<int64_t>(list * options_.max_price_percent_of_list / 100);
      const FlowField column = from_amount ? FlowField::kAmount : FlowField::kUnitPrice;
      Error(line, header(column),
            absl::StrCat(
                from_amount ? "the unit price " : "", YuanDigits(*price), " is ",
                below ? "below " : "above ",
                below ? options_.min_price_percent_of_list : options_.max_price_percent_of_list,
                "% of the list price ", YuanDigits(product->list_price_fen), " of ", product->id,
                " (allowed ", YuanDigits(low), "..", YuanDigits(high), ")"));
    }
  }

  if (errors_->size() == errors_before) rows_->push_back(std::move(row));
}

const absl::StatusOr<ResolvedProduct>& FlowRecordReader::Impl::ProductOf(
    absl::string_view name, absl::string_view specification) {
  key_.clear();
  absl::StrAppend(&key_, name.size(), ":", name, specification);
  if (auto it = products_seen_.find(key_); it != products_seen_.end()) return it->second;
  absl::StatusOr<ResolvedProduct> found = products_.Resolve(name, specification);
  if (products_seen_.size() >= kMaxSeen) {
    last_product_ = std::move(found);
    return last_product_;
  }
  return products_seen_.emplace(key_, std::move(found)).first->second;
}

std::optional<int64_t> FlowRecordReader::Impl::UnitPrice(int64_t line,
                                                         absl::Span<const std::string> fields,
                                                         std::optional<int64_t> quantity,
                                                         bool* from_amount) {
  const std::string& price_header = columns_.Header(FlowField::kUnitPrice);
  const std::string& amount_header = columns_.Header(FlowField::kAmount);
  const absl::string_view price_text = Cell(fields, FlowField::kUnitPrice);
  const absl::string_view amount_text = Cell(fields, FlowField::kAmount);
  if (price_text.empty() && amount_text.empty()) {
    std::vector<absl::string_view> named;
    for (const std::string* h : {&price_header, &amount_header}) {
      if (!h->empty()) named.push_back(*h);
    }
    Error(line, price_header.empty() ? amount_header : price_header,
          absl::StrCat("is empty; every row needs its ", absl::StrJoin(named, " or ")));
    return std::nullopt;
  }
  std::optional<int64_t> price;
  bool price_bad = false;
  if (!price_text.empty()) {
    absl::StatusOr<int64_t> fen = ParseYuan(price_text, price_header);
    if (!fen.ok()) {
      Error(line, price_header, Reason(fen.status(), price_header));
    } else if (*fen <= 0) {
      Error(line, price_header, absl::StrCat("'", price_text, "' must be above 0"));
    } else if (*fen > kMaxUnitPriceFen) {
      Error(line, price_header,
            absl::StrCat("'", price_text, "' is beyond ", YuanDigits(kMaxUnitPriceFen),
                         " yuan a pack"));
    } else {
      price = *fen;
    }
    price_bad = !price;
  }
  std::optional<int64_t> amount;
  if (!amount_text.empty()) {
    absl::StatusOr<int64_t> fen = ParseYuan(amount_text, amount_header);
    if (!fen.ok()) {
      Error(line, amount_header, Reason(fen.status(), amount_header));
      return std::nullopt;
    }
    amount = *fen;
  }
  if (price_bad || !amount || !quantity) return price;
  const int64_t q = *quantity;
  if (price) {
    const int64_t expected = *price * q;  // within 10^16: see kMaxPacksPerRow
    if (std::abs(*amount - expected) > std::abs(q)) {
      Error(line, amount_header,
            absl::StrCat(amount_header, " ", YuanDigits(*amount), " does not agree with ",
                         price_header, " ", YuanDigits(*price), " x ",
                         columns_.Header(FlowField::kQuantity), " ", q, " = ", YuanDigits(expected),
                         " (they may differ by 1 fen a pack, ", YuanDigits(std::abs(q)), " here)"));
      return std::nullopt;
    }
    return price;
  }
  // Rounded half away from zero, in magnitudes.
  const int64_t a = std::abs(*amount), n = std::abs(q);
  const int64_t derived = ((2 * a + n) / (2 * n)) * ((*amount < 0) != (q < 0) ? -1 : 1);
  if (derived <= 0 || derived > kMaxUnitPriceFen) {
    Error(line, amount_header,
          absl::StrCat(amount_header, " ", YuanDigits(*amount), " / ",
                       columns_.Header(FlowField::kQuantity), " ", q, " gives the unit price ",
                       YuanDigits(derived),
                       derived <= 0 ? ", which must be above 0"
                                    : absl::StrCat(", beyond ", YuanDigits(kMaxUnitPriceFen))));
    return std::nullopt;
  }
  *from_amount = true;
  return derived;
}

FlowRecordReader::FlowRecordReader(FlowColumnMapping mapping, absl::CivilMonth period,
                                   const ProductResolver& products, FlowReadOptions options,
                                   Width width)
    : impl_(std::make_unique<Impl>(std::move(mapping), period, products, options, width)) {}
FlowRecordReader::~FlowRecordReader() = default;
FlowRecordReader::FlowRecordReader(FlowRecordReader&&) noexcept = default;
FlowRecordReader& FlowRecordReader::operator=(FlowRecordReader&&) noexcept = default;

void FlowRecordReader::Record(int64_t line, absl::Span<const std::string> cells,
                              std::vector<v1::FlowRow>* rows, std::vector<FlowRowError>* errors) {
  impl_->Record(line, cells, rows, errors);
}

void FlowRecordReader::Unreadable(int64_t line, std::optional<size_t> column, std::string reason,
                                  std::vector<FlowRowError>* errors) {
  impl_->Unreadable(line, column, std::move(reason), errors);
}

void FlowRecordReader::Finish(std::vector<FlowRowError>* errors) { impl_->Finish(errors); }

// CSV records through the record rules.
class FlowFileReader::Impl final : private tabular::CsvHandler {
 public:
  Impl(FlowColumnMapping mapping, absl::CivilMonth period, const ProductResolver& products,
       FlowReadOptions options)
      : records_(std::move(mapping), period, products, options, FlowRecordReader::Width::kExact) {}

  void Feed(absl::string_view chunk, std::vector<v1::FlowRow>* rows,
            std::vector<FlowRowError>* errors) {
    if (finished_) return;
    rows_ = rows;
    errors_ = errors;
    bom_.Feed(chunk, [&](absl::string_view bytes) { reader_.Consume(bytes, *this); });
  }

  void Finish(std::vector<v1::FlowRow>* rows, std::vector<FlowRowError>* errors) {
    if (finished_) return;
    finished_ = true;
    rows_ = rows;
    errors_ = errors;
    bom_.Finish([&](absl::string_view bytes) { reader_.Consume(bytes, *this); });
    reader_.End(*this);
    records_.Finish(errors);
  }

 private:
  void Record(int64_t line, absl::Span<const std::string> fields) override {
    records_.Record(line, fields, rows_, errors_);
  }

  void TooLong(int64_t line) override {
    const tabular::CsvLimits limits;
    records_.Unreadable(line, std::nullopt,
                        absl::StrCat("longer than ", limits.max_record_bytes, " bytes or ",
                                     limits.max_fields, " fields (an unterminated quote?)"),
                        errors_);
  }

  void Unterminated(int64_t line, size_t field_index, int64_t quote_line) override {
    records_.Unreadable(
        line, field_index,
        absl::StrCat("unterminated quoted field (the quote opened on line ", quote_line, ")"),
        errors_);
  }

  FlowRecordReader records_;
  tabular::CsvReader reader_;
  tabular::BomSkipper bom_;
  std::vector<v1::FlowRow>* rows_ = nullptr;  // during Feed and Finish
  std::vector<FlowRowError>* errors_ = nullptr;
  bool finished_ = false;
};

FlowFileReader::FlowFileReader(FlowColumnMapping mapping, absl::CivilMonth period,
                               const ProductResolver& products, FlowReadOptions options)
    : impl_(std::make_unique<Impl>(std::move(mapping), period, products, options)) {}
FlowFileReader::~FlowFileReader() = default;
FlowFileReader::FlowFileReader(FlowFileReader&&) noexcept = default;
FlowFileReader& FlowFileReader::operator=(FlowFileReader&&) noexcept = default;

void FlowFileReader::Feed(absl::string_view chunk, std::vector<v1::FlowRow>* rows,
                          std::vector<FlowRowError>* errors) {
  impl_->Feed(chunk, rows, errors);
}

void FlowFileReader::Finish(std::vector<v1::FlowRow>* rows, std::vector<FlowRowError>* errors) {
  impl_->Finish(rows, errors);
}

absl::Status ReadFlowFile(absl::string_view file, FlowColumnMapping mapping,
                          absl::CivilMonth period, const ProductResolver& products,
                          FlowReadOptions options, std::vector<v1::FlowRow>* rows,
                          std::vector<FlowRowError>* errors) {
  if (!tabular::IsZip(file)) {
    FlowFileReader reader(std::move(mapping), period, products, options);
    reader.Feed(file, rows, errors);
    reader.Finish(rows, errors);
    return absl::OkStatus();
  }
  tabular::XlsxOptions xlsx;
  xlsx.sheet = mapping.sheet;
  FlowRecordReader records(std::move(mapping), period, products, options,
                           FlowRecordReader::Width::kRagged);
  absl::Status status =
      tabular::ReadXlsx(file, xlsx, [&](int64_t line, absl::Span<const std::string> cells) {
        records.Record(line, cells, rows, errors);
      });
  if (!status.ok()) return status;
  records.Finish(errors);
  return absl::OkStatus();
}

FlowTotals Summarise(const std::vector<v1::FlowRow>& rows) {
  absl::int128 quantity = 0, amount = 0;
  for (const v1::FlowRow& row : rows) {
    quantity += row.quantity();
    amount += absl::int128(row.quantity()) * row.unit_price_fen();
  }
  auto clamp = [](absl::int128 v) {
    return static_cast<int64_t>(std::clamp<absl::int128>(v, std::numeric_limits<int64_t>::min(),
                                                         std::numeric_limits<int64_t>::max()));
  };
  return FlowTotals{static_cast<int64_t>(rows.size()), clamp(quantity), clamp(amount)};
}

}  // namespace pharmacrm::sales_pipeline::channel
