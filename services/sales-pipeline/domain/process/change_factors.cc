#include "domain/process/change_factors.h"

#include <utility>

#include "absl/strings/str_cat.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::process {
namespace {

constexpr size_t kMaxText = 500;

FactorChange People(const std::string& customer_id, std::string what, std::string before,
                    std::string after, absl::Time at) {
  FactorChange c;
  c.factor = ChangeFactor::kPeopleInCharge;
  c.customer_id = customer_id;
  c.what = std::move(what);
  c.before = std::move(before);
  c.after = std::move(after);
  c.source = "customer-master";
  c.at = at;
  return c;
}

// Adds the changes between two maps (name -> value) under `what`.
void Compare(const std::string& customer_id, const std::string& what,
             const std::map<std::string, std::string>& before,
             const std::map<std::string, std::string>& after, absl::Time at, bool by_key,
             std::vector<FactorChange>* out) {
  for (const auto& [key, value] : before) {
    auto it = after.find(key);
    const std::string label = by_key ? absl::StrCat(what, ":", key) : what;
    if (it == after.end()) {
      out->push_back(People(customer_id, label, by_key ? value : absl::StrCat(key, " (", value, ")"),
                            "", at));
    } else if (it->second != value) {
      out->push_back(People(customer_id, label,
                            by_key ? value : absl::StrCat(key, " (", value, ")"),
                            by_key ? it->second : absl::StrCat(key, " (", it->second, ")"), at));
    }
  }
  for (const auto& [key, value] : after) {
    if (before.count(key)) continue;
    const std::string label = by_key ? absl::StrCat(what, ":", key) : what;
    out->push_back(
        People(customer_id, label, "", by_key ? value : absl::StrCat(key, " (", value, ")"), at));
  }
}

}  // namespace

absl::string_view ChangeFactorName(ChangeFactor factor) {
  switch (factor) {
    case ChangeFactor::kNeeds:
      return "needs";
    case ChangeFactor::kPeopleInCharge:
      return "people in charge";
    case ChangeFactor::kBudget:
      return "budget";
    case ChangeFactor::kCompetitor:
      return "competitor";
    case ChangeFactor::kTimetable:
      return "timetable";
  }
  return "";
}

PeopleInCharge PeopleOf(const v1::Customer& hospital) {
  PeopleInCharge p;
  if (!hospital.profile().has_hospital()) return p;
  const v1::HospitalDetails& h = hospital.profile().hospital();
  p.director = h.legal_representative();
  for (const v1::CommitteeMember& m : h.pharmacy_committee()) p.committee[m.name()] = m.role();
  for (const v1::Department& d : h.departments()) {
    if (!d.head_doctor_id().empty()) p.department_heads[d.name()] = d.head_doctor_id();
  }
  return p;
}

std::vector<FactorChange> PeopleChanges(const std::string& customer_id,
                                        const PeopleInCharge& before, const PeopleInCharge& after,
                                        absl::Time at) {
  std::vector<FactorChange> out;
  if (before.director != after.director) {
    out.push_back(People(customer_id, "director", before.director, after.director, at));
  }
  Compare(customer_id, "pharmacy_committee", before.committee, after.committee, at, false, &out);
  Compare(customer_id, "department_head", before.department_heads, after.department_heads, at,
          true, &out);
  return out;
}

absl::Status ValidateEnteredChange(const FactorChange& change) {
  if (change.factor == ChangeFactor::kPeopleInCharge) {
    return core::FieldError("factor",
                            "people in charge are kept by customer-master: change the profile");
  }
  if (change.customer_id.empty()) return core::FieldError("customer_id", "must be set");
  if (change.what.empty()) return core::FieldError("what", "must say what changed");
  if (change.before.empty() && change.after.empty()) {
    return core::FieldError("after", "before or after must be set");
  }
  for (const auto& [text, field] : {std::pair{&change.what, "what"},
                                    std::pair{&change.before, "before"},
                                    std::pair{&change.after, "after"}}) {
    if (text->size() > kMaxText) return core::FieldError(field, "must be at most 500 bytes");
  }
  return absl::OkStatus();
}

Suggestion SuggestResponse(const FactorChange& c) {
  switch (c.factor) {
    case ChangeFactor::kPeopleInCharge:
      if (c.what == "pharmacy_committee") {
        if (c.before.empty()) {
          return {absl::StrCat("Introduce the product to the new P&T committee member ", c.after,
                               " before the next P&T meeting"),
                  absl::StrCat("在下次药事会前拜访新任药事委员会委员 ", c.after, "，介绍产品"), 14};
        }
        if (c.after.empty()) {
          return {absl::StrCat("Find out who takes over ", c.before,
                               "'s seat on the P&T committee and meet them"),
                  absl::StrCat("了解接替 ", c.before, " 的药事委员会委员并安排拜访"), 21};
        }
        return {absl::StrCat("Congratulate ", c.after, " on the new role and confirm their support"),
                absl::StrCat("祝贺 ", c.after, " 履新并确认其支持"), 14};
      }
      if (c.what == "director") {
        return {"Ask the key account manager to meet the new director with the account plan",
                "请大客户经理携客户计划拜访新任院长", 30};
      }
      return {absl::StrCat("Call the new head of ", c.what.substr(c.what.find(':') + 1),
                           " within two weeks with the clinical evidence"),
              absl::StrCat("两周内拜访", c.what.substr(c.what.find(':') + 1),
                           "新任科室主任，提供临床证据"),
              14};
    case ChangeFactor::kBudget:
      return {"Review the account's forecast and discuss supply terms with the pharmacy director",
              "复核该客户的销量预测，并与药剂科主任商谈供货条件", 14};
    case ChangeFactor::kCompetitor:
      return {"Prepare the comparison with the competitor and schedule calls on the key prescribers",
              "准备与竞品的对比资料，安排拜访关键处方医生", 7};
    case ChangeFactor::kTimetable:
      return {"Prepare the documents for the P&T meeting or tender and check the bid price",
              "为药事会或招标准备材料，核对投标价格", 7};
    case ChangeFactor::kNeeds:
      break;
  }
  return {"Visit the account to understand the new need and propose a response",
          "拜访客户了解新需求并提出方案", 14};
}

absl::string_view AlertStateName(AlertState state) {
  switch (state) {
    case AlertState::kOpen:
      return "open";
    case AlertState::kAcknowledged:
      return "acknowledged";
    case AlertState::kDone:
      return "done";
    case AlertState::kExpired:
      return "expired";
  }
  return "";
}

Alert RaiseAlert(std::string id, std::string owner, const FactorChange& change) {
  Alert a;
  a.id = std::move(id);
  a.owner = std::move(owner);
  a.change = change;
  a.suggestion = SuggestResponse(change);
  a.raised_at = change.at;
  a.due_by = change.at + absl::Hours(24) * a.suggestion.due_in_days;
  a.history.push_back({AlertState::kOpen, change.source, "raised", change.at});
  return a;
}

absl::StatusOr<Alert> MoveAlert(const Alert& alert, AlertState to, const std::string& by,
                                const std::string& note, absl::Time now) {
  Alert out = alert;
  if ((out.state == AlertState::kOpen || out.state == AlertState::kAcknowledged) &&
      now > out.due_by && to != AlertState::kExpired) {
    out.state = AlertState::kExpired;
    out.history.push_back({AlertState::kExpired, "change-factors", "past due", out.due_by});
  }
  if (out.state == AlertState::kDone || out.state == AlertState::kExpired) {
    return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "state",
                             absl::StrCat("the alert is ", AlertStateName(out.state)));
  }
  if (to == AlertState::kOpen || (to == AlertState::kAcknowledged &&
                                  out.state == AlertState::kAcknowledged)) {
    return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "state",
                             absl::StrCat("cannot go from ", AlertStateName(out.state), " to ",
                                          AlertStateName(to)));
  }
  if (to == AlertState::kDone && note.empty()) {
    return core::FieldError("note", "must say what was done");
  }
  out.state = to;
  out.history.push_back({to, by, note, now});
  return out;
}

int ExpireAlerts(std::vector<Alert>& alerts, absl::Time now) {
  int expired = 0;
  for (Alert& a : alerts) {
    if ((a.state == AlertState::kOpen || a.state == AlertState::kAcknowledged) && now > a.due_by) {
      a.state = AlertState::kExpired;
      a.history.push_back({AlertState::kExpired, "change-factors", "past due", now});
      ++expired;
    }
  }
  return expired;
}

}  // namespace pharmacrm::sales_pipeline::process
