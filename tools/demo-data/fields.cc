#include "fields.h"

#include <cstddef>
#include <span>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "sampling.h"

namespace pharmacrm::demo {
namespace internal {
namespace {

Geo BuildGeo() {
  Geo geo;
  for (const tables::Province& p : tables::Provinces()) {
    geo.provinces.push_back(ProvinceInfo{&p, {}});
  }
  for (const tables::City& c : tables::Cities()) {
    CityInfo info;
    info.city = &c;
    for (size_t i = 0; i < geo.provinces.size(); ++i) {
      if (geo.provinces[i].province->code == c.province_code) info.province = static_cast<int>(i);
    }
    info.short_name = absl::StripSuffix(c.name, "市");
    info.districts = Words(c.districts);
    info.universities = Words(c.universities);
    geo.provinces[info.province].cities.push_back(static_cast<int>(geo.cities.size()));
    geo.cities.push_back(std::move(info));
  }
  return geo;
}

constexpr absl::string_view kCreditAlphabet = "0123456789ABCDEFGHJKLMNPQRTUWXY";
constexpr int kCreditWeights[17] = {1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28};

// GB 11714 organisation code: 8 characters and a check character.
std::string OrganisationCode(DemoRng& rng) {
  static constexpr int kWeights[8] = {3, 7, 9, 10, 5, 8, 4, 2};
  std::string body;
  if (rng.Chance(0.5)) {
    body = "MA";  // Registered since 2015.
    while (body.size() < 8) body.push_back(kCreditAlphabet[rng.Below(kCreditAlphabet.size())]);
  } else {
    const std::string rest = Digits(rng, 7);
    body = absl::StrCat(rng.Between(1, 9), rest);
  }
  int sum = 0;
  for (size_t i = 0; i < 8; ++i) {
    const char c = body[i];
    const int value = c >= '0' && c <= '9' ? c - '0' : c - 'A' + 10;
    sum += value * kWeights[i];
  }
  const int check = 11 - sum % 11;
  body.push_back(check == 10 ? 'X' : check == 11 ? '0' : static_cast<char>('0' + check));
  return body;
}

// 中国工商银行广州越秀支行; 中国银行荆州分行 where the district is named
// after the city.
std::string BankBranch(DemoRng& rng, const Place& p) {
  absl::string_view district = DistrictOf(p);
  absl::ConsumeSuffix(&district, "区");
  const absl::string_view bank = Pick(rng, tables::Banks());
  if (district == CityOf(p).short_name) return absl::StrCat(bank, CityOf(p).short_name, "分行");
  return absl::StrCat(bank, CityOf(p).short_name, district, "支行");
}

}  // namespace

// --- Geography -------------------------------------------------------------

const Geo& GetGeo() {
  static const Geo* const geo = new Geo(BuildGeo());
  return *geo;
}

const tables::Province& ProvinceOf(const Place& p) {
  return *GetGeo().provinces[p.province].province;
}
const CityInfo& CityOf(const Place& p) { return GetGeo().cities[p.city]; }
absl::string_view DistrictOf(const Place& p) { return CityOf(p).districts[p.district]; }

Place PlaceInCity(DemoRng& rng, int city) {
  Place p;
  p.city = city;
  p.province = GetGeo().cities[city].province;
  p.district = static_cast<int>(rng.Below(GetGeo().cities[city].districts.size()));
  return p;
}

int PickCityOf(DemoRng& rng, int province) {
  const std::vector<int>& cities = GetGeo().provinces[province].cities;
  const size_t i = PickWeighted(rng, std::span<const int>(cities),
                                [](int c) { return GetGeo().cities[c].city->weight; });
  return cities[i];
}

Place PickPlace(DemoRng& rng) {
  const size_t province = PickWeighted(rng, tables::Provinces(),
                                       [](const tables::Province& p) { return p.population; });
  return PlaceInCity(rng, PickCityOf(rng, static_cast<int>(province)));
}

std::string AddressPrefix(const Place& p) {
  const tables::Province& province = ProvinceOf(p);
  if (province.municipality) return absl::StrCat(province.full_name, DistrictOf(p));
  return absl::StrCat(province.full_name, CityOf(p).city->name, DistrictOf(p));
}

std::string StreetAddress(DemoRng& rng) {
  const int64_t number = rng.Between(1, 399);
  return absl::StrCat(Pick(rng, tables::Roads()), number, "号");
}

absl::string_view RoadStem(DemoRng& rng) {
  for (;;) {
    absl::string_view road = Pick(rng, tables::Roads());
    if (absl::ConsumeSuffix(&road, "路") && Chars(road).size() == 2) return road;
  }
}

std::string CityPrefix(const Place& p) {
  return std::string(ProvinceOf(p).municipality ? ProvinceOf(p).full_name : CityOf(p).city->name);
}

// --- Phones, codes ----------------------------------------------------------

std::string Landline(DemoRng& rng, const Place& p) {
  const std::string rest = Digits(rng, 7);
  return absl::StrCat(CityOf(p).city->area_code, "-", rng.Between(2, 8), rest);
}

std::string Mobile(DemoRng& rng) {
  const std::string rest = Digits(rng, 8);
  return absl::StrCat(Pick(rng, tables::MobilePrefixes()), rest);
}

std::string Postcode(DemoRng& rng, const Place& p) {
  static constexpr absl::string_view kEndings[] = {"00", "01", "10", "11", "12", "20", "21",
                                                   "22", "31", "32", "40", "41", "50", "51",
                                                   "60", "61", "71", "72", "81", "91"};
  return absl::StrCat(CityOf(p).city->postcode,
                      Pick(rng, std::span<const absl::string_view>(kEndings)));
}

std::string SocialCreditCode(DemoRng& rng, absl::string_view kind, const Place& p) {
  std::string code = absl::StrCat(kind, ProvinceOf(p).code, "0100", OrganisationCode(rng));
  code.push_back(SocialCreditCheckChar(code));
  return code;
}

void FillBank(DemoRng& rng, const Place& p, v1::BankAccount* bank) {
  bank->set_bank_name(BankBranch(rng, p));
  const std::string rest = Digits(rng, 18);
  bank->set_account_number(absl::StrCat(rng.Between(1, 9), rest));
}

// --- People ----------------------------------------------------------------

std::string PersonName(DemoRng& rng, v1::Gender gender) {
  const size_t s =
      PickWeighted(rng, tables::Surnames(), [](const tables::Weighted& w) { return w.weight; });
  const auto given =
      gender == v1::GENDER_FEMALE ? tables::FemaleGivenChars() : tables::MaleGivenChars();
  if (rng.Chance(0.3)) return absl::StrCat(tables::Surnames()[s].text, Pick(rng, given));
  const absl::string_view second = Pick(rng, given);
  const absl::string_view first = Pick(rng, tables::GivenFirstChars());
  return absl::StrCat(tables::Surnames()[s].text, first, second);
}

v1::Gender RandomGender(DemoRng& rng, double male_share) {
  return rng.Chance(male_share) ? v1::GENDER_MALE : v1::GENDER_FEMALE;
}

std::string Email(DemoRng& rng, const std::string& mobile) {
  switch (rng.Below(4)) {
    case 0:
      return absl::StrCat(mobile, "@163.com");
    case 1:
      return absl::StrCat(rng.Between(10000, 3999999999LL), "@qq.com");
    case 2:
      return absl::StrCat(mobile, "@139.com");
    default:
      return absl::StrCat(rng.Between(100000, 99999999), "@126.com");
  }
}

std::string NativePlace(DemoRng& rng) {
  const Place p = PickPlace(rng);
  if (ProvinceOf(p).municipality) return std::string(ProvinceOf(p).full_name);
  return absl::StrCat(ProvinceOf(p).full_name, CityOf(p).city->name);
}

std::string HomeAddress(DemoRng& rng, const Place& p) {
  const int64_t room = rng.Between(1, 6);
  const int64_t floor = rng.Between(1, 32);
  const int64_t unit = rng.Between(1, 4);
  const int64_t building = rng.Between(1, 30);
  const std::string street = StreetAddress(rng);
  return absl::StrCat(AddressPrefix(p), street, building, "栋", unit, "单元", floor, "0", room);
}

// --- Reference lookups ----------------------------------------------------

int DepartmentIndex(absl::string_view name) {
  const auto departments = tables::Departments();
  for (size_t i = 0; i < departments.size(); ++i) {
    if (departments[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

int HospitalLevel(v1::HospitalGrade grade) {
  switch (grade) {
    case v1::HOSPITAL_GRADE_3A:
    case v1::HOSPITAL_GRADE_3B:
    case v1::HOSPITAL_GRADE_3C:
      return 3;
    case v1::HOSPITAL_GRADE_2A:
    case v1::HOSPITAL_GRADE_2B:
    case v1::HOSPITAL_GRADE_2C:
      return 2;
    case v1::HOSPITAL_GRADE_1A:
    case v1::HOSPITAL_GRADE_1B:
    case v1::HOSPITAL_GRADE_1C:
      return 1;
    default:
      return 0;
  }
}

void FillDestroyedDrugs(DemoRng& rng,
                        google::protobuf::RepeatedPtrField<v1::DestroyedDrug>* drugs) {
  const int n = static_cast<int>(rng.Between(1, 3));
  for (int i = 0; i < n; ++i) {
    v1::DestroyedDrug* d = drugs->Add();
    d->set_drug_name(std::string(Pick(rng, tables::OtherDrugs())));
    d->set_quantity(rng.Between(5, 500));
    d->set_manufacturer(std::string(Pick(rng, tables::Manufacturers())));
    d->set_destroyed_on(RandomDate(rng, 2023, 2026));
  }
}

}  // namespace internal

char SocialCreditCheckChar(absl::string_view first17) {
  if (first17.size() != 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    const size_t value = internal::kCreditAlphabet.find(first17[i]);
    if (value == absl::string_view::npos) return '\0';
    sum += static_cast<int>(value) * internal::kCreditWeights[i];
  }
  return internal::kCreditAlphabet[(31 - sum % 31) % 31];
}

bool IsValidSocialCreditCode(absl::string_view code) {
  return code.size() == 18 && internal::kCreditAlphabet.find(code[17]) != absl::string_view::npos &&
         SocialCreditCheckChar(code.substr(0, 17)) == code[17];
}

}  // namespace pharmacrm::demo
