#include "domain/openapi.h"

#include <deque>
#include <map>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.pb.h"
#include "nlohmann/json.hpp"
#include "pharmacrm/v1/campaigns.pb.h"
#include "pharmacrm/v1/change_alerts.pb.h"
#include "pharmacrm/v1/channel_control_service.pb.h"
#include "pharmacrm/v1/channel_service.pb.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/field_force.pb.h"
#include "pharmacrm/v1/gateway.pb.h"
#include "pharmacrm/v1/sales_pipeline.pb.h"
#include "pharmacrm/v1/sales_process.pb.h"
#include "pharmacrm/v1/service_desk.pb.h"
#include "pharmacrm/v1/value_scoring.pb.h"

namespace pharmacrm::gateway {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::FieldDescriptor;
using Json = nlohmann::ordered_json;

// A descriptor's leading comment, else its trailing one, with the comment
// markers' indentation removed; "" if the pool has no source info.
template <typename D>
std::string CommentOf(const D* d) {
  google::protobuf::SourceLocation location;
  if (!d->GetSourceLocation(&location)) return "";
  const std::string& text =
      !location.leading_comments.empty() ? location.leading_comments : location.trailing_comments;
  std::vector<std::string> lines;
  for (absl::string_view line : absl::StrSplit(text, '\n')) {
    lines.emplace_back(absl::StripAsciiWhitespace(line));
  }
  return std::string(absl::StripAsciiWhitespace(absl::StrJoin(lines, "\n")));
}

void Describe(Json& schema, const std::string& description) {
  if (!description.empty()) schema["description"] = description;
}

std::string Ref(const std::string& full_name) { return absl::StrCat("#/components/schemas/", full_name); }

// Names the schemas a document needs; each message and enum once.
class Schemas {
 public:
  // The schema of one value of `field` (ignoring repetition), queuing the
  // messages and enums it refers to.
  Json ValueSchema(const FieldDescriptor* field) {
    switch (field->type()) {
      case FieldDescriptor::TYPE_STRING: return {{"type", "string"}};
      case FieldDescriptor::TYPE_BYTES: return {{"type", "string"}, {"format", "byte"}};
      case FieldDescriptor::TYPE_BOOL: return {{"type", "boolean"}};
      case FieldDescriptor::TYPE_DOUBLE: return {{"type", "number"}, {"format", "double"}};
      case FieldDescriptor::TYPE_FLOAT: return {{"type", "number"}, {"format", "float"}};
      case FieldDescriptor::TYPE_INT32:
      case FieldDescriptor::TYPE_SINT32:
      case FieldDescriptor::TYPE_SFIXED32: return {{"type", "integer"}, {"format", "int32"}};
      case FieldDescriptor::TYPE_UINT32:
      case FieldDescriptor::TYPE_FIXED32: return {{"type", "integer"}, {"format", "int64"}, {"minimum", 0}};
      // proto3 JSON writes 64-bit integers as strings (and reads either).
      case FieldDescriptor::TYPE_INT64:
      case FieldDescriptor::TYPE_SINT64:
      case FieldDescriptor::TYPE_SFIXED64: return {{"type", "string"}, {"format", "int64"}};
      case FieldDescriptor::TYPE_UINT64:
      case FieldDescriptor::TYPE_FIXED64: return {{"type", "string"}, {"format", "uint64"}};
      case FieldDescriptor::TYPE_ENUM: return RefTo(field->enum_type());
      case FieldDescriptor::TYPE_MESSAGE:
      case FieldDescriptor::TYPE_GROUP: return MessageSchema(field->message_type());
    }
    return Json::object();
  }

  // The schema of `field` as a property: arrays and maps included.
  Json FieldSchema(const FieldDescriptor* field) {
    Json schema;
    if (field->is_map()) {
      schema = {{"type", "object"}, {"additionalProperties", ValueSchema(field->message_type()->map_value())}};
    } else if (field->is_repeated()) {
      schema = {{"type", "array"}, {"items", ValueSchema(field)}};
    } else {
      schema = ValueSchema(field);
    }
    if (schema.contains("$ref")) {
      // OpenAPI 3.0 ignores siblings of $ref: wrap it to keep the description.
      schema = {{"allOf", Json::array({schema})}};
    }
    Describe(schema, CommentOf(field));
    return schema;
  }

  // A message by reference, or a well-known type inline.
  Json MessageSchema(const Descriptor* type) {
    const std::string& name = type->full_name();
    if (name == "google.protobuf.Timestamp") return {{"type", "string"}, {"format", "date-time"}};
    if (name == "google.protobuf.Duration") return {{"type", "string"}, {"example", "1.5s"}};
    if (name == "google.protobuf.FieldMask") {
      return {{"type", "string"}, {"description", "Comma-separated field paths."}};
    }
    if (name == "google.protobuf.Struct") return {{"type", "object"}};
    if (name == "google.protobuf.Value") return Json::object();
    if (name == "google.protobuf.ListValue") return {{"type", "array"}, {"items", Json::object()}};
    if (name == "google.protobuf.Empty") return {{"type", "object"}};
    if (name == "google.protobuf.Any") {
      return {{"type", "object"},
              {"properties", {{"@type", {{"type", "string"}}}}},
              {"additionalProperties", true}};
    }
    if (type->file()->name() == "google/protobuf/wrappers.proto") {
      Json inner = ValueSchema(type->field(0));
      inner["nullable"] = true;
      return inner;
    }
    return RefTo(type);
  }

  Json RefTo(const Descriptor* type) {
    if (seen_.insert(type->full_name()).second) messages_.push_back(type);
    return {{"$ref", Ref(type->full_name())}};
  }
  Json RefTo(const EnumDescriptor* type) {
    if (seen_.insert(type->full_name()).second) enums_.push_back(type);
    return {{"$ref", Ref(type->full_name())}};
  }

  // components/schemas: every message and enum referred to so far, and
  // those they refer to, by name.
  Json Components() {
    std::map<std::string, Json> out;
    while (!messages_.empty()) {
      const Descriptor* type = messages_.front();
      messages_.pop_front();
      Json properties = Json::object();
      for (int i = 0; i < type->field_count(); ++i) {
        properties[type->field(i)->name()] = FieldSchema(type->field(i));
      }
      Json schema = {{"type", "object"}};
      Describe(schema, CommentOf(type));
      schema["properties"] = std::move(properties);
      out[type->full_name()] = std::move(schema);
    }
    for (const EnumDescriptor* type : enums_) {
      Json names = Json::array();
      std::string values;
      for (int i = 0; i < type->value_count(); ++i) {
        names.push_back(type->value(i)->name());
        std::string comment = CommentOf(type->value(i));
        if (!comment.empty()) absl::StrAppend(&values, "\n- ", type->value(i)->name(), ": ", comment);
      }
      Json schema = {{"type", "string"}};
      std::string description = CommentOf(type);
      if (!values.empty()) absl::StrAppend(&description, description.empty() ? "" : "\n", "Values:", values);
      Describe(schema, description);
      schema["enum"] = std::move(names);
      out[type->full_name()] = std::move(schema);
    }
    Json schemas = Json::object();
    for (auto& [name, schema] : out) schemas[name] = std::move(schema);
    schemas["Error"] = ErrorSchema();
    return schemas;
  }

 private:
  static Json ErrorSchema() {
    Json codes = Json::array();
    for (const char* code : {"CANCELLED", "UNKNOWN", "INVALID_ARGUMENT", "DEADLINE_EXCEEDED", "NOT_FOUND",
                             "ALREADY_EXISTS", "PERMISSION_DENIED", "RESOURCE_EXHAUSTED",
                             "FAILED_PRECONDITION", "ABORTED", "OUT_OF_RANGE", "UNIMPLEMENTED", "INTERNAL",
                             "UNAVAILABLE", "DATA_LOSS", "UNAUTHENTICATED"}) {
      codes.push_back(code);
    }
    Json detail = {
        {"type", "object"},
        {"required", {"code", "message", "message_zh"}},
        {"properties",
         {{"code", {{"type", "string"}, {"description", "The gRPC status code's name."}, {"enum", codes}}},
          {"message", {{"type", "string"}, {"description", "The problem, in English."}}},
          {"field",
           {{"type", "string"},
            {"description", "The request field at fault (a dotted path), when there is one."}}},
          {"message_zh", {{"type", "string"}, {"description", "A short summary in Simplified Chinese."}}}}}};
    return {{"type", "object"},
            {"description",
             "Every answer other than success: the status code follows google.api's HTTP mapping of "
             "the gRPC code (400 INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE; 404 NOT_FOUND; "
             "405 a path served with other methods, listed in Allow; 409 ABORTED, ALREADY_EXISTS; "
             "413 a body over the gateway's limit; 429 RESOURCE_EXHAUSTED; 503 UNAVAILABLE; 504 "
             "DEADLINE_EXCEEDED)."},
            {"required", {"error"}},
            {"properties", {{"error", detail}}}};
  }

  std::set<std::string> seen_;
  std::deque<const Descriptor*> messages_;
  std::vector<const EnumDescriptor*> enums_;
};

// True if a query parameter can set a field of this message type (a
// well-known type written as one string).
bool ScalarMessage(const Descriptor* type) {
  const std::string& name = type->full_name();
  return name == "google.protobuf.Timestamp" || name == "google.protobuf.Duration" ||
         name == "google.protobuf.FieldMask" || type->file()->name() == "google/protobuf/wrappers.proto";
}

// protoc's JSON name of a field without a json_name option (descriptor
// sets carry a json_name for every field, so has_json_name() cannot tell).
std::string DefaultJsonName(absl::string_view name) {
  std::string out;
  bool upper = false;
  for (char c : name) {
    if (c == '_') {
      upper = true;
    } else {
      out.push_back(upper ? absl::ascii_toupper(c) : c);
      upper = false;
    }
  }
  return out;
}

// The query parameters of a route: field paths below `type` at `prefix`.
void QueryParameters(const Descriptor* type, const std::string& prefix, const std::set<std::string>& excluded,
                     int depth, Schemas& schemas, Json& out) {
  if (depth > 4) return;  // Recursive messages: a few levels are plenty.
  for (int i = 0; i < type->field_count(); ++i) {
    const FieldDescriptor* field = type->field(i);
    std::string name = absl::StrCat(prefix, field->name());
    if (excluded.count(name) > 0 || field->is_map()) continue;
    if (field->message_type() != nullptr && !ScalarMessage(field->message_type())) {
      if (!field->is_repeated()) QueryParameters(field->message_type(), name + ".", excluded, depth + 1, schemas, out);
      continue;
    }
    // An explicit json_name ("from" for from_period) is the name clients use.
    if (field->json_name() != DefaultJsonName(field->name())) name = absl::StrCat(prefix, field->json_name());
    Json parameter = {{"name", name}, {"in", "query"}, {"required", false}};
    Describe(parameter, CommentOf(field));
    Json schema = field->is_repeated() ? Json{{"type", "array"}, {"items", schemas.ValueSchema(field)}}
                                       : schemas.ValueSchema(field);
    parameter["schema"] = std::move(schema);
    if (field->is_repeated()) {
      parameter["style"] = "form";
      parameter["explode"] = true;
    }
    out.push_back(std::move(parameter));
  }
}

// The OpenAPI form of a template: variables keep their field path.
std::string OpenApiPath(const PathTemplate& t) {
  std::string out;
  for (const PathTemplate::Segment& s : t.segments) {
    switch (s.kind) {
      case PathTemplate::Segment::kLiteral: absl::StrAppend(&out, "/", s.text); break;
      case PathTemplate::Segment::kVariable: absl::StrAppend(&out, "/{", s.text, "}"); break;
      case PathTemplate::Segment::kWildcard: absl::StrAppend(&out, "/*"); break;
    }
  }
  return out;
}

}  // namespace

absl::StatusOr<DescriptorSet> LoadDescriptorSet(std::string_view bytes) {
  google::protobuf::FileDescriptorSet set;
  if (!set.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()))) {
    return absl::InvalidArgumentError("descriptor set: does not parse");
  }
  DescriptorSet out;
  out.pool = std::make_unique<google::protobuf::DescriptorPool>();
  for (const google::protobuf::FileDescriptorProto& file : set.file()) {
    if (out.pool->BuildFile(file) == nullptr) {
      return absl::InvalidArgumentError(absl::StrCat("descriptor set: ", file.name(), " does not build"));
    }
    out.files.push_back(file.name());
  }
  return out;
}

std::vector<const google::protobuf::ServiceDescriptor*> ServicesOfPackage(
    const google::protobuf::DescriptorPool& pool, absl::Span<const std::string> files,
    absl::string_view package) {
  // A generated file is in the generated pool only if its object is linked,
  // and a static library contributes only the objects something refers to:
  // naming one message of each file that declares a service links them all
  // (a file missing here shows as "the descriptor set has N services, this
  // binary M" at the gateway's start, and in openapi_test).
  static const google::protobuf::Descriptor* const kServiceFiles[] = {
      v1::Customer360::descriptor(),          v1::RegisterCustomerRequest::descriptor(),
      v1::LogVisitRequest::descriptor(),      v1::UpsertProductRequest::descriptor(),
      v1::GetAudienceMemberRequest::descriptor(), v1::GetContactCardRequest::descriptor(),
      v1::GetCustomerValueRequest::descriptor(), v1::ReportStockRequest::descriptor(),
      v1::UpsertRepRequest::descriptor(),      v1::RecordChangeRequest::descriptor()};
  (void)kServiceFiles;
  std::vector<const google::protobuf::ServiceDescriptor*> out;
  for (const std::string& name : files) {
    const google::protobuf::FileDescriptor* file = pool.FindFileByName(name);
    if (file == nullptr || file->package() != package) continue;
    for (int i = 0; i < file->service_count(); ++i) out.push_back(file->service(i));
  }
  return out;
}

std::string BuildOpenApi(absl::Span<const HttpRoute> routes, const OpenApiInfo& info) {
  Schemas schemas;
  Json paths = Json::object();
  std::map<std::string, int> bindings;  // RPC → routes seen, for operationIds.
  for (const HttpRoute& route : routes) {
    const google::protobuf::MethodDescriptor* method = route.method;
    const Descriptor* input = method->input_type();
    std::string operation_id = absl::StrCat(method->service()->name(), "_", method->name());
    if (int n = bindings[method->full_name()]++; n > 0) absl::StrAppend(&operation_id, "_", n);
    Json operation = {{"operationId", operation_id}, {"tags", {method->service()->name()}}};
    std::string description = CommentOf(method);
    Describe(operation, absl::StrCat(description, description.empty() ? "" : "\n\n", "gRPC: ",
                                     method->service()->full_name(), "/", method->name(), "."));
    Json parameters = Json::array();
    std::set<std::string> excluded;
    for (const PathTemplate::Segment& s : route.path.segments) {
      if (s.kind != PathTemplate::Segment::kVariable) continue;
      std::vector<const FieldDescriptor*> path = FindFieldPath(input, s.text);
      std::string canonical;
      for (const FieldDescriptor* f : path) absl::StrAppend(&canonical, canonical.empty() ? "" : ".", f->name());
      excluded.insert(canonical);
      Json parameter = {{"name", s.text}, {"in", "path"}, {"required", true}};
      Describe(parameter, CommentOf(path.back()));
      parameter["schema"] = schemas.ValueSchema(path.back());
      parameters.push_back(std::move(parameter));
    }
    for (const auto& [field, value] : route.fixed_fields) excluded.insert(field);
    if (!route.body.empty() && route.body != "*") excluded.insert(route.body);
    if (route.body != "*") QueryParameters(input, "", excluded, 0, schemas, parameters);
    if (!parameters.empty()) operation["parameters"] = std::move(parameters);
    if (!route.body.empty()) {
      const Descriptor* body_type =
          route.body == "*" ? input : input->FindFieldByName(route.body)->message_type();
      operation["requestBody"] = {
          {"required", true},
          {"content", {{"application/json", {{"schema", schemas.MessageSchema(body_type)}}}}}};
    }
    std::string success = std::to_string(route.success_status);
    Json responses = Json::object();
    responses[success] = {
        {"description", absl::StrCat(method->output_type()->name(), " (fields above the gateway's data "
                                                                    "class left out; header "
                                                                    "x-pharmacrm-withheld-fields: how many)")},
        {"content", {{"application/json", {{"schema", schemas.MessageSchema(method->output_type())}}}}}};
    responses["default"] = {
        {"description", "An error: the status and its code as in the Error schema."},
        {"content", {{"application/json", {{"schema", {{"$ref", Ref("Error")}}}}}}}};
    operation["responses"] = std::move(responses);
    paths[OpenApiPath(route.path)][absl::AsciiStrToLower(route.verb)] = std::move(operation);
  }
  Json doc = {{"openapi", "3.0.3"},
              {"info", {{"title", info.title}, {"version", info.version}}}};
  if (!info.description.empty()) doc["info"]["description"] = info.description;
  doc["paths"] = std::move(paths);
  doc["components"] = {{"schemas", schemas.Components()}};
  return doc.dump(2);
}

}  // namespace pharmacrm::gateway
