#include "api/terminal_matching.h"

#include <utility>
#include <variant>

#include "absl/strings/str_cat.h"
#include "pharmacrm/matching/terminal_resolver.h"

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
                                 const matching::PinyinConverter& pinyin) {
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
    std::shared_ptr<const matching::TerminalResolution> answer) const {
  Outcome outcome;
  outcome.answer = std::move(answer);
  const matching::TerminalResolution& resolution = *outcome.answer;
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

std::optional<v1::TerminalTask> TerminalMatcher::Resolve(v1::FlowRow& row) {
  std::shared_ptr<const matching::TerminalResolution> answer =
      resolver_->Resolve(row.terminal_code(), row.terminal_name(), row.terminal_address());
  auto [it, inserted] = outcomes_.try_emplace(answer.get());
  if (inserted) it->second = MakeOutcome(std::move(answer));
  const Outcome& outcome = it->second;
  if (outcome.customer != nullptr) {
    const v1::Customer& customer = *outcome.customer;
    row.set_terminal_id(customer.id());
    row.set_terminal_kind(customer.profile().kind());
    row.set_terminal_province(customer.profile().province());
    return std::nullopt;
  }
  std::optional<v1::TerminalTask> task(outcome.task);
  *task->mutable_row() = row;
  return task;
}

}  // namespace pharmacrm::sales_pipeline
