#include "domain/process/target_inputs.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::process {
namespace {

Level LevelOf(v1::TerritoryLevel level) {
  switch (level) {
    case v1::TERRITORY_LEVEL_NATION:
      return Level::kNation;
    case v1::TERRITORY_LEVEL_REGION:
      return Level::kRegion;
    case v1::TERRITORY_LEVEL_AREA:
      return Level::kArea;
    default:
      return Level::kTerritory;
  }
}

}  // namespace

double GradeScore(v1::HospitalGrade grade) {
  switch (grade) {
    case v1::HOSPITAL_GRADE_3A:
      return 10;
    case v1::HOSPITAL_GRADE_3B:
      return 9;
    case v1::HOSPITAL_GRADE_3C:
      return 8;
    case v1::HOSPITAL_GRADE_2A:
      return 6;
    case v1::HOSPITAL_GRADE_2B:
      return 5;
    case v1::HOSPITAL_GRADE_2C:
      return 4;
    case v1::HOSPITAL_GRADE_1A:
    case v1::HOSPITAL_GRADE_1B:
    case v1::HOSPITAL_GRADE_1C:
      return 2;
    case v1::HOSPITAL_GRADE_UNGRADED:
      return 1;
    default:
      return 0;
  }
}

absl::string_view DoctorClassName(DoctorClass doctor_class) {
  switch (doctor_class) {
    case DoctorClass::kA:
      return "A";
    case DoctorClass::kB:
      return "B";
    case DoctorClass::kC:
      return "C";
    case DoctorClass::kNone:
      break;
  }
  return "";
}

DoctorClass ClassifyDoctor(int64_t prescriptions, int months, const DoctorClassRule& rule) {
  if (prescriptions <= 0 || months <= 0) return DoctorClass::kNone;
  // Compared as totals, so no rounding: A when prescriptions >= a × months.
  if (prescriptions >= rule.a_per_month * months) return DoctorClass::kA;
  if (prescriptions >= rule.b_per_month * months) return DoctorClass::kB;
  return DoctorClass::kC;
}

bool KeepMetrics(const std::optional<v1::CustomerMetrics>& current,
                 const v1::CustomerMetrics& incoming) {
  if (!incoming.department().empty()) return false;
  if (!incoming.has_hospital() && !incoming.has_doctor() && !incoming.has_pharmacy()) return false;
  return !current || current->version() <= incoming.version();
}

ClassFigures ClassFiguresOf(const v1::CustomerMetrics& metrics, absl::string_view drug_class) {
  ClassFigures out;
  auto add = [&](const google::protobuf::RepeatedPtrField<v1::DrugClassFigure>& figures,
                 int64_t* into) {
    for (const v1::DrugClassFigure& f : figures) {
      if (f.drug_class() == drug_class) *into += f.volume();
    }
  };
  if (metrics.has_hospital()) {
    add(metrics.hospital().own_prescriptions(), &out.own);
    add(metrics.hospital().prescriptions(), &out.all);
  } else if (metrics.has_doctor()) {
    add(metrics.doctor().own_prescriptions(), &out.own);
    add(metrics.doctor().prescriptions(), &out.all);
  } else if (metrics.has_pharmacy()) {
    add(metrics.pharmacy().own_sales(), &out.own);
    add(metrics.pharmacy().sales(), &out.all);
  }
  return out;
}

absl::StatusOr<TargetTree> BuildTargetTree(const std::vector<v1::Territory>& territories,
                                           const std::vector<TargetCustomer>& customers) {
  TargetTree tree;
  absl::flat_hash_map<std::string, const v1::Territory*> by_id;
  const v1::Territory* nation = nullptr;
  for (const v1::Territory& t : territories) {
    by_id[t.id()] = &t;
    if (t.level() == v1::TERRITORY_LEVEL_NATION) {
      if (nation != nullptr) {
        return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "territories",
                                 "more than one NATION territory is known");
      }
      nation = &t;
    }
  }
  if (nation == nullptr) {
    return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "territories",
                             "no NATION territory is known to sales-pipeline yet (customer-master "
                             "publishes its territories as TerritoryChanged)");
  }
  // The customers of each TERRITORY, and the territories that have any
  // below them.
  std::map<std::string, std::vector<const TargetCustomer*>> of_territory;
  for (const TargetCustomer& c : customers) {
    if (c.kind != v1::CUSTOMER_KIND_HOSPITAL && c.kind != v1::CUSTOMER_KIND_PHARMACY) continue;
    auto t = by_id.find(c.territory_id);
    if (c.territory_id.empty() || t == by_id.end() ||
        t->second->level() != v1::TERRITORY_LEVEL_TERRITORY) {
      tree.missing_inputs.push_back(
          absl::StrCat(c.name, " (", c.id, ") is not aligned to a territory: left out"));
      continue;
    }
    of_territory[c.territory_id].push_back(&c);
  }
  std::set<std::string> used;
  for (const auto& [territory_id, members] : of_territory) {
    // Up the tree to the nation; a territory cut off from it is left out.
    std::vector<std::string> path;
    const v1::Territory* t = by_id[territory_id];
    for (int hop = 0; t != nullptr && hop < 8; ++hop) {
      path.push_back(t->id());
      if (t == nation) break;
      auto parent = by_id.find(t->parent_id());
      t = parent == by_id.end() ? nullptr : parent->second;
    }
    if (t != nation) {
      tree.missing_inputs.push_back(absl::StrCat("territory ", territory_id,
                                                 " is not under the nation: its ",
                                                 members.size(), " customers are left out"));
      continue;
    }
    used.insert(path.begin(), path.end());
  }
  if (used.empty()) {
    return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "territories",
                             "no hospital or pharmacy is aligned to a territory under the nation");
  }
  for (const v1::Territory& t : territories) {
    if (!used.count(t.id())) {
      if (t.level() == v1::TERRITORY_LEVEL_TERRITORY) {
        tree.missing_inputs.push_back(
            absl::StrCat("territory ", t.name(), " (", t.id(), ") has no customers: left out"));
      }
      continue;
    }
    Node node;
    node.id = t.id();
    node.parent_id = &t == nation ? "" : t.parent_id();
    node.level = LevelOf(t.level());
    node.name = t.name();
    tree.nodes.push_back(std::move(node));
  }
  for (const auto& [territory_id, members] : of_territory) {
    if (!used.count(territory_id)) continue;
    for (const TargetCustomer* c : members) {
      Node node;
      node.id = c->id;
      node.parent_id = territory_id;
      node.level = Level::kCustomer;
      node.name = c->name;
      node.factors.grade_score = GradeScore(c->grade);
      node.factors.doctors_a = c->doctors_a;
      node.factors.doctors_b = c->doctors_b;
      node.factors.doctors_c = c->doctors_c;
      // Returns can make a period's net sales negative: counted as none.
      bool negative = false;
      auto at_least_zero = [&negative](int64_t v) {
        if (v < 0) negative = true;
        return std::max<int64_t>(v, 0);
      };
      node.factors.last_year_sales = at_least_zero(c->last_year_sales);
      node.factors.sales_year_before = at_least_zero(c->sales_year_before);
      node.factors.market_size = at_least_zero(c->market);
      node.factors.prescriptions = static_cast<double>(at_least_zero(c->own_prescriptions));
      node.sold_so_far = at_least_zero(c->sold_so_far);
      for (size_t m = 0; m < node.last_year_by_month.size(); ++m) {
        node.last_year_by_month[m] = at_least_zero(c->last_year_by_month[m]);
      }
      if (negative) {
        tree.missing_inputs.push_back(absl::StrCat(
            c->name, " (", c->id, "): net returns made a figure negative; counted as 0"));
      }
      if (!c->has_metrics) {
        tree.missing_inputs.push_back(absl::StrCat(
            "no metrics of the year before for ", c->name, " (", c->id,
            "): its prescriptions, market and doctors count as 0"));
      }
      tree.nodes.push_back(std::move(node));
    }
  }
  return tree;
}

}  // namespace pharmacrm::sales_pipeline::process
