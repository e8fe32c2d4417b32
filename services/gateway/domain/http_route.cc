#include "domain/http_route.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "google/api/annotations.pb.h"
#include "pharmacrm/v1/http_options.pb.h"

namespace pharmacrm::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::MethodDescriptor;
using google::protobuf::MethodOptions;

absl::Status TemplateError(absl::string_view text, absl::string_view why) {
  return absl::InvalidArgumentError(absl::StrCat("path template \"", text, "\": ", why));
}

// The pattern of one rule: its verb and template text.
std::pair<std::string, std::string> VerbAndPath(const google::api::HttpRule& rule) {
  switch (rule.pattern_case()) {
    case google::api::HttpRule::kGet: return {"GET", rule.get()};
    case google::api::HttpRule::kPut: return {"PUT", rule.put()};
    case google::api::HttpRule::kPost: return {"POST", rule.post()};
    case google::api::HttpRule::kDelete: return {"DELETE", rule.delete_()};
    case google::api::HttpRule::kPatch: return {"PATCH", rule.patch()};
    case google::api::HttpRule::kCustom: return {rule.custom().kind(), rule.custom().path()};
    default: return {"", ""};
  }
}

absl::StatusOr<HttpRoute> RouteOf(const MethodDescriptor* method, const google::api::HttpRule& rule) {
  auto error = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("google.api.http of ", method->full_name(), ": ", why));
  };
  if (method->client_streaming() || method->server_streaming()) {
    return error("streaming RPCs are not served over HTTP");
  }
  HttpRoute route;
  route.method = method;
  std::string path;
  std::tie(route.verb, path) = VerbAndPath(rule);
  if (route.verb.empty()) return error("no verb and path");
  absl::StatusOr<PathTemplate> parsed = ParsePathTemplate(path);
  if (!parsed.ok()) return error(parsed.status().message());
  route.path = *std::move(parsed);
  const Descriptor* input = method->input_type();
  for (const PathTemplate::Segment& s : route.path.segments) {
    if (s.kind != PathTemplate::Segment::kVariable) continue;
    std::vector<const FieldDescriptor*> fields = FindFieldPath(input, s.text);
    if (fields.empty()) return error(absl::StrCat("path variable ", s.text, " names no field of ", input->full_name()));
    const FieldDescriptor* leaf = fields.back();
    if (leaf->is_repeated() || leaf->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
      return error(absl::StrCat("path variable ", s.text, " is not a singular scalar field"));
    }
  }
  route.body = rule.body();
  if (!route.body.empty() && route.body != "*") {
    const FieldDescriptor* field = input->FindFieldByName(route.body);
    if (field == nullptr || field->is_repeated() || field->message_type() == nullptr) {
      return error(absl::StrCat("body ", route.body, " is not a singular message field of ",
                                input->full_name()));
    }
  }
  const MethodOptions& options = method->options();
  route.query = options.idempotency_level() == MethodOptions::NO_SIDE_EFFECTS;
  if (options.HasExtension(v1::http_serving)) {
    const v1::HttpServing& serving = options.GetExtension(v1::http_serving);
    if (serving.success_status() != 0) route.success_status = serving.success_status();
    route.deadline_ms = serving.deadline_ms();
    for (const std::string& fixed : serving.fixed_fields()) {
      std::pair<std::string, std::string> kv = absl::StrSplit(fixed, absl::MaxSplits('=', 1));
      if (!absl::StrContains(fixed, '=') || FindFieldPath(input, kv.first).empty()) {
        return error(absl::StrCat("fixed field \"", fixed, "\" is not field=value of ", input->full_name()));
      }
      route.fixed_fields.push_back(std::move(kv));
    }
  }
  return route;
}

// True if `a` is more specific than `b` (see RouteTable::Find).
bool MoreSpecific(const PathTemplate& a, const PathTemplate& b) {
  for (size_t i = 0; i < a.segments.size() && i < b.segments.size(); ++i) {
    bool a_literal = a.segments[i].kind == PathTemplate::Segment::kLiteral;
    bool b_literal = b.segments[i].kind == PathTemplate::Segment::kLiteral;
    if (a_literal != b_literal) return a_literal;
  }
  return false;
}

}  // namespace

std::string PercentDecode(absl::string_view s, bool plus_is_space) {
  auto hex = [](char c) { return absl::ascii_isdigit(c) ? c - '0' : absl::ascii_tolower(c) - 'a' + 10; };
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (plus_is_space && s[i] == '+') {
      out.push_back(' ');
    } else if (s[i] == '%' && i + 2 < s.size() && absl::ascii_isxdigit(s[i + 1]) &&
               absl::ascii_isxdigit(s[i + 2])) {
      out.push_back(static_cast<char>(hex(s[i + 1]) * 16 + hex(s[i + 2])));
      i += 2;
    } else {
      out.push_back(s[i]);
    }
  }
  return out;
}

absl::StatusOr<PathTemplate> ParsePathTemplate(absl::string_view text) {
  if (!absl::StartsWith(text, "/")) return TemplateError(text, "must start with '/'");
  if (absl::StrContains(text, ':')) return TemplateError(text, "custom verbs (':verb') are not served");
  PathTemplate t;
  t.text = std::string(text);
  for (absl::string_view part : absl::StrSplit(text.substr(1), '/')) {
    PathTemplate::Segment segment;
    if (part.empty()) return TemplateError(text, "empty segment");
    if (part == "**") return TemplateError(text, "'**' is not served");
    if (part == "*") {
      segment.kind = PathTemplate::Segment::kWildcard;
    } else if (part.front() == '{') {
      if (part.back() != '}' || part.size() < 3) return TemplateError(text, absl::StrCat("bad variable ", part));
      absl::string_view inner = part.substr(1, part.size() - 2);
      if (size_t eq = inner.find('='); eq != absl::string_view::npos) {
        if (inner.substr(eq + 1) != "*") {
          return TemplateError(text, absl::StrCat("variable ", part, ": only one-segment variables are served"));
        }
        inner = inner.substr(0, eq);
      }
      for (char c : inner) {
        if (!absl::ascii_isalnum(c) && c != '_' && c != '.') {
          return TemplateError(text, absl::StrCat("bad variable ", part));
        }
      }
      if (inner.empty()) return TemplateError(text, absl::StrCat("bad variable ", part));
      segment.kind = PathTemplate::Segment::kVariable;
      segment.text = std::string(inner);
    } else {
      if (absl::StrContains(part, '{') || absl::StrContains(part, '}') || absl::StrContains(part, '*')) {
        return TemplateError(text, absl::StrCat("bad segment ", part));
      }
      segment.text = std::string(part);
    }
    t.segments.push_back(std::move(segment));
  }
  return t;
}

bool MatchPath(const PathTemplate& t, absl::string_view path, PathParams* params) {
  params->clear();
  if (!absl::StartsWith(path, "/")) return false;
  std::vector<absl::string_view> parts = absl::StrSplit(path.substr(1), '/');
  if (parts.size() != t.segments.size()) return false;
  for (size_t i = 0; i < parts.size(); ++i) {
    const PathTemplate::Segment& s = t.segments[i];
    if (s.kind == PathTemplate::Segment::kLiteral) {
      if (parts[i] != s.text) return false;
    } else if (parts[i].empty()) {
      return false;
    } else if (s.kind == PathTemplate::Segment::kVariable) {
      params->emplace_back(s.text, PercentDecode(parts[i], /*plus_is_space=*/false));
    }
  }
  return true;
}

std::vector<const FieldDescriptor*> FindFieldPath(const Descriptor* type, absl::string_view path) {
  std::vector<const FieldDescriptor*> fields;
  for (absl::string_view part : absl::StrSplit(path, '.')) {
    if (type == nullptr) return {};
    const FieldDescriptor* field = type->FindFieldByName(std::string(part));
    if (field == nullptr) {
      for (int i = 0; i < type->field_count() && field == nullptr; ++i) {
        if (type->field(i)->json_name() == part) field = type->field(i);
      }
    }
    if (field == nullptr) return {};
    if (!fields.empty() && fields.back()->is_repeated()) return {};
    fields.push_back(field);
    type = field->message_type();
  }
  return fields;
}

absl::StatusOr<std::vector<HttpRoute>> RoutesFromServices(
    absl::Span<const google::protobuf::ServiceDescriptor* const> services) {
  std::vector<HttpRoute> routes;
  std::set<std::pair<std::string, std::string>> seen;
  for (const google::protobuf::ServiceDescriptor* service : services) {
    for (int m = 0; m < service->method_count(); ++m) {
      const MethodDescriptor* method = service->method(m);
      if (!method->options().HasExtension(google::api::http)) continue;
      const google::api::HttpRule& rule = method->options().GetExtension(google::api::http);
      std::vector<const google::api::HttpRule*> rules = {&rule};
      for (const google::api::HttpRule& extra : rule.additional_bindings()) rules.push_back(&extra);
      for (const google::api::HttpRule* r : rules) {
        absl::StatusOr<HttpRoute> route = RouteOf(method, *r);
        if (!route.ok()) return route.status();
        std::string shape;  // The template with every variable alike.
        for (const PathTemplate::Segment& s : route->path.segments) {
          absl::StrAppend(&shape, "/", s.kind == PathTemplate::Segment::kLiteral ? s.text : "*");
        }
        if (!seen.emplace(route->verb, shape).second) {
          return absl::InvalidArgumentError(absl::StrCat("google.api.http of ", method->full_name(), ": ",
                                                         route->verb, " ", route->path.text,
                                                         " is already the route of another RPC"));
        }
        routes.push_back(*std::move(route));
      }
    }
  }
  return routes;
}

RouteTable::RouteTable(std::vector<HttpRoute> routes) : routes_(std::move(routes)) {}

RouteTable::Lookup RouteTable::Find(absl::string_view verb, absl::string_view path) const {
  Lookup result;
  std::set<std::string> allowed;
  PathParams params;
  for (const HttpRoute& route : routes_) {
    if (!MatchPath(route.path, path, &params)) continue;
    if (route.verb != verb) {
      allowed.insert(route.verb);
      continue;
    }
    if (result.route == nullptr || MoreSpecific(route.path, result.route->path)) {
      result.route = &route;
      result.params = params;
    }
  }
  if (result.route == nullptr) result.allowed.assign(allowed.begin(), allowed.end());
  return result;
}

}  // namespace pharmacrm::gateway
