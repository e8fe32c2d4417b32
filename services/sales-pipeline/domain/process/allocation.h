// Top-down allocation of a sales target (销售目标分解): a company target for
// one product and year is split nation → regions → areas → territories →
// customers (hospitals, and the pharmacies or distributors the product sells
// through), by weights over factors of each customer. Pure (no I/O) and
// thread-safe; amounts are whole units (packs, or fen for money), int64.
//
// Factors of a customer (CustomerFactors), each a value >= 0:
//   grade_score      the hospital's class/grade as a score given by the
//                    caller (e.g. 三级甲等 10, 二级甲等 6; pharmacies 0 or
//                    their own score).
//   doctor_mix       points of the target doctors there: doctors_a × a +
//                    doctors_b × b + doctors_c × c, the points per class
//                    from the method (default 3, 2, 1).
//   prescriptions    the customer's prescriptions of the product (or class).
//   market_size      the same drug class's annual sales there, in units.
//   last_year_sales  last year's sales of the product there, in units.
//   growth           a growth index: last_year_sales / sales_year_before,
//                    at most the method's growth_index_cap (3: tripling or
//                    more counts the same); 1 (flat) when sales_year_before
//                    is 0 and last_year_sales is 0 too; the cap when only
//                    last year had sales (a new customer). So a customer
//                    whose sales fell by a quarter has 0.75, one that grew
//                    by a quarter 1.25; the index is never negative.
//
// Weights. The method gives each factor a weight >= 0, the six summing to
// 1 (within 1e-9). A customer's weight is
//     Σ_factor  weight_f × value_f / total_f
// where total_f is the factor's sum over all customers of the tree: the
// customer's share of the whole by that factor, weighted. A factor whose
// total is 0 (nobody has a value) contributes nothing, and its weight is
// spread over the other factors in proportion to theirs: each used factor's
// effective weight is weight_f / Σ weights of the factors with a total
// above 0. The customers' weights then sum to 1; an interior node's weight
// is the sum of its customers' weights (its share of the nation).
//
// Split. A node's amount is split among its children in proportion to their
// weights, exactly (the children sum to the parent), by the largest
// remainder: each child first gets the whole part of its exact share
// amount × weight / Σ children's weights, then the units left over (fewer
// than the children) go one each to the children with the largest
// fractional parts, equal fractional parts by the lower node id (byte
// order). When all children weigh 0 they share evenly by the same rounding
// (10 over three: 4, 3, 3, the 4 to the lowest id). Children are split
// independently at each level, so a customer's amount follows from its
// parent's, not straight from the nation's.
//
// Worked example (the test AllocationHand.FiveHospitalsByHand and
// docs/SALES_PROCESS.md): weights grade_score 0.1, doctor_mix 0.1,
// market_size 0.2, last_year_sales 0.5, growth 0.1 (prescriptions 0);
// totals over the five hospitals: grade 40, doctor points 50, market
// 10,000,000, last year 100,000, growth indexes 5.
//   H1 grade 10, points 10, market 2,000,000, last year 25,000 (20,000 the
//   year before: index 1.25) → 0.1×10/40 + 0.1×10/50 + 0.2×0.2 + 0.5×0.25
//   + 0.1×1.25/5 = 0.025 + 0.02 + 0.04 + 0.125 + 0.025 = 0.235;
//   likewise H2 0.09, H3 0.306, H4 0.25, H5 0.119.
//   Nation 1,000,000 → R1 (H1, H2: 0.325) 325,000 and R2 (H3-H5: 0.675)
//   675,000; R1 → A1 → T1 325,000 → H1 325,000 × 0.235/0.325 = 235,000,
//   H2 90,000; R2 → A2 675,000 → T2 (H3) 306,000, T3 (H4, H5) 369,000 →
//   H4 250,000, H5 119,000.
//   A manager sets T2 to 316,000: its only sibling T3 absorbs −10,000 →
//   359,000, split again: H4 359,000 × 0.25/0.369 = 243,224.93, H5
//   115,775.07 → whole parts 243,224 + 115,775 = 358,999, the 1 left over
//   to H4 (.93 > .07): H4 243,225, H5 115,775. A2 and R2 stay 675,000.
//
// Adjustment (Adjust): a manager sets node N to X. N's siblings absorb the
// difference X − N's amount in proportion to their weights (the difference
// split exactly as above; evenly if they all weigh 0), so the parent's
// amount does not change; then N's subtree and each changed sibling's are
// split again. Locked siblings (set by an earlier adjustment) keep their
// amounts and the unlocked absorb; with none to absorb it is an error. A
// sibling that would go below 0 is an error. A re-split keeps locked nodes
// in the subtree at their amounts too and splits the rest by weight. N is
// locked afterwards unless the adjustment says not to. Adjusting the root
// changes the company target and splits everything again. With
// forbid_below_sold, a node whose amount would drop below what its
// customers have sold this year (sold_so_far summed) is an error.
//
// Phasing (PhaseMonthly, PhaseNode): an annual amount is split into 12
// months in proportion to last year's monthly sales of the node (its
// customers' months summed), by the same exact rounding (ties to the
// earlier month); with no history (all 0), evenly: 12,000 → 1,000 a month.
// Each node is phased on its own, so a parent's months are not the sum of
// its children's months (their years are).
//
// Headroom (Headroom): per customer, the class market (demand), last year,
// growth, the target, and headroom = market_size − target: the class sales
// the target does not yet claim (negative when the target exceeds the
// class's whole market there), plus to_go = target − sold_so_far.
//
// Errors are absl::Status naming the field (core::FieldError): tree errors
// name nodes[i].<field> and the node's id in the message.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_ALLOCATION_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_ALLOCATION_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"

namespace pharmacrm::sales_pipeline::process {

// Amounts (targets, sales, market sizes) are at most 10^15 units.
inline constexpr int64_t kMaxUnits = 1'000'000'000'000'000;
// Weights must sum to 1 within this.
inline constexpr double kWeightSumTolerance = 1e-9;
inline constexpr int kMonths = 12;

enum class Level { kNation = 0, kRegion = 1, kArea = 2, kTerritory = 3, kCustomer = 4 };

// "nation", "region", "area", "territory", "customer".
absl::string_view LevelName(Level level);

enum class Factor {
  kGradeScore = 0,
  kDoctorMix = 1,
  kPrescriptions = 2,
  kMarketSize = 3,
  kLastYearSales = 4,
  kGrowth = 5,
};
inline constexpr int kFactorCount = 6;
inline constexpr std::array<Factor, kFactorCount> kAllFactors = {
    Factor::kGradeScore, Factor::kDoctorMix,     Factor::kPrescriptions,
    Factor::kMarketSize, Factor::kLastYearSales, Factor::kGrowth};

// "grade_score", "doctor_mix", "prescriptions", "market_size",
// "last_year_sales", "growth": also the field names of FactorWeights.
absl::string_view FactorName(Factor factor);

// One weight >= 0 per factor; the six sum to 1.
struct FactorWeights {
  double grade_score = 0;
  double doctor_mix = 0;
  double prescriptions = 0;
  double market_size = 0;
  double last_year_sales = 0;
  double growth = 0;
};
double WeightOf(const FactorWeights& weights, Factor factor);

// Points of one target doctor of each class, for doctor_mix.
struct DoctorClassPoints {
  double a = 3;
  double b = 2;
  double c = 1;
};

struct AllocationMethod {
  FactorWeights weights;
  DoctorClassPoints doctor_points;
  double growth_index_cap = 3;  // finite, >= 1
};

// A customer's inputs for one product (see the factors above).
struct CustomerFactors {
  double grade_score = 0;
  int64_t doctors_a = 0;
  int64_t doctors_b = 0;
  int64_t doctors_c = 0;
  double prescriptions = 0;
  int64_t market_size = 0;        // units
  int64_t last_year_sales = 0;    // units
  int64_t sales_year_before = 0;  // units, for growth
};

// A node of the sales organisation. The tree: exactly one node without
// parent_id (the root, usually the nation), every other naming an existing
// parent at a shallower level (levels may be skipped: a territory right
// under a region is fine), no cycles, unique non-empty ids. Customers are
// the leaves: every interior node must have at least one customer below it
// (an empty territory is an error, so every unit ends at a customer).
// factors, sold_so_far and last_year_by_month are read for customers only
// and ignored elsewhere.
struct Node {
  std::string id;
  std::string parent_id;  // empty for the root
  Level level = Level::kCustomer;
  std::string name;
  CustomerFactors factors;
  int64_t sold_so_far = 0;                            // units sold this year so far
  std::array<int64_t, kMonths> last_year_by_month{};  // units, January first
};

// The company's target: `amount` when set, else last year's total ×
// (1 + expected_growth) rounded to the nearest unit (halves up), where last
// year's total is last_year_total when set, else the customers'
// last_year_sales summed. expected_growth is finite, from -1 to 1000, and
// read to 6 decimals (0.125 = 12.5 %), so the product is computed exactly
// in integers: 100,000 × 1.12 = 112,000, 5 × 1.3 = 6.5 → 7.
struct CompanyTarget {
  std::string product_id;
  int year = 0;
  std::optional<int64_t> amount;
  double expected_growth = 0;
  std::optional<int64_t> last_year_total;
};

// How a node's amount came about (the last change that touched it).
enum class AmountBasis {
  kWeight,      // its parent's amount split by weight
  kEvenSplit,   // split evenly: it and its unlocked siblings all weigh 0
  kManual,      // set by a manager (Adjust), or the company target
  kRebalanced,  // absorbed a sibling's adjustment (rebalance_delta)
};
absl::string_view AmountBasisName(AmountBasis basis);

// A factor's part in a node's weight. For a customer, value is its factor
// value; for an interior node, the sum over its customers (for growth, the
// sum of their indexes). contribution = effective weight × value / total.
struct FactorPart {
  double value = 0;
  double contribution = 0;
};

// One node of an allocation with its explanation.
struct NodeAllocation {
  Node node;                  // as given
  int parent = -1;            // index in Allocation::nodes, -1 for the root
  std::vector<int> children;  // indexes, in id order
  int64_t amount = 0;         // units
  bool locked = false;        // kept by sibling rebalancing and re-splits
  AmountBasis basis = AmountBasis::kWeight;
  int64_t rebalance_delta = 0;  // with kRebalanced: what it gained (< 0: lost)
  // Σ parts' contributions; for an interior node Σ its customers' weights.
  double weight = 0;
  std::array<FactorPart, kFactorCount> parts{};
  double weight_share_of_parent = 0;                  // weight / parent's weight (0 if it is 0)
  double weight_share_of_root = 0;                    // weight / root's weight (0 if it is 0)
  int64_t sold_so_far = 0;                            // of its customers, summed
  std::array<int64_t, kMonths> last_year_by_month{};  // of its customers, summed
  int customers = 0;                                  // customers at or below it
};

struct Allocation {
  CompanyTarget target;                       // as given (amount set by a root adjustment)
  AllocationMethod method;                    // as given
  int64_t last_year_total = 0;                // what the target's growth applied to
  int64_t company_target = 0;                 // the root's amount
  std::array<double, kFactorCount> totals{};  // per factor
  std::array<double, kFactorCount> effective_weights{};  // after spreading
  // Preorder from the root (index 0), children in id order.
  std::vector<NodeAllocation> nodes;
};

// Validates the method, the tree and the target, and allocates. Errors
// (INVALID_ARGUMENT): weights.<factor> (< 0 or not finite), weights (not
// summing to 1), doctor_points.<a|b|c>, growth_index_cap; nodes (empty);
// nodes[i].id (empty, duplicate), nodes[i].level (no such level, or not
// deeper than the parent's), nodes[i].parent_id (unknown parent, a second
// root, a cycle, a customer as parent), nodes[i] (an interior node without
// customers), nodes[i].factors.<field>, nodes[i].sold_so_far,
// nodes[i].last_year_by_month[m] (not finite, < 0 or > kMaxUnits);
// target.amount, target.expected_growth, target.last_year_total.
absl::StatusOr<Allocation> Allocate(const std::vector<Node>& nodes, const AllocationMethod& method,
                                    const CompanyTarget& target);

struct Adjustment {
  std::string node_id;
  int64_t amount = 0;             // the node's new amount, 0..kMaxUnits
  bool lock = true;               // lock the node afterwards
  bool forbid_below_sold = true;  // no node may drop below its sold_so_far
};

// The allocation after a manager's adjustment (see the top). The input is
// not changed; keeping versions is the caller's. Errors: NOT_FOUND
// adjustment.node_id (unknown node); INVALID_ARGUMENT adjustment.amount
// (< 0 or > kMaxUnits); FAILED_PRECONDITION adjustment.node_id (no
// unlocked sibling to absorb a change, or the node is an only child: adjust
// its parent), adjustment.amount (a sibling would go below 0, locked
// children need more than their parent gets, or with forbid_below_sold a
// node would drop below its sold_so_far; the message names the node).
absl::StatusOr<Allocation> Adjust(const Allocation& allocation, const Adjustment& adjustment);

// The index of node `id` in allocation.nodes, or -1.
int FindNode(const Allocation& allocation, absl::string_view id);

// `amount` (>= 0) split by `weights` (finite, >= 0) exactly, by the
// largest remainder, ties to the lower index; evenly when all weigh 0.
// Errors: amount, weights[i].
absl::StatusOr<std::vector<int64_t>> SplitByWeights(int64_t amount,
                                                    absl::Span<const double> weights);

// 12 months of `annual` (0..kMaxUnits) by last year's monthly sales
// (each 0..kMaxUnits; all 0: evenly), exactly, ties to the earlier month.
// Errors: annual, last_year_by_month[m].
absl::StatusOr<std::array<int64_t, kMonths>> PhaseMonthly(
    int64_t annual, const std::array<int64_t, kMonths>& last_year_by_month);

// The months of node `node_id`'s amount by its customers' months summed.
// NOT_FOUND node_id.
absl::StatusOr<std::array<int64_t, kMonths>> PhaseNode(const Allocation& allocation,
                                                       absl::string_view node_id);

// What a rep sees for one customer.
struct CustomerHeadroom {
  std::string customer_id;
  std::string name;
  int64_t market_size = 0;  // the class's annual sales there (demand)
  int64_t last_year_sales = 0;
  int64_t sales_year_before = 0;
  std::optional<double> growth;  // last / before − 1; none when before is 0
  int64_t target = 0;            // the customer's amount
  int64_t sold_so_far = 0;
  int64_t headroom = 0;               // market_size − target
  int64_t to_go = 0;                  // target − sold_so_far (< 0: beyond target)
  double target_share_of_market = 0;  // target / market_size; 0 if no market
};

// The customers at or below node `node_id` (a rep's territory, or a single
// customer), largest headroom first, then by id. NOT_FOUND node_id.
absl::StatusOr<std::vector<CustomerHeadroom>> Headroom(const Allocation& allocation,
                                                       absl::string_view node_id);

// A node's explanation as text for a sales manager to check by hand: the
// amount and its share of the parent and of the root, how it was split
// (by weight, evenly, manual, rebalanced), the weight and per factor the
// value, total, effective weight and contribution, and for a customer its
// inputs. NOT_FOUND node_id.
absl::StatusOr<std::string> Explain(const Allocation& allocation, absl::string_view node_id);

}  // namespace pharmacrm::sales_pipeline::process

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_ALLOCATION_H_
