// Allocate and Adjust: the tree's validation, the weights and the split.
// Phasing, headroom and the explanation text are in allocation_views.cc.
#include "domain/process/allocation.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_join.h"
#include "domain/process/allocation_format.h"
#include "domain/process/largest_remainder.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::process {
namespace {

// expected_growth is read to this many parts (6 decimals: 0.123456).
constexpr int64_t kGrowthScale = 1'000'000;
constexpr double kMaxExpectedGrowth = 1000;

std::string NodeField(int i, absl::string_view field) {
  return absl::StrCat("nodes[", i, "]", field.empty() ? "" : ".", field);
}

// "territory T9"
std::string Named(const Node& node) { return absl::StrCat(LevelName(node.level), " ", node.id); }

bool NumberOk(double value) {
  return std::isfinite(value) && value >= 0 && value <= static_cast<double>(kMaxUnits);
}

bool UnitsOk(int64_t value) { return value >= 0 && value <= kMaxUnits; }

absl::Status BadNumber(double value, absl::string_view field, absl::string_view owner) {
  return core::FieldError(field,
                          absl::StrCat(owner, "must be a finite number from 0 to 10^15, not ",
                                       absl::StrFormat("%g", value)));
}

absl::Status BadUnits(int64_t value, absl::string_view field, absl::string_view owner) {
  return core::FieldError(field, absl::StrCat(owner, "must be from 0 to 10^15 units, not ", value));
}

absl::Status CheckUnits(int64_t value, absl::string_view field, absl::string_view owner) {
  return UnitsOk(value) ? absl::OkStatus() : BadUnits(value, field, owner);
}

absl::Status ValidateMethod(const AllocationMethod& method) {
  double sum = 0;
  for (Factor factor : kAllFactors) {
    const double weight = WeightOf(method.weights, factor);
    if (!std::isfinite(weight) || weight < 0) {
      return core::FieldError(
          absl::StrCat("weights.", FactorName(factor)),
          absl::StrFormat("a weight must be a finite number >= 0, not %g", weight));
    }
    sum += weight;
  }
  if (std::abs(sum - 1) > kWeightSumTolerance) {
    return core::FieldError("weights", absl::StrFormat("the weights sum to %.12g, not 1", sum));
  }
  const std::pair<const char*, double> points[] = {{"doctor_points.a", method.doctor_points.a},
                                                   {"doctor_points.b", method.doctor_points.b},
                                                   {"doctor_points.c", method.doctor_points.c}};
  for (const auto& [field, value] : points) {
    if (!std::isfinite(value) || value < 0 || value > 1e6) {
      return core::FieldError(
          field, absl::StrFormat("must be a finite number from 0 to 10^6, not %g", value));
    }
  }
  if (!std::isfinite(method.growth_index_cap) || method.growth_index_cap < 1 ||
      method.growth_index_cap > 1e6) {
    return core::FieldError(
        "growth_index_cap",
        absl::StrFormat("must be a finite number from 1 to 10^6, not %g", method.growth_index_cap));
  }
  return absl::OkStatus();
}

// Field names are built only for an error: this runs for every customer.
absl::Status ValidateCustomer(const Node& node, int i) {
  const CustomerFactors& f = node.factors;
  const auto owner = [&] { return absl::StrCat("customer ", node.id, ": "); };
  const std::pair<const char*, double> numbers[] = {{"factors.grade_score", f.grade_score},
                                                    {"factors.prescriptions", f.prescriptions}};
  for (const auto& [field, value] : numbers) {
    if (!NumberOk(value)) return BadNumber(value, NodeField(i, field), owner());
  }
  const std::pair<const char*, int64_t> units[] = {
      {"factors.doctors_a", f.doctors_a},
      {"factors.doctors_b", f.doctors_b},
      {"factors.doctors_c", f.doctors_c},
      {"factors.market_size", f.market_size},
      {"factors.last_year_sales", f.last_year_sales},
      {"factors.sales_year_before", f.sales_year_before},
      {"sold_so_far", node.sold_so_far}};
  for (const auto& [field, value] : units) {
    if (!UnitsOk(value)) return BadUnits(value, NodeField(i, field), owner());
  }
  for (int m = 0; m < kMonths; ++m) {
    const int64_t value = node.last_year_by_month[m];
    if (!UnitsOk(value)) {
      return BadUnits(value, NodeField(i, absl::StrCat("last_year_by_month[", m, "]")), owner());
    }
  }
  return absl::OkStatus();
}

// "A → B → A" from `start`, a node whose parents lead round to it.
std::string CycleText(const std::vector<Node>& nodes, const std::vector<int>& parent, int start) {
  std::vector<std::string> ids = {nodes[start].id};
  for (int i = parent[start]; i != start && ids.size() <= nodes.size(); i = parent[i]) {
    ids.push_back(nodes[i].id);
  }
  ids.push_back(nodes[start].id);
  return absl::StrJoin(ids, " → ");
}

// Walks up from `from` (every node has a parent) until a node repeats: that
// node is on a cycle.
int NodeOnCycle(const std::vector<int>& parent, int from) {
  std::vector<bool> seen(parent.size(), false);
  int i = from;
  while (!seen[i]) {
    seen[i] = true;
    i = parent[i];
  }
  return i;
}

absl::Status CycleError(const std::vector<Node>& nodes, const std::vector<int>& parent, int from,
                        absl::string_view preamble) {
  const int on_cycle = NodeOnCycle(parent, from);
  return core::FieldError(
      NodeField(on_cycle, "parent_id"),
      absl::StrCat(preamble, "node ", nodes[on_cycle].id,
                   " is in a cycle of parents: ", CycleText(nodes, parent, on_cycle)));
}

// Checks the tree's shape and lays it out in preorder (children in id
// order) as the allocation's nodes, without amounts or weights.
absl::Status BuildTree(const std::vector<Node>& nodes, Allocation& out) {
  const int n = static_cast<int>(nodes.size());
  if (n == 0) return core::FieldError("nodes", "the tree needs at least its root");
  absl::flat_hash_map<absl::string_view, int> index;
  index.reserve(n);
  for (int i = 0; i < n; ++i) {
    const Node& node = nodes[i];
    if (node.id.empty()) return core::FieldError(NodeField(i, "id"), "must be set");
    const auto [it, inserted] = index.emplace(node.id, i);
    if (!inserted) {
      return core::FieldError(NodeField(i, "id"), absl::StrCat("duplicate id ", node.id, " (nodes[",
                                                               it->second, "] has it too)"));
    }
    const int level = static_cast<int>(node.level);
    if (level < static_cast<int>(Level::kNation) || level > static_cast<int>(Level::kCustomer)) {
      return core::FieldError(NodeField(i, "level"),
                              absl::StrCat("node ", node.id, " has no such level ", level));
    }
  }
  std::vector<int> parent(n, -1);
  std::vector<int> roots;
  for (int i = 0; i < n; ++i) {
    const Node& node = nodes[i];
    if (node.parent_id.empty()) {
      roots.push_back(i);
      continue;
    }
    const auto it = index.find(node.parent_id);
    if (it == index.end()) {
      return core::FieldError(NodeField(i, "parent_id"),
                              absl::StrCat("node ", node.id, " names parent ", node.parent_id,
                                           ", which is not in the tree"));
    }
    parent[i] = it->second;
  }
  if (roots.size() > 1) {
    return core::FieldError(
        NodeField(roots[1], "parent_id"),
        absl::StrCat("node ", nodes[roots[1]].id, " has no parent_id, nor has ", nodes[roots[0]].id,
                     " (nodes[", roots[0], "]): a tree has one root"));
  }
  if (roots.empty()) return CycleError(nodes, parent, 0, "no node is without a parent (a root); ");
  std::vector<std::vector<int>> children(n);
  for (int i = 0; i < n; ++i) {
    if (parent[i] >= 0) children[parent[i]].push_back(i);
  }
  for (std::vector<int>& list : children) {
    std::sort(list.begin(), list.end(), [&](int a, int b) { return nodes[a].id < nodes[b].id; });
  }
  // Preorder from the root; what it does not reach hangs on a cycle.
  std::vector<int> order;
  order.reserve(n);
  std::vector<int> stack = {roots[0]};
  while (!stack.empty()) {
    const int i = stack.back();
    stack.pop_back();
    order.push_back(i);
    for (auto it = children[i].rbegin(); it != children[i].rend(); ++it) stack.push_back(*it);
  }
  if (static_cast<int>(order.size()) < n) {
    std::vector<bool> reached(n, false);
    for (int i : order) reached[i] = true;
    const int from =
        static_cast<int>(std::find(reached.begin(), reached.end(), false) - reached.begin());
    return CycleError(nodes, parent, from, "");
  }
  for (int i = 0; i < n; ++i) {
    const Node& node = nodes[i];
    if (parent[i] >= 0) {
      const Node& up = nodes[parent[i]];
      if (up.level == Level::kCustomer) {
        return core::FieldError(NodeField(i, "parent_id"),
                                absl::StrCat("node ", node.id, " is under ", Named(up),
                                             "; customers have no nodes below them"));
      }
      if (node.level <= up.level) {
        return core::FieldError(NodeField(i, "level"),
                                absl::StrCat(Named(node), " is under ", Named(up),
                                             "; a node must be at a deeper level than its parent"));
      }
    }
    if (children[i].empty() && node.level != Level::kCustomer) {
      return core::FieldError(NodeField(i, ""),
                              absl::StrCat(Named(node),
                                           " has no customers below it; every branch must end at "
                                           "customers (add them, or leave the node out)"));
    }
    if (node.level == Level::kCustomer) RETURN_IF_ERROR(ValidateCustomer(node, i));
  }
  std::vector<int> position(n);
  for (int k = 0; k < n; ++k) position[order[k]] = k;
  out.nodes.resize(n);
  for (int k = 0; k < n; ++k) {
    const int i = order[k];
    NodeAllocation& node = out.nodes[k];
    node.node = nodes[i];
    node.parent = parent[i] >= 0 ? position[parent[i]] : -1;
    node.children.reserve(children[i].size());
    for (int c : children[i]) node.children.push_back(position[c]);
  }
  return absl::OkStatus();
}

std::array<double, kFactorCount> FactorValues(const CustomerFactors& f,
                                              const AllocationMethod& method) {
  const DoctorClassPoints& points = method.doctor_points;
  double growth = 1;
  if (f.sales_year_before > 0) {
    growth = std::min(static_cast<double>(f.last_year_sales) / f.sales_year_before,
                      method.growth_index_cap);
  } else if (f.last_year_sales > 0) {
    growth = method.growth_index_cap;
  }
  std::array<double, kFactorCount> values{};
  values[static_cast<int>(Factor::kGradeScore)] = f.grade_score;
  values[static_cast<int>(Factor::kDoctorMix)] =
      points.a * f.doctors_a + points.b * f.doctors_b + points.c * f.doctors_c;
  values[static_cast<int>(Factor::kPrescriptions)] = f.prescriptions;
  values[static_cast<int>(Factor::kMarketSize)] = static_cast<double>(f.market_size);
  values[static_cast<int>(Factor::kLastYearSales)] = static_cast<double>(f.last_year_sales);
  values[static_cast<int>(Factor::kGrowth)] = growth;
  return values;
}

// Factor values, totals, effective weights, each customer's parts and
// weight, and the sums up the tree (weights, parts, sold, months, count).
void ComputeWeights(Allocation& a) {
  const int n = static_cast<int>(a.nodes.size());
  std::vector<std::array<double, kFactorCount>> values(n);
  a.totals = {};
  for (int i = 0; i < n; ++i) {
    if (!a.nodes[i].children.empty()) continue;
    values[i] = FactorValues(a.nodes[i].node.factors, a.method);
    for (int f = 0; f < kFactorCount; ++f) a.totals[f] += values[i][f];
  }
  double used = 0;
  for (int f = 0; f < kFactorCount; ++f) {
    if (a.totals[f] > 0) used += WeightOf(a.method.weights, kAllFactors[f]);
  }
  for (int f = 0; f < kFactorCount; ++f) {
    a.effective_weights[f] =
        a.totals[f] > 0 && used > 0 ? WeightOf(a.method.weights, kAllFactors[f]) / used : 0;
  }
  for (int i = n - 1; i >= 0; --i) {
    NodeAllocation& node = a.nodes[i];
    if (node.children.empty()) {
      node.weight = 0;
      for (int f = 0; f < kFactorCount; ++f) {
        node.parts[f].value = values[i][f];
        node.parts[f].contribution =
            a.totals[f] > 0 ? a.effective_weights[f] * values[i][f] / a.totals[f] : 0;
        node.weight += node.parts[f].contribution;
      }
      node.sold_so_far = node.node.sold_so_far;
      node.last_year_by_month = node.node.last_year_by_month;
      node.customers = 1;
    }
    if (node.parent < 0) continue;
    NodeAllocation& up = a.nodes[node.parent];
    up.weight += node.weight;
    for (int f = 0; f < kFactorCount; ++f) {
      up.parts[f].value += node.parts[f].value;
      up.parts[f].contribution += node.parts[f].contribution;
    }
    up.sold_so_far += node.sold_so_far;
    for (int m = 0; m < kMonths; ++m) up.last_year_by_month[m] += node.last_year_by_month[m];
    up.customers += node.customers;
  }
  const double root_weight = a.nodes[0].weight;
  for (NodeAllocation& node : a.nodes) {
    const double parent_weight = node.parent < 0 ? node.weight : a.nodes[node.parent].weight;
    node.weight_share_of_parent = parent_weight > 0 ? node.weight / parent_weight : 0;
    node.weight_share_of_root = root_weight > 0 ? node.weight / root_weight : 0;
  }
}

absl::StatusOr<int64_t> CompanyTargetOf(const Allocation& a) {
  const CompanyTarget& target = a.target;
  if (target.amount.has_value()) {
    RETURN_IF_ERROR(CheckUnits(*target.amount, "target.amount", ""));
    return *target.amount;
  }
  if (!std::isfinite(target.expected_growth) || target.expected_growth < -1 ||
      target.expected_growth > kMaxExpectedGrowth) {
    return core::FieldError(
        "target.expected_growth",
        absl::StrFormat("must be a finite number from -1 to 1000, not %g", target.expected_growth));
  }
  const __int128 growth_parts = std::llround(target.expected_growth * kGrowthScale);
  const __int128 total = a.last_year_total;
  const __int128 scaled = total * (kGrowthScale + growth_parts);
  const __int128 rounded = (scaled + kGrowthScale / 2) / kGrowthScale;  // halves up
  if (rounded > kMaxUnits) {
    return core::FieldError(
        "target.expected_growth",
        absl::StrCat("last year's ", FormatUnits(a.last_year_total), " units grown by ",
                     absl::StrFormat("%g", target.expected_growth), " exceed 10^15 units"));
  }
  return static_cast<int64_t>(rounded);
}

absl::StatusOr<int64_t> LastYearTotal(const Allocation& a) {
  if (a.target.last_year_total.has_value()) {
    RETURN_IF_ERROR(CheckUnits(*a.target.last_year_total, "target.last_year_total", ""));
    return *a.target.last_year_total;
  }
  int64_t total = 0;
  for (const NodeAllocation& node : a.nodes) {
    if (!node.children.empty()) continue;
    total += node.node.factors.last_year_sales;  // each <= 10^15: no overflow
    if (total > kMaxUnits) {
      return core::FieldError("target.last_year_total",
                              "the customers' last_year_sales sum to more than 10^15 units");
    }
  }
  return total;
}

// "T2 316,000, T3 359,000" (the first few).
std::string ListAmounts(const Allocation& a, const std::vector<int>& indexes) {
  constexpr size_t kShown = 5;
  std::vector<std::string> parts;
  for (size_t k = 0; k < indexes.size() && k < kShown; ++k) {
    const NodeAllocation& node = a.nodes[indexes[k]];
    parts.push_back(absl::StrCat(node.node.id, " ", FormatUnits(node.amount)));
  }
  if (indexes.size() > kShown) {
    parts.push_back(absl::StrCat("and ", indexes.size() - kShown, " more"));
  }
  return absl::StrJoin(parts, ", ");
}

// Splits node p's amount among its children: locked children keep theirs,
// the others share the rest by weight (evenly if they all weigh 0). Appends
// the children whose amount changed to `changed` when given.
absl::Status SplitChildren(Allocation& a, int p, std::vector<int>* changed) {
  const NodeAllocation& parent = a.nodes[p];
  std::vector<int> locked;
  std::vector<int> open;
  int64_t locked_sum = 0;
  for (int c : parent.children) {
    if (a.nodes[c].locked) {
      locked.push_back(c);
      locked_sum += a.nodes[c].amount;
    } else {
      open.push_back(c);
    }
  }
  const int64_t rest = parent.amount - locked_sum;
  if (rest < 0) {
    return core::FieldStatus(
        absl::StatusCode::kFailedPrecondition, "adjustment.amount",
        absl::StrCat("the locked children of ", Named(parent.node), " (", ListAmounts(a, locked),
                     ") hold ", FormatUnits(locked_sum), " units, more than its ",
                     FormatUnits(parent.amount), "; unlock or adjust them first"));
  }
  if (open.empty()) {
    if (rest == 0) return absl::OkStatus();
    return core::FieldStatus(
        absl::StatusCode::kFailedPrecondition, "adjustment.amount",
        absl::StrCat("every child of ", Named(parent.node), " is locked (", ListAmounts(a, locked),
                     ": ", FormatUnits(locked_sum), " units in all) and cannot take its ",
                     FormatUnits(parent.amount), "; unlock one first"));
  }
  std::vector<double> weights;
  weights.reserve(open.size());
  double weight_sum = 0;
  for (int c : open) {
    weights.push_back(a.nodes[c].weight);
    weight_sum += a.nodes[c].weight;
  }
  std::vector<int64_t> amounts(open.size());
  SplitLargestRemainder(rest, weights, absl::MakeSpan(amounts));
  for (size_t k = 0; k < open.size(); ++k) {
    NodeAllocation& child = a.nodes[open[k]];
    if (changed != nullptr && child.amount != amounts[k]) changed->push_back(open[k]);
    child.amount = amounts[k];
    child.basis = weight_sum > 0 ? AmountBasis::kWeight : AmountBasis::kEvenSplit;
    child.rebalance_delta = 0;
  }
  return absl::OkStatus();
}

// Splits node p again and, below it, every child whose amount changed.
absl::Status Resplit(Allocation& a, int p) {
  if (a.nodes[p].children.empty()) return absl::OkStatus();  // a customer
  std::vector<int> changed;
  RETURN_IF_ERROR(SplitChildren(a, p, &changed));
  for (int c : changed) RETURN_IF_ERROR(Resplit(a, c));
  return absl::OkStatus();
}

// Node n's siblings absorb `delta` (n gains delta; they lose it together).
// Returns the siblings whose amounts changed.
absl::StatusOr<std::vector<int>> Rebalance(Allocation& a, int n, int64_t delta) {
  const NodeAllocation& node = a.nodes[n];
  const NodeAllocation& parent = a.nodes[node.parent];
  std::vector<int> open;
  std::vector<int> locked;
  for (int c : parent.children) {
    if (c == n) continue;
    (a.nodes[c].locked ? locked : open).push_back(c);
  }
  if (open.empty()) {
    const std::string why =
        locked.empty() ? absl::StrCat(Named(node.node), " is the only child of ",
                                      Named(parent.node), ": adjust ", parent.node.id, " instead")
                       : absl::StrCat("every sibling of ", Named(node.node), " under ",
                                      parent.node.id, " is locked (", ListAmounts(a, locked),
                                      "), so none can absorb the change; unlock one first");
    return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "adjustment.node_id", why);
  }
  std::vector<double> weights;
  weights.reserve(open.size());
  for (int c : open) weights.push_back(a.nodes[c].weight);
  std::vector<int64_t> shares(open.size());
  SplitLargestRemainder(delta < 0 ? -delta : delta, weights, absl::MakeSpan(shares));
  std::vector<int> changed;
  for (size_t k = 0; k < open.size(); ++k) {
    NodeAllocation& sibling = a.nodes[open[k]];
    const int64_t change = delta > 0 ? -shares[k] : shares[k];
    if (sibling.amount + change < 0) {
      return core::FieldStatus(
          absl::StatusCode::kFailedPrecondition, "adjustment.amount",
          absl::StrCat(Named(sibling.node), " would have to give up ", FormatUnits(-change),
                       " units of its ", FormatUnits(sibling.amount), " to absorb ", node.node.id,
                       "'s change of +", FormatUnits(delta)));
    }
    if (change == 0) continue;
    sibling.amount += change;
    sibling.basis = AmountBasis::kRebalanced;
    sibling.rebalance_delta = change;
    changed.push_back(open[k]);
  }
  return changed;
}

}  // namespace

absl::StatusOr<Allocation> Allocate(const std::vector<Node>& nodes, const AllocationMethod& method,
                                    const CompanyTarget& target) {
  RETURN_IF_ERROR(ValidateMethod(method));
  Allocation a;
  a.target = target;
  a.method = method;
  RETURN_IF_ERROR(BuildTree(nodes, a));
  ComputeWeights(a);
  ASSIGN_OR_RETURN(a.last_year_total, LastYearTotal(a));
  ASSIGN_OR_RETURN(a.company_target, CompanyTargetOf(a));
  NodeAllocation& root = a.nodes[0];
  root.amount = a.company_target;
  root.basis = AmountBasis::kManual;
  for (int i = 0; i < static_cast<int>(a.nodes.size()); ++i) {
    if (!a.nodes[i].children.empty()) RETURN_IF_ERROR(SplitChildren(a, i, nullptr));
  }
  return a;
}

int FindNode(const Allocation& allocation, absl::string_view id) {
  for (int i = 0; i < static_cast<int>(allocation.nodes.size()); ++i) {
    if (allocation.nodes[i].node.id == id) return i;
  }
  return -1;
}

absl::StatusOr<Allocation> Adjust(const Allocation& allocation, const Adjustment& adjustment) {
  const int n = FindNode(allocation, adjustment.node_id);
  if (n < 0) {
    return core::FieldStatus(absl::StatusCode::kNotFound, "adjustment.node_id",
                             absl::StrCat("no node ", adjustment.node_id, " in the allocation"));
  }
  RETURN_IF_ERROR(CheckUnits(adjustment.amount, "adjustment.amount", ""));
  Allocation out = allocation;
  const int64_t delta = adjustment.amount - out.nodes[n].amount;
  std::vector<int> resplit;
  if (out.nodes[n].parent < 0) {
    out.company_target = adjustment.amount;
    out.target.amount = adjustment.amount;
  } else if (delta != 0) {
    ASSIGN_OR_RETURN(resplit, Rebalance(out, n, delta));
  }
  NodeAllocation& node = out.nodes[n];
  node.amount = adjustment.amount;
  node.basis = AmountBasis::kManual;
  node.rebalance_delta = 0;
  if (adjustment.lock && node.parent >= 0) node.locked = true;
  if (delta != 0) resplit.push_back(n);
  for (int r : resplit) RETURN_IF_ERROR(Resplit(out, r));
  if (adjustment.forbid_below_sold) {
    for (size_t i = 0; i < out.nodes.size(); ++i) {
      const NodeAllocation& now = out.nodes[i];
      if (now.amount < allocation.nodes[i].amount && now.amount < now.sold_so_far) {
        return core::FieldStatus(
            absl::StatusCode::kFailedPrecondition, "adjustment.amount",
            absl::StrCat(Named(now.node), " would get ", FormatUnits(now.amount),
                         " units, below the ", FormatUnits(now.sold_so_far),
                         " its customers have already sold this year"));
      }
    }
  }
  return out;
}

absl::StatusOr<std::vector<int64_t>> SplitByWeights(int64_t amount,
                                                    absl::Span<const double> weights) {
  RETURN_IF_ERROR(CheckUnits(amount, "amount", ""));
  for (size_t i = 0; i < weights.size(); ++i) {
    if (!std::isfinite(weights[i]) || weights[i] < 0) {
      return core::FieldError(absl::StrCat("weights[", i, "]"),
                              absl::StrFormat("must be a finite number >= 0, not %g", weights[i]));
    }
  }
  if (weights.empty() && amount > 0) {
    return core::FieldError("weights", "an amount above 0 needs at least one part");
  }
  std::vector<int64_t> out(weights.size());
  SplitLargestRemainder(amount, weights, absl::MakeSpan(out));
  return out;
}

}  // namespace pharmacrm::sales_pipeline::process
