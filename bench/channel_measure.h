// What bench/channel's benchmarks share: their flags, time and memory
// measurements, the checks against what was planted, and table printing.
#ifndef PHARMACRM_BENCH_CHANNEL_MEASURE_H_
#define PHARMACRM_BENCH_CHANNEL_MEASURE_H_

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/declare.h"
#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"

ABSL_DECLARE_FLAG(int, runs);
ABSL_DECLARE_FLAG(double, scale);
ABSL_DECLARE_FLAG(uint64_t, seed);
ABSL_DECLARE_FLAG(int, customers);
ABSL_DECLARE_FLAG(int64_t, flow_rows);
ABSL_DECLARE_FLAG(bool, rocksdb);
ABSL_DECLARE_FLAG(std::string, scratch);
ABSL_DECLARE_FLAG(bool, digest);
ABSL_DECLARE_FLAG(int, resolve_threads);
ABSL_DECLARE_FLAG(int64_t, diversion_rows);
ABSL_DECLARE_FLAG(int, diversion_distributors);
ABSL_DECLARE_FLAG(int, recon_distributors);
ABSL_DECLARE_FLAG(int, products);
ABSL_DECLARE_FLAG(int, months);
ABSL_DECLARE_FLAG(int, recon_batches);
ABSL_DECLARE_FLAG(int, recon_rows_per_product);

// jemalloc's control interface when the binary runs on it (as the services
// do); null otherwise.
extern "C" int mallctl(const char* name, void* oldp, size_t* oldlenp, void* newp, size_t newlen)
    __attribute__((weak));

namespace pharmacrm::bench {

// --- Measuring ----------------------------------------------------------------

constexpr double kMiB = 1024.0 * 1024.0;

inline int64_t Rss() {
  std::ifstream statm("/proc/self/statm");
  int64_t size = 0, resident = 0;
  statm >> size >> resident;
  return resident * sysconf(_SC_PAGESIZE);
}

inline int64_t PeakRss() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return int64_t{usage.ru_maxrss} * 1024;
}

inline double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto s = [](timeval t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(usage.ru_utime) + s(usage.ru_stime);
}

// Memory freed earlier back to the system, and the peak reset to the
// current resident set, so the next peak is the next measurement's.
inline bool peak_resets = false;
inline void Settle() {
  if (mallctl != nullptr) mallctl("arena.4096.purge", nullptr, nullptr, nullptr, 0);  // all arenas
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  peak_resets = clear.good();
}

struct Sample {
  double wall = 0;  // seconds
  double cpu = 0;
};

template <typename F>
Sample Time(F&& f) {
  const double cpu = CpuSeconds();
  const absl::Time start = absl::Now();
  f();
  return {absl::ToDoubleSeconds(absl::Now() - start), CpuSeconds() - cpu};
}

inline double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

inline std::string Thousands(double value) {
  std::string digits = absl::StrCat(static_cast<int64_t>(value + 0.5));
  std::string out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0 && digits[i - 1] != '-') out += ' ';
    out += digits[i];
  }
  return out;
}
inline std::string Fixed(double v, int decimals = 2) {
  return absl::StrFormat("%.*f", decimals, v);
}
inline std::string MiB(int64_t bytes) { return absl::StrFormat("%.0f MiB", bytes / kMiB); }

inline bool all_checks_ok = true;
inline void Check(const char* what, int64_t found, int64_t expected) {
  const bool ok = found == expected;
  all_checks_ok = all_checks_ok && ok;
  std::printf("  check %-44s %10lld %s %lld\n", what, static_cast<long long>(found),
              ok ? "==" : "!= expected", static_cast<long long>(expected));
}

// A markdown table: one row per run, then the median.
class Table {
 public:
  explicit Table(std::vector<std::string> header) : header_(std::move(header)) {}
  void Add(std::vector<std::string> row) { rows_.push_back(std::move(row)); }
  void Print() const {
    auto line = [](const std::vector<std::string>& cells) {
      std::string out = "|";
      for (const std::string& c : cells) absl::StrAppend(&out, " ", c, " |");
      std::printf("%s\n", out.c_str());
    };
    line(header_);
    std::string sep = "|";
    for (size_t i = 0; i < header_.size(); ++i) sep += "---|";
    std::printf("%s\n", sep.c_str());
    for (const auto& r : rows_) line(r);
  }

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
};

inline int64_t Scaled(int64_t n, int64_t at_least = 1) {
  const double scaled = static_cast<double>(n) * absl::GetFlag(FLAGS_scale);
  return std::max<int64_t>(at_least, static_cast<int64_t>(scaled));
}

void BenchIngest();
void BenchDiversion();
void BenchRecon();

}  // namespace pharmacrm::bench

#endif  // PHARMACRM_BENCH_CHANNEL_MEASURE_H_
