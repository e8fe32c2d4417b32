// The example records of the channel's tests (and of docs/SALES_CHANNEL.md):
// one product, P001 atorvastatin 20 mg x 7 tablets, and one distributor, D1,
// a tier-1 distributor of Hebei and Tianjin with a ¥100,000.00 credit limit
// and 30 days to pay. Test-only: included by *_test.cc, not by the library.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_TEST_RECORDS_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_TEST_RECORDS_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "pharmacrm/v1/channel.pb.h"

namespace pharmacrm::sales_pipeline::channel::examples {

// Yuan as fen: Yuan(30000) is ¥30,000.00.
constexpr int64_t Yuan(int64_t yuan) { return yuan * 100; }

// A record from protobuf text format.
template <typename Message>
Message Parse(absl::string_view text) {
  Message message;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(std::string(text), &message)) << text;
  return message;
}

// Supply prices ¥300.00 (tier1), ¥315.00 (tier2), ¥330.00 (direct); listed
// in Hebei at ¥345.00 with a floor of ¥320.00, won Beijing's national
// tender at ¥320.00 from 2026; batch B2301 expired on 2025-01-09.
inline v1::Product ExampleProduct() {
  return Parse<v1::Product>(R"pb(
    id: "P001"
    generic_name: "阿托伐他汀钙片"
    brand_name: "立达"
    dosage_form: "片剂"
    specification: "20mg*7片"
    pack_size: 7
    pack_unit: "盒"
    atc_code: "C10AA05"
    therapeutic_class: "心血管"
    rx_status: RX_STATUS_RX
    list_price_fen: 40000
    channel_prices { channel: "tier1" supply_price_fen: 30000 }
    channel_prices { channel: "tier2" supply_price_fen: 31500 }
    channel_prices { channel: "direct" supply_price_fen: 33000 }
    listings {
      province: "河北省"
      status: PROCUREMENT_STATUS_LISTED
      bid_price_fen: 34500
      floor_price_fen: 32000
      effective_from: "2025-07-01"
    }
    listings {
      province: "北京市"
      status: PROCUREMENT_STATUS_NATIONAL_VBP
      bid_price_fen: 32000
      effective_from: "2026-01-01"
    }
    batches { batch_no: "B2301" manufactured_on: "2023-01-10" expires_on: "2025-01-09" }
    batches { batch_no: "B2506" manufactured_on: "2025-06-10" expires_on: "2027-06-09" }
    version: 1
    updated_by: "catalogue-admin"
  )pb");
}

// A discontinued product with only a tier-1 price.
inline v1::Product DiscontinuedProduct() {
  return Parse<v1::Product>(R"pb(
    id: "P002"
    generic_name: "硝苯地平控释片"
    pack_size: 30
    list_price_fen: 5000
    channel_prices { channel: "tier1" supply_price_fen: 3500 }
    batches { batch_no: "N2401" manufactured_on: "2024-03-01" expires_on: "2026-02-28" }
    discontinued: true
  )pb");
}

inline v1::DistributorAccount ExampleAccount() {
  return Parse<v1::DistributorAccount>(R"pb(
    distributor_id: "D1"
    channel: "tier1"
    authorised_provinces: "河北省"
    authorised_provinces: "天津市"
    credit_limit_fen: 10000000
    payment_days: 30
  )pb");
}

// The catalogue of P001 and P002, as a ProductLookup.
inline const v1::Product* FindExampleProduct(absl::string_view id) {
  static const v1::Product* const kP001 = new v1::Product(ExampleProduct());
  static const v1::Product* const kP002 = new v1::Product(DiscontinuedProduct());
  if (id == "P001") return kP001;
  if (id == "P002") return kP002;
  return nullptr;
}

}  // namespace pharmacrm::sales_pipeline::channel::examples

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_TEST_RECORDS_H_
