// bench/channel, ingest: a flow file through the service's ImportFlow path
// (api/flow.cc ChannelService::LoadFlow), in process.
#include <algorithm>
#include <filesystem>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "api/terminal_matching.h"
#include "channel_gen.h"
#include "channel_measure.h"
#include "domain/channel/dates.h"
#include "domain/channel/flow_products.h"
#include "domain/channel/flow_rows.h"
#include "domain/channel/sales_facts.h"
#include "pharmacrm/core/hash.h"
#include "pharmacrm/core/parallel.h"
#include "pharmacrm/matching/pinyin.h"
#include "pharmacrm/store/store.h"
#include "pharmacrm/tabular/csv.h"
#include "storage/channel_repository.h"

namespace pharmacrm::bench {
namespace {

namespace channel = sales_pipeline::channel;
using sales_pipeline::ChannelRepository;
using sales_pipeline::TerminalMatcher;

// The ceiling: the file split into records, nothing else.
class RecordCounter final : public tabular::CsvHandler {
 public:
  void Record(int64_t, absl::Span<const std::string> fields) override {
    ++records;
    cells += static_cast<int64_t>(fields.size());
  }
  void TooLong(int64_t) override {}
  void Unterminated(int64_t, size_t, int64_t) override {}
  int64_t records = 0;
  int64_t cells = 0;
};

struct IngestRun {
  Sample read;     // FlowFileReader: CSV, cells, product mapping
  Sample build;    // TerminalMatcher over the known customers
  Sample resolve;  // every row's terminal, tasks for the rest
  Sample facts;    // totals and FlowFacts (the FlowPeriodLoaded event's facts)
  Sample store;    // rows, tasks and period in one fsync'ed WriteBatch
  int64_t accepted = 0, rejected = 0, matched = 0, ambiguous = 0, unmatched = 0, facts_count = 0;
  int64_t memory_peak = 0;   // peak RSS over the in-memory stages, above the start
  int64_t memory_after = 0;  // RSS after them (rows and tasks kept), above the start
  int64_t store_peak = 0;    // peak RSS including the RocksDB write, above the start
  uint64_t digest = 0;       // of rows, errors, tasks and facts (--digest), else 0
  matching::TerminalResolver::Stats resolver;  // the matcher's counts after resolve
};

// A fingerprint of everything the in-memory stages produced, in order.
uint64_t Digest(const std::vector<v1::FlowRow>& rows,
                const std::vector<channel::FlowRowError>& errors,
                const std::vector<v1::TerminalTask>& tasks, const channel::FlowSalesFacts& facts,
                const channel::FlowTotals& totals) {
  core::Fingerprinter f;
  std::string bytes;
  auto add = [&](const google::protobuf::Message& m) {
    bytes.clear();
    m.SerializeToString(&bytes);
    f.Add(absl::StrCat(bytes.size(), ":"));
    f.Add(bytes);
  };
  for (const v1::FlowRow& row : rows) add(row);
  for (const channel::FlowRowError& e : errors) {
    f.Add(absl::StrCat(e.line, ":", e.field.size(), ":", e.field, e.reason.size(), ":", e.reason));
  }
  for (const v1::TerminalTask& task : tasks) add(task);
  for (const v1::SalesFact& fact : facts.facts) add(fact);
  f.Add(absl::StrCat(facts.unresolved_rows, ",", facts.unresolved_quantity, ",",
                     facts.sub_distributor_rows, ",", facts.sub_distributor_quantity, ",",
                     totals.row_count, ",", totals.quantity, ",", totals.amount_fen));
  return f.value();
}

IngestRun Ingest(const FlowFile& f, const matching::PinyinConverter& pinyin,
                 const std::string& db_path) {
  IngestRun r;
  const std::string distributor = "D0001";
  const std::string month_text = channel::FormatMonth(f.month);
  Settle();
  const int64_t rss_before = Rss();

  std::vector<v1::FlowRow> rows;
  std::vector<channel::FlowRowError> errors;
  r.read = Time([&] {
    channel::CatalogueResolver catalogue(f.products);
    channel::FlowFileReader reader({}, f.month, catalogue);
    reader.Feed(f.csv, &rows, &errors);
    reader.Finish(&rows, &errors);
  });
  std::unique_ptr<TerminalMatcher> matcher;
  const int threads = absl::GetFlag(FLAGS_resolve_threads);
  r.build = Time([&] {
    matcher = std::make_unique<TerminalMatcher>(f.customers, pinyin,
                                                threads > 0 ? threads : core::DefaultThreads());
  });
  std::vector<v1::TerminalTask> tasks;
  r.resolve = Time([&] { tasks = matcher->ResolveRows(rows, distributor, month_text); });
  r.resolver = matcher->stats();
  channel::FlowTotals totals;
  channel::FlowSalesFacts facts;
  r.facts = Time([&] {
    totals = channel::Summarise(rows);
    absl::flat_hash_map<std::string, int64_t> supply;
    for (const v1::Product& product : f.products) {
      for (const v1::ChannelPrice& price : product.channel_prices()) {
        if (price.channel() == "tier1") supply[product.id()] = price.supply_price_fen();
      }
    }
    facts = channel::FlowFacts(distributor, f.month, rows,
                               [&](absl::string_view, absl::string_view product_id) -> int64_t {
                                 auto it = supply.find(product_id);
                                 return it == supply.end() ? 0 : it->second;
                               });
  });
  r.memory_peak = PeakRss() - rss_before;
  r.memory_after = Rss() - rss_before;
  if (absl::GetFlag(FLAGS_digest)) r.digest = Digest(rows, errors, tasks, facts, totals);

  if (!db_path.empty()) {
    std::filesystem::remove_all(db_path);
    absl::StatusOr<std::unique_ptr<store::Store>> db =
        store::Store::Open(store::StoreOptions{db_path, /*sync_writes=*/true});
    if (!db.ok()) {
      std::fprintf(stderr, "RocksDB at %s: %s\n", db_path.c_str(), db.status().ToString().c_str());
      std::exit(1);
    }
    ChannelRepository repo(**db);
    absl::Status written;
    r.store = Time([&] {
      store::Batch batch;
      written = repo.DeleteFlowRows(batch, distributor, month_text);
      for (const v1::FlowRow& row : rows) repo.PutFlowRow(batch, distributor, month_text, row);
      for (const v1::TerminalTask& task : tasks) repo.PutTerminalTask(batch, task);
      v1::FlowPeriod period;
      period.set_distributor_id(distributor);
      period.set_month(month_text);
      period.set_version(1);
      period.set_row_count(totals.row_count);
      period.set_quantity(totals.quantity);
      period.set_amount_fen(totals.amount_fen);
      period.set_unresolved_rows(static_cast<int64_t>(tasks.size()));
      repo.PutFlowPeriod(batch, period);
      if (written.ok()) written = (*db)->Write(std::move(batch));
    });
    if (!written.ok()) {
      std::fprintf(stderr, "RocksDB write: %s\n", written.ToString().c_str());
      std::exit(1);
    }
    r.store_peak = PeakRss() - rss_before;
    db->reset();
    std::filesystem::remove_all(db_path);
  }

  r.accepted = static_cast<int64_t>(rows.size());
  int64_t last = -1;
  for (const channel::FlowRowError& e : errors) {
    if (e.line != last) ++r.rejected;
    last = e.line;
  }
  for (const v1::TerminalTask& task : tasks) ++(task.ambiguous() ? r.ambiguous : r.unmatched);
  r.matched = r.accepted - static_cast<int64_t>(tasks.size());
  r.facts_count = static_cast<int64_t>(facts.facts.size());
  return r;
}

}  // namespace

void BenchIngest() {
  FlowFileOptions options;
  options.customers = static_cast<int>(Scaled(absl::GetFlag(FLAGS_customers), 40));
  options.rows = Scaled(absl::GetFlag(FLAGS_flow_rows), 100);
  options.seed = absl::GetFlag(FLAGS_seed);
  Settle();
  const int64_t rss_start = Rss();
  FlowFile f;
  const Sample made = Time([&] { f = MakeFlowFile(options); });
  const int64_t rss_data = Rss() - rss_start;
  const int threads = absl::GetFlag(FLAGS_resolve_threads);
  std::printf("\n## ingest: a flow file of %s rows (%.1f MiB) against %s known customers; "
              "terminals resolved on %d threads\n\n",
              Thousands(static_cast<double>(f.rows)).c_str(), f.csv.size() / kMiB,
              Thousands(static_cast<double>(f.customers.size())).c_str(),
              threads > 0 ? threads : core::DefaultThreads());
  std::printf("generated in %.1f s (resident %s: file, customers, catalogue); %s distinct "
              "terminals as written; rows: %s as the master has them, %s near-exact, %s name "
              "only, %s customers the master lacks, %s naming an unknown product\n",
              made.wall, MiB(rss_data).c_str(),
              Thousands(static_cast<double>(f.distinct_terminals)).c_str(),
              Thousands(static_cast<double>(f.exact_rows)).c_str(),
              Thousands(static_cast<double>(f.near_rows)).c_str(),
              Thousands(static_cast<double>(f.name_only_rows)).c_str(),
              Thousands(static_cast<double>(f.unknown_rows)).c_str(),
              Thousands(static_cast<double>(f.bad_rows)).c_str());
  absl::StatusOr<std::unique_ptr<matching::PinyinConverter>> pinyin =
      matching::PinyinConverter::Create();
  if (!pinyin.ok()) {
    std::fprintf(stderr, "%s\n", pinyin.status().ToString().c_str());
    std::exit(1);
  }
  const bool rocksdb = absl::GetFlag(FLAGS_rocksdb);
  const std::string db_path =
      rocksdb ? absl::StrCat(absl::GetFlag(FLAGS_scratch), "/pharmacrm-bench-channel-", getpid())
              : "";
  const double n = static_cast<double>(f.rows);

  Table table({"run", "CSV split (ceiling)", "read + map", "matcher built", "resolve",
               "**ingestion**", "/ ceiling", "/ ceiling (CPU)", "+ totals, facts",
               "+ RocksDB write", "all", "CPU (ingestion)", "peak RSS added", "with RocksDB"});
  std::vector<double> ceilings, rates, ratios, cpu_ratios, with_facts, with_store, cpus;
  std::vector<double> peaks, store_peaks;
  IngestRun last;
  for (int run = 1; run <= absl::GetFlag(FLAGS_runs); ++run) {
    RecordCounter counter;
    Settle();
    const Sample split = Time([&] {
      tabular::CsvReader reader;
      reader.Consume(f.csv, counter);
      reader.End(counter);
    });
    last = Ingest(f, **pinyin, db_path);
    const IngestRun& r = last;
    const double ceiling = static_cast<double>(counter.records - 1) / split.wall;
    const double path = r.read.wall + r.build.wall + r.resolve.wall;
    const double rate = n / path;
    ceilings.push_back(ceiling);
    rates.push_back(rate);
    ratios.push_back(rate / ceiling);
    with_facts.push_back(n / (path + r.facts.wall));
    cpus.push_back(r.read.cpu + r.build.cpu + r.resolve.cpu);
    cpu_ratios.push_back(split.cpu / cpus.back());
    peaks.push_back(static_cast<double>(r.memory_peak));
    if (rocksdb) {
      with_store.push_back(n / (path + r.facts.wall + r.store.wall));
      store_peaks.push_back(static_cast<double>(r.store_peak));
    }
    table.Add({absl::StrCat(run), absl::StrCat(Thousands(ceiling), " rows/s"),
               absl::StrCat(Fixed(r.read.wall), " s"), absl::StrCat(Fixed(r.build.wall), " s"),
               absl::StrCat(Fixed(r.resolve.wall), " s"),
               absl::StrCat("**", Thousands(rate), " rows/s**"), Fixed(rate / ceiling, 3),
               Fixed(cpu_ratios.back(), 3),
               absl::StrCat(Thousands(with_facts.back()), " rows/s"),
               rocksdb ? absl::StrCat(Fixed(r.store.wall), " s") : "-",
               rocksdb ? absl::StrCat(Thousands(with_store.back()), " rows/s") : "-",
               absl::StrCat(Fixed(cpus.back()), " s"), MiB(r.memory_peak),
               rocksdb ? MiB(r.store_peak) : "-"});
  }
  table.Add({"**median**", absl::StrCat(Thousands(Median(ceilings)), " rows/s"), "", "", "",
             absl::StrCat("**", Thousands(Median(rates)), " rows/s**"), Fixed(Median(ratios), 3),
             Fixed(Median(cpu_ratios), 3),
             absl::StrCat(Thousands(Median(with_facts)), " rows/s"), "",
             rocksdb ? absl::StrCat(Thousands(Median(with_store)), " rows/s") : "-",
             absl::StrCat(Fixed(Median(cpus)), " s"),
             MiB(static_cast<int64_t>(Median(peaks))),
             rocksdb ? MiB(static_cast<int64_t>(Median(store_peaks))) : "-"});
  table.Print();
  std::printf("\nrows: %s accepted (%s matched, %s ambiguous, %s unmatched: tasks), %s "
              "rejected; %s facts; RSS after the in-memory stages (rows and tasks kept): +%s\n",
              Thousands(static_cast<double>(last.accepted)).c_str(),
              Thousands(static_cast<double>(last.matched)).c_str(),
              Thousands(static_cast<double>(last.ambiguous)).c_str(),
              Thousands(static_cast<double>(last.unmatched)).c_str(),
              Thousands(static_cast<double>(last.rejected)).c_str(),
              Thousands(static_cast<double>(last.facts_count)).c_str(),
              MiB(last.memory_after).c_str());
  const matching::TerminalResolver::Stats& st = last.resolver;
  const int64_t computed = st.resolved - st.cache_hits;
  std::printf("resolver: %s terminals computed (%s by code), %.1f candidates scored and %.1f in "
              "another place a terminal, %.2f blocks windowed a terminal; %s rows from the cache\n",
              Thousands(static_cast<double>(computed)).c_str(),
              Thousands(static_cast<double>(st.by_code)).c_str(),
              static_cast<double>(st.comparisons) / std::max<int64_t>(1, computed),
              static_cast<double>(st.other_place) / std::max<int64_t>(1, computed),
              static_cast<double>(st.blocks_windowed) / std::max<int64_t>(1, computed),
              Thousands(static_cast<double>(st.cache_hits)).c_str());
  if (absl::GetFlag(FLAGS_digest)) {
    std::printf("digest of rows, errors, tasks and facts: %016llx\n",
                static_cast<unsigned long long>(last.digest));
  }
  Check("ingest: rows rejected (unknown product)", last.rejected, f.bad_rows);
  Check("ingest: rows accepted", last.accepted, f.rows - f.bad_rows);
  Check("ingest: rows matched + tasks", last.matched + last.ambiguous + last.unmatched,
        last.accepted);
}

}  // namespace pharmacrm::bench
