#include "generator.h"

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "format.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "tables.h"

namespace pharmacrm::demo {
namespace {

using ::testing::ElementsAre;
using ::testing::SizeIs;

constexpr uint64_t kSeed = 20261127;

std::vector<DemoRecord> Customers(const DemoSize& size, uint64_t seed = kSeed) {
  std::vector<DemoRecord> out;
  DemoDataGenerator().Generate(size, seed, [&out](const DemoRecord& r) { out.push_back(r); });
  return out;
}

struct MetricsRecord {
  std::string external_id;
  v1::CustomerMetrics metrics;
};

std::vector<MetricsRecord> Metrics(const DemoSize& size, uint64_t seed = kSeed) {
  std::vector<MetricsRecord> out;
  DemoDataGenerator().GenerateMetrics(size, seed,
                                      [&out](const std::string& id, const v1::CustomerMetrics& m) {
                                        out.push_back({id, m});
                                      });
  return out;
}

// FNV-1a over every record's id, flags and serialized profile, and every
// metrics record.
uint64_t Fingerprint(const DemoSize& size, uint64_t seed) {
  uint64_t h = 0xCBF29CE484222325ULL;
  auto add = [&h](const std::string& bytes) {
    for (char c : bytes) {
      h ^= static_cast<unsigned char>(c);
      h *= 0x100000001B3ULL;
    }
    h ^= 0xFF;
    h *= 0x100000001B3ULL;
  };
  DemoDataGenerator generator;
  generator.Generate(size, seed, [&](const DemoRecord& r) {
    add(r.external_id);
    add(r.duplicate_of);
    add(r.dirty ? "1" : "0");
    add(r.profile.SerializeAsString());
  });
  generator.GenerateMetrics(size, seed, [&](const std::string& id, const v1::CustomerMetrics& m) {
    add(id);
    add(m.SerializeAsString());
  });
  return h;
}

std::string Prefix(const std::string& external_id) {
  return external_id.substr(0, external_id.find('-'));
}

v1::CustomerProfile::DetailsCase DetailsFor(v1::CustomerKind kind) {
  switch (kind) {
    case v1::CUSTOMER_KIND_HOSPITAL:
      return v1::CustomerProfile::kHospital;
    case v1::CUSTOMER_KIND_DOCTOR:
      return v1::CustomerProfile::kDoctor;
    case v1::CUSTOMER_KIND_PHARMACY:
      return v1::CustomerProfile::kPharmacy;
    case v1::CUSTOMER_KIND_CONTACT:
      return v1::CustomerProfile::kContact;
    case v1::CUSTOMER_KIND_DISTRIBUTOR:
      return v1::CustomerProfile::kDistributor;
    default:
      return v1::CustomerProfile::DETAILS_NOT_SET;
  }
}

bool AllDigits(absl::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsMobile(absl::string_view s) {
  return s.size() == 11 && AllDigits(s) && s[0] == '1' && s[1] >= '3' && s[1] <= '9';
}

// 010-62345678, 0755-82345678.
bool IsLandline(absl::string_view s) {
  const size_t dash = s.find('-');
  if (dash == absl::string_view::npos) return false;
  const absl::string_view area = s.substr(0, dash);
  const absl::string_view local = s.substr(dash + 1);
  const bool three_digit_area = area.size() == 3 && (area[1] == '1' || area[1] == '2');
  return AllDigits(area) && area[0] == '0' && (three_digit_area || area.size() == 4) &&
         AllDigits(local) && (local.size() == 7 || local.size() == 8) && local[0] != '0';
}

bool IsPostcode(absl::string_view s) { return s.size() == 6 && AllDigits(s) && s[0] != '9'; }

std::string PostcodeOf(const v1::CustomerProfile& p) {
  if (p.has_hospital()) return p.hospital().postcode();
  if (p.has_pharmacy()) return p.pharmacy().postcode();
  if (p.has_distributor()) return p.distributor().postcode();
  return "";
}

// What an import rejects a dirty record for.
bool BreaksARule(const v1::CustomerProfile& p) {
  const bool person = p.has_doctor() || p.has_contact();
  const bool bad_phone = person ? !IsMobile(p.phone()) : !IsLandline(p.phone());
  const bool bad_postcode = !PostcodeOf(p).empty() && !IsPostcode(PostcodeOf(p));
  const bool no_name = absl::StripAsciiWhitespace(p.name()).empty();
  const bool wrong_kind = p.details_case() != DetailsFor(p.kind());
  return bad_phone || bad_postcode || no_name || wrong_kind;
}

TEST(DemoRngTest, IsXoshiro256StarStarSeededBySplitMix64) {
  // Values of the reference implementations (xoshiro256starstar.c seeded
  // with splitmix64.c), so any platform must reproduce them.
  DemoRng rng(20261127);
  EXPECT_EQ(rng.Next(), 0x5d027e300befbf3cULL);
  EXPECT_EQ(rng.Next(), 0x88ab924f1023cd9fULL);
  EXPECT_EQ(rng.Next(), 0x16c63e43eb9ab160ULL);
  DemoRng zero(0);
  EXPECT_EQ(zero.Next(), 0x99ec5f36cb75f2b4ULL);
}

TEST(DemoRngTest, RangesAreRespected) {
  DemoRng rng(7);
  for (int i = 0; i < 10000; ++i) {
    const int64_t v = rng.Between(-3, 5);
    ASSERT_GE(v, -3);
    ASSERT_LE(v, 5);
    const double u = rng.Unit();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
  }
  EXPECT_EQ(rng.Below(0), 0u);
  EXPECT_EQ(rng.Between(4, 4), 4);
  EXPECT_NE(MixSeed(1, 1), MixSeed(1, 2));
  EXPECT_NE(MixSeed(1, 1), MixSeed(2, 1));
}

TEST(SocialCreditCodeTest, CheckCharacterOfPublishedCodes) {
  EXPECT_EQ(SocialCreditCheckChar("91110000600037341"), 'L');
  EXPECT_EQ(SocialCreditCheckChar("91440300708461136"), 'T');
  EXPECT_TRUE(IsValidSocialCreditCode("91110000600037341L"));
  EXPECT_FALSE(IsValidSocialCreditCode("91110000600037341M"));
  EXPECT_FALSE(IsValidSocialCreditCode("9111000060003734"));
  EXPECT_EQ(SocialCreditCheckChar("9111000060003734I"), '\0');  // I is not in the alphabet.
}

TEST(DemoDataTest, SameSeedSameBytesOtherSeedOtherBytes) {
  const DemoSize size = SmallDemoSize();
  const uint64_t first = Fingerprint(size, kSeed);
  EXPECT_EQ(Fingerprint(size, kSeed), first);
  EXPECT_NE(Fingerprint(size, kSeed + 1), first);
}

TEST(DemoDataTest, SmallSizeFingerprintIsPinned) {
  // The same on every platform, compiler and standard library. When the
  // generator or its tables change on purpose, update the constant; when it
  // differs only on one platform, something there is not portable (a
  // <random> distribution, libm, hash-set iteration order).
  EXPECT_EQ(Fingerprint(SmallDemoSize(), kSeed), 0x1dfc20444935a04eULL);
}

TEST(DemoDataTest, CountsMatchTheSize) {
  for (const DemoSize& size : {SmallDemoSize(), DemoSize{40, 250, 60, 3, 7, 2, 0.1, 0.2}}) {
    std::map<std::string, int> counts;
    for (const DemoRecord& r : Customers(size)) ++counts[Prefix(r.external_id)];
    EXPECT_EQ(counts["HOSP"], size.hospitals);
    EXPECT_EQ(counts["DOC"], size.doctors);
    EXPECT_EQ(counts["PHA"], size.pharmacies);
    EXPECT_EQ(counts["CON"], size.pharmacies * size.contacts_per_pharmacy);
    EXPECT_EQ(counts["DIS"], size.distributors);
  }
}

TEST(DemoDataTest, StreamOrderAndNumbering) {
  const std::vector<DemoRecord> records = Customers(SmallDemoSize());
  ASSERT_FALSE(records.empty());
  EXPECT_EQ(records.front().external_id, "HOSP-000001");
  EXPECT_EQ(records.back().external_id, "DIS-000010");
  std::set<std::string> ids;
  for (const DemoRecord& r : records)
    EXPECT_TRUE(ids.insert(r.external_id).second) << r.external_id;
}

TEST(DemoDataTest, DistributorCodesPassTheCheckDigit) {
  DemoSize size = SmallDemoSize();
  size.distributors = 300;
  int checked = 0;
  for (const DemoRecord& r : Customers(size)) {
    const v1::CustomerProfile& p = r.profile;
    std::string code;
    if (p.has_distributor()) code = p.distributor().social_credit_code();
    if (p.has_hospital()) code = p.hospital().social_credit_code();
    if (p.has_pharmacy()) code = p.pharmacy().social_credit_code();
    if (code.empty()) continue;
    ++checked;
    EXPECT_TRUE(IsValidSocialCreditCode(code)) << r.external_id << " " << code;
    EXPECT_TRUE(code[0] == '1' || code[0] == '5' || code[0] == '9') << code;
    if (p.has_distributor()) {
      EXPECT_EQ(code.substr(0, 2), "91") << code;
      EXPECT_EQ(code, p.distributor().tax_number());
    }
    // The division code is the province's: 44 + 0100 for 广东省.
    for (const tables::Province& province : tables::Provinces()) {
      if (province.full_name == p.province()) {
        EXPECT_EQ(code.substr(2, 6), absl::StrCat(province.code, "0100")) << r.external_id;
      }
    }
  }
  EXPECT_GT(checked, 300);
}

TEST(DemoDataTest, CleanRecordsAreComplete) {
  const std::set<std::string> provinces = [] {
    std::set<std::string> s;
    for (const tables::Province& p : tables::Provinces()) s.emplace(p.full_name);
    return s;
  }();
  for (const DemoRecord& r : Customers(SmallDemoSize())) {
    if (r.dirty) continue;
    const v1::CustomerProfile& p = r.profile;
    SCOPED_TRACE(r.external_id);
    EXPECT_NE(p.kind(), v1::CUSTOMER_KIND_UNSPECIFIED);
    EXPECT_FALSE(absl::StripAsciiWhitespace(p.name()).empty());
    EXPECT_EQ(p.details_case(), DetailsFor(p.kind()));
    EXPECT_TRUE(provinces.count(p.province())) << p.province();
    EXPECT_FALSE(p.city().empty());
    EXPECT_FALSE(p.district().empty());
    EXPECT_FALSE(p.address().empty());
    if (!r.duplicate_of.empty()) continue;  // Variations are checked below.
    const bool person = p.has_doctor() || p.has_contact();
    EXPECT_TRUE(person ? IsMobile(p.phone()) : IsLandline(p.phone())) << p.phone();
    if (!person) {
      EXPECT_TRUE(IsPostcode(PostcodeOf(p))) << PostcodeOf(p);
    }
    EXPECT_TRUE(absl::StartsWith(p.address(), p.province())) << p.address();
    if (p.has_hospital()) {
      EXPECT_NE(p.hospital_grade(), v1::HOSPITAL_GRADE_UNSPECIFIED);
      EXPECT_GE(p.hospital().bed_count(), 10);
      EXPECT_GT(p.hospital().departments_size(), 0);
      EXPECT_EQ(
          p.hospital().chief_physician_count() + p.hospital().associate_chief_physician_count() +
              p.hospital().attending_physician_count() + p.hospital().resident_physician_count(),
          p.hospital().doctor_count());
      for (const v1::Department& d : p.hospital().departments()) {
        EXPECT_TRUE(IsLandline(d.phone())) << d.phone();
      }
    } else {
      EXPECT_EQ(p.hospital_grade(), v1::HOSPITAL_GRADE_UNSPECIFIED);
    }
    if (p.has_doctor()) {
      EXPECT_EQ(p.doctor().person().mobile(), p.phone());
      EXPECT_NE(p.doctor().person().professional_title(), v1::PROFESSIONAL_TITLE_UNSPECIFIED);
      EXPECT_FALSE(p.title().empty());
      EXPECT_FALSE(p.department().empty());
      EXPECT_EQ(p.doctor().person().birth_date().size(), 10u);
    }
    if (p.has_pharmacy()) {
      EXPECT_NE(p.pharmacy().gsp_status(), v1::GSP_STATUS_UNSPECIFIED);
    }
  }
}

TEST(DemoDataTest, DirtyRecordsBreakARuleAndCleanOriginalsDoNot) {
  DemoSize size = SmallDemoSize();
  size.dirty_rate = 0.3;
  int dirty = 0;
  for (const DemoRecord& r : Customers(size)) {
    if (!r.duplicate_of.empty()) continue;
    EXPECT_EQ(BreaksARule(r.profile), r.dirty)
        << r.external_id << " " << r.profile.ShortDebugString();
    if (r.dirty) ++dirty;
  }
  EXPECT_GT(dirty, 100);
}

TEST(DemoDataTest, DuplicatesCopyAnEarlierCleanRecordWithAVariation) {
  DemoSize size = SmallDemoSize();
  size.duplicate_rate = 0.2;
  std::map<std::string, DemoRecord> earlier;
  int duplicates = 0;
  for (const DemoRecord& r : Customers(size)) {
    if (!r.duplicate_of.empty()) {
      ++duplicates;
      SCOPED_TRACE(r.external_id);
      EXPECT_FALSE(r.dirty);
      auto it = earlier.find(r.duplicate_of);
      ASSERT_NE(it, earlier.end()) << r.duplicate_of << " is not an earlier record";
      const DemoRecord& original = it->second;
      EXPECT_FALSE(original.dirty);
      EXPECT_TRUE(original.duplicate_of.empty());
      EXPECT_EQ(Prefix(original.external_id), Prefix(r.external_id));
      EXPECT_EQ(original.profile.kind(), r.profile.kind());
      EXPECT_NE(original.profile.SerializeAsString(), r.profile.SerializeAsString());
      const std::string kind = Prefix(r.external_id);
      EXPECT_TRUE(kind == "HOSP" || kind == "DOC" || kind == "PHA") << kind;
    }
    earlier.emplace(r.external_id, r);
  }
  EXPECT_GT(duplicates, 40);
}

TEST(DemoDataTest, DoctorsAndContactsReferToEarlierCleanOriginals) {
  std::map<std::string, const DemoRecord*> clean;
  const std::vector<DemoRecord> records = Customers(SmallDemoSize());
  int doctors = 0;
  int contacts = 0;
  for (const DemoRecord& r : records) {
    const v1::CustomerProfile& p = r.profile;
    if (Prefix(r.external_id) == "DOC") {
      ++doctors;
      auto it = clean.find(p.hospital_id());
      ASSERT_NE(it, clean.end()) << r.external_id << " -> " << p.hospital_id();
      EXPECT_EQ(Prefix(p.hospital_id()), "HOSP");
      bool department_found = false;
      for (const v1::Department& d : it->second->profile.hospital().departments()) {
        department_found |= d.name() == p.department();
      }
      // Duplicates may spell the department otherwise (心内科 / 心血管内科).
      if (r.duplicate_of.empty()) {
        EXPECT_TRUE(department_found) << p.department();
      }
      EXPECT_EQ(p.city(), it->second->profile.city());
    }
    if (Prefix(r.external_id) == "CON") {
      ++contacts;
      if (!r.dirty || p.has_contact()) {
        auto it = clean.find(p.contact().pharmacy_id());
        ASSERT_NE(it, clean.end()) << r.external_id;
        EXPECT_EQ(Prefix(p.contact().pharmacy_id()), "PHA");
      }
    }
    if (!r.dirty && r.duplicate_of.empty()) clean.emplace(r.external_id, &r);
  }
  EXPECT_EQ(doctors, 300);
  EXPECT_EQ(contacts, 100);
}

TEST(DemoDataTest, FullSizeHospitalsAreSpreadRealistically) {
  DemoSize size;
  size.doctors = 0;
  size.pharmacies = 0;
  size.distributors = 0;
  std::map<std::string, int> by_province;
  std::map<v1::HospitalGrade, int> by_grade;
  std::set<std::string> names;
  int originals = 0;
  int duplicates = 0;
  int dirty = 0;
  for (const DemoRecord& r : Customers(size)) {
    if (!r.duplicate_of.empty()) {
      ++duplicates;
      continue;
    }
    if (r.dirty) {
      ++dirty;
      continue;
    }
    ++originals;
    ++by_province[r.profile.province()];
    ++by_grade[r.profile.hospital_grade()];
    EXPECT_TRUE(names.insert(r.profile.name()).second) << r.profile.name();
  }
  EXPECT_EQ(by_province.size(), 31u);
  EXPECT_GT(by_province["广东省"], by_province["西藏自治区"] * 10);
  const double share_3a = static_cast<double>(by_grade[v1::HOSPITAL_GRADE_3A]) / originals;
  EXPECT_GT(share_3a, 0.16);
  EXPECT_LT(share_3a, 0.24);
  EXPECT_NEAR(duplicates / 3000.0, 0.02, 0.01);
  EXPECT_NEAR(dirty / 3000.0, 0.05, 0.015);
}

TEST(DemoDataTest, MetricsOwnNeverExceedsTotal) {
  const DemoSize size = SmallDemoSize();
  const std::vector<std::string> periods = DemoPeriods(size.months);
  EXPECT_THAT(periods, ElementsAre("2026-08", "2026-09", "2026-10"));
  std::map<std::string, std::vector<std::string>> periods_of;  // Whole-customer records.
  auto check = [](const google::protobuf::RepeatedPtrField<v1::DrugClassFigure>& total,
                  const google::protobuf::RepeatedPtrField<v1::DrugClassFigure>& own,
                  const std::string& where) {
    std::map<std::string, const v1::DrugClassFigure*> by_class;
    for (const v1::DrugClassFigure& t : total) {
      EXPECT_TRUE(by_class.emplace(t.drug_class(), &t).second) << where;
      EXPECT_GE(t.volume(), 0) << where;
      EXPECT_GE(t.amount_fen(), 0) << where;
    }
    for (const v1::DrugClassFigure& o : own) {
      auto it = by_class.find(o.drug_class());
      ASSERT_NE(it, by_class.end()) << where << " " << o.drug_class();
      EXPECT_GE(o.volume(), 0) << where;
      EXPECT_LE(o.volume(), it->second->volume()) << where << " " << o.drug_class();
      EXPECT_LE(o.amount_fen(), it->second->amount_fen()) << where << " " << o.drug_class();
    }
  };
  int records = 0;
  for (const MetricsRecord& r : Metrics(size)) {
    ++records;
    const v1::CustomerMetrics& m = r.metrics;
    const std::string where = absl::StrCat(r.external_id, " ", m.period(), " ", m.department());
    EXPECT_TRUE(m.customer_id().empty());
    if (m.department().empty()) periods_of[r.external_id].push_back(m.period());
    switch (m.figures_case()) {
      case v1::CustomerMetrics::kHospital: {
        const v1::HospitalMetrics& h = m.hospital();
        EXPECT_EQ(Prefix(r.external_id), "HOSP");
        check(h.prescriptions(), h.own_prescriptions(), where);
        EXPECT_LE(h.prescription_drug_sales_amount_fen(), h.drug_sales_amount_fen()) << where;
        EXPECT_GE(h.bed_utilisation_permille(), 0);
        EXPECT_LE(h.bed_utilisation_permille(), 2000);
        int64_t visits = 0;
        for (const v1::DepartmentVisits& d : h.department_visits()) visits += d.visits();
        EXPECT_GE(h.outpatient_visits(), visits) << where;
        EXPECT_GT(h.outpatient_visits(), 0) << where;
        break;
      }
      case v1::CustomerMetrics::kDepartmentFigures: {
        const v1::DepartmentMetrics& d = m.department_figures();
        EXPECT_FALSE(m.department().empty());
        check(d.prescriptions(), d.own_prescriptions(), where);
        EXPECT_LE(d.prescription_drug_sales_amount_fen(), d.drug_sales_amount_fen()) << where;
        break;
      }
      case v1::CustomerMetrics::kDoctor: {
        const v1::DoctorMetrics& d = m.doctor();
        EXPECT_EQ(Prefix(r.external_id), "DOC");
        check(d.prescriptions(), d.own_prescriptions(), where);
        EXPECT_GE(d.clinic_days(), 1);
        EXPECT_LE(d.clinic_days(), 31);
        break;
      }
      case v1::CustomerMetrics::kPharmacy: {
        const v1::PharmacyMetrics& p = m.pharmacy();
        EXPECT_EQ(Prefix(r.external_id), "PHA");
        check(p.sales(), p.own_sales(), where);
        EXPECT_LE(p.on_time_repayment_permille(), 1000);
        EXPECT_LE(p.own_counter_share_permille(), 1000);
        break;
      }
      case v1::CustomerMetrics::kDistributor: {
        const v1::DistributorMetrics& d = m.distributor();
        EXPECT_EQ(Prefix(r.external_id), "DIS");
        EXPECT_LE(d.own_share_volume_permille(), 1000);
        EXPECT_LE(d.own_share_amount_permille(), 1000);
        EXPECT_LE(d.on_time_payment_permille(), 1000);
        for (const v1::DivertedGoods& g : d.diverted()) EXPECT_GT(g.quantity(), 0);
        break;
      }
      default:
        ADD_FAILURE() << where << ": no figures";
    }
  }
  // Every clean original of a kind with metrics has one record per period.
  int customers = 0;
  for (const DemoRecord& r : Customers(size)) {
    if (r.dirty || !r.duplicate_of.empty() || Prefix(r.external_id) == "CON") continue;
    ++customers;
    EXPECT_EQ(periods_of[r.external_id], periods) << r.external_id;
  }
  EXPECT_EQ(periods_of.size(), static_cast<size_t>(customers));
  EXPECT_GT(records, customers * size.months);  // Plus the departments.
}

TEST(DemoDataTest, MetricsHaveSeasonsAndOwnFigures) {
  DemoSize size = SmallDemoSize();
  size.months = 24;
  size.doctors = 0;
  size.pharmacies = 0;
  size.distributors = 0;
  // February (Spring Festival) is below the following March for most
  // hospitals, and some hospitals report own-company prescriptions.
  std::map<std::string, std::map<std::string, int64_t>> visits;
  int with_own = 0;
  for (const MetricsRecord& r : Metrics(size)) {
    if (!r.metrics.has_hospital()) continue;
    visits[r.external_id][r.metrics.period()] = r.metrics.hospital().outpatient_visits();
    if (r.metrics.hospital().own_prescriptions_size() > 0) ++with_own;
  }
  int lower = 0;
  for (auto& [id, by_period] : visits) {
    if (by_period["2026-02"] < by_period["2026-03"]) ++lower;
  }
  EXPECT_GT(lower, static_cast<int>(visits.size()) * 8 / 10);
  EXPECT_GT(with_own, 0);
}

TEST(DemoDataTest, SmallSizeIsFast) {
  const auto start = std::chrono::steady_clock::now();
  int64_t n = 0;
  DemoDataGenerator generator;
  generator.Generate(SmallDemoSize(), kSeed, [&n](const DemoRecord&) { ++n; });
  generator.GenerateMetrics(SmallDemoSize(), kSeed,
                            [&n](const std::string&, const v1::CustomerMetrics&) { ++n; });
  const auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_GT(n, 0);
  EXPECT_LT(elapsed, std::chrono::milliseconds(500));
}

TEST(DemoDataTest, ValidateDemoSize) {
  EXPECT_TRUE(ValidateDemoSize(DemoSize()).ok());
  EXPECT_TRUE(ValidateDemoSize(SmallDemoSize()).ok());
  DemoSize size;
  size.hospitals = -1;
  EXPECT_FALSE(ValidateDemoSize(size).ok());
  size = DemoSize();
  size.hospitals = 0;
  EXPECT_FALSE(ValidateDemoSize(size).ok());  // Doctors without hospitals.
  size = DemoSize();
  size.months = 0;
  EXPECT_FALSE(ValidateDemoSize(size).ok());
  size = DemoSize();
  size.duplicate_rate = 0.7;
  size.dirty_rate = 0.7;
  EXPECT_FALSE(ValidateDemoSize(size).ok());
}

TEST(FormatTest, JsonLineCarriesTheProfile) {
  const std::vector<DemoRecord> records = Customers(SmallDemoSize());
  for (const DemoRecord& r : records) {
    absl::StatusOr<std::string> line = CustomerJsonLine(r);
    ASSERT_TRUE(line.ok()) << line.status();
    const std::string head = absl::StrCat("{\"external_id\":\"", r.external_id, "\",\"profile\":");
    ASSERT_TRUE(absl::StartsWith(*line, head)) << *line;
    ASSERT_TRUE(absl::EndsWith(*line, "}"));
    EXPECT_FALSE(absl::StrContains(*line, "\n"));
    const std::string profile_json = line->substr(head.size(), line->size() - head.size() - 1);
    EXPECT_TRUE(absl::StrContains(profile_json, "\"kind\":\"CUSTOMER_KIND_"));
    v1::CustomerProfile parsed;
    ASSERT_TRUE(google::protobuf::util::JsonStringToMessage(profile_json, &parsed).ok());
    EXPECT_EQ(parsed.SerializeAsString(), r.profile.SerializeAsString()) << r.external_id;
  }
  absl::StatusOr<std::string> first = CustomerJsonLine(records.front());
  ASSERT_TRUE(first.ok());
  EXPECT_TRUE(absl::StrContains(*first, "\"hospital_grade\":\"HOSPITAL_GRADE_"));  // snake_case
}

// Splits RFC 4180 text into records of cells.
std::vector<std::vector<std::string>> ParseCsv(absl::string_view text) {
  std::vector<std::vector<std::string>> rows(1, std::vector<std::string>(1));
  bool quoted = false;
  for (size_t i = 0; i < text.size(); ++i) {
    const char c = text[i];
    std::string& cell = rows.back().back();
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        cell.push_back('"');
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        cell.push_back(c);
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      rows.back().emplace_back();
    } else if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
      ++i;
      rows.emplace_back(1);
    } else {
      cell.push_back(c);
    }
  }
  if (rows.back().size() == 1 && rows.back()[0].empty()) rows.pop_back();
  return rows;
}

TEST(FormatTest, CsvQuotingFollowsRfc4180) {
  EXPECT_EQ(CsvCell("plain"), "plain");
  EXPECT_EQ(CsvCell("a,b"), "\"a,b\"");
  EXPECT_EQ(CsvCell("say \"hi\""), "\"say \"\"hi\"\"\"");
  EXPECT_EQ(CsvCell("two\nlines"), "\"two\nlines\"");
  EXPECT_EQ(CsvCell(" padded"), "\" padded\"");
  EXPECT_EQ(CsvCell("王 伟"), "王 伟");
  EXPECT_EQ(CsvCell(""), "");
}

TEST(FormatTest, CsvRowsHaveTheHeaderColumns) {
  std::string text = CustomerCsvHeader();
  const std::vector<DemoRecord> records = Customers(SmallDemoSize());
  for (const DemoRecord& r : records) text += CustomerCsvRow(r);
  const std::vector<std::vector<std::string>> rows = ParseCsv(text);
  ASSERT_THAT(rows, SizeIs(records.size() + 1));
  const std::vector<std::string> header = rows[0];
  EXPECT_EQ(header.size(), CustomerCsvColumns().size());
  EXPECT_EQ(header[0], "external_id");
  std::map<std::string, size_t> column;
  for (size_t i = 0; i < header.size(); ++i) column[header[i]] = i;
  for (absl::string_view required :
       {"kind", "name", "province", "city", "district", "address", "phone", "hospital_grade",
        "hospital_id", "department", "title", "hospital.bed_count", "hospital.postcode",
        "doctor.person.mobile", "doctor.person.professional_title", "pharmacy.gsp_status",
        "distributor.social_credit_code"}) {
    EXPECT_TRUE(column.count(std::string(required))) << required;
  }
  for (size_t i = 0; i < records.size(); ++i) {
    const std::vector<std::string>& row = rows[i + 1];
    const DemoRecord& r = records[i];
    ASSERT_EQ(row.size(), header.size()) << r.external_id;
    EXPECT_EQ(row[0], r.external_id);
    EXPECT_EQ(row[column["kind"]], v1::CustomerKind_Name(r.profile.kind()));
    EXPECT_EQ(row[column["name"]], r.profile.name());
    EXPECT_EQ(row[column["address"]], r.profile.address());
    if (r.profile.has_hospital()) {
      EXPECT_EQ(row[column["hospital.bed_count"]], absl::StrCat(r.profile.hospital().bed_count()));
      EXPECT_EQ(row[column["hospital_grade"]], v1::HospitalGrade_Name(r.profile.hospital_grade()));
    }
    if (r.profile.has_doctor() && !r.dirty) {
      EXPECT_EQ(row[column["hospital_id"]], r.profile.hospital_id());
      EXPECT_FALSE(row[column["doctor.person.professional_title"]].empty());
    }
    if (r.profile.has_distributor()) {
      EXPECT_EQ(row[column["distributor.social_credit_code"]],
                r.profile.distributor().social_credit_code());
    }
  }
}

TEST(FormatTest, MetricsCsvAndJson) {
  const std::vector<MetricsRecord> metrics = Metrics(SmallDemoSize());
  std::string text = MetricsCsvHeader();
  for (const MetricsRecord& m : metrics) {
    text += MetricsCsvRows(m.external_id, m.metrics);
    absl::StatusOr<std::string> line = MetricsJsonLine(m.external_id, m.metrics);
    ASSERT_TRUE(line.ok());
    EXPECT_TRUE(absl::StartsWith(
        *line, absl::StrCat("{\"external_id\":\"", m.external_id, "\",\"metrics\":{")));
  }
  const std::vector<std::vector<std::string>> rows = ParseCsv(text);
  ASSERT_GT(rows.size(), metrics.size());
  for (const auto& row : rows) ASSERT_EQ(row.size(), rows[0].size());
}

TEST(TablesTest, NoEmptyEntries) {
  EXPECT_EQ(tables::Provinces().size(), 31u);
  EXPECT_EQ(tables::Homophones().size() % 2, 0u);
  for (absl::string_view s : tables::Homophones()) EXPECT_FALSE(s.empty());
  for (absl::string_view s : tables::MaleGivenChars()) EXPECT_FALSE(s.empty());
  for (absl::string_view s : tables::FemaleGivenChars()) EXPECT_FALSE(s.empty());
  for (absl::string_view s : tables::Roads())
    EXPECT_TRUE(absl::EndsWith(s, "路") || absl::EndsWith(s, "街") || absl::EndsWith(s, "道"));
  std::set<absl::string_view> codes;
  for (const tables::City& c : tables::Cities()) {
    SCOPED_TRACE(c.name);
    codes.insert(c.province_code);
    EXPECT_EQ(c.postcode.size(), 4u);
    EXPECT_EQ(c.area_code[0], '0');
    EXPECT_FALSE(c.districts.empty());
    EXPECT_GT(c.weight, 0);
  }
  EXPECT_EQ(codes.size(), 31u);  // Every province has cities.
}

}  // namespace
}  // namespace pharmacrm::demo
