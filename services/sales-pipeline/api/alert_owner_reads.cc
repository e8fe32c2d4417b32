#include "api/alert_owner_reads.h"

#include <map>
#include <optional>
#include <set>
#include <utility>
#include <vector>

#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline {
namespace {

constexpr int kMaxClimb = 16;  // As domain/process/alert_owner.cc climbs.

}  // namespace

absl::StatusOr<process::AlertOwner> ReadAlertOwner(const ProcessRepository& process,
                                                   const std::string& customer_id,
                                                   const std::string& hospital_id, absl::Time at,
                                                   const store::Batch* pending) {
  ASSIGN_OR_RETURN(std::optional<v1::AlignmentHistory> own,
                   process.CustomerAlignment(customer_id, pending));
  std::optional<v1::AlignmentHistory> hospital;
  if (!hospital_id.empty() && hospital_id != customer_id) {
    ASSIGN_OR_RETURN(hospital, process.CustomerAlignment(hospital_id, pending));
  }
  const std::string territory =
      process::AccountTerritoryAt(own ? &*own : nullptr, hospital ? &*hospital : nullptr, at);
  std::map<std::string, v1::Territory> tree;
  std::string node = territory;
  for (int i = 0; i < kMaxClimb && !node.empty() && !tree.count(node); ++i) {
    ASSIGN_OR_RETURN(std::optional<v1::Territory> t, process.Territory(node, pending));
    if (!t) break;
    node = t->parent_id();
    tree.emplace(t->id(), *std::move(t));
  }
  std::vector<process::Person> people;
  if (!territory.empty()) {
    ASSIGN_OR_RETURN(std::vector<v1::Rep> everyone, process.Reps());
    for (v1::Rep& rep : everyone) {
      ASSIGN_OR_RETURN(std::optional<v1::AlignmentHistory> history,
                       process.RepAlignment(rep.id(), pending));
      if (!history) continue;
      people.push_back({std::move(rep), *std::move(history)});
    }
  }
  return process::FindAlertOwner(territory, tree, people, at);
}

}  // namespace pharmacrm::sales_pipeline
