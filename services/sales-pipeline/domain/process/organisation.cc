#include "domain/process/organisation.h"

#include <algorithm>
#include <tuple>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "domain/channel/dates.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"

namespace pharmacrm::sales_pipeline::process {
namespace {

constexpr int64_t kMaxFen = 1'000'000'000'000;
constexpr int64_t kMaxSamples = 1'000'000;
constexpr size_t kMaxReason = 500;

bool ValidPersonId(absl::string_view id) {
  if (id.size() < 2 || id.size() > 64) return false;
  return std::all_of(id.begin(), id.end(), [](char c) {
    return absl::ascii_islower(static_cast<unsigned char>(c)) ||
           absl::ascii_isdigit(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '-';
  });
}

// Code points of UTF-8 text (continuation bytes not counted).
size_t Characters(absl::string_view text) {
  return static_cast<size_t>(std::count_if(text.begin(), text.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  }));
}

absl::Status CheckAmount(int64_t value, int64_t max, const std::string& field) {
  if (value < 0 || value > max) return core::FieldError(field, absl::StrCat("must be 0..", max));
  return absl::OkStatus();
}

auto Order(const v1::Alignment& a) {
  return std::make_tuple(a.effective_from().seconds(), a.effective_from().nanos(),
                         a.recorded_at().seconds(), a.recorded_at().nanos());
}

}  // namespace

absl::Status ValidateRep(const v1::Rep& rep) {
  if (!ValidPersonId(rep.id())) {
    return core::FieldError("rep.id", "must be 2 to 64 characters of a-z, 0-9, '.', '_' and '-'");
  }
  const size_t name = Characters(rep.name());
  if (name < 1 || name > 100) return core::FieldError("rep.name", "must be 1 to 100 characters");
  if (rep.role() == v1::SALES_ROLE_UNSPECIFIED || !v1::SalesRole_IsValid(rep.role())) {
    return core::FieldError("rep.role", "must be a rep, district, regional manager or director");
  }
  if (rep.manager_id().empty() && rep.role() != v1::SALES_ROLE_NATIONAL_DIRECTOR) {
    return core::FieldError("rep.manager_id", "must be set (only a national director has none)");
  }
  if (!rep.manager_id().empty()) {
    if (!ValidPersonId(rep.manager_id())) {
      return core::FieldError("rep.manager_id", "is not a person id");
    }
    if (rep.manager_id() == rep.id()) {
      return core::FieldError("rep.manager_id", "cannot be the person themself");
    }
  }
  ASSIGN_OR_RETURN(absl::CivilDay start, channel::ParseDate(rep.start_date(), "rep.start_date"));
  if (!rep.end_date().empty()) {
    ASSIGN_OR_RETURN(absl::CivilDay end, channel::ParseDate(rep.end_date(), "rep.end_date"));
    if (end < start) return core::FieldError("rep.end_date", "is before start_date");
  }
  if (rep.costs().empty()) {
    return core::FieldError("rep.costs", "must have at least one entry (from the start month)");
  }
  std::optional<absl::CivilMonth> previous;
  for (int i = 0; i < rep.costs_size(); ++i) {
    const v1::RepCost& cost = rep.costs(i);
    const std::string at = absl::StrCat("rep.costs[", i, "]");
    ASSIGN_OR_RETURN(absl::CivilMonth month,
                     channel::ParseMonth(cost.from_month(), absl::StrCat(at, ".from_month")));
    if (previous && month <= *previous) {
      return core::FieldError(absl::StrCat(at, ".from_month"),
                              "must come after the entry before it");
    }
    if (i == 0 && month > absl::CivilMonth(start)) {
      return core::FieldError(absl::StrCat(at, ".from_month"),
                              "the first cost must start at or before start_date's month");
    }
    previous = month;
    RETURN_IF_ERROR(CheckAmount(cost.salary_fen(), kMaxFen, absl::StrCat(at, ".salary_fen")));
    RETURN_IF_ERROR(CheckAmount(cost.allowance_fen(), kMaxFen, absl::StrCat(at, ".allowance_fen")));
    RETURN_IF_ERROR(CheckAmount(cost.expenses_fen(), kMaxFen, absl::StrCat(at, ".expenses_fen")));
    RETURN_IF_ERROR(CheckAmount(cost.samples_budget_units(), kMaxSamples,
                                absl::StrCat(at, ".samples_budget_units")));
  }
  if (rep.reason().size() > kMaxReason) {
    return core::FieldError("rep.reason", "must be at most 500 bytes");
  }
  return absl::OkStatus();
}

std::optional<v1::RepCost> CostIn(const v1::Rep& rep, absl::CivilMonth month) {
  std::optional<v1::RepCost> in_force;
  for (const v1::RepCost& cost : rep.costs()) {
    absl::StatusOr<absl::CivilMonth> from = channel::ParseMonth(cost.from_month(), "from_month");
    if (!from.ok() || *from > month) break;
    in_force = cost;
  }
  return in_force;
}

bool EmployedIn(const v1::Rep& rep, absl::CivilMonth month) {
  absl::StatusOr<absl::CivilDay> start = channel::ParseDate(rep.start_date(), "start_date");
  if (!start.ok() || absl::CivilMonth(*start) > month) return false;
  if (rep.end_date().empty()) return true;
  absl::StatusOr<absl::CivilDay> end = channel::ParseDate(rep.end_date(), "end_date");
  return end.ok() && absl::CivilMonth(*end) >= month;
}

int64_t MonthlyCostFen(const v1::Rep& rep, absl::CivilMonth month) {
  if (!EmployedIn(rep, month)) return 0;
  std::optional<v1::RepCost> cost = CostIn(rep, month);
  if (!cost) return 0;
  return cost->salary_fen() + cost->allowance_fen() + cost->expenses_fen();
}

absl::StatusOr<v1::AlignmentHistory> AddAlignment(std::optional<v1::AlignmentHistory> history,
                                                  const v1::Alignment& entry) {
  if (entry.subject_id().empty()) return core::FieldError("alignment.subject_id", "must be set");
  if (!entry.has_effective_from()) {
    return core::FieldError("alignment.effective_from", "must be set");
  }
  v1::AlignmentHistory out = history ? *std::move(history) : v1::AlignmentHistory();
  for (const v1::Alignment& a : out.alignments()) {
    if (Order(a) == Order(entry) && a.territory_id() == entry.territory_id()) return out;
  }
  auto* list = out.mutable_alignments();
  auto at = std::upper_bound(
      list->begin(), list->end(), entry,
      [](const v1::Alignment& x, const v1::Alignment& y) { return Order(x) < Order(y); });
  const int index = static_cast<int>(at - list->begin());
  *list->Add() = entry;
  for (int i = list->size() - 1; i > index; --i) list->SwapElements(i, i - 1);
  return out;
}

std::string TerritoryAt(const v1::AlignmentHistory& history, absl::Time at) {
  std::string territory;
  for (const v1::Alignment& a : history.alignments()) {
    absl::StatusOr<absl::Time> from = core::FromTimestamp(a.effective_from(), "effective_from");
    if (!from.ok() || *from > at) break;
    territory = a.territory_id();
  }
  return territory;
}

absl::string_view TerritoryLevelName(v1::TerritoryLevel level) {
  switch (level) {
    case v1::TERRITORY_LEVEL_NATION:
      return "nation";
    case v1::TERRITORY_LEVEL_REGION:
      return "region";
    case v1::TERRITORY_LEVEL_AREA:
      return "area";
    case v1::TERRITORY_LEVEL_TERRITORY:
      return "territory";
    default:
      return "";
  }
}

bool EmployedOn(const v1::Rep& rep, absl::CivilDay day) {
  absl::StatusOr<absl::CivilDay> start = channel::ParseDate(rep.start_date(), "start_date");
  if (!start.ok() || *start > day) return false;
  if (rep.end_date().empty()) return true;
  absl::StatusOr<absl::CivilDay> end = channel::ParseDate(rep.end_date(), "end_date");
  return end.ok() && *end >= day;
}

std::string AccountTerritoryAt(const v1::AlignmentHistory* own,
                               const v1::AlignmentHistory* hospital, absl::Time at) {
  std::string territory = own != nullptr ? TerritoryAt(*own, at) : "";
  if (territory.empty() && hospital != nullptr) territory = TerritoryAt(*hospital, at);
  return territory;
}

}  // namespace pharmacrm::sales_pipeline::process
