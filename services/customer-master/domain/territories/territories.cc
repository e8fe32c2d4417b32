#include "domain/territories/territories.h"

#include <deque>
#include <string>

#include "absl/container/flat_hash_map.h"
#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"  // Timestamp comparisons.
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"

namespace pharmacrm::customer_master {
namespace {

using google::protobuf::Timestamp;

bool KnownLevel(v1::TerritoryLevel level) {
  switch (level) {
    case v1::TERRITORY_LEVEL_NATION:
    case v1::TERRITORY_LEVEL_REGION:
    case v1::TERRITORY_LEVEL_AREA:
    case v1::TERRITORY_LEVEL_TERRITORY:
      return true;
    default:
      return false;
  }
}

absl::string_view LevelName(v1::TerritoryLevel level) {
  switch (level) {
    case v1::TERRITORY_LEVEL_NATION:
      return "NATION";
    case v1::TERRITORY_LEVEL_REGION:
      return "REGION";
    case v1::TERRITORY_LEVEL_AREA:
      return "AREA";
    case v1::TERRITORY_LEVEL_TERRITORY:
      return "TERRITORY";
    default:
      return "UNSPECIFIED";
  }
}

// Written out rather than derived from the enum numbers, so that a level
// inserted into the enum later cannot silently change the tree rules.
v1::TerritoryLevel ParentLevel(v1::TerritoryLevel level) {
  switch (level) {
    case v1::TERRITORY_LEVEL_REGION:
      return v1::TERRITORY_LEVEL_NATION;
    case v1::TERRITORY_LEVEL_AREA:
      return v1::TERRITORY_LEVEL_REGION;
    case v1::TERRITORY_LEVEL_TERRITORY:
      return v1::TERRITORY_LEVEL_AREA;
    default:
      return v1::TERRITORY_LEVEL_UNSPECIFIED;
  }
}

bool ValidCode(absl::string_view code) {
  if (code.size() < kMinTerritoryCodeLength || code.size() > kMaxTerritoryCodeLength) {
    return false;
  }
  for (char c : code) {
    if (!absl::ascii_isupper(static_cast<unsigned char>(c)) &&
        !absl::ascii_isdigit(static_cast<unsigned char>(c)) && c != '-') {
      return false;
    }
  }
  return true;
}

bool Blank(absl::string_view s) { return absl::StripAsciiWhitespace(s).empty(); }

// Strictly later, so that of entries equal in both keys the last one seen
// wins: with an append-only history that is the last one written.
bool Supersedes(const v1::Alignment& a, const v1::Alignment& b) {
  if (a.effective_from() != b.effective_from()) return b.effective_from() < a.effective_from();
  return b.recorded_at() < a.recorded_at();
}

}  // namespace

absl::StatusOr<v1::Territory> ApplyTerritoryUpdate(const v1::Territory& current,
                                                   const v1::UpdateTerritoryRequest& r) {
  if (r.update_mask().paths().empty()) {
    return core::FieldError("update_mask", "name the fields to change: name, code, provinces");
  }
  v1::Territory updated = current;
  absl::flat_hash_set<absl::string_view> seen;
  for (int i = 0; i < r.update_mask().paths_size(); ++i) {
    const std::string& path = r.update_mask().paths(i);
    const std::string field = absl::StrCat("update_mask.paths[", i, "]");
    if (!seen.insert(path).second) return core::FieldError(field, absl::StrCat(path, " is named twice"));
    if (path == "name") {
      updated.set_name(r.territory().name());
    } else if (path == "code") {
      updated.set_code(r.territory().code());
    } else if (path == "provinces") {
      *updated.mutable_provinces() = r.territory().provinces();
    } else {
      return core::FieldError(
          field, absl::StrCat("'", path,
                              "' cannot be changed: only name, code and provinces (moving a "
                              "territory is not supported)"));
    }
  }
  return updated;
}

std::vector<std::string> TerritoryChangedFields(const v1::Territory& before,
                                                const v1::Territory& after) {
  using google::protobuf::FieldDescriptor;
  const google::protobuf::Descriptor* descriptor = v1::Territory::descriptor();
  std::vector<std::string> changed;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (field->number() == v1::Territory::kIdFieldNumber ||
        field->number() == v1::Territory::kVersionFieldNumber ||
        field->number() == v1::Territory::kCreatedAtFieldNumber) {
      continue;
    }
    google::protobuf::util::MessageDifferencer differencer;
    const std::vector<const FieldDescriptor*> only = {field};
    if (!differencer.CompareWithFields(before, after, only, only)) {
      changed.push_back(std::string(field->name()));
    }
  }
  return changed;
}

absl::Status ValidateNewTerritory(const v1::Territory& t,
                                  const std::optional<v1::Territory>& parent) {
  if (Blank(t.name())) return core::FieldError("territory.name", "is required");
  if (!ValidCode(t.code())) {
    return core::FieldError("territory.code",
                            absl::StrCat("must be ", kMinTerritoryCodeLength, " to ",
                                         kMaxTerritoryCodeLength,
                                         " characters of A-Z, 0-9 and '-', e.g. CN-N-BJ-01"));
  }
  if (!KnownLevel(t.level())) return core::FieldError("territory.level", "is required");

  if (t.level() == v1::TERRITORY_LEVEL_NATION) {
    if (!t.parent_id().empty()) {
      return core::FieldError("territory.parent_id", "a NATION is the root and has no parent");
    }
  } else {
    const v1::TerritoryLevel want = ParentLevel(t.level());
    if (t.parent_id().empty()) {
      return core::FieldError("territory.parent_id",
                              absl::StrCat("is required: a ", LevelName(t.level()),
                                           " lies under a ", LevelName(want)));
    }
    if (!parent.has_value() || parent->id() != t.parent_id()) {
      return core::FieldStatus(absl::StatusCode::kNotFound, "territory.parent_id",
                               absl::StrCat("no territory ", t.parent_id()));
    }
    if (parent->level() != want) {
      return core::FieldError(
          "territory.parent_id",
          absl::StrCat("a ", LevelName(t.level()), " lies under a ", LevelName(want), "; ",
                       t.parent_id(), " is a ", LevelName(parent->level())));
    }
  }

  absl::flat_hash_set<absl::string_view> seen;
  for (int i = 0; i < t.provinces_size(); ++i) {
    const std::string& province = t.provinces(i);
    const std::string field = absl::StrCat("territory.provinces[", i, "]");
    if (Blank(province)) return core::FieldError(field, "is empty");
    if (!seen.insert(province).second) {
      return core::FieldError(field, absl::StrCat(province, " is listed twice"));
    }
  }
  return absl::OkStatus();
}

absl::Status ValidateAlignment(const v1::AlignRequest& r, absl::Time now,
                               const v1::Territory& target) {
  if (r.subject() != v1::ALIGNMENT_SUBJECT_CUSTOMER && r.subject() != v1::ALIGNMENT_SUBJECT_REP) {
    return core::FieldError("subject", "must be CUSTOMER or REP");
  }
  if (Blank(r.subject_id())) return core::FieldError("subject_id", "is required");

  if (!r.territory_id().empty()) {
    if (target.id() != r.territory_id()) {
      return core::FieldStatus(absl::StatusCode::kNotFound, "territory_id",
                               absl::StrCat("no territory ", r.territory_id()));
    }
    if (target.level() != v1::TERRITORY_LEVEL_TERRITORY) {
      return core::FieldError(
          "territory_id",
          absl::StrCat(r.territory_id(), " is a ", LevelName(target.level()),
                       "; customers and reps align only to TERRITORY-level territories"));
    }
  }

  if (!r.history_source().empty()) {
    if (Blank(r.history_source())) return core::FieldError("history_source", "is only whitespace");
    if (r.history_source().size() > kMaxHistorySourceBytes) {
      return core::FieldError("history_source",
                              absl::StrCat("longer than ", kMaxHistorySourceBytes, " bytes"));
    }
    if (!r.has_effective_from()) {
      return core::FieldError("effective_from", "is required for a migrated alignment");
    }
    ASSIGN_OR_RETURN(const absl::Time from, core::FromTimestamp(r.effective_from(), "effective_from"));
    if (from > now) {
      return core::FieldError("effective_from", "a migrated alignment must lie in the past");
    }
    if (from < now - kMaxHistoryBackdate) {
      return core::FieldError("effective_from",
                              "a migrated alignment may lie at most 10 years back");
    }
  } else if (r.has_effective_from()) {
    ASSIGN_OR_RETURN(const absl::Time from, core::FromTimestamp(r.effective_from(), "effective_from"));
    if (from < now - kMaxAlignmentBackdate) {
      return core::FieldError("effective_from",
                              "may be back-dated by at most 365 days (older history: set "
                              "history_source)");
    }
    if (from > now + kMaxAlignmentLead) {
      return core::FieldError("effective_from", "may lie at most 90 days in the future");
    }
  }

  if (r.reason().size() > kMaxAlignmentReasonBytes) {
    return core::FieldError("reason",
                            absl::StrCat("longer than ", kMaxAlignmentReasonBytes, " bytes"));
  }
  return absl::OkStatus();
}

std::optional<v1::Alignment> AlignmentAsOf(const std::vector<v1::Alignment>& history,
                                           const Timestamp& as_of) {
  const v1::Alignment* best = nullptr;
  for (const v1::Alignment& a : history) {
    if (as_of < a.effective_from()) continue;
    if (best == nullptr || !Supersedes(*best, a)) best = &a;
  }
  if (best == nullptr) return std::nullopt;
  return *best;
}

std::vector<std::string> Descendants(const std::vector<v1::Territory>& all,
                                     absl::string_view root_id) {
  std::vector<std::string> out;
  if (root_id.empty()) return out;

  // One pass to index children keeps the walk linear in the size of `all`.
  absl::flat_hash_map<absl::string_view, std::vector<absl::string_view>> children;
  bool root_known = false;
  for (const v1::Territory& t : all) {
    if (t.id() == root_id) root_known = true;
    if (!t.parent_id().empty()) children[t.parent_id()].push_back(t.id());
  }
  if (!root_known) return out;

  absl::flat_hash_set<absl::string_view> visited = {root_id};
  std::deque<absl::string_view> queue = {root_id};
  while (!queue.empty()) {
    const absl::string_view id = queue.front();
    queue.pop_front();
    out.emplace_back(id);
    auto it = children.find(id);
    if (it == children.end()) continue;
    for (absl::string_view child : it->second) {
      if (visited.insert(child).second) queue.push_back(child);
    }
  }
  return out;
}

bool SubjectAlignedTo(const std::vector<v1::Alignment>& history, absl::string_view territory_id,
                      const Timestamp& as_of) {
  if (territory_id.empty()) return false;
  const std::optional<v1::Alignment> current = AlignmentAsOf(history, as_of);
  return current.has_value() && current->territory_id() == territory_id;
}

}  // namespace pharmacrm::customer_master
