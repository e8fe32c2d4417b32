// customer-master's search, region and blocking-key index, held in memory.
//
// A read model of the stored customers: built at start from every customer
// record, then kept current by the command handlers right after each commit
// (so a search sees a customer as soon as the command that wrote it has
// answered). It is never persisted: RocksDB holds the customers, this holds
// what is needed to find them.
//
// Name matching has the semantics of domain/search/search.h: a query in Chinese
// characters matches any part of the name; a letter query matches the full
// pinyin from any syllable on ("xiehe") or the initials from any syllable on
// ("xhyy"). Candidates come from posting lists of short grams (one and two
// characters; one to six letters of pinyin at a syllable start; one to
// three initials) and every candidate
// is checked against the name's forms, so a posting list may hold stale or
// colliding entries without a wrong answer.
//
// It also holds what duplicate detection compares of each customer
// (MatchInput) and its blocking keys, so that a scan of every customer reads
// nothing from the store.
//
// Thread-safe: queries share a reader lock; Upsert takes the writer lock. A
// duplicate scan holds the reader lock only to take its snapshot.
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_SEARCH_CUSTOMER_INDEX_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_SEARCH_CUSTOMER_INDEX_H_

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "domain/matching/duplicate_scan.h"
#include "domain/search/search.h"
#include "pharmacrm/matching/pinyin.h"
#include "pharmacrm/matching/similarity.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/customer_master_storage.pb.h"

namespace pharmacrm::customer_master {

// The forms of a name that queries are matched against.
struct NameForms {
  std::string text;    // Normalised, folded to Simplified (FoldToSimplified), ASCII-lower-
                       // cased, first kMaxIndexedChars characters.
  std::string pinyin;  // Compact pinyin of `text` ("beijingxiehe").
  std::vector<uint16_t> starts;  // Offsets in `pinyin` where a syllable starts.
  std::string initials;          // One letter or digit per syllable ("bjxh").
};
NameForms FormsForName(absl::string_view name, const matching::PinyinConverter& pinyin);

// The same forms, viewed in whatever holds them (NameForms, or the index's
// packed name records).
struct NameFormsView {
  absl::string_view text;
  absl::string_view pinyin;
  const uint16_t* starts = nullptr;
  size_t starts_size = 0;
  absl::string_view initials;
};
NameFormsView ViewOf(const NameForms& forms);

// True if `term` (a query prefix, domain/search/search.h) matches `forms`.
bool FormsMatch(const NameFormsView& forms, const SearchTerm& term);
inline bool FormsMatch(const NameForms& forms, const SearchTerm& term) {
  return FormsMatch(ViewOf(forms), term);
}

// What duplicate detection uses of one version of a customer. Immutable
// once built, and shared: a scan keeps the records it took even if the
// customer changes meanwhile. The input's strings are held back to back in
// one allocation.
struct MatchRecord {
  // `input` is MatchInputFor (domain/matching/matching.h) of the customer.
  MatchRecord(std::string id, v1::CustomerKind kind, const matching::MatchInput& input);
  matching::MatchView input() const;

  std::string id;
  v1::CustomerKind kind = v1::CUSTOMER_KIND_UNSPECIFIED;
  // Hashes of BlockingKeys(input()), sorted, distinct (four at most).
  absl::InlinedVector<uint64_t, 4> block_grams;

 private:
  absl::string_view input_kind_;
  // Name, name pinyin, address, phone, code and hospital id.
  static constexpr int kStrings = 6;
  std::unique_ptr<char[]> strings_;
  uint32_t lengths_[kStrings] = {};
};

class CustomerIndex {
 public:
  // Posting lists longer than `sorted_list_min` are kept in sort-key order
  // once a search reads them (see Search); shorter ones are read whole.
  static constexpr size_t kDefaultSortedListMin = 4096;
  explicit CustomerIndex(const matching::PinyinConverter& pinyin,
                         size_t sorted_list_min = kDefaultSortedListMin)
      : pinyin_(pinyin), sorted_list_min_(sorted_list_min) {}
  CustomerIndex(const CustomerIndex&) = delete;
  CustomerIndex& operator=(const CustomerIndex&) = delete;

  // Adds `customer`, or replaces what is held of it unless that is of a
  // later version.
  void Upsert(const v1::Customer& customer);

  // Number of customers held.
  size_t size() const;

  // Bytes of the name records: of the current ones (`live`), and allocated
  // for them (`held`: whole chunks, with the old records of renamed
  // customers until they are compacted away).
  struct NameMemory {
    size_t live = 0;
    size_t held = 0;
  };
  NameMemory name_memory() const;

  // Sorts every long posting list that a search would otherwise sort first
  // (see Search), one at a time: each is ordered under the reader lock and
  // swapped in under the writer lock, so searches go on meanwhile. For
  // after the start-up build and after bulk imports. Returns the number of
  // lists sorted. Stops early once `*stop` is true.
  size_t SortLongLists(const std::atomic<bool>* stop = nullptr) const;

  struct Found {
    SearchPage page;  // Paginate(matches, request).
    // The search stopped before it had seen every match: total_size counts
    // the matches it saw (at least `max`), a lower bound.
    bool truncated = false;
  };
  // The requested page of the customers whose name matches any of `query`'s
  // prefixes (all customers of request.kind() when it has none), that pass
  // PassesFilters(request) and, when `only_ids` is given, are in it, in
  // sort-key order. Short candidate lists are read whole. A long one is read
  // in sort-key order (sorting it first, under the writer lock, if entries
  // were added since it was last sorted beyond a small unsorted tail) and
  // only until it has given `max` matches and the page: so the page is
  // always the right one, and total_size is exact unless truncated. Ordered
  // and paged under the reader lock, so only the page's ids are copied.
  // Errors are Paginate's (page_token).
  absl::StatusOr<Found> Search(const ParsedQuery& query, const v1::SearchCustomersRequest& request,
                               size_t max,
                               const absl::flat_hash_set<std::string>* only_ids = nullptr) const;

  // Ids of customers of `kind`, in `province` and `city` when not empty.
  std::vector<std::string> IdsInRegion(v1::CustomerKind kind, absl::string_view province,
                                       absl::string_view city, size_t max, bool* truncated) const;

  // Ids of customers with the blocking key (pharmacrm/matching/similarity.h).
  std::vector<std::string> IdsWithBlockKey(absl::string_view key, size_t max,
                                           bool* truncated) const;

  struct DuplicateScan {
    // The records scanned; the pairs' indexes point here.
    std::vector<std::shared_ptr<const MatchRecord>> records;
    ScanResult result;
  };
  // Likely duplicate pairs among the active customers of `kind` (every kind
  // if unspecified) in `province` (any if empty): ScanDuplicatePairs over
  // the blocks of their blocking keys. The lock is held only while the
  // records are collected.
  DuplicateScan ScanDuplicates(v1::CustomerKind kind, absl::string_view province,
                               const ScanOptions& options) const;

 private:
  // The rest of a search entry (kind, status, grade, province and city)
  // is in the slot's Hot, its sort key in the name record.
  struct Slot {
    int64_t version = 0;
    std::shared_ptr<const MatchRecord> match;  // Also holds the id and the name.
  };

  // What a search checks of a slot, packed apart from the slots so that a
  // candidate costs two cache misses rather than one per string: this, and
  // the slot's name record (its name forms, sort key and id, contiguous in
  // names_; layout in customer_index_internal.h).
  struct Hot {
    const char* record = nullptr;
    uint64_t sort_prefix = 0;  // SortPrefix(sort key).
    uint64_t signature = 0;    // NameSignature(forms): rejects most candidates unread.
    uint32_t province = 0;     // Place ids (places_); 0: none.
    uint32_t city = 0;
    uint32_t renamed = 0;  // epoch_ of its last rename; 0: never renamed.
    uint8_t kind = 0;
    uint8_t status = 0;
    uint8_t grade = 0;
  };
  // A request's filters in the terms of Hot.
  struct HotFilter {
    bool include_inactive = false;
    uint8_t kind = 0;  // 0: any.
    uint32_t province = 0;
    uint32_t city = 0;
    uint8_t grade = 0;
    bool none = false;  // Names a place no customer has: nothing passes.
  };
  static bool Passes(const Hot& hot, const HotFilter& filter);
  HotFilter FilterFor(const v1::SearchCustomersRequest& request) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The id of the province (`city` false) or city named `name` (not
  // empty), made on first use.
  uint32_t PlaceId(bool city, absl::string_view name) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // The id of that place, 0 if no customer has it.
  uint32_t FindPlace(bool city, absl::string_view name) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The name of place `id` ("" for 0).
  absl::string_view PlaceName(uint32_t id) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Copies a name record into names_; the pointer stays valid until
  // CompactNames, which runs under the writer lock (readers use records
  // under the reader lock only).
  const char* StoreRecord(absl::string_view record) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Once the old records of renamed customers take at least a chunk and
  // half as much as the current ones, copies the current ones into fresh
  // chunks and frees the old: each byte left behind costs at most two
  // copied, and memory stays under about 1.5 times what is current.
  void MaybeCompactNames() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  // Posting-list keys of the slot's name grams, region and blocking keys.
  // NameGrams' may repeat and are in no order (sorting them cost more than
  // the postings of a new customer); RegionGrams' are sorted and distinct.
  static std::vector<uint64_t> NameGrams(const NameFormsView& forms);
  static std::vector<uint64_t> RegionGrams(v1::CustomerKind kind, absl::string_view province,
                                           absl::string_view city);
  // The key of the shortest posting list that holds every name matching
  // `term` (0: none can match).
  uint64_t TermPostings(const SearchTerm& term) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  static uint64_t BlockGram(absl::string_view key);
  static uint64_t KindGram(v1::CustomerKind kind);
  static uint64_t ProvinceGram(v1::CustomerKind kind, absl::string_view province);
  static uint64_t CityGram(v1::CustomerKind kind, absl::string_view province,
                           absl::string_view city);
  // The narrowest of the three above that a query for kind [/province [/city]] uses.
  static uint64_t RegionGram(v1::CustomerKind kind, absl::string_view province,
                             absl::string_view city);

  // What is known of the order of a long posting list: its first `sorted`
  // entries are in sort-key order as of `epoch` (epoch_ when sorted).
  struct SortState {
    size_t sorted = 0;
    uint32_t epoch = 0;
  };
  // True if the list under `key` is long and its unsorted tail or the
  // renames since it was sorted are too many to read whole.
  bool NeedsSort(uint64_t key) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The first `n` slots of the list under `key`, ordered by sort key,
  // without repeats.
  std::vector<uint32_t> SortedSlots(uint64_t key, size_t n) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // Sorts the list under `key` if it needs it, reading it under the reader
  // lock and swapping under the writer lock. Returns true if it did.
  bool SortList(uint64_t key) const ABSL_LOCKS_EXCLUDED(mu_);
  // How many slots were renamed after `epoch`.
  size_t RenamedSince(uint32_t epoch) const ABSL_SHARED_LOCKS_REQUIRED(mu_);
  // The posting-list key a search for `query` and `request` reads per term
  // (0: none can match), in the order of query.prefixes, or the region's key
  // when there is no term.
  std::vector<uint64_t> ListsFor(const ParsedQuery& query,
                                 const v1::SearchCustomersRequest& request) const
      ABSL_SHARED_LOCKS_REQUIRED(mu_);

  // Appends `slot` to the postings of every key in `now` (any order, may
  // repeat) not in `before` (sorted), once.
  void AddPostings(absl::Span<const uint64_t> before, absl::Span<const uint64_t> now, uint32_t slot)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Slots under one key. Most keys have a few (a long pinyin gram, a phone
  // number): those are held in place, without an allocation of their own.
  using PostingList = absl::InlinedVector<uint32_t, 4>;
  const PostingList* Postings(uint64_t key) const ABSL_SHARED_LOCKS_REQUIRED(mu_);

  const matching::PinyinConverter& pinyin_;
  mutable absl::Mutex mu_;
  std::vector<Slot> slots_ ABSL_GUARDED_BY(mu_);
  std::vector<Hot> hot_ ABSL_GUARDED_BY(mu_);                        // One per slot.
  std::vector<std::unique_ptr<char[]>> names_ ABSL_GUARDED_BY(mu_);  // Chunks of records.
  size_t names_used_ ABSL_GUARDED_BY(mu_) = 0;                       // In the last chunk.
  size_t names_held_ ABSL_GUARDED_BY(mu_) = 0;                       // Bytes of the chunks.
  size_t names_live_ ABSL_GUARDED_BY(mu_) = 0;    // Bytes of the current records.
  size_t names_wasted_ ABSL_GUARDED_BY(mu_) = 0;  // Of records replaced since the last compaction.
  // "p" + province and "c" + city -> place id (from 1); place_names_[id - 1]
  // is the province or city.
  absl::flat_hash_map<std::string, uint32_t> places_ ABSL_GUARDED_BY(mu_);
  std::vector<std::string> place_names_ ABSL_GUARDED_BY(mu_);
  // Slots by customer id. Ids made by core::IdGenerator (every customer's
  // in the service) are held as their 16 bytes (core::UuidBits; two words,
  // so a map slot is 24 bytes rather than the 32 of an aligned uint128): no
  // copy of the string per customer. Any other id is held as written.
  struct UuidKey {
    uint64_t high = 0;
    uint64_t low = 0;
    bool operator==(const UuidKey&) const = default;
    template <typename H>
    friend H AbslHashValue(H h, const UuidKey& k) {
      return H::combine(std::move(h), k.high, k.low);
    }
  };
  // The slot of `id`, made (as slots_.size()) if new; true if made.
  std::pair<uint32_t, bool> SlotOf(absl::string_view id) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  absl::flat_hash_map<UuidKey, uint32_t> by_uuid_ ABSL_GUARDED_BY(mu_);
  absl::flat_hash_map<std::string, uint32_t> by_other_id_ ABSL_GUARDED_BY(mu_);
  // Entries whose slot changed since stay, and every reader re-checks the
  // slot. Appended to by Upsert; a search may reorder a long list (SortList)
  // under the writer lock, which changes no answer: hence mutable.
  mutable absl::flat_hash_map<uint64_t, PostingList> postings_ ABSL_GUARDED_BY(mu_);
  const size_t sorted_list_min_;
  mutable absl::flat_hash_map<uint64_t, SortState> sort_states_ ABSL_GUARDED_BY(mu_);
  // Renames (a slot's sort key changed), in epoch order: a sorted list holds
  // a slot renamed after it was sorted at its old place, so a search skips it
  // there (Hot::renamed) and checks it apart.
  uint32_t epoch_ ABSL_GUARDED_BY(mu_) = 0;
  std::vector<std::pair<uint32_t, uint32_t>> renamed_ ABSL_GUARDED_BY(mu_);  // (epoch, slot)
};

}  // namespace pharmacrm::customer_master

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_SEARCH_CUSTOMER_INDEX_H_
