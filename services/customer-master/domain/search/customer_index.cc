// CustomerIndex's storage and its upkeep: the packed name records (encoded,
// stored in chunks, compacted), the match records, the posting lists and
// places, and Upsert. Queries are in customer_index_query.cc.
#include "domain/search/customer_index.h"

#include <algorithm>
#include <cstring>
#include <tuple>

#include "absl/hash/hash.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "domain/matching/matching.h"
#include "domain/search/customer_index_internal.h"
#include "pharmacrm/core/ids.h"
#include "pharmacrm/matching/normalize.h"
#include "pharmacrm/matching/similarity.h"

namespace pharmacrm::customer_master {

using ::pharmacrm::matching::BlockingKeys;
using ::pharmacrm::matching::FoldToSimplified;
using ::pharmacrm::matching::MatchInput;
using ::pharmacrm::matching::MatchView;
using ::pharmacrm::matching::NormalizeText;
using ::pharmacrm::matching::PinyinConverter;

using internal::CodePointStarts;
using internal::DecodeRecord;
using internal::Gram;
using internal::kInitialsGramLetters;
using internal::kMaxRecordString;
using internal::kPinyinGramLetters;
using internal::kRecordFields;
using internal::kRecordHeader;
using internal::kSortKeyWithoutId;
using internal::kStarts;
using internal::kText;
using internal::SignatureOf;

namespace {

template <typename Vector>
void SortUnique(Vector& v) {
  std::sort(v.begin(), v.end());
  v.erase(std::unique(v.begin(), v.end()), v.end());
}

std::string EncodeRecord(const NameForms& forms, absl::string_view sort_key, absl::string_view id) {
  id = id.substr(0, kMaxRecordString);
  const bool id_in_key = absl::EndsWith(sort_key, id);
  if (id_in_key) sort_key.remove_suffix(id.size());
  absl::string_view strings[] = {forms.text, forms.pinyin, forms.initials, sort_key, id};
  uint16_t lengths[kRecordFields];
  size_t starts = std::min(forms.starts.size(), kMaxRecordString);
  lengths[kStarts] = static_cast<uint16_t>(starts | (id_in_key ? 0 : kSortKeyWithoutId));
  size_t size = kRecordHeader + starts * sizeof(uint16_t);
  for (int i = 0; i < 5; ++i) {
    strings[i] = strings[i].substr(0, kMaxRecordString);
    lengths[kText + i] = static_cast<uint16_t>(strings[i].size());
    size += strings[i].size();
  }
  std::string out(size, '\0');
  char* p = out.data();
  std::memcpy(p, lengths, kRecordHeader);
  p += kRecordHeader;
  std::memcpy(p, forms.starts.data(), starts * sizeof(uint16_t));
  p += starts * sizeof(uint16_t);
  for (absl::string_view str : strings) {
    std::memcpy(p, str.data(), str.size());
    p += str.size();
  }
  return out;
}

// The bytes of the record at `record` (header, starts and strings).
size_t RecordSize(const char* record) {
  uint16_t lengths[kRecordFields];
  std::memcpy(lengths, record, kRecordHeader);
  size_t size = kRecordHeader + (lengths[kStarts] & ~kSortKeyWithoutId) * sizeof(uint16_t);
  for (int field = kText; field < kRecordFields; ++field) size += lengths[field];
  return size;
}

constexpr size_t kNameChunkBytes = 1 << 20;

// The bit of `piece` in a signature (SignatureOf, customer_index_internal.h).
uint64_t SignatureBit(char tag, absl::string_view piece) {
  return uint64_t{1} << (Gram(tag, piece) & 63);
}

// The signature of a name (SignatureOf), kept in its Hot.
uint64_t NameSignature(const NameForms& forms) { return SignatureOf(forms.text, forms.pinyin); }

}  // namespace

namespace internal {

uint64_t SignatureOf(absl::string_view text, absl::string_view letters) {
  uint64_t sig = 0;
  std::vector<size_t> starts = CodePointStarts(text);
  for (size_t i = 0; i < starts.size(); ++i) {
    size_t end = i + 1 < starts.size() ? starts[i + 1] : text.size();
    sig |= SignatureBit('h', text.substr(starts[i], end - starts[i]));
  }
  for (size_t i = 0; i + 2 <= letters.size(); ++i) sig |= SignatureBit('p', letters.substr(i, 2));
  return sig;
}

}  // namespace internal

MatchRecord::MatchRecord(std::string id, v1::CustomerKind kind, const MatchInput& input)
    : id(std::move(id)), kind(kind), input_kind_(input.kind) {
  const std::string* strings[kStrings] = {&input.name,  &input.name_pinyin, &input.address,
                                          &input.phone, &input.code,        &input.hospital_id};
  size_t size = 0;
  for (int i = 0; i < kStrings; ++i) {
    lengths_[i] = static_cast<uint32_t>(strings[i]->size());
    size += strings[i]->size();
  }
  if (size == 0) return;
  strings_ = std::make_unique_for_overwrite<char[]>(size);
  char* p = strings_.get();
  for (const std::string* s : strings) {
    std::memcpy(p, s->data(), s->size());
    p += s->size();
  }
}

MatchView MatchRecord::input() const {
  absl::string_view views[kStrings];
  const char* p = strings_.get();
  for (int i = 0; i < kStrings; ++i) {
    views[i] = absl::string_view(p, lengths_[i]);
    p += lengths_[i];
  }
  return {input_kind_, views[0], views[1], views[2], views[3], views[4], views[5]};
}

NameForms FormsForName(absl::string_view name, const PinyinConverter& pinyin) {
  NameForms forms;
  // Folded to Simplified, as queries are: either script finds the other.
  std::string normalized = FoldToSimplified(NormalizeText(name));
  std::vector<size_t> starts = CodePointStarts(normalized);
  if (starts.size() > kMaxIndexedChars) normalized.resize(starts[kMaxIndexedChars]);
  forms.text = absl::AsciiStrToLower(normalized);
  for (absl::string_view syllable :
       absl::StrSplit(pinyin.FullPinyin(normalized), ' ', absl::SkipEmpty())) {
    forms.starts.push_back(static_cast<uint16_t>(forms.pinyin.size()));
    forms.pinyin.append(syllable.data(), syllable.size());
    forms.initials.push_back(syllable[0]);
  }
  return forms;
}

uint64_t CustomerIndex::BlockGram(absl::string_view key) { return Gram('b', key); }
uint64_t CustomerIndex::KindGram(v1::CustomerKind kind) {
  return absl::Hash<std::tuple<char, int>>{}(std::make_tuple('k', static_cast<int>(kind)));
}
uint64_t CustomerIndex::ProvinceGram(v1::CustomerKind kind, absl::string_view province) {
  return absl::Hash<std::tuple<char, int, absl::string_view>>{}(
      std::make_tuple('v', static_cast<int>(kind), province));
}
uint64_t CustomerIndex::CityGram(v1::CustomerKind kind, absl::string_view province,
                                 absl::string_view city) {
  return absl::Hash<std::tuple<char, int, absl::string_view, absl::string_view>>{}(
      std::make_tuple('c', static_cast<int>(kind), province, city));
}

uint64_t CustomerIndex::RegionGram(v1::CustomerKind kind, absl::string_view province,
                                   absl::string_view city) {
  if (province.empty()) return KindGram(kind);
  return city.empty() ? ProvinceGram(kind, province) : CityGram(kind, province, city);
}

std::vector<uint64_t> CustomerIndex::NameGrams(const NameFormsView& forms) {
  std::vector<uint64_t> out;
  absl::string_view text = forms.text;
  std::vector<size_t> starts = CodePointStarts(text);
  for (size_t i = 0; i < starts.size(); ++i) {
    if (absl::ascii_isspace(static_cast<unsigned char>(text[starts[i]]))) continue;
    size_t end1 = i + 1 < starts.size() ? starts[i + 1] : text.size();
    size_t end2 = i + 2 < starts.size() ? starts[i + 2] : text.size();
    out.push_back(Gram('h', text.substr(starts[i], end1 - starts[i])));
    if (end2 > end1) out.push_back(Gram('h', text.substr(starts[i], end2 - starts[i])));
  }
  absl::string_view pinyin = forms.pinyin;
  for (size_t i = 0; i < forms.starts_size; ++i) {
    const size_t s = forms.starts[i];
    for (size_t n = 1; n <= kPinyinGramLetters && s + n <= pinyin.size(); ++n) {
      out.push_back(Gram('p', pinyin.substr(s, n)));
    }
  }
  absl::string_view initials = forms.initials;
  for (size_t j = 0; j < initials.size(); ++j) {
    for (size_t n = 1; n <= kInitialsGramLetters && j + n <= initials.size(); ++n) {
      out.push_back(Gram('i', initials.substr(j, n)));
    }
  }
  return out;
}

std::vector<uint64_t> CustomerIndex::RegionGrams(v1::CustomerKind kind, absl::string_view province,
                                                 absl::string_view city) {
  std::vector<uint64_t> out = {KindGram(kind), ProvinceGram(kind, province),
                               CityGram(kind, province, city)};
  SortUnique(out);
  return out;
}

void CustomerIndex::AddPostings(absl::Span<const uint64_t> before, absl::Span<const uint64_t> now,
                                uint32_t slot) {
  for (uint64_t key : now) {
    if (std::binary_search(before.begin(), before.end(), key)) continue;
    // The slot's postings of this call are appended last (under the lock):
    // a repeated key finds it at the back.
    PostingList& list = postings_[key];
    if (list.empty() || list.back() != slot) list.push_back(slot);
  }
}

const CustomerIndex::PostingList* CustomerIndex::Postings(uint64_t key) const {
  auto it = postings_.find(key);
  return it == postings_.end() ? nullptr : &it->second;
}

void CustomerIndex::Upsert(const v1::Customer& customer) {
  // Everything that needs pinyin is computed before taking the lock.
  const std::string& name = customer.profile().name();
  NameForms forms = FormsForName(name, pinyin_);
  const v1::CustomerProfile& profile = customer.profile();
  const std::string sort_key = SortKey(customer, pinyin_);
  auto match = std::make_shared<MatchRecord>(customer.id(), customer.profile().kind(),
                                             MatchInputFor(customer, pinyin_));
  for (const auto& b : BlockingKeys(match->input())) match->block_grams.push_back(BlockGram(b));
  SortUnique(match->block_grams);
  std::vector<uint64_t> name_grams = NameGrams(ViewOf(forms));
  std::vector<uint64_t> region_grams =
      RegionGrams(profile.kind(), profile.province(), profile.city());
  std::string record = EncodeRecord(forms, sort_key, customer.id());
  const uint64_t signature = NameSignature(forms);

  absl::MutexLock lock(&mu_);
  const auto [index, inserted] = SlotOf(customer.id());
  if (inserted) {
    slots_.emplace_back();
    hot_.emplace_back();
  }
  Slot& slot = slots_[index];
  Hot& hot = hot_[index];
  if (!inserted && slot.version > customer.version()) return;  // Already newer.
  std::vector<uint64_t> old_name, old_region;
  absl::Span<const uint64_t> old_block;  // In slot.match, replaced only at the end.
  bool same_record = false;
  if (!inserted) {
    if (slot.match->input().name == name) {
      SortUnique(name_grams);
      old_name = name_grams;  // Same name: its postings are there already.
    } else {
      old_name = NameGrams(DecodeRecord(hot.record).forms);
      SortUnique(old_name);
    }
    // The record holds the forms, sort key and id, all from name and id.
    same_record = DecodeRecord(hot.record).sort_key == sort_key;
    old_region = RegionGrams(static_cast<v1::CustomerKind>(hot.kind), PlaceName(hot.province),
                             PlaceName(hot.city));
    old_block = slot.match->block_grams;
  }
  AddPostings(old_name, name_grams, index);
  AddPostings(old_region, region_grams, index);
  AddPostings(old_block, match->block_grams, index);
  if (!inserted && !same_record) {
    // Renamed: sorted lists hold the slot at its old place.
    renamed_.emplace_back(++epoch_, index);
    hot.renamed = epoch_;
  }
  if (!same_record) {
    if (hot.record != nullptr) {
      const size_t old_size = RecordSize(hot.record);
      names_live_ -= old_size;
      names_wasted_ += old_size;
    }
    hot.record = StoreRecord(record);
    names_live_ += record.size();
  }
  hot.sort_prefix = SortPrefix(sort_key);
  hot.signature = signature;
  hot.province = profile.province().empty() ? 0 : PlaceId(false, profile.province());
  hot.city = profile.city().empty() ? 0 : PlaceId(true, profile.city());
  hot.kind = static_cast<uint8_t>(profile.kind());
  hot.status = static_cast<uint8_t>(customer.status());
  hot.grade = static_cast<uint8_t>(profile.hospital_grade());
  slot.version = customer.version();
  slot.match = std::move(match);
  MaybeCompactNames();
}

std::pair<uint32_t, bool> CustomerIndex::SlotOf(absl::string_view id) {
  const auto next = static_cast<uint32_t>(slots_.size());
  if (std::optional<absl::uint128> bits = core::UuidBits(id)) {
    auto [it, inserted] =
        by_uuid_.try_emplace(UuidKey{absl::Uint128High64(*bits), absl::Uint128Low64(*bits)}, next);
    return {it->second, inserted};
  }
  auto [it, inserted] = by_other_id_.try_emplace(id, next);
  return {it->second, inserted};
}

void CustomerIndex::MaybeCompactNames() {
  if (names_wasted_ < kNameChunkBytes || names_wasted_ < names_live_ / 2) return;
  std::vector<std::unique_ptr<char[]>> old = std::move(names_);
  names_.clear();
  names_used_ = 0;
  names_held_ = 0;
  names_wasted_ = 0;
  for (Hot& hot : hot_) {
    if (hot.record != nullptr) hot.record = StoreRecord({hot.record, RecordSize(hot.record)});
  }
}

CustomerIndex::NameMemory CustomerIndex::name_memory() const {
  absl::ReaderMutexLock lock(&mu_);
  return {names_live_, names_held_};
}

const char* CustomerIndex::StoreRecord(absl::string_view record) {
  size_t at = (names_used_ + 7) & ~size_t{7};
  if (names_.empty() || at + record.size() > kNameChunkBytes) {
    const size_t chunk = std::max(kNameChunkBytes, record.size());
    names_.push_back(std::make_unique<char[]>(chunk));
    names_held_ += chunk;
    at = 0;
  }
  char* out = names_.back().get() + at;
  std::memcpy(out, record.data(), record.size());
  names_used_ = at + record.size();
  return out;
}

namespace {
std::string PlaceKey(bool city, absl::string_view name) {
  return absl::StrCat(city ? "c" : "p", name);
}
}  // namespace

uint32_t CustomerIndex::PlaceId(bool city, absl::string_view name) {
  auto [it, inserted] =
      places_.try_emplace(PlaceKey(city, name), static_cast<uint32_t>(places_.size() + 1));
  if (inserted) place_names_.emplace_back(name);
  return it->second;
}

uint32_t CustomerIndex::FindPlace(bool city, absl::string_view name) const {
  auto it = places_.find(PlaceKey(city, name));
  return it == places_.end() ? 0 : it->second;
}

absl::string_view CustomerIndex::PlaceName(uint32_t id) const {
  return id == 0 ? absl::string_view() : place_names_[id - 1];
}

size_t CustomerIndex::size() const {
  absl::ReaderMutexLock lock(&mu_);
  return slots_.size();
}

}  // namespace pharmacrm::customer_master
