// bench/duplicate_scan: duplicate detection over the whole data set, in
// process. Generates the deterministic demo data set (tools/demo-data) at
// about --records records, normalises and validates each row as an import
// does (dirty rows are left out), loads them into customer-master's
// in-memory index (domain/search/customer_index.h) and times
// CustomerIndex::ScanDuplicates, the same call the ScanDuplicates RPC makes,
// over --rounds rounds. Prints each round, the median, the index's memory
// and, with --recall, how many of the data set's deliberate duplicates the
// scan finds. With --search_rounds, it first times CustomerIndex::Search
// (the index's part of SearchCustomers: match, filter, order, page) over the
// queries of bench/search_latency; --scan=false skips the scan.
//
//   build/bench/duplicate_scan --records=1000000 --rounds=3
//   build/bench/duplicate_scan --records=1000000 --search_rounds=20 --scan=false
#include "domain/matching/duplicate_scan.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "domain/customers/customer_rules.h"
#include "domain/customers/profile_normalization.h"
#include "domain/matching/matching.h"
#include "domain/search/customer_index.h"
#include "domain/search/search.h"
#include "generator.h"
#include "pharmacrm/matching/pinyin.h"
#include "search_queries.h"

ABSL_FLAG(int64_t, records, 100000, "About this many records (the demo mix, scaled)");
ABSL_FLAG(uint64_t, seed, 20261127, "Seed of the demo data set");
ABSL_FLAG(int, rounds, 3, "Timed scans (at least 1); the median is reported");
ABSL_FLAG(int, threads, 2, "Threads of each scan");
ABSL_FLAG(int64_t, max_block_size, -1,
          "Blocks with more records are compared in windows (-1: the service's, "
          "kMaxScanBlockSize)");
ABSL_FLAG(int64_t, window, -1,
          "Window of the larger blocks; 0 or 1 skips them (-1: the service's, kScanWindow)");
ABSL_FLAG(double, min_score, 0.6, "Pairs at or above this score are counted");
ABSL_FLAG(int, search_rounds, 0, "Times each search query is asked in process (0: none)");
ABSL_FLAG(bool, scan, true, "Time the duplicate scan");
ABSL_FLAG(bool, block_stats, false, "Print the largest blocks and pairs per key type");
ABSL_FLAG(bool, recall, true,
          "After the timed rounds, one more scan keeping every pair, checked against the "
          "deliberate duplicates of the data set");

namespace pharmacrm::bench {
namespace {

using customer_master::CustomerIndex;

// kB of a /proc/self/status line ("VmRSS", "VmHWM").
int64_t StatusKb(const std::string& name) {
  std::ifstream in("/proc/self/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(name + ":", 0) == 0) return std::stoll(line.substr(name.size() + 1));
  }
  return -1;
}

// Heap bytes of a string as glibc's malloc rounds them (0 when inline).
size_t HeapBytes(const std::string& s) {
  if (s.capacity() <= 15) return 0;
  return (s.capacity() + 1 + 8 + 15) / 16 * 16;
}

// Estimated bytes of one MatchRecord with its shared_ptr control block.
size_t MatchRecordBytes(const customer_master::MatchRecord& m) {
  const matching::MatchView in = m.input();
  size_t bytes = (sizeof(customer_master::MatchRecord) + 16 + 15) / 16 * 16 + HeapBytes(m.id);
  const size_t strings = in.name.size() + in.name_pinyin.size() + in.address.size() +
                         in.phone.size() + in.code.size() + in.hospital_id.size();
  if (strings > 0) bytes += (strings + 15) / 16 * 16;
  return bytes;
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

int Run() {
  const int64_t wanted = absl::GetFlag(FLAGS_records);
  // The full demo mix (3 000 hospitals : 60 000 doctors : 20 000 pharmacies
  // with one contact each : 500 distributors) scaled, as bench/import.sh.
  const int scale = std::max<int>(1, static_cast<int>((wanted * 1000 + 51750) / 103500));
  demo::DemoSize size;
  size.hospitals = 3 * scale;
  size.doctors = 60 * scale;
  size.pharmacies = 20 * scale;
  size.contacts_per_pharmacy = 1;
  size.distributors = std::max(1, scale / 2);
  if (absl::Status s = demo::ValidateDemoSize(size); !s.ok()) {
    std::fprintf(stderr, "%s\n", std::string(s.message()).c_str());
    return 1;
  }
  auto pinyin = matching::PinyinConverter::Create();
  if (!pinyin.ok()) {
    std::fprintf(stderr, "%s\n", std::string(pinyin.status().message()).c_str());
    return 1;
  }
  const int64_t rss_before_kb = StatusKb("VmRSS");

  CustomerIndex index(**pinyin);
  // Deliberate duplicates whose record and original were both loaded.
  std::vector<std::pair<std::string, std::string>> deliberate;
  absl::flat_hash_set<std::string> loaded;
  int64_t generated = 0, rejected = 0;
  absl::flat_hash_map<std::string, int64_t> key_counts;
  absl::Time start = absl::Now();
  demo::DemoDataGenerator().Generate(
      size, absl::GetFlag(FLAGS_seed), [&](const demo::DemoRecord& r) {
        ++generated;
        v1::Customer c;
        *c.mutable_profile() = r.profile;
        if (r.dirty || !customer_master::NormalizeProfile(c.mutable_profile()).ok() ||
            !customer_master::ValidateProfile(c.profile(), start).ok()) {
          ++rejected;
          return;
        }
        // The external id stands for the id: doctors' hospital_id and contacts'
        // pharmacy_id name their hospital and pharmacy by it.
        c.set_id(r.external_id);
        c.set_version(1);
        c.set_status(v1::CUSTOMER_STATUS_ACTIVE);
        index.Upsert(c);
        if (absl::GetFlag(FLAGS_block_stats)) {
          for (const auto& k :
               matching::BlockingKeys(customer_master::MatchInputFor(c, **pinyin))) {
            ++key_counts[k];
          }
        }
        loaded.insert(r.external_id);
        if (!r.duplicate_of.empty() && loaded.contains(r.duplicate_of)) {
          deliberate.emplace_back(r.duplicate_of, r.external_id);
        }
      });
  if (absl::GetFlag(FLAGS_block_stats)) {
    std::vector<std::pair<int64_t, std::string>> top;
    std::map<std::string, std::pair<int64_t, int64_t>> by_type;  // pairs, pairs within <= 1000
    for (const auto& [k, n] : key_counts) {
      top.emplace_back(n, k);
      std::string type = k.substr(0, k.find('|', k.find('|') + 1));
      by_type[type].first += n * (n - 1) / 2;
      if (n <= 1000) by_type[type].second += n * (n - 1) / 2;
    }
    std::sort(top.rbegin(), top.rend());
    for (size_t i = 0; i < std::min<size_t>(40, top.size()); ++i) {
      std::printf("  %6lld %s\n", static_cast<long long>(top[i].first), top[i].second.c_str());
    }
    for (const auto& [t, p] : by_type) {
      std::printf("  %-40s pairs %lld (in blocks <= 1000: %lld)\n", t.c_str(),
                  static_cast<long long>(p.first), static_cast<long long>(p.second));
    }
  }
  const double load_seconds = absl::ToDoubleSeconds(absl::Now() - start);
  loaded = {};
  const int64_t rss_index_kb = StatusKb("VmRSS");
  std::printf(
      "records: %lld generated, %lld dirty or invalid left out, %zu in the index "
      "(%lld deliberate duplicates); loaded in %.1f s\n",
      static_cast<long long>(generated), static_cast<long long>(rejected), index.size(),
      static_cast<long long>(deliberate.size()), load_seconds);

  if (int rounds = absl::GetFlag(FLAGS_search_rounds); rounds > 0) {
    // Round by round through the queries, as bench/search_latency asks
    // them: one query's memory is mostly out of the caches when it comes
    // again, as in a service.
    const std::vector<std::string>& queries = SearchQueries();
    std::vector<std::vector<double>> ms(queries.size());
    std::vector<int32_t> totals(queries.size());
    std::vector<double> all_ms;
    for (int r = 0; r < rounds; ++r) {
      for (size_t qi = 0; qi < queries.size(); ++qi) {
        auto parsed = customer_master::ParseSearchQuery(queries[qi]);
        v1::SearchCustomersRequest request;
        request.set_query(queries[qi]);
        request.set_page_size(20);
        absl::Time t = absl::Now();
        auto found = index.Search(*parsed, request, 5000);
        ms[qi].push_back(absl::ToDoubleMilliseconds(absl::Now() - t));
        all_ms.push_back(ms[qi].back());
        if (!found.ok()) {
          std::fprintf(stderr, "search '%s' failed\n", queries[qi].c_str());
          return 1;
        }
        totals[qi] = found->page.total_size;
      }
    }
    for (size_t qi = 0; qi < queries.size(); ++qi) {
      std::sort(ms[qi].begin(), ms[qi].end());
      std::printf("  %-10s %6d matches  median %.2f ms  max %.2f ms\n", queries[qi].c_str(),
                  totals[qi], ms[qi][ms[qi].size() / 2], ms[qi].back());
    }
    std::sort(all_ms.begin(), all_ms.end());
    std::printf("index search: %zu calls, p50 %.2f ms, p99 %.2f ms, max %.2f ms\n", all_ms.size(),
                all_ms[all_ms.size() / 2],
                all_ms[std::min(all_ms.size() - 1, static_cast<size_t>(0.99 * (all_ms.size() - 1)))],
                all_ms.back());
  }
  if (!absl::GetFlag(FLAGS_scan)) return 0;

  customer_master::ScanOptions options;
  options.min_score = absl::GetFlag(FLAGS_min_score);
  options.threads = absl::GetFlag(FLAGS_threads);
  if (absl::GetFlag(FLAGS_max_block_size) >= 0) {
    options.max_block_size = static_cast<size_t>(absl::GetFlag(FLAGS_max_block_size));
  }
  if (absl::GetFlag(FLAGS_window) >= 0) {
    options.window = static_cast<size_t>(absl::GetFlag(FLAGS_window));
  }
  std::vector<double> seconds;
  CustomerIndex::DuplicateScan last;
  for (int round = 0; round < std::max(1, absl::GetFlag(FLAGS_rounds)); ++round) {
    last = {};
    absl::Time t = absl::Now();
    last = index.ScanDuplicates(v1::CUSTOMER_KIND_UNSPECIFIED, "", options);
    seconds.push_back(absl::ToDoubleSeconds(absl::Now() - t));
    const auto& r = last.result;
    std::printf(
        "round %d: %.2f s, %zu records, %lld blocks (%lld windowed), %lld comparisons "
        "(%lld in windows), %lld pairs >= %.2f\n",
        round + 1, seconds.back(), last.records.size(), static_cast<long long>(r.blocks),
        static_cast<long long>(r.blocks_windowed), static_cast<long long>(r.comparisons),
        static_cast<long long>(r.windowed_comparisons), static_cast<long long>(r.pairs_found),
        options.min_score);
  }
  size_t match_bytes = 0;
  for (const auto& m : last.records) match_bytes += MatchRecordBytes(*m);
  const size_t n = std::max<size_t>(1, index.size());
  std::printf("scan: median %.2f s over %zu rounds (%d threads); %.0f comparisons/s\n",
              Median(seconds), seconds.size(), options.threads,
              static_cast<double>(last.result.comparisons) / Median(seconds));
  std::printf(
      "memory: index %.0f MiB RSS (%.0f B per record), of which match inputs and "
      "blocking keys about %.0f B per record; peak RSS %.0f MiB\n",
      (rss_index_kb - rss_before_kb) / 1024.0,
      (rss_index_kb - rss_before_kb) * 1024.0 / static_cast<double>(n),
      static_cast<double>(match_bytes) / static_cast<double>(n), StatusKb("VmHWM") / 1024.0);

  if (absl::GetFlag(FLAGS_recall)) {
    customer_master::ScanOptions all = options;
    all.limit = SIZE_MAX;
    last = {};
    CustomerIndex::DuplicateScan scan =
        index.ScanDuplicates(v1::CUSTOMER_KIND_UNSPECIFIED, "", all);
    absl::flat_hash_set<std::pair<std::string, std::string>> found;
    for (const auto& p : scan.result.pairs) {
      found.insert({scan.records[p.first]->id, scan.records[p.second]->id});
    }
    int64_t hits = 0;
    for (auto [a, b] : deliberate) {
      if (b < a) std::swap(a, b);
      hits += found.contains({a, b}) ? 1 : 0;
    }
    std::printf(
        "recall: %lld of %zu deliberate duplicates found at >= %.2f (%.1f %%); "
        "%zu pairs in all\n",
        static_cast<long long>(hits), deliberate.size(), options.min_score,
        100.0 * static_cast<double>(hits) /
            static_cast<double>(std::max<size_t>(1, deliberate.size())),
        scan.result.pairs.size());
  }
  return 0;
}

}  // namespace
}  // namespace pharmacrm::bench

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // Rounds show as they finish.
  return pharmacrm::bench::Run();
}
