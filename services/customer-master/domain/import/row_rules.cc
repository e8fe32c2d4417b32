#include "domain/import/row_rules.h"

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "domain/customers/customer_rules.h"
#include "domain/customers/profile_normalization.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::customer_master::import_internal {
namespace {

using google::protobuf::Descriptor;
using google::protobuf::EnumDescriptor;
using google::protobuf::EnumValueDescriptor;
using google::protobuf::FieldDescriptor;

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

}  // namespace

bool ParseFinite(absl::string_view text, double* out) {
  return absl::SimpleAtod(text, out) && std::isfinite(*out);
}

const Schema& Schema::Get() {
  static const Schema* const schema = new Schema();
  return *schema;
}

const FieldDescriptor* Schema::JsonField(const Descriptor* d, absl::string_view key) const {
  auto it = fields_.find(d);
  if (it == fields_.end()) return nullptr;
  auto f = it->second.find(key);
  return f == it->second.end() ? nullptr : f->second;
}

std::optional<int> Schema::EnumValue(const EnumDescriptor* e, absl::string_view lowered) const {
  auto it = enums_.find(e);
  if (it == enums_.end()) return std::nullopt;
  auto v = it->second.by_text.find(lowered);
  if (v == it->second.by_text.end()) return std::nullopt;
  return v->second;
}

std::string Schema::EnumChoices(const EnumDescriptor* e) const {
  auto it = enums_.find(e);
  return it == enums_.end() ? "" : it->second.choices;
}

Schema::Schema() {
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

void Schema::AddMessage(const Descriptor* d) {
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

void Schema::AddEnum(const EnumDescriptor* e) {
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

void Schema::AddAlias(absl::string_view enum_name, absl::string_view alias,
                      absl::string_view value) {
  const EnumDescriptor* e =
      google::protobuf::DescriptorPool::generated_pool()->FindEnumTypeByName(
          std::string(enum_name));
  if (e == nullptr || !enums_.contains(e)) return;
  const EnumValueDescriptor* v = e->FindValueByName(std::string(value));
  if (v != nullptr) enums_[e].by_text.emplace(alias, v->number());
}

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

}  // namespace pharmacrm::customer_master::import_internal
