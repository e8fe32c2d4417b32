// A realistic, deterministic demo data set for PharmaCRM: hospitals with
// their departments, doctors, pharmacies with their staff contacts and
// distributors across mainland China, each with monthly metrics.
//
// The same seed and size give byte-identical records on every platform and
// standard library: all randomness comes from the PRNG below (xoshiro256**
// seeded through splitmix64) and all arithmetic that reaches the output is
// integer arithmetic or exactly rounded IEEE division, never libm.
//
// Records are streamed to a callback in a stable order and never held all at
// once: hospitals, then doctors, then each pharmacy followed by its contacts,
// then distributors. The generator keeps only small per-hospital and
// per-pharmacy summaries (what doctors and contacts refer to), the names
// already used, and a bounded sample of earlier records to copy into
// deliberate duplicates.
//
// Ground truth for import and match & merge tests:
//  - `duplicate_of` names the external_id of the record a deliberate
//    duplicate copies (always an earlier, clean, non-duplicate record of the
//    same kind); the copy differs by one or two typical data-entry
//    variations (full-width digits, extra spaces, a homophone in a person's
//    name, 省/市 dropped from the address, the phone written with +86 and
//    dashes, another spelling of the department, missing optional fields).
//  - `dirty` records break exactly one import rule (invalid phone, 5-digit
//    postcode, missing name, details of another kind) so imports have rows
//    to reject.
//  - Doctors and contacts refer only to clean originals (hospital_id,
//    contact.pharmacy_id), which always come earlier in the stream.
#ifndef PHARMACRM_TOOLS_DEMO_DATA_GENERATOR_H_
#define PHARMACRM_TOOLS_DEMO_DATA_GENERATOR_H_

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/customer_metrics.pb.h"

namespace pharmacrm::demo {

// How many records of each kind to generate. Each count includes the
// deliberate duplicates and the dirty records of that kind.
struct DemoSize {
  int hospitals = 3000;
  int doctors = 60000;
  int pharmacies = 20000;
  int contacts_per_pharmacy = 1;
  int distributors = 500;
  int months = 24;
  // Shares of hospital, doctor and pharmacy records that copy an earlier
  // record of the same kind.
  double duplicate_rate = 0.02;
  // Share of records of every kind that break one import rule.
  double dirty_rate = 0.05;
};

// The "small" size: 30 hospitals, 300 doctors, 100 pharmacies (one contact
// each), 10 distributors and 3 months.
DemoSize SmallDemoSize();

// Rejects negative counts, more than 1,000,000 records of a kind, months
// outside 1..240, rates outside 0..1 or summing above 1, and doctors or
// contacts without any hospital or pharmacy to belong to.
absl::Status ValidateDemoSize(const DemoSize& size);

struct DemoRecord {
  // The source system's id: HOSP-000001, DOC-000001, PHA-000001,
  // CON-000001, DIS-000001, numbered per kind in stream order.
  std::string external_id;
  v1::CustomerProfile profile;
  // external_id of the original when this is a deliberate duplicate.
  std::string duplicate_of;
  // True when the record breaks an import rule and should be rejected.
  bool dirty = false;
};

// The last period of the metrics; the series counts back from it.
inline constexpr int kLastPeriodYear = 2026;
inline constexpr int kLastPeriodMonth = 10;

// The `months` periods ending with 2026-10, oldest first, as "YYYY-MM".
std::vector<std::string> DemoPeriods(int months);

class DemoDataGenerator {
 public:
  using RecordSink = std::function<void(const DemoRecord&)>;
  using MetricsSink =
      std::function<void(const std::string& external_id, const v1::CustomerMetrics&)>;

  // Streams every customer record. The size must pass ValidateDemoSize;
  // otherwise kinds that cannot be generated are skipped.
  void Generate(const DemoSize& size, uint64_t seed, const RecordSink& sink) const;

  // Streams monthly metrics of every clean original hospital (one record for
  // the whole hospital, then one per department, each period), doctor,
  // pharmacy and distributor of Generate(size, seed), customer by customer,
  // periods oldest first. Duplicates and dirty records have none. Series
  // have a per-customer trend, seasonality (Spring Festival dip, winter
  // respiratory peak) and noise; own-company figures never exceed the totals
  // of their drug class. customer_id is left empty: the importer resolves
  // the external_id passed alongside.
  void GenerateMetrics(const DemoSize& size, uint64_t seed, const MetricsSink& sink) const;
};

// GB 32100-2015 unified social credit code: the check character for the
// first 17 characters, or '\0' if they are not 17 characters of the code
// alphabet.
char SocialCreditCheckChar(absl::string_view first17);

// True for an 18-character code of the alphabet whose check character
// matches.
bool IsValidSocialCreditCode(absl::string_view code);

// xoshiro256** seeded through splitmix64: small, fast and the same on every
// platform (unlike the distributions of <random>). Exposed for tests.
// Every draw of one call's arguments is made in a statement of its own:
// C++ leaves the order of arguments unspecified (GCC takes them last to
// first, clang first to last), and the data must not depend on the
// compiler. Where one call once drew several, the statements keep GCC's
// order, the one the pinned fingerprints were made with.
class DemoRng {
 public:
  explicit DemoRng(uint64_t seed);
  uint64_t Next();
  // Uniform in [0, n); 0 when n is 0.
  uint64_t Below(uint64_t n);
  // Uniform in [lo, hi]; lo when hi < lo.
  int64_t Between(int64_t lo, int64_t hi);
  // Uniform in [0, 1) with 53 random bits.
  double Unit();
  // True with probability p.
  bool Chance(double p);

 private:
  uint64_t s_[4];
};

// Mixes a seed with a stream number into an independent seed.
uint64_t MixSeed(uint64_t seed, uint64_t stream);

}  // namespace pharmacrm::demo

#endif  // PHARMACRM_TOOLS_DEMO_DATA_GENERATOR_H_
