#include "channel_gen.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <string>
#include <utility>
#include <vector>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/strings/str_replace.h"
#include "absl/strings/string_view.h"
#include "absl/strings/strip.h"
#include "domain/channel/dates.h"
#include "generator.h"
#include "pharmacrm/matching/regions.h"

namespace pharmacrm::bench {
namespace {

using channel::ChannelData;
using channel::FlowKey;
using demo::DemoRng;

// Every draw in a statement of its own (generator.h: argument order).
int64_t Between(DemoRng& rng, int64_t lo, int64_t hi) { return rng.Between(lo, hi); }

struct Drug {
  const char* generic;
  const char* brand;
  const char* spec;
  int64_t list_fen;
};
constexpr std::array<Drug, 20> kDrugs = {{
    {"阿托伐他汀钙片", "立普妥", "20mg*7片", 4850},
    {"苯磺酸氨氯地平片", "络活喜", "5mg*28片", 6200},
    {"盐酸二甲双胍缓释片", "格华止", "0.5g*30片", 3200},
    {"硫酸氢氯吡格雷片", "波立维", "75mg*7片", 11800},
    {"瑞舒伐他汀钙片", "可定", "10mg*7片", 4300},
    {"缬沙坦胶囊", "代文", "80mg*7粒", 3500},
    {"厄贝沙坦片", "安博维", "150mg*7片", 3900},
    {"阿卡波糖片", "拜唐苹", "50mg*30片", 6700},
    {"格列美脲片", "亚莫利", "2mg*15片", 4100},
    {"奥美拉唑肠溶胶囊", "洛赛克", "20mg*14粒", 8900},
    {"雷贝拉唑钠肠溶片", "波利特", "10mg*7片", 5600},
    {"孟鲁司特钠片", "顺尔宁", "10mg*5片", 3800},
    {"左氧氟沙星片", "可乐必妥", "0.5g*4片", 2900},
    {"头孢呋辛酯片", "西力欣", "0.25g*12片", 3300},
    {"布地奈德福莫特罗吸入粉雾剂", "信必可", "160μg/4.5μg*60吸", 29800},
    {"沙美特罗替卡松吸入粉雾剂", "舒利迭", "50μg/250μg*60泡", 26500},
    {"非洛地平缓释片", "波依定", "5mg*10片", 3100},
    {"琥珀酸美托洛尔缓释片", "倍他乐克", "47.5mg*7片", 2700},
    {"替格瑞洛片", "倍林达", "90mg*14片", 9900},
    {"恩替卡韦分散片", "博路定", "0.5mg*7片", 7400},
}};

std::string BatchNo(int product, int batch) {
  // 生产批号 as makers print them: year, month, sequence.
  return absl::StrFormat("%02d%02d%03d", 24 + batch / 6, batch % 6 * 2 + 1, 101 + product);
}

std::string FullWidthDigits(absl::string_view s) {
  std::string out;
  for (char c : s) {
    if (c >= '0' && c <= '9') {
      out += "\xEF\xBC";
      out.push_back(static_cast<char>(0x90 + (c - '0')));  // U+FF10..U+FF19
    } else {
      out.push_back(c);
    }
  }
  return out;
}

// Full-width ASCII letters, digits and "*" (as some ERPs export).
std::string FullWidthSpec(absl::string_view s) {
  std::string out;
  for (char c : s) {
    if (c > ' ' && c < 0x7f) {
      const int code = 0xFF00 + (c - 0x20);
      out.push_back(static_cast<char>(0xE0 | (code >> 12)));
      out.push_back(static_cast<char>(0x80 | ((code >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (code & 0x3F)));
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void AppendCell(std::string* out, absl::string_view cell) {
  if (cell.find_first_of(",\"\r\n") == absl::string_view::npos) {
    out->append(cell.data(), cell.size());
    return;
  }
  out->push_back('"');
  for (char c : cell) {
    if (c == '"') out->push_back('"');
    out->push_back(c);
  }
  out->push_back('"');
}

std::string Yuan(int64_t fen) {
  return absl::StrFormat("%s%d.%02d", fen < 0 ? "-" : "", std::llabs(fen) / 100,
                         std::llabs(fen) % 100);
}

std::string Date(absl::CivilMonth month, int day) {
  return channel::FormatDate(absl::CivilDay(month.year(), month.month(), day));
}

int DaysIn(absl::CivilMonth month) {
  return static_cast<int>((absl::CivilDay(month + 1) - 1).day());
}

}  // namespace

const std::vector<std::string>& BenchProvinces() {
  static const std::vector<std::string>* const kProvinces = new std::vector<std::string>{
      "北京市", "天津市", "河北省", "山西省", "内蒙古自治区", "辽宁省",
      "吉林省", "黑龙江省", "上海市", "江苏省", "浙江省", "安徽省",
      "福建省", "江西省", "山东省", "河南省", "湖北省", "湖南省",
      "广东省", "广西壮族自治区", "海南省", "重庆市", "四川省", "贵州省",
      "云南省", "西藏自治区", "陕西省", "甘肃省", "青海省", "宁夏回族自治区",
      "新疆维吾尔自治区"};
  return *kProvinces;
}

std::vector<v1::Product> BenchCatalogue(int products, int batches,
                                        const std::vector<std::string>& provinces) {
  std::vector<v1::Product> out;
  for (int i = 0; i < products; ++i) {
    const Drug& d = kDrugs[static_cast<size_t>(i) % kDrugs.size()];
    const std::string suffix =
        i < static_cast<int>(kDrugs.size()) ? "" : absl::StrCat("（", i / kDrugs.size(), "）");
    v1::Product p;
    p.set_id(absl::StrFormat("P%03d", i + 1));
    p.set_generic_name(absl::StrCat(d.generic, suffix));
    p.set_brand_name(absl::StrCat(d.brand, suffix));
    p.set_specification(d.spec);
    p.set_pack_unit("盒");
    p.set_list_price_fen(d.list_fen);
    for (const auto& [channel, percent] : {std::pair<const char*, int64_t>{"tier1", 60},
                                           std::pair<const char*, int64_t>{"tier2", 65}}) {
      v1::ChannelPrice* price = p.add_channel_prices();
      price->set_channel(channel);
      price->set_supply_price_fen(d.list_fen * percent / 100);
    }
    for (const std::string& province : provinces) {
      for (const auto& [from, percent] : {std::pair<const char*, int64_t>{"2024-01-01", 70},
                                          std::pair<const char*, int64_t>{"2025-07-01", 72}}) {
        v1::ProvinceListing* l = p.add_listings();
        l->set_province(province);
        l->set_status(v1::PROCUREMENT_STATUS_LISTED);
        l->set_bid_price_fen(d.list_fen * 85 / 100);
        l->set_floor_price_fen(d.list_fen * percent / 100);
        l->set_effective_from(from);
      }
    }
    for (int b = 0; b < batches; ++b) {
      v1::ProductBatch* batch = p.add_batches();
      batch->set_batch_no(BatchNo(i, b));
      const absl::CivilMonth made(2024 + b / 6, b % 6 * 2 + 1);
      batch->set_manufactured_on(Date(made, 10));
      batch->set_expires_on(Date(made + 36, 9));
    }
    out.push_back(std::move(p));
  }
  return out;
}

// --- 1. A flow file -----------------------------------------------------------

FlowFile MakeFlowFile(const FlowFileOptions& options) {
  FlowFile file;
  file.month = absl::CivilMonth(2026, 3);
  demo::DemoSize size;
  size.hospitals = options.customers * 3 / 10;
  size.pharmacies = options.customers - size.hospitals;
  size.doctors = 0;
  size.contacts_per_pharmacy = 0;
  size.distributors = 0;
  size.months = 1;
  size.dirty_rate = 0;
  std::vector<v1::Customer> all;
  demo::DemoDataGenerator().Generate(size, options.seed, [&](const demo::DemoRecord& r) {
    v1::Customer c;
    c.set_id(r.external_id);
    *c.mutable_profile() = r.profile;
    c.set_status(v1::CUSTOMER_STATUS_ACTIVE);
    all.push_back(std::move(c));
  });
  // One in twenty held back: terminals the master does not know.
  std::vector<const v1::Customer*> held_back;
  for (size_t i = 0; i < all.size(); ++i) {
    if (i % 20 == 7) {
      held_back.push_back(&all[i]);
    } else {
      file.customers.push_back(all[i]);
    }
  }
  file.products = BenchCatalogue(20, 6, BenchProvinces());

  // The terminals as the file writes them: every known customer once, a
  // fifth of them a second way too (the distributor's ERP has two entries),
  // and the held-back customers.
  enum Kind { kExact, kNear, kNameOnly, kUnknown };
  struct Terminal {
    std::string name, address;
    Kind kind;
  };
  std::vector<Terminal> terminals;
  DemoRng rng(demo::MixSeed(options.seed, 11));
  auto write = [&](const v1::Customer& c, Kind kind) {
    const v1::CustomerProfile& p = c.profile();
    Terminal t{p.name(), p.address(), kind};
    if (kind == kNear) {
      if (rng.Chance(0.5)) {
        const matching::ParsedAddress name = matching::ParseAddress(p.name());
        if (!name.detail.empty() && (!name.province.empty() || !name.city.empty())) {
          t.name = name.detail;
        }
        absl::string_view address = t.address;
        if (absl::ConsumePrefix(&address, p.province())) t.address = std::string(address);
      } else {
        t.name += rng.Chance(0.5) ? "（门诊药房）" : "【医保定点】";
        t.address = FullWidthDigits(t.address);
      }
    } else if (kind == kNameOnly) {
      t.address.clear();
    }
    terminals.push_back(std::move(t));
  };
  auto known_kind = [&]() {
    const double u = rng.Unit();
    return u < 0.75 ? kExact : u < 0.95 ? kNear : kNameOnly;
  };
  for (const v1::Customer& c : file.customers) {
    write(c, known_kind());
    if (rng.Chance(0.2)) write(c, known_kind());
  }
  for (const v1::Customer* c : held_back) write(*c, kUnknown);
  {
    absl::flat_hash_set<std::pair<std::string, std::string>> distinct;
    for (const Terminal& t : terminals) distinct.emplace(t.name, t.address);
    file.distinct_terminals = static_cast<int64_t>(distinct.size());
  }

  std::string& csv = file.csv;
  csv.reserve(static_cast<size_t>(options.rows) * 180);
  csv += "销售日期,客户名称,客户地址,产品名称,规格,批号,数量,单价\n";
  const int days = DaysIn(file.month);
  for (int64_t i = 0; i < options.rows; ++i) {
    const Terminal& t = terminals[rng.Below(terminals.size())];
    const int day = static_cast<int>(Between(rng, 1, days));
    const int product = static_cast<int>(rng.Below(file.products.size()));
    const int batch = static_cast<int>(rng.Below(6));
    const v1::Product& p = file.products[static_cast<size_t>(product)];
    std::string name = p.generic_name();
    std::string spec = p.specification();
    const double form = rng.Unit();
    if (form < 0.15) {
      name = p.brand_name();
      absl::StrReplaceAll({{"mg", "MG"}, {"*", "×"}}, &spec);
    } else if (form < 0.25) {
      spec = FullWidthSpec(spec);
    }
    const bool bad = rng.Chance(0.001);
    if (bad) {
      name = "维生素C片";
      spec = "0.1g*100片";
      ++file.bad_rows;
    } else {
      switch (t.kind) {
        case kExact: ++file.exact_rows; break;
        case kNear: ++file.near_rows; break;
        case kNameOnly: ++file.name_only_rows; break;
        case kUnknown: ++file.unknown_rows; break;
      }
    }
    int64_t quantity = Between(rng, 1, 60);
    if (rng.Chance(0.02)) quantity = -Between(rng, 1, 5);
    const int64_t percent = Between(rng, 70, 100);
    const int64_t price = p.list_price_fen() * percent / 100;
    csv += Date(file.month, day);
    csv.push_back(',');
    AppendCell(&csv, t.name);
    csv.push_back(',');
    AppendCell(&csv, t.address);
    csv.push_back(',');
    AppendCell(&csv, name);
    csv.push_back(',');
    AppendCell(&csv, spec);
    csv.push_back(',');
    csv += BatchNo(product, batch);
    absl::StrAppend(&csv, ",", quantity, ",", Yuan(price), "\n");
  }
  file.rows = options.rows;
  return file;
}

// --- 2. Diversion -------------------------------------------------------------

ChannelData MakeDiversionData(const DiversionOptions& o, PlantedFindings* planted) {
  ChannelData data;
  const std::vector<std::string>& provinces = BenchProvinces();
  const int np = static_cast<int>(provinces.size());
  DemoRng rng(demo::MixSeed(o.seed, 21));
  const absl::CivilMonth first = absl::CivilMonth(2026, 10) - (o.months - 1);
  const std::vector<v1::Product> catalogue = BenchCatalogue(o.products, o.batches, provinces);
  for (const v1::Product& p : catalogue) data.products[p.id()] = p;
  auto current = [&](int m) { return std::min(o.batches - 1, m * o.batches / o.months); };

  // Distributors: every fifth a sub-distributor of the one before it,
  // holding (and authorised for) its parent's area.
  struct Distributor {
    std::string id;
    int parent = -1;
    int sub = -1;
    std::vector<int> area;
  };
  std::vector<Distributor> ds(static_cast<size_t>(o.distributors));
  for (int i = 0; i < o.distributors; ++i) {
    Distributor& d = ds[static_cast<size_t>(i)];
    d.id = absl::StrFormat("D%04d", i + 1);
    if (i % 5 == 4) {
      d.parent = i - 1;
      ds[static_cast<size_t>(i - 1)].sub = i;
      d.area = ds[static_cast<size_t>(i - 1)].area;
    } else {
      d.area.push_back(static_cast<int>(rng.Below(np)));
      if (rng.Chance(0.1)) {
        const int other = static_cast<int>(rng.Below(np));
        if (other != d.area[0]) d.area.push_back(other);
      }
    }
    v1::DistributorAccount& account = data.accounts[d.id];
    account.set_distributor_id(d.id);
    account.set_channel(d.parent < 0 ? "tier1" : "tier2");
    for (int p : d.area) account.add_authorised_provinces(provinces[static_cast<size_t>(p)]);
    if (d.parent >= 0) {
      data.accounts[ds[static_cast<size_t>(d.parent)].id].add_authorised_sub_distributors(d.id);
    }
    data.customer_provinces[d.id] = provinces[static_cast<size_t>(d.area[0])];
    data.customer_names[d.id] =
        absl::StrCat(provinces[static_cast<size_t>(d.area[0])], "医药商业", i + 1, "号");
  }

  // Terminals: hospitals and pharmacies of every province.
  std::vector<std::vector<std::string>> terminal_ids(static_cast<size_t>(np));
  std::vector<std::vector<std::string>> terminal_names(static_cast<size_t>(np));
  for (int p = 0; p < np; ++p) {
    for (int k = 0; k < o.terminals_per_province; ++k) {
      std::string id = absl::StrFormat("T%02d%05d", p, k);
      std::string name = absl::StrCat(provinces[static_cast<size_t>(p)], k % 2 ? "第" : "康民",
                                       k + 1, k % 2 ? "人民医院" : "大药房");
      data.customer_provinces[id] = provinces[static_cast<size_t>(p)];
      terminal_ids[static_cast<size_t>(p)].push_back(std::move(id));
      terminal_names[static_cast<size_t>(p)].push_back(std::move(name));
    }
  }

  // Sell-in: every first-tier distributor gets the current batch of every
  // product each month, authorised for its account's area.
  for (const Distributor& d : ds) {
    if (d.parent >= 0) continue;
    for (int m = 0; m < o.months; ++m) {
      const absl::CivilMonth month = first + m;
      v1::Shipment s;
      s.set_id(absl::StrCat("S-", d.id, "-", channel::FormatMonth(month)));
      s.set_distributor_id(d.id);
      s.set_ship_date(Date(month, 3));
      for (int p = 0; p < o.products; ++p) {
        v1::ShipmentLine* line = s.add_lines();
        line->set_product_id(catalogue[static_cast<size_t>(p)].id());
        line->set_batch_no(BatchNo(p, current(m)));
        line->set_quantity(5000);
      }
      data.shipments.push_back(std::move(s));
    }
  }

  absl::flat_hash_set<std::string> cross, chain, out_of_area, low;
  const int64_t files = int64_t{o.distributors} * o.months;
  int64_t file_index = 0;
  for (const Distributor& d : ds) {
    for (int m = 0; m < o.months; ++m, ++file_index) {
      const absl::CivilMonth month = first + m;
      const std::string month_text = channel::FormatMonth(month);
      const int64_t n = o.rows / files + (file_index < o.rows % files ? 1 : 0);
      std::vector<v1::FlowRow>& rows = data.flows[FlowKey{d.id, month}];
      rows.reserve(static_cast<size_t>(n));
      const int days = DaysIn(month);
      auto add = [&](int product, const std::string& batch_no, const std::string& terminal_id,
                     const std::string& terminal_name, v1::CustomerKind kind,
                     const std::string& province, int64_t quantity, int64_t price) {
        const v1::Product& p = catalogue[static_cast<size_t>(product)];
        v1::FlowRow& row = rows.emplace_back();
        row.set_line(static_cast<int64_t>(rows.size()) + 1);
        const int day = static_cast<int>(Between(rng, 1, days));
        row.set_sale_date(Date(month, day));
        row.set_terminal_name(terminal_name);
        row.set_product_name(p.generic_name());
        row.set_specification(p.specification());
        row.set_batch_no(batch_no);
        row.set_quantity(quantity);
        row.set_unit_price_fen(price);
        row.set_product_id(p.id());
        row.set_terminal_id(terminal_id);
        row.set_terminal_kind(kind);
        row.set_terminal_province(province);
      };
      // A first-tier distributor's sales to its sub-distributor.
      if (d.sub >= 0) {
        const Distributor& s = ds[static_cast<size_t>(d.sub)];
        for (int p = 0; p < o.products; ++p) {
          const int64_t list = catalogue[static_cast<size_t>(p)].list_price_fen();
          add(p, BatchNo(p, current(m)), s.id, data.customer_names[s.id],
              v1::CUSTOMER_KIND_DISTRIBUTOR, provinces[static_cast<size_t>(s.area[0])], 200,
              list * 80 / 100);
        }
      }
      while (static_cast<int64_t>(rows.size()) < n) {
        const double u = rng.Unit();
        enum { kNormal, kCross, kOut, kLow, kUntraced } what = kNormal;
        if (u < o.plant_rate) {
          what = kCross;
        } else if (u < 2 * o.plant_rate) {
          what = kOut;
        } else if (u < 3 * o.plant_rate) {
          what = kLow;
        } else if (u < 3 * o.plant_rate + 0.005) {
          what = kUntraced;
        }
        const int p = static_cast<int>(rng.Below(o.products));
        const int b = static_cast<int>(rng.Below(current(m) + 1));
        std::string batch_no = BatchNo(p, b);
        if (what == kOut || what == kUntraced) batch_no = absl::StrCat("W", batch_no);
        int province = 0;
        if (what == kCross || what == kOut) {
          do {
            province = static_cast<int>(rng.Below(np));
          } while (std::find(d.area.begin(), d.area.end(), province) != d.area.end());
        } else {
          province = d.area[rng.Below(d.area.size())];
        }
        const int k = static_cast<int>(rng.Below(o.terminals_per_province));
        const v1::CustomerKind kind =
            k % 2 ? v1::CUSTOMER_KIND_HOSPITAL : v1::CUSTOMER_KIND_PHARMACY;
        int64_t quantity = Between(rng, 1, 60);
        const int64_t list = catalogue[static_cast<size_t>(p)].list_price_fen();
        const int64_t percent = Between(rng, 75, 95);
        int64_t price = list * percent / 100;
        const std::string& pname = provinces[static_cast<size_t>(province)];
        const std::string& tid =
            terminal_ids[static_cast<size_t>(province)][static_cast<size_t>(k)];
        const std::string& tname =
            terminal_names[static_cast<size_t>(province)][static_cast<size_t>(k)];
        if (what == kNormal) {
          const double v = rng.Unit();
          if (v < 0.01) {
            quantity = -Between(rng, 1, 5);  // a sales return from the buyer
          } else if (v < 0.02) {              // a buyer not yet matched
            add(p, batch_no, "", tname, v1::CUSTOMER_KIND_UNSPECIFIED, "", quantity, price);
            continue;
          }
        } else if (what == kLow) {
          price = list * 70 / 100 - Between(rng, 1, 100);  // below both floors
        }
        add(p, batch_no, tid, tname, kind, pname, quantity, price);
        if (what == kNormal || what == kUntraced) continue;
        ++planted->offending_rows;
        const std::string key = absl::StrCat(d.id, "|", catalogue[static_cast<size_t>(p)].id(),
                                             "|", batch_no, "|", month_text, "|", pname);
        if (what == kCross) {
          cross.insert(key);
          if (d.parent >= 0) chain.insert(key);
        } else if (what == kOut) {
          out_of_area.insert(key);
        } else {
          low.insert(key);
        }
      }
    }
  }
  planted->cross_region = static_cast<int64_t>(cross.size());
  planted->cross_region_chain = static_cast<int64_t>(chain.size());
  planted->out_of_area = static_cast<int64_t>(out_of_area.size());
  planted->low_price = static_cast<int64_t>(low.size());
  return data;
}

// --- 3. Reconciliation --------------------------------------------------------

ChannelData MakeReconData(const ReconOptions& o, ReconExpected* e) {
  ChannelData data;
  const std::vector<std::string>& provinces = BenchProvinces();
  DemoRng rng(demo::MixSeed(o.seed, 31));
  e->to = absl::CivilMonth(2026, 10);
  e->from = e->to - (o.months - 1);
  const std::vector<v1::Product> catalogue = BenchCatalogue(o.products, o.batches, provinces);
  for (const v1::Product& p : catalogue) data.products[p.id()] = p;
  auto current = [&](int m) { return std::min(o.batches - 1, m * o.batches / o.months); };
  const size_t np = static_cast<size_t>(o.products), nb = static_cast<size_t>(o.batches);

  for (int i = 0; i < o.distributors; ++i) {
    const std::string id = absl::StrFormat("R%04d", i + 1);
    const size_t province = rng.Below(provinces.size());
    v1::DistributorAccount& account = data.accounts[id];
    account.set_distributor_id(id);
    account.set_channel("tier1");
    account.add_authorised_provinces(provinces[province]);
    data.customer_provinces[id] = provinces[province];
    // The true stock, and each batch's closing as last reported (the
    // opening of the next month).
    std::vector<std::vector<int64_t>> stock(np, std::vector<int64_t>(nb, 0));
    std::vector<std::vector<int64_t>> opening = stock;
    for (int m = 0; m < o.months; ++m) {
      const absl::CivilMonth month = e->from + m;
      const std::string month_text = channel::FormatMonth(month);
      const bool missing = rng.Chance(o.missing_file_rate);
      std::vector<v1::FlowRow>* rows = missing ? nullptr : &data.flows[FlowKey{id, month}];
      v1::Shipment shipment;
      shipment.set_id(absl::StrCat("S-", id, "-", month_text));
      shipment.set_distributor_id(id);
      shipment.set_ship_date(Date(month, 3));
      v1::Shipment back;
      back.set_id(absl::StrCat("SR-", id, "-", month_text));
      back.set_distributor_id(id);
      back.set_ship_date(Date(month, 25));
      back.set_is_return(true);
      v1::StockReport report;
      report.set_distributor_id(id);
      report.set_as_of(channel::FormatDate(absl::CivilDay(month + 1) - 1));
      for (size_t p = 0; p < np; ++p) {
        const v1::Product& product = catalogue[p];
        std::vector<int64_t> in(nb, 0), out(nb, 0), ret(nb, 0), unmatched(nb, 0);
        const size_t b_now = static_cast<size_t>(current(m));
        const int64_t sell_in = Between(rng, 100, 300);
        stock[p][b_now] += sell_in;
        in[b_now] = sell_in;
        v1::ShipmentLine* line = shipment.add_lines();
        line->set_product_id(product.id());
        line->set_batch_no(BatchNo(static_cast<int>(p), static_cast<int>(b_now)));
        line->set_quantity(sell_in);
        auto oldest = [&](int64_t at_least) -> int {
          for (size_t b = 0; b < nb; ++b) {
            if (stock[p][b] >= at_least) return static_cast<int>(b);
          }
          return -1;
        };
        if (rng.Chance(0.02)) {  // back to the maker
          const int64_t r = Between(rng, 1, 5);
          if (const int b = oldest(r); b >= 0) {
            stock[p][static_cast<size_t>(b)] -= r;
            ret[static_cast<size_t>(b)] += r;
            v1::ShipmentLine* l = back.add_lines();
            l->set_product_id(product.id());
            l->set_batch_no(BatchNo(static_cast<int>(p), b));
            l->set_quantity(r);
          }
        }
        for (int r = 0; r < o.rows_per_product; ++r) {
          const int64_t want = Between(rng, 5, 40);
          const bool is_unmatched = rng.Chance(o.unmatched_rate);
          const bool returned = rng.Chance(0.01);
          const size_t t = rng.Below(2000);
          const int found = oldest(1);
          if (found < 0) break;
          const size_t b = static_cast<size_t>(found);
          const int64_t q = std::min(stock[p][b], want);
          stock[p][b] -= q;
          const int64_t back_q = returned ? std::min<int64_t>(q, 3) : 0;
          stock[p][b] += back_q;
          if (rows == nullptr) continue;  // sold, but no flow file tells
          for (const int64_t quantity : {q, -back_q}) {
            if (quantity == 0) continue;
            v1::FlowRow& row = rows->emplace_back();
            row.set_line(static_cast<int64_t>(rows->size()) + 1);
            row.set_sale_date(Date(month, 1 + static_cast<int>(t % 28)));
            row.set_terminal_name(absl::StrCat(provinces[province], "第", t + 1, "人民医院"));
            row.set_product_name(product.generic_name());
            row.set_specification(product.specification());
            row.set_batch_no(BatchNo(static_cast<int>(p), static_cast<int>(b)));
            row.set_quantity(quantity);
            row.set_unit_price_fen(product.list_price_fen() * 80 / 100);
            row.set_product_id(product.id());
            if (!is_unmatched) {
              row.set_terminal_id(absl::StrFormat("T%02d%05d", province, t));
              row.set_terminal_kind(v1::CUSTOMER_KIND_HOSPITAL);
              row.set_terminal_province(provinces[province]);
            }
            out[b] += quantity;
            if (is_unmatched) unmatched[b] += quantity;
            ++e->flow_rows;
          }
        }
        // The month-end report, and what the rules must make of it.
        bool any = false;
        int64_t gap = 0;
        for (size_t b = 0; b < nb; ++b) {
          const int64_t computed = opening[p][b] + in[b] - out[b] - ret[b];
          int64_t reported = stock[p][b];
          if ((computed != 0 || reported != 0) && rng.Chance(o.stock_error_rate)) {
            const int64_t k = std::max<int64_t>(5, reported / 5);
            reported = reported >= k ? reported - k : reported + k;
            stock[p][b] = reported;  // the count is the stock from now on
          }
          if (opening[p][b] != 0 || in[b] != 0 || out[b] != 0 || ret[b] != 0 || reported != 0) {
            any = true;
            ++e->positions;
            const double tolerance =
                std::max(2.0, 0.01 * static_cast<double>(std::llabs(computed)));
            if (static_cast<double>(std::llabs(reported - computed)) > tolerance) {
              ++e->stock_differences;
            }
          }
          gap += computed - reported + unmatched[b];
          opening[p][b] = reported;
          if (reported != 0) {
            v1::StockLine* l = report.add_lines();
            l->set_product_id(product.id());
            l->set_batch_no(BatchNo(static_cast<int>(p), static_cast<int>(b)));
            l->set_quantity(reported);
            ++e->report_lines;
          }
        }
        if (any) ++e->reconciliations;
        if (any && missing && sell_in > 0 && gap != 0) ++e->missing_flow_causes;
      }
      e->shipment_lines += shipment.lines_size() + back.lines_size();
      data.shipments.push_back(std::move(shipment));
      if (back.lines_size() > 0) data.shipments.push_back(std::move(back));
      data.stock_reports.push_back(std::move(report));
    }
  }
  return data;
}

}  // namespace pharmacrm::bench
