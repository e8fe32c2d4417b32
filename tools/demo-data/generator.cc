// The driver: the public entry points and the run of Generation over every
// kind of record.
#include "generator.h"

#include <cstdint>
#include <utility>

#include "absl/strings/str_cat.h"
#include "generation.h"

namespace pharmacrm::demo {
namespace internal {

void Generation::Run() {
  GenerateHospitals();
  GenerateDoctors();
  GeneratePharmacies();
  GenerateDistributors();
}

Slot Generation::DecideSlot(DemoRng& rng, bool duplicates, const Reservoir* reservoir,
                            int index) const {
  const double u = rng.Unit();
  if (index == 0) return Slot::kClean;  // Later kinds need a clean first record.
  const double duplicate_rate = duplicates ? size_.duplicate_rate : 0.0;
  if (u < duplicate_rate && reservoir != nullptr && reservoir->Sample(rng) != nullptr) {
    return Slot::kDuplicate;
  }
  if (u < duplicate_rate + size_.dirty_rate) return Slot::kDirty;
  return Slot::kClean;
}

bool Generation::Claim(std::unordered_set<std::string>* names, const std::string& name) {
  return names->insert(name).second;
}

}  // namespace internal

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

void DemoDataGenerator::Generate(const DemoSize& size, uint64_t seed,
                                 const RecordSink& sink) const {
  internal::Generation(size, seed, sink).Run();
}

}  // namespace pharmacrm::demo
