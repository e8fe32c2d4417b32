#include "domain/import/csv_rows.h"

#include <cmath>
#include <optional>
#include <string>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/message.h"
#include "pharmacrm/matching/normalize.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::customer_master::import_internal {

using ::pharmacrm::matching::NormalizeText;

namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

bool HasNonAscii(absl::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

// Paths ("hospital.staff_count") of fields named `name` below `d`, to
// suggest for a column given without its prefix.
void FindFieldPaths(const Descriptor* d, const std::string& prefix, absl::string_view name,
                    int depth, std::vector<std::string>* out) {
  for (int i = 0; i < d->field_count() && out->size() < 4; ++i) {
    const FieldDescriptor* f = d->field(i);
    std::string path = prefix.empty() ? f->name() : absl::StrCat(prefix, ".", f->name());
    if (f->name() == name && !prefix.empty()) out->push_back(path);
    if (depth < 3 && f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_repeated()) {
      FindFieldPaths(f->message_type(), path, name, depth + 1, out);
    }
  }
}

bool ResolveColumn(const std::string& key, Column* col, std::string* reason) {
  if (key == "external_id") {
    col->external_id = true;
    return true;
  }
  const Descriptor* d = v1::CustomerProfile::descriptor();
  std::string walked;
  for (absl::string_view part : absl::StrSplit(key, '.')) {
    if (d == nullptr) {
      const FieldDescriptor* last = col->path.back();
      *reason = last->is_repeated()
                    ? absl::StrCat(walked, " is a list of records: import it with JSON Lines")
                    : absl::StrCat(walked, " has no fields");
      return false;
    }
    const FieldDescriptor* f = d->FindFieldByName(std::string(part));
    if (f == nullptr) {
      *reason = "unknown column";
      std::vector<std::string> candidates;
      if (key.find('.') == std::string::npos) {
        FindFieldPaths(v1::CustomerProfile::descriptor(), "", key, 0, &candidates);
      }
      if (!candidates.empty()) {
        absl::StrAppend(reason, "; did you mean ", absl::StrJoin(candidates, " or "), "?");
      }
      return false;
    }
    walked = walked.empty() ? f->name() : absl::StrCat(walked, ".", f->name());
    col->path.push_back(f);
    d = f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !f->is_repeated()
            ? f->message_type()
            : nullptr;
  }
  const FieldDescriptor* leaf = col->path.back();
  if (leaf->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    *reason = leaf->is_repeated()
                  ? absl::StrCat(walked, " is a list of records: import it with JSON Lines")
                  : absl::StrCat(walked, " is a record: name one of its fields, e.g. ", walked,
                                 ".", leaf->message_type()->field(0)->name());
    return false;
  }
  if (leaf->type() == FieldDescriptor::TYPE_BYTES ||
      (leaf->is_repeated() && leaf->cpp_type() != FieldDescriptor::CPPTYPE_STRING)) {
    *reason = "this field type cannot be imported from CSV";
    return false;
  }
  if (col->path.front()->real_containing_oneof() != nullptr) col->details = col->path.front();
  return true;
}

// Full-width digits and letters are common in hand-kept sheets; they are
// tried after the plain form fails, so ASCII cells never pay for ICU.
template <typename T, typename Parse>
bool ParseCell(absl::string_view cell, T* out, Parse parse) {
  if (parse(cell, out)) return true;
  return HasNonAscii(cell) && parse(NormalizeText(cell), out);
}

bool ParseBool(absl::string_view cell, bool* out) {
  std::string lowered = absl::AsciiStrToLower(cell);
  if (lowered == "true" || lowered == "1" || lowered == "yes" || lowered == "y" ||
      lowered == "是") {
    *out = true;
    return true;
  }
  if (lowered == "false" || lowered == "0" || lowered == "no" || lowered == "n" ||
      lowered == "否") {
    *out = false;
    return true;
  }
  return false;
}

bool SetCell(const Column& col, absl::string_view cell, v1::CustomerProfile* profile,
             std::string* reason) {
  Message* m = profile;
  for (size_t i = 0; i + 1 < col.path.size(); ++i) {
    m = m->GetReflection()->MutableMessage(m, col.path[i]);
  }
  const FieldDescriptor* f = col.path.back();
  const Reflection* r = m->GetReflection();
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      if (!f->is_repeated()) {
        r->SetString(m, f, std::string(cell));
        return true;
      }
      std::string list = absl::StrReplaceAll(cell, {{"；", ";"}});
      for (absl::string_view part : absl::StrSplit(list, ';')) {
        part = absl::StripAsciiWhitespace(part);
        if (!part.empty()) r->AddString(m, f, std::string(part));
      }
      return true;
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const Schema& schema = Schema::Get();
      auto lookup = [&](absl::string_view text, int* v) {
        std::optional<int> found = schema.EnumValue(f->enum_type(), absl::AsciiStrToLower(text));
        if (found) *v = *found;
        return found.has_value();
      };
      int v;
      if (!ParseCell(cell, &v, lookup)) {
        *reason = absl::StrCat("'", cell, "' is not a ", f->enum_type()->name(),
                               "; expected one of ", schema.EnumChoices(f->enum_type()),
                               " (or the full value name, or its Chinese name)");
        return false;
      }
      r->SetEnumValue(m, f, v);
      return true;
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool v;
      if (!ParseCell(cell, &v, ParseBool)) {
        *reason = absl::StrCat("'", cell, "' is not true/false, yes/no, 1/0 or 是/否");
        return false;
      }
      r->SetBool(m, f, v);
      return true;
    }
    case FieldDescriptor::CPPTYPE_DOUBLE:
    case FieldDescriptor::CPPTYPE_FLOAT: {
      double v;
      if (!ParseCell(cell, &v, ParseFinite) ||
          (f->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT &&
           !std::isfinite(static_cast<float>(v)))) {
        *reason = absl::StrCat("'", cell, "' is not a number");
        return false;
      }
      f->cpp_type() == FieldDescriptor::CPPTYPE_FLOAT ? r->SetFloat(m, f, static_cast<float>(v))
                                                      : r->SetDouble(m, f, v);
      return true;
    }
    default: break;
  }
  bool ok = false;
  switch (f->cpp_type()) {
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if ((ok = ParseCell(cell, &v, ParseInteger<int32_t>))) r->SetInt32(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if ((ok = ParseCell(cell, &v, ParseInteger<int64_t>))) r->SetInt64(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v;
      if ((ok = ParseCell(cell, &v, ParseInteger<uint32_t>))) r->SetUInt32(m, f, v);
      break;
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v;
      if ((ok = ParseCell(cell, &v, ParseInteger<uint64_t>))) r->SetUInt64(m, f, v);
      break;
    }
    default:
      *reason = "this field type cannot be imported from CSV";
      return false;
  }
  if (!ok) *reason = absl::StrCat("'", cell, "' is not a whole number in range");
  return ok;
}

}  // namespace

void CsvRows::Consume(absl::string_view bytes, const Sink& sink) {
  sink_ = &sink;
  reader_.Consume(bytes, *this);
  sink_ = nullptr;
}

void CsvRows::End(const Sink& sink) {
  sink_ = &sink;
  reader_.End(*this);
  sink_ = nullptr;
  if (!have_header_) sink.Error(1, "", "no header line: the first line must name the columns");
}

void CsvRows::Record(int64_t line, absl::Span<const std::string> fields) {
  bool blank = true;
  for (size_t i = 0; i < fields.size() && blank; ++i) {
    blank = absl::StripAsciiWhitespace(fields[i]).empty();
  }
  if (!blank) have_header_ ? Row(line, fields) : Header(line, fields);
}

void CsvRows::TooLong(int64_t line) {
  sink_->Error(line, "",
               absl::StrCat("row longer than ", kMaxRowBytes, " bytes or ", kMaxCsvFields,
                            " fields (an unterminated quote?)"));
  if (!have_header_) {
    have_header_ = true;
    header_line_ = line;
  }
}

void CsvRows::Unterminated(int64_t line, size_t field_index, int64_t quote_line) {
  std::string field;
  if (header_ok_ && field_index < columns_.size()) field = columns_[field_index].header;
  sink_->Error(line, std::move(field),
               absl::StrCat("unterminated quoted field (the quote opened on line ", quote_line,
                            ")"));
  have_header_ = true;
}

void CsvRows::Header(int64_t line, absl::Span<const std::string> fields) {
  have_header_ = true;
  header_line_ = line;
  bool ok = true;
  absl::flat_hash_set<std::string> seen;
  for (size_t i = 0; i < fields.size(); ++i) {
    std::string written(absl::StripAsciiWhitespace(fields[i]));
    std::string position = absl::StrCat("column ", i + 1);
    if (!IsValidUtf8(written)) {
      sink_->Error(line, position, std::string(kNotUtf8));
      ok = false;
      continue;
    }
    if (written.empty()) {
      sink_->Error(line, position, "has no name");
      ok = false;
      continue;
    }
    std::string key = absl::AsciiStrToLower(written);
    if (absl::StartsWith(key, "profile.")) key.erase(0, 8);
    if (!seen.insert(key).second) {
      sink_->Error(line, written, "named twice");
      ok = false;
      continue;
    }
    Column col;
    col.header = written;
    std::string reason;
    if (!ResolveColumn(key, &col, &reason)) {
      sink_->Error(line, written, std::move(reason));
      ok = false;
      continue;
    }
    columns_.push_back(std::move(col));
  }
  for (const char* required : {"kind", "name"}) {
    if (!seen.contains(required)) {
      sink_->Error(line, required, "missing column: every row needs one");
      ok = false;
    }
  }
  header_ok_ = ok;
}

void CsvRows::Row(int64_t line, absl::Span<const std::string> fields) {
  if (!header_ok_) {
    sink_->Error(line, "",
               absl::StrCat("not imported: the header on line ", header_line_, " is invalid"));
    return;
  }
  if (fields.size() != columns_.size()) {
    sink_->Error(line, "",
               absl::StrCat("has ", fields.size(), " fields, but the header has ",
                            columns_.size()));
    return;
  }
  ImportRow row;
  row.line = line;
  bool ok = true;
  const Column* details = nullptr;
  for (size_t i = 0; i < fields.size(); ++i) {
    absl::string_view cell = absl::StripAsciiWhitespace(fields[i]);
    if (cell.empty()) continue;
    const Column& col = columns_[i];
    if (!IsValidUtf8(cell)) {
      sink_->Error(line, col.header, std::string(kNotUtf8));
      ok = false;
      continue;
    }
    if (col.external_id) {
      row.external_id = std::string(cell);
      continue;
    }
    if (col.details != nullptr) {
      // Setting a second member of the oneof would silently drop the
      // first.
      if (details != nullptr && details->details != col.details) {
        sink_->Error(line, col.header,
                   absl::StrCat("details of two kinds in one row (", details->header, " and ",
                                col.header, ")"));
        ok = false;
        continue;
      }
      details = &col;
    }
    std::string reason;
    if (!SetCell(col, cell, &row.profile, &reason)) {
      sink_->Error(line, col.header, std::move(reason));
      ok = false;
    }
  }
  if (ok) Accept(std::move(row), *sink_);
}

}  // namespace pharmacrm::customer_master::import_internal
