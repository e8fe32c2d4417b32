// The product catalogue of the distributor channel: what a valid product
// record (v1::Product, proto/pharmacrm/v1/channel.proto) is, which of its
// fields a change touched, and the prices and batches the rest of the
// channel reads from it. Money is in fen (1/100 yuan), dates "YYYY-MM-DD"
// (channel/dates.h). Pure and thread-safe.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_CATALOGUE_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_CATALOGUE_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "pharmacrm/v1/channel.pb.h"

namespace pharmacrm::sales_pipeline::channel {

inline constexpr size_t kMaxProductIdLength = 32;
inline constexpr int kMaxPackSize = 10000;
// The highest price of one pack: 10^10 fen, ¥100,000,000.00.
inline constexpr int64_t kMaxPriceFen = 10'000'000'000;
inline constexpr int kMaxShelfLifeYears = 10;

// The channel tiers a supply price may be given for: 一级商业, 二级商业 and
// direct supply to hospitals (直供医院).
inline constexpr absl::string_view kChannelTier1 = "tier1";
inline constexpr absl::string_view kChannelTier2 = "tier2";
inline constexpr absl::string_view kChannelDirect = "direct";

// Whether `channel` is one of the three tiers above (exactly, lower case).
bool IsChannel(absl::string_view channel);

// The rules of a product record. The first broken rule is returned, as
// INVALID_ARGUMENT naming the field ("batches[1].expires_on"); fields are
// checked in the order below.
//   id              1..32 characters of A-Z a-z 0-9 _ - (the maker's code).
//   generic_name    required (not blank).
//   pack_size       1..10000 units per pack.
//   list_price_fen  1..10^10 fen: a product has a retail guide price.
//   channel_prices  each channel one of tier1, tier2, direct, at most once;
//                   supply_price_fen 0..10^10.
//   listings        each province not blank and at most once;
//                   bid_price_fen and floor_price_fen 0..10^10; when both
//                   are set (> 0) the floor is at most the bid;
//                   effective_from a date (ParseDate).
//   batches         each batch_no not blank and at most once;
//                   manufactured_on and expires_on dates, manufactured_on
//                   before expires_on, and expires_on at most 10 years
//                   after manufacture (the same calendar date ten years on;
//                   from 29 February, 1 March).
// Names, forms, codes, rx_status, discontinued and the bookkeeping fields
// (version, updated_*, change_reason) are not checked here.
absl::Status ValidateProduct(const v1::Product& product);

// The top-level fields of Product that differ between `before` and `after`,
// by name ("list_price_fen", "batches"), in field-number order. Each field
// is compared on its own with protobuf's MessageDifferencer; the entries of
// a repeated field are compared as a multiset, so reordering channel prices,
// listings or batches is not a change. version, updated_at, updated_by and
// change_reason are bookkeeping of the change itself and never listed.
std::vector<std::string> ChangedFields(const v1::Product& before, const v1::Product& after);

// The supply price per pack the maker charges `channel` for the product.
// NOT_FOUND naming the field "channel" (and the channel and product in the
// message) when the product has no price for that channel.
absl::StatusOr<int64_t> SupplyPrice(const v1::Product& product, absl::string_view channel);

// The floor price per pack in `province` on day `on`: of the product's
// listings for that province, the one in force is the one with the latest
// effective_from on or before `on` (among equal dates, the last in the
// list); its floor_price_fen, or its bid_price_fen when the floor is 0.
// 0 when no listing is in force (none for the province, all effective
// later, or listed without prices). Listings whose effective_from is not a
// date are never in force.
int64_t FloorPrice(const v1::Product& product, absl::string_view province, absl::CivilDay on);

// The product's batch `batch_no` (exact match), or nullptr.
const v1::ProductBatch* FindBatch(const v1::Product& product, absl::string_view batch_no);

}  // namespace pharmacrm::sales_pipeline::channel

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_CATALOGUE_H_
