#include "domain/search/search.h"

#include <algorithm>

#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/matching/normalize.h"

namespace pharmacrm::customer_master {

using ::pharmacrm::matching::FoldToSimplified;
using ::pharmacrm::matching::NormalizeText;
using ::pharmacrm::matching::PinyinConverter;

namespace {

bool HasNonAscii(absl::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; });
}

}  // namespace

std::string SortKey(const v1::Customer& c, const PinyinConverter& pinyin) {
  return absl::StrCat(pinyin.Compact(c.profile().name()), "\x01", c.profile().name(), "\x01", c.id());
}

absl::StatusOr<ParsedQuery> ParseSearchQuery(absl::string_view query) {
  ParsedQuery parsed;
  // Folded to Simplified, as indexed names are (FormsForName).
  std::string text = absl::AsciiStrToLower(FoldToSimplified(NormalizeText(query)));
  if (text.empty()) return parsed;
  if (HasNonAscii(text)) {
    parsed.prefixes.push_back({TermForm::kHanzi, text});
    return parsed;
  }
  std::string letters;
  for (char c : text) {
    if (absl::ascii_isalnum(static_cast<unsigned char>(c))) letters.push_back(c);
  }
  if (letters.empty()) return core::FieldError("query", "has no letters, digits or characters");
  parsed.prefixes.push_back({TermForm::kPinyin, letters});
  parsed.prefixes.push_back({TermForm::kInitials, letters});
  return parsed;
}

absl::Status ValidateSearch(const v1::SearchCustomersRequest& r) {
  if (r.page_size() < 0 || r.page_size() > kMaxPageSize) {
    return core::FieldError("page_size", absl::StrCat("must be 0 (default ", kDefaultPageSize,
                                                      ") to ", kMaxPageSize));
  }
  if (r.query().size() > 100) return core::FieldError("query", "longer than 100 bytes");
  if (absl::StripAsciiWhitespace(r.query()).empty() &&
      r.kind() == v1::CUSTOMER_KIND_UNSPECIFIED) {
    return core::FieldError("query", "give a name query or at least a kind");
  }
  if (!v1::CustomerKind_IsValid(r.kind())) return core::FieldError("kind", "unknown kind");
  return absl::OkStatus();
}

SearchEntry SearchEntryFor(const v1::Customer& c, const PinyinConverter& pinyin) {
  return SearchEntry(SortKey(c, pinyin), c.profile().kind(), c.profile().province(),
                     c.profile().city(), c.profile().hospital_grade(), c.status());
}

bool PassesFilters(const SearchEntry& e, const v1::SearchCustomersRequest& r) {
  if (!r.include_inactive() && (e.status() == v1::CUSTOMER_STATUS_INACTIVE ||
                                e.status() == v1::CUSTOMER_STATUS_MERGED)) {
    return false;
  }
  if (r.kind() != v1::CUSTOMER_KIND_UNSPECIFIED && e.kind() != r.kind()) return false;
  if (!r.province().empty() && e.province() != r.province()) return false;
  if (!r.city().empty() && e.city() != r.city()) return false;
  if (r.hospital_grade() != v1::HOSPITAL_GRADE_UNSPECIFIED && e.hospital_grade() != r.hospital_grade()) {
    return false;
  }
  return true;
}

uint64_t SortPrefix(absl::string_view sort_key) {
  uint64_t prefix = 0;
  for (size_t i = 0; i < 8; ++i) {
    prefix = (prefix << 8) | (i < sort_key.size() ? static_cast<unsigned char>(sort_key[i]) : 0);
  }
  return prefix;
}

absl::StatusOr<std::string> PageTokenKey(const v1::SearchCustomersRequest& request) {
  std::string after;
  if (!request.page_token().empty() &&
      !absl::WebSafeBase64Unescape(request.page_token(), &after)) {
    return core::FieldError("page_token", "is not a token this service issued");
  }
  return after;
}

absl::StatusOr<SearchPage> Paginate(const std::vector<SearchMatch>& matches,
                                    const v1::SearchCustomersRequest& request) {
  ASSIGN_OR_RETURN(const std::string after, PageTokenKey(request));
  auto less = [](const SearchMatch* a, const SearchMatch* b) {
    return SortsBefore(a->sort_prefix, a->sort_key, b->sort_prefix, b->sort_key);
  };
  std::vector<const SearchMatch*> rest;  // After the token.
  rest.reserve(matches.size());
  if (after.empty()) {
    for (const SearchMatch& m : matches) rest.push_back(&m);
  } else {
    const SearchMatch token("", after);
    for (const SearchMatch& m : matches) {
      if (less(&token, &m)) rest.push_back(&m);
    }
  }
  size_t page_size = request.page_size() <= 0 ? kDefaultPageSize : request.page_size();
  size_t shown = std::min(page_size, rest.size());
  std::partial_sort(rest.begin(), rest.begin() + shown, rest.end(), less);
  SearchPage page;
  page.total_size = static_cast<int32_t>(matches.size());
  for (size_t i = 0; i < shown; ++i) page.ids.emplace_back(rest[i]->id);
  if (rest.size() > shown && shown > 0) {
    page.next_page_token = absl::WebSafeBase64Escape(rest[shown - 1]->sort_key);
  }
  return page;
}

}  // namespace pharmacrm::customer_master
