#include "domain/channel/catalogue.h"

#include "absl/container/flat_hash_set.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "domain/channel/dates.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/util/message_differencer.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::util::MessageDifferencer;

bool Blank(absl::string_view text) { return absl::StripAsciiWhitespace(text).empty(); }

bool IdCharacter(char c) { return absl::ascii_isalnum(c) || c == '_' || c == '-'; }

absl::Status CheckPrice(int64_t fen, int64_t min, absl::string_view field) {
  if (fen < min || fen > kMaxPriceFen) {
    return core::FieldError(field, absl::StrCat(fen, " fen is outside ", min, "..", kMaxPriceFen));
  }
  return absl::OkStatus();
}

absl::Status CheckChannelPrices(const v1::Product& product) {
  absl::flat_hash_set<absl::string_view> seen;
  for (int i = 0; i < product.channel_prices_size(); ++i) {
    const v1::ChannelPrice& price = product.channel_prices(i);
    const std::string at = absl::StrCat("channel_prices[", i, "]");
    if (!IsChannel(price.channel())) {
      return core::FieldError(
          absl::StrCat(at, ".channel"),
          absl::StrCat("'", price.channel(), "' is not tier1, tier2 or direct"));
    }
    if (!seen.insert(price.channel()).second) {
      return core::FieldError(absl::StrCat(at, ".channel"),
                              absl::StrCat("'", price.channel(), "' is priced twice"));
    }
    RETURN_IF_ERROR(CheckPrice(price.supply_price_fen(), 0, absl::StrCat(at, ".supply_price_fen")));
  }
  return absl::OkStatus();
}

absl::Status CheckListings(const v1::Product& product) {
  absl::flat_hash_set<absl::string_view> seen;
  for (int i = 0; i < product.listings_size(); ++i) {
    const v1::ProvinceListing& listing = product.listings(i);
    const std::string at = absl::StrCat("listings[", i, "]");
    if (Blank(listing.province())) {
      return core::FieldError(absl::StrCat(at, ".province"), "must be set");
    }
    if (!seen.insert(listing.province()).second) {
      return core::FieldError(absl::StrCat(at, ".province"),
                              absl::StrCat(listing.province(), " is listed twice"));
    }
    RETURN_IF_ERROR(CheckPrice(listing.bid_price_fen(), 0, absl::StrCat(at, ".bid_price_fen")));
    RETURN_IF_ERROR(CheckPrice(listing.floor_price_fen(), 0, absl::StrCat(at, ".floor_price_fen")));
    if (listing.bid_price_fen() > 0 && listing.floor_price_fen() > listing.bid_price_fen()) {
      return core::FieldError(absl::StrCat(at, ".floor_price_fen"),
                              absl::StrCat("floor ", listing.floor_price_fen(),
                                           " fen is above the bid price ",
                                           listing.bid_price_fen(), " fen"));
    }
    RETURN_IF_ERROR(
        ParseDate(listing.effective_from(), absl::StrCat(at, ".effective_from")).status());
  }
  return absl::OkStatus();
}

absl::Status CheckBatches(const v1::Product& product) {
  absl::flat_hash_set<absl::string_view> seen;
  for (int i = 0; i < product.batches_size(); ++i) {
    const v1::ProductBatch& batch = product.batches(i);
    const std::string at = absl::StrCat("batches[", i, "]");
    if (Blank(batch.batch_no())) {
      return core::FieldError(absl::StrCat(at, ".batch_no"), "must be set");
    }
    if (!seen.insert(batch.batch_no()).second) {
      return core::FieldError(absl::StrCat(at, ".batch_no"),
                              absl::StrCat("batch ", batch.batch_no(), " is given twice"));
    }
    ASSIGN_OR_RETURN(const absl::CivilDay made,
                     ParseDate(batch.manufactured_on(), absl::StrCat(at, ".manufactured_on")));
    ASSIGN_OR_RETURN(const absl::CivilDay expires,
                     ParseDate(batch.expires_on(), absl::StrCat(at, ".expires_on")));
    if (expires <= made) {
      return core::FieldError(absl::StrCat(at, ".expires_on"),
                              absl::StrCat(FormatDate(expires), " is not after manufacture on ",
                                           FormatDate(made)));
    }
    const absl::CivilDay longest(made.year() + kMaxShelfLifeYears, made.month(), made.day());
    if (expires > longest) {
      return core::FieldError(absl::StrCat(at, ".expires_on"),
                              absl::StrCat(FormatDate(expires), " is more than ",
                                           kMaxShelfLifeYears, " years after manufacture on ",
                                           FormatDate(made)));
    }
  }
  return absl::OkStatus();
}

}  // namespace

bool IsChannel(absl::string_view channel) {
  return channel == kChannelTier1 || channel == kChannelTier2 || channel == kChannelDirect;
}

absl::Status ValidateProduct(const v1::Product& product) {
  const std::string& id = product.id();
  if (id.empty() || id.size() > kMaxProductIdLength) {
    return core::FieldError("id", absl::StrCat("must be 1..", kMaxProductIdLength, " characters"));
  }
  for (char c : id) {
    if (!IdCharacter(c)) {
      return core::FieldError("id", absl::StrCat("'", id, "' may hold only A-Z a-z 0-9 _ -"));
    }
  }
  if (Blank(product.generic_name())) return core::FieldError("generic_name", "must be set");
  if (product.pack_size() < 1 || product.pack_size() > kMaxPackSize) {
    return core::FieldError("pack_size", absl::StrCat(product.pack_size(), " is outside 1..",
                                                      kMaxPackSize, " units per pack"));
  }
  RETURN_IF_ERROR(CheckPrice(product.list_price_fen(), 1, "list_price_fen"));
  RETURN_IF_ERROR(CheckChannelPrices(product));
  RETURN_IF_ERROR(CheckListings(product));
  return CheckBatches(product);
}

std::vector<std::string> ChangedFields(const v1::Product& before, const v1::Product& after) {
  const ::google::protobuf::Descriptor* descriptor = v1::Product::descriptor();
  std::vector<std::string> changed;
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* field = descriptor->field(i);
    if (field->number() == v1::Product::kVersionFieldNumber ||
        field->number() == v1::Product::kUpdatedAtFieldNumber ||
        field->number() == v1::Product::kUpdatedByFieldNumber ||
        field->number() == v1::Product::kChangeReasonFieldNumber) {
      continue;
    }
    MessageDifferencer differencer;
    if (field->is_repeated()) differencer.TreatAsSet(field);
    const std::vector<const FieldDescriptor*> only = {field};
    if (!differencer.CompareWithFields(before, after, only, only)) {
      changed.push_back(std::string(field->name()));
    }
  }
  return changed;
}

absl::StatusOr<int64_t> SupplyPrice(const v1::Product& product, absl::string_view channel) {
  for (const v1::ChannelPrice& price : product.channel_prices()) {
    if (price.channel() == channel) return price.supply_price_fen();
  }
  return core::FieldStatus(absl::StatusCode::kNotFound, "channel",
                           absl::StrCat("product ", product.id(),
                                        " has no supply price for channel '", channel, "'"));
}

int64_t FloorPrice(const v1::Product& product, absl::string_view province, absl::CivilDay on) {
  const v1::ProvinceListing* in_force = nullptr;
  absl::CivilDay in_force_from;
  for (const v1::ProvinceListing& listing : product.listings()) {
    if (listing.province() != province) continue;
    absl::StatusOr<absl::CivilDay> from = ParseDate(listing.effective_from(), "effective_from");
    if (!from.ok() || *from > on) continue;
    if (in_force == nullptr || *from >= in_force_from) {
      in_force = &listing;
      in_force_from = *from;
    }
  }
  if (in_force == nullptr) return 0;
  return in_force->floor_price_fen() > 0 ? in_force->floor_price_fen() : in_force->bid_price_fen();
}

const v1::ProductBatch* FindBatch(const v1::Product& product, absl::string_view batch_no) {
  for (const v1::ProductBatch& batch : product.batches()) {
    if (batch.batch_no() == batch_no) return &batch;
  }
  return nullptr;
}

}  // namespace pharmacrm::sales_pipeline::channel
