// bench/search_latency: SearchCustomers latency on a populated
// customer-master (bench/import.sh fills it), one call in flight, over a
// mix of Chinese, pinyin and initials queries. Prints p50/p99/max.
#include <algorithm>
#include <cstdio>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/time/clock.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"
#include "search_queries.h"

ABSL_FLAG(std::string, customer_master, "127.0.0.1:17151", "customer-master gRPC address");
ABSL_FLAG(int, rounds, 20, "Times each query is asked");
ABSL_FLAG(int, page_size, 20, "Customers per page (each is read from the store)");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  auto stub = pharmacrm::v1::CustomerMaster::NewStub(
      pharmacrm::rpc::MakeChannel(absl::GetFlag(FLAGS_customer_master), 16 << 20));
  const std::vector<std::string>& queries = pharmacrm::bench::SearchQueries();
  std::vector<double> ms;
  std::vector<std::vector<double>> per_query(queries.size());
  std::vector<int64_t> matches(queries.size());
  int64_t results = 0;
  for (int r = 0; r < absl::GetFlag(FLAGS_rounds); ++r) {
    for (size_t qi = 0; qi < queries.size(); ++qi) {
      const std::string& q = queries[qi];
      pharmacrm::v1::SearchCustomersRequest req;
      req.set_query(q);
      req.set_page_size(absl::GetFlag(FLAGS_page_size));
      pharmacrm::v1::SearchCustomersResponse resp;
      grpc::ClientContext ctx;
      absl::Time start = absl::Now();
      grpc::Status s = stub->SearchCustomers(&ctx, req, &resp);
      ms.push_back(absl::ToDoubleMilliseconds(absl::Now() - start));
      per_query[qi].push_back(ms.back());
      if (!s.ok()) {
        std::fprintf(stderr, "search '%s' failed: %s\n", q.c_str(), s.error_message().c_str());
        return 1;
      }
      results += resp.total_size();
      matches[qi] = resp.total_size();
    }
  }
  std::sort(ms.begin(), ms.end());
  auto at = [&](double p) { return ms[std::min(ms.size() - 1, static_cast<size_t>(p * (ms.size() - 1)))]; };
  for (size_t qi = 0; qi < queries.size(); ++qi) {
    auto& v = per_query[qi];
    std::sort(v.begin(), v.end());
    std::printf("  %-10s %6lld matches  median %.2f ms  max %.2f ms\n", queries[qi].c_str(),
                static_cast<long long>(matches[qi]), v[v.size() / 2], v.back());
  }
  std::printf("search: %zu calls, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %.0f matches per query on average\n",
              ms.size(), at(0.5), at(0.99), ms.back(), static_cast<double>(results) / ms.size());
  return 0;
}
