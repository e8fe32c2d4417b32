// The encoding shared by the index's two source files: customer_index.cc
// (the packed records and their upkeep) and customer_index_query.cc (search,
// lookups and the duplicate scan). Code points, posting-list grams, name
// signatures and the layout of a name record. Internal to CustomerIndex
// (domain/search/customer_index.h): nothing else includes it.
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_SEARCH_CUSTOMER_INDEX_INTERNAL_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_SEARCH_CUSTOMER_INDEX_INTERNAL_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <tuple>
#include <vector>

#include "absl/hash/hash.h"
#include "absl/strings/string_view.h"
#include "domain/search/customer_index.h"

namespace pharmacrm::customer_master::internal {

// Byte length of the UTF-8 sequence starting with `lead` (1 for a stray
// continuation byte, as the search terms treat it).
inline size_t CodePointLength(unsigned char lead) {
  return lead < 0x80 ? 1 : (lead >> 5) == 0x6 ? 2 : (lead >> 4) == 0xe ? 3 : (lead >> 3) == 0x1e ? 4 : 1;
}

// Offsets of the code points of `s`.
inline std::vector<size_t> CodePointStarts(absl::string_view s) {
  std::vector<size_t> out;
  for (size_t i = 0; i < s.size();) {
    out.push_back(i);
    i += std::min(CodePointLength(static_cast<unsigned char>(s[i])), s.size() - i);
  }
  return out;
}

inline uint64_t Gram(char tag, absl::string_view text) {
  return absl::Hash<std::tuple<char, absl::string_view>>{}(std::make_tuple(tag, text));
}

// Longest letter grams indexed: pinyin from a syllable start (a longer
// gram picks fewer candidates for common surnames: "zhang" + "l" rather
// than every "zha..."), and initials.
inline constexpr size_t kPinyinGramLetters = 6;
inline constexpr size_t kInitialsGramLetters = 3;

// A signature: one bit of 64 for each character of the text and each
// two-letter window of the compact pinyin. A name matching a term in
// characters holds every character of it, and one matching a term in pinyin
// every two-letter window of it, so a name whose signature (NameSignature,
// customer_index.cc) lacks a bit of the term's (TermSignature,
// customer_index_query.cc) cannot match: the search skips it without
// reading its record. Initials are not signed (a term of initials sets no
// bit).
//
// The bits of each character of `text` and of each two-letter window of
// `letters`.
uint64_t SignatureOf(absl::string_view text, absl::string_view letters);

// A name record: six uint16 lengths (syllable starts, text, pinyin,
// initials, sort key, id), the starts, then the strings back to back. The
// sort key ends with the id (SortKey's does), so the id is stored
// once, as the sort key's end: the sort key's length counts only what is
// before it. Should a sort key not end with its id, the top bit of the
// starts' count says so, and the id follows it instead. Records begin 8-byte
// aligned, so the starts are 2-byte aligned.
enum RecordField { kStarts, kText, kPinyin, kInitials, kSortKey, kId, kRecordFields };
inline constexpr size_t kRecordHeader = kRecordFields * sizeof(uint16_t);
inline constexpr size_t kMaxRecordString = 0x7fff;
inline constexpr uint16_t kSortKeyWithoutId = 0x8000;

struct RecordView {
  NameFormsView forms;
  absl::string_view sort_key;
  absl::string_view id;
};

// The forms, sort key and id of the record at `record`.
inline RecordView DecodeRecord(const char* record) {
  uint16_t lengths[kRecordFields];
  std::memcpy(lengths, record, kRecordHeader);
  const bool id_in_key = (lengths[kStarts] & kSortKeyWithoutId) == 0;
  const size_t starts = lengths[kStarts] & ~kSortKeyWithoutId;
  RecordView view;
  view.forms.starts = reinterpret_cast<const uint16_t*>(record + kRecordHeader);
  view.forms.starts_size = starts;
  const char* p = record + kRecordHeader + starts * sizeof(uint16_t);
  auto next = [&](RecordField field) {
    absl::string_view out(p, lengths[field]);
    p += lengths[field];
    return out;
  };
  view.forms.text = next(kText);
  view.forms.pinyin = next(kPinyin);
  view.forms.initials = next(kInitials);
  view.sort_key = next(kSortKey);
  view.id = next(kId);
  if (id_in_key) {
    view.sort_key = absl::string_view(view.sort_key.data(), view.sort_key.size() + view.id.size());
  }
  return view;
}

}  // namespace pharmacrm::customer_master::internal

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_SEARCH_CUSTOMER_INDEX_INTERNAL_H_
