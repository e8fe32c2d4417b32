#include "domain/completeness/completeness.h"

#include <algorithm>
#include <cmath>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/ascii.h"
#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/io/tokenizer.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "google/protobuf/message.h"
#include "google/protobuf/text_format.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;
using google::protobuf::Reflection;
using google::protobuf::TextFormat;

constexpr absl::string_view kRulesName = "completeness rules";

// --- Paths ---

// The fields a path names, outermost first, or what is wrong with it.
absl::StatusOr<std::vector<const FieldDescriptor*>> ResolvePath(absl::string_view path) {
  std::vector<const FieldDescriptor*> fields;
  const Descriptor* message = v1::CustomerProfile::descriptor();
  for (absl::string_view segment : absl::StrSplit(path, '.')) {
    if (message == nullptr) {
      const FieldDescriptor* last = fields.back();
      return absl::InvalidArgumentError(
          last->is_repeated()
              ? absl::StrCat("\"", last->name(), "\" is repeated; a path cannot go inside it")
              : absl::StrCat("\"", last->name(), "\" is a ", last->type_name(),
                             ", not a message"));
    }
    if (segment.empty()) return absl::InvalidArgumentError("empty path segment");
    const FieldDescriptor* field = message->FindFieldByName(std::string(segment));
    if (field == nullptr) {
      return absl::InvalidArgumentError(
          absl::StrCat("no field \"", segment, "\" in ", message->full_name()));
    }
    fields.push_back(field);
    // Descending into a repeated message would need a rule for which
    // element counts, so paths stop at repeated fields.
    message = field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE && !field->is_repeated()
                  ? field->message_type()
                  : nullptr;
  }
  return fields;
}

// The `details` member a kind's profile may carry (0 for none).
int DetailsFieldNumberFor(v1::CustomerKind kind) {
  switch (kind) {
    case v1::CUSTOMER_KIND_HOSPITAL: return v1::CustomerProfile::kHospitalFieldNumber;
    case v1::CUSTOMER_KIND_DOCTOR: return v1::CustomerProfile::kDoctorFieldNumber;
    case v1::CUSTOMER_KIND_PHARMACY: return v1::CustomerProfile::kPharmacyFieldNumber;
    case v1::CUSTOMER_KIND_CONTACT: return v1::CustomerProfile::kContactFieldNumber;
    case v1::CUSTOMER_KIND_DISTRIBUTOR: return v1::CustomerProfile::kDistributorFieldNumber;
    case v1::CUSTOMER_KIND_PATIENT: return v1::CustomerProfile::kPatientFieldNumber;
    default: return 0;
  }
}

// --- Validation ---

// Problems TextFormat::Parser notices only after consuming the token at
// fault, and so reports at the next token: often the next line (a misspelt
// enum value is reported at the following field).
constexpr absl::string_view kReportedAtNextToken[] = {
    "Message type \"",                     // ... has no field named "x".
    "Unknown enumeration value of \"",     // ... for field "x".
    "Invalid value for boolean field \"",  // ... Value: "x".
    "Non-repeated field \"",               // ... is specified multiple times.
};

class SilentErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  void AddError(int, google::protobuf::io::ColumnNumber, const std::string&) override {}
};

// The line (from 0) of the last token of `text` before (line, column).
int LineOfTokenBefore(absl::string_view text, int line, int column) {
  google::protobuf::io::ArrayInputStream input(text.data(), static_cast<int>(text.size()));
  SilentErrorCollector silent;
  google::protobuf::io::Tokenizer tokenizer(&input, &silent);
  tokenizer.set_comment_style(google::protobuf::io::Tokenizer::SH_COMMENT_STYLE);
  tokenizer.set_require_space_after_number(false);
  tokenizer.set_allow_multiline_strings(true);
  int before = line;
  while (tokenizer.Next()) {
    const google::protobuf::io::Tokenizer::Token& token = tokenizer.current();
    if (token.line > line || (token.line == line && token.column >= column)) break;
    before = token.line;
  }
  return before;
}

// Keeps the first syntax error: later ones usually follow from it.
class FirstErrorCollector : public google::protobuf::io::ErrorCollector {
 public:
  explicit FirstErrorCollector(absl::string_view text) : text_(text) {}

  void AddError(int line, google::protobuf::io::ColumnNumber column,
                const std::string& message) override {
    if (!status_.ok()) return;
    for (absl::string_view prefix : kReportedAtNextToken) {
      if (absl::StartsWith(message, prefix)) {
        line = LineOfTokenBefore(text_, line, column);
        break;
      }
    }
    status_ =
        absl::InvalidArgumentError(absl::StrCat(kRulesName, " line ", line + 1, ": ", message));
  }

  const absl::Status& status() const { return status_; }

 private:
  absl::string_view text_;
  absl::Status status_;
};

// The line (from 1) of kinds[kind_index], of its fields[field_index] when
// >= 0, or of `leaf` inside that element when set and present; 0 without a
// parse tree. Falls back to the enclosing element because an absent field
// (a missing weight or label) has no line of its own.
int LineOf(const TextFormat::ParseInfoTree* tree, int kind_index, int field_index,
           const FieldDescriptor* leaf) {
  if (tree == nullptr) return 0;
  const FieldDescriptor* kinds = v1::CompletenessRules::descriptor()->FindFieldByNumber(
      v1::CompletenessRules::kKindsFieldNumber);
  const FieldDescriptor* fields =
      v1::KindRules::descriptor()->FindFieldByNumber(v1::KindRules::kFieldsFieldNumber);
  int line = tree->GetLocation(kinds, kind_index).line;
  const TextFormat::ParseInfoTree* element = tree->GetTreeForNested(kinds, kind_index);
  if (field_index >= 0 && element != nullptr) {
    int field_line = element->GetLocation(fields, field_index).line;
    if (field_line >= 0) line = field_line;
    element = element->GetTreeForNested(fields, field_index);
  }
  if (leaf != nullptr && element != nullptr) {
    int leaf_line = element->GetLocation(leaf, -1).line;
    if (leaf_line >= 0) line = leaf_line;
  }
  return line + 1;
}

absl::Status RuleError(int line, absl::string_view element, absl::string_view description) {
  std::string where = line > 0 ? absl::StrCat(kRulesName, " line ", line) : std::string(kRulesName);
  absl::Status status =
      absl::InvalidArgumentError(absl::StrCat(where, ": ", element, ": ", description));
  status.SetPayload(core::kFieldPayloadUrl, absl::Cord(element));
  return status;
}

absl::Status Validate(const v1::CompletenessRules& rules, const TextFormat::ParseInfoTree* tree) {
  const Descriptor* kind_rules_type = v1::KindRules::descriptor();
  const Descriptor* rule_type = v1::FieldRule::descriptor();
  auto leaf = [](const Descriptor* type, int number) { return type->FindFieldByNumber(number); };

  absl::flat_hash_map<int, int> first_index_of_kind;
  for (int i = 0; i < rules.kinds_size(); ++i) {
    const v1::KindRules& kind_rules = rules.kinds(i);
    const v1::CustomerKind kind = kind_rules.kind();
    const FieldDescriptor* kind_field = leaf(kind_rules_type, v1::KindRules::kKindFieldNumber);
    const std::string kind_element = absl::StrCat("kinds[", i, "].kind");
    if (kind == v1::CUSTOMER_KIND_UNSPECIFIED || !v1::CustomerKind_IsValid(kind)) {
      return RuleError(LineOf(tree, i, -1, kind_field), kind_element,
                       "must be a customer kind other than CUSTOMER_KIND_UNSPECIFIED");
    }
    auto [first_kind, inserted] = first_index_of_kind.emplace(kind, i);
    if (!inserted) {
      return RuleError(LineOf(tree, i, -1, kind_field), kind_element,
                       absl::StrCat(v1::CustomerKind_Name(kind), " already has rules in kinds[",
                                    first_kind->second, "]"));
    }

    absl::flat_hash_map<std::string, int> first_index_of_path;
    for (int j = 0; j < kind_rules.fields_size(); ++j) {
      const v1::FieldRule& rule = kind_rules.fields(j);
      const std::string element = absl::StrCat("kinds[", i, "].fields[", j, "]");
      auto error = [&](int number, absl::string_view name, absl::string_view description) {
        return RuleError(LineOf(tree, i, j, leaf(rule_type, number)),
                         absl::StrCat(element, ".", name), description);
      };

      absl::StatusOr<std::vector<const FieldDescriptor*>> path = ResolvePath(rule.path());
      if (!path.ok()) {
        return error(v1::FieldRule::kPathFieldNumber, "path",
                     absl::StrCat("\"", rule.path(), "\": ", path.status().message()));
      }
      const FieldDescriptor* head = path->front();
      if (head->containing_oneof() != nullptr &&
          head->number() != DetailsFieldNumberFor(kind)) {
        return error(v1::FieldRule::kPathFieldNumber, "path",
                     absl::StrCat("\"", rule.path(), "\": \"", head->name(),
                                  "\" is not the details of ", v1::CustomerKind_Name(kind)));
      }
      auto [first_path, new_path] = first_index_of_path.emplace(rule.path(), j);
      if (!new_path) {
        return error(v1::FieldRule::kPathFieldNumber, "path",
                     absl::StrCat("\"", rule.path(), "\" already has a rule in ", "kinds[", i,
                                  "].fields[", first_path->second, "]"));
      }
      if (rule.importance() != v1::IMPORTANCE_REQUIRED &&
          rule.importance() != v1::IMPORTANCE_RECOMMENDED) {
        return error(v1::FieldRule::kImportanceFieldNumber, "importance",
                     "must be IMPORTANCE_REQUIRED or IMPORTANCE_RECOMMENDED");
      }
      // `!(w > 0)` also rejects NaN.
      if (rule.has_weight() && (!(rule.weight() > 0) || std::isinf(rule.weight()))) {
        return error(v1::FieldRule::kWeightFieldNumber, "weight",
                     absl::StrCat("must be finite and > 0, is ", rule.weight()));
      }
      if (absl::StripAsciiWhitespace(rule.label_en()).empty()) {
        return error(v1::FieldRule::kLabelEnFieldNumber, "label_en", "must not be empty");
      }
      if (absl::StripAsciiWhitespace(rule.label_zh()).empty()) {
        return error(v1::FieldRule::kLabelZhFieldNumber, "label_zh", "must not be empty");
      }
    }
  }
  return absl::OkStatus();
}

// --- Scoring ---

bool IsBlank(absl::string_view text) {
  // Chinese input methods type the ideographic space and pasted web text
  // brings no-break spaces; neither makes a field filled.
  constexpr absl::string_view kIdeographicSpace = "\xE3\x80\x80";
  constexpr absl::string_view kNoBreakSpace = "\xC2\xA0";
  while (true) {
    text = absl::StripAsciiWhitespace(text);
    if (absl::ConsumePrefix(&text, kIdeographicSpace) ||
        absl::ConsumePrefix(&text, kNoBreakSpace) ||
        absl::ConsumeSuffix(&text, kIdeographicSpace) ||
        absl::ConsumeSuffix(&text, kNoBreakSpace)) {
      continue;
    }
    return text.empty();
  }
}

bool IsFilled(const Message& message, const FieldDescriptor* field);

bool HasContent(const Message& message) {
  std::vector<const FieldDescriptor*> set_fields;
  message.GetReflection()->ListFields(message, &set_fields);
  return std::any_of(set_fields.begin(), set_fields.end(),
                     [&](const FieldDescriptor* f) { return IsFilled(message, f); });
}

bool IsFilled(const Message& message, const FieldDescriptor* field) {
  const Reflection* r = message.GetReflection();
  if (field->is_repeated()) return r->FieldSize(message, field) > 0;
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_MESSAGE:
      return r->HasField(message, field) && HasContent(r->GetMessage(message, field));
    case FieldDescriptor::CPPTYPE_STRING: {
      std::string scratch;
      return !IsBlank(r->GetStringReference(message, field, &scratch));
    }
    case FieldDescriptor::CPPTYPE_ENUM: return r->GetEnumValue(message, field) != 0;
    case FieldDescriptor::CPPTYPE_BOOL: return r->GetBool(message, field);
    case FieldDescriptor::CPPTYPE_INT32: return r->GetInt32(message, field) != 0;
    case FieldDescriptor::CPPTYPE_INT64: return r->GetInt64(message, field) != 0;
    case FieldDescriptor::CPPTYPE_UINT32: return r->GetUInt32(message, field) != 0;
    case FieldDescriptor::CPPTYPE_UINT64: return r->GetUInt64(message, field) != 0;
    case FieldDescriptor::CPPTYPE_DOUBLE: {
      double value = r->GetDouble(message, field);
      return value != 0 && !std::isnan(value);
    }
    case FieldDescriptor::CPPTYPE_FLOAT: {
      float value = r->GetFloat(message, field);
      return value != 0 && !std::isnan(value);
    }
  }
  return false;
}

// A rule with its path looked up once, so that scoring many records walks
// descriptors instead of strings.
struct ResolvedRule {
  const v1::FieldRule* rule;
  std::vector<const FieldDescriptor*> fields;  // Empty when the path does not resolve.
  double weight;
};

std::vector<ResolvedRule> ResolveRules(const v1::KindRules* kind_rules) {
  std::vector<ResolvedRule> resolved;
  if (kind_rules == nullptr) return resolved;
  resolved.reserve(kind_rules->fields_size());
  for (const v1::FieldRule& rule : kind_rules->fields()) {
    absl::StatusOr<std::vector<const FieldDescriptor*>> fields = ResolvePath(rule.path());
    resolved.push_back({&rule,
                        fields.ok() ? *std::move(fields) : std::vector<const FieldDescriptor*>{},
                        rule.has_weight() ? rule.weight() : 1.0});
  }
  return resolved;
}

const v1::KindRules* RulesFor(const v1::CompletenessRules& rules, v1::CustomerKind kind) {
  for (const v1::KindRules& kind_rules : rules.kinds()) {
    if (kind_rules.kind() == kind) return &kind_rules;
  }
  return nullptr;
}

bool IsFilled(const v1::CustomerProfile& profile, const std::vector<const FieldDescriptor*>& path) {
  if (path.empty()) return false;
  const Message* message = &profile;
  for (size_t i = 0; i + 1 < path.size(); ++i) {
    const Reflection* r = message->GetReflection();
    if (!r->HasField(*message, path[i])) return false;
    message = &r->GetMessage(*message, path[i]);
  }
  return IsFilled(*message, path.back());
}

v1::Completeness Score(const v1::CustomerProfile& profile, const std::vector<ResolvedRule>& rules) {
  double total_weight = 0;
  double filled_weight = 0;
  std::vector<const ResolvedRule*> missing;
  for (const ResolvedRule& rule : rules) {
    total_weight += rule.weight;
    if (IsFilled(profile, rule.fields)) {
      filled_weight += rule.weight;
    } else {
      missing.push_back(&rule);
    }
  }
  auto required = [](const ResolvedRule* r) {
    return r->rule->importance() == v1::IMPORTANCE_REQUIRED;
  };
  std::stable_sort(missing.begin(), missing.end(),
                   [&](const ResolvedRule* a, const ResolvedRule* b) {
                     if (required(a) != required(b)) return required(a);
                     return a->weight > b->weight;
                   });

  v1::Completeness completeness;
  completeness.set_score(total_weight > 0 ? std::round(1000 * filled_weight / total_weight) / 10
                                          : 100.0);
  completeness.set_required_complete(std::none_of(missing.begin(), missing.end(), required));
  for (const ResolvedRule* rule : missing) {
    v1::MissingField* field = completeness.add_missing();
    field->set_path(rule->rule->path());
    field->set_importance(rule->rule->importance());
    field->set_label_en(rule->rule->label_en());
    field->set_label_zh(rule->rule->label_zh());
    field->set_weight(rule->weight);
  }
  return completeness;
}

}  // namespace

absl::StatusOr<v1::CompletenessRules> ParseCompletenessRules(absl::string_view text_proto) {
  FirstErrorCollector errors(text_proto);
  TextFormat::ParseInfoTree tree;
  TextFormat::Parser parser;
  parser.RecordErrorsTo(&errors);
  parser.WriteLocationsTo(&tree);
  v1::CompletenessRules rules;
  if (!parser.ParseFromString(std::string(text_proto), &rules)) {
    if (!errors.status().ok()) return errors.status();
    return absl::InvalidArgumentError(absl::StrCat(kRulesName, ": not valid text format"));
  }
  RETURN_IF_ERROR(Validate(rules, &tree));
  return rules;
}

absl::Status ValidateCompletenessRules(const v1::CompletenessRules& rules) {
  return Validate(rules, nullptr);
}

v1::Completeness ScoreCompleteness(const v1::CustomerProfile& profile,
                                   const v1::CompletenessRules& rules) {
  return Score(profile, ResolveRules(RulesFor(rules, profile.kind())));
}

std::vector<v1::WorklistItem> BuildWorklist(const std::vector<v1::Customer>& customers,
                                            const v1::CompletenessRules& rules, size_t limit) {
  struct Entry {
    const v1::Customer* customer;
    size_t index;  // Keeps the order total when ids repeat.
    v1::Completeness completeness;
  };
  absl::flat_hash_map<int, std::vector<ResolvedRule>> rules_by_kind;
  std::vector<Entry> entries;
  for (size_t i = 0; i < customers.size(); ++i) {
    const v1::CustomerProfile& profile = customers[i].profile();
    auto it = rules_by_kind.find(profile.kind());
    if (it == rules_by_kind.end()) {
      it = rules_by_kind.emplace(profile.kind(), ResolveRules(RulesFor(rules, profile.kind())))
               .first;
    }
    v1::Completeness completeness = Score(profile, it->second);
    if (completeness.missing().empty()) continue;
    entries.push_back({&customers[i], i, std::move(completeness)});
  }

  const size_t count = std::min(limit, entries.size());
  std::partial_sort(entries.begin(), entries.begin() + count, entries.end(),
                    [](const Entry& a, const Entry& b) {
                      const v1::Completeness& ca = a.completeness;
                      const v1::Completeness& cb = b.completeness;
                      if (ca.required_complete() != cb.required_complete()) {
                        return !ca.required_complete();
                      }
                      if (ca.score() != cb.score()) return ca.score() < cb.score();
                      if (a.customer->id() != b.customer->id()) {
                        return a.customer->id() < b.customer->id();
                      }
                      return a.index < b.index;
                    });

  std::vector<v1::WorklistItem> worklist;
  worklist.reserve(count);
  for (size_t i = 0; i < count; ++i) {
    Entry& entry = entries[i];
    v1::WorklistItem& item = worklist.emplace_back();
    item.set_customer_id(entry.customer->id());
    item.set_customer_name(entry.customer->profile().name());
    item.set_kind(entry.customer->profile().kind());
    item.set_score(entry.completeness.score());
    item.set_required_complete(entry.completeness.required_complete());
    item.mutable_missing()->Swap(entry.completeness.mutable_missing());
  }
  return worklist;
}

}  // namespace pharmacrm::customer_master
