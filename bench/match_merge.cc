// bench/match_merge: match and merge over a populated customer-master
// (bench/import.sh fills it with the demo data set). Times one
// ScanDuplicates over every active record, then merges the pairs at or
// above --merge_score (each record takes part in at most one merge, the
// pair's first id surviving) through MergeCustomers with --threads calls in
// flight. Prints the scan's figures, merges/s and merge latency.
#include <algorithm>
#include <atomic>
#include <cstdio>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"

ABSL_FLAG(std::string, customer_master, "127.0.0.1:17151", "customer-master gRPC address");
ABSL_FLAG(double, merge_score, 0.9, "Pairs at or above this score are merged");
ABSL_FLAG(int, limit, 10000, "Most pairs the scan returns (its maximum is 10000)");
ABSL_FLAG(int, threads, 2, "Merge calls in flight");

namespace v1 = pharmacrm::v1;

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto stub = v1::CustomerMaster::NewStub(
      pharmacrm::rpc::MakeChannel(absl::GetFlag(FLAGS_customer_master), 64 << 20));

  v1::ScanDuplicatesRequest scan;
  scan.set_min_score(absl::GetFlag(FLAGS_merge_score));
  scan.set_limit(absl::GetFlag(FLAGS_limit));
  v1::ScanDuplicatesResponse found;
  grpc::ClientContext scan_ctx;
  scan_ctx.set_deadline(std::chrono::system_clock::now() + std::chrono::minutes(10));
  absl::Time start = absl::Now();
  grpc::Status s = stub->ScanDuplicates(&scan_ctx, scan, &found);
  double scan_s = absl::ToDoubleSeconds(absl::Now() - start);
  if (!s.ok()) {
    std::fprintf(stderr, "ScanDuplicates failed: %s\n", s.error_message().c_str());
    return 1;
  }
  std::printf(
      "scan: %lld records, %lld blocks (%lld windowed), %lld comparisons (%lld in windows), "
      "%lld pairs >= %.2f%s, %.2f s (service %lld ms)\n",
      static_cast<long long>(found.records_scanned()), static_cast<long long>(found.blocks()),
      static_cast<long long>(found.blocks_windowed()), static_cast<long long>(found.comparisons()),
      static_cast<long long>(found.windowed_comparisons()),
      static_cast<long long>(found.pairs_found()), absl::GetFlag(FLAGS_merge_score),
      found.truncated() ? " (truncated to the limit)" : "", scan_s,
      static_cast<long long>(found.elapsed_ms()));

  // Each record in at most one merge, so merges never wait on each other.
  std::vector<const v1::DuplicatePair*> todo;
  std::set<std::string> used;
  for (const auto& p : found.pairs()) {
    if (used.count(p.first_id()) || used.count(p.second_id())) continue;
    used.insert(p.first_id());
    used.insert(p.second_id());
    todo.push_back(&p);
  }
  std::atomic<size_t> next{0};
  std::atomic<int> failed{0};
  absl::Mutex mu;
  std::vector<double> ms;
  start = absl::Now();
  std::vector<std::thread> workers;
  for (int t = 0; t < absl::GetFlag(FLAGS_threads); ++t) {
    workers.emplace_back([&] {
      for (size_t i = next++; i < todo.size(); i = next++) {
        const v1::DuplicatePair& p = *todo[i];
        v1::MergeCustomersRequest req;
        req.set_request_id(absl::StrCat("bench-merge-", p.first_id(), "-", p.second_id()));
        req.set_survivor_id(p.first_id());
        req.add_merged_ids(p.second_id());
        req.set_reason(absl::StrCat("duplicate scan score ", p.score()));
        v1::Customer golden;
        grpc::ClientContext ctx;
        absl::Time t0 = absl::Now();
        grpc::Status st = stub->MergeCustomers(&ctx, req, &golden);
        double took = absl::ToDoubleMilliseconds(absl::Now() - t0);
        absl::MutexLock lock(&mu);
        ms.push_back(took);
        if (!st.ok() && failed++ < 3) {
          std::fprintf(stderr, "merge %s <- %s failed: %s\n", p.first_id().c_str(),
                       p.second_id().c_str(), st.error_message().c_str());
        }
      }
    });
  }
  for (auto& w : workers) w.join();
  double merge_s = absl::ToDoubleSeconds(absl::Now() - start);
  std::sort(ms.begin(), ms.end());
  auto at = [&](double q) {
    return ms.empty() ? 0.0 : ms[std::min(ms.size() - 1, static_cast<size_t>(q * (ms.size() - 1)))];
  };
  std::printf("merge: %zu merges (%d failed) in %.2f s, %.0f merges/s, p50 %.2f ms, p99 %.2f ms\n",
              todo.size(), failed.load(), merge_s, merge_s > 0 ? todo.size() / merge_s : 0.0,
              at(0.5), at(0.99));
  std::printf("match + merge: %.2f s\n", scan_s + merge_s);
  return failed.load() == 0 ? 0 : 1;
}
