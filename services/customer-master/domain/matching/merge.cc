#include "domain/matching/merge.h"

#include <algorithm>
#include <set>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/util/time_util.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {
namespace {
using google::protobuf::FieldDescriptor;

bool Active(const v1::Customer& c) {
  return c.status() == v1::CUSTOMER_STATUS_ACTIVE || c.status() == v1::CUSTOMER_STATUS_UNSPECIFIED;
}

bool Has(const v1::CustomerProfile& p, const FieldDescriptor* f) {
  const auto* r = p.GetReflection();
  switch (f->type()) {
    case FieldDescriptor::TYPE_STRING: return !r->GetString(p, f).empty();
    case FieldDescriptor::TYPE_ENUM: return r->GetEnumValue(p, f) != 0;
    case FieldDescriptor::TYPE_MESSAGE: return r->HasField(p, f);
    default: return false;
  }
}

void Copy(const v1::CustomerProfile& from, const FieldDescriptor* f, v1::CustomerProfile* to) {
  const auto* r = to->GetReflection();
  r->ClearField(to, f);
  if (!Has(from, f)) return;
  switch (f->type()) {
    case FieldDescriptor::TYPE_STRING: r->SetString(to, f, from.GetReflection()->GetString(from, f)); break;
    case FieldDescriptor::TYPE_ENUM: r->SetEnumValue(to, f, from.GetReflection()->GetEnumValue(from, f)); break;
    case FieldDescriptor::TYPE_MESSAGE:
      r->MutableMessage(to, f)->CopyFrom(from.GetReflection()->GetMessage(from, f));
      break;
    default: break;
  }
}

bool MergeableField(const FieldDescriptor* f) { return f->name() != "kind"; }
}  // namespace

absl::Status ValidateMergedIdCount(const v1::MergeCustomersRequest& r) {
  if (r.merged_ids_size() == 0 || r.merged_ids_size() > kMaxMergedPerRequest) {
    return core::FieldError("merged_ids", absl::StrCat("give 1 to ", kMaxMergedPerRequest, " ids"));
  }
  return absl::OkStatus();
}

absl::Status ValidateMerge(const v1::MergeCustomersRequest& r, const v1::Customer& survivor,
                           const std::vector<v1::Customer>& merged) {
  RETURN_IF_ERROR(ValidateMergedIdCount(r));
  if (absl::StripAsciiWhitespace(r.reason()).empty()) {
    return core::FieldError("reason", "say why these records are the same customer");
  }
  if (!Active(survivor)) {
    return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "survivor_id", "is not active");
  }
  std::set<std::string> seen = {survivor.id()};
  for (size_t i = 0; i < merged.size(); ++i) {
    std::string field = absl::StrCat("merged_ids[", i, "]");
    if (!seen.insert(merged[i].id()).second) {
      return core::FieldError(field, "repeats the survivor or another merged id");
    }
    if (!Active(merged[i])) {
      return core::FieldStatus(absl::StatusCode::kFailedPrecondition, field, "is not active");
    }
    if (merged[i].profile().kind() != survivor.profile().kind()) {
      return core::FieldError(field, "is another kind of customer than the survivor");
    }
  }
  for (const auto& [path, rule] : r.field_rules()) {
    const FieldDescriptor* f = v1::CustomerProfile::descriptor()->FindFieldByName(path);
    if (f == nullptr || !MergeableField(f)) {
      return core::FieldError(absl::StrCat("field_rules[", path, "]"), "is not a mergeable profile field");
    }
    if (!v1::SurvivorshipRule_IsValid(rule)) {
      return core::FieldError(absl::StrCat("field_rules[", path, "]"), "unknown rule");
    }
  }
  return absl::OkStatus();
}

MergeOutcome MergeProfiles(const v1::Customer& survivor, const std::vector<v1::Customer>& merged,
                           const v1::MergeCustomersRequest& request) {
  std::vector<const v1::Customer*> by_recency;
  for (const auto& c : merged) by_recency.push_back(&c);
  std::vector<const v1::Customer*> all = by_recency;
  all.push_back(&survivor);
  auto newer = [](const v1::Customer* a, const v1::Customer* b) {
    return a->updated_at() != b->updated_at() ? a->updated_at() > b->updated_at() : a->id() < b->id();
  };
  std::stable_sort(by_recency.begin(), by_recency.end(), newer);
  std::stable_sort(all.begin(), all.end(), newer);

  MergeOutcome out;
  out.profile = survivor.profile();
  const auto* d = v1::CustomerProfile::descriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    if (!MergeableField(f)) continue;
    // A typed-details member of another kind never applies.
    if (f->containing_oneof() != nullptr &&
        !Has(survivor.profile(), f) &&
        std::none_of(merged.begin(), merged.end(), [&](const v1::Customer& c) { return Has(c.profile(), f); })) {
      continue;
    }
    v1::SurvivorshipRule rule = request.default_rule();
    if (auto it = request.field_rules().find(f->name()); it != request.field_rules().end()) rule = it->second;
    std::vector<const v1::Customer*> order;
    if (rule == v1::SURVIVORSHIP_RULE_MOST_RECENT) {
      order = all;
    } else {
      order.push_back(&survivor);
      order.insert(order.end(), by_recency.begin(), by_recency.end());
    }
    for (const v1::Customer* c : order) {
      if (!Has(c->profile(), f)) continue;
      Copy(c->profile(), f, &out.profile);
      out.field_sources[f->name()] = c->id();
      break;
    }
  }
  return out;
}

v1::CustomerProfile UnmergeProfile(const v1::CustomerProfile& current,
                                   const std::map<std::string, std::string>& field_sources,
                                   const std::string& removed_id,
                                   const v1::CustomerProfile& before_merge) {
  v1::CustomerProfile out = current;
  const auto* d = v1::CustomerProfile::descriptor();
  for (const auto& [field, source] : field_sources) {
    if (source != removed_id) continue;
    const FieldDescriptor* f = d->FindFieldByName(field);
    if (f != nullptr) Copy(before_merge, f, &out);
  }
  return out;
}

}  // namespace pharmacrm::customer_master
