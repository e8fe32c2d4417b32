// The demo maker's catalogue: 20 products with their channel prices,
// province listings and batches.
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "channel_internal.h"
#include "tables.h"

namespace pharmacrm::demo::internal {
namespace {

struct ProductRow {
  absl::string_view generic_name;
  absl::string_view brand_name;
  absl::string_view dosage_form;
  absl::string_view specification;
  int pack_size;
  absl::string_view pack_unit;
  absl::string_view atc_code;
  absl::string_view therapeutic_class;
  v1::RxStatus rx;
  int64_t list_price_fen;
  v1::ProcurementStatus status;
};

constexpr v1::RxStatus kRx = v1::RX_STATUS_RX;
constexpr v1::RxStatus kOtcA = v1::RX_STATUS_OTC_A;
constexpr v1::RxStatus kOtcB = v1::RX_STATUS_OTC_B;
constexpr v1::ProcurementStatus kListed = v1::PROCUREMENT_STATUS_LISTED;
constexpr v1::ProcurementStatus kNationalVbp = v1::PROCUREMENT_STATUS_NATIONAL_VBP;
constexpr v1::ProcurementStatus kProvincialVbp = v1::PROCUREMENT_STATUS_PROVINCIAL_VBP;

constexpr ProductRow kProducts[] = {
    {"阿托伐他汀钙片", "舒脂宁", "片剂", "20mg*7片", 7, "盒", "C10AA05", "心血管", kRx, 4580,
     kNationalVbp},
    {"苯磺酸氨氯地平片", "安舒平", "片剂", "5mg*28片", 28, "盒", "C08CA01", "心血管", kRx, 5800,
     kNationalVbp},
    {"缬沙坦胶囊", "缬宁", "胶囊剂", "80mg*28粒", 28, "盒", "C09CA03", "心血管", kRx, 6200,
     kListed},
    {"硫酸氢氯吡格雷片", "泰维宁", "片剂", "75mg*7片", 7, "盒", "B01AC04", "心血管", kRx, 11800,
     kProvincialVbp},
    {"盐酸二甲双胍缓释片", "糖平", "缓释片", "0.5g*30片", 30, "盒", "A10BA02", "内分泌", kRx,
     3000, kNationalVbp},
    {"格列美脲片", "美平", "片剂", "2mg*30片", 30, "盒", "A10BB12", "内分泌", kRx, 3600, kListed},
    {"阿卡波糖片", "糖安", "片剂", "50mg*30片", 30, "盒", "A10BF01", "内分泌", kRx, 4200,
     kListed},
    {"甘精胰岛素注射液", "长效宁", "注射剂", "3ml:300单位*1支", 1, "支", "A10AE04", "内分泌", kRx,
     16800, kProvincialVbp},
    {"头孢呋辛酯片", "新立欣", "片剂", "0.25g*12片", 12, "盒", "J01DC02", "抗感染", kRx, 2800,
     kListed},
    {"阿莫西林克拉维酸钾片", "安克", "片剂", "0.375g*12片", 12, "盒", "J01CR02", "抗感染", kRx,
     3500, kListed},
    {"左氧氟沙星片", "左克宁", "片剂", "0.5g*6片", 6, "盒", "J01MA12", "抗感染", kRx, 2600,
     kNationalVbp},
    {"布地奈德福莫特罗吸入粉雾剂", "舒呼宁", "吸入剂", "160μg/4.5μg*60吸", 1, "支", "R03AK07",
     "呼吸", kRx, 23800, kListed},
    {"孟鲁司特钠片", "顺喘", "片剂", "10mg*5片", 5, "盒", "R03DC03", "呼吸", kRx, 3900, kListed},
    {"盐酸氨溴索口服溶液", "沐清", "口服溶液剂", "100ml:0.6g", 1, "瓶", "R05CB06", "呼吸", kOtcA,
     2500, kListed},
    {"奥美拉唑肠溶胶囊", "胃宁", "肠溶胶囊", "20mg*14粒", 14, "盒", "A02BC01", "消化", kRx, 3200,
     kNationalVbp},
    {"铝碳酸镁咀嚼片", "达胃", "咀嚼片", "0.5g*20片", 20, "盒", "A02AD04", "消化", kOtcA, 2400,
     kListed},
    {"布洛芬缓释胶囊", "芬必宁", "缓释胶囊", "0.3g*20粒", 20, "盒", "M01AE01", "解热镇痛", kOtcB,
     1800, kListed},
    {"对乙酰氨基酚片", "泰宁", "片剂", "0.5g*12片", 12, "盒", "N02BE01", "解热镇痛", kOtcB, 1200,
     kListed},
    {"草酸艾司西酞普兰片", "来畅", "片剂", "10mg*7片", 7, "盒", "N06AB10", "神经精神", kRx, 6800,
     kListed},
    {"维生素D3滴剂", "伊可宁", "滴剂", "400单位*30粒", 30, "盒", "A11CC05", "营养", kOtcA, 4500,
     kListed},
};

std::string Day(absl::CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

}  // namespace

std::vector<v1::Product> DemoProducts(DemoRng& rng) {
  std::vector<v1::Product> products;
  int index = 0;
  for (const ProductRow& row : kProducts) {
    v1::Product p;
    p.set_id(absl::StrFormat("P%03d", index + 1));
    p.set_generic_name(std::string(row.generic_name));
    p.set_brand_name(std::string(row.brand_name));
    p.set_dosage_form(std::string(row.dosage_form));
    p.set_specification(std::string(row.specification));
    p.set_pack_size(row.pack_size);
    p.set_pack_unit(std::string(row.pack_unit));
    p.set_atc_code(std::string(row.atc_code));
    p.set_therapeutic_class(std::string(row.therapeutic_class));
    p.set_rx_status(row.rx);
    p.set_list_price_fen(row.list_price_fen);
    const struct {
      const char* channel;
      int percent;
    } kTiers[] = {{"tier1", kTier1Percent}, {"tier2", kTier2Percent}, {"direct", 80}};
    for (const auto& tier : kTiers) {
      v1::ChannelPrice* price = p.add_channel_prices();
      price->set_channel(tier.channel);
      price->set_supply_price_fen(row.list_price_fen * tier.percent / 100);
    }
    // Every province lists it: bid 95% of the list price, floor 72-78%.
    for (const tables::Province& province : tables::Provinces()) {
      v1::ProvinceListing* listing = p.add_listings();
      listing->set_province(std::string(province.full_name));
      listing->set_status(row.status);
      listing->set_bid_price_fen(row.list_price_fen * 95 / 100);
      const int64_t floor_percent = rng.Between(kMinFloorPercent, kMaxFloorPercent);
      listing->set_floor_price_fen(row.list_price_fen * floor_percent / 100);
      listing->set_effective_from("2024-01-01");
    }
    // 2-4 batches: the first made before the demo's months begin, the
    // others spread over them; shelf life 24 or 36 months.
    const int batches = static_cast<int>(rng.Between(2, 4));
    const int shelf_months = rng.Chance(0.5) ? 24 : 36;
    for (int b = 0; b < batches; ++b) {
      // Months after 2024-08: 0, then evenly up to about 2026-04.
      const int offset = b == 0 ? 0 : b * 20 / batches + static_cast<int>(rng.Between(0, 2));
      const absl::CivilDay made(2024, 8 + offset, rng.Between(5, 25));
      const absl::CivilDay expires =
          absl::CivilDay(absl::CivilMonth(made) + shelf_months) + (made.day() - 2);
      v1::ProductBatch* batch = p.add_batches();
      batch->set_batch_no(absl::StrFormat("%c%02d%02d%02d", 'A' + index, made.year() % 100,
                                          made.month(), made.day()));
      batch->set_manufactured_on(Day(made));
      batch->set_expires_on(Day(expires));
    }
    products.push_back(std::move(p));
    ++index;
  }
  return products;
}

}  // namespace pharmacrm::demo::internal
