#include "generator.h"

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <unordered_set>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/str_split.h"
#include "absl/strings/strip.h"
#include "tables.h"

namespace pharmacrm::demo {
namespace {

// --- Random numbers -------------------------------------------------------

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

// FNV-1a: a stable hash of external ids (std::hash differs between
// standard libraries).
uint64_t StableHash(absl::string_view s) {
  uint64_t h = 0xCBF29CE484222325ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  return h;
}

// Independent streams, so that adding pharmacies does not change doctors.
constexpr uint64_t kHospitalStream = 1;
constexpr uint64_t kDoctorStream = 2;
constexpr uint64_t kPharmacyStream = 3;
constexpr uint64_t kContactStream = 4;
constexpr uint64_t kDistributorStream = 5;
constexpr uint64_t kMetricsStream = 6;

template <typename T>
const T& Pick(DemoRng& rng, std::span<const T> items) {
  return items[rng.Below(items.size())];
}

template <typename T, typename WeightOf>
size_t PickWeighted(DemoRng& rng, std::span<const T> items, WeightOf weight_of) {
  int64_t total = 0;
  for (const T& item : items) total += weight_of(item);
  if (total <= 0) return rng.Below(items.size());
  int64_t r = static_cast<int64_t>(rng.Below(static_cast<uint64_t>(total)));
  for (size_t i = 0; i < items.size(); ++i) {
    r -= weight_of(items[i]);
    if (r < 0) return i;
  }
  return items.size() - 1;
}

// Index into a list of integer weights.
size_t PickIndex(DemoRng& rng, std::span<const int> weights) {
  return PickWeighted(rng, weights, [](int w) { return w; });
}

std::string Digits(DemoRng& rng, int n) {
  std::string s;
  s.reserve(n);
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + rng.Below(10)));
  return s;
}

// a * b / d without overflow for a, b >= 0, b * d < 2^63.
int64_t MulDiv(int64_t a, int64_t b, int64_t d) { return (a / d) * b + (a % d) * b / d; }

int64_t Clamp(int64_t v, int64_t lo, int64_t hi) { return std::max(lo, std::min(hi, v)); }

// --- Text ------------------------------------------------------------------

// UTF-8 characters of `s` (the tables and generated text are well-formed).
std::vector<absl::string_view> Chars(absl::string_view s) {
  std::vector<absl::string_view> out;
  for (size_t i = 0; i < s.size();) {
    const auto lead = static_cast<unsigned char>(s[i]);
    const size_t len = lead < 0x80 ? 1 : lead < 0xE0 ? 2 : lead < 0xF0 ? 3 : 4;
    out.push_back(s.substr(i, len));
    i += len;
  }
  return out;
}

std::vector<absl::string_view> Words(absl::string_view spaced) {
  return absl::StrSplit(spaced, ' ', absl::SkipEmpty());
}

std::string FullWidthDigits(absl::string_view s) {
  std::string out;
  out.reserve(s.size() * 3);
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      out += "\xEF\xBC";
      out.push_back(static_cast<char>(0x90 + (c - '0')));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string Date(int year, int month, int day) {
  return absl::StrFormat("%04d-%02d-%02d", year, month, day);
}

// A day from January `first_year` to October 2026.
std::string RandomDate(DemoRng& rng, int first_year, int last_year) {
  const int year = static_cast<int>(rng.Between(first_year, last_year));
  const int last_month = year >= kLastPeriodYear ? kLastPeriodMonth : 12;
  return Date(year, static_cast<int>(rng.Between(1, last_month)),
              static_cast<int>(rng.Between(1, 28)));
}

// --- Geography -------------------------------------------------------------

struct CityInfo {
  const tables::City* city = nullptr;
  int province = 0;
  absl::string_view short_name;  // 广州; 北京 for the municipality.
  std::vector<absl::string_view> districts;
  std::vector<absl::string_view> universities;
};

struct ProvinceInfo {
  const tables::Province* province = nullptr;
  std::vector<int> cities;
};

struct Geo {
  std::vector<ProvinceInfo> provinces;
  std::vector<CityInfo> cities;
};

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

const Geo& GetGeo() {
  static const Geo* const geo = new Geo(BuildGeo());
  return *geo;
}

struct Place {
  int province = 0;
  int city = 0;
  int district = 0;
};

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

// Provinces weighted by population, then cities by weight.
Place PickPlace(DemoRng& rng) {
  const size_t province = PickWeighted(rng, tables::Provinces(),
                                       [](const tables::Province& p) { return p.population; });
  return PlaceInCity(rng, PickCityOf(rng, static_cast<int>(province)));
}

// "广东省广州市越秀区"; "北京市海淀区".
std::string AddressPrefix(const Place& p) {
  const tables::Province& province = ProvinceOf(p);
  if (province.municipality) return absl::StrCat(province.full_name, DistrictOf(p));
  return absl::StrCat(province.full_name, CityOf(p).city->name, DistrictOf(p));
}

std::string StreetAddress(DemoRng& rng) {
  return absl::StrCat(Pick(rng, tables::Roads()), rng.Between(1, 399), "号");
}

// The 街道 name of a road: 中山路 -> 中山.
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
  return absl::StrCat(CityOf(p).city->area_code, "-", rng.Between(2, 8), Digits(rng, 7));
}

std::string Mobile(DemoRng& rng) {
  return absl::StrCat(Pick(rng, tables::MobilePrefixes()), Digits(rng, 8));
}

std::string Postcode(DemoRng& rng, const Place& p) {
  static constexpr absl::string_view kEndings[] = {"00", "01", "10", "11", "12", "20", "21",
                                                   "22", "31", "32", "40", "41", "50", "51",
                                                   "60", "61", "71", "72", "81", "91"};
  return absl::StrCat(CityOf(p).city->postcode,
                      Pick(rng, std::span<const absl::string_view>(kEndings)));
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
    body = absl::StrCat(rng.Between(1, 9), Digits(rng, 7));
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

// `kind`: "12" public institution, "52" private non-profit, "91" company,
// "92" individual business. The division code is the province's capital
// (prefix + 0100).
std::string SocialCreditCode(DemoRng& rng, absl::string_view kind, const Place& p) {
  std::string code = absl::StrCat(kind, ProvinceOf(p).code, "0100", OrganisationCode(rng));
  code.push_back(SocialCreditCheckChar(code));
  return code;
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

void FillBank(DemoRng& rng, const Place& p, v1::BankAccount* bank) {
  bank->set_bank_name(BankBranch(rng, p));
  bank->set_account_number(absl::StrCat(rng.Between(1, 9), Digits(rng, 18)));
}

// --- People ----------------------------------------------------------------

std::string PersonName(DemoRng& rng, v1::Gender gender) {
  const size_t s =
      PickWeighted(rng, tables::Surnames(), [](const tables::Weighted& w) { return w.weight; });
  const auto given =
      gender == v1::GENDER_FEMALE ? tables::FemaleGivenChars() : tables::MaleGivenChars();
  if (rng.Chance(0.3)) return absl::StrCat(tables::Surnames()[s].text, Pick(rng, given));
  return absl::StrCat(tables::Surnames()[s].text, Pick(rng, tables::GivenFirstChars()),
                      Pick(rng, given));
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
  return absl::StrCat(AddressPrefix(p), StreetAddress(rng), rng.Between(1, 30), "栋",
                      rng.Between(1, 4), "单元", rng.Between(1, 32), "0", rng.Between(1, 6));
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

// --- Generation state -------------------------------------------------------

// What doctors need of a clean original hospital.
struct HospitalRef {
  std::string external_id;
  std::string name;
  Place place;
  std::string address;
  v1::HospitalGrade grade = v1::HOSPITAL_GRADE_UNSPECIFIED;
  std::vector<int> departments;  // Table indexes.
  std::vector<int> department_doctors;
  int doctors = 0;
};

// What contacts need of a clean original pharmacy.
struct PharmacyRef {
  std::string external_id;
  Place place;
  std::string address;
};

// A uniform sample of at most `capacity` earlier records (reservoir
// sampling): duplicates copy any earlier record with bounded memory.
class Reservoir {
 public:
  explicit Reservoir(size_t capacity) : capacity_(capacity) {}

  void Offer(DemoRng& rng, const DemoRecord& record) {
    ++seen_;
    if (items_.size() < capacity_) {
      items_.push_back(record);
      return;
    }
    const uint64_t j = rng.Below(seen_);
    if (j < capacity_) items_[j] = record;
  }

  const DemoRecord* Sample(DemoRng& rng) const {
    if (items_.empty()) return nullptr;
    return &items_[rng.Below(items_.size())];
  }

 private:
  size_t capacity_;
  uint64_t seen_ = 0;
  std::vector<DemoRecord> items_;
};

constexpr size_t kReservoirCapacity = 512;

enum class Slot { kClean, kDuplicate, kDirty };

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

class Generation {
 public:
  Generation(const DemoSize& size, uint64_t seed, const DemoDataGenerator::RecordSink& sink)
      : size_(size), seed_(seed), sink_(sink) {}

  void Run() {
    GenerateHospitals();
    GenerateDoctors();
    GeneratePharmacies();
    GenerateDistributors();
  }

 private:
  Slot DecideSlot(DemoRng& rng, bool duplicates, const Reservoir* reservoir, int index) const {
    const double u = rng.Unit();
    if (index == 0) return Slot::kClean;  // Later kinds need a clean first record.
    const double duplicate_rate = duplicates ? size_.duplicate_rate : 0.0;
    if (u < duplicate_rate && reservoir != nullptr && reservoir->Sample(rng) != nullptr) {
      return Slot::kDuplicate;
    }
    if (u < duplicate_rate + size_.dirty_rate) return Slot::kDirty;
    return Slot::kClean;
  }

  bool Claim(std::unordered_set<std::string>* names, const std::string& name) {
    return names->insert(name).second;
  }

  // --- Hospitals -----------------------------------------------------------

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
              {"人民医院", HospitalType::kGeneral},
              {"中心医院", HospitalType::kGeneral},
              {"中医院", HospitalType::kTcm},
              {"中医医院", HospitalType::kTcm},
              {"肿瘤医院", HospitalType::kOncology},
              {"妇幼保健院", HospitalType::kMaternal},
              {"儿童医院", HospitalType::kChildren},
              {"中西医结合医院", HospitalType::kIntegrated},
              {"第一人民医院", HospitalType::kGeneral},
              {"第二人民医院", HospitalType::kGeneral}};
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
          out.name =
              absl::StrCat(CityPrefix(*place), "第", numerals[1 + rng.Below(11)], "人民医院");
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

  static std::vector<int> DepartmentNames(std::initializer_list<absl::string_view> names) {
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

  // A new hospital; `ref` receives what doctors need of it.
  DemoRecord NewHospital(DemoRng& rng, const std::string& external_id, HospitalRef* ref) {
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
      h.set_organisation_structure(
          absl::StrCat("院长办公室、医务科、护理部、药剂科、设备科、财务科；临床科室",
                       departments.size(), "个"));
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
      const v1::OwnershipForm forms[] = {
          v1::OWNERSHIP_FORM_PRIVATE, v1::OWNERSHIP_FORM_JOINT_VENTURE, v1::OWNERSHIP_FORM_FOREIGN};
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

  void GenerateHospitals() {
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

  // --- Doctors -------------------------------------------------------------

  DemoRecord NewDoctor(DemoRng& rng, const std::string& external_id) {
    const int64_t pick =
        static_cast<int64_t>(rng.Below(static_cast<uint64_t>(hospital_doctor_total_)));
    const size_t hi = static_cast<size_t>(
        std::upper_bound(hospital_cumulative_.begin(), hospital_cumulative_.end(), pick) -
        hospital_cumulative_.begin());
    const HospitalRef& hospital = hospitals_[std::min(hi, hospitals_.size() - 1)];
    const size_t di = PickIndex(rng, hospital.department_doctors);
    const tables::Department& department = tables::Departments()[hospital.departments[di]];
    const int level = HospitalLevel(hospital.grade);
    const TitleInfo& title = kDoctorTitles[PickWeighted(
        rng, std::span<const TitleInfo>(kDoctorTitles),
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
    person.set_birth_date(Date(birth_year, static_cast<int>(rng.Between(1, 12)),
                               static_cast<int>(rng.Between(1, 28))));
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
    d.set_academic_specialty(
        std::string(Pick(rng, std::span<const absl::string_view>(specialties))));
    return r;
  }

  void GenerateDoctors() {
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

  // --- Pharmacies and contacts ---------------------------------------------

  std::string NamePharmacy(DemoRng& rng, const Place& place, bool chain_store,
                           const tables::PharmacyChain** chain) {
    const auto numerals = tables::ChineseNumerals();
    if (chain_store) {
      const absl::string_view code = ProvinceOf(place).code;
      *chain = &tables::PharmacyChains()[PickWeighted(
          rng, tables::PharmacyChains(), [code](const tables::PharmacyChain& c) {
            return c.provinces.empty() || absl::StrContains(c.provinces, code) ? c.weight : 0;
          })];
      for (int attempt = 0;; ++attempt) {
        // 益丰大药房（长沙五一路店）, then 五一路二店 ... when taken.
        std::string store = absl::StrCat(CityOf(place).short_name, Pick(rng, tables::Roads()));
        if (attempt >= 10) absl::StrAppend(&store, numerals[1 + (attempt - 10) % 11]);
        if (attempt >= 21) absl::StrAppend(&store, attempt);
        std::string name = absl::StrCat((*chain)->name, "（", store, "店）");
        if (Claim(&pharmacy_names_, name)) return name;
      }
    }
    for (int attempt = 0;; ++attempt) {
      const absl::string_view word = Pick(rng, tables::PharmacyWords());
      const absl::string_view suffix = Pick(rng, tables::PharmacySuffixes());
      std::string name = rng.Chance(0.5)
                             ? absl::StrCat(CityOf(place).short_name, word, suffix)
                             : absl::StrCat(CityPrefix(place), DistrictOf(place), word, suffix);
      if (attempt >= 10) {
        absl::StrAppend(&name, "（", Pick(rng, tables::Roads()),
                        attempt >= 20 ? absl::StrCat(attempt) : std::string(), "店）");
      }
      if (Claim(&pharmacy_names_, name)) return name;
    }
  }

  DemoRecord NewPharmacy(DemoRng& rng, const std::string& external_id, PharmacyRef* ref) {
    const Place place = PickPlace(rng);
    const bool chain_store = rng.Chance(0.65);
    const tables::PharmacyChain* chain = nullptr;
    const std::string name = NamePharmacy(rng, place, chain_store, &chain);

    DemoRecord r;
    r.external_id = external_id;
    v1::CustomerProfile& p = r.profile;
    p.set_kind(v1::CUSTOMER_KIND_PHARMACY);
    p.set_name(name);
    p.set_province(std::string(ProvinceOf(place).full_name));
    p.set_city(CityPrefix(place));
    p.set_district(std::string(DistrictOf(place)));
    p.set_address(
        absl::StrCat(AddressPrefix(place), StreetAddress(rng), rng.Chance(0.3) ? "一楼" : ""));
    p.set_phone(Landline(rng, place));

    v1::PharmacyDetails& d = *p.mutable_pharmacy();
    d.set_postcode(Postcode(rng, place));
    if (rng.Chance(0.4)) d.set_fax(Landline(rng, place));
    d.set_approving_authority(absl::StrCat(CityPrefix(place), "市场监督管理局"));
    d.set_staff_count(static_cast<int>(chain_store ? rng.Between(4, 15) : rng.Between(2, 8)));
    if (chain_store) {
      d.set_ownership(chain->ownership);
    } else {
      d.set_ownership(rng.Chance(0.97) ? v1::OWNERSHIP_FORM_PRIVATE
                                       : v1::OWNERSHIP_FORM_COLLECTIVE);
    }
    d.set_floor_area_m2(
        static_cast<double>(chain_store ? rng.Between(400, 3000) : rng.Between(250, 1500)) / 10.0);
    static constexpr absl::string_view kHours[] = {"08:00-22:00", "08:30-21:30", "07:30-22:30",
                                                   "08:00-21:00", "24小时营业"};
    static constexpr int kHourWeights[] = {40, 20, 15, 15, 10};
    d.set_opening_hours(std::string(kHours[PickIndex(rng, kHourWeights)]));
    d.set_credit_score(static_cast<int>(rng.Between(60, 100)));
    d.set_drug_kinds_carried(
        static_cast<int>(chain_store ? rng.Between(800, 4000) : rng.Between(500, 2000)));
    d.set_legal_representative(PersonName(rng, RandomGender(rng, 0.6)));
    FillBank(rng, place, d.mutable_bank());
    d.set_purchasing_process(chain_store ? "总部统一采购、统一配送，门店按需请货"
                                         : "店长根据库存提出需求，负责人审批后向商业公司订货");
    if (rng.Chance(0.3)) {
      const int n = static_cast<int>(rng.Between(1, 2));
      for (int i = 0; i < n; ++i) {
        const std::string counter(Pick(rng, tables::PharmacyCounters()));
        if (d.counter_names_size() == 0 || d.counter_names(0) != counter)
          d.add_counter_names(counter);
      }
    }
    d.set_customer_since(RandomDate(rng, 2012, 2026));
    if (rng.Chance(0.05)) FillDestroyedDrugs(rng, d.mutable_destroyed_drugs());
    static constexpr int kGspWeights[] = {88, 7, 1, 4};
    d.set_gsp_status(static_cast<v1::GspStatus>(1 + PickIndex(rng, kGspWeights)));
    d.set_social_credit_code(SocialCreditCode(rng, chain_store ? "91" : "92", place));
    if (ref != nullptr) {
      ref->external_id = external_id;
      ref->place = place;
      ref->address = p.address();
    }
    return r;
  }

  DemoRecord NewContact(DemoRng& rng, const std::string& external_id, const PharmacyRef& pharmacy) {
    static constexpr absl::string_view kTitles[] = {"店长", "执业药师", "采购经理", "店员"};
    static constexpr int kTitleWeights[] = {20, 40, 15, 25};
    const size_t t = PickIndex(rng, kTitleWeights);
    const v1::Gender gender = RandomGender(rng, 0.3);
    DemoRecord r;
    r.external_id = external_id;
    v1::CustomerProfile& p = r.profile;
    p.set_kind(v1::CUSTOMER_KIND_CONTACT);
    p.set_name(PersonName(rng, gender));
    p.set_province(std::string(ProvinceOf(pharmacy.place).full_name));
    p.set_city(CityPrefix(pharmacy.place));
    p.set_district(std::string(DistrictOf(pharmacy.place)));
    p.set_address(pharmacy.address);
    const std::string mobile = Mobile(rng);
    p.set_phone(mobile);
    p.set_title(std::string(kTitles[t]));
    if (t == 2) p.set_department("采购部");

    v1::ContactDetails& c = *p.mutable_contact();
    c.set_pharmacy_id(pharmacy.external_id);
    v1::PersonDetails& person = *c.mutable_person();
    person.set_gender(gender);
    person.set_birth_date(Date(kLastPeriodYear - static_cast<int>(rng.Between(22, 55)),
                               static_cast<int>(rng.Between(1, 12)),
                               static_cast<int>(rng.Between(1, 28))));
    static constexpr int kEducationWeights[] = {25, 45, 28, 2, 0};
    person.set_education(static_cast<v1::Education>(1 + PickIndex(rng, kEducationWeights)));
    person.set_position(std::string(kTitles[t]));
    person.set_mobile(mobile);
    if (rng.Chance(0.4)) person.set_email(Email(rng, mobile));
    if (rng.Chance(0.4)) person.set_native_place(NativePlace(rng));
    if (t == 1) {
      person.set_professional_title(rng.Chance(0.7) ? v1::PROFESSIONAL_TITLE_PHARMACIST
                                                    : v1::PROFESSIONAL_TITLE_PHARMACIST_IN_CHARGE);
    } else if (t == 0 && rng.Chance(0.5)) {
      person.set_professional_title(v1::PROFESSIONAL_TITLE_PHARMACIST);
    }
    if (rng.Chance(0.5))
      person.set_best_time_to_call(rng.Chance(0.5) ? "上午10点以后" : "下午客流少时");
    if (rng.Chance(0.2)) person.add_hobbies(std::string(Pick(rng, tables::Hobbies())));
    return r;
  }

  void GeneratePharmacies() {
    DemoRng rng(MixSeed(seed_, kPharmacyStream));
    DemoRng contact_rng(MixSeed(seed_, kContactStream));
    Reservoir reservoir(kReservoirCapacity);
    PharmacyRef last_clean;
    int contact_number = 0;
    for (int i = 0; i < size_.pharmacies; ++i) {
      const std::string id = absl::StrFormat("PHA-%06d", i + 1);
      const Slot slot = DecideSlot(rng, true, &reservoir, i);
      if (slot == Slot::kDuplicate) {
        EmitDuplicate(rng, id, *reservoir.Sample(rng));
      } else {
        PharmacyRef ref;
        DemoRecord r = NewPharmacy(rng, id, &ref);
        if (slot == Slot::kDirty) {
          MakeDirty(rng, &r);
        } else {
          last_clean = std::move(ref);
          reservoir.Offer(rng, r);
        }
        sink_(r);
      }
      // Contacts work in this pharmacy, or in the latest clean one if this
      // one is a duplicate or will be rejected.
      for (int j = 0; j < size_.contacts_per_pharmacy; ++j) {
        const std::string contact_id = absl::StrFormat("CON-%06d", ++contact_number);
        const Slot contact_slot = DecideSlot(contact_rng, false, nullptr, contact_number - 1);
        DemoRecord c = NewContact(contact_rng, contact_id, last_clean);
        if (contact_slot == Slot::kDirty) MakeDirty(contact_rng, &c);
        sink_(c);
      }
    }
  }

  // --- Distributors ----------------------------------------------------------

  DemoRecord NewDistributor(DemoRng& rng, const std::string& external_id) {
    Place place = PickPlace(rng);
    std::string name;
    const tables::DistributorGroup* group = nullptr;
    for (int attempt = 0;; ++attempt) {
      Place candidate = attempt == 0 ? place : PickPlace(rng);
      group = nullptr;
      if (rng.Chance(0.6)) {
        const absl::string_view code = ProvinceOf(candidate).code;
        group = &tables::DistributorGroups()[PickWeighted(
            rng, tables::DistributorGroups(), [code](const tables::DistributorGroup& g) {
              return g.provinces.empty() || absl::StrContains(g.provinces, code) ? g.weight : 0;
            })];
        name =
            absl::StrReplaceAll(group->pattern, {{"{city}", CityOf(candidate).short_name},
                                                 {"{province}", ProvinceOf(candidate).short_name}});
      } else {
        static constexpr absl::string_view kForms[] = {"医药有限公司", "医药贸易有限公司",
                                                       "药业有限公司", "医药商业有限公司"};
        const absl::string_view prefix =
            rng.Chance(0.7) ? CityOf(candidate).short_name : ProvinceOf(candidate).short_name;
        name = absl::StrCat(prefix, Pick(rng, tables::DistributorWords()),
                            Pick(rng, std::span<const absl::string_view>(kForms)));
      }
      if (attempt >= 40) name = absl::StrCat(name, DistrictOf(candidate), "分公司");
      if (attempt >= 60) name = absl::StrCat(name, attempt);
      if (Claim(&distributor_names_, name)) {
        place = candidate;
        break;
      }
    }
    const bool large = group != nullptr;

    DemoRecord r;
    r.external_id = external_id;
    v1::CustomerProfile& p = r.profile;
    p.set_kind(v1::CUSTOMER_KIND_DISTRIBUTOR);
    p.set_name(name);
    p.set_province(std::string(ProvinceOf(place).full_name));
    p.set_city(CityPrefix(place));
    p.set_district(std::string(DistrictOf(place)));
    p.set_address(absl::StrCat(AddressPrefix(place), StreetAddress(rng)));
    p.set_phone(Landline(rng, place));

    v1::DistributorDetails& d = *p.mutable_distributor();
    d.set_postcode(Postcode(rng, place));
    d.set_fax(Landline(rng, place));
    d.set_ownership(large ? group->ownership : v1::OWNERSHIP_FORM_PRIVATE);
    d.set_legal_representative(PersonName(rng, RandomGender(rng, 0.8)));
    // In 万元 (10,000 CNY = 1,000,000 fen).
    const int64_t capital_wan = large ? rng.Between(10, 500) * 100 : rng.Between(50, 800) * 10;
    d.set_registered_capital_fen(capital_wan * 1000000);
    d.set_business_scope(std::string(Pick(rng, tables::BusinessScopes())));
    d.set_local_ranking(static_cast<int>(large ? rng.Between(1, 20) : rng.Between(10, 200)));
    static constexpr int kGspWeights[] = {90, 6, 2, 2};
    const auto gsp = static_cast<v1::GspStatus>(1 + PickIndex(rng, kGspWeights));
    d.set_gsp_status(gsp);
    if (gsp == v1::GSP_STATUS_CERTIFIED || gsp == v1::GSP_STATUS_EXPIRED) {
      d.set_gsp_certificate(absl::StrCat(ProvinceOf(place).abbreviation, "AA",
                                         CityOf(place).city->area_code.substr(1), Digits(rng, 4)));
      d.set_gsp_expires_on(gsp == v1::GSP_STATUS_CERTIFIED ? RandomDate(rng, 2027, 2030)
                                                           : RandomDate(rng, 2023, 2025));
    }
    FillBank(rng, place, d.mutable_bank());
    const std::string code = SocialCreditCode(rng, "91", place);
    d.set_tax_number(code);
    d.set_credit_score(static_cast<int>(rng.Between(60, 100)));
    d.set_staff_count(static_cast<int>(large ? rng.Between(200, 3000) : rng.Between(30, 300)));
    d.set_organisation_structure(
        large
            ? "总经理办公室、采购部、销售部（医院、零售、基层）、质量管理部、储运部、财务部、信息部"
            : "总经理、采购部、销售部、质量管理部、仓储部、财务部");
    d.set_hospitals_reached(
        static_cast<int>(large ? rng.Between(100, 1500) : rng.Between(10, 200)));
    d.set_pharmacies_reached(
        static_cast<int>(large ? rng.Between(500, 8000) : rng.Between(50, 1500)));
    if (rng.Chance(0.3)) d.set_patients_reached(static_cast<int>(rng.Between(1000, 50000)));
    d.set_social_credit_code(code);
    return r;
  }

  void GenerateDistributors() {
    DemoRng rng(MixSeed(seed_, kDistributorStream));
    for (int i = 0; i < size_.distributors; ++i) {
      const std::string id = absl::StrFormat("DIS-%06d", i + 1);
      const Slot slot = DecideSlot(rng, false, nullptr, i);
      DemoRecord r = NewDistributor(rng, id);
      if (slot == Slot::kDirty) MakeDirty(rng, &r);
      sink_(r);
    }
  }

  // --- Duplicates and dirty records ------------------------------------------

  static std::string* MutablePostcode(v1::CustomerProfile* p) {
    switch (p->details_case()) {
      case v1::CustomerProfile::kHospital:
        return p->mutable_hospital()->mutable_postcode();
      case v1::CustomerProfile::kPharmacy:
        return p->mutable_pharmacy()->mutable_postcode();
      case v1::CustomerProfile::kDistributor:
        return p->mutable_distributor()->mutable_postcode();
      default:
        return nullptr;
    }
  }

  static v1::PersonDetails* MutablePerson(v1::CustomerProfile* p) {
    if (p->has_doctor()) return p->mutable_doctor()->mutable_person();
    if (p->has_contact()) return p->mutable_contact()->mutable_person();
    return nullptr;
  }

  // Breaks exactly one import rule.
  void MakeDirty(DemoRng& rng, DemoRecord* r) {
    r->dirty = true;
    v1::CustomerProfile& p = r->profile;
    const bool has_postcode = MutablePostcode(&p) != nullptr;
    const int weights[] = {35, has_postcode ? 25 : 0, 20, 20};
    switch (PickIndex(rng, weights)) {
      case 0: {  // A phone that cannot be a Chinese number.
        const bool person =
            p.kind() == v1::CUSTOMER_KIND_DOCTOR || p.kind() == v1::CUSTOMER_KIND_CONTACT;
        std::string bad;
        switch (rng.Below(3)) {
          case 0:
            bad = person ? p.phone().substr(0, 10) : p.phone().substr(0, p.phone().size() - 4);
            break;
          case 1:
            bad = person ? absl::StrCat(p.phone(), rng.Below(10))
                         : absl::StrCat(p.phone(), Digits(rng, 3));
            break;
          default:
            bad = absl::StrCat("电话", p.phone());
            break;
        }
        p.set_phone(bad);
        if (v1::PersonDetails* person_details = MutablePerson(&p)) person_details->set_mobile(bad);
        if (p.has_hospital()) p.mutable_hospital()->set_switchboard(bad);
        return;
      }
      case 1: {  // A 5-digit postcode.
        std::string* postcode = MutablePostcode(&p);
        postcode->resize(5);
        return;
      }
      case 2:  // No name.
        p.clear_name();
        return;
      default: {  // Details of another kind.
        static constexpr v1::CustomerKind kKinds[] = {
            v1::CUSTOMER_KIND_HOSPITAL, v1::CUSTOMER_KIND_DOCTOR, v1::CUSTOMER_KIND_PHARMACY,
            v1::CUSTOMER_KIND_CONTACT, v1::CUSTOMER_KIND_DISTRIBUTOR};
        v1::CustomerKind kind = p.kind();
        while (kind == p.kind()) kind = kKinds[rng.Below(std::size(kKinds))];
        p.set_kind(kind);
        return;
      }
    }
  }

  static bool ReplaceHomophone(DemoRng& rng, std::string* name) {
    const auto homophones = tables::Homophones();
    std::vector<absl::string_view> chars = Chars(*name);
    std::vector<std::pair<size_t, size_t>> candidates;  // char, replacement
    for (size_t i = 0; i < chars.size(); ++i) {
      for (size_t h = 0; h + 1 < homophones.size(); h += 2) {
        if (chars[i] == homophones[h]) candidates.emplace_back(i, h + 1);
      }
    }
    if (candidates.empty()) return false;
    const auto [at, replacement] = candidates[rng.Below(candidates.size())];
    std::string out;
    for (size_t i = 0; i < chars.size(); ++i) {
      absl::StrAppend(&out, i == at ? homophones[replacement] : chars[i]);
    }
    *name = std::move(out);
    return true;
  }

  static bool InsertSpace(DemoRng& rng, std::string* text) {
    std::vector<absl::string_view> chars = Chars(*text);
    if (chars.size() < 2) return false;
    const size_t at = 1 + rng.Below(chars.size() - 1);
    const absl::string_view space = rng.Chance(0.7) ? " " : "\xE3\x80\x80";  // U+3000
    std::string out;
    for (size_t i = 0; i < chars.size(); ++i) {
      if (i == at) absl::StrAppend(&out, space);
      absl::StrAppend(&out, chars[i]);
    }
    *text = std::move(out);
    return true;
  }

  // 第一人民医院 -> 第１人民医院.
  static bool NumeralToFullWidth(std::string* name) {
    const auto numerals = tables::ChineseNumerals();
    for (int n = static_cast<int>(numerals.size()); n >= 1; --n) {
      const std::string from = absl::StrCat("第", numerals[n - 1]);
      const size_t at = name->find(from);
      if (at == std::string::npos) continue;
      name->replace(at, from.size(), absl::StrCat("第", FullWidthDigits(absl::StrCat(n))));
      return true;
    }
    return false;
  }

  // 020-83827812 -> +86-20-8382-7812; 13812345678 -> +86 138-1234-5678.
  static bool InternationalPhone(std::string* phone) {
    const size_t dash = phone->find('-');
    if (dash == std::string::npos) {
      if (phone->size() != 11) return false;
      *phone = absl::StrCat("+86 ", phone->substr(0, 3), "-", phone->substr(3, 4), "-",
                            phone->substr(7));
      return true;
    }
    const std::string area = phone->substr(1, dash - 1);
    const std::string local = phone->substr(dash + 1);
    const size_t split = local.size() - 4;
    *phone = absl::StrCat("+86-", area, "-", local.substr(0, split), "-", local.substr(split));
    return true;
  }

  // 广东省广州市越秀区... -> 广东广州越秀区... or 广州市越秀区...
  static bool ShortenAddress(DemoRng& rng, const v1::CustomerProfile& p, std::string* address) {
    absl::string_view rest = *address;
    if (!absl::ConsumePrefix(&rest, p.province())) return false;
    const tables::Province* province = nullptr;
    for (const tables::Province& candidate : tables::Provinces()) {
      if (candidate.full_name == p.province()) province = &candidate;
    }
    if (province == nullptr) return false;
    if (province->municipality) {
      *address = absl::StrCat(province->short_name, rest);
      return true;
    }
    if (!absl::ConsumePrefix(&rest, p.city())) return false;
    if (rng.Chance(0.5)) {
      *address = absl::StrCat(p.city(), rest);
    } else {
      *address = absl::StrCat(province->short_name, absl::StripSuffix(p.city(), "市"), rest);
    }
    return true;
  }

  static bool AliasDepartment(v1::CustomerProfile* p) {
    const int d = DepartmentIndex(p->department());
    if (d < 0 || tables::Departments()[d].alias.empty()) return false;
    p->set_department(std::string(tables::Departments()[d].alias));
    return true;
  }

  static bool DropOptional(v1::CustomerProfile* p) {
    if (p->has_hospital()) {
      p->mutable_hospital()->clear_social_credit_code();
      p->mutable_hospital()->clear_postcode();
      return true;
    }
    if (p->has_pharmacy()) {
      p->mutable_pharmacy()->clear_social_credit_code();
      p->mutable_pharmacy()->clear_fax();
      return true;
    }
    if (v1::PersonDetails* person = MutablePerson(p)) {
      if (person->email().empty() && person->university().empty()) return false;
      person->clear_email();
      person->clear_university();
      return true;
    }
    return false;
  }

  // One variation; false if it does not apply to the record.
  static bool Vary(DemoRng& rng, int variation, DemoRecord* r) {
    v1::CustomerProfile& p = r->profile;
    const bool person = p.kind() == v1::CUSTOMER_KIND_DOCTOR;
    switch (variation) {
      case 0: {  // Full-width digits.
        if (person) {
          v1::PersonDetails* details = MutablePerson(&p);
          p.set_phone(FullWidthDigits(p.phone()));
          details->set_mobile(p.phone());
          return true;
        }
        // Every address ends with a street number.
        std::string name = p.name();
        NumeralToFullWidth(&name);
        p.set_name(name);
        p.set_address(FullWidthDigits(p.address()));
        return true;
      }
      case 1: {  // Extra space in the name.
        std::string name = p.name();
        if (!InsertSpace(rng, &name)) return false;
        p.set_name(name);
        return true;
      }
      case 2: {  // Homophone (people) or 省/市 dropped (organisations).
        if (person) {
          std::string name = p.name();
          if (!ReplaceHomophone(rng, &name)) return false;
          p.set_name(name);
          return true;
        }
        std::string address = p.address();
        if (!ShortenAddress(rng, p, &address)) return false;
        p.set_address(address);
        return true;
      }
      case 3: {  // +86 and dashes.
        std::string phone = p.phone();
        if (!InternationalPhone(&phone)) return false;
        p.set_phone(phone);
        if (v1::PersonDetails* details = MutablePerson(&p)) details->set_mobile(phone);
        if (p.has_hospital()) p.mutable_hospital()->set_switchboard(phone);
        return true;
      }
      case 4:  // Department spelled otherwise (people), half-width brackets.
        if (person) return AliasDepartment(&p);
        if (absl::StrContains(p.name(), "（")) {
          p.set_name(absl::StrReplaceAll(p.name(), {{"（", "("}, {"）", ")"}}));
          return true;
        }
        return false;
      default:  // Optional fields missing.
        return DropOptional(&p);
    }
  }

  void EmitDuplicate(DemoRng& rng, const std::string& external_id, const DemoRecord& original) {
    DemoRecord r = original;
    r.external_id = external_id;
    r.duplicate_of = original.external_id;
    r.dirty = false;
    // People: homophones and spaces are the typical slips, organisations:
    // addresses and phones.
    const bool person = r.profile.kind() == v1::CUSTOMER_KIND_DOCTOR;
    const int person_weights[] = {10, 20, 35, 15, 15, 5};
    const int org_weights[] = {25, 20, 25, 15, 10, 5};
    const int wanted = rng.Chance(0.3) ? 2 : 1;
    int applied = 0;
    int used = -1;
    for (int attempt = 0; applied < wanted && attempt < 20; ++attempt) {
      const int v = static_cast<int>(PickIndex(rng, person ? person_weights : org_weights));
      if (v == used) continue;
      if (Vary(rng, v, &r)) {
        ++applied;
        used = v;
      }
    }
    if (applied == 0) Vary(rng, 1, &r);  // A space always applies to a name.
    sink_(r);
  }

  const DemoSize& size_;
  const uint64_t seed_;
  const DemoDataGenerator::RecordSink& sink_;
  std::vector<HospitalRef> hospitals_;
  std::vector<int64_t> hospital_cumulative_;
  int64_t hospital_doctor_total_ = 0;
  std::unordered_set<std::string> hospital_names_;
  std::unordered_set<std::string> pharmacy_names_;
  std::unordered_set<std::string> distributor_names_;
};

// --- Metrics -------------------------------------------------------------------

// Per calendar month, permille: Spring Festival dip in February, Golden
// Week in October, winter peak; respiratory illness peaks harder.
constexpr int kGeneralSeason[12] = {1040, 820,  1030, 1000, 990,  980,
                                    1000, 1010, 1000, 930,  1030, 1090};
constexpr int kRespiratorySeason[12] = {1250, 950, 1050, 950, 850,  800,
                                        850,  870, 900,  950, 1100, 1300};

struct Period {
  int year;
  int month;
  std::string text;
};

std::vector<Period> Periods(int months) {
  std::vector<Period> out;
  const int last = kLastPeriodYear * 12 + (kLastPeriodMonth - 1);
  for (int i = last - months + 1; i <= last; ++i) {
    out.push_back(Period{i / 12, i % 12 + 1, absl::StrFormat("%04d-%02d", i / 12, i % 12 + 1)});
  }
  return out;
}

int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2 ? 1 : 0;
  const int era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = y - era * 400;
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return static_cast<int64_t>(era) * 146097 + doe - 719468;
}

// Growth of a series, in parts per million of its first period.
std::vector<int64_t> Growth(int months, int trend_permille) {
  std::vector<int64_t> g(months);
  int64_t f = 1000000;
  for (int t = 0; t < months; ++t) {
    g[t] = f;
    f = f * (1000 + trend_permille) / 1000;
  }
  return g;
}

// base x growth x season x noise.
int64_t Level(DemoRng& rng, int64_t base, int64_t growth_ppm, int season_permille,
              int noise_permille) {
  int64_t v = MulDiv(base, growth_ppm, 1000000);
  v = MulDiv(v, season_permille, 1000);
  return std::max<int64_t>(0, MulDiv(v, 1000 + rng.Between(-noise_permille, noise_permille), 1000));
}

// The own company's share of a class, drifting over time.
struct Share {
  int base = 0;   // Permille; 0: the class is not listed.
  int trend = 0;  // Permille per month.

  int At(DemoRng& rng, int t) const {
    if (base == 0) return 0;
    return static_cast<int>(Clamp(base + trend * t + rng.Between(-15, 15), 0, 800));
  }
};

// 中成药 in tables::DrugClasses(): prescribed in every department.
constexpr int kTcmClass = 7;

struct ClassPlan {
  int drug_class;
  int mix;        // Relative share of the volume.
  int64_t price;  // fen per prescription or per box.
  Share own;
};

// The drug classes of a department, main classes first, then 中成药.
std::vector<ClassPlan> PlanClasses(DemoRng& rng, const tables::Department* department, int level,
                                   int share_lo, int share_hi, double listed) {
  static constexpr int kMixes[] = {6, 3, 2};
  static constexpr int kDefaultClasses[] = {0, 2, kTcmClass};
  std::vector<ClassPlan> out;
  for (int i = 0; i < 3; ++i) {
    const int c = department != nullptr ? department->classes[i] : kDefaultClasses[i];
    if (c < 0) continue;
    out.push_back(ClassPlan{c, kMixes[i], 0, {}});
  }
  if (std::none_of(out.begin(), out.end(),
                   [](const ClassPlan& p) { return p.drug_class == kTcmClass; })) {
    out.push_back(ClassPlan{kTcmClass, 2, 0, {}});
  }
  for (ClassPlan& plan : out) {
    const tables::DrugClass& dc = tables::DrugClasses()[plan.drug_class];
    plan.price = dc.prescription_fen * rng.Between(80, 120) / 100 * (level >= 3 ? 12 : 10) / 10;
    if (dc.own_company && rng.Chance(listed)) {
      plan.own.base = static_cast<int>(rng.Between(share_lo, share_hi));
      plan.own.trend = static_cast<int>(rng.Between(-2, 6));
    }
  }
  std::sort(out.begin(), out.end(),
            [](const ClassPlan& a, const ClassPlan& b) { return a.drug_class < b.drug_class; });
  return out;
}

struct ClassTotals {
  int64_t volume[10] = {};
  int64_t amount[10] = {};
  int64_t own_volume[10] = {};
  int64_t own_amount[10] = {};
  bool present[10] = {};
  bool own_present[10] = {};
};

// Prescriptions of `rx` split over the plan's classes, into `totals`.
void Prescribe(DemoRng& rng, const std::vector<ClassPlan>& plans, int64_t rx, int t,
               ClassTotals* totals) {
  int mix_sum = 0;
  for (const ClassPlan& p : plans) mix_sum += p.mix;
  for (const ClassPlan& p : plans) {
    const int64_t volume = rx * p.mix / mix_sum;
    const int64_t amount = volume * p.price;
    const int share = p.own.At(rng, t);
    const int c = p.drug_class;
    totals->present[c] = true;
    totals->volume[c] += volume;
    totals->amount[c] += amount;
    if (p.own.base > 0) {
      totals->own_present[c] = true;
      totals->own_volume[c] += volume * share / 1000;
      totals->own_amount[c] += MulDiv(amount * share / 1000, rng.Between(850, 1000), 1000);
    }
  }
}

void AddFigures(const ClassTotals& totals, int64_t total_permille,
                google::protobuf::RepeatedPtrField<v1::DrugClassFigure>* all,
                google::protobuf::RepeatedPtrField<v1::DrugClassFigure>* own) {
  for (int c = 0; c < 10; ++c) {
    if (!totals.present[c]) continue;
    v1::DrugClassFigure* f = all->Add();
    f->set_drug_class(std::string(tables::DrugClasses()[c].name));
    f->set_volume(MulDiv(totals.volume[c], total_permille, 1000));
    f->set_amount_fen(MulDiv(totals.amount[c], total_permille, 1000));
  }
  for (int c = 0; c < 10; ++c) {
    if (!totals.own_present[c]) continue;
    v1::DrugClassFigure* f = own->Add();
    f->set_drug_class(std::string(tables::DrugClasses()[c].name));
    f->set_volume(totals.own_volume[c]);
    f->set_amount_fen(totals.own_amount[c]);
  }
}

int64_t SumAmount(const ClassTotals& t) {
  int64_t s = 0;
  for (int c = 0; c < 10; ++c) s += t.amount[c];
  return s;
}

int64_t SumVolume(const ClassTotals& t) {
  int64_t s = 0;
  for (int c = 0; c < 10; ++c) s += t.volume[c];
  return s;
}

class MetricsWriter {
 public:
  MetricsWriter(const DemoSize& size, uint64_t seed, const DemoDataGenerator::MetricsSink& sink)
      : periods_(Periods(size.months)), seed_(MixSeed(seed, kMetricsStream)), sink_(sink) {}

  void Write(const DemoRecord& r) {
    if (r.dirty || !r.duplicate_of.empty()) return;
    DemoRng rng(MixSeed(seed_, StableHash(r.external_id)));
    switch (r.profile.kind()) {
      case v1::CUSTOMER_KIND_HOSPITAL:
        Hospital(rng, r);
        break;
      case v1::CUSTOMER_KIND_DOCTOR:
        Doctor(rng, r);
        break;
      case v1::CUSTOMER_KIND_PHARMACY:
        Pharmacy(rng, r);
        break;
      case v1::CUSTOMER_KIND_DISTRIBUTOR:
        Distributor(rng, r);
        break;
      default:
        break;
    }
  }

 private:
  void Stamp(size_t t, absl::string_view source, v1::CustomerMetrics* m) const {
    const Period& p = periods_[t];
    m->set_period(p.text);
    m->set_version(1);
    const int year = p.month == 12 ? p.year + 1 : p.year;
    const int month = p.month == 12 ? 1 : p.month + 1;
    // The 5th of the next month, 10:00 in Beijing.
    m->mutable_recorded_at()->set_seconds(DaysFromCivil(year, month, 5) * 86400 + 2 * 3600);
    m->set_source(std::string(source));
  }

  void Hospital(DemoRng& rng, const DemoRecord& r) {
    const v1::HospitalDetails& h = r.profile.hospital();
    const int level = HospitalLevel(r.profile.hospital_grade());
    static constexpr int kVisitsPerBed[4][2] = {{40, 90}, {60, 120}, {40, 70}, {70, 130}};
    static constexpr int kUtilisation[4][2] = {{500, 800}, {500, 800}, {750, 950}, {950, 1150}};
    const int64_t beds = std::max(20, h.bed_count());
    const int64_t visits = beds * rng.Between(kVisitsPerBed[level][0], kVisitsPerBed[level][1]);
    const std::vector<int64_t> growth =
        Growth(static_cast<int>(periods_.size()), static_cast<int>(rng.Between(-5, 12)));
    const int64_t other_permille = rng.Between(60, 150);
    const int64_t non_rx_permille = rng.Between(80, 300);
    const int64_t units_per_rx = rng.Between(2, 4);
    const int utilisation =
        static_cast<int>(rng.Between(kUtilisation[level][0], kUtilisation[level][1]));
    const int kinds = static_cast<int>(level == 3   ? rng.Between(1200, 2000)
                                       : level == 2 ? rng.Between(600, 1200)
                                                    : rng.Between(200, 500));
    const double listed = level == 3 ? 0.7 : level == 2 ? 0.5 : 0.3;

    struct DeptPlan {
      std::string name;
      const tables::Department* table;
      int64_t base_visits;
      int64_t rx_permille;
      int doctors;
      int beds;
      std::vector<ClassPlan> classes;
    };
    std::vector<DeptPlan> departments;
    int64_t weight_sum = 0;
    for (const v1::Department& d : h.departments()) {
      const int index = DepartmentIndex(d.name());
      weight_sum += index >= 0 ? tables::Departments()[index].visit_weight : 3;
    }
    for (const v1::Department& d : h.departments()) {
      const int index = DepartmentIndex(d.name());
      const tables::Department* table = index >= 0 ? &tables::Departments()[index] : nullptr;
      const int weight = table != nullptr ? table->visit_weight : 3;
      DeptPlan plan;
      plan.name = d.name();
      plan.table = table;
      plan.base_visits = visits * weight / std::max<int64_t>(1, weight_sum);
      plan.rx_permille = rng.Between(550, 850);
      plan.doctors = d.doctor_count();
      plan.beds = static_cast<int>(beds * weight / std::max<int64_t>(1, weight_sum));
      plan.classes = PlanClasses(rng, table, level, 10, 220, listed);
      departments.push_back(std::move(plan));
    }
    std::vector<std::string> channels = {absl::StrCat(r.profile.province(), "药品集中采购平台")};
    const absl::string_view city = absl::StripSuffix(r.profile.city(), "市");
    channels.push_back(absl::StrCat("国药控股", city, "有限公司"));
    if (rng.Chance(0.6)) channels.push_back(absl::StrCat("华润", city, "医药有限公司"));
    static constexpr absl::string_view kPayments[] = {"银行转账", "银行承兑汇票",
                                                      "医保基金直接结算"};
    const absl::string_view payment = Pick(rng, std::span<const absl::string_view>(kPayments));
    static constexpr int kCycles[] = {7, 15, 30};
    const int cycle = kCycles[rng.Below(3)];

    for (size_t t = 0; t < periods_.size(); ++t) {
      const int month = periods_[t].month;
      ClassTotals hospital_totals;
      int64_t visits_sum = 0;
      std::vector<v1::CustomerMetrics> department_records;
      v1::CustomerMetrics whole;
      v1::HospitalMetrics& hm = *whole.mutable_hospital();
      for (const DeptPlan& d : departments) {
        const int* season =
            d.table != nullptr && d.table->respiratory_season ? kRespiratorySeason : kGeneralSeason;
        const int64_t v = Level(rng, d.base_visits, growth[t], season[month - 1], 60);
        ClassTotals totals;
        Prescribe(rng, d.classes, v * d.rx_permille / 1000, static_cast<int>(t), &totals);
        for (int c = 0; c < 10; ++c) {
          hospital_totals.present[c] |= totals.present[c];
          hospital_totals.own_present[c] |= totals.own_present[c];
          hospital_totals.volume[c] += totals.volume[c];
          hospital_totals.amount[c] += totals.amount[c];
          hospital_totals.own_volume[c] += totals.own_volume[c];
          hospital_totals.own_amount[c] += totals.own_amount[c];
        }
        visits_sum += v;
        v1::DepartmentVisits* dv = hm.add_department_visits();
        dv->set_department(d.name);
        dv->set_visits(v);

        v1::CustomerMetrics m;
        m.set_department(d.name);
        v1::DepartmentMetrics& dm = *m.mutable_department_figures();
        dm.set_outpatient_visits(v);
        AddFigures(totals, 1000, dm.mutable_prescriptions(), dm.mutable_own_prescriptions());
        const int64_t rx_amount = SumAmount(totals);
        dm.set_drug_sales_volume(SumVolume(totals) * units_per_rx);
        dm.set_drug_sales_amount_fen(MulDiv(rx_amount, 1000 + non_rx_permille, 1000));
        dm.set_prescription_drug_sales_amount_fen(rx_amount);
        dm.set_doctor_count(d.doctors);
        dm.set_bed_count(d.beds);
        department_records.push_back(std::move(m));
      }
      hm.set_outpatient_visits(MulDiv(visits_sum, 1000 + other_permille, 1000));
      AddFigures(hospital_totals, 1000 + other_permille, hm.mutable_prescriptions(),
                 hm.mutable_own_prescriptions());
      int bed_utilisation = utilisation + static_cast<int>(rng.Between(-20, 20));
      if (month == 2) bed_utilisation -= 80;
      if (month == 12 || month == 1) bed_utilisation += 40;
      hm.set_bed_utilisation_permille(static_cast<int>(Clamp(bed_utilisation, 0, 2000)));
      const int64_t rx_amount = MulDiv(SumAmount(hospital_totals), 1000 + other_permille, 1000);
      const int64_t sales_volume =
          MulDiv(SumVolume(hospital_totals), 1000 + other_permille, 1000) * units_per_rx;
      const int64_t sales_amount = MulDiv(rx_amount, 1000 + non_rx_permille, 1000);
      hm.set_drug_sales_volume(sales_volume);
      hm.set_drug_sales_amount_fen(sales_amount);
      hm.set_prescription_drug_sales_amount_fen(rx_amount);
      hm.set_drug_purchase_volume(MulDiv(sales_volume, rng.Between(950, 1080), 1000));
      hm.set_drug_purchase_amount_fen(MulDiv(sales_amount, rng.Between(900, 1000), 1000));
      hm.set_purchased_drug_kinds(kinds + static_cast<int>(rng.Between(-20, 20)));
      for (const std::string& c : channels) hm.add_purchasing_channels(c);
      hm.set_payment_method(std::string(payment));
      hm.set_purchasing_cycle_days(cycle);
      Stamp(t, "his-import", &whole);
      sink_(r.external_id, whole);
      for (v1::CustomerMetrics& m : department_records) {
        Stamp(t, "his-import", &m);
        sink_(r.external_id, m);
      }
    }
  }

  void Doctor(DemoRng& rng, const DemoRecord& r) {
    const v1::PersonDetails& person = r.profile.doctor().person();
    const int index = DepartmentIndex(r.profile.department());
    const tables::Department* table = index >= 0 ? &tables::Departments()[index] : nullptr;
    // Senior doctors see patients on fewer days, but more of them a day.
    struct ClinicPlan {
      v1::ProfessionalTitle title;
      int days_lo, days_hi, per_day_lo, per_day_hi;
    };
    static constexpr ClinicPlan kPlans[] = {
        {v1::PROFESSIONAL_TITLE_CHIEF_PHYSICIAN, 4, 8, 30, 70},
        {v1::PROFESSIONAL_TITLE_ASSOCIATE_CHIEF_PHYSICIAN, 6, 12, 25, 55},
        {v1::PROFESSIONAL_TITLE_ATTENDING_PHYSICIAN, 10, 18, 20, 45},
        {v1::PROFESSIONAL_TITLE_RESIDENT_PHYSICIAN, 14, 22, 15, 35}};
    const ClinicPlan* plan = &kPlans[3];
    for (const ClinicPlan& p : kPlans) {
      if (p.title == person.professional_title()) plan = &p;
    }
    const int days = static_cast<int>(rng.Between(plan->days_lo, plan->days_hi));
    const int64_t per_day = rng.Between(plan->per_day_lo, plan->per_day_hi);
    const int64_t rx_permille = rng.Between(500, 850);
    // Key doctors prescribe the own company's drugs much more.
    const bool key = rng.Chance(0.3);
    const std::vector<ClassPlan> classes =
        PlanClasses(rng, table, 2, key ? 100 : 5, key ? 400 : 120, key ? 0.9 : 0.4);
    const std::vector<int64_t> growth =
        Growth(static_cast<int>(periods_.size()), static_cast<int>(rng.Between(-5, 10)));
    const int* season =
        table != nullptr && table->respiratory_season ? kRespiratorySeason : kGeneralSeason;
    for (size_t t = 0; t < periods_.size(); ++t) {
      const int month = periods_[t].month;
      v1::CustomerMetrics m;
      v1::DoctorMetrics& dm = *m.mutable_doctor();
      const int clinic_days =
          static_cast<int>(Clamp(days + rng.Between(-2, 2) - (month == 2 ? 2 : 0), 1, 26));
      const int64_t visits = Level(rng, clinic_days * per_day, growth[t], season[month - 1], 80);
      ClassTotals totals;
      Prescribe(rng, classes, visits * rx_permille / 1000, static_cast<int>(t), &totals);
      dm.set_outpatient_visits(visits);
      AddFigures(totals, 1000, dm.mutable_prescriptions(), dm.mutable_own_prescriptions());
      dm.set_clinic_days(clinic_days);
      Stamp(t, "rep", &m);
      sink_(r.external_id, m);
    }
  }

  void Pharmacy(DemoRng& rng, const DemoRecord& r) {
    const v1::PharmacyDetails& d = r.profile.pharmacy();
    const double area = d.floor_area_m2() > 0 ? d.floor_area_m2() : 80.0;
    // CNY per m2 and month, in fen.
    const int64_t base_amount = static_cast<int64_t>(area) * rng.Between(1500, 4000) * 100;
    const std::vector<int64_t> growth =
        Growth(static_cast<int>(periods_.size()), static_cast<int>(rng.Between(-6, 10)));
    const auto classes = tables::DrugClasses();
    std::vector<int64_t> box_price(classes.size());
    std::vector<Share> shares(classes.size());
    int weight_sum = 0;
    for (size_t c = 0; c < classes.size(); ++c) {
      box_price[c] = classes[c].box_fen * rng.Between(85, 115) / 100;
      weight_sum += classes[c].pharmacy_weight;
      if (classes[c].own_company && rng.Chance(0.5)) {
        shares[c].base = static_cast<int>(rng.Between(10, 250));
        shares[c].trend = static_cast<int>(rng.Between(-2, 6));
      }
    }
    const bool counter = d.counter_names_size() > 0;
    const int counter_share = counter ? static_cast<int>(rng.Between(150, 500)) : 0;
    const int account_age = static_cast<int>(rng.Between(20, 120));
    const int repayment = static_cast<int>(rng.Between(750, 1000));
    static constexpr int kCycles[] = {7, 10, 15, 30};
    const int cycle = kCycles[rng.Below(4)];
    const absl::string_view city = absl::StripSuffix(r.profile.city(), "市");
    const absl::string_view province_short =
        absl::StripSuffix(absl::StripSuffix(r.profile.province(), "省"), "市");
    std::vector<std::string> suppliers = {absl::StrCat("国药控股", city, "有限公司")};
    if (rng.Chance(0.6)) suppliers.push_back(absl::StrCat(province_short, "九州通医药有限公司"));
    if (rng.Chance(0.4)) suppliers.push_back(absl::StrCat("华润", city, "医药有限公司"));
    std::vector<std::string> wholesalers;
    wholesalers.push_back(
        absl::StrCat(city, Pick(rng, tables::DistributorWords()), "医药有限公司"));

    for (size_t t = 0; t < periods_.size(); ++t) {
      const int month = periods_[t].month;
      v1::CustomerMetrics m;
      v1::PharmacyMetrics& pm = *m.mutable_pharmacy();
      pm.set_purchasing_cycle_days(cycle);
      for (size_t c = 0; c < classes.size(); ++c) {
        const int* season = classes[c].respiratory_season ? kRespiratorySeason : kGeneralSeason;
        const int64_t amount = Level(rng, base_amount * classes[c].pharmacy_weight / weight_sum,
                                     growth[t], season[month - 1], 80);
        const int64_t volume = amount / box_price[c];
        v1::DrugClassFigure* f = pm.add_sales();
        f->set_drug_class(std::string(classes[c].name));
        f->set_volume(volume);
        f->set_amount_fen(volume * box_price[c]);
        if (shares[c].base > 0) {
          const int share = shares[c].At(rng, static_cast<int>(t));
          v1::DrugClassFigure* o = pm.add_own_sales();
          o->set_drug_class(f->drug_class());
          o->set_volume(volume * share / 1000);
          o->set_amount_fen(o->volume() * box_price[c]);
        }
      }
      pm.set_own_counter_share_permille(
          counter ? static_cast<int>(Clamp(counter_share + rng.Between(-30, 30), 0, 1000)) : 0);
      pm.set_account_age_days(static_cast<int>(Clamp(account_age + rng.Between(-10, 10), 0, 365)));
      pm.set_on_time_repayment_permille(
          static_cast<int>(Clamp(repayment + rng.Between(-30, 30), 0, 1000)));
      for (const std::string& s : suppliers) pm.add_suppliers(s);
      for (const std::string& w : wholesalers) pm.add_wholesalers(w);
      Stamp(t, "rep", &m);
      sink_(r.external_id, m);
    }
  }

  void Distributor(DemoRng& rng, const DemoRecord& r) {
    const v1::DistributorDetails& d = r.profile.distributor();
    // Monthly sales of 30 % to 120 % of the registered capital.
    const int64_t base_amount =
        MulDiv(std::max<int64_t>(d.registered_capital_fen(), 100000000), rng.Between(30, 120), 100);
    const int64_t avg_price = rng.Between(1500, 5000);
    const std::vector<int64_t> growth =
        Growth(static_cast<int>(periods_.size()), static_cast<int>(rng.Between(-4, 12)));
    const int account_age = static_cast<int>(rng.Between(30, 180));
    const int payment = static_cast<int>(rng.Between(800, 1000));
    const int64_t channels = rng.Between(80, 3000);
    const int own_share = static_cast<int>(rng.Between(5, 60));
    const int share_trend = static_cast<int>(rng.Between(-1, 2));
    static constexpr int kCycles[] = {7, 15, 30};
    const int cycle = kCycles[rng.Below(3)];
    const auto products = tables::OwnProducts();
    const size_t product_count = static_cast<size_t>(rng.Between(3, 5));
    const size_t first_product = rng.Below(products.size());
    std::vector<int64_t> stock;
    for (size_t i = 0; i < product_count; ++i) stock.push_back(rng.Between(500, 20000));
    std::vector<std::string> suppliers;
    const size_t supplier_count = static_cast<size_t>(rng.Between(3, 6));
    const size_t first_supplier = rng.Below(tables::Manufacturers().size());
    for (size_t i = 0; i < supplier_count; ++i) {
      suppliers.emplace_back(
          tables::Manufacturers()[(first_supplier + i) % tables::Manufacturers().size()]);
    }

    for (size_t t = 0; t < periods_.size(); ++t) {
      const int month = periods_[t].month;
      v1::CustomerMetrics m;
      v1::DistributorMetrics& dm = *m.mutable_distributor();
      const int64_t amount = Level(rng, base_amount, growth[t], kGeneralSeason[month - 1], 60);
      dm.set_sales_amount_fen(amount);
      dm.set_sales_volume(amount / avg_price);
      dm.set_account_age_days(static_cast<int>(Clamp(account_age + rng.Between(-10, 10), 0, 365)));
      dm.set_on_time_payment_permille(
          static_cast<int>(Clamp(payment + rng.Between(-20, 20), 0, 1000)));
      dm.set_downstream_channels(
          static_cast<int>(channels + static_cast<int64_t>(t) * rng.Between(0, 3)));
      const int volume_share = static_cast<int>(
          Clamp(own_share + share_trend * static_cast<int>(t) / 3 + rng.Between(-3, 3), 0, 1000));
      dm.set_own_share_volume_permille(volume_share);
      dm.set_own_share_amount_permille(
          static_cast<int>(Clamp(volume_share * rng.Between(900, 1300) / 1000, 0, 1000)));
      dm.set_purchasing_cycle_days(cycle);
      if (rng.Chance(0.06)) {
        const int n = static_cast<int>(rng.Between(1, 2));
        for (int i = 0; i < n; ++i) {
          v1::DivertedGoods* g = dm.add_diverted();
          g->set_product(
              std::string(products[(first_product + rng.Below(product_count)) % products.size()]));
          g->set_quantity(rng.Between(50, 3000));
          const Place where = PickPlace(rng);
          g->set_region(ProvinceOf(where).municipality
                            ? std::string(ProvinceOf(where).full_name)
                            : absl::StrCat(ProvinceOf(where).full_name, CityOf(where).city->name));
        }
      }
      for (size_t i = 0; i < product_count; ++i) {
        v1::InventoryItem* item = dm.add_inventory();
        item->set_product(std::string(products[(first_product + i) % products.size()]));
        item->set_quantity(MulDiv(stock[i], 1000 + rng.Between(-250, 250), 1000));
      }
      for (const std::string& s : suppliers) dm.add_suppliers(s);
      Stamp(t, "distributor-edi", &m);
      sink_(r.external_id, m);
    }
  }

  std::vector<Period> periods_;
  uint64_t seed_;
  const DemoDataGenerator::MetricsSink& sink_;
};

}  // namespace

DemoRng::DemoRng(uint64_t seed) {
  uint64_t state = seed;
  for (uint64_t& s : s_) s = SplitMix64(&state);
}

uint64_t DemoRng::Next() {
  const uint64_t result = Rotl(s_[1] * 5, 7) * 9;
  const uint64_t t = s_[1] << 17;
  s_[2] ^= s_[0];
  s_[3] ^= s_[1];
  s_[1] ^= s_[2];
  s_[0] ^= s_[3];
  s_[2] ^= t;
  s_[3] = Rotl(s_[3], 45);
  return result;
}

uint64_t DemoRng::Below(uint64_t n) { return n == 0 ? 0 : Next() % n; }

int64_t DemoRng::Between(int64_t lo, int64_t hi) {
  if (hi <= lo) return lo;
  return lo + static_cast<int64_t>(Below(static_cast<uint64_t>(hi - lo) + 1));
}

double DemoRng::Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

bool DemoRng::Chance(double p) { return Unit() < p; }

uint64_t MixSeed(uint64_t seed, uint64_t stream) {
  uint64_t state = seed ^ (stream * 0xD1B54A32D192ED03ULL);
  SplitMix64(&state);
  return SplitMix64(&state);
}

DemoSize SmallDemoSize() {
  DemoSize size;
  size.hospitals = 30;
  size.doctors = 300;
  size.pharmacies = 100;
  size.contacts_per_pharmacy = 1;
  size.distributors = 10;
  size.months = 3;
  return size;
}

absl::Status ValidateDemoSize(const DemoSize& size) {
  constexpr int kMaxRecords = 1000000;
  const std::pair<const char*, int> counts[] = {
      {"hospitals", size.hospitals},
      {"doctors", size.doctors},
      {"pharmacies", size.pharmacies},
      {"contacts_per_pharmacy", size.contacts_per_pharmacy},
      {"distributors", size.distributors}};
  for (const auto& [name, n] : counts) {
    if (n < 0 || n > kMaxRecords) {
      return absl::InvalidArgumentError(
          absl::StrCat(name, " must be between 0 and ", kMaxRecords, ", got ", n));
    }
  }
  if (static_cast<int64_t>(size.pharmacies) * size.contacts_per_pharmacy > kMaxRecords) {
    return absl::InvalidArgumentError(
        absl::StrCat("pharmacies x contacts_per_pharmacy must be at most ", kMaxRecords));
  }
  if (size.months < 1 || size.months > 240) {
    return absl::InvalidArgumentError(
        absl::StrCat("months must be between 1 and 240, got ", size.months));
  }
  if (!(size.duplicate_rate >= 0 && size.duplicate_rate <= 1) ||
      !(size.dirty_rate >= 0 && size.dirty_rate <= 1) ||
      size.duplicate_rate + size.dirty_rate > 1) {
    return absl::InvalidArgumentError(
        "duplicate_rate and dirty_rate must be between 0 and 1 and sum to at most 1");
  }
  if (size.doctors > 0 && size.hospitals == 0) {
    return absl::InvalidArgumentError("doctors need at least one hospital");
  }
  return absl::OkStatus();
}

std::vector<std::string> DemoPeriods(int months) {
  std::vector<std::string> out;
  for (Period& p : Periods(months)) out.push_back(std::move(p.text));
  return out;
}

void DemoDataGenerator::Generate(const DemoSize& size, uint64_t seed,
                                 const RecordSink& sink) const {
  Generation(size, seed, sink).Run();
}

void DemoDataGenerator::GenerateMetrics(const DemoSize& size, uint64_t seed,
                                        const MetricsSink& sink) const {
  MetricsWriter writer(size, seed, sink);
  Generate(size, seed, [&writer](const DemoRecord& r) { writer.Write(r); });
}

char SocialCreditCheckChar(absl::string_view first17) {
  if (first17.size() != 17) return '\0';
  int sum = 0;
  for (size_t i = 0; i < 17; ++i) {
    const size_t value = kCreditAlphabet.find(first17[i]);
    if (value == absl::string_view::npos) return '\0';
    sum += static_cast<int>(value) * kCreditWeights[i];
  }
  return kCreditAlphabet[(31 - sum % 31) % 31];
}

bool IsValidSocialCreditCode(absl::string_view code) {
  return code.size() == 18 && kCreditAlphabet.find(code[17]) != absl::string_view::npos &&
         SocialCreditCheckChar(code.substr(0, 17)) == code[17];
}

}  // namespace pharmacrm::demo
