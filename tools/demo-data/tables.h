// The compiled-in reference data of the demo data set: geography, names,
// departments, drug classes, pharmacy chains, distributors. Internal to
// pharmacrm_demo_data.
#ifndef PHARMACRM_TOOLS_DEMO_DATA_TABLES_H_
#define PHARMACRM_TOOLS_DEMO_DATA_TABLES_H_

#include <cstdint>
#include <span>

#include "absl/strings/string_view.h"
#include "pharmacrm/v1/customer_data.pb.h"

namespace pharmacrm::demo::tables {

struct Province {
  absl::string_view code;          // GB/T 2260 prefix, "44".
  absl::string_view full_name;     // "广东省", "广西壮族自治区", "北京市".
  absl::string_view short_name;    // "广东", "广西", "北京".
  absl::string_view abbreviation;  // "粤".
  int population;                  // 2020 census, in ten thousands.
  bool municipality;               // The province is also the city.
};

struct City {
  absl::string_view province_code;
  absl::string_view name;       // "广州市"; a municipality's full name.
  absl::string_view area_code;  // "020".
  absl::string_view postcode;   // The first four digits, "5100".
  int weight;                   // Share of the province's customers.
  absl::string_view districts;  // Space-separated.
  // Medical universities with affiliated hospitals, space-separated.
  absl::string_view universities;
};

struct Weighted {
  absl::string_view text;
  int weight;
};

struct Department {
  absl::string_view name;
  absl::string_view alias;  // Another common spelling, "" if none.
  int visit_weight;         // Share of a hospital's outpatient visits.
  bool respiratory_season;  // Visits peak in winter.
  // Indexes into DrugClasses(): main classes, most prescribed first.
  int classes[3];
  absl::string_view society;      // 中华医学会{society}分会
  absl::string_view specialties;  // 学术专长, space-separated.
};

struct DrugClass {
  absl::string_view name;
  int64_t prescription_fen;  // Average amount of one prescription.
  int64_t box_fen;           // Average retail price of one box.
  int pharmacy_weight;       // Share of a pharmacy's sales.
  bool respiratory_season;
  bool own_company;  // The demo company sells drugs of the class.
};

struct PharmacyChain {
  absl::string_view name;       // "老百姓大药房".
  absl::string_view provinces;  // Space-separated codes; "" = nationwide.
  int weight;                   // In its provinces (nationwide chains: everywhere).
  v1::OwnershipForm ownership;
};

struct DistributorGroup {
  // {city} and {province} are replaced by the short names.
  absl::string_view pattern;
  absl::string_view provinces;  // Space-separated codes; "" = nationwide.
  int weight;
  v1::OwnershipForm ownership;
};

std::span<const Province> Provinces();
std::span<const City> Cities();
std::span<const Weighted> Surnames();
std::span<const absl::string_view> MaleGivenChars();
std::span<const absl::string_view> FemaleGivenChars();
std::span<const absl::string_view> GivenFirstChars();
// Pairs of characters read alike (张/章): entry 2i sounds like 2i+1.
std::span<const absl::string_view> Homophones();
std::span<const absl::string_view> Roads();
std::span<const Department> Departments();
std::span<const DrugClass> DrugClasses();
std::span<const absl::string_view> NationalUniversities();
std::span<const absl::string_view> HospitalBrands();
std::span<const PharmacyChain> PharmacyChains();
std::span<const absl::string_view> PharmacyWords();
std::span<const absl::string_view> PharmacySuffixes();
std::span<const absl::string_view> PharmacyCounters();
std::span<const DistributorGroup> DistributorGroups();
std::span<const absl::string_view> DistributorWords();
std::span<const absl::string_view> BusinessScopes();
std::span<const absl::string_view> Banks();
std::span<const absl::string_view> MobilePrefixes();
std::span<const absl::string_view> Hobbies();
std::span<const absl::string_view> Personalities();
std::span<const absl::string_view> BestTimesToCall();
std::span<const absl::string_view> OwnProducts();
std::span<const absl::string_view> OtherDrugs();
std::span<const absl::string_view> Manufacturers();
std::span<const absl::string_view> ChineseNumerals();  // 一 .. 十二

}  // namespace pharmacrm::demo::tables

#endif  // PHARMACRM_TOOLS_DEMO_DATA_TABLES_H_
