#include "domain/process/alert_owner.h"

#include <set>

#include "absl/strings/str_cat.h"
#include "domain/channel/dates.h"
#include "domain/process/organisation.h"

namespace pharmacrm::sales_pipeline::process {
namespace {

// Territories climbed at most (nation > region > area > territory, with
// room for deeper trees); a cycle in bad data ends earlier.
constexpr int kMaxClimb = 16;

// "北京东城 (T1)", or the id alone when the territory is not known.
std::string Label(const std::map<std::string, v1::Territory>& territories, const std::string& id) {
  auto it = territories.find(id);
  if (it == territories.end() || it->second.name().empty()) return id;
  return absl::StrCat(it->second.name(), " (", id, ")");
}

// The first by id of the people employed on `day` and aligned to
// `territory_id` at `at` whose role is a rep (`reps`) or a manager.
std::string FirstAt(const std::vector<Person>& people, const std::string& territory_id,
                    absl::Time at, absl::CivilDay day, bool reps) {
  std::string found;
  for (const Person& p : people) {
    const bool is_rep = p.rep.role() == v1::SALES_ROLE_REP;
    if (is_rep != reps || p.rep.role() == v1::SALES_ROLE_UNSPECIFIED) continue;
    if (!EmployedOn(p.rep, day) || TerritoryAt(p.alignments, at) != territory_id) continue;
    if (found.empty() || p.rep.id() < found) found = p.rep.id();
  }
  return found;
}

}  // namespace

AlertOwner FindAlertOwner(const std::string& territory_id,
                          const std::map<std::string, v1::Territory>& territories,
                          const std::vector<Person>& people, absl::Time at) {
  const absl::CivilDay day = channel::ChinaDay(at);
  const std::string date = channel::FormatDate(day);
  AlertOwner owner;
  owner.territory_id = territory_id;
  if (territory_id.empty()) {
    owner.assignment = absl::StrCat("unassigned: the customer is in no territory on ", date);
    owner.assignment_zh = absl::StrCat("未分配：该客户 ", date, " 不属于任何辖区");
    return owner;
  }
  const std::string home = Label(territories, territory_id);
  owner.person_id = FirstAt(people, territory_id, at, day, /*reps=*/true);
  if (!owner.person_id.empty()) {
    owner.assignment = absl::StrCat("the rep of ", home, " on ", date);
    owner.assignment_zh = absl::StrCat(date, " ", home, " 的医药代表");
    return owner;
  }
  std::set<std::string> climbed;
  std::string node = territory_id;
  for (int i = 0; i < kMaxClimb && !node.empty() && climbed.insert(node).second; ++i) {
    owner.person_id = FirstAt(people, node, at, day, /*reps=*/false);
    if (!owner.person_id.empty()) {
      const std::string where = Label(territories, node);
      owner.assignment = absl::StrCat("no rep in ", home, " on ", date, ": the manager of ", where);
      owner.assignment_zh =
          absl::StrCat(date, " ", home, " 无在职医药代表，由 ", where, " 的经理负责");
      return owner;
    }
    auto it = territories.find(node);
    node = it == territories.end() ? "" : it->second.parent_id();
  }
  owner.assignment =
      absl::StrCat("unassigned: nobody has ", home, " or a territory above it on ", date);
  owner.assignment_zh = absl::StrCat("未分配：", date, " ", home, " 及其上级辖区均无负责人");
  return owner;
}

}  // namespace pharmacrm::sales_pipeline::process
