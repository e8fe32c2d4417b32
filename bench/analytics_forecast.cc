// bench/analytics_forecast: monthly sales forecasts with rolling-origin
// back-tests and the choice of model per series (libs/analytics,
// backtest.h), in process, over --products × --territories series of
// --months months (bench/README.md, "bench/analytics_forecast"):
//
//   baseline   seasonal naive alone over the same series: fitted to the
//              whole history and forecast --horizon months, no back-test
//   1 thread   ForecastSeries with the default candidates (seasonal naive,
//              Holt-Winters additive and multiplicative, each with a trend
//              and with a damped trend): --holdout held-out months, each
//              model fitted at every origin and forecast up to --horizon
//              months ahead, the choice, the chosen model fitted to the
//              whole history and its forecast with 80 % intervals; the
//              parameters are estimated at the first origin and reused at
//              the later ones (--refit_every_origin: at every origin)
//   N threads  the same on --threads threads (core::ParallelFor)
//
// Each runs --runs times (baseline, 1 thread, N threads in turn); the table
// gives every run, the median and the range, and the ratio of each run to
// its own baseline. Times are wall clock; the CPU time of the process is
// shown beside them. Memory: the peak resident set of each measurement
// (getrusage ru_maxrss, reset before it through /proc/self/clear_refs after
// malloc_trim), every forecast of the measurement kept until it ends.
//
// Data are synthetic and seeded: per product a seasonal pattern (with a
// Chinese New Year dip in January or February) and a size; per territory a
// size; per series a trend of -1 % to +3 % a month, additive or
// multiplicative seasonality (half each), noise of 3-15 %, rounded to whole
// packs (a small series can have months of 0, which rule out the
// multiplicative models).
//
//   build/bench/analytics_forecast                  # 100 × 300 × 24, --runs=3
//   build/bench/analytics_forecast --products=2 --territories=10 --runs=1 --check
#include <malloc.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <map>
#include <memory>
#include <numbers>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/status/statusor.h"
#include "pharmacrm/analytics/backtest.h"
#include "pharmacrm/analytics/forecast.h"
#include "pharmacrm/analytics/seasonal_naive.h"
#include "pharmacrm/core/parallel.h"

ABSL_FLAG(int, products, 100, "Products");
ABSL_FLAG(int, territories, 300, "Territories (every product is sold in every one)");
ABSL_FLAG(int, months, 24, "Months of history per series");
ABSL_FLAG(int, horizon, 3, "Months forecast, and the back-test's months ahead");
ABSL_FLAG(int, holdout, 6, "Held-out months of the back-test");
ABSL_FLAG(int, runs, 3, "Runs of each measurement");
ABSL_FLAG(int, threads, 2, "Threads of the parallel measurement");
ABSL_FLAG(uint64_t, seed, 20260301, "Seed of the synthetic data");
ABSL_FLAG(bool, refit_every_origin, false,
          "Re-estimate each model's parameters at every back-test origin (BacktestOptions)");
ABSL_FLAG(
    bool, check, false,
    "Exit 1 unless every series gets a forecast with its model, reason and ordered intervals");

namespace {

namespace analytics = pharmacrm::analytics;
using Clock = std::chrono::steady_clock;

struct Generated {
  std::vector<analytics::MonthlySeries> series;
  std::vector<bool> multiplicative;  // how each was made
};

Generated Generate() {
  const int products = absl::GetFlag(FLAGS_products);
  const int territories = absl::GetFlag(FLAGS_territories);
  const int months = absl::GetFlag(FLAGS_months);
  std::mt19937_64 rng(absl::GetFlag(FLAGS_seed));
  std::uniform_real_distribution<double> uniform(0, 1);
  std::normal_distribution<double> normal(0, 1);
  std::vector<std::vector<double>> patterns(static_cast<size_t>(products));
  std::vector<double> product_size(static_cast<size_t>(products));
  for (int p = 0; p < products; ++p) {
    const double amplitude = 0.1 + 0.25 * uniform(rng);
    const double phase = 2 * std::numbers::pi * uniform(rng);
    const int new_year = uniform(rng) < 0.5 ? 0 : 1;  // January or February
    std::vector<double>& pattern = patterns[static_cast<size_t>(p)];
    for (int j = 0; j < 12; ++j) {
      double s = amplitude * std::sin(2 * std::numbers::pi * j / 12 + phase);
      if (j == new_year) s -= 0.25;
      pattern.push_back(s);
    }
    product_size[static_cast<size_t>(p)] = std::exp(std::log(400.0) + 0.8 * normal(rng));
  }
  Generated out;
  out.series.reserve(static_cast<size_t>(products) * static_cast<size_t>(territories));
  for (int p = 0; p < products; ++p) {
    for (int t = 0; t < territories; ++t) {
      analytics::MonthlySeries series;
      series.key = {"P" + std::to_string(p + 1), "T" + std::to_string(t + 1), ""};
      series.first_month = {2024, 1};
      const double level = product_size[static_cast<size_t>(p)] * std::exp(0.5 * normal(rng));
      const double trend = level * (-0.01 + 0.04 * uniform(rng));
      const bool multiplicative = uniform(rng) < 0.5;
      const double noise = 0.03 + 0.12 * uniform(rng);
      for (int m = 0; m < months; ++m) {
        const double base = level + trend * m;
        const double s = patterns[static_cast<size_t>(p)][static_cast<size_t>(m % 12)];
        const double value = multiplicative ? base * (1 + s) : base + level * s;
        series.values.push_back(std::max(0.0, std::round(value * (1 + noise * normal(rng)))));
      }
      out.series.push_back(std::move(series));
      out.multiplicative.push_back(multiplicative);
    }
  }
  return out;
}

double CpuSeconds() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  auto s = [](timeval t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return s(usage.ru_utime) + s(usage.ru_stime);
}

int64_t PeakRssBytes() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return int64_t{usage.ru_maxrss} * 1024;
}

// Memory freed earlier handed back to the system, and the peak reset to
// the current resident set, so the next peak is the next measurement's;
// false where /proc/self/clear_refs cannot be written.
bool ResetPeak() {
  malloc_trim(0);
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
  clear.flush();
  return clear.good();
}

struct Sample {
  double wall = 0;
  double cpu = 0;
  double peak_mib = 0;
};

template <typename F>
Sample Measure(F&& f) {
  ResetPeak();
  const double cpu = CpuSeconds();
  const Clock::time_point start = Clock::now();
  f();
  Sample sample;
  sample.wall = std::chrono::duration<double>(Clock::now() - start).count();
  sample.cpu = CpuSeconds() - cpu;
  sample.peak_mib = static_cast<double>(PeakRssBytes()) / (1024.0 * 1024.0);
  return sample;
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

std::string Range(const std::vector<double>& values, const char* format) {
  const auto [low, high] = std::minmax_element(values.begin(), values.end());
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, *low, *high);
  return buffer;
}

bool Ordered(const analytics::SeriesForecast& forecast) {
  for (const analytics::ForecastMonth& month : forecast.months) {
    if (!(month.lower <= month.point && month.point <= month.upper)) return false;
  }
  return !forecast.months.empty();
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int runs = std::max(1, absl::GetFlag(FLAGS_runs));
  const int threads = std::max(1, absl::GetFlag(FLAGS_threads));
  const Generated data = Generate();
  const size_t count = data.series.size();
  std::printf(
      "%zu series × %d months (%d products × %d territories), horizon %d, %d held out%s; "
      "%d thread(s) in parallel, %d run(s)\n",
      count, absl::GetFlag(FLAGS_months), absl::GetFlag(FLAGS_products),
      absl::GetFlag(FLAGS_territories), absl::GetFlag(FLAGS_horizon), absl::GetFlag(FLAGS_holdout),
      absl::GetFlag(FLAGS_refit_every_origin) ? ", parameters re-estimated at every origin" : "",
      threads, runs);

  const std::vector<std::unique_ptr<analytics::ForecastModel>> owned =
      analytics::DefaultForecastModels();
  const std::vector<const analytics::ForecastModel*> models = analytics::ModelPointers(owned);
  analytics::ForecastOptions options;
  options.horizon = absl::GetFlag(FLAGS_horizon);
  options.level = 0.8;
  options.backtest.holdout_months = absl::GetFlag(FLAGS_holdout);
  options.backtest.horizon = options.horizon;
  options.backtest.refit_every_origin = absl::GetFlag(FLAGS_refit_every_origin);
  const analytics::SeasonalNaive naive;

  std::vector<absl::StatusOr<analytics::SeriesForecast>> results;
  std::vector<double> baseline_wall, single_wall, parallel_wall, single_cpu, parallel_cpu,
      baseline_peak, single_peak, parallel_peak, single_ratio, parallel_ratio;
  std::printf(
      "\n| run | baseline: seasonal naive alone | 1 thread: with back-test and choice | / "
      "baseline | %d threads | / baseline | CPU, 1 thread | CPU, %d threads | peak RSS "
      "(baseline, 1, %d threads) |\n|---|---|---|---|---|---|---|---|---|\n",
      threads, threads, threads);
  for (int run = 1; run <= runs; ++run) {
    // The previous run's forecasts go before anything is measured.
    results = {};
    std::vector<absl::StatusOr<analytics::IntervalForecast>> naive_forecasts(count);
    const Sample baseline = Measure([&] {
      for (size_t i = 0; i < count; ++i) {
        auto fitted = naive.Fit({data.series[i].values, {}});
        naive_forecasts[i] =
            fitted.ok() ? (*fitted)->Forecast(options.horizon, options.level, {}) : fitted.status();
      }
    });
    results.clear();
    results.resize(count);
    const Sample single = Measure([&] {
      for (size_t i = 0; i < count; ++i) {
        results[i] = analytics::ForecastSeries(data.series[i], models, options);
      }
    });
    results.clear();
    results.resize(count);
    const Sample parallel = Measure([&] {
      pharmacrm::core::ParallelFor(threads, count, 64, [&](size_t i) {
        results[i] = analytics::ForecastSeries(data.series[i], models, options);
      });
    });
    baseline_wall.push_back(baseline.wall);
    single_wall.push_back(single.wall);
    parallel_wall.push_back(parallel.wall);
    single_cpu.push_back(single.cpu);
    parallel_cpu.push_back(parallel.cpu);
    baseline_peak.push_back(baseline.peak_mib);
    single_peak.push_back(single.peak_mib);
    parallel_peak.push_back(parallel.peak_mib);
    single_ratio.push_back(single.wall / baseline.wall);
    parallel_ratio.push_back(parallel.wall / baseline.wall);
    std::printf(
        "| %d | %.3f s | **%.1f s** | %.0f× | **%.1f s** | %.0f× | %.1f s | %.1f s | %.0f / "
        "%.0f / %.0f MiB |\n",
        run, baseline.wall, single.wall, single_ratio.back(), parallel.wall, parallel_ratio.back(),
        single.cpu, parallel.cpu, baseline.peak_mib, single.peak_mib, parallel.peak_mib);
  }
  if (runs > 1) {
    std::printf(
        "| **median** | %.3f s | **%.1f s** | %.0f× | **%.1f s** | %.0f× | %.1f s | %.1f s | "
        "%.0f / %.0f / %.0f MiB |\n",
        Median(baseline_wall), Median(single_wall), Median(single_ratio), Median(parallel_wall),
        Median(parallel_ratio), Median(single_cpu), Median(parallel_cpu), Median(baseline_peak),
        Median(single_peak), Median(parallel_peak));
    std::printf("| range | %s | %s | | %s | | | | |\n", Range(baseline_wall, "%.3f–%.3f s").c_str(),
                Range(single_wall, "%.1f–%.1f s").c_str(),
                Range(parallel_wall, "%.1f–%.1f s").c_str());
  }

  // What the last run chose, and how the choices' back-tests went.
  int failed = 0;
  int unordered = 0;
  int no_reason = 0;
  std::map<std::string, int> chosen;
  std::map<std::string, int> skipped;
  std::map<std::string, std::vector<double>> mase_by_model;
  std::map<std::string, std::vector<double>> coverage_by_model;
  int kind_matches = 0;
  int holt_winters_chosen = 0;
  for (size_t i = 0; i < count; ++i) {
    const auto& result = results[i];
    if (!result.ok()) {
      ++failed;
      continue;
    }
    if (!Ordered(*result)) ++unordered;
    if (result->reason.en.empty() || result->reason.zh.empty()) ++no_reason;
    ++chosen[result->model_id];
    for (const analytics::ModelScore& score : result->backtest.scores) {
      if (score.skipped.has_value()) {
        ++skipped[score.model_id];
        continue;
      }
      if (score.mase.has_value()) mase_by_model[score.model_id].push_back(*score.mase);
      coverage_by_model[score.model_id].push_back(score.coverage);
    }
    if (result->model_id.rfind("holt_winters_", 0) == 0) {
      ++holt_winters_chosen;
      const bool multiplicative = result->model_id.find("multiplicative") != std::string::npos;
      if (multiplicative == data.multiplicative[i]) ++kind_matches;
    }
  }
  std::printf(
      "\nChosen (last run), with every candidate's back-test (median MASE, mean 80 %% "
      "interval coverage, series skipped):\n\n| model | chosen | median MASE | mean "
      "coverage | skipped |\n|---|---|---|---|---|\n");
  for (const analytics::ForecastModel* model : models) {
    const std::string id(model->id());
    const auto& coverage = coverage_by_model[id];
    double mean_coverage = 0;
    for (double c : coverage) mean_coverage += c;
    if (!coverage.empty()) mean_coverage /= static_cast<double>(coverage.size());
    std::printf("| %s | %d | %.2f | %.0f %% | %d |\n", model->name().en.c_str(), chosen[id],
                mase_by_model[id].empty() ? std::nan("") : Median(mase_by_model[id]),
                100 * mean_coverage, skipped[id]);
  }
  std::printf(
      "\nHolt-Winters chosen for %d series; its seasonality (additive or multiplicative) "
      "is the one the series was made with in %d (%.0f %%).\n",
      holt_winters_chosen, kind_matches,
      holt_winters_chosen > 0 ? 100.0 * kind_matches / holt_winters_chosen : 0.0);
  std::printf("checks: %d failed, %d with unordered intervals, %d without a reason\n", failed,
              unordered, no_reason);
  const bool ok = failed == 0 && unordered == 0 && no_reason == 0;
  return absl::GetFlag(FLAGS_check) && !ok ? 1 : 0;
}
