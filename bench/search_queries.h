// The SearchCustomers queries the benches time (bench/search_latency over
// gRPC, bench/duplicate_scan --search_rounds in process): what a rep or
// steward types — a hospital by part of its name, a doctor by surname and
// given name in pinyin, initials, broad words that reach the match cap.
#ifndef PHARMACRM_BENCH_SEARCH_QUERIES_H_
#define PHARMACRM_BENCH_SEARCH_QUERIES_H_

#include <string>
#include <vector>

namespace pharmacrm::bench {

inline const std::vector<std::string>& SearchQueries() {
  static const auto* queries = new std::vector<std::string>{
      "人民医院", "协和", "中医",     "wangwei", "zhangli", "liuyang", "rmyy",  "zyy",
      "bjxh",     "dyfy", "儿童医院", "chen",    "药房",    "yifeng",  "guoyao"};
  return *queries;
}

}  // namespace pharmacrm::bench

#endif  // PHARMACRM_BENCH_SEARCH_QUERIES_H_
