// bench/analytics_regression: the relation models of libs/analytics
// (regression.h, classification.h) on synthetic data, in process, on one
// thread, beside a plain pass over the same data measured in the same run
// (bench/README.md, "bench/analytics_regression"):
//
//   pass       one plain pass reading every value of the table once: the sum
//              of each numeric column and the bytes of each categorical one
//              (what any fit must read); the ratios are to it.
//   ols        FitOls of sales on 6 numeric regressors and the fixed effects
//              of hospital class (3 levels) and doctor class (4) over --rows
//              rows: 12 coefficients with classical standard errors.
//   ols hc1    the same with heteroskedasticity-robust (HC1) errors.
//   logit      FitMultinomialLogit of hospital class (三级/二级/一级) on 4
//              numeric features and a region factor (3 levels) over
//              --customers customers.
//   drivers    EvaluateClassDrivers on the same customers: the fit on 75 %,
//              accuracy on the 25 % held out, 5 shuffles of each feature.
//
// Each measurement runs --runs times, the pass first in each run; the table
// gives the median and the range. Memory: the peak resident set of each
// measurement above what the process held before it (malloc_trim returns
// the heap's free memory first, /proc/self/clear_refs resets the peak,
// /proc/self/status VmHWM reads it), and the process's peak. Every run checks the planted effects
// are recovered (within 5 standard errors) and the classifier beats the majority guess; --check
// makes a miss the exit status (the ctest analytics_regression_bench_smoke).
//
//   build/bench/analytics_regression              # 1,000,000 rows, 100,000 customers
//   build/bench/analytics_regression --rows=20000 --customers=5000 --runs=1 --check
#include <malloc.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <functional>
#include <numbers>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_format.h"
#include "pharmacrm/analytics/classification.h"
#include "pharmacrm/analytics/regression.h"

ABSL_FLAG(int64_t, rows, 1000000, "Rows of the regression data (hospital-doctor months)");
ABSL_FLAG(int64_t, customers, 100000, "Customers of the classification data");
ABSL_FLAG(int, runs, 5, "Runs of each measurement");
ABSL_FLAG(uint64_t, seed, 20261208, "Seed of the synthetic data");
ABSL_FLAG(bool, check, false, "Exit 1 unless every planted effect is recovered");

namespace {

namespace analytics = pharmacrm::analytics;
using Clock = std::chrono::steady_clock;

double Normal(std::mt19937_64& rng) {
  const double u1 = (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53;
  const double u2 = (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53;
  return std::sqrt(-2 * std::log(u1)) * std::cos(2 * std::numbers::pi * u2);
}
double Uniform(std::mt19937_64& rng) {
  return (static_cast<double>(rng() >> 11) + 0.5) * 0x1.0p-53;
}

// kB of a /proc/self/status line ("VmRSS", "VmHWM").
int64_t StatusKb(const std::string& key) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind(key + ":", 0) == 0) return std::stoll(line.substr(key.size() + 1));
  }
  return 0;
}

bool peak_resets = true;
int64_t process_peak_kb = 0;  // the largest peak of any measurement
// Returns the heap's free memory to the system, then resets the peak
// resident set to the current one, so the next peak is the next
// measurement's alone.
void ResetPeak() {
  malloc_trim(0);
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  peak_resets = peak_resets && clear.good();
}

struct Measure {
  explicit Measure(std::string n) : name(std::move(n)) {}
  std::string name;
  std::vector<double> seconds;
  int64_t extra_kb = 0;  // largest peak above the resident set before
};

void Run(Measure& m, const std::function<void()>& f) {
  ResetPeak();
  const int64_t before = StatusKb("VmRSS");
  const Clock::time_point start = Clock::now();
  f();
  m.seconds.push_back(std::chrono::duration<double>(Clock::now() - start).count());
  const int64_t peak = StatusKb("VmHWM");
  m.extra_kb = std::max(m.extra_kb, peak - before);
  process_peak_kb = std::max(process_peak_kb, peak);
}

double Median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

// --- Data -------------------------------------------------------------------

struct Effect {
  const char* name;
  double value;
};

// Sales planted on 6 regressors and two classes; noise grows with visits.
const Effect kOlsEffects[] = {{"intercept", 200},
                              {"visits", 12},
                              {"rep_cost", 0.02},
                              {"events", 5},
                              {"samples", 1.5},
                              {"calls", 3},
                              {"tenure", 0},
                              {"hospital_class=三级", 80},
                              {"hospital_class=一级", -30},
                              {"doctor_class=A", 45},
                              {"doctor_class=B", 20},
                              {"doctor_class=D", -4}};

analytics::Table RegressionData(int64_t rows, std::mt19937_64& rng) {
  const char* kHospital[] = {"三级", "二级", "一级"};
  const char* kDoctor[] = {"A", "B", "C", "D"};
  const double kHospitalEffect[] = {80, 0, -30};
  const double kDoctorEffect[] = {45, 20, 0, -4};
  std::vector<double> visits(rows), cost(rows), events(rows), samples(rows), calls(rows),
      tenure(rows), sales(rows);
  std::vector<std::string> hospital(rows), doctor(rows);
  for (int64_t i = 0; i < rows; ++i) {
    visits[i] = static_cast<double>(rng() % 17);
    cost[i] = std::round(6000 * (1 + 0.5 * Normal(rng)) * 100) / 100;
    events[i] = static_cast<double>(rng() % 5);
    samples[i] = static_cast<double>(rng() % 30);
    calls[i] = static_cast<double>(rng() % 12);
    tenure[i] = static_cast<double>(rng() % 15);
    const int h = static_cast<int>(rng() % 3);
    const int d = static_cast<int>(rng() % 4);
    hospital[i] = kHospital[h];
    doctor[i] = kDoctor[d];
    sales[i] = 200 + 12 * visits[i] + 0.02 * cost[i] + 5 * events[i] + 1.5 * samples[i] +
               3 * calls[i] + kHospitalEffect[h] + kDoctorEffect[d] +
               25 * (1 + visits[i] / 8) * Normal(rng);
  }
  analytics::Table t;
  t.numeric = {{"visits", visits}, {"rep_cost", cost}, {"events", events}, {"samples", samples},
               {"calls", calls},   {"tenure", tenure}, {"sales", sales}};
  t.categorical = {{"hospital_class", hospital}, {"doctor_class", doctor}};
  return t;
}

analytics::OlsSpec RegressionSpec(analytics::Covariance covariance) {
  analytics::OlsSpec spec;
  spec.response = "sales";
  spec.regressors.numeric = {"visits", "rep_cost", "events", "samples", "calls", "tenure"};
  spec.regressors.factors = {{"hospital_class", "二级"}, {"doctor_class", "C"}};
  spec.covariance = covariance;
  spec.period = "synthetic";
  return spec;
}

// Hospital class by beds, outpatients, doctors and region (log-odds against
// 二级); tenure has no effect.
struct ClassEffect {
  const char* cls;
  const char* name;
  double value;
};
const ClassEffect kLogitEffects[] = {
    {"三级", "beds", 0.008},      {"三级", "outpatients", 0.2}, {"三级", "doctors", 0.01},
    {"三级", "region=东部", 0.8}, {"一级", "beds", -0.006},     {"一级", "outpatients", -0.1},
    {"一级", "region=西部", 0.4}, {"三级", "tenure", 0},        {"一级", "tenure", 0}};

analytics::Table ClassificationData(int64_t customers, std::mt19937_64& rng) {
  const char* kRegion[] = {"东部", "中部", "西部"};
  std::vector<double> beds(customers), outpatients(customers), doctors(customers),
      tenure(customers);
  std::vector<std::string> cls(customers), region(customers);
  for (int64_t i = 0; i < customers; ++i) {
    beds[i] = 500 + 200 * Normal(rng);
    outpatients[i] = 10 + 3 * Normal(rng);
    doctors[i] = 80 + 30 * Normal(rng);
    tenure[i] = static_cast<double>(rng() % 12);
    const int r = static_cast<int>(rng() % 3);
    region[i] = kRegion[r];
    const double tier3 =
        -6.8 + 0.008 * beds[i] + 0.2 * outpatients[i] + 0.01 * doctors[i] + (r == 0 ? 0.8 : 0);
    const double tier1 = 3 - 0.006 * beds[i] - 0.1 * outpatients[i] + (r == 2 ? 0.4 : 0);
    const double z = 1 + std::exp(tier3) + std::exp(tier1);
    const double u = Uniform(rng);
    cls[i] = u < std::exp(tier3) / z                       ? "三级"
             : u < (std::exp(tier3) + std::exp(tier1)) / z ? "一级"
                                                           : "二级";
  }
  analytics::Table t;
  t.numeric = {
      {"beds", beds}, {"outpatients", outpatients}, {"doctors", doctors}, {"tenure", tenure}};
  t.categorical = {{"class", cls}, {"region", region}};
  return t;
}

analytics::LogitSpec ClassificationSpec() {
  analytics::LogitSpec spec;
  spec.response = "class";
  spec.baseline = "二级";
  spec.features.numeric = {"beds", "outpatients", "doctors", "tenure"};
  spec.features.factors = {{"region", "中部"}};
  return spec;
}

// --- Checks -----------------------------------------------------------------

bool all_ok = true;

void Fail(const std::string& what) {
  std::fprintf(stderr, "CHECK FAILED: %s\n", what.c_str());
  all_ok = false;
}

void CheckEstimate(const std::string& label, const analytics::Estimate* e, double planted) {
  if (e == nullptr) return Fail(label + ": no such coefficient");
  if (std::fabs(e->estimate - planted) > 5 * e->std_error) {
    Fail(absl::StrFormat("%s: %g, planted %g (SE %g)", label, e->estimate, planted, e->std_error));
  }
}

void CheckOls(const absl::StatusOr<analytics::OlsResult>& fit) {
  if (!fit.ok()) return Fail(std::string(fit.status().message()));
  for (const Effect& effect : kOlsEffects) {
    CheckEstimate(effect.name, fit->Find(effect.name), effect.value);
  }
}

void CheckLogit(const absl::StatusOr<analytics::LogitResult>& fit) {
  if (!fit.ok()) return Fail(std::string(fit.status().message()));
  for (const ClassEffect& effect : kLogitEffects) {
    CheckEstimate(absl::StrFormat("%s %s", effect.cls, effect.name),
                  fit->Find(effect.cls, effect.name), effect.value);
  }
}

double Sum(const analytics::Table& t) {
  double sum = 0;
  for (const analytics::NumericColumn& c : t.numeric) {
    for (const double v : c.values) sum += v;
  }
  for (const analytics::CategoricalColumn& c : t.categorical) {
    for (const std::string& v : c.values) {
      for (const char ch : v) sum += static_cast<unsigned char>(ch);
    }
  }
  return sum;
}

void PrintRow(const Measure& m, double pass_median) {
  const auto [low, high] = std::minmax_element(m.seconds.begin(), m.seconds.end());
  const double median = Median(m.seconds);
  std::printf("| %s | %.3f s | %.3f–%.3f s | %s | %.0f MiB |\n", m.name.c_str(), median, *low,
              *high, pass_median > 0 ? absl::StrFormat("%.1f×", median / pass_median).c_str() : "",
              static_cast<double>(m.extra_kb) / 1024.0);
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int runs = absl::GetFlag(FLAGS_runs);
  std::mt19937_64 rng(absl::GetFlag(FLAGS_seed));

  Clock::time_point start = Clock::now();
  const analytics::Table regression = RegressionData(absl::GetFlag(FLAGS_rows), rng);
  const analytics::Table customers = ClassificationData(absl::GetFlag(FLAGS_customers), rng);
  std::printf(
      "data: %lld rows (6 numeric regressors, 2 factors), %lld customers; generated in "
      "%.1f s; resident %.0f MiB\n",
      static_cast<long long>(absl::GetFlag(FLAGS_rows)),
      static_cast<long long>(absl::GetFlag(FLAGS_customers)),
      std::chrono::duration<double>(Clock::now() - start).count(),
      static_cast<double>(StatusKb("VmRSS")) / 1024.0);

  Measure pass{"pass (regression data)"}, ols{"FitOls, classical"}, hc1{"FitOls, HC1"},
      pass_customers{"pass (customers)"}, logit{"FitMultinomialLogit"},
      drivers{"EvaluateClassDrivers"};
  double sink = 0;
  int iterations = 0;
  for (int run = 0; run < runs; ++run) {
    Run(pass, [&] { sink += Sum(regression); });
    Run(ols, [&] {
      CheckOls(analytics::FitOls(regression, RegressionSpec(analytics::Covariance::kClassical)));
    });
    Run(hc1, [&] {
      CheckOls(analytics::FitOls(regression, RegressionSpec(analytics::Covariance::kHC1)));
    });
    Run(pass_customers, [&] { sink += Sum(customers); });
    Run(logit, [&] {
      absl::StatusOr<analytics::LogitResult> fit =
          analytics::FitMultinomialLogit(customers, ClassificationSpec());
      if (fit.ok()) iterations = fit->iterations;
      CheckLogit(fit);
    });
    Run(drivers, [&] {
      absl::StatusOr<analytics::ClassDrivers> d =
          analytics::EvaluateClassDrivers(customers, ClassificationSpec());
      if (!d.ok()) return Fail(std::string(d.status().message()));
      CheckLogit(d->model);
      if (!(d->accuracy > d->baseline_accuracy)) {
        Fail(absl::StrFormat("held-out accuracy %.4f does not beat the majority guess %.4f",
                             d->accuracy, d->baseline_accuracy));
      }
      if (run == 0) {
        std::printf("held out %lld customers: accuracy %.4f, majority class %s %.4f\n",
                    static_cast<long long>(d->held_out_customers), d->accuracy,
                    d->majority_class.c_str(), d->baseline_accuracy);
      }
    });
  }
  std::printf("(sum %.6g; the logit converged in %d Newton iterations)\n\n", sink, iterations);
  std::printf("| measurement | median | range | / pass | peak memory above the data |\n");
  std::printf("|---|---|---|---|---|\n");
  const double pass_median = Median(pass.seconds);
  const double customers_median = Median(pass_customers.seconds);
  PrintRow(pass, 0);
  PrintRow(ols, pass_median);
  PrintRow(hc1, pass_median);
  PrintRow(pass_customers, 0);
  PrintRow(logit, customers_median);
  PrintRow(drivers, customers_median);
  if (!peak_resets) std::printf("(peaks are the process's: /proc/self/clear_refs not writable)\n");
  std::printf("\nprocess peak resident set: %.0f MiB\n",
              static_cast<double>(process_peak_kb) / 1024.0);
  std::printf("%s\n", all_ok ? "checks: every planted effect recovered" : "checks: FAILED");
  return absl::GetFlag(FLAGS_check) && !all_ok ? 1 : 0;
}
