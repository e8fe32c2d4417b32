// Pharmacies, each followed by its staff contacts.
#include <cstdint>
#include <span>
#include <string>
#include <utility>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "generation.h"
#include "sampling.h"

namespace pharmacrm::demo::internal {
namespace {

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
  const int birth_day = static_cast<int>(rng.Between(1, 28));
  const int birth_month = static_cast<int>(rng.Between(1, 12));
  const int age = static_cast<int>(rng.Between(22, 55));
  person.set_birth_date(Date(kLastPeriodYear - age, birth_month, birth_day));
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

}  // namespace

std::string Generation::NamePharmacy(DemoRng& rng, const Place& place, bool chain_store,
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

DemoRecord Generation::NewPharmacy(DemoRng& rng, const std::string& external_id, PharmacyRef* ref) {
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
  const bool ground_floor = rng.Chance(0.3);
  const std::string street = StreetAddress(rng);
  p.set_address(absl::StrCat(AddressPrefix(place), street, ground_floor ? "一楼" : ""));
  p.set_phone(Landline(rng, place));

  v1::PharmacyDetails& d = *p.mutable_pharmacy();
  d.set_postcode(Postcode(rng, place));
  if (rng.Chance(0.4)) d.set_fax(Landline(rng, place));
  d.set_approving_authority(absl::StrCat(CityPrefix(place), "市场监督管理局"));
  d.set_staff_count(static_cast<int>(chain_store ? rng.Between(4, 15) : rng.Between(2, 8)));
  if (chain_store) {
    d.set_ownership(chain->ownership);
  } else {
    d.set_ownership(rng.Chance(0.97) ? v1::OWNERSHIP_FORM_PRIVATE : v1::OWNERSHIP_FORM_COLLECTIVE);
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

void Generation::GeneratePharmacies() {
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

}  // namespace pharmacrm::demo::internal
