// What is read from an allocation (allocation.h): names, monthly phasing,
// the rep's headroom and the explanation text.
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "domain/process/allocation.h"
#include "domain/process/allocation_format.h"
#include "domain/process/largest_remainder.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::process {
namespace {

absl::Status UnknownNode(absl::string_view node_id) {
  return core::FieldStatus(absl::StatusCode::kNotFound, "node_id",
                           absl::StrCat("no node ", node_id, " in the allocation"));
}

// `territory T3 "华南三区"`
std::string Title(const Node& node) {
  std::string out = absl::StrCat(LevelName(node.level), " ", node.id);
  if (!node.name.empty()) absl::StrAppend(&out, " \"", node.name, "\"");
  return out;
}

// Whole numbers with thousands separators (2,000,000), others to six
// significant digits (0.235, 1.25).
std::string Number(double value) {
  if (value == std::floor(value) && std::abs(value) < 1e15) {
    return FormatUnits(static_cast<int64_t>(value));
  }
  return absl::StrFormat("%.6g", value);
}

// The customers at or below node i, in preorder.
std::vector<int> CustomersBelow(const Allocation& a, int i) {
  std::vector<int> out;
  std::vector<int> stack = {i};
  while (!stack.empty()) {
    const int k = stack.back();
    stack.pop_back();
    const NodeAllocation& node = a.nodes[k];
    if (node.children.empty()) out.push_back(k);
    for (auto it = node.children.rbegin(); it != node.children.rend(); ++it) stack.push_back(*it);
  }
  return out;
}

// How node i's amount came about, in a line or two.
std::string HowText(const Allocation& a, int i) {
  const NodeAllocation& node = a.nodes[i];
  if (node.parent < 0) {
    if (a.target.amount.has_value()) {
      return absl::StrCat("how: the company target, given as ", FormatUnits(node.amount),
                          " units\n");
    }
    return absl::StrCat("how: the company target, last year's ", FormatUnits(a.last_year_total),
                        " × (1 + ", Number(a.target.expected_growth), ") = ",
                        absl::StrFormat("%.2f", static_cast<double>(a.last_year_total) *
                                                    (1 + a.target.expected_growth)),
                        ", rounded to ", FormatUnits(node.amount), "\n");
  }
  const NodeAllocation& parent = a.nodes[node.parent];
  switch (node.basis) {
    case AmountBasis::kManual:
      return absl::StrCat("how: set by a manager", node.locked ? " (locked)" : "", "\n");
    case AmountBasis::kRebalanced:
      return absl::StrCat(
          "how: ", FormatUnits(node.amount - node.rebalance_delta),
          node.rebalance_delta < 0 ? " less " : " plus ",
          FormatUnits(node.rebalance_delta < 0 ? -node.rebalance_delta : node.rebalance_delta),
          ", its part of a sibling's adjustment under ", parent.node.id,
          " (the change shared among the unlocked siblings by weight, whole units by the "
          "largest remainder)\n");
    case AmountBasis::kWeight:
    case AmountBasis::kEvenSplit:
      break;
  }
  int64_t rest = parent.amount;
  double open_weight = 0;
  int open = 0;
  for (int c : parent.children) {
    if (a.nodes[c].locked) {
      rest -= a.nodes[c].amount;
    } else {
      open_weight += a.nodes[c].weight;
      ++open;
    }
  }
  std::string pool = absl::StrCat(parent.node.id, "'s ", FormatUnits(parent.amount));
  if (rest != parent.amount) {
    absl::StrAppend(&pool, " less ", FormatUnits(parent.amount - rest),
                    " held by locked siblings = ", FormatUnits(rest));
  }
  if (node.basis == AmountBasis::kEvenSplit) {
    return absl::StrCat("how: ", pool, " split evenly among ", open,
                        " children that all weigh 0: ", FormatUnits(rest), " / ", open, " = ",
                        absl::StrFormat("%.2f", static_cast<double>(rest) / open),
                        ", whole units by the largest remainder (ties to the lower id) → ",
                        FormatUnits(node.amount), "\n");
  }
  const double exact = open_weight > 0 ? static_cast<double>(rest) * node.weight / open_weight : 0;
  return absl::StrCat("how: ", pool, " split by weight: ", FormatUnits(rest), " × ",
                      Number(node.weight), " / ", Number(open_weight), " = ",
                      absl::StrFormat("%.2f", exact),
                      ", whole units by the largest remainder (ties to the lower id) → ",
                      FormatUnits(node.amount), "\n");
}

}  // namespace

absl::string_view LevelName(Level level) {
  switch (level) {
    case Level::kNation:
      return "nation";
    case Level::kRegion:
      return "region";
    case Level::kArea:
      return "area";
    case Level::kTerritory:
      return "territory";
    case Level::kCustomer:
      return "customer";
  }
  return "level?";
}

absl::string_view FactorName(Factor factor) {
  switch (factor) {
    case Factor::kGradeScore:
      return "grade_score";
    case Factor::kDoctorMix:
      return "doctor_mix";
    case Factor::kPrescriptions:
      return "prescriptions";
    case Factor::kMarketSize:
      return "market_size";
    case Factor::kLastYearSales:
      return "last_year_sales";
    case Factor::kGrowth:
      return "growth";
  }
  return "factor?";
}

double WeightOf(const FactorWeights& weights, Factor factor) {
  switch (factor) {
    case Factor::kGradeScore:
      return weights.grade_score;
    case Factor::kDoctorMix:
      return weights.doctor_mix;
    case Factor::kPrescriptions:
      return weights.prescriptions;
    case Factor::kMarketSize:
      return weights.market_size;
    case Factor::kLastYearSales:
      return weights.last_year_sales;
    case Factor::kGrowth:
      return weights.growth;
  }
  return 0;
}

absl::string_view AmountBasisName(AmountBasis basis) {
  switch (basis) {
    case AmountBasis::kWeight:
      return "weight";
    case AmountBasis::kEvenSplit:
      return "even_split";
    case AmountBasis::kManual:
      return "manual";
    case AmountBasis::kRebalanced:
      return "rebalanced";
  }
  return "basis?";
}

absl::StatusOr<std::array<int64_t, kMonths>> PhaseMonthly(
    int64_t annual, const std::array<int64_t, kMonths>& last_year_by_month) {
  if (annual < 0 || annual > kMaxUnits) {
    return core::FieldError("annual", absl::StrCat("must be from 0 to 10^15 units, not ", annual));
  }
  for (int m = 0; m < kMonths; ++m) {
    if (last_year_by_month[m] < 0 || last_year_by_month[m] > kMaxUnits) {
      return core::FieldError(
          absl::StrCat("last_year_by_month[", m, "]"),
          absl::StrCat("must be from 0 to 10^15 units, not ", last_year_by_month[m]));
    }
  }
  std::array<int64_t, kMonths> months{};
  SplitLargestRemainderExact(annual, last_year_by_month, absl::MakeSpan(months));
  return months;
}

absl::StatusOr<std::array<int64_t, kMonths>> PhaseNode(const Allocation& allocation,
                                                       absl::string_view node_id) {
  const int i = FindNode(allocation, node_id);
  if (i < 0) return UnknownNode(node_id);
  const NodeAllocation& node = allocation.nodes[i];
  return PhaseMonthly(node.amount, node.last_year_by_month);
}

absl::StatusOr<std::vector<CustomerHeadroom>> Headroom(const Allocation& allocation,
                                                       absl::string_view node_id) {
  const int i = FindNode(allocation, node_id);
  if (i < 0) return UnknownNode(node_id);
  std::vector<CustomerHeadroom> out;
  for (int k : CustomersBelow(allocation, i)) {
    const NodeAllocation& node = allocation.nodes[k];
    const CustomerFactors& f = node.node.factors;
    CustomerHeadroom& row = out.emplace_back();
    row.customer_id = node.node.id;
    row.name = node.node.name;
    row.market_size = f.market_size;
    row.last_year_sales = f.last_year_sales;
    row.sales_year_before = f.sales_year_before;
    if (f.sales_year_before > 0) {
      row.growth = static_cast<double>(f.last_year_sales) / f.sales_year_before - 1;
    }
    row.target = node.amount;
    row.sold_so_far = node.sold_so_far;
    row.headroom = f.market_size - node.amount;
    row.to_go = node.amount - node.sold_so_far;
    row.target_share_of_market =
        f.market_size > 0 ? static_cast<double>(node.amount) / f.market_size : 0;
  }
  std::sort(out.begin(), out.end(), [](const CustomerHeadroom& a, const CustomerHeadroom& b) {
    if (a.headroom != b.headroom) return a.headroom > b.headroom;
    return a.customer_id < b.customer_id;
  });
  return out;
}

absl::StatusOr<std::string> Explain(const Allocation& allocation, absl::string_view node_id) {
  const int i = FindNode(allocation, node_id);
  if (i < 0) return UnknownNode(node_id);
  const Allocation& a = allocation;
  const NodeAllocation& node = a.nodes[i];
  const NodeAllocation& root = a.nodes[0];
  std::string out = Title(node.node);
  if (node.parent >= 0) absl::StrAppend(&out, ", under ", Title(a.nodes[node.parent].node));
  absl::StrAppend(&out, "\n");
  absl::StrAppend(&out, "amount: ", FormatUnits(node.amount), " units");
  if (node.parent >= 0) {
    const NodeAllocation& parent = a.nodes[node.parent];
    const auto share = [&](const NodeAllocation& of) {
      return of.amount > 0 ? FormatPercent(static_cast<double>(node.amount) / of.amount)
                           : std::string("-");
    };
    absl::StrAppend(&out, " = ", share(parent), " of ", parent.node.id, "'s ",
                    FormatUnits(parent.amount), ", ", share(root), " of ", root.node.id, "'s ",
                    FormatUnits(root.amount));
  }
  absl::StrAppend(&out, "\n", HowText(a, i));
  absl::StrAppend(&out, "weight: ", Number(node.weight), " = ",
                  FormatPercent(node.weight_share_of_root), " of ", root.node.id);
  if (node.parent >= 0) {
    absl::StrAppend(&out, ", ", FormatPercent(node.weight_share_of_parent), " of ",
                    a.nodes[node.parent].node.id);
  }
  absl::StrAppend(&out, node.children.empty() ? "" : " (its customers' weights summed)",
                  "; per factor: effective weight × value / total = contribution\n");
  for (int f = 0; f < kFactorCount; ++f) {
    const Factor factor = kAllFactors[f];
    absl::StrAppend(&out,
                    absl::StrFormat("  %-16s weight %-6s effective %-9s %s × %s / %s = %s\n",
                                    FactorName(factor), Number(WeightOf(a.method.weights, factor)),
                                    Number(a.effective_weights[f]), Number(a.effective_weights[f]),
                                    Number(node.parts[f].value), Number(a.totals[f]),
                                    Number(node.parts[f].contribution)));
  }
  for (int f = 0; f < kFactorCount; ++f) {
    if (a.totals[f] <= 0 && WeightOf(a.method.weights, kAllFactors[f]) > 0) {
      absl::StrAppend(&out, "  (", FactorName(kAllFactors[f]),
                      " is 0 for every customer: its weight is spread over the others)\n");
    }
  }
  if (node.children.empty()) {
    const CustomerFactors& f = node.node.factors;
    const DoctorClassPoints& p = a.method.doctor_points;
    absl::StrAppend(&out, "inputs: grade score ", Number(f.grade_score), "; doctors A ",
                    f.doctors_a, " B ", f.doctors_b, " C ", f.doctors_c, " at ", Number(p.a), "/",
                    Number(p.b), "/", Number(p.c), " points; prescriptions ",
                    Number(f.prescriptions), "; class market ", FormatUnits(f.market_size),
                    "; last year ", FormatUnits(f.last_year_sales), ", the year before ",
                    FormatUnits(f.sales_year_before), " (growth index ",
                    Number(node.parts[static_cast<int>(Factor::kGrowth)].value), ", at most ",
                    Number(a.method.growth_index_cap), ")\n");
  } else {
    absl::StrAppend(&out, "customers below: ", node.customers, "\n");
  }
  absl::StrAppend(&out, "sold so far this year: ", FormatUnits(node.sold_so_far), " units\n");
  return out;
}

}  // namespace pharmacrm::sales_pipeline::process
