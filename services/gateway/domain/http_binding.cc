#include "domain/http_binding.h"

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/strip.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/protobuf/duration.pb.h"
#include "google/protobuf/field_mask.pb.h"
#include "google/protobuf/text_format.h"
#include "google/protobuf/timestamp.pb.h"
#include "google/protobuf/util/field_mask_util.h"
#include "google/protobuf/util/json_util.h"
#include "google/protobuf/util/time_util.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;

// True if `s` is well-formed UTF-8 (no overlongs, surrogates or values
// above U+10FFFF): protobuf string fields must be.
bool IsUtf8(absl::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    int extra;
    uint32_t code;
    if (c < 0x80) {
      ++i;
      continue;
    } else if (c >= 0xC2 && c <= 0xDF) {
      extra = 1, code = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      extra = 2, code = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      extra = 3, code = c & 0x07;
    } else {
      return false;
    }
    if (i + extra >= s.size()) return false;
    for (int k = 1; k <= extra; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) return false;
      code = (code << 6) | (cc & 0x3F);
    }
    if ((extra == 2 && (code < 0x800 || (code >= 0xD800 && code <= 0xDFFF))) ||
        (extra == 3 && (code < 0x10000 || code > 0x10FFFF))) {
      return false;
    }
    i += extra + 1;
  }
  return true;
}

// The message holding the last field of `path` (creating the ones between).
Message* Holder(Message* root, const std::vector<const FieldDescriptor*>& path) {
  Message* m = root;
  for (size_t i = 0; i + 1 < path.size(); ++i) m = m->GetReflection()->MutableMessage(m, path[i]);
  return m;
}

// A well-known message type written as text (see BindHttpRequest).
absl::Status ParseWellKnown(const std::string& name, const std::string& value, Message* out) {
  const Descriptor* type = out->GetDescriptor();
  const std::string& full = type->full_name();
  std::string bytes;
  if (full == "google.protobuf.Timestamp") {
    google::protobuf::Timestamp t;
    if (!google::protobuf::util::TimeUtil::FromString(value, &t)) {
      return core::FieldError(name, "not an RFC 3339 time, e.g. 2026-01-31T00:00:00Z");
    }
    bytes = t.SerializeAsString();
  } else if (full == "google.protobuf.Duration") {
    google::protobuf::Duration d;
    if (!google::protobuf::util::TimeUtil::FromString(value, &d)) {
      return core::FieldError(name, "not a duration in seconds, e.g. 1.5s");
    }
    bytes = d.SerializeAsString();
  } else if (full == "google.protobuf.FieldMask") {
    google::protobuf::FieldMask mask;
    google::protobuf::util::FieldMaskUtil::FromString(value, &mask);
    bytes = mask.SerializeAsString();
  } else if (absl::StartsWith(full, "google.protobuf.") && absl::EndsWith(full, "Value") &&
             type->field_count() == 1 && type->field(0)->name() == "value") {
    return absl::OkStatus();  // Handled by the caller, through the wrapper's field.
  } else {
    return core::FieldError(name, absl::StrCat("a ", type->name(), " cannot be set from the query string"));
  }
  out->Clear();
  if (!out->ParseFromString(bytes)) return core::FieldError(name, "cannot be set");
  return absl::OkStatus();
}

bool IsWrapper(const Descriptor* type) {
  return type->file()->name() == "google/protobuf/wrappers.proto";
}

// Sets (or, for a repeated field, adds) `field` of `m` from `value`.
absl::Status SetFromText(const std::string& name, const FieldDescriptor* field, const std::string& value,
                         Message* m) {
  const Reflection* r = m->GetReflection();
  bool rep = field->is_repeated();
  auto bad = [&](absl::string_view what) { return core::FieldError(name, absl::StrCat("'", value, "' is not ", what)); };
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string v = value;
      if (field->type() == FieldDescriptor::TYPE_BYTES) {
        if (!absl::Base64Unescape(value, &v) && !absl::WebSafeBase64Unescape(value, &v)) return bad("base64");
      } else if (!IsUtf8(value)) {
        return core::FieldError(name, "not UTF-8 text");
      }
      rep ? r->AddString(m, field, std::move(v)) : r->SetString(m, field, std::move(v));
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT32: {
      int32_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("a 32-bit integer");
      rep ? r->AddInt32(m, field, v) : r->SetInt32(m, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_INT64: {
      int64_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("an integer");
      rep ? r->AddInt64(m, field, v) : r->SetInt64(m, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT32: {
      uint32_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("an unsigned 32-bit integer");
      rep ? r->AddUInt32(m, field, v) : r->SetUInt32(m, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_UINT64: {
      uint64_t v;
      if (!absl::SimpleAtoi(value, &v)) return bad("an unsigned integer");
      rep ? r->AddUInt64(m, field, v) : r->SetUInt64(m, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double v;
      if (!absl::SimpleAtod(value, &v)) return bad("a number");
      rep ? r->AddDouble(m, field, v) : r->SetDouble(m, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_FLOAT: {
      float v;
      if (!absl::SimpleAtof(value, &v)) return bad("a number");
      rep ? r->AddFloat(m, field, v) : r->SetFloat(m, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_BOOL: {
      bool v;
      if (value == "true" || value == "1") {
        v = true;
      } else if (value == "false" || value == "0") {
        v = false;
      } else {
        return bad("true or false");
      }
      rep ? r->AddBool(m, field, v) : r->SetBool(m, field, v);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_ENUM: {
      const EnumValueDescriptor* e = field->enum_type()->FindValueByName(value);
      int number;
      if (e == nullptr && absl::SimpleAtoi(value, &number)) e = field->enum_type()->FindValueByNumber(number);
      if (e == nullptr) return bad(absl::StrCat("a ", field->enum_type()->name()));
      rep ? r->AddEnum(m, field, e) : r->SetEnum(m, field, e);
      return absl::OkStatus();
    }
    case FieldDescriptor::CPPTYPE_MESSAGE: {
      Message* sub = rep ? r->AddMessage(m, field) : r->MutableMessage(m, field);
      if (IsWrapper(field->message_type())) {
        return SetFromText(name, field->message_type()->field(0), value, sub);
      }
      return ParseWellKnown(name, value, sub);
    }
  }
  return core::FieldError(name, "cannot be set");
}

// The value of a singular field as text, to compare two messages' values.
std::string FieldText(const Message& m, const FieldDescriptor* field) {
  std::string out;
  google::protobuf::TextFormat::PrintFieldValueToString(m, field, -1, &out);
  return out;
}

// Sets the field at `path_text` from `value`; if `current` already has a
// value there that differs, refuses with `why`.
absl::Status SetChecked(const std::string& path_text, const std::string& value, absl::string_view why,
                        Message* request) {
  std::vector<const FieldDescriptor*> path = FindFieldPath(request->GetDescriptor(), path_text);
  if (path.empty()) return core::FieldError(path_text, "not a field");
  std::unique_ptr<Message> scratch(request->New());
  RETURN_IF_ERROR(SetFromText(path_text, path.back(), value, Holder(scratch.get(), path)));
  Message* holder = Holder(request, path);
  const FieldDescriptor* leaf = path.back();
  const Reflection* r = holder->GetReflection();
  const Message& wanted = *Holder(scratch.get(), path);
  std::unique_ptr<Message> empty(holder->New());
  bool set = leaf->has_presence() ? r->HasField(*holder, leaf) : FieldText(*holder, leaf) != FieldText(*empty, leaf);
  if (set && FieldText(*holder, leaf) != FieldText(wanted, leaf)) return core::FieldError(path_text, why);
  return SetFromText(path_text, leaf, value, holder);
}

absl::Status BindBody(const HttpRoute& route, absl::string_view body, const BindOptions& options,
                      Message* request) {
  if (body.size() > options.max_body_bytes) {
    return core::FieldError("body", absl::StrCat("over ", options.max_body_bytes, " bytes"));
  }
  if (absl::StripAsciiWhitespace(body).empty()) return core::FieldError("body", "a JSON object is required");
  Message* target = request;
  if (route.body != "*") {
    target = request->GetReflection()->MutableMessage(
        request, request->GetDescriptor()->FindFieldByName(route.body));
  }
  google::protobuf::util::JsonParseOptions parse;
  parse.ignore_unknown_fields = false;
  auto s = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(body.data(), body.size()), target, parse);
  if (!s.ok()) {
    return core::FieldError(route.body == "*" ? "body" : route.body,
                            absl::StrCat("invalid JSON for ", target->GetDescriptor()->name(), ": ",
                                         s.message().ToString()));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status BindHttpRequest(const HttpRoute& route, const PathParams& params, absl::string_view query,
                             absl::string_view body, const BindOptions& options, Message* request) {
  if (!route.body.empty()) RETURN_IF_ERROR(BindBody(route, body, options, request));
  for (const auto& [path, value] : params) {
    RETURN_IF_ERROR(SetChecked(path, value, "differs from the id in the path", request));
  }
  std::map<std::string, std::vector<std::string>> values;  // Field path → values, in order.
  std::vector<std::string> order;
  for (absl::string_view part : absl::StrSplit(query, '&', absl::SkipEmpty())) {
    std::pair<absl::string_view, absl::string_view> kv = absl::StrSplit(part, absl::MaxSplits('=', 1));
    std::string name = PercentDecode(kv.first, /*plus_is_space=*/true);
    if (route.body == "*") {
      return core::FieldError(name, "not a query parameter: this route takes its fields from the JSON body");
    }
    auto [it, added] = values.try_emplace(name);
    if (added) order.push_back(name);
    it->second.push_back(PercentDecode(kv.second, /*plus_is_space=*/true));
  }
  for (const std::string& name : order) {
    std::vector<const FieldDescriptor*> path = FindFieldPath(request->GetDescriptor(), name);
    if (path.empty()) {
      return core::FieldError(name, absl::StrCat("not a field of ", request->GetDescriptor()->name()));
    }
    for (const auto& [field, value] : route.fixed_fields) {
      std::vector<const FieldDescriptor*> fixed = FindFieldPath(request->GetDescriptor(), field);
      if (fixed == path) return core::FieldError(name, absl::StrCat("set by this route to ", value));
    }
    if (!route.body.empty() && path.front()->name() == route.body) {
      return core::FieldError(name, "set by the JSON body");
    }
    for (const auto& [field, unused] : params) {
      if (FindFieldPath(request->GetDescriptor(), field) == path) return core::FieldError(name, "set by the path");
    }
    const std::vector<std::string>& given = values[name];
    if (!path.back()->is_repeated() && given.size() > 1) {
      return core::FieldError(name, "given more than once");
    }
    for (const FieldDescriptor* f : path) {
      if (f != path.back() && f->message_type() != nullptr && IsWrapper(f->message_type())) {
        return core::FieldError(name, "not a field");
      }
    }
    for (const std::string& value : given) {
      if (value.empty()) continue;
      RETURN_IF_ERROR(SetFromText(name, path.back(), value, Holder(request, path)));
    }
  }
  for (const auto& [field, value] : route.fixed_fields) {
    RETURN_IF_ERROR(SetChecked(field, value, absl::StrCat("set by this route to ", value), request));
  }
  return absl::OkStatus();
}

}  // namespace pharmacrm::gateway
