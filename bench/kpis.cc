// bench/kpis: rep and territory KPIs (services/sales-pipeline api/kpi_reads.h,
// docs/SALES_PROCESS.md "KPIs") over a synthetic organisation in a real
// RocksDB store, in process (bench/README.md, "bench/kpis"):
//
//   recompute  every KPI from scratch: a KpiReader over --months months, then
//              every rep's month (--reps × --months) and the nation's months,
//              as GetKpis and RankKpis compute them.
//   baseline   one plain pass reading and parsing every stored call report,
//              sales fact and metrics record once, into one message per kind
//              reused (what any recompute must read); the ratio is to it.
//   after a call  one ReportCall (FieldForceService, one durable write with
//              its visit and event) followed by GetKpis of that rep's month:
//              how long after a call its rep's KPIs show it (there is no
//              read model to fall behind). --calls times; p50 and p99.
//
// The data: nation → 5 regions → 50 areas (fewer for fewer reps) → --reps
// territories, a rep each;
// 6 hospitals per territory with 5 doctors each; --products products with a
// target for each year of the months; per doctor a metrics record per month
// (and the 12 before); per hospital a sales fact per product and month; per
// rep --calls_per_month calls a month on their doctors, one pack of samples
// on every fourth. Seeded.
//
//   build/bench/kpis                      # 500 reps × 24 months
//   build/bench/kpis --reps=20 --runs=1   # a smoke run (ctest kpis_bench_smoke)
#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "api/field_force_service.h"
#include "api/kpi_reads.h"
#include "api/visit_log.h"
#include "domain/channel/dates.h"
#include "domain/process/allocation.h"
#include "domain/process/target_records.h"
#include "pharmacrm/core/clock.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/runtime/projection.h"
#include "storage/keys.h"

ABSL_FLAG(int, runs, 3, "Runs of each measurement (baseline and recompute alternating)");
ABSL_FLAG(int, reps, 500, "Reps, one territory each");
ABSL_FLAG(int, months, 24, "Months of calls, facts and KPIs, ending with the month before now");
ABSL_FLAG(int, products, 5, "Products with sales facts and a target each year");
ABSL_FLAG(int, calls_per_month, 50, "Calls a rep reports a month");
ABSL_FLAG(int, calls, 200, "ReportCall + GetKpis rounds measured after the recompute");
ABSL_FLAG(uint64_t, seed, 20261208, "Seed of the synthetic data");

namespace {

namespace sp = pharmacrm::sales_pipeline;
namespace v1 = pharmacrm::v1;
namespace process = pharmacrm::sales_pipeline::process;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point from) {
  return std::chrono::duration<double>(Clock::now() - from).count();
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.size() % 2 == 1 ? v[v.size() / 2] : (v[v.size() / 2 - 1] + v[v.size() / 2]) / 2;
}

double Percentile(std::vector<double> v, double p) {
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

void Check(const absl::Status& s, const char* what) {
  if (!s.ok()) {
    std::fprintf(stderr, "%s: %s\n", what, s.ToString().c_str());
    std::exit(1);
  }
}

class Writer {
 public:
  explicit Writer(pharmacrm::store::Store& store) : store_(store) {}
  pharmacrm::store::Batch& batch() { return batch_; }
  void Tick() {
    if (++n_ % 5'000 == 0) Flush();
  }
  void Flush() {
    Check(store_.Write(std::move(batch_)), "write");
    batch_ = pharmacrm::store::Batch();
  }

 private:
  pharmacrm::store::Store& store_;
  pharmacrm::store::Batch batch_;
  size_t n_ = 0;
};

v1::Alignment Aligned(const std::string& subject, const std::string& territory) {
  v1::Alignment a;
  a.set_subject_id(subject);
  a.set_territory_id(territory);
  *a.mutable_effective_from() =
      pharmacrm::core::ToTimestamp(sp::channel::ChinaDayStart(absl::CivilDay(2020, 1, 1)));
  *a.mutable_recorded_at() = a.effective_from();
  return a;
}

struct World {
  std::vector<std::string> reps;
  std::vector<std::vector<std::string>> doctors_of;  // per rep
  absl::CivilMonth first, last;
};

World Fill(pharmacrm::store::Store& store, absl::CivilMonth last) {
  std::mt19937_64 rng(absl::GetFlag(FLAGS_seed));
  const int reps = absl::GetFlag(FLAGS_reps);
  const int months = absl::GetFlag(FLAGS_months);
  const int products = absl::GetFlag(FLAGS_products);
  World world;
  world.last = last;
  world.first = last - (months - 1);
  sp::ProcessRepository process(store);
  sp::ChannelRepository channel(store);
  sp::ControlRepository control(store);
  sp::FieldForceRepository field(store);
  Writer w(store);
  auto territory = [&](const std::string& id, const std::string& parent, v1::TerritoryLevel l) {
    v1::Territory t;
    t.set_id(id);
    t.set_code(id);
    t.set_name(id);
    t.set_level(l);
    t.set_parent_id(parent);
    t.set_version(1);
    process.PutTerritory(w.batch(), t);
  };
  territory("CN", "", v1::TERRITORY_LEVEL_NATION);
  for (int r = 0; r < 5; ++r) territory(absl::StrCat("R", r), "CN", v1::TERRITORY_LEVEL_REGION);
  const int areas = std::min(50, reps);  // every area has a territory
  for (int a = 0; a < areas; ++a) {
    territory(absl::StrCat("A", a), absl::StrCat("R", a % 5), v1::TERRITORY_LEVEL_AREA);
  }
  for (int p = 0; p < products; ++p) {
    v1::Product product;
    product.set_id(absl::StrFormat("P%03d", p));
    product.set_generic_name(product.id());
    product.set_therapeutic_class("心血管");
    product.set_version(1);
    channel.PutProduct(w.batch(), product);
  }
  std::uniform_int_distribution<int> prescriptions(0, 150);
  std::uniform_int_distribution<int> packs(50, 400);
  std::vector<process::Node> nodes;  // for the targets
  nodes.push_back({"CN", "", process::Level::kNation, "CN", {}, 0, {}});
  for (int r = 0; r < 5; ++r) {
    nodes.push_back({absl::StrCat("R", r), "CN", process::Level::kRegion, "", {}, 0, {}});
  }
  for (int a = 0; a < areas; ++a) {
    nodes.push_back(
        {absl::StrCat("A", a), absl::StrCat("R", a % 5), process::Level::kArea, "", {}, 0, {}});
  }
  for (int i = 0; i < reps; ++i) {
    const std::string t = absl::StrFormat("T%03d", i);
    territory(t, absl::StrCat("A", i % areas), v1::TERRITORY_LEVEL_TERRITORY);
    nodes.push_back({t, absl::StrCat("A", i % areas), process::Level::kTerritory, "", {}, 0, {}});
    v1::Rep rep = [&] {
      v1::Rep r;
      r.set_id(absl::StrFormat("rep.%03d", i));
      r.set_name(r.id());
      r.set_role(v1::SALES_ROLE_REP);
      r.set_manager_id("director");
      r.set_start_date("2020-01-01");
      v1::RepCost* c = r.add_costs();
      c->set_from_month("2020-01");
      c->set_salary_fen(1'200'000);
      c->set_samples_budget_units(60);
      r.set_version(1);
      return r;
    }();
    process.PutRep(w.batch(), rep);
    v1::AlignmentHistory rep_history;
    *rep_history.add_alignments() = Aligned(rep.id(), t);
    process.PutRepAlignment(w.batch(), rep.id(), rep_history);
    world.reps.push_back(rep.id());
    std::vector<std::string>& doctors = world.doctors_of.emplace_back();
    for (int h = 0; h < 6; ++h) {
      const std::string hospital = absl::StrFormat("H%03d-%d", i, h);
      v1::Customer c;
      c.set_id(hospital);
      c.set_status(v1::CUSTOMER_STATUS_ACTIVE);
      c.mutable_profile()->set_kind(v1::CUSTOMER_KIND_HOSPITAL);
      w.batch().Put(pharmacrm::store::Family::kState,
                    pharmacrm::runtime::CustomerKey(sp::kKnownCustomer, hospital),
                    c.SerializeAsString());
      v1::AlignmentHistory history;
      *history.add_alignments() = Aligned(hospital, t);
      process.PutCustomerAlignment(w.batch(), hospital, history);
      process::Node node{hospital, t, process::Level::kCustomer, hospital, {}, 0, {}};
      node.factors.grade_score = 1 + h;
      node.factors.last_year_sales = packs(rng) * 12;
      nodes.push_back(node);
      std::vector<v1::SalesFact> facts;
      for (absl::CivilMonth m = world.first - 12; m <= last; ++m) {
        for (int p = 0; p < products; ++p) {
          v1::SalesFact f;
          f.set_customer_id(hospital);
          f.set_product_id(absl::StrFormat("P%03d", p));
          f.set_month(sp::channel::FormatMonth(m));
          f.set_source(v1::SALES_FACT_SOURCE_FLOW);
          f.set_distributor_id("D1");
          f.set_quantity(packs(rng));
          facts.push_back(std::move(f));
        }
      }
      Check(control.AddFacts(w.batch(), facts), "facts");
      w.Tick();
      for (int d = 0; d < 5; ++d) {
        const std::string doctor = absl::StrCat(hospital, "-D", d);
        v1::Customer dc;
        dc.set_id(doctor);
        dc.set_status(v1::CUSTOMER_STATUS_ACTIVE);
        dc.mutable_profile()->set_kind(v1::CUSTOMER_KIND_DOCTOR);
        dc.mutable_profile()->set_hospital_id(hospital);
        w.batch().Put(pharmacrm::store::Family::kState,
                      pharmacrm::runtime::CustomerKey(sp::kKnownCustomer, doctor),
                      dc.SerializeAsString());
        doctors.push_back(doctor);
        for (absl::CivilMonth m = world.first - 12; m <= last; ++m) {
          v1::CustomerMetrics metrics;
          metrics.set_customer_id(doctor);
          metrics.set_period(sp::channel::FormatMonth(m));
          metrics.set_version(1);
          v1::DrugClassFigure* all = metrics.mutable_doctor()->add_prescriptions();
          all->set_drug_class("心血管");
          all->set_volume(prescriptions(rng));
          v1::DrugClassFigure* own = metrics.mutable_doctor()->add_own_prescriptions();
          own->set_drug_class("心血管");
          own->set_volume(prescriptions(rng) / 3);
          process.PutMetrics(w.batch(), metrics);
          w.Tick();
        }
      }
    }
    // The rep's calls.
    const int per_month = absl::GetFlag(FLAGS_calls_per_month);
    for (absl::CivilMonth m = world.first; m <= last; ++m) {
      for (int k = 0; k < per_month; ++k) {
        v1::CallReport call;
        call.set_id(absl::StrFormat("%s-%s-%03d", rep.id(), sp::channel::FormatMonth(m), k));
        call.set_rep_id(rep.id());
        call.set_customer_id(doctors[static_cast<size_t>(k) % doctors.size()]);
        *call.mutable_called_at() = pharmacrm::core::ToTimestamp(
            sp::channel::ChinaDayStart(absl::CivilDay(m) + k % 28) + absl::Hours(10));
        call.set_duration_minutes(20);
        call.add_product_ids("P000");
        call.set_outcome(v1::CALL_OUTCOME_POSITIVE);
        call.set_territory_id(t);
        if (k % 4 == 0) {
          v1::SampleLeft* s = call.add_samples();
          s->set_product_id("P000");
          s->set_batch_no("B1");
          s->set_quantity(1);
        }
        field.PutCall(w.batch(), call, sp::channel::FormatMonth(m));
        w.Tick();
      }
    }
  }
  // A target per product and year of the months, allocated by grade and
  // last year's sales.
  process::AllocationMethod method;
  method.weights.grade_score = 0.5;
  method.weights.last_year_sales = 0.5;
  for (int year = static_cast<int>(world.first.year()); year <= last.year(); ++year) {
    for (int p = 0; p < products; ++p) {
      process::CompanyTarget target;
      target.product_id = absl::StrFormat("P%03d", p);
      target.year = year;
      target.expected_growth = 0.1;
      absl::StatusOr<process::Allocation> allocation = process::Allocate(nodes, method, target);
      Check(allocation.status(), "allocate");
      v1::TargetRecord record = process::ToRecord(*allocation);
      record.set_version(1);
      record.mutable_weights()->set_grade_score(0.5);
      record.mutable_weights()->set_last_year_sales(0.5);
      process.PutTarget(w.batch(), record);
      w.Flush();
    }
  }
  w.Flush();
  return world;
}

// Reads and parses every call, fact and metrics record once.
size_t Baseline(pharmacrm::store::Store& store) {
  size_t n = 0;
  // One message per key space, reused from record to record.
  auto scan = [&](uint8_t space, auto message) {
    Check(
        store.ScanPrefix(pharmacrm::store::Family::kState, std::string(1, static_cast<char>(space)),
                         [&](absl::string_view, absl::string_view value) {
                           message.Clear();
                           message.ParseFromArray(value.data(), static_cast<int>(value.size()));
                           ++n;
                           return true;
                         }),
        "scan");
  };
  scan(sp::kCall, v1::CallReport());
  scan(sp::kSalesFact, v1::SalesFact());
  scan(sp::kMetrics, v1::CustomerMetrics());
  return n;
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const std::filesystem::path dir =
      std::filesystem::temp_directory_path() / absl::StrCat("pcrm-bench-kpis-", getpid());
  auto opened = pharmacrm::store::Store::Open({dir.string(), /*sync_writes=*/false});
  Check(opened.status(), "open");
  pharmacrm::core::FakeClock clock(absl::Now());
  auto host = pharmacrm::runtime::ServiceHost::CreateForTest("sales-pipeline", std::move(*opened),
                                                             {&clock});
  pharmacrm::store::Store& store = host->store();
  const absl::CivilMonth last = absl::CivilMonth(sp::channel::ChinaDay(clock.Now())) - 1;
  Clock::time_point t0 = Clock::now();
  const World world = Fill(store, last);
  std::printf("data: %zu reps, %d months, %zu calls; filled in %.1f s\n", world.reps.size(),
              absl::GetFlag(FLAGS_months),
              world.reps.size() * static_cast<size_t>(absl::GetFlag(FLAGS_months)) *
                  static_cast<size_t>(absl::GetFlag(FLAGS_calls_per_month)),
              Seconds(t0));

  sp::ChannelRepository channel(store);
  sp::ControlRepository control(store);
  sp::ProcessRepository process(store);
  sp::FieldForceRepository field(store);
  std::vector<double> base_runs, recompute_runs;
  int64_t checksum = 0;
  size_t records = 0;
  for (int run = 0; run < absl::GetFlag(FLAGS_runs); ++run) {
    t0 = Clock::now();
    records = Baseline(store);
    base_runs.push_back(Seconds(t0));
    t0 = Clock::now();
    auto reader =
        sp::KpiReader::Create(channel, control, process, field, {}, {}, world.first, world.last);
    Check(reader.status(), "reader");
    checksum = 0;
    for (absl::CivilMonth m = world.first; m <= world.last; ++m) {
      for (const std::string& rep : world.reps) {
        auto in = (*reader)->PersonMonth(rep, m);
        Check(in.status(), "person month");
        checksum += in->calls + in->sales_units + in->target_units + in->target_doctors_called;
      }
      auto nation = (*reader)->NodeMonth("CN", m);
      Check(nation.status(), "node month");
      checksum += nation->sales_units;
    }
    recompute_runs.push_back(Seconds(t0));
    std::printf("run %d: baseline %.2f s (%zu records), recompute %.2f s\n", run + 1,
                base_runs.back(), records, recompute_runs.back());
  }
  std::printf(
      "recompute %zu rep-months + %d nation months: median %.2f s; baseline %.2f s; "
      "ratio %.1f; checksum %lld\n",
      world.reps.size() * static_cast<size_t>(absl::GetFlag(FLAGS_months)),
      absl::GetFlag(FLAGS_months), Median(recompute_runs), Median(base_runs),
      Median(recompute_runs) / Median(base_runs), static_cast<long long>(checksum));

  // After a call: ReportCall, then the rep's month.
  sp::VisitLog& visits = host->Keep(std::make_unique<sp::VisitLog>(*host));
  sp::FieldForceService& service = host->EmplaceService<sp::FieldForceService>(*host, visits);
  std::vector<double> write_read, read_only;
  const absl::Time now = clock.Now();
  for (int i = 0; i < absl::GetFlag(FLAGS_calls); ++i) {
    const size_t r = static_cast<size_t>(i) % world.reps.size();
    v1::ReportCallRequest req;
    req.set_request_id(absl::StrCat("bench-call-", i));
    v1::CallReport* call = req.mutable_call();
    call->set_rep_id(world.reps[r]);
    call->set_customer_id(world.doctors_of[r][static_cast<size_t>(i) % world.doctors_of[r].size()]);
    *call->mutable_called_at() = pharmacrm::core::ToTimestamp(now - absl::Hours(1));
    call->set_duration_minutes(20);
    call->set_outcome(v1::CALL_OUTCOME_POSITIVE);
    v1::GetKpisRequest kpis;
    kpis.set_rep_id(world.reps[r]);
    kpis.set_period(sp::channel::FormatMonth(absl::CivilMonth(sp::channel::ChinaDay(now))));
    v1::CallReport out;
    v1::KpiReport report;
    t0 = Clock::now();
    Check(service.Report(req, "bench", &out), "report");
    Check(service.Kpis(kpis, &report), "kpis");
    write_read.push_back(Seconds(t0) * 1000);
    if (report.inputs().calls() < 1) {
      std::fprintf(stderr, "the call is not in its rep's KPIs\n");
      return 1;
    }
    t0 = Clock::now();
    Check(service.Kpis(kpis, &report), "kpis");
    read_only.push_back(Seconds(t0) * 1000);
  }
  std::printf(
      "after a call (ReportCall + GetKpis of its rep's month), %d rounds: p50 %.1f ms, "
      "p99 %.1f ms; GetKpis alone p50 %.1f ms, p99 %.1f ms\n",
      absl::GetFlag(FLAGS_calls), Percentile(write_read, 0.5), Percentile(write_read, 0.99),
      Percentile(read_only, 0.5), Percentile(read_only, 0.99));
  host.reset();
  std::filesystem::remove_all(dir);
  return 0;
}
