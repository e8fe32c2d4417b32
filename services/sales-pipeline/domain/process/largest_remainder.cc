#include "domain/process/largest_remainder.h"

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace pharmacrm::sales_pipeline::process {
namespace {

// A part's fractional remainder as an orderable key, larger first.
struct Remainder {
  __int128 key;
  size_t index;
};

void Even(int64_t amount, absl::Span<int64_t> out) {
  const int64_t n = static_cast<int64_t>(out.size());
  const int64_t each = amount / n;
  const int64_t extra = amount % n;
  for (int64_t i = 0; i < n; ++i) out[i] = each + (i < extra ? 1 : 0);
}

// Hands out amount − Σ out by the remainders' order (largest key, then
// lowest index): one each while fewer than the parts; the loop also copes
// with a difference of a part or more, or below 0, which rounding of the
// shares could in theory leave.
void Distribute(int64_t amount, std::vector<Remainder>& remainders, absl::Span<int64_t> out) {
  int64_t given = 0;
  for (int64_t part : out) given += part;
  int64_t left = amount - given;
  if (left == 0) return;
  std::sort(remainders.begin(), remainders.end(), [](const Remainder& a, const Remainder& b) {
    if (a.key != b.key) return a.key > b.key;
    return a.index < b.index;
  });
  const size_t n = remainders.size();
  for (size_t k = 0; left > 0; ++k, --left) ++out[remainders[k % n].index];
  // Taking back (left < 0): from the smallest remainders with units to give.
  for (size_t k = 0; left < 0 && k < n * 2; ++k) {
    int64_t& part = out[remainders[n - 1 - (k % n)].index];
    if (part > 0) {
      --part;
      ++left;
    }
  }
}

}  // namespace

void SplitLargestRemainder(int64_t amount, absl::Span<const double> weights,
                           absl::Span<int64_t> out) {
  if (weights.empty()) return;
  long double total = 0;
  for (double w : weights) total += w;
  if (!(total > 0)) {
    Even(amount, out);
    return;
  }
  std::vector<Remainder> remainders;
  remainders.reserve(weights.size());
  const long double scaled_amount = static_cast<long double>(amount) / total;
  for (size_t i = 0; i < weights.size(); ++i) {
    const long double share = scaled_amount * static_cast<long double>(weights[i]);
    long double whole = std::floor(share);
    whole = std::clamp(whole, 0.0L, static_cast<long double>(amount));
    out[i] = static_cast<int64_t>(whole);
    // Remainders to 9 decimals, so shares equal but for rounding tie.
    const long double fraction = std::clamp(share - whole, 0.0L, 1.0L);
    remainders.push_back({static_cast<__int128>(std::llround(fraction * 1e9L)), i});
  }
  Distribute(amount, remainders, out);
}

void SplitLargestRemainderExact(int64_t amount, absl::Span<const int64_t> weights,
                                absl::Span<int64_t> out) {
  if (weights.empty()) return;
  __int128 total = 0;
  for (int64_t w : weights) total += w;
  if (total <= 0) {
    Even(amount, out);
    return;
  }
  std::vector<Remainder> remainders;
  remainders.reserve(weights.size());
  for (size_t i = 0; i < weights.size(); ++i) {
    const __int128 product = static_cast<__int128>(amount) * weights[i];
    out[i] = static_cast<int64_t>(product / total);
    // The remainder over the common denominator `total`: exact.
    remainders.push_back({product % total, i});
  }
  Distribute(amount, remainders, out);
}

}  // namespace pharmacrm::sales_pipeline::process
