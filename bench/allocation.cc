// bench/allocation: top-down sales-target allocation (services/sales-pipeline
// domain/process/allocation.h), in process, on one thread, beside a plain
// pass over the same inputs measured in the same run (bench/README.md,
// "bench/allocation"):
//
//   allocate   Allocate for --products products, each its own tree of the
//              same organisation (nation → --regions → --areas →
//              --territories → --hospitals hospitals) with that product's
//              factors: validation, weights, the exact split of every level.
//   adjust     one Adjust of a territory's amount (+5 %) on one product's
//              allocation: its siblings rebalanced, the changed subtrees
//              split again, the new allocation returned as a full copy. And
//              one of a region's (+5 %), which splits nearly every node again.
//   baseline   one plain pass over every hospital of the trees summing its
//              factor values (what any allocation has to read), for the
//              products (for allocate) and for one product (for adjust);
//              the ratios are to these. Also shown: a plain copy of one
//              product's allocation, which every Adjust makes (it returns a
//              new full allocation and leaves its input alone).
//
// Data are synthetic and seeded: grades, doctors, prescriptions, class
// market, two years of sales and a monthly history with a Chinese New Year
// dip, each hospital in a random territory. Each measurement runs --runs
// times (baseline and path alternating); the table gives every run and the
// median, and the ratio is the median of the runs' ratios. Every run checks
// that each level sums exactly (--check makes a mismatch the exit status).
//
//   build/bench/allocation                  # 20 products, 3,000 hospitals
//   build/bench/allocation --runs=1 --check # a smoke run
#include "domain/process/allocation.h"

#include <algorithm>
#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <random>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_cat.h"

ABSL_FLAG(int, runs, 5, "Runs of each measurement (baseline and path alternating)");
ABSL_FLAG(uint64_t, seed, 20260301, "Seed of the synthetic data");
ABSL_FLAG(int, products, 20, "Products, each allocated over its own tree");
ABSL_FLAG(int, regions, 5, "Regions under the nation");
ABSL_FLAG(int, areas, 30, "Areas, spread evenly over the regions");
ABSL_FLAG(int, territories, 150, "Territories, spread evenly over the areas");
ABSL_FLAG(int, hospitals, 3000, "Hospitals, each in a random territory (every one has one)");
ABSL_FLAG(bool, check, false, "Exit 1 unless every level of every allocation sums exactly");

namespace {

namespace process = pharmacrm::sales_pipeline::process;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point from) {
  return std::chrono::duration<double>(Clock::now() - from).count();
}

double Median(std::vector<double> values) {
  std::sort(values.begin(), values.end());
  const size_t n = values.size();
  return n % 2 == 1 ? values[n / 2] : (values[n / 2 - 1] + values[n / 2]) / 2;
}

// The organisation, the same for every product; factors differ by product.
std::vector<process::Node> Organisation(std::mt19937_64& rng) {
  const int regions = absl::GetFlag(FLAGS_regions);
  const int areas = absl::GetFlag(FLAGS_areas);
  const int territories = absl::GetFlag(FLAGS_territories);
  const int hospitals = absl::GetFlag(FLAGS_hospitals);
  std::vector<process::Node> nodes;
  auto add = [&](std::string id, std::string parent, process::Level level, std::string name) {
    process::Node node;
    node.id = std::move(id);
    node.parent_id = std::move(parent);
    node.level = level;
    node.name = std::move(name);
    nodes.push_back(std::move(node));
  };
  add("CN", "", process::Level::kNation, "全国");
  for (int r = 0; r < regions; ++r) {
    add(absl::StrCat("R", r), "CN", process::Level::kRegion, absl::StrCat("大区", r));
  }
  for (int a = 0; a < areas; ++a) {
    add(absl::StrCat("A", a), absl::StrCat("R", a % regions), process::Level::kArea,
        absl::StrCat("片区", a));
  }
  for (int t = 0; t < territories; ++t) {
    add(absl::StrCat("T", t), absl::StrCat("A", t % areas), process::Level::kTerritory,
        absl::StrCat("辖区", t));
  }
  std::uniform_int_distribution<int> territory(0, territories - 1);
  for (int h = 0; h < hospitals; ++h) {
    const int t = h < territories ? h : territory(rng);
    add(absl::StrCat("H", 100000 + h), absl::StrCat("T", t), process::Level::kCustomer,
        absl::StrCat("医院", h));
  }
  return nodes;
}

// One product's tree: the organisation with random factors.
std::vector<process::Node> ProductTree(std::vector<process::Node> nodes, std::mt19937_64& rng) {
  auto uniform = [&](int64_t lo, int64_t hi) {
    return std::uniform_int_distribution<int64_t>(lo, hi)(rng);
  };
  constexpr std::array<double, 5> kGrades = {10, 8, 6, 4, 2};  // 三甲 .. 一级
  for (process::Node& node : nodes) {
    if (node.level != process::Level::kCustomer) continue;
    process::CustomerFactors& f = node.factors;
    f.grade_score = kGrades[uniform(0, 4)];
    f.doctors_a = uniform(0, 6);
    f.doctors_b = uniform(0, 12);
    f.doctors_c = uniform(0, 20);
    f.prescriptions = static_cast<double>(uniform(0, 20'000));
    f.market_size = uniform(10'000, 5'000'000);
    f.last_year_sales = uniform(0, 4) == 0 ? 0 : uniform(100, 200'000);
    f.sales_year_before = uniform(0, 4) == 0 ? 0 : uniform(100, 200'000);
    node.sold_so_far = f.last_year_sales / uniform(4, 12);
    for (int m = 0; m < process::kMonths; ++m) {
      node.last_year_by_month[m] = f.last_year_sales / 12 / (m == 1 ? 2 : 1);  // Feb: 春节
    }
  }
  return nodes;
}

process::AllocationMethod Method() {
  process::AllocationMethod method;
  method.weights.grade_score = 0.1;
  method.weights.doctor_mix = 0.15;
  method.weights.prescriptions = 0.15;
  method.weights.market_size = 0.2;
  method.weights.last_year_sales = 0.3;
  method.weights.growth = 0.1;
  return method;
}

// Every interior node's children sum to it, no amount below 0.
bool SumsExactly(const process::Allocation& a) {
  for (const process::NodeAllocation& node : a.nodes) {
    if (node.amount < 0) return false;
    if (node.children.empty()) continue;
    int64_t sum = 0;
    for (int c : node.children) sum += a.nodes[c].amount;
    if (sum != node.amount) return false;
  }
  return true;
}

// The baseline: one pass summing the hospitals' factor values.
double SumFactors(const std::vector<std::vector<process::Node>>& trees, size_t count) {
  double sum = 0;
  for (size_t p = 0; p < count; ++p) {
    for (const process::Node& node : trees[p]) {
      if (node.level != process::Level::kCustomer) continue;
      const process::CustomerFactors& f = node.factors;
      sum += f.grade_score + static_cast<double>(f.doctors_a + f.doctors_b + f.doctors_c) +
             f.prescriptions + static_cast<double>(f.market_size) +
             static_cast<double>(f.last_year_sales) + static_cast<double>(f.sales_year_before);
    }
  }
  return sum;
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) return line.substr(line.find(':') + 2);
  }
  return "unknown CPU";
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five;
  in >> one >> five;
  return absl::StrCat(one, ", ", five);
}

}  // namespace

int main(int argc, char** argv) {
  absl::ParseCommandLine(argc, argv);
  const int runs = std::max(1, absl::GetFlag(FLAGS_runs));
  const int products = std::max(1, absl::GetFlag(FLAGS_products));
  std::mt19937_64 rng(absl::GetFlag(FLAGS_seed));
  const std::vector<process::Node> organisation = Organisation(rng);
  std::vector<std::vector<process::Node>> trees;
  std::vector<process::CompanyTarget> targets;
  for (int p = 0; p < products; ++p) {
    trees.push_back(ProductTree(organisation, rng));
    process::CompanyTarget target;
    target.product_id = absl::StrCat("P", p);
    target.year = 2026;
    target.expected_growth = 0.08 + 0.01 * (p % 5);
    targets.push_back(target);
  }
  std::printf(
      "bench/allocation: %d products × %zu nodes (1 nation, %d regions, %d areas, %d "
      "territories, %d hospitals), runs %d, seed %llu\n",
      products, organisation.size(), absl::GetFlag(FLAGS_regions), absl::GetFlag(FLAGS_areas),
      absl::GetFlag(FLAGS_territories), absl::GetFlag(FLAGS_hospitals), runs,
      static_cast<unsigned long long>(absl::GetFlag(FLAGS_seed)));
  std::printf("%s, load average %s\n", CpuModel().c_str(), LoadAverage().c_str());

  const process::AllocationMethod method = Method();
  bool exact = true;
  std::vector<double> baseline_all, allocate_all, baseline_one, copy_one, adjust_territory,
      adjust_region;
  std::vector<double> ratio_allocate, ratio_territory, ratio_region;
  double sink = 0;
  std::printf("%-4s %14s %14s %9s %14s %14s %14s %9s %14s %9s\n", "run", "pass, all", "allocate",
              "ratio", "pass, one", "copy, one", "adjust T", "ratio", "adjust R", "ratio");
  for (int run = 0; run < runs; ++run) {
    Clock::time_point start = Clock::now();
    sink += SumFactors(trees, trees.size());
    baseline_all.push_back(Seconds(start));

    std::vector<process::Allocation> allocations;
    allocations.reserve(trees.size());
    start = Clock::now();
    for (size_t p = 0; p < trees.size(); ++p) {
      absl::StatusOr<process::Allocation> a = process::Allocate(trees[p], method, targets[p]);
      if (!a.ok()) {
        std::fprintf(stderr, "allocate: %s\n", a.status().ToString().c_str());
        return 1;
      }
      allocations.push_back(*std::move(a));
    }
    allocate_all.push_back(Seconds(start));
    for (const process::Allocation& a : allocations) exact = exact && SumsExactly(a);

    start = Clock::now();
    sink += SumFactors(trees, 1);
    baseline_one.push_back(Seconds(start));

    const process::Allocation& first = allocations[0];
    const auto adjust = [&](const std::string& id, std::vector<double>& times) {
      const int i = process::FindNode(first, id);
      process::Adjustment adjustment;
      adjustment.node_id = id;
      adjustment.amount = first.nodes[i].amount + first.nodes[i].amount / 20;
      adjustment.forbid_below_sold = false;
      const Clock::time_point from = Clock::now();
      absl::StatusOr<process::Allocation> adjusted = process::Adjust(first, adjustment);
      times.push_back(Seconds(from));
      if (!adjusted.ok()) {
        std::fprintf(stderr, "adjust %s: %s\n", id.c_str(), adjusted.status().ToString().c_str());
        exact = false;
        return;
      }
      exact = exact && SumsExactly(*adjusted) && adjusted->nodes[i].amount == adjustment.amount;
    };
    adjust("T7", adjust_territory);
    adjust("R1", adjust_region);
    start = Clock::now();
    {
      const process::Allocation copy = first;
      sink += static_cast<double>(copy.nodes.back().amount);
    }
    copy_one.push_back(Seconds(start));

    ratio_allocate.push_back(allocate_all.back() / baseline_all.back());
    ratio_territory.push_back(adjust_territory.back() / baseline_one.back());
    ratio_region.push_back(adjust_region.back() / baseline_one.back());
    std::printf(
        "%-4d %11.3f ms %11.3f ms %8.0fx %11.3f ms %11.3f ms %11.3f ms %8.0fx %11.3f ms %8.0fx\n",
        run + 1, baseline_all.back() * 1e3, allocate_all.back() * 1e3, ratio_allocate.back(),
        baseline_one.back() * 1e3, copy_one.back() * 1e3, adjust_territory.back() * 1e3,
        ratio_territory.back(), adjust_region.back() * 1e3, ratio_region.back());
  }
  std::printf(
      "%-4s %11.3f ms %11.3f ms %8.0fx %11.3f ms %11.3f ms %11.3f ms %8.0fx %11.3f ms %8.0fx\n",
      "med", Median(baseline_all) * 1e3, Median(allocate_all) * 1e3, Median(ratio_allocate),
      Median(baseline_one) * 1e3, Median(copy_one) * 1e3, Median(adjust_territory) * 1e3,
      Median(ratio_territory), Median(adjust_region) * 1e3, Median(ratio_region));
  std::printf(
      "aims: allocate %d products < 1 s: %s (%.1f ms); one adjustment < 100 ms: %s (territory "
      "%.2f ms, region %.2f ms)\n",
      products, Median(allocate_all) < 1 ? "met" : "NOT met", Median(allocate_all) * 1e3,
      std::max(Median(adjust_territory), Median(adjust_region)) < 0.1 ? "met" : "NOT met",
      Median(adjust_territory) * 1e3, Median(adjust_region) * 1e3);
  std::printf("every level sums exactly: %s (checksum %g)\n", exact ? "yes" : "NO", sink);
  return absl::GetFlag(FLAGS_check) && !exact ? 1 : 0;
}
