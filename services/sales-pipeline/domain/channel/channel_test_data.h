// Small builders of channel records for the channel rules' tests, and the
// cast of the scenarios docs/SALES_CHANNEL.md quotes:
//   华北医药 (D-HB)   first-tier distributor in 河北省, authorised 河北省,
//                     may supply 冀南商业
//   冀南商业 (D-JN)   its sub-distributor in 河北省, authorised 河北省
//   鲁南商业 (D-SD)   first-tier distributor in 山东省, authorised 山东省
//   石家庄一院 (H-SJZ) hospital in 河北省; 济南中心医院 (H-JN) hospital in
//                     山东省; 保定大药房 (P-BD) pharmacy in 河北省
//   P001 阿托伐他汀钙片 10mg*28片, 盒; tier1 supply price ¥100.00; batch
//   B2401 expires 2027-06-30, B2402 expires 2026-08-31; listed in 河北省
//   (bid ¥150.00, floor ¥110.00 from 2025-01-01, floor ¥120.00 from
//   2026-04-01) and in 山东省 (bid ¥150.00, floor ¥100.00).
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_CHANNEL_TEST_DATA_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_CHANNEL_TEST_DATA_H_

#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>

#include "absl/time/civil_time.h"
#include "domain/channel/channel_data.h"
#include "pharmacrm/v1/channel.pb.h"
#include "pharmacrm/v1/common.pb.h"

namespace pharmacrm::sales_pipeline::channel::testdata {

inline constexpr char kHuabei[] = "D-HB";
inline constexpr char kJinan[] = "D-JN";
inline constexpr char kLunan[] = "D-SD";
inline constexpr char kSjzHospital[] = "H-SJZ";
inline constexpr char kJinanHospital[] = "H-JN";
inline constexpr char kBaodingPharmacy[] = "P-BD";
inline constexpr char kHebei[] = "河北省";
inline constexpr char kShandong[] = "山东省";

inline v1::DistributorAccount Account(const std::string& id,
                                      std::initializer_list<const char*> provinces,
                                      std::initializer_list<const char*> sub_distributors = {}) {
  v1::DistributorAccount account;
  account.set_distributor_id(id);
  account.set_channel("tier1");
  for (const char* p : provinces) account.add_authorised_provinces(p);
  for (const char* s : sub_distributors) account.add_authorised_sub_distributors(s);
  return account;
}

inline v1::ShipmentLine Line(const std::string& product, const std::string& batch,
                             int64_t quantity, std::initializer_list<const char*> provinces = {},
                             int64_t unit_price_fen = 0) {
  v1::ShipmentLine line;
  line.set_product_id(product);
  line.set_batch_no(batch);
  line.set_quantity(quantity);
  line.set_unit_price_fen(unit_price_fen);
  for (const char* p : provinces) line.add_authorised_provinces(p);
  return line;
}

inline v1::Shipment Shipment(const std::string& id, const std::string& distributor,
                             const std::string& date, std::initializer_list<v1::ShipmentLine> lines,
                             bool is_return = false) {
  v1::Shipment shipment;
  shipment.set_id(id);
  shipment.set_distributor_id(distributor);
  shipment.set_ship_date(date);
  shipment.set_is_return(is_return);
  for (const v1::ShipmentLine& line : lines) *shipment.add_lines() = line;
  return shipment;
}

// A resolved flow row; kind DISTRIBUTOR for a sale to a sub-distributor.
inline v1::FlowRow Row(int64_t line, const std::string& date, const std::string& terminal,
                       v1::CustomerKind kind, const std::string& province,
                       const std::string& product, const std::string& batch, int64_t quantity,
                       int64_t unit_price_fen) {
  v1::FlowRow row;
  row.set_line(line);
  row.set_sale_date(date);
  row.set_terminal_id(terminal);
  row.set_terminal_name(terminal);
  row.set_terminal_kind(kind);
  row.set_terminal_province(province);
  row.set_product_id(product);
  row.set_batch_no(batch);
  row.set_quantity(quantity);
  row.set_unit_price_fen(unit_price_fen);
  return row;
}

inline void AddRow(ChannelData* data, const std::string& distributor, absl::CivilMonth month,
                   v1::FlowRow row) {
  data->flows[FlowKey{distributor, month}].push_back(std::move(row));
}

inline v1::StockReport Report(const std::string& distributor, const std::string& as_of,
                              std::initializer_list<std::pair<const char*, int64_t>> batches,
                              const std::string& product = "P001") {
  v1::StockReport report;
  report.set_distributor_id(distributor);
  report.set_as_of(as_of);
  for (const auto& [batch, quantity] : batches) {
    v1::StockLine* line = report.add_lines();
    line->set_product_id(product);
    line->set_batch_no(batch);
    line->set_quantity(quantity);
  }
  return report;
}

inline v1::Product Atorvastatin() {
  v1::Product p;
  p.set_id("P001");
  p.set_generic_name("阿托伐他汀钙片");
  p.set_specification("10mg*28片");
  p.set_pack_unit("盒");
  v1::ChannelPrice* price = p.add_channel_prices();
  price->set_channel("tier1");
  price->set_supply_price_fen(10000);
  auto listing = [&](const char* province, int64_t floor, const char* from) {
    v1::ProvinceListing* l = p.add_listings();
    l->set_province(province);
    l->set_status(v1::PROCUREMENT_STATUS_LISTED);
    l->set_bid_price_fen(15000);
    l->set_floor_price_fen(floor);
    l->set_effective_from(from);
  };
  listing(kHebei, 11000, "2025-01-01");
  listing(kHebei, 12000, "2026-04-01");
  listing(kShandong, 10000, "2025-01-01");
  auto batch = [&](const char* no, const char* expires) {
    v1::ProductBatch* b = p.add_batches();
    b->set_batch_no(no);
    b->set_expires_on(expires);
  };
  batch("B2401", "2027-06-30");
  batch("B2402", "2026-08-31");
  return p;
}

// The cast with accounts, product, provinces and names; no movements.
inline ChannelData Cast() {
  ChannelData data;
  data.accounts[kHuabei] = Account(kHuabei, {kHebei}, {kJinan});
  data.accounts[kJinan] = Account(kJinan, {kHebei});
  data.accounts[kLunan] = Account(kLunan, {kShandong});
  data.products["P001"] = Atorvastatin();
  const std::pair<const char*, const char*> provinces[] = {
      {kHuabei, kHebei},  {kJinan, kHebei},          {kLunan, kShandong},
      {kSjzHospital, kHebei}, {kJinanHospital, kShandong}, {kBaodingPharmacy, kHebei}};
  for (const auto& [id, province] : provinces) data.customer_provinces[id] = province;
  data.customer_names[kHuabei] = "华北医药";
  data.customer_names[kJinan] = "冀南商业";
  data.customer_names[kLunan] = "鲁南商业";
  data.customer_names[kSjzHospital] = "石家庄一院";
  data.customer_names[kJinanHospital] = "济南中心医院";
  data.customer_names[kBaodingPharmacy] = "保定大药房";
  return data;
}

// The stock scenario (March 2026, product P001):
//   华北医药 reports 50 packs of B2401 on 2026-02-28; gets 200 (SH-1,
//   03-02); sells 120 to 石家庄一院 (#1), 30 to its sub-distributor 冀南商业
//   (#2), takes 10 back from 石家庄一院 (#3), sells 8 to a buyer not yet
//   matched (#4); returns 5 to the maker (SR-1, 03-25); reports 90 on
//   2026-03-31 where the books say 50 + 200 − 148 − 5 = 97.
//   冀南商业 sells 25 of its 30 to 保定大药房 (#1) and reports nothing.
//   鲁南商业 gets 100 of B2402 (SH-4, 03-03), sends no flow file for March
//   and reports 40 on 2026-03-31.
inline ChannelData StockScenario() {
  const absl::CivilMonth march(2026, 3);
  const v1::CustomerKind hospital = v1::CUSTOMER_KIND_HOSPITAL;
  ChannelData data = Cast();
  data.stock_reports.push_back(Report(kHuabei, "2026-02-28", {{"B2401", 50}}));
  data.shipments.push_back(Shipment("SH-1", kHuabei, "2026-03-02", {Line("P001", "B2401", 200)}));
  AddRow(&data, kHuabei, march,
         Row(1, "2026-03-05", kSjzHospital, hospital, kHebei, "P001", "B2401", 120, 13000));
  AddRow(&data, kHuabei, march,
         Row(2, "2026-03-06", kJinan, v1::CUSTOMER_KIND_DISTRIBUTOR, kHebei, "P001", "B2401", 30,
             11500));
  AddRow(&data, kHuabei, march,
         Row(3, "2026-03-20", kSjzHospital, hospital, kHebei, "P001", "B2401", -10, 13000));
  v1::FlowRow unmatched = Row(4, "2026-03-28", "", v1::CUSTOMER_KIND_UNSPECIFIED, "", "P001",
                              "B2401", 8, 13500);
  unmatched.set_terminal_name("石家庄市某诊所");
  AddRow(&data, kHuabei, march, unmatched);
  data.shipments.push_back(
      Shipment("SR-1", kHuabei, "2026-03-25", {Line("P001", "B2401", 5)}, /*is_return=*/true));
  data.stock_reports.push_back(Report(kHuabei, "2026-03-31", {{"B2401", 90}}));
  AddRow(&data, kJinan, march,
         Row(1, "2026-03-15", kBaodingPharmacy, v1::CUSTOMER_KIND_PHARMACY, kHebei, "P001", "B2401",
             25, 14000));
  data.shipments.push_back(Shipment("SH-4", kLunan, "2026-03-03", {Line("P001", "B2402", 100)}));
  data.stock_reports.push_back(Report(kLunan, "2026-03-31", {{"B2402", 40}}));
  return data;
}

}  // namespace pharmacrm::sales_pipeline::channel::testdata

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_CHANNEL_TEST_DATA_H_
