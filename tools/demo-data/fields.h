// Field values the demo records share: geography and addresses, phones,
// organisation codes, bank accounts, people, reference lookups. Internal to
// pharmacrm_demo_data.
#ifndef PHARMACRM_TOOLS_DEMO_DATA_FIELDS_H_
#define PHARMACRM_TOOLS_DEMO_DATA_FIELDS_H_

#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "generator.h"
#include "google/protobuf/repeated_ptr_field.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "tables.h"

namespace pharmacrm::demo::internal {

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

const Geo& GetGeo();

struct Place {
  int province = 0;
  int city = 0;
  int district = 0;
};

const tables::Province& ProvinceOf(const Place& p);
const CityInfo& CityOf(const Place& p);
absl::string_view DistrictOf(const Place& p);

Place PlaceInCity(DemoRng& rng, int city);

// Provinces weighted by population, then cities by weight.
Place PickPlace(DemoRng& rng);

// "广东省广州市越秀区"; "北京市海淀区".
std::string AddressPrefix(const Place& p);

std::string StreetAddress(DemoRng& rng);

// The 街道 name of a road: 中山路 -> 中山.
absl::string_view RoadStem(DemoRng& rng);

std::string CityPrefix(const Place& p);

// --- Phones, codes ----------------------------------------------------------

std::string Landline(DemoRng& rng, const Place& p);
std::string Mobile(DemoRng& rng);
std::string Postcode(DemoRng& rng, const Place& p);

// `kind`: "12" public institution, "52" private non-profit, "91" company,
// "92" individual business. The division code is the province's capital
// (prefix + 0100).
std::string SocialCreditCode(DemoRng& rng, absl::string_view kind, const Place& p);

void FillBank(DemoRng& rng, const Place& p, v1::BankAccount* bank);

// --- People ----------------------------------------------------------------

std::string PersonName(DemoRng& rng, v1::Gender gender);
v1::Gender RandomGender(DemoRng& rng, double male_share);
std::string Email(DemoRng& rng, const std::string& mobile);
std::string NativePlace(DemoRng& rng);
std::string HomeAddress(DemoRng& rng, const Place& p);

// --- Reference lookups ----------------------------------------------------

// Index in tables::Departments(), or -1.
int DepartmentIndex(absl::string_view name);

// 3, 2 or 1 for graded hospitals, 0 for ungraded ones.
int HospitalLevel(v1::HospitalGrade grade);

// Drugs a hospital or pharmacy destroyed recently.
void FillDestroyedDrugs(DemoRng& rng, google::protobuf::RepeatedPtrField<v1::DestroyedDrug>* drugs);

}  // namespace pharmacrm::demo::internal

#endif  // PHARMACRM_TOOLS_DEMO_DATA_FIELDS_H_
