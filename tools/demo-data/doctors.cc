// Doctors of the clean original hospitals.
#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "generation.h"
#include "sampling.h"

namespace pharmacrm::demo::internal {
namespace {

struct TitleInfo {
  v1::ProfessionalTitle title;
  absl::string_view name;
  int age_lo, age_hi;
  int share_by_level[4];  // Ungraded, level 1, 2, 3.
};

constexpr TitleInfo kDoctorTitles[] = {
    {v1::PROFESSIONAL_TITLE_CHIEF_PHYSICIAN, "主任医师", 45, 64, {4, 3, 8, 15}},
    {v1::PROFESSIONAL_TITLE_ASSOCIATE_CHIEF_PHYSICIAN, "副主任医师", 38, 58, {12, 12, 20, 25}},
    {v1::PROFESSIONAL_TITLE_ATTENDING_PHYSICIAN, "主治医师", 30, 50, {44, 45, 40, 32}},
    {v1::PROFESSIONAL_TITLE_RESIDENT_PHYSICIAN, "住院医师", 24, 36, {40, 40, 32, 28}},
};

}  // namespace

DemoRecord Generation::NewDoctor(DemoRng& rng, const std::string& external_id) {
  const int64_t pick =
      static_cast<int64_t>(rng.Below(static_cast<uint64_t>(hospital_doctor_total_)));
  const size_t hi = static_cast<size_t>(
      std::upper_bound(hospital_cumulative_.begin(), hospital_cumulative_.end(), pick) -
      hospital_cumulative_.begin());
  const HospitalRef& hospital = hospitals_[std::min(hi, hospitals_.size() - 1)];
  const size_t di = PickIndex(rng, hospital.department_doctors);
  const tables::Department& department = tables::Departments()[hospital.departments[di]];
  const int level = HospitalLevel(hospital.grade);
  const TitleInfo& title =
      kDoctorTitles[PickWeighted(rng, std::span<const TitleInfo>(kDoctorTitles),
                                 [level](const TitleInfo& t) { return t.share_by_level[level]; })];
  const bool senior = title.title == v1::PROFESSIONAL_TITLE_CHIEF_PHYSICIAN ||
                      title.title == v1::PROFESSIONAL_TITLE_ASSOCIATE_CHIEF_PHYSICIAN;
  double male_share = senior ? 0.65 : 0.5;
  if (department.name == "妇产科") male_share = 0.1;
  const v1::Gender gender = RandomGender(rng, male_share);
  const int age = static_cast<int>(rng.Between(title.age_lo, title.age_hi));
  const int birth_year = kLastPeriodYear - age;

  DemoRecord r;
  r.external_id = external_id;
  v1::CustomerProfile& p = r.profile;
  p.set_kind(v1::CUSTOMER_KIND_DOCTOR);
  p.set_name(PersonName(rng, gender));
  p.set_province(std::string(ProvinceOf(hospital.place).full_name));
  p.set_city(std::string(ProvinceOf(hospital.place).municipality
                             ? ProvinceOf(hospital.place).full_name
                             : CityOf(hospital.place).city->name));
  p.set_district(std::string(DistrictOf(hospital.place)));
  p.set_address(hospital.address);
  const std::string mobile = Mobile(rng);
  p.set_phone(mobile);
  p.set_hospital_id(hospital.external_id);
  p.set_department(std::string(department.name));
  p.set_title(std::string(title.name));

  v1::DoctorDetails& d = *p.mutable_doctor();
  v1::PersonDetails& person = *d.mutable_person();
  person.set_gender(gender);
  const int birth_day = static_cast<int>(rng.Between(1, 28));
  const int birth_month = static_cast<int>(rng.Between(1, 12));
  person.set_birth_date(Date(birth_year, birth_month, birth_day));
  if (rng.Chance(0.7)) {
    if (age < 28 && rng.Chance(0.7)) {
      person.set_marital_status(v1::MARITAL_STATUS_SINGLE);
    } else {
      const int weights[] = {6, 88, 5, 1};
      const v1::MaritalStatus statuses[] = {v1::MARITAL_STATUS_SINGLE, v1::MARITAL_STATUS_MARRIED,
                                            v1::MARITAL_STATUS_DIVORCED,
                                            v1::MARITAL_STATUS_WIDOWED};
      person.set_marital_status(statuses[PickIndex(rng, weights)]);
    }
  }
  const int education_weights[4][5] = {
      {10, 40, 45, 5, 0}, {10, 40, 45, 5, 0}, {0, 10, 60, 28, 2}, {0, 0, 15, 40, 45}};
  auto education = static_cast<v1::Education>(1 + PickIndex(rng, education_weights[level]));
  // Eight years to a doctorate, seven to a master's degree.
  if (education == v1::EDUCATION_DOCTORATE && age < 27) education = v1::EDUCATION_MASTER;
  if (education == v1::EDUCATION_MASTER && age < 25) education = v1::EDUCATION_BACHELOR;
  person.set_education(education);
  if (rng.Chance(0.6)) {
    std::vector<absl::string_view> local;
    for (int c : GetGeo().provinces[hospital.place.province].cities) {
      for (absl::string_view u : GetGeo().cities[c].universities) local.push_back(u);
    }
    person.set_university(std::string(!local.empty() && rng.Chance(0.6)
                                          ? Pick(rng, std::span<const absl::string_view>(local))
                                          : Pick(rng, tables::NationalUniversities())));
  }
  if (rng.Chance(0.5)) person.set_native_place(NativePlace(rng));
  if (title.title == v1::PROFESSIONAL_TITLE_CHIEF_PHYSICIAN) {
    const double u = rng.Unit();
    if (u < 0.25) {
      person.set_position("科主任");
    } else if (u < 0.45) {
      person.set_position("科副主任");
    } else if (u < 0.47 && level == 3) {
      person.set_position("副院长");
    }
  } else if (title.title == v1::PROFESSIONAL_TITLE_ASSOCIATE_CHIEF_PHYSICIAN && rng.Chance(0.2)) {
    person.set_position(rng.Chance(0.5) ? "科副主任" : "医疗组长");
  }
  person.set_mobile(mobile);
  if (rng.Chance(0.6)) person.set_email(Email(rng, mobile));
  if (rng.Chance(0.3)) person.set_personality(std::string(Pick(rng, tables::Personalities())));
  if (rng.Chance(0.15)) person.set_home_address(HomeAddress(rng, hospital.place));
  if (person.marital_status() == v1::MARITAL_STATUS_MARRIED && rng.Chance(0.15)) {
    person.set_spouse_name(
        PersonName(rng, gender == v1::GENDER_MALE ? v1::GENDER_FEMALE : v1::GENDER_MALE));
  }
  if (title.title != v1::PROFESSIONAL_TITLE_RESIDENT_PHYSICIAN && rng.Chance(0.4)) {
    const int graduated = birth_year + static_cast<int>(rng.Between(24, 28));
    const int moved = std::min(2024, graduated + static_cast<int>(rng.Between(3, 10)));
    const HospitalRef& earlier = hospitals_[rng.Below(hospitals_.size())];
    if (earlier.external_id != hospital.external_id && moved > graduated) {
      person.add_work_history(
          absl::StrCat(graduated, "-", moved, " ", earlier.name, department.name));
      person.add_work_history(absl::StrCat(moved, "至今 ", hospital.name, department.name));
    }
  }
  if (senior && rng.Chance(title.title == v1::PROFESSIONAL_TITLE_CHIEF_PHYSICIAN ? 0.5 : 0.2)) {
    static constexpr absl::string_view kRoles[] = {"委员", "青年委员", "常务委员"};
    person.add_social_roles(absl::StrCat("中华医学会", department.society, "分会",
                                         Pick(rng, std::span<const absl::string_view>(kRoles))));
    if (rng.Chance(0.5)) {
      static constexpr absl::string_view kLocalRoles[] = {"主任委员", "副主任委员", "委员"};
      person.add_social_roles(
          absl::StrCat(ProvinceOf(hospital.place).short_name, "医学会", department.society,
                       "专业委员会", Pick(rng, std::span<const absl::string_view>(kLocalRoles))));
    }
  }
  if (rng.Chance(0.4)) {
    const int n = static_cast<int>(rng.Between(1, 2));
    for (int i = 0; i < n; ++i) person.add_hobbies(std::string(Pick(rng, tables::Hobbies())));
    if (n == 2 && person.hobbies(0) == person.hobbies(1)) person.mutable_hobbies()->RemoveLast();
  }
  person.set_professional_title(title.title);
  if (rng.Chance(0.6))
    person.set_best_time_to_call(std::string(Pick(rng, tables::BestTimesToCall())));
  const std::vector<absl::string_view> specialties = Words(department.specialties);
  d.set_academic_specialty(std::string(Pick(rng, std::span<const absl::string_view>(specialties))));
  return r;
}

void Generation::GenerateDoctors() {
  if (hospitals_.empty()) return;
  DemoRng rng(MixSeed(seed_, kDoctorStream));
  Reservoir reservoir(kReservoirCapacity);
  for (int i = 0; i < size_.doctors; ++i) {
    const std::string id = absl::StrFormat("DOC-%06d", i + 1);
    const Slot slot = DecideSlot(rng, true, &reservoir, i);
    if (slot == Slot::kDuplicate) {
      EmitDuplicate(rng, id, *reservoir.Sample(rng));
      continue;
    }
    DemoRecord r = NewDoctor(rng, id);
    if (slot == Slot::kDirty) {
      MakeDirty(rng, &r);
    } else {
      reservoir.Offer(rng, r);
    }
    sink_(r);
  }
}

}  // namespace pharmacrm::demo::internal
