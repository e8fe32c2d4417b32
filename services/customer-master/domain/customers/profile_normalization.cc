#include "domain/customers/profile_normalization.h"

#include "absl/container/flat_hash_map.h"
#include "absl/functional/function_ref.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/matching/normalize.h"
#include "pharmacrm/matching/regions.h"

namespace pharmacrm::customer_master {

using ::pharmacrm::matching::CanonicalProvinceName;
using ::pharmacrm::matching::NormalizePhone;
using ::pharmacrm::matching::NormalizePostcode;
using ::pharmacrm::matching::NormalizeSocialCreditCode;
using ::pharmacrm::matching::NormalizeText;
using ::pharmacrm::matching::ParseAddress;
using ::pharmacrm::matching::ParsedAddress;
using ::pharmacrm::matching::ProvinceForDivisionCode;

namespace {
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

bool IsDateField(absl::string_view name) {
  return absl::EndsWith(name, "_date") || absl::EndsWith(name, "_on") || name == "customer_since";
}

// How a string field is normalised, from its name.
enum class FieldForm { kText, kPhone, kPostcode, kSocialCreditCode, kDate };

FieldForm FormOf(const FieldDescriptor* f) {
  // The descriptors live as long as the process: each field's form is
  // worked out once per thread.
  thread_local absl::flat_hash_map<const FieldDescriptor*, FieldForm> forms;
  auto [it, inserted] = forms.try_emplace(f, FieldForm::kText);
  if (inserted) {
    const std::string& name = f->name();
    if (name == "phone" || name == "mobile" || name == "switchboard" || name == "fax") {
      it->second = FieldForm::kPhone;
    } else if (name == "postcode") {
      it->second = FieldForm::kPostcode;
    } else if (name == "social_credit_code") {
      it->second = FieldForm::kSocialCreditCode;
    } else if (IsDateField(name)) {
      it->second = FieldForm::kDate;
    }
  }
  return it->second;
}

// The canonical form of `value`, a value of a field of form `form`. The
// field's path, for errors, is built only when there is one: most values
// are fine, and a path per value was a noticeable part of an import.
absl::StatusOr<std::string> NormalizeValue(FieldForm form, absl::string_view value,
                                           absl::FunctionRef<std::string()> path) {
  // Normalised again with the path when it fails (the error names it).
  auto checked = [&](auto normalize) -> absl::StatusOr<std::string> {
    absl::StatusOr<std::string> out = normalize(value, absl::string_view());
    if (!out.ok()) return normalize(value, path());
    return out;
  };
  switch (form) {
    case FieldForm::kPhone:
      return checked(NormalizePhone);
    case FieldForm::kPostcode:
      return checked(NormalizePostcode);
    case FieldForm::kSocialCreditCode:
      return checked(NormalizeSocialCreditCode);
    case FieldForm::kDate: {
      std::string text = NormalizeText(value);
      absl::Time t;
      std::string err;
      if (!absl::ParseTime("%Y-%m-%d", text, absl::UTCTimeZone(), &t, &err)) {
        return core::FieldError(path(), absl::StrCat("'", text, "' is not a date (YYYY-MM-DD)"));
      }
      return text;
    }
    case FieldForm::kText:
      break;
  }
  return NormalizeText(value);
}

// Every singular and repeated string field of `m` and its sub-messages.
// `prefix` is the path of `m`; paths of fields are built only for errors
// and for sub-messages that are set.
absl::Status NormalizeStrings(Message* m, const std::string& prefix) {
  const auto* r = m->GetReflection();
  const auto* d = m->GetDescriptor();
  std::string scratch;
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (f->type() == FieldDescriptor::TYPE_STRING) {
      if (f->is_repeated()) {
        const int n = r->FieldSize(*m, f);
        for (int j = 0; j < n; ++j) {
          const std::string& current = r->GetRepeatedStringReference(*m, f, j, &scratch);
          if (current.empty()) continue;
          ASSIGN_OR_RETURN(std::string v, NormalizeValue(FormOf(f), current, [&] {
                             return absl::StrCat(prefix, ".", f->name(), "[", j, "]");
                           }));
          if (v != current) r->SetRepeatedString(m, f, j, std::move(v));
        }
      } else {
        const std::string& current = r->GetStringReference(*m, f, &scratch);
        if (current.empty()) continue;
        ASSIGN_OR_RETURN(std::string v, NormalizeValue(FormOf(f), current, [&] {
                           return absl::StrCat(prefix, ".", f->name());
                         }));
        if (v != current) r->SetString(m, f, std::move(v));
      }
    } else if (f->type() == FieldDescriptor::TYPE_MESSAGE) {
      if (f->is_repeated()) {
        const int n = r->FieldSize(*m, f);
        for (int j = 0; j < n; ++j) {
          RETURN_IF_ERROR(NormalizeStrings(r->MutableRepeatedMessage(m, f, j),
                                           absl::StrCat(prefix, ".", f->name(), "[", j, "]")));
        }
      } else if (r->HasField(*m, f)) {
        RETURN_IF_ERROR(
            NormalizeStrings(r->MutableMessage(m, f), absl::StrCat(prefix, ".", f->name())));
      }
    }
  }
  return absl::OkStatus();
}

std::string SocialCreditCode(const v1::CustomerProfile& p) {
  if (p.has_hospital()) return p.hospital().social_credit_code();
  if (p.has_pharmacy()) return p.pharmacy().social_credit_code();
  if (p.has_distributor()) return p.distributor().social_credit_code();
  return "";
}

std::string CodePath(const v1::CustomerProfile& p) {
  const FieldDescriptor* f = p.GetDescriptor()->FindFieldByNumber(p.details_case());
  return absl::StrCat("profile.", f ? f->name() : "details", ".social_credit_code");
}

}  // namespace

absl::Status NormalizeProfile(v1::CustomerProfile* p) {
  RETURN_IF_ERROR(NormalizeStrings(p, "profile"));
  if (p->province().empty() && p->city().empty() && p->district().empty() &&
      !p->address().empty()) {
    ParsedAddress parsed = ParseAddress(p->address());
    if (!parsed.city.empty() || !parsed.province.empty()) {
      p->set_province(parsed.province);
      p->set_city(parsed.city);
      p->set_district(parsed.district);
      p->set_address(parsed.detail);
    }
  } else if (!p->province().empty()) {
    if (std::optional<std::string> full = CanonicalProvinceName(p->province())) {
      p->set_province(*full);
    }
  }
  std::string code = SocialCreditCode(*p);
  if (code.size() == 18 && !p->province().empty()) {
    std::optional<std::string> code_province = ProvinceForDivisionCode(code.substr(2, 6));
    if (code_province && *code_province != p->province()) {
      return core::FieldError(CodePath(*p),
                              absl::StrCat("registered in ", *code_province, ", but the customer is in ",
                                           p->province()));
    }
  }
  return absl::OkStatus();
}

}  // namespace pharmacrm::customer_master
