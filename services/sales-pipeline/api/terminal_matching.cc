#include "api/terminal_matching.h"

#include <algorithm>
#include <cstdint>
#include <tuple>
#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "pharmacrm/matching/terminal_resolver.h"
#include "storage/channel_repository.h"

namespace pharmacrm::sales_pipeline {
namespace {

matching::TerminalCandidate CandidateOf(const v1::Customer& customer) {
  matching::TerminalCandidate candidate;
  candidate.id = customer.id();
  candidate.kind = v1::CustomerKind_Name(customer.profile().kind());
  candidate.name = customer.profile().name();
  candidate.address = customer.profile().address();
  candidate.province = customer.profile().province();
  candidate.city = customer.profile().city();
  candidate.district = customer.profile().district();
  candidate.active = customer.status() == v1::CUSTOMER_STATUS_ACTIVE;
  return candidate;
}

}  // namespace

TerminalMatcher::TerminalMatcher(const std::vector<v1::Customer>& customers,
                                 const matching::PinyinConverter& pinyin, int threads)
    : threads_(std::max(1, threads)) {
  std::vector<matching::TerminalCandidate> candidates;
  candidates.reserve(customers.size());
  for (const v1::Customer& customer : customers) {
    if (customer.status() != v1::CUSTOMER_STATUS_ACTIVE) continue;
    by_id_[customer.id()] = &customer;
    candidates.push_back(CandidateOf(customer));
  }
  resolver_ = std::make_unique<matching::TerminalResolver>(candidates, pinyin);
}

TerminalMatcher::~TerminalMatcher() = default;

TerminalMatcher::Outcome TerminalMatcher::MakeOutcome(
    const matching::TerminalResolution& resolution) const {
  Outcome outcome;
  if (const auto* matched = std::get_if<matching::Matched>(&resolution)) {
    auto it = by_id_.find(matched->customer_id);
    if (it != by_id_.end()) {
      outcome.customer = it->second;
      return outcome;
    }
  }
  v1::TerminalTask& task = outcome.task;
  const std::vector<matching::ScoredCandidate>* scored = nullptr;
  if (const auto* ambiguous = std::get_if<matching::Ambiguous>(&resolution)) {
    task.set_ambiguous(true);
    scored = &ambiguous->candidates;
  } else if (const auto* unmatched = std::get_if<matching::Unmatched>(&resolution)) {
    scored = &unmatched->best;
  }
  if (scored != nullptr) {
    for (const matching::ScoredCandidate& s : *scored) {
      v1::TerminalCandidate* candidate = task.add_candidates();
      candidate->set_customer_id(s.customer_id);
      candidate->set_name(s.name);
      auto it = by_id_.find(s.customer_id);
      if (it != by_id_.end()) candidate->set_address(it->second->profile().address());
      candidate->set_score(s.score);
      for (const matching::MatchReason& reason : s.reasons) {
        candidate->add_reasons(absl::StrCat(reason.signal, ": ", reason.detail));
      }
    }
  }
  return outcome;
}

std::vector<v1::TerminalTask> TerminalMatcher::ResolveRows(std::vector<v1::FlowRow>& rows,
                                                          absl::string_view distributor_id,
                                                          absl::string_view month) {
  // The distinct terminals, by the first row that names each.
  using Terminal = std::tuple<absl::string_view, absl::string_view, absl::string_view>;
  absl::flat_hash_map<Terminal, uint32_t> distinct;
  std::vector<const v1::FlowRow*> firsts;
  std::vector<uint32_t> terminal_of(rows.size());
  for (size_t i = 0; i < rows.size(); ++i) {
    const v1::FlowRow& row = rows[i];
    auto [it, inserted] = distinct.try_emplace(
        Terminal{row.terminal_code(), row.terminal_name(), row.terminal_address()},
        static_cast<uint32_t>(firsts.size()));
    if (inserted) firsts.push_back(&row);
    terminal_of[i] = it->second;
  }

  // Each resolved once: the scoring is where the time goes.
  std::vector<Outcome> outcomes(firsts.size());
  core::ParallelFor(threads_, firsts.size(), 16, [&](size_t i) {
    const v1::FlowRow& row = *firsts[i];
    std::shared_ptr<const matching::TerminalResolution> answer =
        resolver_->Resolve(row.terminal_code(), row.terminal_name(), row.terminal_address());
    outcomes[i] = MakeOutcome(*answer);
  });

  // Then the rows, in ranges of their own, each with its tasks in order.
  constexpr size_t kRange = 4096;
  std::vector<std::vector<v1::TerminalTask>> tasks((rows.size() + kRange - 1) / kRange);
  core::ParallelFor(threads_, tasks.size(), 1, [&](size_t range) {
    const size_t to = std::min(rows.size(), (range + 1) * kRange);
    for (size_t i = range * kRange; i < to; ++i) {
      v1::FlowRow& row = rows[i];
      const Outcome& outcome = outcomes[terminal_of[i]];
      if (outcome.customer != nullptr) {
        const v1::Customer& customer = *outcome.customer;
        row.set_terminal_id(customer.id());
        row.set_terminal_kind(customer.profile().kind());
        row.set_terminal_province(customer.profile().province());
        continue;
      }
      v1::TerminalTask& task = tasks[range].emplace_back(outcome.task);
      task.set_id(ChannelRepository::TerminalTaskId(distributor_id, month, row.line()));
      task.set_distributor_id(std::string(distributor_id));
      task.set_month(std::string(month));
      task.set_state(v1::TERMINAL_TASK_STATE_OPEN);
      *task.mutable_row() = row;
    }
  });
  std::vector<v1::TerminalTask> all;
  size_t total = 0;
  for (const auto& part : tasks) total += part.size();
  all.reserve(total);
  for (auto& part : tasks) {
    for (v1::TerminalTask& task : part) all.push_back(std::move(task));
  }
  return all;
}

}  // namespace pharmacrm::sales_pipeline
