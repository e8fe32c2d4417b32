// CustomerIndex's queries: name matching (FormsMatch), Search with its
// sorting of long posting lists, the region and blocking-key lookups, and
// the duplicate scan. The records and their upkeep are in customer_index.cc.
#include "domain/search/customer_index.h"

#include <algorithm>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "domain/search/customer_index_internal.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {

using internal::CodePointStarts;
using internal::DecodeRecord;
using internal::Gram;
using internal::kInitialsGramLetters;
using internal::kPinyinGramLetters;
using internal::RecordView;
using internal::SignatureOf;

namespace {

// The grams every name matching `term` is indexed under (any of them gives
// all the candidates): a term in characters or initials matches anywhere in
// the name, so each of its two-character or three-letter windows does; a
// pinyin term matches from a syllable start, so only its first letters.
std::vector<absl::string_view> QueryGrams(const SearchTerm& term) {
  absl::string_view text = term.text;
  std::vector<absl::string_view> out;
  switch (term.form) {
    case TermForm::kPinyin:
      out.push_back(text.substr(0, kPinyinGramLetters));
      break;
    case TermForm::kHanzi: {
      std::vector<size_t> starts = CodePointStarts(text);
      for (size_t i = 0; i + 2 <= starts.size(); ++i) {
        // Names have no gram starting with a space.
        if (absl::ascii_isspace(static_cast<unsigned char>(text[starts[i]]))) continue;
        size_t end = i + 2 < starts.size() ? starts[i + 2] : text.size();
        out.push_back(text.substr(starts[i], end - starts[i]));
      }
      if (out.empty()) out.push_back(text.substr(0, starts.size() < 2 ? text.size() : starts[1]));
      break;
    }
    case TermForm::kInitials:
      for (size_t i = 0; i + kInitialsGramLetters <= text.size(); ++i) {
        out.push_back(text.substr(i, kInitialsGramLetters));
      }
      if (out.empty()) out.push_back(text);
      break;
  }
  return out;
}

// How many candidates ahead a search asks for the memory it will read.
constexpr size_t kPrefetch = 32;

// The signature of `term` (SignatureOf): a name without one of its bits
// cannot match it.
uint64_t TermSignature(const SearchTerm& term) {
  switch (term.form) {
    case TermForm::kHanzi:
      return SignatureOf(term.text, "");
    case TermForm::kPinyin:
      return SignatureOf("", term.text);
    case TermForm::kInitials:
      break;
  }
  return 0;
}

// True if the `n` bytes at `a` and `b` are equal; names and terms are a
// few dozen bytes, too short for a call to memcmp to pay.
inline bool SameBytes(const char* a, const char* b, size_t n) {
  for (size_t i = 0; i < n; ++i) {
    if (a[i] != b[i]) return false;
  }
  return true;
}

// True if `needle` (not empty) occurs in `haystack`. Names are short and
// the first byte of a character in UTF-8 is shared by thousands of them, so
// two bytes are compared inline before anything is called (Debian's
// absl::string_view::find compares byte by byte; std::string_view's calls
// memchr and memcmp per candidate position, which costs more than the
// comparison on names this short).
bool Contains(absl::string_view haystack, absl::string_view needle) {
  const size_t n = needle.size();
  if (n > haystack.size()) return false;
  const char* h = haystack.data();
  const char* t = needle.data();
  const size_t last = haystack.size() - n;
  for (size_t i = 0; i <= last; ++i) {
    if (h[i] != t[0] || (n > 1 && h[i + 1] != t[1])) continue;
    if (n <= 2 || SameBytes(h + i + 2, t + 2, n - 2)) return true;
  }
  return false;
}

}  // namespace

NameFormsView ViewOf(const NameForms& forms) {
  return {forms.text, forms.pinyin, forms.starts.data(), forms.starts.size(), forms.initials};
}

bool FormsMatch(const NameFormsView& forms, const SearchTerm& term) {
  if (term.text.empty()) return false;
  switch (term.form) {
    case TermForm::kHanzi:
      return Contains(forms.text, term.text);
    case TermForm::kInitials:
      return Contains(forms.initials, term.text);
    case TermForm::kPinyin: {
      absl::string_view text = term.text;
      for (size_t i = 0; i < forms.starts_size; ++i) {
        size_t s = forms.starts[i];
        if (s <= forms.pinyin.size() && forms.pinyin.size() - s >= text.size() &&
            forms.pinyin[s] == text[0] &&
            SameBytes(forms.pinyin.data() + s + 1, text.data() + 1, text.size() - 1)) {
          return true;
        }
      }
      return false;
    }
  }
  return false;
}

uint64_t CustomerIndex::TermPostings(const SearchTerm& term) const {
  const PostingList* shortest = nullptr;
  uint64_t shortest_key = 0;
  for (absl::string_view gram : QueryGrams(term)) {
    const uint64_t key = Gram(static_cast<char>(term.form), gram);
    const PostingList* list = Postings(key);
    if (list == nullptr) return 0;  // No name holds this gram: none matches.
    if (shortest == nullptr || list->size() < shortest->size()) {
      shortest = list;
      shortest_key = key;
    }
  }
  return shortest_key;
}

CustomerIndex::HotFilter CustomerIndex::FilterFor(const v1::SearchCustomersRequest& r) const {
  HotFilter f;
  f.include_inactive = r.include_inactive();
  f.kind = static_cast<uint8_t>(r.kind());
  f.grade = static_cast<uint8_t>(r.hospital_grade());
  auto place = [&](bool city, absl::string_view name,
                   uint32_t* id) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
    *id = FindPlace(city, name);
    if (*id == 0) f.none = true;
  };
  if (!r.province().empty()) place(false, r.province(), &f.province);
  if (!r.city().empty()) place(true, r.city(), &f.city);
  return f;
}

// The same decisions as PassesFilters (domain/search/search.h) on the packed fields.
bool CustomerIndex::Passes(const Hot& h, const HotFilter& f) {
  if (!f.include_inactive &&
      (h.status == v1::CUSTOMER_STATUS_INACTIVE || h.status == v1::CUSTOMER_STATUS_MERGED)) {
    return false;
  }
  return (f.kind == 0 || h.kind == f.kind) && (f.province == 0 || h.province == f.province) &&
         (f.city == 0 || h.city == f.city) && (f.grade == 0 || h.grade == f.grade);
}

size_t CustomerIndex::RenamedSince(uint32_t epoch) const {
  auto first = std::upper_bound(
      renamed_.begin(), renamed_.end(), epoch,
      [](uint32_t e, const std::pair<uint32_t, uint32_t>& r) { return e < r.first; });
  return static_cast<size_t>(renamed_.end() - first);
}

bool CustomerIndex::NeedsSort(uint64_t key) const {
  const PostingList* list = Postings(key);
  if (list == nullptr || list->size() <= sorted_list_min_) return false;
  SortState state;
  if (auto it = sort_states_.find(key); it != sort_states_.end()) state = it->second;
  // A tail up to half the length below which lists are read whole, or a
  // 64th of the sorted part, is read whole too; past that, sorting again
  // is cheaper than reading it on every search.
  const size_t tail_limit = std::max(sorted_list_min_ / 2, state.sorted / 64);
  return list->size() - state.sorted > tail_limit ||
         RenamedSince(state.epoch) > std::max<size_t>(sorted_list_min_ / 16, 16);
}

std::vector<uint32_t> CustomerIndex::SortedSlots(uint64_t key, size_t n) const {
  const PostingList& list = postings_.at(key);
  // Each record is decoded once, not at every comparison that ties on the
  // prefix.
  struct Keyed {
    uint64_t prefix;
    absl::string_view sort_key;
    uint32_t slot;
  };
  std::vector<Keyed> keyed;
  keyed.reserve(n);
  for (size_t i = 0; i < n; ++i) {
    const Hot& hot = hot_[list[i]];
    keyed.push_back({hot.sort_prefix, DecodeRecord(hot.record).sort_key, list[i]});
  }
  std::sort(keyed.begin(), keyed.end(), [](const Keyed& a, const Keyed& b) {
    if (a.prefix != b.prefix) return a.prefix < b.prefix;
    if (a.slot == b.slot) return false;
    return a.sort_key < b.sort_key;
  });
  // A slot listed twice (its gram came back) is adjacent to itself now.
  std::vector<uint32_t> out;
  out.reserve(keyed.size());
  for (size_t i = 0; i < keyed.size(); ++i) {
    if (i > 0 && keyed[i].slot == keyed[i - 1].slot) continue;
    out.push_back(keyed[i].slot);
  }
  return out;
}

bool CustomerIndex::SortList(uint64_t key) const {
  std::vector<uint32_t> sorted;
  size_t n = 0;
  uint32_t epoch = 0;
  SortState before;
  {
    absl::ReaderMutexLock lock(&mu_);
    if (!NeedsSort(key)) return false;
    n = postings_.at(key).size();
    epoch = epoch_;
    if (auto it = sort_states_.find(key); it != sort_states_.end()) before = it->second;
    sorted = SortedSlots(key, n);
  }
  absl::MutexLock lock(&mu_);
  // Between sorts lists only grow: unless another sort came in between
  // (its state differs), the entries after the first n were added meanwhile.
  PostingList& list = postings_.at(key);
  SortState now;
  if (auto it = sort_states_.find(key); it != sort_states_.end()) now = it->second;
  if (now.sorted != before.sorted || now.epoch != before.epoch || list.size() < n) {
    return false;  // Sorted by another search meanwhile.
  }
  const size_t sorted_size = sorted.size();
  sorted.insert(sorted.end(), list.begin() + static_cast<std::ptrdiff_t>(n), list.end());
  list.assign(sorted.begin(), sorted.end());
  sort_states_[key] = {sorted_size, epoch};
  return true;
}

size_t CustomerIndex::SortLongLists(const std::atomic<bool>* stop) const {
  std::vector<uint64_t> keys;
  {
    absl::ReaderMutexLock lock(&mu_);
    for (const auto& [key, list] : postings_) {
      if (list.size() > sorted_list_min_ && NeedsSort(key)) keys.push_back(key);
    }
  }
  size_t sorted = 0;
  for (uint64_t key : keys) {
    if (stop != nullptr && stop->load()) break;
    sorted += SortList(key) ? 1 : 0;
  }
  return sorted;
}

std::vector<uint64_t> CustomerIndex::ListsFor(const ParsedQuery& query,
                                              const v1::SearchCustomersRequest& request) const {
  if (query.prefixes.empty()) {
    return {RegionGram(request.kind(), request.province(), request.city())};
  }
  std::vector<uint64_t> keys;
  for (const SearchTerm& term : query.prefixes) keys.push_back(TermPostings(term));
  return keys;
}

absl::StatusOr<CustomerIndex::Found> CustomerIndex::Search(
    const ParsedQuery& query, const v1::SearchCustomersRequest& request, size_t max,
    const absl::flat_hash_set<std::string>* only_ids) const {
  ASSIGN_OR_RETURN(const std::string after, PageTokenKey(request));
  const uint64_t after_prefix = SortPrefix(after);
  const size_t page_size =
      request.page_size() <= 0 ? kDefaultPageSize : static_cast<size_t>(request.page_size());
  // Long lists this search reads that are not sorted enough: sorted first
  // (rare: SortLongLists runs after bulk inserts; many renames).
  std::vector<uint64_t> to_sort;
  {
    absl::ReaderMutexLock lock(&mu_);
    for (uint64_t key : ListsFor(query, request)) {
      if (key != 0 && NeedsSort(key)) to_sort.push_back(key);
    }
  }
  for (uint64_t key : to_sort) SortList(key);

  Found out;
  std::vector<SearchMatch> matches;  // Views into names_, valid under the lock.
  absl::flat_hash_set<uint32_t> accepted;
  absl::ReaderMutexLock lock(&mu_);
  const HotFilter filter = FilterFor(request);
  if (filter.none) {
    // A province or city no customer has: nothing matches.
    ASSIGN_OR_RETURN(out.page, Paginate(matches, request));
    return out;
  }
  const std::vector<uint64_t> keys = ListsFor(query, request);
  for (size_t t = 0; t < keys.size(); ++t) {
    const PostingList* list = keys[t] == 0 ? nullptr : Postings(keys[t]);
    if (list == nullptr) continue;
    const SearchTerm* term = query.prefixes.empty() ? nullptr : &query.prefixes[t];
    const uint64_t required = term == nullptr ? 0 : TermSignature(*term);
    // Matches of this list, and those of them after the page token.
    size_t found = 0;
    size_t found_after = 0;
    // Checks the candidate at `index`; counts it if it is a new match.
    auto check = [&](uint32_t index) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      const Hot& hot = hot_[index];
      if ((hot.signature & required) != required || !Passes(hot, filter)) return;
      RecordView record = DecodeRecord(hot.record);
      if (term != nullptr && !FormsMatch(record.forms, *term)) return;
      if (only_ids != nullptr && !only_ids->contains(record.id)) return;
      if (!accepted.insert(index).second) return;
      matches.emplace_back(record.id, record.sort_key, hot.sort_prefix);
      ++found;
      if (SortsBefore(after_prefix, after, hot.sort_prefix, record.sort_key)) ++found_after;
    };
    // The candidates are scattered over the index: ask for the packed
    // fields kPrefetch candidates ahead, and for the record of one whose
    // signature passes half as far ahead, so the misses overlap.
    auto prefetch = [&](size_t i, size_t end) ABSL_SHARED_LOCKS_REQUIRED(mu_) {
      if (i + kPrefetch < end) __builtin_prefetch(&hot_[(*list)[i + kPrefetch]]);
      if (i + kPrefetch / 2 < end) {
        const Hot& ahead = hot_[(*list)[i + kPrefetch / 2]];
        if ((ahead.signature & required) == required) {
          // A record spans two or three cache lines; the forms are in the
          // first two.
          __builtin_prefetch(ahead.record);
          __builtin_prefetch(ahead.record + 64);
        }
      }
    };
    const size_t n = list->size();
    if (n <= sorted_list_min_) {
      for (size_t i = 0; i < n; ++i) {
        prefetch(i, n);
        check((*list)[i]);
      }
      continue;
    }
    // A long list: its sorted part in order, until it has given `max`
    // matches and the page after the token (one more, to know whether a
    // page follows), then its unsorted tail and the renamed slots whole.
    SortState state;
    if (auto it = sort_states_.find(keys[t]); it != sort_states_.end()) state = it->second;
    const size_t sorted = std::min(state.sorted, n);
    const bool any_renamed = RenamedSince(state.epoch) > 0;
    size_t i = 0;
    for (; i < sorted && (found < max || found_after <= page_size); ++i) {
      prefetch(i, sorted);
      const uint32_t index = (*list)[i];
      if (any_renamed && hot_[index].renamed > state.epoch) continue;  // Checked below.
      check(index);
    }
    if (i < sorted) out.truncated = true;
    for (size_t k = sorted; k < n; ++k) {
      prefetch(k, n);
      check((*list)[k]);
    }
    if (any_renamed) {
      for (size_t r = renamed_.size() - RenamedSince(state.epoch); r < renamed_.size(); ++r) {
        check(renamed_[r].second);
      }
    }
  }
  ASSIGN_OR_RETURN(out.page, Paginate(matches, request));
  return out;
}

std::vector<std::string> CustomerIndex::IdsInRegion(v1::CustomerKind kind, absl::string_view province,
                                                    absl::string_view city, size_t max,
                                                    bool* truncated) const {
  std::vector<std::string> ids;
  *truncated = false;
  absl::flat_hash_set<uint32_t> seen;
  absl::ReaderMutexLock lock(&mu_);
  const auto* list = Postings(RegionGram(kind, province, city));
  if (list == nullptr) return ids;
  const uint32_t province_id = province.empty() ? 0 : FindPlace(false, province);
  const uint32_t city_id = city.empty() ? 0 : FindPlace(true, city);
  for (uint32_t index : *list) {
    const Hot& h = hot_[index];
    if (h.kind != kind || (!province.empty() && h.province != province_id) ||
        (!city.empty() && h.city != city_id) || !seen.insert(index).second) {
      continue;
    }
    if (ids.size() >= max) {
      *truncated = true;
      break;
    }
    ids.push_back(slots_[index].match->id);
  }
  return ids;
}

std::vector<std::string> CustomerIndex::IdsWithBlockKey(absl::string_view key, size_t max,
                                                        bool* truncated) const {
  std::vector<std::string> ids;
  *truncated = false;
  absl::flat_hash_set<uint32_t> seen;
  const uint64_t gram = BlockGram(key);
  absl::ReaderMutexLock lock(&mu_);
  const auto* list = Postings(gram);
  if (list == nullptr) return ids;
  for (uint32_t index : *list) {
    const MatchRecord& match = *slots_[index].match;
    if (!std::binary_search(match.block_grams.begin(), match.block_grams.end(), gram) ||
        !seen.insert(index).second) {
      continue;
    }
    if (ids.size() >= max) {
      *truncated = true;
      break;
    }
    ids.push_back(match.id);
  }
  return ids;
}

CustomerIndex::DuplicateScan CustomerIndex::ScanDuplicates(v1::CustomerKind kind,
                                                           absl::string_view province,
                                                           const ScanOptions& options) const {
  DuplicateScan scan;
  {
    absl::ReaderMutexLock lock(&mu_);
    const uint32_t province_id = province.empty() ? 0 : FindPlace(false, province);
    if (!province.empty() && province_id == 0) return scan;  // No customer is there.
    for (size_t i = 0; i < slots_.size(); ++i) {
      const Hot& h = hot_[i];
      if ((h.status != v1::CUSTOMER_STATUS_ACTIVE && h.status != v1::CUSTOMER_STATUS_UNSPECIFIED) ||
          (kind != v1::CUSTOMER_KIND_UNSPECIFIED && h.kind != kind) ||
          (!province.empty() && h.province != province_id)) {
        continue;
      }
      scan.records.push_back(slots_[i].match);
    }
  }
  // Blocks from (key, record) pairs sorted by key: no map of the many keys
  // that only one record has.
  std::vector<ScanRecord> records;
  records.reserve(scan.records.size());
  std::vector<std::pair<uint64_t, uint32_t>> keyed;
  for (uint32_t r = 0; r < scan.records.size(); ++r) {
    const MatchRecord& match = *scan.records[r];
    records.push_back({match.id, match.input()});
    for (uint64_t gram : match.block_grams) keyed.emplace_back(gram, r);
  }
  std::sort(keyed.begin(), keyed.end());
  std::vector<std::vector<uint32_t>> blocks;
  for (size_t i = 0; i < keyed.size();) {
    size_t end = i + 1;
    while (end < keyed.size() && keyed[end].first == keyed[i].first) ++end;
    if (end - i >= 2) {
      std::vector<uint32_t>& members = blocks.emplace_back();
      members.reserve(end - i);
      for (size_t k = i; k < end; ++k) members.push_back(keyed[k].second);
    }
    i = end;
  }
  keyed = {};
  scan.result = ScanDuplicatePairs(records, std::move(blocks), options);
  return scan;
}

}  // namespace pharmacrm::customer_master
