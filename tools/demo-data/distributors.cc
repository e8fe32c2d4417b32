// Distributors.
#include <cstdint>
#include <span>
#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "generation.h"
#include "sampling.h"

namespace pharmacrm::demo::internal {

DemoRecord Generation::NewDistributor(DemoRng& rng, const std::string& external_id) {
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
      const absl::string_view form = Pick(rng, std::span<const absl::string_view>(kForms));
      const absl::string_view word = Pick(rng, tables::DistributorWords());
      name = absl::StrCat(prefix, word, form);
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
      large ? "总经理办公室、采购部、销售部（医院、零售、基层）、质量管理部、储运部、财务部、信息部"
            : "总经理、采购部、销售部、质量管理部、仓储部、财务部");
  d.set_hospitals_reached(static_cast<int>(large ? rng.Between(100, 1500) : rng.Between(10, 200)));
  d.set_pharmacies_reached(
      static_cast<int>(large ? rng.Between(500, 8000) : rng.Between(50, 1500)));
  if (rng.Chance(0.3)) d.set_patients_reached(static_cast<int>(rng.Between(1000, 50000)));
  d.set_social_credit_code(code);
  return r;
}

void Generation::GenerateDistributors() {
  DemoRng rng(MixSeed(seed_, kDistributorStream));
  for (int i = 0; i < size_.distributors; ++i) {
    const std::string id = absl::StrFormat("DIS-%06d", i + 1);
    const Slot slot = DecideSlot(rng, false, nullptr, i);
    DemoRecord r = NewDistributor(rng, id);
    if (slot == Slot::kDirty) MakeDirty(rng, &r);
    sink_(r);
  }
}

}  // namespace pharmacrm::demo::internal
