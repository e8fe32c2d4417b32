// Customer search: how a query is read, and how matches are filtered,
// ordered and paged. Pure; the index itself is domain/search/customer_index.h.
//
// A name is findable by any part of it in Chinese characters ("协和"), by
// full pinyin from any syllable on ("xiehe", "xie he yi") and by pinyin
// initials from any syllable on ("xhyy", "bjxh"): a query is a prefix of a
// suffix of one form of the name (FormsMatch in customer_index.h). Names
// and queries are folded to Simplified characters (FoldToSimplified), so
// "协和" finds 北京協和醫院 and "協和" finds 北京协和医院.
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_SEARCH_SEARCH_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_SEARCH_SEARCH_H_

#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "pharmacrm/matching/pinyin.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::customer_master {

// Which form of the name a term is.
enum class TermForm : char { kHanzi = 'h', kPinyin = 'p', kInitials = 'i' };

struct SearchTerm {
  TermForm form;
  std::string text;
  bool operator<(const SearchTerm& o) const {
    return form != o.form ? form < o.form : text < o.text;
  }
  bool operator==(const SearchTerm& o) const { return form == o.form && text == o.text; }
};

// Names longer than this many characters are indexed by their first
// kMaxIndexedChars characters (parts of the rest are not findable).
inline constexpr size_t kMaxIndexedChars = 32;

// A query: the form to scan and the prefix to scan for. A query with any
// Chinese character is matched against characters; an ASCII one against
// pinyin and initials (both are scanned). Empty text: no name condition.
struct ParsedQuery {
  std::vector<SearchTerm> prefixes;
};
absl::StatusOr<ParsedQuery> ParseSearchQuery(absl::string_view query);

inline constexpr int kDefaultPageSize = 20;
inline constexpr int kMaxPageSize = 200;

// Checks the request's own fields (page_size, query length, and that it has
// a query or a kind). Errors name the field.
absl::Status ValidateSearch(const v1::SearchCustomersRequest& request);

// The fields of a customer that the search filters and orders by (the sort
// key: pinyin of the name, then the name, then the id): the terms of
// PassesFilters. The index keeps the same, packed (domain/search/customer_index.h);
// this unpacked form is the plain statement of the rule its tests check it
// against. Not stored and not part of the contract.
class SearchEntry {
 public:
  SearchEntry(std::string sort_key, v1::CustomerKind kind, std::string province, std::string city,
              v1::HospitalGrade hospital_grade, v1::CustomerStatus status)
      : sort_key_(std::move(sort_key)),
        kind_(kind),
        province_(std::move(province)),
        city_(std::move(city)),
        hospital_grade_(hospital_grade),
        status_(status) {}

  const std::string& sort_key() const { return sort_key_; }
  v1::CustomerKind kind() const { return kind_; }
  const std::string& province() const { return province_; }
  const std::string& city() const { return city_; }
  v1::HospitalGrade hospital_grade() const { return hospital_grade_; }
  v1::CustomerStatus status() const { return status_; }

 private:
  std::string sort_key_;
  v1::CustomerKind kind_;
  std::string province_;
  std::string city_;
  v1::HospitalGrade hospital_grade_;
  v1::CustomerStatus status_;
};

// The SearchEntry of `customer`.
SearchEntry SearchEntryFor(const v1::Customer& customer, const matching::PinyinConverter& pinyin);
// SearchEntryFor(customer, pinyin).sort_key(): compact pinyin of the name,
// the name and the id, each after a \x01.
std::string SortKey(const v1::Customer& customer, const matching::PinyinConverter& pinyin);

// True if the entry passes the request's filters (kind, province, city,
// grade; inactive customers only with include_inactive).
bool PassesFilters(const SearchEntry& entry, const v1::SearchCustomersRequest& request);

struct SearchPage {
  std::vector<std::string> ids;  // In order.
  std::string next_page_token;
  int32_t total_size = 0;
};

// A match: customer id and its sort key (SearchEntry.sort_key), viewed in
// whatever holds them (the index, under its lock).
// The first 8 bytes of a sort key, big-endian, zero-padded: ordering by it
// and then by the whole key is ordering by the key, with most comparisons
// made on one integer.
uint64_t SortPrefix(absl::string_view sort_key);

struct SearchMatch {
  SearchMatch(absl::string_view id, absl::string_view sort_key)
      : SearchMatch(id, sort_key, SortPrefix(sort_key)) {}
  // `sort_prefix` must be SortPrefix(sort_key).
  SearchMatch(absl::string_view id, absl::string_view sort_key, uint64_t sort_prefix)
      : id(id), sort_key(sort_key), sort_prefix(sort_prefix) {}
  absl::string_view id;
  absl::string_view sort_key;
  uint64_t sort_prefix;
};

// The sort key a request's page_token stands for ("" without a token); a
// malformed token is an error on page_token.
absl::StatusOr<std::string> PageTokenKey(const v1::SearchCustomersRequest& request);

// True if the match with sort key `a` (and SortPrefix(a) `a_prefix`) comes
// before the one with `b`.
inline bool SortsBefore(uint64_t a_prefix, absl::string_view a, uint64_t b_prefix,
                        absl::string_view b) {
  return a_prefix != b_prefix ? a_prefix < b_prefix : a < b;
}

// Orders matches by sort key (stable across calls and across inserts) and
// returns the ids of the page after `page_token`: only the matches after the
// token are ordered, and only as far as the page needs. The token is opaque
// to clients; a malformed one is an error on page_token.
absl::StatusOr<SearchPage> Paginate(const std::vector<SearchMatch>& matches,
                                    const v1::SearchCustomersRequest& request);

}  // namespace pharmacrm::customer_master

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_SEARCH_SEARCH_H_
