#include "domain/process/target_records.h"

#include <string>
#include <utility>

#include "absl/strings/str_cat.h"

namespace pharmacrm::sales_pipeline::process {

AllocationMethod MethodOf(const v1::TargetWeights& weights) {
  AllocationMethod method;
  method.weights.grade_score = weights.grade_score();
  method.weights.doctor_mix = weights.doctor_mix();
  method.weights.prescriptions = weights.prescriptions();
  method.weights.market_size = weights.market_size();
  method.weights.last_year_sales = weights.last_year_sales();
  method.weights.growth = weights.growth();
  return method;
}

v1::TargetRecord ToRecord(const Allocation& allocation) {
  v1::TargetRecord record;
  record.set_product_id(allocation.target.product_id);
  record.set_year(allocation.target.year);
  record.set_expected_growth(allocation.target.expected_growth);
  if (allocation.target.amount) record.set_amount(*allocation.target.amount);
  record.set_company_target(allocation.company_target);
  record.set_last_year_total(allocation.last_year_total);
  for (const NodeAllocation& n : allocation.nodes) {
    v1::TargetInputNode* in = record.add_inputs();
    in->set_id(n.node.id);
    in->set_parent_id(n.node.parent_id);
    in->set_level(static_cast<int>(n.node.level));
    in->set_name(n.node.name);
    const CustomerFactors& f = n.node.factors;
    in->set_grade_score(f.grade_score);
    in->set_doctors_a(f.doctors_a);
    in->set_doctors_b(f.doctors_b);
    in->set_doctors_c(f.doctors_c);
    in->set_prescriptions(f.prescriptions);
    in->set_market_size(f.market_size);
    in->set_last_year_sales(f.last_year_sales);
    in->set_sales_year_before(f.sales_year_before);
    in->set_sold_so_far(n.node.sold_so_far);
    for (int64_t m : n.node.last_year_by_month) in->add_last_year_by_month(m);
    v1::TargetNodeState* state = record.add_states();
    state->set_amount(n.amount);
    state->set_locked(n.locked);
    state->set_basis(static_cast<int>(n.basis));
    state->set_rebalance_delta(n.rebalance_delta);
  }
  return record;
}

absl::StatusOr<Allocation> Restore(const v1::TargetRecord& record) {
  std::vector<Node> nodes;
  nodes.reserve(static_cast<size_t>(record.inputs_size()));
  for (const v1::TargetInputNode& in : record.inputs()) {
    Node n;
    n.id = in.id();
    n.parent_id = in.parent_id();
    n.level = static_cast<Level>(in.level());
    n.name = in.name();
    n.factors.grade_score = in.grade_score();
    n.factors.doctors_a = in.doctors_a();
    n.factors.doctors_b = in.doctors_b();
    n.factors.doctors_c = in.doctors_c();
    n.factors.prescriptions = in.prescriptions();
    n.factors.market_size = in.market_size();
    n.factors.last_year_sales = in.last_year_sales();
    n.factors.sales_year_before = in.sales_year_before();
    n.sold_so_far = in.sold_so_far();
    for (int m = 0; m < kMonths && m < in.last_year_by_month_size(); ++m) {
      n.last_year_by_month[static_cast<size_t>(m)] = in.last_year_by_month(m);
    }
    nodes.push_back(std::move(n));
  }
  CompanyTarget target;
  target.product_id = record.product_id();
  target.year = record.year();
  target.expected_growth = record.expected_growth();
  target.amount = record.company_target();
  absl::StatusOr<Allocation> allocation = Allocate(nodes, MethodOf(record.weights()), target);
  if (!allocation.ok()) {
    return absl::DataLossError(
        absl::StrCat("stored target does not allocate again: ", allocation.status().message()));
  }
  if (static_cast<int>(allocation->nodes.size()) != record.states_size()) {
    return absl::DataLossError("stored target's states do not fit its nodes");
  }
  // The target as set (amount or growth), not the amount it came to.
  if (record.amount() > 0) {
    allocation->target.amount = record.amount();
  } else {
    allocation->target.amount.reset();
  }
  allocation->last_year_total = record.last_year_total();
  for (int i = 0; i < record.states_size(); ++i) {
    const v1::TargetNodeState& s = record.states(i);
    NodeAllocation& n = allocation->nodes[static_cast<size_t>(i)];
    n.amount = s.amount();
    n.locked = s.locked();
    n.basis = static_cast<AmountBasis>(s.basis());
    n.rebalance_delta = s.rebalance_delta();
  }
  return allocation;
}

v1::TargetNode ToNodeProto(const Allocation& allocation, int index) {
  const NodeAllocation& n = allocation.nodes[static_cast<size_t>(index)];
  v1::TargetNode out;
  out.set_node_id(n.node.id);
  out.set_parent_id(n.node.parent_id);
  out.set_level(std::string(LevelName(n.node.level)));
  out.set_name(n.node.name);
  out.set_amount_units(n.amount);
  out.set_locked(n.locked);
  out.set_basis(std::string(AmountBasisName(n.basis)));
  out.set_rebalance_delta(n.rebalance_delta);
  out.set_weight(n.weight);
  out.set_share_of_parent(n.weight_share_of_parent);
  out.set_share_of_nation(n.weight_share_of_root);
  out.set_sold_so_far(n.sold_so_far);
  out.set_customers(n.customers);
  for (Factor f : kAllFactors) {
    const size_t i = static_cast<size_t>(f);
    v1::TargetFactor* factor = out.add_factors();
    factor->set_factor(std::string(FactorName(f)));
    factor->set_value(n.parts[i].value);
    factor->set_total(allocation.totals[i]);
    factor->set_weight(allocation.effective_weights[i]);
    factor->set_contribution(n.parts[i].contribution);
  }
  return out;
}

v1::TargetAllocation ToAllocationProto(const v1::TargetRecord& record,
                                       const Allocation& allocation, int depth) {
  if (depth <= 0) depth = 4;
  v1::TargetAllocation out;
  out.set_product_id(record.product_id());
  out.set_year(record.year());
  out.set_version(record.version());
  out.set_company_target_units(allocation.company_target);
  out.set_last_year_units(allocation.last_year_total);
  out.set_expected_growth(record.expected_growth());
  *out.mutable_weights() = record.weights();
  out.set_drug_class(record.drug_class());
  for (int i = 0; i < static_cast<int>(allocation.nodes.size()); ++i) {
    if (static_cast<int>(allocation.nodes[static_cast<size_t>(i)].node.level) >= depth) continue;
    *out.add_nodes() = ToNodeProto(allocation, i);
  }
  *out.mutable_versions() = record.versions();
  *out.mutable_missing_inputs() = record.missing_inputs();
  return out;
}

}  // namespace pharmacrm::sales_pipeline::process
