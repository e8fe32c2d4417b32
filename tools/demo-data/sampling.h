// Randomness and text helpers shared by the demo data generators. Internal
// to pharmacrm_demo_data.
#ifndef PHARMACRM_TOOLS_DEMO_DATA_SAMPLING_H_
#define PHARMACRM_TOOLS_DEMO_DATA_SAMPLING_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "generator.h"

namespace pharmacrm::demo::internal {

// FNV-1a: a stable hash of external ids (std::hash differs between
// standard libraries).
uint64_t StableHash(absl::string_view s);

// Independent streams, so that adding pharmacies does not change doctors.
inline constexpr uint64_t kHospitalStream = 1;
inline constexpr uint64_t kDoctorStream = 2;
inline constexpr uint64_t kPharmacyStream = 3;
inline constexpr uint64_t kContactStream = 4;
inline constexpr uint64_t kDistributorStream = 5;
inline constexpr uint64_t kMetricsStream = 6;

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
size_t PickIndex(DemoRng& rng, std::span<const int> weights);

std::string Digits(DemoRng& rng, int n);

// a * b / d without overflow for a, b >= 0, b * d < 2^63.
int64_t MulDiv(int64_t a, int64_t b, int64_t d);

int64_t Clamp(int64_t v, int64_t lo, int64_t hi);

// UTF-8 characters of `s` (the tables and generated text are well-formed).
std::vector<absl::string_view> Chars(absl::string_view s);

std::vector<absl::string_view> Words(absl::string_view spaced);

std::string FullWidthDigits(absl::string_view s);

std::string Date(int year, int month, int day);

// A day from January `first_year` to October 2026.
std::string RandomDate(DemoRng& rng, int first_year, int last_year);

}  // namespace pharmacrm::demo::internal

#endif  // PHARMACRM_TOOLS_DEMO_DATA_SAMPLING_H_
