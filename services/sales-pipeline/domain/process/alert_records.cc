#include "domain/process/alert_records.h"

#include <tuple>
#include <utility>

#include "pharmacrm/core/time.h"

namespace pharmacrm::sales_pipeline::process {
namespace {

// A stored timestamp (written by ToTimestamp, so in range) as a time.
absl::Time TimeOf(const google::protobuf::Timestamp& ts) {
  return absl::FromUnixSeconds(ts.seconds()) + absl::Nanoseconds(ts.nanos());
}

void AddEntry(const AlertEntry& entry, v1::Alert* alert) {
  v1::AlertHistoryEntry* e = alert->add_history();
  e->set_state(ToProto(entry.state));
  e->set_by(entry.by);
  e->set_note(entry.note);
  *e->mutable_at() = core::ToTimestamp(entry.at);
}

}  // namespace

v1::ChangeFactor ToProto(ChangeFactor factor) {
  switch (factor) {
    case ChangeFactor::kNeeds:
      return v1::CHANGE_FACTOR_NEEDS;
    case ChangeFactor::kPeopleInCharge:
      return v1::CHANGE_FACTOR_PEOPLE_IN_CHARGE;
    case ChangeFactor::kBudget:
      return v1::CHANGE_FACTOR_BUDGET;
    case ChangeFactor::kCompetitor:
      return v1::CHANGE_FACTOR_COMPETITOR;
    case ChangeFactor::kTimetable:
      return v1::CHANGE_FACTOR_TIMETABLE;
  }
  return v1::CHANGE_FACTOR_UNSPECIFIED;
}

std::optional<ChangeFactor> FactorOf(v1::ChangeFactor factor) {
  switch (factor) {
    case v1::CHANGE_FACTOR_NEEDS:
      return ChangeFactor::kNeeds;
    case v1::CHANGE_FACTOR_PEOPLE_IN_CHARGE:
      return ChangeFactor::kPeopleInCharge;
    case v1::CHANGE_FACTOR_BUDGET:
      return ChangeFactor::kBudget;
    case v1::CHANGE_FACTOR_COMPETITOR:
      return ChangeFactor::kCompetitor;
    case v1::CHANGE_FACTOR_TIMETABLE:
      return ChangeFactor::kTimetable;
    default:
      return std::nullopt;
  }
}

v1::AlertState ToProto(AlertState state) {
  switch (state) {
    case AlertState::kOpen:
      return v1::ALERT_STATE_OPEN;
    case AlertState::kAcknowledged:
      return v1::ALERT_STATE_ACKNOWLEDGED;
    case AlertState::kDone:
      return v1::ALERT_STATE_DONE;
    case AlertState::kExpired:
      return v1::ALERT_STATE_EXPIRED;
  }
  return v1::ALERT_STATE_UNSPECIFIED;
}

std::optional<AlertState> StateOf(v1::AlertState state) {
  switch (state) {
    case v1::ALERT_STATE_OPEN:
      return AlertState::kOpen;
    case v1::ALERT_STATE_ACKNOWLEDGED:
      return AlertState::kAcknowledged;
    case v1::ALERT_STATE_DONE:
      return AlertState::kDone;
    case v1::ALERT_STATE_EXPIRED:
      return AlertState::kExpired;
    default:
      return std::nullopt;
  }
}

v1::Alert ToAlertProto(const Alert& alert, const AlertOwner& owner,
                       const std::string& customer_name, const std::string& occurred_on) {
  v1::Alert out;
  out.set_id(alert.id);
  out.set_owner(alert.owner);
  out.set_unassigned(alert.owner.empty());
  out.set_assignment(owner.assignment);
  out.set_assignment_zh(owner.assignment_zh);
  out.set_territory_id(owner.territory_id);
  out.set_customer_id(alert.change.customer_id);
  out.set_customer_name(customer_name);
  out.set_factor(ToProto(alert.change.factor));
  out.set_what(alert.change.what);
  out.set_before(alert.change.before);
  out.set_after(alert.change.after);
  out.set_source(alert.change.source);
  out.set_occurred_on(occurred_on);
  out.set_suggestion(alert.suggestion.text);
  out.set_suggestion_zh(alert.suggestion.text_zh);
  *out.mutable_raised_at() = core::ToTimestamp(alert.raised_at);
  *out.mutable_due_by() = core::ToTimestamp(alert.due_by);
  out.set_state(ToProto(alert.state));
  out.set_version(1);
  for (const AlertEntry& entry : alert.history) AddEntry(entry, &out);
  return out;
}

Alert FromAlertProto(const v1::Alert& alert) {
  Alert out;
  out.id = alert.id();
  out.owner = alert.owner();
  out.change.factor = FactorOf(alert.factor()).value_or(ChangeFactor::kNeeds);
  out.change.customer_id = alert.customer_id();
  out.change.what = alert.what();
  out.change.before = alert.before();
  out.change.after = alert.after();
  out.change.source = alert.source();
  out.change.at = TimeOf(alert.raised_at());
  out.suggestion.text = alert.suggestion();
  out.suggestion.text_zh = alert.suggestion_zh();
  out.raised_at = TimeOf(alert.raised_at());
  out.due_by = TimeOf(alert.due_by());
  out.state = StateOf(alert.state()).value_or(AlertState::kOpen);
  for (const v1::AlertHistoryEntry& e : alert.history()) {
    out.history.push_back(
        {StateOf(e.state()).value_or(AlertState::kOpen), e.by(), e.note(), TimeOf(e.at())});
  }
  return out;
}

v1::Alert WithMove(v1::Alert stored, const Alert& moved) {
  stored.set_state(ToProto(moved.state));
  stored.set_version(stored.version() + 1);
  for (size_t i = static_cast<size_t>(stored.history_size()); i < moved.history.size(); ++i) {
    AddEntry(moved.history[i], &stored);
  }
  return stored;
}

bool NewestFirst(const v1::Alert& a, const v1::Alert& b) {
  return std::make_tuple(a.raised_at().seconds(), a.raised_at().nanos(), a.id()) >
         std::make_tuple(b.raised_at().seconds(), b.raised_at().nanos(), b.id());
}

v1::PeopleSnapshot ToSnapshot(const std::string& customer_id, int64_t customer_version,
                              const PeopleInCharge& people) {
  v1::PeopleSnapshot s;
  s.set_customer_id(customer_id);
  s.set_customer_version(customer_version);
  s.set_director(people.director);
  for (const auto& [name, role] : people.committee) (*s.mutable_committee())[name] = role;
  for (const auto& [department, head] : people.department_heads) {
    (*s.mutable_department_heads())[department] = head;
  }
  return s;
}

PeopleInCharge FromSnapshot(const v1::PeopleSnapshot& snapshot) {
  PeopleInCharge p;
  p.director = snapshot.director();
  p.committee.insert(snapshot.committee().begin(), snapshot.committee().end());
  p.department_heads.insert(snapshot.department_heads().begin(), snapshot.department_heads().end());
  return p;
}

}  // namespace pharmacrm::sales_pipeline::process
