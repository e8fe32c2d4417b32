// Resolution of the terminals of distributors' flow (流向) files, free-text
// buyer names and addresses ("协和医院(东单院区)", "北京市东城区帅府园1号"),
// to customers, with the normalisation, blocking keys and pair scoring that
// customer-master's duplicate detection uses (normalize.h, regions.h,
// similarity.h). Pure: the caller hands over the candidate customers.
//
// Thread safety: Resolve may be called concurrently (the cache is guarded by
// a mutex; scoring runs outside it).
#ifndef PHARMACRM_LIBS_MATCHING_INCLUDE_PHARMACRM_MATCHING_TERMINAL_RESOLVER_H_
#define PHARMACRM_LIBS_MATCHING_INCLUDE_PHARMACRM_MATCHING_TERMINAL_RESOLVER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <variant>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "pharmacrm/matching/pinyin.h"
#include "pharmacrm/matching/similarity.h"

namespace pharmacrm::matching {

// A customer a terminal may resolve to. Fields are taken as written and
// normalised by the resolver. The address may be whole
// ("北京市东城区帅府园1号") or split into province, city, district and the
// rest; with none of the three parts it is split with ParseAddress, as
// customer-master splits an imported address.
struct TerminalCandidate {
  std::string id;
  std::string kind;  // e.g. "CUSTOMER_KIND_HOSPITAL"; compared verbatim
  std::string name;
  std::string address;
  std::string province;
  std::string city;
  std::string district;
  // Codes a flow file may name the customer by: distributors' codes for the
  // terminal, the customer's own external ids. Compared after NormalizeText
  // with spaces removed and ASCII upper-cased.
  std::vector<std::string> external_codes;
  bool active = true;  // Inactive (and merged) customers are never resolved to.
};

// Thresholds of TerminalResolver (see there for the rules).
struct TerminalResolverOptions {
  // The best candidate must score at least this to be matched by name and
  // address. Above customer-master's likely-duplicate score (0.6): a pair
  // of likely duplicates goes to a data steward, a flow row is attributed
  // without one. In bench/terminal_resolve, 0.6 matched 7 % of the
  // terminals the master does not have to another customer (another store
  // of the chain, the next community health centre), 0.8 about 1 %, and no
  // known terminal with an address was lost. Names alone never reach it
  // (ScorePair caps them at kNameOnlyCap, 0.7).
  double match_score = 0.8;
  // ... and beat the second best by at least this.
  double margin = 0.1;
  // Otherwise two or more candidates at or above this make the terminal
  // ambiguous: likely duplicates of it by customer-master's measure. At most
  // match_score - margin, so that every terminal whose best candidate
  // reaches match_score but is not matched is ambiguous.
  double ambiguous_score = kLikelyDuplicateScore;
  // Candidates listed in an Ambiguous or Unmatched answer, best first.
  size_t max_listed = 5;
  // Blocks (candidates sharing a blocking key) with more members are read
  // by their sorted neighbourhood, as customer-master's duplicate scan reads
  // them (its kMaxScanBlockSize and kScanWindow): the `window` - 1 members
  // on each side of the terminal in the order of the compact pinyin (of the
  // form of the name with the key), the city, then the address. Such blocks
  // come from the initials key of chains and of names starting with a city.
  size_t max_block_size = 200;
  size_t window = 10;  // 0 or 1: large blocks are not read.
  // Answers kept by (code, name, address); when full, the cache is emptied.
  size_t cache_size = 100000;
};

// How a terminal was matched.
enum class MatchedBy {
  kExternalCode,    // "external code"
  kNameAndAddress,  // "name and address"
};
absl::string_view MatchedByName(MatchedBy how);

// A candidate as the resolver scored it.
struct ScoredCandidate {
  std::string customer_id;
  std::string name;  // As the candidate was given.
  double score = 0;
  // ScorePair's reasons for the terminal and this customer; the name
  // reason says which forms of the names were compared.
  std::vector<MatchReason> reasons;
};

// The terminal is this customer.
struct Matched {
  std::string customer_id;
  MatchedBy how = MatchedBy::kNameAndAddress;
  double score = 0;  // 1 for an external code.
  // One "code" reason for an external code; else ScorePair's reasons (as
  // ScoredCandidate's) and a "decision" reason.
  std::vector<MatchReason> reasons;
  double runner_up_score = 0;  // The second best candidate's score, or 0.
};

// Two or more customers fit about equally well: for a person to decide.
struct Ambiguous {
  std::vector<ScoredCandidate> candidates;  // Best first (ties by id); at least 2.
};

// No customer fits well enough.
struct Unmatched {
  std::vector<ScoredCandidate> best;  // Best first (ties by id); may be empty.
};

using TerminalResolution = std::variant<Matched, Ambiguous, Unmatched>;

// Resolves flow terminals to a fixed set of candidate customers, indexed
// once by external code and by blocking key, so that resolving N rows
// against M candidates reads only the candidates sharing a key with each
// distinct row.
//
// Resolve(terminal_code, name, address):
//  1. External code: a code (normalised as TerminalCandidate says) naming
//     exactly one active candidate is Matched by "external code", whatever
//     the name says. A code naming several customers decides nothing.
//  2. Name and address. Names and addresses go through NormalizeText and
//     FoldToSimplified (so full-width forms and Traditional characters
//     agree); addresses are split by ParseAddress and joined by FullAddress
//     as customer-master compares them, and one without a province or city
//     takes the region leading the name (北京协和医院 at 东城区帅府园1号).
//     Names are compared in these forms, and a candidate scores the best:
//       - the whole names;
//       - the terminal's name without bracketed parts ("(东单院区)",
//         "【医保定点】") against the candidate's;
//       - both without the region ParseAddress recognises at their start
//         ("北京协和医院" -> "协和医院", "广州市第一人民医院" -> "第一人民医院"),
//         when at most one of them has one or both the same, and likewise
//         the terminal's without brackets.
//     Only candidates sharing a blocking key (BlockingKeys of those forms,
//     of each kind among the candidates, since a terminal's kind is not
//     known; blocks larger than max_block_size by their sorted
//     neighbourhood) and not in another place are scored, each with
//     ScorePair. Another place: the terminal's address (else the region
//     leading its name) and the candidate's (likewise) name different
//     provinces, or different cities of which neither is the other's
//     district (江苏省昆山市 is 苏州市's district 昆山市).
//  3. Matched by "name and address" when the best score is at least
//     match_score (0.8) and at least `margin` (0.1) above the second best
//     (a "decision" reason says so); else Ambiguous with every candidate at
//     or above ambiguous_score (0.6) when there are two or more; else
//     Unmatched with up to max_listed best candidates (score above 0).
//     Without an address no score reaches 0.8, so only a code matches such
//     a row; it is Ambiguous beside any other name about 0.78 alike
//     (北京协和医院 / 北京大学第一医院: 0.7 and 0.61).
// Inactive candidates are left out of the index altogether. Answers are
// cached by the (code, name, address) as written.
class TerminalResolver {
 public:
  // `pinyin` must outlive the resolver.
  TerminalResolver(const std::vector<TerminalCandidate>& candidates,
                   const PinyinConverter& pinyin, TerminalResolverOptions options = {});
  ~TerminalResolver();
  TerminalResolver(const TerminalResolver&) = delete;
  TerminalResolver& operator=(const TerminalResolver&) = delete;

  // Shared: a row repeated while its answer is cached gets the same object.
  std::shared_ptr<const TerminalResolution> Resolve(absl::string_view terminal_code,
                                                    absl::string_view name,
                                                    absl::string_view address);

  // Active candidates indexed.
  size_t size() const;

  struct Stats {
    int64_t resolved = 0;     // Calls of Resolve.
    int64_t cache_hits = 0;   // Of those, answered from the cache.
    int64_t by_code = 0;      // Computed answers matched by external code.
    int64_t comparisons = 0;  // Candidates scored, over all computed answers.
    int64_t other_place = 0;  // Candidates sharing a key, not scored: in another place.
    int64_t blocks_windowed = 0;  // Blocks larger than max_block_size read in a window.
  };
  Stats stats() const;

 private:
  struct Index;
  struct Terminal;

  TerminalResolution Compute(absl::string_view terminal_code, absl::string_view name,
                             absl::string_view address, Stats* stats) const;
  ScoredCandidate Explain(Terminal& terminal, uint32_t candidate) const;

  const PinyinConverter& pinyin_;
  const TerminalResolverOptions options_;
  std::unique_ptr<const Index> index_;

  mutable absl::Mutex mu_;
  absl::flat_hash_map<std::string, std::shared_ptr<const TerminalResolution>> cache_
      ABSL_GUARDED_BY(mu_);
  Stats stats_ ABSL_GUARDED_BY(mu_);
};

}  // namespace pharmacrm::matching

#endif  // PHARMACRM_LIBS_MATCHING_INCLUDE_PHARMACRM_MATCHING_TERMINAL_RESOLVER_H_
