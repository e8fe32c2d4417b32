#include "domain/process/call_reports.h"

#include <set>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::process {
namespace {

constexpr size_t kMaxIdBytes = 64;

absl::Status IdField(const std::string& value, absl::string_view field) {
  if (value.empty()) return core::FieldError(field, "must be set");
  if (value.size() > kMaxIdBytes) return core::FieldError(field, "must be at most 64 bytes");
  return absl::OkStatus();
}

absl::Status TextField(const std::string& value, absl::string_view field, size_t max) {
  if (value.size() > max) {
    return core::FieldError(field, absl::StrCat("must be at most ", max, " bytes"));
  }
  return absl::OkStatus();
}

std::string Indexed(absl::string_view list, int i) { return absl::StrCat(list, "[", i, "]"); }

}  // namespace

absl::Status ValidateCallReport(const v1::CallReport& call, absl::Time called_at, absl::Time now,
                                CallSource source) {
  RETURN_IF_ERROR(IdField(call.rep_id(), "call.rep_id"));
  RETURN_IF_ERROR(IdField(call.customer_id(), "call.customer_id"));
  if (source == CallSource::kHistory) {
    if (called_at > now) return core::FieldError("call.called_at", "history must lie in the past");
    if (called_at < now - kHistoryCallMaxAge) {
      return core::FieldError("call.called_at", "is more than 10 years ago");
    }
  } else {
    if (called_at > now + kCallMaxAhead) {
      return core::FieldError("call.called_at", "is more than a day in the future");
    }
    if (called_at < now - kCallMaxAge) {
      return core::FieldError("call.called_at",
                              "is more than 365 days ago (an earlier CRM's history: "
                              "ImportCallHistory)");
    }
  }
  if (call.duration_minutes() < 1 || call.duration_minutes() > 480) {
    return core::FieldError("call.duration_minutes", "must be 1..480");
  }
  if (call.product_ids_size() > 10) {
    return core::FieldError("call.product_ids", "at most 10 products a call");
  }
  absl::flat_hash_set<std::string> seen;
  for (int i = 0; i < call.product_ids_size(); ++i) {
    RETURN_IF_ERROR(IdField(call.product_ids(i), Indexed("call.product_ids", i)));
    if (!seen.insert(call.product_ids(i)).second) {
      return core::FieldError(Indexed("call.product_ids", i), "is named twice");
    }
  }
  if (call.key_messages_size() > 10) {
    return core::FieldError("call.key_messages", "at most 10 messages a call");
  }
  for (int i = 0; i < call.key_messages_size(); ++i) {
    if (call.key_messages(i).empty()) {
      return core::FieldError(Indexed("call.key_messages", i), "must not be empty");
    }
    RETURN_IF_ERROR(TextField(call.key_messages(i), Indexed("call.key_messages", i), 200));
  }
  if (!v1::CallOutcome_IsValid(call.outcome()) || call.outcome() == v1::CALL_OUTCOME_UNSPECIFIED) {
    return core::FieldError("call.outcome", "must be positive, neutral, negative or not met");
  }
  RETURN_IF_ERROR(TextField(call.next_step(), "call.next_step", 500));
  if (call.attendee_ids_size() > 20) {
    return core::FieldError("call.attendee_ids", "at most 20 attendees");
  }
  seen.clear();
  for (int i = 0; i < call.attendee_ids_size(); ++i) {
    const std::string field = Indexed("call.attendee_ids", i);
    RETURN_IF_ERROR(IdField(call.attendee_ids(i), field));
    if (call.attendee_ids(i) == call.customer_id()) {
      return core::FieldError(field, "is the customer called on");
    }
    if (!seen.insert(call.attendee_ids(i)).second) {
      return core::FieldError(field, "is named twice");
    }
  }
  if (call.samples_size() > 20) return core::FieldError("call.samples", "at most 20 lines");
  for (int i = 0; i < call.samples_size(); ++i) {
    const v1::SampleLeft& s = call.samples(i);
    const std::string line = Indexed("call.samples", i);
    RETURN_IF_ERROR(IdField(s.product_id(), absl::StrCat(line, ".product_id")));
    if (s.batch_no().empty() || s.batch_no().size() > 40) {
      return core::FieldError(absl::StrCat(line, ".batch_no"), "must be 1..40 bytes");
    }
    if (s.quantity() < 1 || s.quantity() > 1000) {
      return core::FieldError(absl::StrCat(line, ".quantity"), "must be 1..1000 packs");
    }
  }
  if (!call.joint_with().empty()) {
    RETURN_IF_ERROR(IdField(call.joint_with(), "call.joint_with"));
    if (call.joint_with() == call.rep_id()) {
      return core::FieldError("call.joint_with", "is the rep; name the manager on the call");
    }
  }
  if (call.outside_territory()) {
    if (call.outside_reason().empty()) {
      return core::FieldError("call.outside_reason",
                              "must say why a call outside the rep's territory is allowed");
    }
    RETURN_IF_ERROR(TextField(call.outside_reason(), "call.outside_reason", 500));
  } else if (!call.outside_reason().empty()) {
    return core::FieldError("call.outside_reason", "is only for a call outside the territory");
  }
  return TextField(call.notes(), "call.notes", 2000);
}

bool WithinTerritory(const absl::flat_hash_map<std::string, std::string>& parent_of,
                     const std::string& territory_id, const std::string& scope) {
  if (territory_id.empty() || scope.empty()) return false;
  std::string at = territory_id;
  for (size_t hops = 0; hops <= parent_of.size(); ++hops) {
    if (at == scope) return true;
    auto it = parent_of.find(at);
    if (it == parent_of.end() || it->second.empty()) return false;
    at = it->second;
  }
  return false;  // a loop
}

absl::Status CheckTerritory(const v1::CallReport& call, const std::string& rep_territory,
                            const std::string& customer_territory,
                            const absl::flat_hash_map<std::string, std::string>& parent_of) {
  if (call.outside_territory()) return absl::OkStatus();
  if (rep_territory.empty()) {
    return core::FieldStatus(
        absl::StatusCode::kFailedPrecondition, "call.customer_id",
        absl::StrCat("rep '", call.rep_id(),
                     "' had no territory on the call's day; set outside_territory with a reason"));
  }
  if (WithinTerritory(parent_of, customer_territory, rep_territory)) return absl::OkStatus();
  return core::FieldStatus(
      absl::StatusCode::kFailedPrecondition, "call.customer_id",
      absl::StrCat("'", call.customer_id(), "' is ",
                   customer_territory.empty()
                       ? "in no territory"
                       : absl::StrCat("in territory '", customer_territory, "'"),
                   " on the call's day, outside rep '", call.rep_id(), "''s territory '",
                   rep_territory, "'; set outside_territory with a reason"));
}

std::vector<std::string> ManagersOf(const v1::Rep& rep,
                                    const absl::flat_hash_map<std::string, v1::Rep>& people) {
  std::vector<std::string> out;
  absl::flat_hash_set<std::string> seen = {rep.id()};
  std::string next = rep.manager_id();
  while (!next.empty() && seen.insert(next).second) {
    auto it = people.find(next);
    if (it == people.end()) break;
    out.push_back(next);
    next = it->second.manager_id();
  }
  return out;
}

absl::StatusOr<std::map<StockKey, v1::SampleStockLine>> TakeSamples(
    std::map<StockKey, v1::SampleStockLine> stock, const v1::CallReport& call) {
  for (int i = 0; i < call.samples_size(); ++i) {
    const v1::SampleLeft& s = call.samples(i);
    const StockKey key{s.product_id(), s.batch_no()};
    auto it = stock.find(key);
    const int64_t on_hand = it == stock.end() ? 0 : it->second.on_hand();
    if (on_hand < s.quantity()) {
      return core::FieldStatus(
          absl::StatusCode::kFailedPrecondition, absl::StrCat("call.samples[", i, "].quantity"),
          absl::StrCat(s.quantity(), " packs of ", s.product_id(), " batch ", s.batch_no(),
                       " asked for, but rep '", call.rep_id(), "' has ", on_hand,
                       " on hand (after the report's earlier lines)"));
    }
    it->second.set_given(it->second.given() + s.quantity());
    it->second.set_on_hand(it->second.issued() - it->second.given());
  }
  return stock;
}

absl::StatusOr<v1::SampleStockLine> IssueTo(v1::SampleStockLine line, absl::string_view batch_no,
                                            int64_t quantity) {
  if (batch_no.empty() || batch_no.size() > 40) {
    return core::FieldError("batch_no", "must be 1..40 bytes");
  }
  if (quantity < 1 || quantity > 100'000) {
    return core::FieldError("quantity", "must be 1..100000 packs");
  }
  if (line.issued() + quantity > 1'000'000'000) {
    return core::FieldError("quantity", "would take the batch's issued packs past 10^9");
  }
  line.set_issued(line.issued() + quantity);
  line.set_on_hand(line.issued() - line.given());
  return line;
}

void VisitDoctorsCalled(const v1::CallReport& call,
                        const std::function<bool(const std::string&)>& is_doctor,
                        const std::function<void(const std::string&)>& visit) {
  if (is_doctor(call.customer_id())) visit(call.customer_id());
  for (const std::string& id : call.attendee_ids()) {
    if (is_doctor(id)) visit(id);
  }
}

}  // namespace pharmacrm::sales_pipeline::process
