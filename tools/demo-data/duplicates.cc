// Deliberate duplicates (copies with data-entry variations) and dirty
// records (breaking one import rule).
#include <cstddef>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/strip.h"
#include "generation.h"
#include "sampling.h"

namespace pharmacrm::demo::internal {
namespace {

std::string* MutablePostcode(v1::CustomerProfile* p) {
  switch (p->details_case()) {
    case v1::CustomerProfile::kHospital:
      return p->mutable_hospital()->mutable_postcode();
    case v1::CustomerProfile::kPharmacy:
      return p->mutable_pharmacy()->mutable_postcode();
    case v1::CustomerProfile::kDistributor:
      return p->mutable_distributor()->mutable_postcode();
    default:
      return nullptr;
  }
}

v1::PersonDetails* MutablePerson(v1::CustomerProfile* p) {
  if (p->has_doctor()) return p->mutable_doctor()->mutable_person();
  if (p->has_contact()) return p->mutable_contact()->mutable_person();
  return nullptr;
}

bool ReplaceHomophone(DemoRng& rng, std::string* name) {
  const auto homophones = tables::Homophones();
  std::vector<absl::string_view> chars = Chars(*name);
  std::vector<std::pair<size_t, size_t>> candidates;  // char, replacement
  for (size_t i = 0; i < chars.size(); ++i) {
    for (size_t h = 0; h + 1 < homophones.size(); h += 2) {
      if (chars[i] == homophones[h]) candidates.emplace_back(i, h + 1);
    }
  }
  if (candidates.empty()) return false;
  const auto [at, replacement] = candidates[rng.Below(candidates.size())];
  std::string out;
  for (size_t i = 0; i < chars.size(); ++i) {
    absl::StrAppend(&out, i == at ? homophones[replacement] : chars[i]);
  }
  *name = std::move(out);
  return true;
}

bool InsertSpace(DemoRng& rng, std::string* text) {
  std::vector<absl::string_view> chars = Chars(*text);
  if (chars.size() < 2) return false;
  const size_t at = 1 + rng.Below(chars.size() - 1);
  const absl::string_view space = rng.Chance(0.7) ? " " : "\xE3\x80\x80";  // U+3000
  std::string out;
  for (size_t i = 0; i < chars.size(); ++i) {
    if (i == at) absl::StrAppend(&out, space);
    absl::StrAppend(&out, chars[i]);
  }
  *text = std::move(out);
  return true;
}

// 第一人民医院 -> 第１人民医院.
bool NumeralToFullWidth(std::string* name) {
  const auto numerals = tables::ChineseNumerals();
  for (int n = static_cast<int>(numerals.size()); n >= 1; --n) {
    const std::string from = absl::StrCat("第", numerals[n - 1]);
    const size_t at = name->find(from);
    if (at == std::string::npos) continue;
    name->replace(at, from.size(), absl::StrCat("第", FullWidthDigits(absl::StrCat(n))));
    return true;
  }
  return false;
}

// 020-83827812 -> +86-20-8382-7812; 13812345678 -> +86 138-1234-5678.
bool InternationalPhone(std::string* phone) {
  const size_t dash = phone->find('-');
  if (dash == std::string::npos) {
    if (phone->size() != 11) return false;
    *phone =
        absl::StrCat("+86 ", phone->substr(0, 3), "-", phone->substr(3, 4), "-", phone->substr(7));
    return true;
  }
  const std::string area = phone->substr(1, dash - 1);
  const std::string local = phone->substr(dash + 1);
  const size_t split = local.size() - 4;
  *phone = absl::StrCat("+86-", area, "-", local.substr(0, split), "-", local.substr(split));
  return true;
}

// 广东省广州市越秀区... -> 广东广州越秀区... or 广州市越秀区...
bool ShortenAddress(DemoRng& rng, const v1::CustomerProfile& p, std::string* address) {
  absl::string_view rest = *address;
  if (!absl::ConsumePrefix(&rest, p.province())) return false;
  const tables::Province* province = nullptr;
  for (const tables::Province& candidate : tables::Provinces()) {
    if (candidate.full_name == p.province()) province = &candidate;
  }
  if (province == nullptr) return false;
  if (province->municipality) {
    *address = absl::StrCat(province->short_name, rest);
    return true;
  }
  if (!absl::ConsumePrefix(&rest, p.city())) return false;
  if (rng.Chance(0.5)) {
    *address = absl::StrCat(p.city(), rest);
  } else {
    *address = absl::StrCat(province->short_name, absl::StripSuffix(p.city(), "市"), rest);
  }
  return true;
}

bool AliasDepartment(v1::CustomerProfile* p) {
  const int d = DepartmentIndex(p->department());
  if (d < 0 || tables::Departments()[d].alias.empty()) return false;
  p->set_department(std::string(tables::Departments()[d].alias));
  return true;
}

bool DropOptional(v1::CustomerProfile* p) {
  if (p->has_hospital()) {
    p->mutable_hospital()->clear_social_credit_code();
    p->mutable_hospital()->clear_postcode();
    return true;
  }
  if (p->has_pharmacy()) {
    p->mutable_pharmacy()->clear_social_credit_code();
    p->mutable_pharmacy()->clear_fax();
    return true;
  }
  if (v1::PersonDetails* person = MutablePerson(p)) {
    if (person->email().empty() && person->university().empty()) return false;
    person->clear_email();
    person->clear_university();
    return true;
  }
  return false;
}

// One variation; false if it does not apply to the record.
bool Vary(DemoRng& rng, int variation, DemoRecord* r) {
  v1::CustomerProfile& p = r->profile;
  const bool person = p.kind() == v1::CUSTOMER_KIND_DOCTOR;
  switch (variation) {
    case 0: {  // Full-width digits.
      if (person) {
        v1::PersonDetails* details = MutablePerson(&p);
        p.set_phone(FullWidthDigits(p.phone()));
        details->set_mobile(p.phone());
        return true;
      }
      // Every address ends with a street number.
      std::string name = p.name();
      NumeralToFullWidth(&name);
      p.set_name(name);
      p.set_address(FullWidthDigits(p.address()));
      return true;
    }
    case 1: {  // Extra space in the name.
      std::string name = p.name();
      if (!InsertSpace(rng, &name)) return false;
      p.set_name(name);
      return true;
    }
    case 2: {  // Homophone (people) or 省/市 dropped (organisations).
      if (person) {
        std::string name = p.name();
        if (!ReplaceHomophone(rng, &name)) return false;
        p.set_name(name);
        return true;
      }
      std::string address = p.address();
      if (!ShortenAddress(rng, p, &address)) return false;
      p.set_address(address);
      return true;
    }
    case 3: {  // +86 and dashes.
      std::string phone = p.phone();
      if (!InternationalPhone(&phone)) return false;
      p.set_phone(phone);
      if (v1::PersonDetails* details = MutablePerson(&p)) details->set_mobile(phone);
      if (p.has_hospital()) p.mutable_hospital()->set_switchboard(phone);
      return true;
    }
    case 4:  // Department spelled otherwise (people), half-width brackets.
      if (person) return AliasDepartment(&p);
      if (absl::StrContains(p.name(), "（")) {
        p.set_name(absl::StrReplaceAll(p.name(), {{"（", "("}, {"）", ")"}}));
        return true;
      }
      return false;
    default:  // Optional fields missing.
      return DropOptional(&p);
  }
}

}  // namespace

void Generation::MakeDirty(DemoRng& rng, DemoRecord* r) {
  r->dirty = true;
  v1::CustomerProfile& p = r->profile;
  const bool has_postcode = MutablePostcode(&p) != nullptr;
  const int weights[] = {35, has_postcode ? 25 : 0, 20, 20};
  switch (PickIndex(rng, weights)) {
    case 0: {  // A phone that cannot be a Chinese number.
      const bool person =
          p.kind() == v1::CUSTOMER_KIND_DOCTOR || p.kind() == v1::CUSTOMER_KIND_CONTACT;
      std::string bad;
      switch (rng.Below(3)) {
        case 0:
          bad = person ? p.phone().substr(0, 10) : p.phone().substr(0, p.phone().size() - 4);
          break;
        case 1:
          bad = person ? absl::StrCat(p.phone(), rng.Below(10))
                       : absl::StrCat(p.phone(), Digits(rng, 3));
          break;
        default:
          bad = absl::StrCat("电话", p.phone());
          break;
      }
      p.set_phone(bad);
      if (v1::PersonDetails* person_details = MutablePerson(&p)) person_details->set_mobile(bad);
      if (p.has_hospital()) p.mutable_hospital()->set_switchboard(bad);
      return;
    }
    case 1: {  // A 5-digit postcode.
      std::string* postcode = MutablePostcode(&p);
      postcode->resize(5);
      return;
    }
    case 2:  // No name.
      p.clear_name();
      return;
    default: {  // Details of another kind.
      static constexpr v1::CustomerKind kKinds[] = {
          v1::CUSTOMER_KIND_HOSPITAL, v1::CUSTOMER_KIND_DOCTOR, v1::CUSTOMER_KIND_PHARMACY,
          v1::CUSTOMER_KIND_CONTACT, v1::CUSTOMER_KIND_DISTRIBUTOR};
      v1::CustomerKind kind = p.kind();
      while (kind == p.kind()) kind = kKinds[rng.Below(std::size(kKinds))];
      p.set_kind(kind);
      return;
    }
  }
}

void Generation::EmitDuplicate(DemoRng& rng, const std::string& external_id,
                               const DemoRecord& original) {
  DemoRecord r = original;
  r.external_id = external_id;
  r.duplicate_of = original.external_id;
  r.dirty = false;
  // People: homophones and spaces are the typical slips, organisations:
  // addresses and phones.
  const bool person = r.profile.kind() == v1::CUSTOMER_KIND_DOCTOR;
  const int person_weights[] = {10, 20, 35, 15, 15, 5};
  const int org_weights[] = {25, 20, 25, 15, 10, 5};
  const int wanted = rng.Chance(0.3) ? 2 : 1;
  int applied = 0;
  int used = -1;
  for (int attempt = 0; applied < wanted && attempt < 20; ++attempt) {
    const int v = static_cast<int>(PickIndex(rng, person ? person_weights : org_weights));
    if (v == used) continue;
    if (Vary(rng, v, &r)) {
      ++applied;
      used = v;
    }
  }
  if (applied == 0) Vary(rng, 1, &r);  // A space always applies to a name.
  sink_(r);
}

}  // namespace pharmacrm::demo::internal
