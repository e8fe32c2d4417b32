#include "domain/channel/channel_data.h"

#include "absl/strings/str_cat.h"
#include "domain/channel/dates.h"

namespace pharmacrm::sales_pipeline::channel {

const v1::DistributorAccount* FindAccount(const ChannelData& data,
                                          absl::string_view distributor_id) {
  auto it = data.accounts.find(distributor_id);
  return it == data.accounts.end() ? nullptr : &it->second;
}

const v1::Product* FindProduct(const ChannelData& data, absl::string_view product_id) {
  auto it = data.products.find(product_id);
  return it == data.products.end() ? nullptr : &it->second;
}

absl::string_view TerminalProvince(const ChannelData& data, const v1::FlowRow& row) {
  if (!row.terminal_province().empty()) return row.terminal_province();
  if (row.terminal_id().empty()) return "";
  return CustomerProvince(data, row.terminal_id());
}

absl::string_view CustomerProvince(const ChannelData& data, absl::string_view customer_id) {
  auto it = data.customer_provinces.find(customer_id);
  return it == data.customer_provinces.end() ? absl::string_view() : it->second;
}

absl::string_view DisplayName(const ChannelData& data, absl::string_view customer_id) {
  auto it = data.customer_names.find(customer_id);
  return it == data.customer_names.end() || it->second.empty() ? customer_id : it->second;
}

std::string FlowRowRef(absl::string_view distributor_id, absl::CivilMonth month, int64_t line) {
  return absl::StrCat(distributor_id, "/", FormatMonth(month), "#", line);
}

int64_t ChannelSupplyPrice(const ChannelData& data, absl::string_view distributor_id,
                           absl::string_view product_id) {
  const v1::DistributorAccount* account = FindAccount(data, distributor_id);
  const v1::Product* product = FindProduct(data, product_id);
  if (account == nullptr || product == nullptr) return 0;
  for (const v1::ChannelPrice& price : product->channel_prices()) {
    if (price.channel() == account->channel()) return price.supply_price_fen();
  }
  return 0;
}

}  // namespace pharmacrm::sales_pipeline::channel
