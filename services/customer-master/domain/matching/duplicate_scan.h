// Duplicate detection over a whole data set: every pair of records that
// share a blocking key (pharmacrm/matching/similarity.h) is scored once, and the likely
// duplicates come back best first with their reasons. Pure: the caller
// hands over the records and the blocks; no I/O.
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_MATCHING_DUPLICATE_SCAN_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_MATCHING_DUPLICATE_SCAN_H_

#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "pharmacrm/matching/similarity.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::customer_master {

inline constexpr double kDefaultScanMinScore = matching::kLikelyDuplicateScore;
inline constexpr int kDefaultScanLimit = 1000;
inline constexpr int kMaxScanLimit = 10000;
// Blocks with more members are not compared pair by pair: comparisons grow
// with the square of a block's size, and the broad keys (the first two
// initials of chain pharmacies' and contacts' names, which no hospital
// scopes; very common person names) make blocks of thousands at 1M records.
// Such a block is compared by its sorted neighbourhood instead: its members
// in name-then-address order (pinyin, then address, then id), each compared
// with the next kScanWindow - 1, so that records spelled alike and at one
// address, the likely duplicates of a large block, are compared while the
// comparisons grow with its size only. Members also meet through their
// other, narrower keys (BlockingKeys).
inline constexpr size_t kMaxScanBlockSize = 200;
inline constexpr size_t kScanWindow = 10;

// Checks kind (a known CustomerKind or unspecified), min_score (0..1) and
// limit (0..kMaxScanLimit); errors name the field.
absl::Status ValidateScanDuplicates(const v1::ScanDuplicatesRequest& request);

// One record of a scan. What `id` and `input` view must stay valid during
// the scan.
struct ScanRecord {
  absl::string_view id;
  matching::MatchView input;
};

struct ScanOptions {
  double min_score = kDefaultScanMinScore;
  size_t limit = kDefaultScanLimit;
  size_t max_block_size = kMaxScanBlockSize;
  size_t window = kScanWindow;  // For larger blocks; 0 or 1: skip them instead.
  int threads = 1;  // Blocks are shared out among this many threads.
};

struct ScoredPair {
  uint32_t first = 0;  // Index into the records; records[first].id < records[second].id.
  uint32_t second = 0;
  matching::MatchResult match;  // ScorePair of the two, with its reasons.
};

struct ScanResult {
  // Best first; equal scores by the first id, then the second. At most
  // options.limit.
  std::vector<ScoredPair> pairs;
  int64_t blocks = 0;          // Blocks of two or more distinct records.
  int64_t blocks_windowed = 0;       // Of those, larger than max_block_size.
  int64_t comparisons = 0;           // Pairs scored, windowed ones included.
  int64_t windowed_comparisons = 0;  // Of those, pairs met only in a window.
  int64_t pairs_found = 0;     // At or above min_score, before the limit.
  bool truncated = false;      // pairs_found > limit.
};

// Scores every pair of records that share a block, each pair once (in the
// first block, in `blocks` order, that holds both and is not larger than
// max_block_size), and keeps the `limit` best at or above min_score. Each
// block lists indexes into `records`; an index repeated within a block
// counts once, and blocks of fewer than two distinct records are ignored.
// Blocks larger than max_block_size are counted, and their members compared
// within `window` of each other in name-then-address order (see
// kMaxScanBlockSize); a pair met in several windows, or also in a block
// compared whole, is scored once. The result does not depend on the number
// of threads.
ScanResult ScanDuplicatePairs(const std::vector<ScanRecord>& records,
                              std::vector<std::vector<uint32_t>> blocks,
                              const ScanOptions& options);

}  // namespace pharmacrm::customer_master

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_DOMAIN_MATCHING_DUPLICATE_SCAN_H_
