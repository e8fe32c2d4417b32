// Hospitals and their departments.
#include <algorithm>
#include <cstdint>
#include <initializer_list>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "generation.h"
#include "sampling.h"

namespace pharmacrm::demo::internal {
namespace {

struct GradeInfo {
  v1::HospitalGrade grade;
  int weight;
  int beds_lo, beds_hi;
  int departments_lo, departments_hi;
};

constexpr GradeInfo kGrades[] = {
    {v1::HOSPITAL_GRADE_3A, 20, 1000, 3500, 16, 24},
    {v1::HOSPITAL_GRADE_3B, 8, 600, 1500, 12, 20},
    {v1::HOSPITAL_GRADE_3C, 2, 500, 1000, 10, 16},
    {v1::HOSPITAL_GRADE_2A, 25, 300, 800, 9, 15},
    {v1::HOSPITAL_GRADE_2B, 10, 150, 500, 7, 12},
    {v1::HOSPITAL_GRADE_2C, 3, 100, 300, 6, 10},
    {v1::HOSPITAL_GRADE_1A, 10, 20, 100, 3, 6},
    {v1::HOSPITAL_GRADE_1B, 4, 20, 80, 3, 5},
    {v1::HOSPITAL_GRADE_1C, 2, 20, 60, 3, 5},
    {v1::HOSPITAL_GRADE_UNGRADED, 16, 20, 150, 3, 8},
};

enum class HospitalType {
  kGeneral,
  kTcm,
  kIntegrated,
  kOncology,
  kChildren,
  kMaternal,
  kEye,
  kDental,
  kOrthopedic,
  kCommunity,
};

struct HospitalName {
  std::string name;
  HospitalType type = HospitalType::kGeneral;
  bool is_private = false;
  bool military = false;
};

HospitalName NameHospital(DemoRng& rng, int level, Place* place) {
  const Geo& geo = GetGeo();
  const tables::Province& province = ProvinceOf(*place);
  const auto numerals = tables::ChineseNumerals();
  HospitalName out;
  if (level == 3) {
    // Affiliated hospitals of a university in the province, provincial
    // hospitals in the capital, city hospitals, military hospitals.
    std::vector<int> university_cities;
    for (int c : geo.provinces[place->province].cities) {
      if (!geo.cities[c].universities.empty()) university_cities.push_back(c);
    }
    const int weights[] = {university_cities.empty() ? 0 : 30, province.municipality ? 0 : 20, 45,
                           4};
    switch (PickIndex(rng, weights)) {
      case 0: {
        const int city = university_cities[rng.Below(university_cities.size())];
        *place = PlaceInCity(rng, city);
        const absl::string_view university =
            Pick(rng, std::span<const absl::string_view>(geo.cities[city].universities));
        if (absl::StrContains(university, "中医药")) {
          out.type = HospitalType::kTcm;
          out.name = rng.Chance(0.5)
                         ? absl::StrCat(university, "附属医院")
                         : absl::StrCat(university, "第", numerals[rng.Below(2)], "附属医院");
        } else if (rng.Chance(0.1)) {
          const bool children = rng.Chance(0.5);
          out.type = children ? HospitalType::kChildren : HospitalType::kOncology;
          out.name = absl::StrCat(university, children ? "附属儿童医院" : "附属肿瘤医院");
        } else {
          out.name = rng.Chance(0.6)
                         ? absl::StrCat(university, "附属第", numerals[rng.Below(4)], "医院")
                         : absl::StrCat(university, "第", numerals[rng.Below(3)], "附属医院");
        }
        return out;
      }
      case 1: {
        *place = PlaceInCity(rng, geo.provinces[place->province].cities[0]);
        static constexpr std::pair<absl::string_view, HospitalType> kProvincial[] = {
            {"人民医院", HospitalType::kGeneral},
            {"第二人民医院", HospitalType::kGeneral},
            {"中医院", HospitalType::kTcm},
            {"肿瘤医院", HospitalType::kOncology},
            {"妇幼保健院", HospitalType::kMaternal},
            {"儿童医院", HospitalType::kChildren},
            {"中西医结合医院", HospitalType::kIntegrated},
            {"眼科医院", HospitalType::kEye},
            {"口腔医院", HospitalType::kDental},
            {"骨科医院", HospitalType::kOrthopedic}};
        const auto& [suffix, type] = kProvincial[rng.Below(std::size(kProvincial))];
        out.name = absl::StrCat(province.full_name, suffix);
        out.type = type;
        return out;
      }
      case 2: {
        static constexpr std::pair<absl::string_view, HospitalType> kCity[] = {
            {"人民医院", HospitalType::kGeneral},     {"中心医院", HospitalType::kGeneral},
            {"中医院", HospitalType::kTcm},           {"中医医院", HospitalType::kTcm},
            {"肿瘤医院", HospitalType::kOncology},    {"妇幼保健院", HospitalType::kMaternal},
            {"儿童医院", HospitalType::kChildren},    {"中西医结合医院", HospitalType::kIntegrated},
            {"第一人民医院", HospitalType::kGeneral}, {"第二人民医院", HospitalType::kGeneral}};
        if (rng.Chance(0.4)) {
          out.name = absl::StrCat(CityPrefix(*place), "第", numerals[rng.Below(10)], "人民医院");
        } else {
          const auto& [suffix, type] = kCity[rng.Below(std::size(kCity))];
          out.name = absl::StrCat(CityPrefix(*place), suffix);
          out.type = type;
        }
        return out;
      }
      default:
        out.name = absl::StrCat("中国人民解放军联勤保障部队第9", Digits(rng, 2), "医院");
        out.military = true;
        return out;
    }
  }
  static constexpr std::pair<absl::string_view, HospitalType> kPrivate[] = {
      {"医院", HospitalType::kGeneral},      {"医院", HospitalType::kGeneral},
      {"妇产医院", HospitalType::kMaternal}, {"眼科医院", HospitalType::kEye},
      {"口腔医院", HospitalType::kDental},   {"骨科医院", HospitalType::kOrthopedic},
      {"中医医院", HospitalType::kTcm}};
  const std::string city_district = absl::StrCat(CityPrefix(*place), DistrictOf(*place));
  if (level == 2) {
    const int weights[] = {20, 25, 15, 10, 5, 25};
    switch (PickIndex(rng, weights)) {
      case 0:
        out.name = absl::StrCat(CityPrefix(*place), "第", numerals[1 + rng.Below(11)], "人民医院");
        return out;
      case 1:
        out.name = absl::StrCat(city_district, "人民医院");
        return out;
      case 2:
        out.name = absl::StrCat(city_district, "中医医院");
        out.type = HospitalType::kTcm;
        return out;
      case 3:
        out.name = absl::StrCat(city_district, "妇幼保健院");
        out.type = HospitalType::kMaternal;
        return out;
      case 4:
        out.name = absl::StrCat(CityPrefix(*place), "中西医结合医院");
        out.type = HospitalType::kIntegrated;
        return out;
      default:
        break;
    }
  } else if (rng.Chance(level == 1 ? 0.65 : 0.3)) {
    out.name = absl::StrCat(city_district, RoadStem(rng), "街道社区卫生服务中心");
    out.type = HospitalType::kCommunity;
    return out;
  }
  const auto& [suffix, type] = kPrivate[rng.Below(std::size(kPrivate))];
  out.name = absl::StrCat(CityOf(*place).short_name, Pick(rng, tables::HospitalBrands()), suffix);
  out.type = type;
  out.is_private = true;
  return out;
}

std::vector<int> DepartmentNames(std::initializer_list<absl::string_view> names) {
  std::vector<int> out;
  for (absl::string_view n : names) out.push_back(DepartmentIndex(n));
  return out;
}

// Table indexes, in table order.
std::vector<int> PickDepartments(DemoRng& rng, HospitalType type, int level, int count) {
  std::vector<int> core;
  bool fill = true;
  switch (type) {
    case HospitalType::kCommunity:
      core = DepartmentNames({"全科医学科", "中医科", "康复医学科", "口腔科", "儿科", "妇产科"});
      fill = false;
      break;
    case HospitalType::kOncology:
      core = DepartmentNames({"肿瘤科", "血液科", "普外科", "心胸外科", "妇产科", "泌尿外科",
                              "消化内科", "呼吸内科", "中医科", "麻醉科", "重症医学科"});
      fill = false;
      break;
    case HospitalType::kChildren:
      core = DepartmentNames({"儿科", "急诊科", "普外科", "骨科", "耳鼻喉科", "眼科", "口腔科",
                              "皮肤科", "重症医学科", "神经内科", "呼吸内科", "消化内科"});
      fill = false;
      break;
    case HospitalType::kMaternal:
      core = DepartmentNames(
          {"妇产科", "儿科", "中医科", "口腔科", "皮肤科", "麻醉科", "内分泌科", "全科医学科"});
      fill = false;
      break;
    case HospitalType::kEye:
      core = DepartmentNames({"眼科", "麻醉科", "内分泌科"});
      fill = false;
      break;
    case HospitalType::kDental:
      core = DepartmentNames({"口腔科", "麻醉科"});
      fill = false;
      break;
    case HospitalType::kOrthopedic:
      core = DepartmentNames({"骨科", "康复医学科", "麻醉科", "急诊科", "中医科"});
      fill = false;
      break;
    case HospitalType::kTcm:
    case HospitalType::kIntegrated:
      core = DepartmentNames({"中医科", "心内科", "呼吸内科", "消化内科", "骨科", "康复医学科"});
      break;
    case HospitalType::kGeneral:
      core = level >= 3
                 ? DepartmentNames({"心内科", "呼吸内科", "消化内科", "普外科", "骨科", "儿科",
                                    "妇产科", "急诊科", "肿瘤科", "内分泌科", "神经内科"})
                 : DepartmentNames(
                       {"心内科", "呼吸内科", "普外科", "儿科", "妇产科", "急诊科", "骨科"});
      break;
  }
  std::vector<int> chosen;
  for (int d : core) {
    if (static_cast<int>(chosen.size()) < count) chosen.push_back(d);
  }
  if (fill) {
    const auto departments = tables::Departments();
    while (static_cast<int>(chosen.size()) < count && chosen.size() < departments.size()) {
      const int d = static_cast<int>(PickWeighted(
          rng, departments, [](const tables::Department& x) { return x.visit_weight; }));
      if (std::find(chosen.begin(), chosen.end(), d) == chosen.end()) chosen.push_back(d);
    }
  }
  std::sort(chosen.begin(), chosen.end());
  return chosen;
}

void FillCommittee(DemoRng& rng, int members,
                   google::protobuf::RepeatedPtrField<v1::CommitteeMember>* committee) {
  for (int i = 0; i < members; ++i) {
    v1::CommitteeMember* m = committee->Add();
    m->set_name(PersonName(rng, RandomGender(rng, 0.6)));
    m->set_role(i == 0 ? "主任委员" : i <= 2 ? "副主任委员" : "委员");
  }
}

}  // namespace

DemoRecord Generation::NewHospital(DemoRng& rng, const std::string& external_id, HospitalRef* ref) {
  const GradeInfo& g = kGrades[PickWeighted(rng, std::span<const GradeInfo>(kGrades),
                                            [](const GradeInfo& x) { return x.weight; })];
  const int level = HospitalLevel(g.grade);
  Place place = PickPlace(rng);
  HospitalName name;
  for (int attempt = 0;; ++attempt) {
    Place candidate = place;
    name = NameHospital(rng, level, &candidate);
    if (attempt >= 30) {  // Crowded city: a campus name makes it unique.
      absl::StrAppend(&name.name, "（", DistrictOf(candidate), "院区",
                      attempt > 30 ? absl::StrCat(attempt - 29) : std::string(), "）");
    }
    if (Claim(&hospital_names_, name.name)) {
      place = candidate;
      break;
    }
  }

  DemoRecord r;
  r.external_id = external_id;
  v1::CustomerProfile& p = r.profile;
  p.set_kind(v1::CUSTOMER_KIND_HOSPITAL);
  p.set_name(name.name);
  p.set_province(std::string(ProvinceOf(place).full_name));
  p.set_city(std::string(ProvinceOf(place).municipality ? ProvinceOf(place).full_name
                                                        : CityOf(place).city->name));
  p.set_district(std::string(DistrictOf(place)));
  p.set_address(absl::StrCat(AddressPrefix(place), StreetAddress(rng)));
  const std::string switchboard = Landline(rng, place);
  p.set_phone(switchboard);
  p.set_hospital_grade(g.grade);

  v1::HospitalDetails& h = *p.mutable_hospital();
  h.set_postcode(Postcode(rng, place));
  h.set_switchboard(switchboard);
  if (rng.Chance(0.7)) h.set_fax(Landline(rng, place));
  int beds = static_cast<int>(rng.Between(g.beds_lo, g.beds_hi));
  // Eye and dental hospitals treat outpatients; few beds.
  if (name.type == HospitalType::kEye || name.type == HospitalType::kDental) {
    beds = std::max(20, beds / 5);
  } else if (name.is_private && name.type != HospitalType::kGeneral) {
    beds = std::max(20, beds / 2);
  }
  const int staff = std::max(30, static_cast<int>(beds * rng.Between(13, 17) / 10));
  const int doctors = std::max(8, static_cast<int>(staff * rng.Between(28, 35) / 100));
  h.set_bed_count(beds);
  h.set_staff_count(staff);
  h.set_doctor_count(doctors);

  const int department_count = static_cast<int>(rng.Between(g.departments_lo, g.departments_hi));
  std::vector<int> departments = PickDepartments(rng, name.type, level, department_count);
  std::vector<int64_t> weights;
  int64_t weight_sum = 0;
  for (int d : departments) {
    weights.push_back(tables::Departments()[d].visit_weight * rng.Between(80, 120));
    weight_sum += weights.back();
  }
  const absl::string_view switchboard_local =
      absl::string_view(switchboard).substr(switchboard.find('-') + 1, 4);
  std::vector<int> department_doctors;
  for (size_t i = 0; i < departments.size(); ++i) {
    v1::Department* d = h.add_departments();
    d->set_name(std::string(tables::Departments()[departments[i]].name));
    d->set_phone(
        absl::StrCat(CityOf(place).city->area_code, "-", switchboard_local, Digits(rng, 4)));
    const int n = std::max<int>(1, static_cast<int>(doctors * weights[i] / weight_sum));
    d->set_doctor_count(n);
    department_doctors.push_back(n);
  }
  h.set_legal_representative(PersonName(rng, RandomGender(rng, 0.8)));
  FillCommittee(
      rng, level >= 2 ? static_cast<int>(rng.Between(5, 9)) : static_cast<int>(rng.Between(3, 5)),
      h.mutable_pharmacy_committee());
  if (level >= 2)
    FillCommittee(rng, static_cast<int>(rng.Between(3, 6)), h.mutable_device_committee());
  if (level == 3) {
    h.set_organisation_structure(absl::StrCat(
        "党委、院长办公室、医务部、护理部、药学部、医学装备部、财务处、信息中心；临床科室",
        departments.size(), "个"));
  } else if (name.type == HospitalType::kCommunity) {
    h.set_organisation_structure("主任办公室、全科诊室、中医诊室、药房、公共卫生科");
  } else {
    h.set_organisation_structure(absl::StrCat(
        "院长办公室、医务科、护理部、药剂科、设备科、财务科；临床科室", departments.size(), "个"));
  }
  FillBank(rng, place, h.mutable_bank());
  const int chief_share[] = {2, 6, 12};
  const int associate_share[] = {10, 16, 22};
  const int attending_share[] = {40, 38, 33};
  const int li = std::max(0, level - 1);
  const int chief = doctors * chief_share[li] / 100;
  const int associate = doctors * associate_share[li] / 100;
  const int attending = doctors * attending_share[li] / 100;
  h.set_chief_physician_count(chief);
  h.set_associate_chief_physician_count(associate);
  h.set_attending_physician_count(attending);
  h.set_resident_physician_count(doctors - chief - associate - attending);
  if (name.is_private) {
    h.set_drug_purchasing_process("科室申请→药剂科比价→院长审批→商业公司配送");
  } else if (name.type == HospitalType::kCommunity) {
    h.set_drug_purchasing_process("按基本药物目录在省级平台采购，由区卫生健康委统一配送");
  } else if (level == 3) {
    h.set_drug_purchasing_process(
        "临床科室申请→药学部审核→药事管理与药物治疗学委员会遴选→省级集中采购平台采购");
  } else {
    h.set_drug_purchasing_process("科室申请→药剂科审核→药事委员会讨论→省级平台挂网采购");
  }
  h.set_customer_since(RandomDate(rng, 2010, 2026));
  if (name.military) {
    h.set_ownership(v1::OWNERSHIP_FORM_MILITARY);
  } else if (name.is_private) {
    const int weights_private[] = {85, 10, 5};
    const v1::OwnershipForm forms[] = {v1::OWNERSHIP_FORM_PRIVATE, v1::OWNERSHIP_FORM_JOINT_VENTURE,
                                       v1::OWNERSHIP_FORM_FOREIGN};
    h.set_ownership(forms[PickIndex(rng, weights_private)]);
  } else {
    h.set_ownership(name.type == HospitalType::kCommunity && rng.Chance(0.1)
                        ? v1::OWNERSHIP_FORM_COLLECTIVE
                        : v1::OWNERSHIP_FORM_PUBLIC);
  }
  if (rng.Chance(0.1)) FillDestroyedDrugs(rng, h.mutable_destroyed_drugs());
  h.set_social_credit_code(
      SocialCreditCode(rng, name.is_private ? (rng.Chance(0.6) ? "52" : "91") : "12", place));

  if (ref != nullptr) {
    ref->external_id = external_id;
    ref->name = name.name;
    ref->place = place;
    ref->address = p.address();
    ref->grade = g.grade;
    ref->departments = std::move(departments);
    ref->department_doctors = std::move(department_doctors);
    ref->doctors = doctors;
  }
  return r;
}

void Generation::GenerateHospitals() {
  DemoRng rng(MixSeed(seed_, kHospitalStream));
  Reservoir reservoir(kReservoirCapacity);
  for (int i = 0; i < size_.hospitals; ++i) {
    const std::string id = absl::StrFormat("HOSP-%06d", i + 1);
    const Slot slot = DecideSlot(rng, true, &reservoir, i);
    if (slot == Slot::kDuplicate) {
      EmitDuplicate(rng, id, *reservoir.Sample(rng));
      continue;
    }
    HospitalRef ref;
    DemoRecord r = NewHospital(rng, id, &ref);
    if (slot == Slot::kDirty) {
      MakeDirty(rng, &r);
    } else {
      hospital_doctor_total_ += ref.doctors;
      hospital_cumulative_.push_back(hospital_doctor_total_);
      hospitals_.push_back(std::move(ref));
      reservoir.Offer(rng, r);
    }
    sink_(r);
  }
}

}  // namespace pharmacrm::demo::internal
