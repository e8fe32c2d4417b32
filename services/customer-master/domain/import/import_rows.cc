#include "domain/import/import_rows.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>
#include <optional>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/hash/hash.h"
#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "domain/customers/customer_rules.h"
#include "domain/import/json_lines.h"
#include "domain/customers/normalize.h"
#include "domain/customers/profile_normalization.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/message.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// A customer row is a few hundred bytes; anything this long is a broken file
// (typically an unterminated quote swallowing the rest of it), and keeping
// it would let one bad file hold the whole input in memory.
constexpr size_t kMaxRowBytes = kMaxLineBytes;
// Far more columns than the schema has fields; bounds the per-field
// bookkeeping a row of bare commas would cost.
constexpr size_t kMaxCsvFields = 4096;

struct Sink {
  std::vector<ImportRow>* rows;
  std::vector<RowError>* errors;
  absl::Time now;  // For ValidateProfile's date ranges.

  void Error(int64_t line, std::string field, std::string reason) const {
    errors->push_back(RowError{line, std::move(field), std::move(reason)});
  }
};

bool HasNonAscii(absl::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

void AppendUtf8(uint32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

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

bool ParseFinite(absl::string_view text, double* out) {
  return absl::SimpleAtod(text, out) && std::isfinite(*out);
}

// --- Schema lookups -------------------------------------------------------

struct EnumAlias {
  const char* enum_name;
  const char* alias;
  const char* value;
};

// Chinese names used in legacy CRM exports (see the comments in
// common.proto and customer_data.proto). Hospital grades are generated.
constexpr EnumAlias kEnumAliases[] = {
    {"pharmacrm.v1.CustomerKind", "医院", "CUSTOMER_KIND_HOSPITAL"},
    {"pharmacrm.v1.CustomerKind", "医生", "CUSTOMER_KIND_DOCTOR"},
    {"pharmacrm.v1.CustomerKind", "药店", "CUSTOMER_KIND_PHARMACY"},
    {"pharmacrm.v1.CustomerKind", "店员", "CUSTOMER_KIND_CONTACT"},
    {"pharmacrm.v1.CustomerKind", "药店店员", "CUSTOMER_KIND_CONTACT"},
    {"pharmacrm.v1.CustomerKind", "联系人", "CUSTOMER_KIND_CONTACT"},
    {"pharmacrm.v1.CustomerKind", "商业公司", "CUSTOMER_KIND_DISTRIBUTOR"},
    {"pharmacrm.v1.CustomerKind", "医药商业公司", "CUSTOMER_KIND_DISTRIBUTOR"},
    {"pharmacrm.v1.CustomerKind", "经销商", "CUSTOMER_KIND_DISTRIBUTOR"},
    {"pharmacrm.v1.CustomerKind", "患者", "CUSTOMER_KIND_PATIENT"},
    {"pharmacrm.v1.HospitalGrade", "未定级", "HOSPITAL_GRADE_UNGRADED"},
    {"pharmacrm.v1.Gender", "男", "GENDER_MALE"},
    {"pharmacrm.v1.Gender", "女", "GENDER_FEMALE"},
    {"pharmacrm.v1.MaritalStatus", "未婚", "MARITAL_STATUS_SINGLE"},
    {"pharmacrm.v1.MaritalStatus", "已婚", "MARITAL_STATUS_MARRIED"},
    {"pharmacrm.v1.MaritalStatus", "离异", "MARITAL_STATUS_DIVORCED"},
    {"pharmacrm.v1.MaritalStatus", "丧偶", "MARITAL_STATUS_WIDOWED"},
    {"pharmacrm.v1.Education", "中专及以下", "EDUCATION_SECONDARY"},
    {"pharmacrm.v1.Education", "中专", "EDUCATION_SECONDARY"},
    {"pharmacrm.v1.Education", "大专", "EDUCATION_COLLEGE"},
    {"pharmacrm.v1.Education", "本科", "EDUCATION_BACHELOR"},
    {"pharmacrm.v1.Education", "硕士", "EDUCATION_MASTER"},
    {"pharmacrm.v1.Education", "博士", "EDUCATION_DOCTORATE"},
    {"pharmacrm.v1.ProfessionalTitle", "主任医师", "PROFESSIONAL_TITLE_CHIEF_PHYSICIAN"},
    {"pharmacrm.v1.ProfessionalTitle", "副主任医师",
     "PROFESSIONAL_TITLE_ASSOCIATE_CHIEF_PHYSICIAN"},
    {"pharmacrm.v1.ProfessionalTitle", "主治医师", "PROFESSIONAL_TITLE_ATTENDING_PHYSICIAN"},
    {"pharmacrm.v1.ProfessionalTitle", "住院医师", "PROFESSIONAL_TITLE_RESIDENT_PHYSICIAN"},
    {"pharmacrm.v1.ProfessionalTitle", "主任药师", "PROFESSIONAL_TITLE_CHIEF_PHARMACIST"},
    {"pharmacrm.v1.ProfessionalTitle", "副主任药师",
     "PROFESSIONAL_TITLE_ASSOCIATE_CHIEF_PHARMACIST"},
    {"pharmacrm.v1.ProfessionalTitle", "主管药师", "PROFESSIONAL_TITLE_PHARMACIST_IN_CHARGE"},
    {"pharmacrm.v1.ProfessionalTitle", "药师", "PROFESSIONAL_TITLE_PHARMACIST"},
    {"pharmacrm.v1.OwnershipForm", "公立", "OWNERSHIP_FORM_PUBLIC"},
    {"pharmacrm.v1.OwnershipForm", "国有", "OWNERSHIP_FORM_PUBLIC"},
    {"pharmacrm.v1.OwnershipForm", "集体", "OWNERSHIP_FORM_COLLECTIVE"},
    {"pharmacrm.v1.OwnershipForm", "民营", "OWNERSHIP_FORM_PRIVATE"},
    {"pharmacrm.v1.OwnershipForm", "合资", "OWNERSHIP_FORM_JOINT_VENTURE"},
    {"pharmacrm.v1.OwnershipForm", "外资", "OWNERSHIP_FORM_FOREIGN"},
    {"pharmacrm.v1.OwnershipForm", "部队", "OWNERSHIP_FORM_MILITARY"},
    {"pharmacrm.v1.GspStatus", "已认证", "GSP_STATUS_CERTIFIED"},
    {"pharmacrm.v1.GspStatus", "已过期", "GSP_STATUS_EXPIRED"},
    {"pharmacrm.v1.GspStatus", "已吊销", "GSP_STATUS_REVOKED"},
    {"pharmacrm.v1.GspStatus", "未认证", "GSP_STATUS_NOT_CERTIFIED"},
};

// Lookup tables over the CustomerProfile message tree, built once and then
// only read (so shared by concurrent parsers).
class Schema {
 public:
  static const Schema& Get() {
    static const Schema* const schema = new Schema();
    return *schema;
  }

  // The field a JSON key names (proto name or lowerCamelCase), or null.
  const FieldDescriptor* JsonField(const Descriptor* d, absl::string_view key) const {
    auto it = fields_.find(d);
    if (it == fields_.end()) return nullptr;
    auto f = it->second.find(key);
    return f == it->second.end() ? nullptr : f->second;
  }

  // The value a CSV cell names, `lowered` being the cell with ASCII
  // lower-cased.
  std::optional<int> EnumValue(const EnumDescriptor* e, absl::string_view lowered) const {
    auto it = enums_.find(e);
    if (it == enums_.end()) return std::nullopt;
    auto v = it->second.by_text.find(lowered);
    if (v == it->second.by_text.end()) return std::nullopt;
    return v->second;
  }

  // "HOSPITAL, DOCTOR, ..." for error messages.
  std::string EnumChoices(const EnumDescriptor* e) const {
    auto it = enums_.find(e);
    return it == enums_.end() ? "" : it->second.choices;
  }

 private:
  struct EnumTable {
    absl::flat_hash_map<std::string, int> by_text;
    std::string choices;
  };

  Schema() {
    AddMessage(v1::CustomerProfile::descriptor());
    for (const EnumAlias& a : kEnumAliases) AddAlias(a.enum_name, a.alias, a.value);
    static constexpr const char* kLevels[] = {"一", "二", "三"};
    static constexpr const char* kClasses[] = {"甲", "乙", "丙"};
    for (int level = 0; level < 3; ++level) {
      for (int cls = 0; cls < 3; ++cls) {
        std::string value = absl::StrCat("HOSPITAL_GRADE_", level + 1, std::string(1, "ABC"[cls]));
        AddAlias("pharmacrm.v1.HospitalGrade",
                 absl::StrCat(kLevels[level], "级", kClasses[cls], "等"), value);
        AddAlias("pharmacrm.v1.HospitalGrade", absl::StrCat(kLevels[level], kClasses[cls]),
                 value);
      }
    }
  }

  void AddMessage(const Descriptor* d) {
    if (fields_.contains(d)) return;
    auto& by_key = fields_[d];
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      by_key.emplace(f->name(), f);
      by_key.emplace(f->json_name(), f);
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_ENUM) AddEnum(f->enum_type());
    }
    // Recursing only now: it inserts into fields_, which may move by_key.
    for (int i = 0; i < d->field_count(); ++i) {
      const FieldDescriptor* f = d->field(i);
      if (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) AddMessage(f->message_type());
    }
  }

  void AddEnum(const EnumDescriptor* e) {
    if (enums_.contains(e)) return;
    EnumTable& table = enums_[e];
    // The prefix shared by all value names, cut after its last '_'.
    std::string prefix = e->value(0)->name();
    for (int i = 1; i < e->value_count(); ++i) {
      const std::string& name = e->value(i)->name();
      size_t n = 0;
      while (n < prefix.size() && n < name.size() && prefix[n] == name[n]) ++n;
      prefix.resize(n);
    }
    size_t cut = prefix.rfind('_');
    prefix.resize(cut == std::string::npos ? 0 : cut + 1);
    std::vector<absl::string_view> choices;
    for (int i = 0; i < e->value_count(); ++i) {
      const EnumValueDescriptor* v = e->value(i);
      absl::string_view short_name = absl::string_view(v->name()).substr(prefix.size());
      table.by_text.emplace(absl::AsciiStrToLower(v->name()), v->number());
      table.by_text.emplace(absl::AsciiStrToLower(short_name), v->number());
      if (v->number() != 0) choices.push_back(short_name);
    }
    table.choices = absl::StrJoin(choices, ", ");
  }

  void AddAlias(absl::string_view enum_name, absl::string_view alias, absl::string_view value) {
    const EnumDescriptor* e =
        google::protobuf::DescriptorPool::generated_pool()->FindEnumTypeByName(
            std::string(enum_name));
    if (e == nullptr || !enums_.contains(e)) return;
    const EnumValueDescriptor* v = e->FindValueByName(std::string(value));
    if (v != nullptr) enums_[e].by_text.emplace(alias, v->number());
  }

  absl::flat_hash_map<const Descriptor*,
                      absl::flat_hash_map<absl::string_view, const FieldDescriptor*>>
      fields_;
  absl::flat_hash_map<const EnumDescriptor*, EnumTable> enums_;
};

// Every row, whatever its format, ends here.
void Accept(ImportRow row, const Sink& sink) {
  absl::Status status = NormalizeProfile(&row.profile);
  if (status.ok()) status = ValidateProfile(row.profile, sink.now);
  if (status.ok()) {
    sink.rows->push_back(std::move(row));
    return;
  }
  std::string field = core::FieldOf(status).value_or("");
  absl::string_view reason = status.message();
  // The message repeats the field ("profile.phone: ..."), which RowError
  // already carries.
  if (!field.empty() && absl::StartsWith(reason, field) &&
      absl::StartsWith(reason.substr(field.size()), ": ")) {
    reason.remove_prefix(field.size() + 2);
  }
  sink.Error(row.line, std::move(field), std::string(reason));
}

// --- JSON Lines ------------------------------------------------------------

// Where a JSON value sits, built on the stack while descending; turned into
// a string only for an error.
struct PathNode {
  const PathNode* parent;
  absl::string_view name;  // empty for a list element
  int index;               // list element index, or -1
};

std::string PathString(const PathNode* node) {
  if (node == nullptr) return "";
  std::string parent = PathString(node->parent);
  if (node->index >= 0) return absl::StrCat(parent, "[", node->index, "]");
  return parent.empty() ? std::string(node->name) : absl::StrCat(parent, ".", node->name);
}

// protobuf's JsonStringToMessage converts through an intermediate binary
// encoding and reached only ~25k records/s here, half the import target on
// its own; this reader sets fields directly through reflection. It covers
// the proto3 JSON mapping for the field types CustomerProfile uses (no maps
// or well-known types, which are refused rather than misread).
class JsonReader {
 public:
  explicit JsonReader(absl::string_view text)
      : begin_(text.data()), p_(text.data()), end_(text.data() + text.size()) {}

  bool ReadRecord(std::string* external_id, v1::CustomerProfile* profile) {
    if (!Consume('{')) return SyntaxError("a line must be a JSON object");
    bool seen_id = false;
    bool seen_profile = false;
    if (!Consume('}')) {
      while (true) {
        SkipSpace();
        if (p_ == end_ || *p_ != '"') return SyntaxError("expected a field name");
        if (!ReadString(&key_)) return false;
        if (!Consume(':')) return SyntaxError("expected ':'");
        if (key_ == "external_id" || key_ == "externalId") {
          PathNode at{nullptr, "external_id", -1};
          if (seen_id) return Fail(&at, "given twice");
          seen_id = true;
          if (!ReadLiteral("null")) {
            SkipSpace();
            if (p_ == end_ || *p_ != '"') return Fail(&at, "must be a string");
            if (!ReadString(&scratch_)) return false;
            *external_id = std::string(absl::StripAsciiWhitespace(scratch_));
          }
        } else if (key_ == "profile") {
          PathNode at{nullptr, "profile", -1};
          if (seen_profile) return Fail(&at, "given twice");
          seen_profile = true;
          if (!ReadLiteral("null")) {
            SkipSpace();
            if (p_ == end_ || *p_ != '{') return Fail(&at, "must be an object");
            if (!ReadMessage(profile, &at, 1)) return false;
          }
        } else {
          PathNode at{nullptr, key_, -1};
          return Fail(&at, "unknown field; a line is {\"external_id\": \"...\", "
                           "\"profile\": {...}}");
        }
        if (Consume(',')) continue;
        if (Consume('}')) break;
        return SyntaxError("expected ',' or '}'");
      }
    }
    SkipSpace();
    if (p_ != end_) return SyntaxError("unexpected text after the object");
    return true;
  }

  const std::string& field() const { return field_; }
  const std::string& reason() const { return reason_; }

 private:
  static constexpr int kMaxDepth = 32;

  bool Fail(const PathNode* at, absl::string_view reason) {
    field_ = PathString(at);
    reason_ = std::string(reason);
    return false;
  }

  bool SyntaxError(absl::string_view what) {
    field_.clear();
    reason_ = absl::StrCat("invalid JSON at byte ", p_ - begin_ + 1, ": ", what);
    return false;
  }

  void SkipSpace() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\t' || *p_ == '\r' || *p_ == '\n')) ++p_;
  }

  bool Consume(char c) {
    SkipSpace();
    if (p_ < end_ && *p_ == c) {
      ++p_;
      return true;
    }
    return false;
  }

  bool ReadLiteral(absl::string_view word) {
    SkipSpace();
    if (absl::StartsWith(absl::string_view(p_, end_ - p_), word)) {
      p_ += word.size();
      return true;
    }
    return false;
  }

  bool ReadHex4(uint32_t* out) {
    if (end_ - p_ < 4) return false;
    uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      char c = *p_++;
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= c - '0';
      } else if (c >= 'a' && c <= 'f') {
        v |= c - 'a' + 10;
      } else if (c >= 'A' && c <= 'F') {
        v |= c - 'A' + 10;
      } else {
        return false;
      }
    }
    *out = v;
    return true;
  }

  // At the opening quote.
  bool ReadString(std::string* out) {
    ++p_;
    out->clear();
    while (true) {
      const char* run = p_;
      while (p_ < end_ && *p_ != '"' && *p_ != '\\' && static_cast<unsigned char>(*p_) >= 0x20) {
        ++p_;
      }
      out->append(run, p_ - run);
      if (p_ == end_) return SyntaxError("unterminated string");
      if (*p_ == '"') {
        ++p_;
        return true;
      }
      if (*p_ != '\\') return SyntaxError("control character in a string");
      if (++p_ == end_) return SyntaxError("unterminated string");
      switch (*p_++) {
        case '"': out->push_back('"'); break;
        case '\\': out->push_back('\\'); break;
        case '/': out->push_back('/'); break;
        case 'b': out->push_back('\b'); break;
        case 'f': out->push_back('\f'); break;
        case 'n': out->push_back('\n'); break;
        case 'r': out->push_back('\r'); break;
        case 't': out->push_back('\t'); break;
        case 'u': {
          uint32_t cp;
          if (!ReadHex4(&cp)) return SyntaxError("bad \\u escape");
          if (cp >= 0xDC00 && cp <= 0xDFFF) return SyntaxError("unpaired surrogate");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            uint32_t low;
            if (end_ - p_ < 6 || p_[0] != '\\' || p_[1] != 'u') {
              return SyntaxError("unpaired surrogate");
            }
            p_ += 2;
            if (!ReadHex4(&low) || low < 0xDC00 || low > 0xDFFF) {
              return SyntaxError("unpaired surrogate");
            }
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          AppendUtf8(cp, out);
          break;
        }
        default: return SyntaxError("bad escape in a string");
      }
    }
  }

  // A number, or a string holding one (both are proto3 JSON for numbers).
  bool ReadNumberText(absl::string_view* text) {
    SkipSpace();
    if (p_ < end_ && *p_ == '"') {
      if (!ReadString(&scratch_)) return false;
      *text = scratch_;
      return true;
    }
    const char* start = p_;
    if (p_ < end_ && *p_ == '-') ++p_;
    while (p_ < end_ && (absl::ascii_isdigit(static_cast<unsigned char>(*p_)) || *p_ == '.' ||
                         *p_ == 'e' || *p_ == 'E' || *p_ == '+' || *p_ == '-')) {
      ++p_;
    }
    *text = absl::string_view(start, p_ - start);
    return true;
  }

  bool ReadMessage(Message* m, const PathNode* at, int depth) {
    if (depth > kMaxDepth) return Fail(at, "nested too deeply");
    ++p_;  // '{'
    const Descriptor* d = m->GetDescriptor();
    const Schema& schema = Schema::Get();
    absl::InlinedVector<const FieldDescriptor*, 16> seen;
    if (Consume('}')) return true;
    while (true) {
      SkipSpace();
      if (p_ == end_ || *p_ != '"') return SyntaxError("expected a field name");
      if (!ReadString(&key_)) return false;
      if (!Consume(':')) return SyntaxError("expected ':'");
      const FieldDescriptor* f = schema.JsonField(d, key_);
      if (f == nullptr) {
        PathNode unknown{at, key_, -1};
        return Fail(&unknown, "unknown field");
      }
      PathNode child{at, f->name(), -1};
      for (const FieldDescriptor* s : seen) {
        if (s == f) return Fail(&child, "given twice");
      }
      seen.push_back(f);
      if (!ReadField(m, f, &child, depth)) return false;
      if (Consume(',')) continue;
      if (Consume('}')) return true;
      return SyntaxError("expected ',' or '}'");
    }
  }

  bool ReadField(Message* m, const FieldDescriptor* f, const PathNode* at, int depth) {
    if (ReadLiteral("null")) return true;
    if (f->is_map() ||
        (f->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE &&
         f->message_type()->well_known_type() != Descriptor::WELLKNOWNTYPE_UNSPECIFIED)) {
      return Fail(at, "this field type cannot be imported");
    }
    if (const auto* oneof = f->real_containing_oneof()) {
      const FieldDescriptor* set = m->GetReflection()->GetOneofFieldDescriptor(*m, oneof);
      if (set != nullptr && set != f) {
        return Fail(at, absl::StrCat("only one of ", oneof->name(), " may be set, and ",
                                     set->name(), " is set too"));
      }
    }
    if (!f->is_repeated()) return ReadValue(m, f, at, depth);
    if (!Consume('[')) return Fail(at, "must be a list");
    if (Consume(']')) return true;
    for (int i = 0;; ++i) {
      PathNode element{at, "", i};
      if (ReadLiteral("null")) return Fail(&element, "null in a list");
      if (!ReadValue(m, f, &element, depth)) return false;
      if (Consume(',')) continue;
      if (Consume(']')) return true;
      return SyntaxError("expected ',' or ']'");
    }
  }

  // One value of `f` (the field, or one element of a repeated field).
  bool ReadValue(Message* m, const FieldDescriptor* f, const PathNode* at, int depth) {
    const Reflection* r = m->GetReflection();
    const bool repeated = f->is_repeated();
    SkipSpace();
    if (p_ == end_) return SyntaxError("unexpected end of line");
    const char c = *p_;
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_MESSAGE: {
        if (c != '{') return Fail(at, "must be an object");
        Message* sub = repeated ? r->AddMessage(m, f) : r->MutableMessage(m, f);
        return ReadMessage(sub, at, depth + 1);
      }
      case FieldDescriptor::CPPTYPE_STRING: {
        if (c != '"') return Fail(at, "must be a string");
        if (!ReadString(&scratch_)) return false;
        std::string value;
        if (f->type() == FieldDescriptor::TYPE_BYTES) {
          if (!absl::Base64Unescape(scratch_, &value) &&
              !absl::WebSafeBase64Unescape(scratch_, &value)) {
            return Fail(at, "must be base64");
          }
        } else {
          value = std::move(scratch_);
        }
        repeated ? r->AddString(m, f, std::move(value)) : r->SetString(m, f, std::move(value));
        return true;
      }
      case FieldDescriptor::CPPTYPE_BOOL: {
        bool v;
        if (ReadLiteral("true")) {
          v = true;
        } else if (ReadLiteral("false")) {
          v = false;
        } else {
          return Fail(at, "must be true or false");
        }
        repeated ? r->AddBool(m, f, v) : r->SetBool(m, f, v);
        return true;
      }
      case FieldDescriptor::CPPTYPE_ENUM: {
        const EnumValueDescriptor* v = nullptr;
        if (c == '"') {
          if (!ReadString(&scratch_)) return false;
          v = f->enum_type()->FindValueByName(scratch_);
          if (v == nullptr) {
            return Fail(at, absl::StrCat("'", scratch_, "' is not a ", f->enum_type()->name()));
          }
        } else {
          absl::string_view text;
          if (!ReadNumberText(&text)) return false;
          int32_t number;
          if (!absl::SimpleAtoi(text, &number) ||
              (v = f->enum_type()->FindValueByNumber(number)) == nullptr) {
            return Fail(at, absl::StrCat("must be a ", f->enum_type()->name(), " name"));
          }
        }
        repeated ? r->AddEnumValue(m, f, v->number()) : r->SetEnumValue(m, f, v->number());
        return true;
      }
      default: break;
    }
    if (c != '"' && c != '-' && !absl::ascii_isdigit(static_cast<unsigned char>(c))) {
      return Fail(at, "must be a number");
    }
    absl::string_view text;
    if (!ReadNumberText(&text)) return false;
    switch (f->cpp_type()) {
      case FieldDescriptor::CPPTYPE_INT32: {
        int32_t v;
        if (!ParseInteger(text, &v)) return Fail(at, "must be a 32-bit whole number");
        repeated ? r->AddInt32(m, f, v) : r->SetInt32(m, f, v);
        return true;
      }
      case FieldDescriptor::CPPTYPE_INT64: {
        int64_t v;
        if (!ParseInteger(text, &v)) return Fail(at, "must be a 64-bit whole number");
        repeated ? r->AddInt64(m, f, v) : r->SetInt64(m, f, v);
        return true;
      }
      case FieldDescriptor::CPPTYPE_UINT32: {
        uint32_t v;
        if (!ParseInteger(text, &v)) return Fail(at, "must be a 32-bit unsigned whole number");
        repeated ? r->AddUInt32(m, f, v) : r->SetUInt32(m, f, v);
        return true;
      }
      case FieldDescriptor::CPPTYPE_UINT64: {
        uint64_t v;
        if (!ParseInteger(text, &v)) return Fail(at, "must be a 64-bit unsigned whole number");
        repeated ? r->AddUInt64(m, f, v) : r->SetUInt64(m, f, v);
        return true;
      }
      case FieldDescriptor::CPPTYPE_DOUBLE: {
        double v;
        if (!ParseFinite(text, &v)) return Fail(at, "must be a finite number");
        repeated ? r->AddDouble(m, f, v) : r->SetDouble(m, f, v);
        return true;
      }
      case FieldDescriptor::CPPTYPE_FLOAT: {
        double v;
        if (!ParseFinite(text, &v) || !std::isfinite(static_cast<float>(v))) {
          return Fail(at, "must be a finite number");
        }
        repeated ? r->AddFloat(m, f, static_cast<float>(v))
                 : r->SetFloat(m, f, static_cast<float>(v));
        return true;
      }
      default: return Fail(at, "this field type cannot be imported");
    }
  }

  const char* const begin_;
  const char* p_;
  const char* const end_;
  std::string key_;
  std::string scratch_;
  std::string field_;
  std::string reason_;
};

class JsonLinesReader {
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
  static void Line(int64_t line, absl::string_view text, bool too_long, const Sink& sink) {
    if (too_long) {
      sink.Error(line, "", absl::StrCat("line longer than ", kMaxRowBytes, " bytes"));
      return;
    }
    if (absl::StripAsciiWhitespace(text).empty()) return;
    if (!IsValidUtf8(text)) {
      sink.Error(line, "", std::string(kNotUtf8));
      return;
    }
    ImportRow row;
    row.line = line;
    JsonReader reader(text);
    if (!reader.ReadRecord(&row.external_id, &row.profile)) {
      sink.Error(line, reader.field(), reader.reason());
      return;
    }
    Accept(std::move(row), sink);
  }

  LineSplitter lines_{kMaxRowBytes};
};

// --- CSV -------------------------------------------------------------------

struct Column {
  std::string header;  // as written (trimmed), for errors
  bool external_id = false;
  std::vector<const FieldDescriptor*> path;  // from CustomerProfile to the target
  const FieldDescriptor* details = nullptr;  // the `details` member on the path
};

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

class CsvReader {
 public:
  void Consume(absl::string_view bytes, const Sink& sink) {
    const char* p = bytes.data();
    const char* const end = p + bytes.size();
    while (p < end) {
      switch (state_) {
        case State::kFieldStart:
          if (*p == '"') {
            ++p;
            state_ = State::kQuoted;
            quote_line_ = line_;
            prev_cr_ = false;
          } else if (*p == '\n' && prev_cr_) {
            ++p;  // the LF of a CRLF whose CR ended the record
            prev_cr_ = false;
          } else {
            state_ = State::kUnquoted;
          }
          break;
        case State::kUnquoted: {
          const char* run = p;
          while (p < end && *p != ',' && *p != '\n' && *p != '\r') ++p;
          if (p > run) {
            Append(run, p - run);
            prev_cr_ = false;
          }
          if (p == end) break;
          const char c = *p++;
          state_ = State::kFieldStart;
          if (c == ',') {
            NextField();
            prev_cr_ = false;
          } else {
            ++line_;
            prev_cr_ = c == '\r';
            EndRecord(sink);
          }
          break;
        }
        case State::kQuoted: {
          const char* run = p;
          while (p < end && *p != '"' && *p != '\n' && *p != '\r') ++p;
          if (p > run) {
            Append(run, p - run);
            prev_cr_ = false;
          }
          if (p == end) break;
          const char c = *p++;
          if (c == '"') {
            state_ = State::kQuotedQuote;
          } else {
            // A line break inside quotes is data, but still a line of the
            // file for the line numbers.
            if (c == '\r' || !prev_cr_) ++line_;
            Append(&c, 1);
          }
          prev_cr_ = c == '\r';
          break;
        }
        case State::kQuotedQuote:
          if (*p == '"') {
            Append(p, 1);
            ++p;
            state_ = State::kQuoted;
          } else {
            // The quoted part is over; kUnquoted handles the separator or
            // keeps stray text as data.
            state_ = State::kUnquoted;
          }
          break;
      }
    }
  }

  void End(const Sink& sink) {
    if (state_ == State::kQuoted) {
      std::string field;
      if (header_ok_ && field_count_ <= columns_.size()) field = columns_[field_count_ - 1].header;
      sink.Error(record_line_, std::move(field),
                 absl::StrCat("unterminated quoted field (the quote opened on line ",
                              quote_line_, ")"));
      have_header_ = true;
    } else if (field_count_ > 1 || !fields_[0].empty() || too_long_) {
      EndRecord(sink);
    }
    ResetRecord();
    state_ = State::kFieldStart;
    if (!have_header_) sink.Error(1, "", "no header line: the first line must name the columns");
  }

 private:
  enum class State { kFieldStart, kUnquoted, kQuoted, kQuotedQuote };

  void Append(const char* s, size_t n) {
    record_bytes_ += n;
    if (record_bytes_ > kMaxRowBytes) {
      too_long_ = true;
      return;
    }
    fields_[field_count_ - 1].append(s, n);
  }

  void NextField() {
    if (++record_bytes_ > kMaxRowBytes || field_count_ == kMaxCsvFields) {
      too_long_ = true;
      return;
    }
    if (field_count_ == fields_.size()) fields_.emplace_back();
    fields_[field_count_++].clear();
  }

  void ResetRecord() {
    field_count_ = 1;
    fields_[0].clear();
    record_bytes_ = 0;
    too_long_ = false;
  }

  void EndRecord(const Sink& sink) {
    const int64_t line = record_line_;
    record_line_ = line_;
    if (too_long_) {
      sink.Error(line, "",
                 absl::StrCat("row longer than ", kMaxRowBytes, " bytes or ", kMaxCsvFields,
                              " fields (an unterminated quote?)"));
      if (!have_header_) {
        have_header_ = true;
        header_line_ = line;
      }
    } else {
      bool blank = true;
      for (size_t i = 0; i < field_count_ && blank; ++i) {
        blank = absl::StripAsciiWhitespace(fields_[i]).empty();
      }
      if (!blank) have_header_ ? Row(line, sink) : Header(line, sink);
    }
    ResetRecord();
  }

  void Header(int64_t line, const Sink& sink) {
    have_header_ = true;
    header_line_ = line;
    bool ok = true;
    absl::flat_hash_set<std::string> seen;
    for (size_t i = 0; i < field_count_; ++i) {
      std::string written(absl::StripAsciiWhitespace(fields_[i]));
      std::string position = absl::StrCat("column ", i + 1);
      if (!IsValidUtf8(written)) {
        sink.Error(line, position, std::string(kNotUtf8));
        ok = false;
        continue;
      }
      if (written.empty()) {
        sink.Error(line, position, "has no name");
        ok = false;
        continue;
      }
      std::string key = absl::AsciiStrToLower(written);
      if (absl::StartsWith(key, "profile.")) key.erase(0, 8);
      if (!seen.insert(key).second) {
        sink.Error(line, written, "named twice");
        ok = false;
        continue;
      }
      Column col;
      col.header = written;
      std::string reason;
      if (!ResolveColumn(key, &col, &reason)) {
        sink.Error(line, written, std::move(reason));
        ok = false;
        continue;
      }
      columns_.push_back(std::move(col));
    }
    for (const char* required : {"kind", "name"}) {
      if (!seen.contains(required)) {
        sink.Error(line, required, "missing column: every row needs one");
        ok = false;
      }
    }
    header_ok_ = ok;
  }

  void Row(int64_t line, const Sink& sink) {
    if (!header_ok_) {
      sink.Error(line, "",
                 absl::StrCat("not imported: the header on line ", header_line_, " is invalid"));
      return;
    }
    if (field_count_ != columns_.size()) {
      sink.Error(line, "",
                 absl::StrCat("has ", field_count_, " fields, but the header has ",
                              columns_.size()));
      return;
    }
    ImportRow row;
    row.line = line;
    bool ok = true;
    const Column* details = nullptr;
    for (size_t i = 0; i < field_count_; ++i) {
      absl::string_view cell = absl::StripAsciiWhitespace(fields_[i]);
      if (cell.empty()) continue;
      const Column& col = columns_[i];
      if (!IsValidUtf8(cell)) {
        sink.Error(line, col.header, std::string(kNotUtf8));
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
          sink.Error(line, col.header,
                     absl::StrCat("details of two kinds in one row (", details->header, " and ",
                                  col.header, ")"));
          ok = false;
          continue;
        }
        details = &col;
      }
      std::string reason;
      if (!SetCell(col, cell, &row.profile, &reason)) {
        sink.Error(line, col.header, std::move(reason));
        ok = false;
      }
    }
    if (ok) Accept(std::move(row), sink);
  }

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

  bool have_header_ = false;
  bool header_ok_ = false;
  int64_t header_line_ = 0;
  std::vector<Column> columns_;
};

}  // namespace

class RowParser::Impl {
 public:
  Impl(ImportFormat format, absl::Time now) : format_(format), now_(now) {}

  absl::Time now() const { return now_; }

  void Feed(absl::string_view chunk, const Sink& sink) {
    if (finished_) return;
    // The BOM itself may arrive split across chunks.
    while (!bom_checked_ && !chunk.empty()) {
      bom_prefix_.push_back(chunk.front());
      chunk.remove_prefix(1);
      if (!absl::StartsWith(kUtf8Bom, bom_prefix_)) {
        bom_checked_ = true;
        Pass(bom_prefix_, sink);
      } else if (bom_prefix_.size() == kUtf8Bom.size()) {
        bom_checked_ = true;
      }
    }
    if (!chunk.empty()) Pass(chunk, sink);
  }

  void Finish(const Sink& sink) {
    if (finished_) return;
    finished_ = true;
    if (!bom_checked_) {
      bom_checked_ = true;
      Pass(bom_prefix_, sink);
    }
    format_ == ImportFormat::kCsv ? csv_.End(sink) : json_.End(sink);
  }

 private:
  void Pass(absl::string_view bytes, const Sink& sink) {
    format_ == ImportFormat::kCsv ? csv_.Consume(bytes, sink) : json_.Consume(bytes, sink);
  }

  const ImportFormat format_;
  const absl::Time now_;
  bool finished_ = false;
  bool bom_checked_ = false;
  std::string bom_prefix_;
  CsvReader csv_;
  JsonLinesReader json_;
};

RowParser::RowParser(ImportFormat format, absl::Time now)
    : impl_(std::make_unique<Impl>(format, now)) {}
RowParser::~RowParser() = default;
RowParser::RowParser(RowParser&&) noexcept = default;
RowParser& RowParser::operator=(RowParser&&) noexcept = default;

void RowParser::Feed(absl::string_view chunk, std::vector<ImportRow>* rows,
                     std::vector<RowError>* errors) {
  impl_->Feed(chunk, Sink{rows, errors, impl_->now()});
}

void RowParser::Finish(std::vector<ImportRow>* rows, std::vector<RowError>* errors) {
  impl_->Finish(Sink{rows, errors, impl_->now()});
}

std::vector<RowError> FindDuplicateRows(const std::vector<ImportRow>& rows) {
  std::vector<RowError> duplicates;
  absl::flat_hash_map<absl::string_view, int64_t> by_external_id;
  absl::flat_hash_map<absl::uint128, int64_t> by_name_phone;
  for (const ImportRow& row : rows) {
    std::optional<RowError> duplicate;
    if (!row.external_id.empty()) {
      auto [it, inserted] = by_external_id.try_emplace(row.external_id, row.line);
      if (!inserted) {
        duplicate = RowError{row.line, "external_id",
                             absl::StrCat("duplicate of line ", it->second, " (same external_id)")};
      }
    }
    if (std::optional<absl::uint128> key = NameAndPhoneKey(row.profile)) {
      auto [it, inserted] = by_name_phone.try_emplace(*key, row.line);
      if (!inserted && !duplicate) {
        duplicate = RowError{
            row.line, "profile.name",
            absl::StrCat("duplicate of line ", it->second, " (same kind, name and phone)")};
      }
    }
    if (duplicate) duplicates.push_back(*std::move(duplicate));
  }
  return duplicates;
}

std::optional<absl::uint128> NameAndPhoneKey(const v1::CustomerProfile& profile) {
  if (profile.phone().empty()) return std::nullopt;
  std::string lowered;
  absl::string_view name = profile.name();
  if (std::any_of(name.begin(), name.end(), [](char c) { return absl::ascii_isupper(c); })) {
    lowered = absl::AsciiStrToLower(name);
    name = lowered;
  }
  // string_views hash with their length: no name runs into the phone.
  using Fields = std::tuple<int, absl::string_view, absl::string_view>;
  const Fields fields{profile.kind(), name, profile.phone()};
  return absl::MakeUint128(absl::Hash<Fields>{}(fields),
                           absl::Hash<std::tuple<char, Fields>>{}({'k', fields}));
}

}  // namespace pharmacrm::customer_master
