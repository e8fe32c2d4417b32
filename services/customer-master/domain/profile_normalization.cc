#include "domain/profile_normalization.h"

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/time.h"
#include "domain/normalize.h"
#include "domain/regions.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {
namespace {
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

bool IsDateField(absl::string_view name) {
  return absl::EndsWith(name, "_date") || absl::EndsWith(name, "_on") || name == "customer_since";
}

// Fields with a canonical form other than plain text, by name.
absl::Status NormalizeSpecial(const std::string& name, const std::string& path, std::string* value) {
  if (value->empty()) return absl::OkStatus();
  absl::StatusOr<std::string> out;
  if (name == "phone" || name == "mobile" || name == "switchboard" || name == "fax") {
    out = NormalizePhone(*value, path);
  } else if (name == "postcode") {
    out = NormalizePostcode(*value, path);
  } else if (name == "social_credit_code") {
    out = NormalizeSocialCreditCode(*value, path);
  } else if (IsDateField(name)) {
    *value = NormalizeText(*value);
    absl::Time t;
    std::string err;
    if (!absl::ParseTime("%Y-%m-%d", *value, absl::UTCTimeZone(), &t, &err)) {
      return core::FieldError(path, absl::StrCat("'", *value, "' is not a date (YYYY-MM-DD)"));
    }
    return absl::OkStatus();
  } else {
    *value = NormalizeText(*value);
    return absl::OkStatus();
  }
  if (!out.ok()) return out.status();
  *value = *std::move(out);
  return absl::OkStatus();
}

// Every singular and repeated string field of `m` and its sub-messages.
// Paths (for errors) are built only for fields that are set: most fields of
// a profile's typed details are empty.
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
          std::string v = r->GetRepeatedString(*m, f, j);
          RETURN_IF_ERROR(
              NormalizeSpecial(f->name(), absl::StrCat(prefix, ".", f->name(), "[", j, "]"), &v));
          r->SetRepeatedString(m, f, j, std::move(v));
        }
      } else {
        const std::string& current = r->GetStringReference(*m, f, &scratch);
        if (current.empty()) continue;
        std::string v = current;
        RETURN_IF_ERROR(NormalizeSpecial(f->name(), absl::StrCat(prefix, ".", f->name()), &v));
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
