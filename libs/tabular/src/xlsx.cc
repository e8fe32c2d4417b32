#include "pharmacrm/tabular/xlsx.h"

#include <libxml/parser.h>
#include <libxml/xmlreader.h>
#include <zip.h>

#include <algorithm>
#include <memory>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "xlsx_values.h"

namespace pharmacrm::tabular {
namespace {

using xlsx_internal::NumberKind;

constexpr absl::string_view kDefaultWorkbook = "xl/workbook.xml";

absl::Status PartError(absl::string_view part, absl::string_view what) {
  return absl::InvalidArgumentError(absl::StrCat(part, ": ", what));
}

std::string MiB(size_t bytes) {
  return bytes % (size_t{1} << 20) == 0 ? absl::StrCat(bytes >> 20, " MiB")
                                        : absl::StrCat(bytes, " bytes");
}

absl::string_view View(const xmlChar* s) {
  return s == nullptr ? absl::string_view() : absl::string_view(reinterpret_cast<const char*>(s));
}

// libxml2 wants its globals set up once, before any thread parses.
void InitXml() {
  static const bool kDone = [] {
    xmlInitParser();
    return true;
  }();
  (void)kDone;
}

struct ZipDiscard {
  void operator()(zip_t* zip) const { zip_discard(zip); }
};
using ZipPtr = std::unique_ptr<zip_t, ZipDiscard>;

// The archive over `bytes` (not copied: they must outlive it).
absl::StatusOr<ZipPtr> OpenArchive(absl::string_view bytes) {
  zip_error_t error;
  zip_error_init(&error);
  zip_source_t* source = zip_source_buffer_create(bytes.data(), bytes.size(), 0, &error);
  zip_t* zip = source == nullptr ? nullptr : zip_open_from_source(source, ZIP_RDONLY, &error);
  if (zip == nullptr) {
    if (source != nullptr) zip_source_free(source);
    absl::Status status = absl::InvalidArgumentError(
        absl::StrCat("not a readable .xlsx workbook (zip archive): ", zip_error_strerror(&error)));
    zip_error_fini(&error);
    return status;
  }
  zip_error_fini(&error);
  return ZipPtr(zip);
}

std::optional<zip_uint64_t> Locate(zip_t* zip, const std::string& name) {
  const zip_int64_t index = zip_name_locate(zip, name.c_str(), ZIP_FL_NOCASE);
  if (index < 0) return std::nullopt;
  return static_cast<zip_uint64_t>(index);
}

// One XML part of the archive, inflated as libxml2's xmlTextReader asks
// for it, and counted against the limit on the way.
class PartReader {
 public:
  static absl::StatusOr<std::unique_ptr<PartReader>> Open(zip_t* zip, std::string part,
                                                          size_t max_bytes) {
    std::optional<zip_uint64_t> index = Locate(zip, part);
    if (!index) return PartError(part, "not in the archive");
    zip_stat_t stat;
    zip_stat_init(&stat);
    if (zip_stat_index(zip, *index, 0, &stat) == 0 && (stat.valid & ZIP_STAT_SIZE) != 0 &&
        stat.size > max_bytes) {
      return PartError(
          part, absl::StrCat(stat.size, " bytes uncompressed, over the limit of ", MiB(max_bytes)));
    }
    zip_file_t* file = zip_fopen_index(zip, *index, 0);
    if (file == nullptr) {
      return PartError(part, absl::StrCat("cannot be read: ", zip_strerror(zip)));
    }
    std::unique_ptr<PartReader> reader(new PartReader(std::move(part), file, max_bytes));
    reader->reader_ = xmlReaderForIO(&PartReader::Read, nullptr, reader.get(),
                                     reader->part_.c_str(), nullptr, XML_PARSE_NONET);
    if (reader->reader_ == nullptr) return reader->Error("cannot start the XML reader");
    xmlTextReaderSetStructuredErrorHandler(reader->reader_, &PartReader::OnError, reader.get());
    return reader;
  }

  ~PartReader() {
    if (reader_ != nullptr) xmlFreeTextReader(reader_);
    zip_fclose(file_);
  }
  PartReader(const PartReader&) = delete;
  PartReader& operator=(const PartReader&) = delete;

  // Moves to the next node: true on one, false at the end of the part.
  absl::StatusOr<bool> Next() {
    const int result = xmlTextReaderRead(reader_);
    if (over_limit_) {
      return Error(absl::StrCat("over the limit of ", MiB(max_bytes_), " uncompressed"));
    }
    if (!inflate_error_.empty()) return Error(absl::StrCat("cannot be inflated: ", inflate_error_));
    if (result < 0 || !xml_error_.empty()) {
      return Error(
          absl::StrCat("not well-formed XML: ", xml_error_.empty() ? "unreadable" : xml_error_));
    }
    if (result == 0) return false;
    if (type() == XML_READER_TYPE_DOCUMENT_TYPE) {
      return Error("has a document type declaration (DTD), which a workbook never has");
    }
    return true;
  }

  int type() const { return xmlTextReaderNodeType(reader_); }
  bool IsStart(absl::string_view local_name) const {
    return type() == XML_READER_TYPE_ELEMENT && name() == local_name;
  }
  bool IsEnd(absl::string_view local_name) const {
    return type() == XML_READER_TYPE_END_ELEMENT && name() == local_name;
  }
  bool IsText() const {
    const int t = type();
    return t == XML_READER_TYPE_TEXT || t == XML_READER_TYPE_CDATA ||
           t == XML_READER_TYPE_WHITESPACE || t == XML_READER_TYPE_SIGNIFICANT_WHITESPACE;
  }
  // The element's local name (without its namespace prefix).
  absl::string_view name() const { return View(xmlTextReaderConstLocalName(reader_)); }
  // <x/>: an element without content, and so without end element.
  bool empty() const { return xmlTextReaderIsEmptyElement(reader_) == 1; }
  absl::string_view value() const { return View(xmlTextReaderConstValue(reader_)); }

  // The element's attribute without namespace, or nullopt.
  std::optional<std::string> Attr(const char* attribute) const {
    xmlChar* value =
        xmlTextReaderGetAttribute(reader_, reinterpret_cast<const xmlChar*>(attribute));
    if (value == nullptr) return std::nullopt;
    std::string out(View(value));
    xmlFree(value);
    return out;
  }
  // The element's namespaced attribute named `local` (r:id, whichever the
  // relationships namespace: transitional or strict).
  std::optional<std::string> NamespacedAttr(absl::string_view local) const {
    std::optional<std::string> out;
    for (int more = xmlTextReaderMoveToFirstAttribute(reader_); more == 1;
         more = xmlTextReaderMoveToNextAttribute(reader_)) {
      if (name() == local && xmlTextReaderConstNamespaceUri(reader_) != nullptr) {
        out = std::string(value());
        break;
      }
    }
    xmlTextReaderMoveToElement(reader_);
    return out;
  }

  const std::string& part() const { return part_; }
  absl::Status Error(absl::string_view what) const { return PartError(part_, what); }

 private:
  PartReader(std::string part, zip_file_t* file, size_t max_bytes)
      : part_(std::move(part)), file_(file), max_bytes_(max_bytes) {}

  static int Read(void* context, char* buffer, int length) {
    auto* self = static_cast<PartReader*>(context);
    const zip_int64_t n = zip_fread(self->file_, buffer, static_cast<zip_uint64_t>(length));
    if (n < 0) {
      self->inflate_error_ = zip_file_strerror(self->file_);
      return -1;
    }
    self->bytes_ += static_cast<size_t>(n);
    if (self->bytes_ > self->max_bytes_) {
      self->over_limit_ = true;
      return -1;
    }
    return static_cast<int>(n);
  }

  static void OnError(void* context, xmlErrorPtr error) {
    auto* self = static_cast<PartReader*>(context);
    if (error == nullptr || error->level < XML_ERR_ERROR || !self->xml_error_.empty()) return;
    self->xml_error_ = absl::StrCat(
        "line ", error->line, ": ",
        absl::StripAsciiWhitespace(error->message == nullptr ? "error" : error->message));
  }

  const std::string part_;
  zip_file_t* const file_;
  xmlTextReaderPtr reader_ = nullptr;
  const size_t max_bytes_;
  size_t bytes_ = 0;
  bool over_limit_ = false;
  std::string inflate_error_;
  std::string xml_error_;  // the first error libxml2 reported
};

// --- Relationships and the workbook ------------------------------------------

struct Relationship {
  std::string id;
  std::string type;    // its URI; only the last segment is compared
  std::string target;  // the part, resolved to a path in the archive
};

bool HasType(const Relationship& rel, absl::string_view type) {
  return absl::EndsWith(rel.type, absl::StrCat("/", type));
}

// The folder of `part` with its final "/", or "".
absl::string_view Folder(absl::string_view part) {
  const size_t slash = part.rfind('/');
  return slash == absl::string_view::npos ? absl::string_view() : part.substr(0, slash + 1);
}

// `target` of a relationship of the part in `folder`: "/xl/a.xml" is
// absolute, "worksheets/sheet1.xml" and "../x.xml" relative.
std::string ResolveTarget(absl::string_view folder, absl::string_view target) {
  std::vector<std::string> parts;
  const std::string path =
      absl::StartsWith(target, "/") ? std::string(target.substr(1)) : absl::StrCat(folder, target);
  for (absl::string_view segment : absl::StrSplit(path, '/')) {
    if (segment.empty() || segment == ".") continue;
    if (segment == "..") {
      if (!parts.empty()) parts.pop_back();
      continue;
    }
    parts.emplace_back(segment);
  }
  return absl::StrJoin(parts, "/");
}

// The relationships of `source` ("" for the package), from its .rels part;
// none when the part has none.
absl::StatusOr<std::vector<Relationship>> ReadRelationships(zip_t* zip, absl::string_view source,
                                                            size_t max_bytes) {
  const std::string part =
      absl::StrCat(Folder(source), "_rels/", source.substr(Folder(source).size()), ".rels");
  std::vector<Relationship> rels;
  if (!Locate(zip, part)) return rels;
  absl::StatusOr<std::unique_ptr<PartReader>> reader = PartReader::Open(zip, part, max_bytes);
  if (!reader.ok()) return reader.status();
  PartReader& xml = **reader;
  for (;;) {
    absl::StatusOr<bool> more = xml.Next();
    if (!more.ok()) return more.status();
    if (!*more) break;
    if (!xml.IsStart("Relationship")) continue;
    if (xml.Attr("TargetMode").value_or("") == "External") continue;
    Relationship rel{xml.Attr("Id").value_or(""), xml.Attr("Type").value_or(""),
                     ResolveTarget(Folder(source), xml.Attr("Target").value_or(""))};
    rels.push_back(std::move(rel));
  }
  return rels;
}

struct SheetEntry {
  std::string name;
  std::string relationship_id;
};

struct Workbook {
  std::vector<SheetEntry> sheets;  // tab order
  bool date1904 = false;
};

absl::StatusOr<Workbook> ReadWorkbook(zip_t* zip, const std::string& part, size_t max_bytes) {
  absl::StatusOr<std::unique_ptr<PartReader>> reader = PartReader::Open(zip, part, max_bytes);
  if (!reader.ok()) return reader.status();
  PartReader& xml = **reader;
  Workbook workbook;
  for (;;) {
    absl::StatusOr<bool> more = xml.Next();
    if (!more.ok()) return more.status();
    if (!*more || xml.IsEnd("sheets")) break;  // nothing after the sheets is needed
    if (xml.IsStart("workbookPr")) {
      const std::string date1904 = absl::AsciiStrToLower(xml.Attr("date1904").value_or(""));
      workbook.date1904 = date1904 == "1" || date1904 == "true";
    } else if (xml.IsStart("sheet")) {
      workbook.sheets.push_back(
          SheetEntry{xml.Attr("name").value_or(""), xml.NamespacedAttr("id").value_or("")});
    }
  }
  if (workbook.sheets.empty()) return xml.Error("lists no sheet");
  return workbook;
}

// --- Shared strings and styles -----------------------------------------------

// The shared string table: one buffer, each string's end in it.
class SharedStrings {
 public:
  size_t size() const { return ends_.size(); }
  absl::string_view operator[](size_t i) const {
    const size_t begin = i == 0 ? 0 : ends_[i - 1];
    return absl::string_view(text_).substr(begin, ends_[i] - begin);
  }
  void Add(absl::string_view s) {
    text_.append(s.data(), s.size());
    ends_.push_back(text_.size());
  }

 private:
  std::string text_;
  std::vector<size_t> ends_;
};

// Collects the text of a string item (<si> or <is>): the <t> of the item
// or of its runs, leaving out phonetic guides (<rPh>).
class ItemText {
 public:
  // Follows the node the reader is on, inside the item.
  void See(const PartReader& xml) {
    if (xml.type() == XML_READER_TYPE_ELEMENT) {
      if (xml.name() == "rPh" && !xml.empty()) ++phonetic_;
      if (xml.name() == "t" && !xml.empty()) in_t_ = true;
    } else if (xml.type() == XML_READER_TYPE_END_ELEMENT) {
      if (xml.name() == "rPh" && phonetic_ > 0) --phonetic_;
      if (xml.name() == "t") in_t_ = false;
    } else if (in_t_ && phonetic_ == 0 && xml.IsText()) {
      text_.append(xml.value().data(), xml.value().size());
    }
  }
  std::string& text() { return text_; }
  void Clear() {
    text_.clear();
    in_t_ = false;
    phonetic_ = 0;
  }

 private:
  std::string text_;
  bool in_t_ = false;
  int phonetic_ = 0;
};

absl::Status ReadSharedStrings(zip_t* zip, const std::string& part, const XlsxLimits& limits,
                               SharedStrings* strings) {
  absl::StatusOr<std::unique_ptr<PartReader>> reader =
      PartReader::Open(zip, part, limits.max_part_bytes);
  if (!reader.ok()) return reader.status();
  PartReader& xml = **reader;
  ItemText item;
  bool in_item = false;
  for (;;) {
    absl::StatusOr<bool> more = xml.Next();
    if (!more.ok()) return more.status();
    if (!*more) return absl::OkStatus();
    if (xml.IsStart("si")) {
      if (strings->size() == limits.max_shared_strings) {
        return xml.Error(
            absl::StrCat("more than the limit of ", limits.max_shared_strings, " shared strings"));
      }
      item.Clear();
      in_item = !xml.empty();
      if (!in_item) strings->Add("");
    } else if (xml.IsEnd("si")) {
      strings->Add(item.text());
      in_item = false;
    } else if (in_item) {
      item.See(xml);
    }
  }
}

// By cell format (cellXfs index): what its number format shows.
absl::StatusOr<std::vector<NumberKind>> ReadStyles(zip_t* zip, const std::string& part,
                                                   size_t max_bytes) {
  absl::StatusOr<std::unique_ptr<PartReader>> reader = PartReader::Open(zip, part, max_bytes);
  if (!reader.ok()) return reader.status();
  PartReader& xml = **reader;
  std::vector<std::pair<int, NumberKind>> custom;  // numFmtId → kind
  std::vector<NumberKind> kinds;
  bool in_formats = false, in_cell_formats = false;
  for (;;) {
    absl::StatusOr<bool> more = xml.Next();
    if (!more.ok()) return more.status();
    if (!*more || xml.IsEnd("cellXfs")) break;
    if (xml.IsStart("numFmts")) {
      in_formats = !xml.empty();
    } else if (xml.IsEnd("numFmts")) {
      in_formats = false;
    } else if (xml.IsStart("cellXfs")) {
      in_cell_formats = !xml.empty();
    } else if (in_formats && xml.IsStart("numFmt")) {
      int id = 0;
      if (absl::SimpleAtoi(xml.Attr("numFmtId").value_or(""), &id)) {
        custom.emplace_back(id, xlsx_internal::FormatCodeKind(xml.Attr("formatCode").value_or("")));
      }
    } else if (in_cell_formats && xml.IsStart("xf")) {
      if (kinds.size() == 65'536) return xml.Error("more than 65536 cell formats");
      int id = 0;  // General when the attribute is missing or not a number.
      if (!absl::SimpleAtoi(xml.Attr("numFmtId").value_or("0"), &id)) id = 0;
      auto it = std::find_if(custom.begin(), custom.end(),
                             [id](const std::pair<int, NumberKind>& f) { return f.first == id; });
      kinds.push_back(it != custom.end() ? it->second : xlsx_internal::BuiltinKind(id));
    }
  }
  return kinds;
}

// --- The sheet ---------------------------------------------------------------

// "A" for column 0, "XFD" for 16383.
std::string ColumnName(int64_t column) {
  std::string name;
  for (int64_t n = column + 1; n > 0; n = (n - 1) / 26) {
    name.insert(name.begin(), static_cast<char>('A' + (n - 1) % 26));
  }
  return name;
}

// The 0-based column of a cell reference ("C5" → 2), or nullopt.
std::optional<int64_t> ReferenceColumn(absl::string_view reference) {
  int64_t column = 0;
  size_t i = 0;
  for (; i < reference.size() && absl::ascii_isalpha(static_cast<unsigned char>(reference[i]));
       ++i) {
    if (i == 3) return std::nullopt;
    column =
        column * 26 + (absl::ascii_toupper(static_cast<unsigned char>(reference[i])) - 'A' + 1);
  }
  if (i == 0) return std::nullopt;
  for (size_t j = i; j < reference.size(); ++j) {
    if (!absl::ascii_isdigit(static_cast<unsigned char>(reference[j]))) return std::nullopt;
  }
  return column - 1;
}

class SheetReader {
 public:
  SheetReader(PartReader& xml, const SharedStrings& strings, const std::vector<NumberKind>& styles,
              bool date1904, const XlsxLimits& limits, XlsxRowFn row)
      : xml_(xml),
        strings_(strings),
        styles_(styles),
        date1904_(date1904),
        limits_(limits),
        row_fn_(row) {}

  absl::Status Read() {
    bool in_data = false;
    for (;;) {
      absl::StatusOr<bool> more = xml_.Next();
      if (!more.ok()) return more.status();
      if (!*more) return absl::OkStatus();
      if (!in_data) {
        if (xml_.IsStart("sheetData")) {
          if (xml_.empty()) return absl::OkStatus();
          in_data = true;
        }
        continue;
      }
      if (xml_.IsEnd("sheetData")) return absl::OkStatus();  // nothing after it is needed
      absl::Status status = Node();
      if (!status.ok()) return status;
    }
  }

 private:
  absl::Status Node() {
    if (xml_.IsStart("row")) {
      absl::Status status = StartRow();
      if (!status.ok() || !xml_.empty()) return status;
      return EndRow();
    }
    if (xml_.IsEnd("row")) return EndRow();
    if (xml_.IsStart("c")) {
      absl::Status status = StartCell();
      if (!status.ok() || !xml_.empty()) return status;
      return EndCell();
    }
    if (xml_.IsEnd("c")) return EndCell();
    if (!in_cell_) return absl::OkStatus();
    if (xml_.IsStart("v")) {
      in_value_ = !xml_.empty();
    } else if (xml_.IsEnd("v")) {
      in_value_ = false;
    } else if (xml_.IsStart("is")) {
      in_inline_ = !xml_.empty();
    } else if (xml_.IsEnd("is")) {
      in_inline_ = false;
    } else if (in_inline_) {
      inline_.See(xml_);
    } else if (in_value_ && xml_.IsText()) {
      value_.append(xml_.value().data(), xml_.value().size());
    }
    return absl::OkStatus();
  }

  absl::Status StartRow() {
    int64_t line = line_ + 1;
    if (std::optional<std::string> r = xml_.Attr("r")) {
      if (!absl::SimpleAtoi(*r, &line) || line < 1) {
        return xml_.Error(absl::StrCat("row number '", *r, "' is not valid"));
      }
      if (line <= line_) {
        return xml_.Error(absl::StrCat("row ", line, " comes after row ", line_));
      }
    }
    if (line > limits_.max_rows) {
      return xml_.Error(
          absl::StrCat("row ", line, " is beyond the limit of ", limits_.max_rows, " rows"));
    }
    line_ = line;
    for (size_t i = 0; i < used_; ++i) cells_[i].clear();
    used_ = 0;
    width_ = 0;
    return absl::OkStatus();
  }

  absl::Status EndRow() {
    if (width_ > 0) row_fn_(line_, absl::MakeConstSpan(cells_.data(), width_));
    width_ = 0;
    return absl::OkStatus();
  }

  absl::Status StartCell() {
    int64_t column = static_cast<int64_t>(used_);
    reference_ = xml_.Attr("r").value_or("");
    if (!reference_.empty()) {
      std::optional<int64_t> c = ReferenceColumn(reference_);
      if (!c) return xml_.Error(absl::StrCat("cell reference '", reference_, "' is not valid"));
      column = *c;
    } else {
      reference_ = absl::StrCat(ColumnName(column), line_);
    }
    if (column >= limits_.max_columns) {
      return xml_.Error(absl::StrCat("cell ", reference_, " is beyond the limit of ",
                                     limits_.max_columns, " columns"));
    }
    if (column < static_cast<int64_t>(used_)) {
      return xml_.Error(absl::StrCat("cell ", reference_, " comes after cell ",
                                     ColumnName(static_cast<int64_t>(used_) - 1), line_));
    }
    column_ = static_cast<size_t>(column);
    type_ = xml_.Attr("t").value_or("n");
    style_ = 0;
    if (std::optional<std::string> s = xml_.Attr("s"); s && !absl::SimpleAtoi(*s, &style_)) {
      return CellError(absl::StrCat("style '", *s, "' is not valid"));
    }
    value_.clear();
    inline_.Clear();
    in_cell_ = true;
    return absl::OkStatus();
  }

  absl::Status EndCell() {
    in_cell_ = in_value_ = in_inline_ = false;
    if (cells_.size() <= column_) cells_.resize(column_ + 1);
    for (size_t i = used_; i < column_; ++i) cells_[i].clear();
    used_ = column_ + 1;
    std::string& cell = cells_[column_];
    cell.clear();
    if (type_ == "inlineStr") {
      cell.swap(inline_.text());
    } else if (type_ == "s") {
      if (value_.empty()) return absl::OkStatus();
      size_t index = 0;
      if (!absl::SimpleAtoi(value_, &index) || index >= strings_.size()) {
        return CellError(
            absl::StrCat("shared string '", value_, "' of ", strings_.size(), " is not there"));
      }
      cell.assign(strings_[index].data(), strings_[index].size());
    } else if (type_ == "b") {
      if (value_ == "1" || value_ == "0") {
        cell = value_ == "1" ? "TRUE" : "FALSE";
      } else if (!value_.empty()) {
        return CellError(absl::StrCat("'", value_, "' is not a boolean (0 or 1)"));
      }
    } else if (type_ == "d") {
      if (value_.empty()) return absl::OkStatus();
      std::optional<std::string> date = xlsx_internal::IsoDateText(value_);
      if (!date) return CellError(absl::StrCat("'", value_, "' is not an ISO 8601 date"));
      cell = *std::move(date);
    } else if (type_ == "n") {
      if (value_.empty()) return absl::OkStatus();
      const NumberKind kind = style_ < styles_.size() ? styles_[style_] : NumberKind::kNumber;
      std::optional<std::string> text = xlsx_internal::SerialText(value_, kind, date1904_);
      if (!text) return CellError(absl::StrCat("'", value_, "' is not a number"));
      cell = *std::move(text);
    } else {  // "str" (a formula's text), "e" (an error such as #N/A)
      cell.swap(value_);
    }
    if (!cell.empty()) width_ = column_ + 1;
    return absl::OkStatus();
  }

  absl::Status CellError(absl::string_view what) const {
    return xml_.Error(absl::StrCat("cell ", reference_, ": ", what));
  }

  PartReader& xml_;
  const SharedStrings& strings_;
  const std::vector<NumberKind>& styles_;
  const bool date1904_;
  const XlsxLimits& limits_;
  XlsxRowFn row_fn_;
  // The current row: cells_[0, used_) are its cells so far; width_ ends
  // at its last cell with text.
  int64_t line_ = 0;
  std::vector<std::string> cells_;
  size_t used_ = 0;
  size_t width_ = 0;
  // The current cell.
  bool in_cell_ = false, in_value_ = false, in_inline_ = false;
  std::string reference_;
  size_t column_ = 0;
  std::string type_;
  size_t style_ = 0;
  std::string value_;
  ItemText inline_;
};

}  // namespace

bool IsZip(absl::string_view bytes) { return absl::StartsWith(bytes, kZipSignature); }

absl::Status ReadXlsx(absl::string_view bytes, const XlsxOptions& options, XlsxRowFn row) {
  InitXml();
  const XlsxLimits& limits = options.limits;
  absl::StatusOr<ZipPtr> archive = OpenArchive(bytes);
  if (!archive.ok()) return archive.status();
  zip_t* zip = archive->get();

  // The workbook: the package's office document.
  absl::StatusOr<std::vector<Relationship>> package =
      ReadRelationships(zip, "", limits.max_part_bytes);
  if (!package.ok()) return package.status();
  std::string workbook_part(kDefaultWorkbook);
  for (const Relationship& rel : *package) {
    if (HasType(rel, "officeDocument")) workbook_part = rel.target;
  }
  if (!Locate(zip, workbook_part)) {
    return PartError(workbook_part, "not in the archive: this is no Excel .xlsx workbook");
  }
  absl::StatusOr<Workbook> workbook = ReadWorkbook(zip, workbook_part, limits.max_part_bytes);
  if (!workbook.ok()) return workbook.status();
  absl::StatusOr<std::vector<Relationship>> rels =
      ReadRelationships(zip, workbook_part, limits.max_part_bytes);
  if (!rels.ok()) return rels.status();
  auto related = [&](absl::string_view id) -> const Relationship* {
    for (const Relationship& rel : *rels) {
      if (rel.id == id) return &rel;
    }
    return nullptr;
  };

  // The sheet.
  const Relationship* sheet = nullptr;
  std::vector<std::string> names;
  for (const SheetEntry& entry : workbook->sheets) {
    names.push_back(entry.name);
    const Relationship* rel = related(entry.relationship_id);
    if (options.sheet.empty() ? rel == nullptr || !HasType(*rel, "worksheet")
                              : entry.name != options.sheet) {
      continue;
    }
    if (rel == nullptr) {
      return PartError(workbook_part, absl::StrCat("sheet '", entry.name, "' has no part ('",
                                                   entry.relationship_id, "')"));
    }
    if (!HasType(*rel, "worksheet")) {
      return PartError(workbook_part,
                       absl::StrCat("sheet '", entry.name, "' is not a worksheet (a chart?)"));
    }
    sheet = rel;
    break;
  }
  if (sheet == nullptr) {
    return PartError(workbook_part,
                     options.sheet.empty()
                         ? std::string("has no worksheet")
                         : absl::StrCat("has no sheet named '", options.sheet,
                                        "'; its sheets: ", absl::StrJoin(names, ", ")));
  }

  // What the sheet's cells refer to.
  SharedStrings strings;
  std::vector<NumberKind> styles;
  for (const Relationship& rel : *rels) {
    if (HasType(rel, "sharedStrings")) {
      absl::Status status = ReadSharedStrings(zip, rel.target, limits, &strings);
      if (!status.ok()) return status;
    } else if (HasType(rel, "styles")) {
      absl::StatusOr<std::vector<NumberKind>> read =
          ReadStyles(zip, rel.target, limits.max_part_bytes);
      if (!read.ok()) return read.status();
      styles = *std::move(read);
    }
  }

  absl::StatusOr<std::unique_ptr<PartReader>> xml =
      PartReader::Open(zip, sheet->target, limits.max_part_bytes);
  if (!xml.ok()) return xml.status();
  return SheetReader(**xml, strings, styles, workbook->date1904, limits, row).Read();
}

absl::StatusOr<std::vector<XlsxRow>> ReadXlsxRows(absl::string_view bytes,
                                                  const XlsxOptions& options) {
  std::vector<XlsxRow> rows;
  absl::Status status =
      ReadXlsx(bytes, options, [&](int64_t line, absl::Span<const std::string> cells) {
        rows.push_back(XlsxRow{line, std::vector<std::string>(cells.begin(), cells.end())});
      });
  if (!status.ok()) return status;
  return rows;
}

}  // namespace pharmacrm::tabular
