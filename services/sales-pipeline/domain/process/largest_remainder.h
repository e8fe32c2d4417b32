// The exact split behind allocation.h: an amount of whole units shared in
// proportion to weights so that the parts sum to the amount, by the largest
// remainder (Hamilton's method). Inputs are trusted (checked by the
// callers); allocation.h's SplitByWeights and PhaseMonthly check them.
//
//   1. Each part gets the whole part of its exact share amount × w_i / Σ w.
//   2. The units left (fewer than the parts) go one each to the parts with
//      the largest fractional remainders; equal remainders to the lower
//      index (callers order parts by node id, or by month).
//   3. All weights 0 (or no weights at all summing above 0): evenly, the
//      amount % n extra units to the lowest indexes (10 over 3: 4, 3, 3).
// With double weights the shares are computed in long double and the
// remainders compared to 9 decimal places, so shares meant to be equal
// (1/3 each, or the same customer data twice) tie and go by index.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_LARGEST_REMAINDER_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_LARGEST_REMAINDER_H_

#include <cstdint>

#include "absl/types/span.h"

namespace pharmacrm::sales_pipeline::process {

// `amount` >= 0; `weights` finite and >= 0; out.size() == weights.size().
void SplitLargestRemainder(int64_t amount, absl::Span<const double> weights,
                           absl::Span<int64_t> out);

// The same with integer weights (each 0..10^15, at most 1,000 of them),
// computed exactly in 128-bit integers.
void SplitLargestRemainderExact(int64_t amount, absl::Span<const int64_t> weights,
                                absl::Span<int64_t> out);

}  // namespace pharmacrm::sales_pipeline::process

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_PROCESS_LARGEST_REMAINDER_H_
