#include "domain/matching/duplicate_scan.h"

#include <algorithm>
#include <atomic>
#include <thread>
#include <utility>

#include "absl/strings/str_cat.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {

using ::pharmacrm::matching::MatchScore;
using ::pharmacrm::matching::ScorePair;

namespace {

struct Candidate {
  double score;
  uint32_t first;
  uint32_t second;
};

// True if `x` ranks before `y`: higher score, then lower first id, then
// lower second id.
class Better {
 public:
  explicit Better(const std::vector<ScanRecord>& records) : records_(&records) {}
  bool operator()(const Candidate& x, const Candidate& y) const {
    if (x.score != y.score) return x.score > y.score;
    const std::vector<ScanRecord>& r = *records_;
    if (x.first != y.first) return r[x.first].id < r[y.first].id;
    return r[x.second].id < r[y.second].id;
  }

 private:
  const std::vector<ScanRecord>* records_;
};

// The `limit` best candidates offered.
class TopCandidates {
 public:
  TopCandidates(size_t limit, Better better) : limit_(limit), better_(better) {}

  void Offer(const Candidate& c) {
    if (limit_ == 0) return;
    // A heap ordered by `better_` keeps the worst kept candidate in front.
    if (heap_.size() < limit_) {
      heap_.push_back(c);
      std::push_heap(heap_.begin(), heap_.end(), better_);
    } else if (better_(c, heap_.front())) {
      std::pop_heap(heap_.begin(), heap_.end(), better_);
      heap_.back() = c;
      std::push_heap(heap_.begin(), heap_.end(), better_);
    }
  }

  std::vector<Candidate>& items() { return heap_; }

 private:
  size_t limit_;
  Better better_;
  std::vector<Candidate> heap_;
};

// Per record, the compared blocks it belongs to, ascending (compressed rows:
// the blocks of record r are at block_ids[offsets[r] .. offsets[r + 1])).
struct RecordBlocks {
  std::vector<uint32_t> offsets;
  std::vector<uint32_t> block_ids;

  // The first block that holds both records (they share at least one).
  uint32_t FirstCommon(uint32_t a, uint32_t b) const {
    const uint32_t* x = block_ids.data() + offsets[a];
    const uint32_t* x_end = block_ids.data() + offsets[a + 1];
    const uint32_t* y = block_ids.data() + offsets[b];
    const uint32_t* y_end = block_ids.data() + offsets[b + 1];
    while (x != x_end && y != y_end) {
      if (*x == *y) return *x;
      if (*x < *y) {
        ++x;
      } else {
        ++y;
      }
    }
    return UINT32_MAX;  // They share no block compared whole.
  }
};

struct WorkerResult {
  int64_t comparisons = 0;
  int64_t windowed_comparisons = 0;
  int64_t pairs_found = 0;
  std::vector<Candidate> best;
};

// Windowed pairs are scored in tasks of this many, shared out among threads.
constexpr size_t kPairsPerTask = 4096;

// Name-then-address order of the sorted neighbourhood: pinyin, address, id.
bool NeighbourBefore(const ScanRecord& a, const ScanRecord& b) {
  if (a.input.name_pinyin != b.input.name_pinyin) {
    return a.input.name_pinyin < b.input.name_pinyin;
  }
  if (a.input.address != b.input.address) return a.input.address < b.input.address;
  return a.id < b.id;
}

// The distinct pairs (lower index first, ascending) of members within
// `window` of each other in name-then-address order, in any of `windowed`,
// that share no block compared whole (those are scored there).
std::vector<std::pair<uint32_t, uint32_t>> WindowPairs(const std::vector<ScanRecord>& records,
                                                       std::vector<std::vector<uint32_t>>& windowed,
                                                       size_t window,
                                                       const RecordBlocks& record_blocks) {
  std::vector<std::pair<uint32_t, uint32_t>> pairs;
  for (std::vector<uint32_t>& members : windowed) {
    std::sort(members.begin(), members.end(),
              [&](uint32_t a, uint32_t b) { return NeighbourBefore(records[a], records[b]); });
    for (size_t i = 0; i + 1 < members.size(); ++i) {
      for (size_t j = i + 1; j < members.size() && j < i + window; ++j) {
        uint32_t a = members[i], b = members[j];
        if (b < a) std::swap(a, b);
        if (record_blocks.FirstCommon(a, b) != UINT32_MAX) continue;
        pairs.emplace_back(a, b);
      }
    }
  }
  std::sort(pairs.begin(), pairs.end());
  pairs.erase(std::unique(pairs.begin(), pairs.end()), pairs.end());
  return pairs;
}

}  // namespace

absl::Status ValidateScanDuplicates(const v1::ScanDuplicatesRequest& r) {
  if (!v1::CustomerKind_IsValid(r.kind())) {
    return core::FieldError(
        "kind", absl::StrCat(static_cast<int>(r.kind()), " is not a CustomerKind (0: every kind)"));
  }
  if (!(r.min_score() >= 0 && r.min_score() <= 1)) {
    return core::FieldError("min_score", "must be between 0 and 1");
  }
  if (r.limit() < 0 || r.limit() > kMaxScanLimit) {
    return core::FieldError(
        "limit", absl::StrCat("must be 0 (default ", kDefaultScanLimit, ") to ", kMaxScanLimit));
  }
  return absl::OkStatus();
}

ScanResult ScanDuplicatePairs(const std::vector<ScanRecord>& records,
                              std::vector<std::vector<uint32_t>> blocks,
                              const ScanOptions& options) {
  ScanResult result;
  // Distinct members; blocks of fewer than two are dropped, oversized ones
  // counted and set aside to be compared in windows.
  std::vector<std::vector<uint32_t>> compared;
  std::vector<std::vector<uint32_t>> windowed;
  compared.reserve(blocks.size());
  for (auto& members : blocks) {
    std::sort(members.begin(), members.end());
    members.erase(std::unique(members.begin(), members.end()), members.end());
    if (members.size() < 2) continue;
    ++result.blocks;
    if (members.size() > options.max_block_size) {
      ++result.blocks_windowed;
      if (options.window > 1) windowed.push_back(std::move(members));
      continue;
    }
    compared.push_back(std::move(members));
  }
  blocks.clear();
  blocks.shrink_to_fit();

  RecordBlocks record_blocks;
  record_blocks.offsets.assign(records.size() + 1, 0);
  for (const auto& members : compared) {
    for (uint32_t m : members) ++record_blocks.offsets[m + 1];
  }
  for (size_t r = 0; r < records.size(); ++r) {
    record_blocks.offsets[r + 1] += record_blocks.offsets[r];
  }
  record_blocks.block_ids.resize(record_blocks.offsets.back());
  {
    std::vector<uint32_t> fill(record_blocks.offsets.begin(), record_blocks.offsets.end() - 1);
    for (uint32_t b = 0; b < compared.size(); ++b) {
      for (uint32_t m : compared[b]) record_blocks.block_ids[fill[m]++] = b;
    }
  }

  const std::vector<std::pair<uint32_t, uint32_t>> window_pairs =
      WindowPairs(records, windowed, options.window, record_blocks);
  windowed.clear();
  windowed.shrink_to_fit();

  const Better better(records);
  std::atomic<size_t> next_block{0};
  std::atomic<size_t> next_pairs{0};
  auto work = [&](WorkerResult* out) {
    TopCandidates top(options.limit, better);
    auto score = [&](uint32_t first, uint32_t second) {
      if (records[second].id < records[first].id) std::swap(first, second);
      ++out->comparisons;
      const double s = MatchScore(records[first].input, records[second].input);
      if (s < options.min_score) return;
      ++out->pairs_found;
      top.Offer({s, first, second});
    };
    for (size_t start = next_pairs.fetch_add(kPairsPerTask); start < window_pairs.size();
         start = next_pairs.fetch_add(kPairsPerTask)) {
      const size_t end = std::min(window_pairs.size(), start + kPairsPerTask);
      for (size_t i = start; i < end; ++i) {
        score(window_pairs[i].first, window_pairs[i].second);
        ++out->windowed_comparisons;
      }
    }
    for (size_t b = next_block++; b < compared.size(); b = next_block++) {
      const std::vector<uint32_t>& members = compared[b];
      for (size_t i = 0; i + 1 < members.size(); ++i) {
        for (size_t j = i + 1; j < members.size(); ++j) {
          if (record_blocks.FirstCommon(members[i], members[j]) != b) continue;  // Compared there.
          score(members[i], members[j]);
        }
      }
    }
    out->best = std::move(top.items());
  };

  const int threads = std::max(1, options.threads);
  std::vector<WorkerResult> partial(threads);
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work, &partial[t]);
  work(&partial[0]);
  for (auto& thread : pool) thread.join();

  std::vector<Candidate> best;
  for (auto& p : partial) {
    result.comparisons += p.comparisons;
    result.windowed_comparisons += p.windowed_comparisons;
    result.pairs_found += p.pairs_found;
    best.insert(best.end(), p.best.begin(), p.best.end());
  }
  std::sort(best.begin(), best.end(), better);
  if (best.size() > options.limit) best.resize(options.limit);
  result.truncated = result.pairs_found > static_cast<int64_t>(best.size());
  result.pairs.reserve(best.size());
  for (const Candidate& c : best) {
    result.pairs.push_back(
        {c.first, c.second, ScorePair(records[c.first].input, records[c.second].input)});
  }
  return result;
}

}  // namespace pharmacrm::customer_master
