// bench/channel: the distributor channel's three heavy paths, in process,
// on one thread, each beside a raw ceiling measured in the same run on the
// same bytes or records (bench/README.md, "bench/channel"):
//
//   ingest     a flow (流向) file through the service's ImportFlow path
//              (api/flow.cc LoadFlow): FlowFileReader (CSV, cells, product
//              mapping against the catalogue) → TerminalMatcher built from
//              the known customers → every row's terminal resolved, tasks
//              for the rest → totals and FlowFacts; optionally (--rocksdb)
//              the rows, tasks and period written to a fresh RocksDB in one
//              fsync'ed WriteBatch as the service's command does. Without
//              gRPC, the idempotency record, the outbox event and reading
//              the catalogue and customers from RocksDB.
//              Ceiling: the same bytes split into CSV records
//              (tabular::CsvReader), the raw cost of reading the file.
//   diversion  DetectDiversion over ChannelData of --diversion_rows flow
//              rows. Ceiling: one pass over the same rows summing the
//              quantity by (product, batch) in a flat_hash_map.
//   recon      ComputePositions + Reconcile + StockDifferences over
//              --recon_distributors × --products × --months. Ceiling: one
//              pass over shipment lines, flow rows and stock report lines
//              summing the quantity by (distributor, product, batch).
//
// Data are synthetic and seeded (bench/channel_gen.h), with findings
// planted; every run checks that the rules found exactly those (--check
// makes a mismatch the exit status). Each measurement runs --runs times,
// ceiling and path alternating; the tables give every run, the median and
// the median of the runs' ratios to the ceiling. Memory: resident set
// (/proc/self/statm) and its peak (getrusage ru_maxrss, reset before each
// measurement through /proc/self/clear_refs), jemalloc's free pages purged
// before each measurement.
//
//   build/bench/channel                       # the sizes
//   build/bench/channel --scale=0.01 --runs=1 # a smoke run of seconds
#include <cstdio>
#include <fstream>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_split.h"
#include "channel_measure.h"

ABSL_FLAG(std::string, only, "ingest,diversion,recon", "Benchmarks to run, comma-separated");
ABSL_FLAG(int, runs, 3, "Runs of each measurement (ceiling and path alternating)");
ABSL_FLAG(double, scale, 1.0, "Multiplies every size below (rows, customers, distributors)");
ABSL_FLAG(uint64_t, seed, 20261207, "Seed of the synthetic data");
ABSL_FLAG(bool, check, false, "Exit 1 unless the rules found exactly what was planted");
ABSL_FLAG(int, customers, 20000, "ingest: hospitals and pharmacies, one in twenty held back");
ABSL_FLAG(int64_t, flow_rows, 1000000, "ingest: rows of the flow file");
ABSL_FLAG(bool, rocksdb, true, "ingest: also write rows, tasks and period to a fresh RocksDB");
ABSL_FLAG(std::string, scratch, "/tmp", "ingest: folder for the RocksDB of each run");
ABSL_FLAG(bool, digest, false,
          "ingest: print a fingerprint of the rows, errors, tasks and facts (outside the "
          "timings), to tell whether a change kept the results byte for byte");
ABSL_FLAG(int, resolve_threads, 0,
          "ingest: threads resolving terminals; 0: as the service (its cores, at most 4)");
ABSL_FLAG(int64_t, diversion_rows, 10000000, "diversion: flow rows");
ABSL_FLAG(int, diversion_distributors, 500, "diversion: distributors (a fifth sub-distributors)");
ABSL_FLAG(int, recon_distributors, 500, "recon: distributors");
ABSL_FLAG(int, products, 20, "diversion and recon: products");
ABSL_FLAG(int, months, 24, "diversion and recon: months, ending 2026-10");
ABSL_FLAG(int, recon_batches, 6, "recon: batches of each product over the months");
ABSL_FLAG(int, recon_rows_per_product, 5, "recon: flow rows a product has in a monthly file");

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress when written to a file
  using namespace pharmacrm::bench;  // NOLINT
  std::printf("bench/channel: runs %d, scale %g, seed %llu, %s\n", absl::GetFlag(FLAGS_runs),
              absl::GetFlag(FLAGS_scale),
              static_cast<unsigned long long>(absl::GetFlag(FLAGS_seed)),
              mallctl != nullptr ? "jemalloc" : "the system allocator");
  auto load = [] {
    std::ifstream in("/proc/loadavg");
    std::string one, five;
    in >> one >> five;
    std::printf("(load average %s, %s)\n", one.c_str(), five.c_str());
  };
  load();
  for (absl::string_view which : absl::StrSplit(absl::GetFlag(FLAGS_only), ',')) {
    if (which == "ingest") {
      BenchIngest();
    } else if (which == "diversion") {
      BenchDiversion();
    } else if (which == "recon") {
      BenchRecon();
    } else {
      std::fprintf(stderr, "unknown benchmark '%s'\n", std::string(which).c_str());
      return 2;
    }
    load();
  }
  if (!peak_resets) std::printf("(peaks are the process's: /proc/self/clear_refs not writable)\n");
  std::printf("checks: %s\n", all_checks_ok ? "all as planted" : "MISMATCH");
  return absl::GetFlag(FLAGS_check) && !all_checks_ok ? 1 : 0;
}
