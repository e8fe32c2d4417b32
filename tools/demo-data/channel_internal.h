// Shared by channel.cc and channel_catalogue.cc. Internal to
// pharmacrm_demo_data.
#ifndef PHARMACRM_TOOLS_DEMO_DATA_CHANNEL_INTERNAL_H_
#define PHARMACRM_TOOLS_DEMO_DATA_CHANNEL_INTERNAL_H_

#include <cstdint>
#include <vector>

#include "generator.h"
#include "pharmacrm/v1/channel.pb.h"

namespace pharmacrm::demo::internal {

// The PRNG stream of the channel (sampling.h has 1..6).
inline constexpr uint64_t kChannelStream = 7;

// Prices as percentages of the list price. Floors (per province and
// product) lie in kMinFloorPercent..kMaxFloorPercent; every sale is priced
// above kMaxFloorPercent except the planted low-price one.
inline constexpr int kTier1Percent = 65;
inline constexpr int kTier2Percent = 72;
inline constexpr int kMinFloorPercent = 72;
inline constexpr int kMaxFloorPercent = 78;
inline constexpr int kSubDistributorPercent = 80;
inline constexpr int kMinTerminalPercent = 85;
inline constexpr int kMaxTerminalPercent = 92;
inline constexpr int kLowPricePercent = 55;

// P001..P020, listed in every province, with 2-4 batches each.
std::vector<v1::Product> DemoProducts(DemoRng& rng);

}  // namespace pharmacrm::demo::internal

#endif  // PHARMACRM_TOOLS_DEMO_DATA_CHANNEL_INTERNAL_H_
