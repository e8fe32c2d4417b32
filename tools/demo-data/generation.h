// The state of one run of DemoDataGenerator::Generate. Its members are
// defined by kind of record: hospitals.cc, doctors.cc, pharmacies.cc
// (pharmacies and their contacts), distributors.cc, duplicates.cc
// (deliberate duplicates and dirty records) and generator.cc (the driver).
// Internal to pharmacrm_demo_data.
#ifndef PHARMACRM_TOOLS_DEMO_DATA_GENERATION_H_
#define PHARMACRM_TOOLS_DEMO_DATA_GENERATION_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "fields.h"
#include "generator.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "tables.h"

namespace pharmacrm::demo::internal {

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

inline constexpr size_t kReservoirCapacity = 512;

enum class Slot { kClean, kDuplicate, kDirty };

class Generation {
 public:
  Generation(const DemoSize& size, uint64_t seed, const DemoDataGenerator::RecordSink& sink)
      : size_(size), seed_(seed), sink_(sink) {}

  void Run();

 private:
  // generator.cc.
  Slot DecideSlot(DemoRng& rng, bool duplicates, const Reservoir* reservoir, int index) const;
  bool Claim(std::unordered_set<std::string>* names, const std::string& name);

  // hospitals.cc. A new hospital; `ref` receives what doctors need of it.
  DemoRecord NewHospital(DemoRng& rng, const std::string& external_id, HospitalRef* ref);
  void GenerateHospitals();

  // doctors.cc.
  DemoRecord NewDoctor(DemoRng& rng, const std::string& external_id);
  void GenerateDoctors();

  // pharmacies.cc.
  std::string NamePharmacy(DemoRng& rng, const Place& place, bool chain_store,
                           const tables::PharmacyChain** chain);
  DemoRecord NewPharmacy(DemoRng& rng, const std::string& external_id, PharmacyRef* ref);
  void GeneratePharmacies();

  // distributors.cc.
  DemoRecord NewDistributor(DemoRng& rng, const std::string& external_id);
  void GenerateDistributors();

  // duplicates.cc. MakeDirty breaks exactly one import rule.
  void MakeDirty(DemoRng& rng, DemoRecord* r);
  void EmitDuplicate(DemoRng& rng, const std::string& external_id, const DemoRecord& original);

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

}  // namespace pharmacrm::demo::internal

#endif  // PHARMACRM_TOOLS_DEMO_DATA_GENERATION_H_
