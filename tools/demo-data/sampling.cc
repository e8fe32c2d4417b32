#include "sampling.h"

#include <algorithm>

#include "absl/strings/str_format.h"
#include "absl/strings/str_split.h"

namespace pharmacrm::demo {
namespace {

uint64_t SplitMix64(uint64_t* state) {
  uint64_t z = (*state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

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

namespace internal {

uint64_t StableHash(absl::string_view s) {
  uint64_t h = 0xCBF29CE484222325ULL;
  for (char c : s) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001B3ULL;
  }
  return h;
}

size_t PickIndex(DemoRng& rng, std::span<const int> weights) {
  return PickWeighted(rng, weights, [](int w) { return w; });
}

std::string Digits(DemoRng& rng, int n) {
  std::string s;
  s.reserve(n);
  for (int i = 0; i < n; ++i) s.push_back(static_cast<char>('0' + rng.Below(10)));
  return s;
}

int64_t MulDiv(int64_t a, int64_t b, int64_t d) { return (a / d) * b + (a % d) * b / d; }

int64_t Clamp(int64_t v, int64_t lo, int64_t hi) { return std::max(lo, std::min(hi, v)); }

// --- Text ------------------------------------------------------------------

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

std::string RandomDate(DemoRng& rng, int first_year, int last_year) {
  const int year = static_cast<int>(rng.Between(first_year, last_year));
  const int last_month = year >= kLastPeriodYear ? kLastPeriodMonth : 12;
  const int day = static_cast<int>(rng.Between(1, 28));
  return Date(year, static_cast<int>(rng.Between(1, last_month)), day);
}

}  // namespace internal
}  // namespace pharmacrm::demo
