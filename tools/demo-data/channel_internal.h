// Shared by channel.cc and channel_catalogue.cc. Internal to
// pharmacrm_demo_data.
#ifndef PHARMACRM_TOOLS_DEMO_DATA_CHANNEL_INTERNAL_H_
#define PHARMACRM_TOOLS_DEMO_DATA_CHANNEL_INTERNAL_H_

#include <cstdint>
#include <string>
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

// How a distributor pays (channel_payments.cc).
struct PaymentTerms {
  std::string key;
  int payment_days = 60;
  bool slow_payer = false;  // pays 3 days early to 15 days late
  bool pays_late = false;   // invoices of 2025-10 on: 125 days after due
};

// One payment per invoice (shipments of `terms`' distributors), received a
// few days before its due date, or as the terms say; those received after
// as_of are left out. A return's credit is taken off the next payments.
// Ids "PAY-<key>-<nnn>"; by received_on, then id.
std::vector<v1::Payment> DemoPayments(DemoRng& rng, const std::vector<v1::Shipment>& shipments,
                                      const std::vector<PaymentTerms>& terms,
                                      const std::string& as_of);

// Each account's limit: 1.25 × the most it ever owes right after a
// shipment, rounded up to ¥100,000 (at least that), so no shipment is
// refused.
void SetCreditLimits(const std::vector<v1::Shipment>& shipments,
                     const std::vector<v1::Payment>& payments,
                     std::vector<v1::DistributorAccount>* accounts);

}  // namespace pharmacrm::demo::internal

#endif  // PHARMACRM_TOOLS_DEMO_DATA_CHANNEL_INTERNAL_H_
