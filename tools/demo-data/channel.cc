// The channel's simulation: month by month, each distributor's buyers
// order, the maker ships what keeps about a month of cover, the
// distributor sells first in, first out by batch, sends old batches back,
// and reports its stock; then the invoices are paid. See channel.h.
#include "channel.h"

#include <algorithm>
#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "channel_internal.h"
#include "format.h"

namespace pharmacrm::demo {
namespace {

using internal::kLowPricePercent;
using internal::kMaxTerminalPercent;
using internal::kMinTerminalPercent;
using internal::kSubDistributorPercent;

std::string DayText(absl::CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}
std::string MonthText(absl::CivilMonth m) {
  return absl::StrFormat("%04d-%02d", m.year(), m.month());
}

absl::CivilDay ParseDay(const std::string& text) {
  absl::CivilDay d;
  absl::ParseCivilTime(text, &d);
  return d;
}

// Demand in percent by calendar month: the Spring Festival dip, the winter
// peak.
int SeasonPercent(int month) {
  static constexpr int kPercent[] = {115, 80, 100, 100, 95, 95, 95, 95, 100, 100, 105, 115};
  return kPercent[month - 1];
}

// Goods of one batch a distributor holds, oldest first per product.
struct Holding {
  std::string batch_no;
  int64_t quantity = 0;
  std::string shipment_id;  // the maker's shipment it came with; "" from a parent
};

// A buyer that orders one product from a distributor most months.
struct Pair {
  int buyer = 0;    // party index
  int product = 0;  // product index
  int64_t base = 0;  // packs a month
  int64_t price_fen = 0;
  std::string last_batch;  // the batch last sold to it
};

// A row the plan adds to a month: a planted case's sale.
struct PlannedRow {
  int month = 0;
  int product = 0;
  int buyer = -1;             // party index; -1: unknown (name, address)
  std::string name, address;  // of an unknown buyer
  int64_t quantity = 0;
  int price_percent = 88;
  int day = 15;
  std::string planted;  // label of the case it plants; "" for none
};

struct Distributor {
  int party = 0;
  std::string key;
  std::vector<int> buyers;     // hospitals and pharmacies of its province
  std::vector<int> portfolio;  // product indexes, ascending
  std::vector<Pair> pairs;
  std::vector<PlannedRow> planted;
  int payment_days = 60;
  bool slow_payer = false;
  int damaged_month = -1;  // the month it sends damaged goods back, if any
  std::map<int, std::vector<Holding>> stock;  // by product index
};

// A sale before its lines are numbered.
struct Sale {
  int day = 1;
  int64_t order = 0;  // draw order, for ties
  v1::FlowRow row;
  std::string planted;  // the label of the case it plants, if any
};

class ChannelBuilder {
 public:
  ChannelBuilder(const DemoSize& size, uint64_t seed)
      : size_(size), rng_(MixSeed(seed, internal::kChannelStream)), seed_(seed) {}

  absl::StatusOr<ChannelDemo> Build();

 private:
  absl::Status CollectParties();
  absl::Status PickCast();
  void SetUpDistributor(Distributor& d, const std::vector<int>& portfolio, int max_pairs);
  absl::Status PlanCases();
  void SimulateMonth(int m);
  // Draws the month's orders of d's pairs (sales and buyers' returns).
  std::vector<Sale> DrawOrders(Distributor& d, int m);
  void Ship(Distributor& d, int m, const std::map<int, int64_t>& need);
  // Sells from d's stock: one batch (the largest holding) when
  // `single_batch`, else first in, first out over the batches.
  void Sell(Distributor& d, int m, const Sale& order, bool single_batch, std::vector<Sale>* out);
  // Sends back what is left of a batch that expires within 300 days once
  // a newer one is held (half the time), and in its damaged_month a tenth
  // of its largest holding (破损).
  void ReturnGoods(Distributor& d, int m);
  void FinishMonth(Distributor& d, int m, std::vector<Sale> sales);
  v1::FlowRow RowTo(int buyer, int product, int64_t quantity, int64_t price_fen) const;

  const v1::Product& Product(int index) const { return demo_.products[index]; }
  const ChannelParty& Party(int index) const { return demo_.parties[index]; }
  absl::CivilMonth Month(int m) const { return first_month_ + m; }
  int64_t Price(int product, int percent) const {
    return Product(product).list_price_fen() * percent / 100;
  }

  const DemoSize& size_;
  DemoRng rng_;
  uint64_t seed_;
  ChannelDemo demo_;
  absl::CivilMonth first_month_;
  std::vector<Distributor> distributors_;  // with an account, stream order
  int a_ = -1, s_ = -1, da_ = -1, dc_ = -1, dd_ = -1, de_ = -1;  // indexes of distributors_
  int64_t order_ = 0;
};

absl::Status ChannelBuilder::CollectParties() {
  std::vector<DemoRecord> records;
  std::set<std::string> copied;
  DemoDataGenerator().Generate(size_, seed_, [&](const DemoRecord& r) {
    const v1::CustomerKind kind = r.profile.kind();
    if (kind != v1::CUSTOMER_KIND_HOSPITAL && kind != v1::CUSTOMER_KIND_PHARMACY &&
        kind != v1::CUSTOMER_KIND_DISTRIBUTOR) {
      return;
    }
    if (!r.duplicate_of.empty()) copied.insert(r.duplicate_of);
    if (r.dirty || !r.duplicate_of.empty()) return;
    records.push_back(r);
  });
  // Distributors first (stream order), then the buyers.
  for (int pass = 0; pass < 2; ++pass) {
    for (const DemoRecord& r : records) {
      const bool distributor = r.profile.kind() == v1::CUSTOMER_KIND_DISTRIBUTOR;
      if (distributor != (pass == 0) || copied.contains(r.external_id)) continue;
      demo_.parties.push_back({r.external_id, r.profile.kind(), r.profile.name(),
                               r.profile.province(), r.profile.city(), r.profile.address()});
    }
  }
  return absl::OkStatus();
}

absl::Status ChannelBuilder::PickCast() {
  for (int i = 0; i < static_cast<int>(demo_.parties.size()); ++i) {
    if (Party(i).kind != v1::CUSTOMER_KIND_DISTRIBUTOR) continue;
    Distributor d;
    d.party = i;
    d.key = Party(i).key;
    for (int j = 0; j < static_cast<int>(demo_.parties.size()); ++j) {
      if (Party(j).kind != v1::CUSTOMER_KIND_DISTRIBUTOR &&
          Party(j).province == Party(i).province) {
        d.buyers.push_back(j);
      }
    }
    if (!d.buyers.empty()) distributors_.push_back(std::move(d));
  }
  const int n = static_cast<int>(distributors_.size());
  for (int i = 0; i < n && a_ < 0; ++i) {
    for (int j = i + 1; j < n; ++j) {
      if (Party(distributors_[i].party).province == Party(distributors_[j].party).province) {
        a_ = i;
        s_ = j;
        break;
      }
    }
  }
  if (a_ < 0) {
    return absl::FailedPreconditionError(
        "the channel demo needs two distributors in one province with buyers there");
  }
  std::vector<int> others;
  for (int i = 0; i < n; ++i) {
    if (i != a_ && i != s_) others.push_back(i);
  }
  if (others.size() < 4) {
    return absl::FailedPreconditionError(absl::StrCat(
        "the channel demo needs six distributors with buyers in their province, found ", n));
  }
  da_ = others[0];
  dc_ = others[1];
  dd_ = others[2];
  de_ = others[3];
  return absl::OkStatus();
}

void ChannelBuilder::SetUpDistributor(Distributor& d, const std::vector<int>& portfolio,
                                      int max_pairs) {
  d.portfolio = portfolio;
  for (int buyer : d.buyers) {
    for (int product : d.portfolio) {
      if (static_cast<int>(d.pairs.size()) >= max_pairs) break;
      if (!rng_.Chance(0.4)) continue;
      Pair pair;
      pair.buyer = buyer;
      pair.product = product;
      pair.base = Party(buyer).kind == v1::CUSTOMER_KIND_HOSPITAL ? rng_.Between(20, 80)
                                                                   : rng_.Between(5, 30);
      const int percent = static_cast<int>(rng_.Between(kMinTerminalPercent, kMaxTerminalPercent));
      pair.price_fen = Price(product, percent);
      d.pairs.push_back(pair);
    }
  }
  // Every product of the portfolio has a buyer.
  for (size_t i = 0; i < d.portfolio.size(); ++i) {
    const int product = d.portfolio[i];
    const bool sold = std::any_of(d.pairs.begin(), d.pairs.end(),
                                  [product](const Pair& p) { return p.product == product; });
    if (sold) continue;
    Pair pair;
    pair.buyer = d.buyers[i % d.buyers.size()];
    pair.product = product;
    pair.base = rng_.Between(10, 40);
    pair.price_fen = Price(product, 88);
    d.pairs.push_back(pair);
  }
}

absl::StatusOr<ChannelDemo> ChannelBuilder::Build() {
  if (absl::Status s = CollectParties(); !s.ok()) return s;
  if (absl::Status s = PickCast(); !s.ok()) return s;
  demo_.months = DemoPeriods(kChannelMonths);
  demo_.as_of = kChannelAsOf;
  absl::ParseCivilTime(demo_.months.front(), &first_month_);
  demo_.products = internal::DemoProducts(rng_);

  static constexpr const char* kManagers[] = {"wang.lei", "li.jing", "zhang.wei", "liu.yang"};
  static constexpr int kPaymentDays[] = {30, 45, 60, 90};
  const int product_count = static_cast<int>(demo_.products.size());
  for (int i = 0; i < static_cast<int>(distributors_.size()); ++i) {
    if (i == s_) continue;
    Distributor& d = distributors_[i];
    // 5-8 products, from a rotating start so that distributors differ.
    const int count = static_cast<int>(rng_.Between(5, 8));
    const int start = static_cast<int>(rng_.Below(product_count));
    const int step = 1 + static_cast<int>(rng_.Below(3));
    std::set<int> picked;
    for (int k = 0; static_cast<int>(picked.size()) < count; ++k) {
      picked.insert((start + k * step + k / product_count) % product_count);
    }
    SetUpDistributor(d, std::vector<int>(picked.begin(), picked.end()), 14);
    d.payment_days = i == de_ ? 60 : kPaymentDays[rng_.Below(4)];
    d.slow_payer = i != de_ && rng_.Chance(0.3);
    const bool damaged = rng_.Chance(0.6);
    if (damaged) d.damaged_month = static_cast<int>(rng_.Between(3, 21));
  }
  {
    // S carries three of A's products.
    Distributor& s = distributors_[s_];
    const std::vector<int>& a = distributors_[a_].portfolio;
    SetUpDistributor(s, {a[0], a[a.size() / 2], a.back()}, 8);
    s.payment_days = 30;
  }
  for (int i = 0; i < static_cast<int>(distributors_.size()); ++i) {
    const Distributor& d = distributors_[i];
    v1::DistributorAccount account;
    account.set_distributor_id(d.key);
    account.set_channel(i == s_ ? "tier2" : "tier1");
    account.add_authorised_provinces(Party(d.party).province);
    account.set_payment_days(d.payment_days);
    if (i == a_) account.add_authorised_sub_distributors(distributors_[s_].key);
    account.set_key_account_manager(kManagers[i % 4]);
    demo_.accounts.push_back(account);
  }
  if (absl::Status s = PlanCases(); !s.ok()) return s;
  for (int m = 0; m < kChannelMonths; ++m) SimulateMonth(m);
  std::stable_sort(demo_.shipments.begin(), demo_.shipments.end(),
                   [](const v1::Shipment& x, const v1::Shipment& y) {
                     if (x.ship_date() != y.ship_date()) return x.ship_date() < y.ship_date();
                     return x.id() < y.id();
                   });
  std::stable_sort(demo_.flows.begin(), demo_.flows.end(),
                   [](const ChannelFlowFile& x, const ChannelFlowFile& y) {
                     if (x.distributor_key != y.distributor_key) {
                       return x.distributor_key < y.distributor_key;
                     }
                     return x.month < y.month;
                   });
  std::vector<internal::PaymentTerms> terms;
  for (int i = 0; i < static_cast<int>(distributors_.size()); ++i) {
    const Distributor& d = distributors_[i];
    terms.push_back({d.key, d.payment_days, d.slow_payer, i == de_});
  }
  demo_.payments = internal::DemoPayments(rng_, demo_.shipments, terms, demo_.as_of);
  internal::SetCreditLimits(demo_.shipments, demo_.payments, &demo_.accounts);
  return std::move(demo_);
}

absl::Status ChannelBuilder::PlanCases() {
  const auto first_buyer_outside = [&](const std::string& province,
                                       const std::string& not_this) -> int {
    for (int pass = 0; pass < 2; ++pass) {
      for (int j = 0; j < static_cast<int>(demo_.parties.size()); ++j) {
        const ChannelParty& p = Party(j);
        if (p.kind == v1::CUSTOMER_KIND_DISTRIBUTOR || p.province == province ||
            p.province == not_this) {
          continue;
        }
        if (pass == 1 || p.kind == v1::CUSTOMER_KIND_HOSPITAL) return j;
      }
    }
    return -1;
  };
  Distributor& a = distributors_[a_];
  Distributor& s = distributors_[s_];
  Distributor& da = distributors_[da_];
  Distributor& dc = distributors_[dc_];
  Distributor& dd = distributors_[dd_];
  Distributor& de = distributors_[de_];
  const std::string a_province = Party(a.party).province;

  // (a) 2025-09: a hospital in another province.
  const int y = first_buyer_outside(Party(da.party).province, "");
  if (y < 0) return absl::FailedPreconditionError("the channel demo needs buyers in two provinces");
  da.planted.push_back({10, da.portfolio[0], y, "", "", 150, 88, 16, "a"});
  // (b) 2026-03: S sells into another province.
  int x = first_buyer_outside(a_province, Party(y).province);
  if (x < 0) x = first_buyer_outside(a_province, "");
  if (x < 0) return absl::FailedPreconditionError("the channel demo needs buyers in two provinces");
  s.planted.push_back({16, s.portfolio[0], x, "", "", 60, 88, 18, "b"});
  // (c) 2025-12: far below the floor, inside its province.
  dc.planted.push_back({13, dc.portfolio[0], dc.buyers[0], "", "", 200, kLowPricePercent, 12, "c"});
  // (g) 2026-08: two buyers no one knows.
  const ChannelParty& dcp = Party(dc.party);
  const std::string prefix = dcp.province == dcp.city ? dcp.city : dcp.province + dcp.city;
  dc.planted.push_back({21, dc.portfolio[0], -1, absl::StrCat(dcp.city, "永康个体诊所"),
                        absl::StrCat(prefix, "光明路188号"), 12, 90, 9, "g"});
  dc.planted.push_back({21, dc.portfolio.back(), -1, absl::StrCat(dcp.city, "德兴医药经营部"),
                        absl::StrCat(prefix, "建设街27号"), 20, 90, 20, "g"});

  const auto name_of = [&](const Distributor& d) { return Party(d.party).name; };
  const auto add = [&](PlantedCase c) { demo_.planted.push_back(std::move(c)); };
  PlantedCase ca{"a", "", "", v1::FINDING_KIND_CROSS_REGION, da.key,
                 Product(da.portfolio[0]).id(), "", demo_.months[10], Party(y).province,
                 Party(y).key, 150};
  ca.title = absl::StrCat("direct diversion: ", name_of(da), " sells into ", Party(y).province);
  ca.title_zh = absl::StrCat("直接窜货：", name_of(da), "销往", Party(y).province);
  add(ca);
  PlantedCase cb{"b", "", "", v1::FINDING_KIND_CROSS_REGION, s.key, Product(s.portfolio[0]).id(),
                 "", demo_.months[16], Party(x).province, Party(x).key, 60};
  cb.title = absl::StrCat("diversion through a sub-distributor: ", name_of(a), " → ", name_of(s),
                          " → ", Party(x).province);
  cb.title_zh = absl::StrCat("经二级商业窜货：", name_of(a), " → ", name_of(s), " → ",
                             Party(x).province);
  add(cb);
  PlantedCase cc{"c", "", "", v1::FINDING_KIND_LOW_PRICE, dc.key, Product(dc.portfolio[0]).id(),
                 "", demo_.months[13], Party(dc.buyers[0]).province, Party(dc.buyers[0]).key,
                 200};
  cc.title = absl::StrCat("low price: ", name_of(dc), " sells at 55% of the list price");
  cc.title_zh = absl::StrCat("低价窜货：", name_of(dc), "以零售指导价的55%销售");
  add(cc);
  PlantedCase cd{"d", "", "", v1::FINDING_KIND_STOCK_DIFFERENCE, dd.key, "", "",
                 demo_.months[19], "", "", 0};
  cd.title = absl::StrCat("reconciliation gap: ", name_of(dd), "'s flow file for ",
                          demo_.months[19], " is missing");
  cd.title_zh = absl::StrCat("进销存差异：", name_of(dd), demo_.months[19], "流向缺失");
  add(cd);
  PlantedCase ce{"e", "", "", v1::FINDING_KIND_UNSPECIFIED, de.key, "", "", "", "", "", 0};
  ce.title = absl::StrCat("overdue: ", name_of(de), " pays 125 days after the due date");
  ce.title_zh = absl::StrCat("逾期：", name_of(de), "逾期125天付款");
  add(ce);
  PlantedCase cf{"f", "", "", v1::FINDING_KIND_UNSPECIFIED, s.key, "", "", "", a_province, "", 0};
  cf.title = absl::StrCat("lawful: ", name_of(a), " → sub-distributor ", name_of(s), " inside ",
                          a_province, " (not flagged)");
  cf.title_zh = absl::StrCat("合规：", name_of(a), " → 二级商业", name_of(s), "，在", a_province,
                             "内销售（不应报警）");
  add(cf);
  PlantedCase cg{"g", "", "", v1::FINDING_KIND_UNSPECIFIED, dc.key, "", "", demo_.months[21],
                 "", "", 32};
  cg.title = absl::StrCat("unknown buyers: two rows of ", name_of(dc), " in ", demo_.months[21],
                          " wait in the worklist");
  cg.title_zh = absl::StrCat("未匹配终端：", name_of(dc), demo_.months[21], "有两行待匹配");
  add(cg);
  return absl::OkStatus();
}

v1::FlowRow ChannelBuilder::RowTo(int buyer, int product, int64_t quantity,
                                  int64_t price_fen) const {
  v1::FlowRow row;
  row.set_terminal_name(Party(buyer).name);
  row.set_terminal_address(Party(buyer).address);
  row.set_terminal_id(Party(buyer).key);
  row.set_terminal_kind(Party(buyer).kind);
  row.set_terminal_province(Party(buyer).province);
  row.set_product_name(Product(product).generic_name());
  row.set_specification(Product(product).specification());
  row.set_product_id(Product(product).id());
  row.set_quantity(quantity);
  row.set_unit_price_fen(price_fen);
  return row;
}

std::vector<Sale> ChannelBuilder::DrawOrders(Distributor& d, int m) {
  const absl::CivilMonth month = Month(m);
  std::vector<Sale> orders;
  for (Pair& pair : d.pairs) {
    if (!rng_.Chance(0.85)) continue;
    const int64_t noise = rng_.Between(80, 120);
    int64_t quantity = pair.base * SeasonPercent(month.month()) / 100 * (100 + m) / 100;
    quantity = std::max<int64_t>(1, quantity * noise / 100);
    const int day = static_cast<int>(rng_.Between(5, 27));
    const bool second = rng_.Chance(0.2);
    if (second && quantity >= 4) {
      const int later = static_cast<int>(rng_.Between(day, 28));
      orders.push_back({later, order_++,
                        RowTo(pair.buyer, pair.product, quantity / 2, pair.price_fen), ""});
      quantity -= quantity / 2;
    }
    orders.push_back(
        {day, order_++, RowTo(pair.buyer, pair.product, quantity, pair.price_fen), ""});
  }
  return orders;
}

void ChannelBuilder::Ship(Distributor& d, int m, const std::map<int, int64_t>& need) {
  const absl::CivilDay date = absl::CivilDay(Month(m)) + rng_.Between(0, 2);
  v1::Shipment shipment;
  shipment.set_id(absl::StrFormat("SHP-%s-%04d%02d", d.key, date.year(), date.month()));
  shipment.set_order_no(absl::StrFormat("SO%04d%02d-%s", date.year(), date.month(),
                                        d.key.substr(d.key.size() - 3)));
  shipment.set_distributor_id(d.key);
  shipment.set_ship_date(DayText(date));
  int64_t amount = 0;
  for (const auto& [product, packs] : need) {
    int64_t on_hand = 0;
    for (const Holding& h : d.stock[product]) on_hand += h.quantity;
    int64_t target = 0;  // a month of cover
    for (const Pair& p : d.pairs) target += p.product == product ? p.base : 0;
    const int64_t missing = packs + target - on_hand;
    if (missing <= 0) continue;
    const int64_t quantity = (missing + 9) / 10 * 10;
    // The newest batch made by the ship date.
    std::string batch;
    for (const v1::ProductBatch& b : Product(product).batches()) {
      if (b.manufactured_on() <= shipment.ship_date()) batch = b.batch_no();
    }
    v1::ShipmentLine* line = shipment.add_lines();
    line->set_product_id(Product(product).id());
    line->set_batch_no(batch);
    line->set_quantity(quantity);
    line->set_unit_price_fen(Price(product, internal::kTier1Percent));
    amount += quantity * line->unit_price_fen();
    std::vector<Holding>& held = d.stock[product];
    if (!held.empty() && held.back().batch_no == batch) {
      held.back().quantity += quantity;
      held.back().shipment_id = shipment.id();
    } else {
      held.push_back({batch, quantity, shipment.id()});
    }
  }
  if (shipment.lines_size() == 0) return;
  shipment.set_amount_fen(amount);
  demo_.shipments.push_back(std::move(shipment));
}

void ChannelBuilder::Sell(Distributor& d, int m, const Sale& order, bool single_batch,
                          std::vector<Sale>* out) {
  int product = 0;
  while (Product(product).id() != order.row.product_id()) ++product;
  std::vector<Holding>& held = d.stock[product];
  int64_t left = order.row.quantity();
  if (left < 0) {
    // A buyer's return: back into the batch it was sold from, if still held.
    for (Holding& h : held) {
      if (h.batch_no == order.row.batch_no()) {
        h.quantity -= left;
        out->push_back(order);
        return;
      }
    }
    return;
  }
  if (single_batch) {
    Holding* best = nullptr;
    for (Holding& h : held) {
      if (best == nullptr || h.quantity > best->quantity) best = &h;
    }
    if (best == nullptr || best->quantity <= 0) return;
    Sale sale = order;
    sale.row.set_quantity(std::min(left, best->quantity));
    sale.row.set_batch_no(best->batch_no);
    best->quantity -= sale.row.quantity();
    out->push_back(sale);
    (void)m;
    return;
  }
  for (Holding& h : held) {
    if (left == 0) break;
    const int64_t take = std::min(left, h.quantity);
    if (take <= 0) continue;
    Sale sale = order;
    sale.row.set_quantity(take);
    sale.row.set_batch_no(h.batch_no);
    h.quantity -= take;
    left -= take;
    out->push_back(sale);
  }
}

void ChannelBuilder::ReturnGoods(Distributor& d, int m) {
  const absl::CivilDay last = absl::CivilDay(Month(m) + 1) - 1;
  v1::Shipment ret;
  ret.set_distributor_id(d.key);
  ret.set_ship_date(DayText(last - 2));
  ret.set_is_return(true);
  const auto add_line = [&](int product, const std::string& batch, int64_t quantity) {
    v1::ShipmentLine* line = ret.add_lines();
    line->set_product_id(Product(product).id());
    line->set_batch_no(batch);
    line->set_quantity(quantity);
    line->set_unit_price_fen(Price(product, internal::kTier1Percent));
    ret.set_amount_fen(ret.amount_fen() + line->quantity() * line->unit_price_fen());
  };
  if (m == d.damaged_month) {
    Holding* largest = nullptr;
    int largest_product = 0;
    for (auto& [product, held] : d.stock) {
      for (Holding& h : held) {
        if (!h.shipment_id.empty() && (largest == nullptr || h.quantity > largest->quantity)) {
          largest = &h;
          largest_product = product;
        }
      }
    }
    if (largest != nullptr && largest->quantity >= 20) {
      const int64_t quantity = largest->quantity / 10;
      ret.set_returns_shipment_id(largest->shipment_id);
      ret.set_reason("运输破损 / damaged in transit");
      add_line(largest_product, largest->batch_no, quantity);
      largest->quantity -= quantity;
    }
  }
  for (auto& [product, held] : d.stock) {
    if (held.size() < 2 || held.front().quantity <= 0 || held.front().shipment_id.empty()) continue;
    const v1::ProductBatch* batch = nullptr;
    for (const v1::ProductBatch& b : Product(product).batches()) {
      if (b.batch_no() == held.front().batch_no) batch = &b;
    }
    if (batch == nullptr || ParseDay(batch->expires_on()) - last > 300 || !rng_.Chance(0.5)) {
      continue;
    }
    if (ret.lines_size() == 0) {
      ret.set_returns_shipment_id(held.front().shipment_id);
      ret.set_reason("近效期退货 / near expiry");
    }
    add_line(product, held.front().batch_no, held.front().quantity);
    held.erase(held.begin());
  }
  if (ret.lines_size() == 0) return;
  ret.set_id(absl::StrFormat("RET-%s-%04d%02d", d.key, last.year(), last.month()));
  demo_.shipments.push_back(std::move(ret));
}

void ChannelBuilder::FinishMonth(Distributor& d, int m, std::vector<Sale> sales) {
  const absl::CivilMonth month = Month(m);
  const absl::CivilDay last = absl::CivilDay(month + 1) - 1;
  for (auto& [product, held] : d.stock) {
    held.erase(std::remove_if(held.begin(), held.end(),
                              [](const Holding& h) { return h.quantity == 0; }),
               held.end());
  }
  v1::StockReport report;
  report.set_distributor_id(d.key);
  report.set_as_of(DayText(last));
  for (const auto& [product, held] : d.stock) {
    for (const Holding& h : held) {
      v1::StockLine* line = report.add_lines();
      line->set_product_id(Product(product).id());
      line->set_batch_no(h.batch_no);
      line->set_quantity(h.quantity);
    }
  }
  demo_.stock_reports.push_back(std::move(report));
  // (d): no flow file for this month.
  if (&d == &distributors_[dd_] && m == 19) return;
  std::stable_sort(sales.begin(), sales.end(), [](const Sale& x, const Sale& y) {
    if (x.day != y.day) return x.day < y.day;
    return x.order < y.order;
  });
  ChannelFlowFile file;
  file.distributor_key = d.key;
  file.month = MonthText(month);
  file.gb18030 = &d == &distributors_[dc_];
  file.mapped = &d == &distributors_[dd_];
  int64_t line = 2;
  for (Sale& sale : sales) {
    sale.row.set_line(line++);
    sale.row.set_sale_date(DayText(absl::CivilDay(month) + (sale.day - 1)));
    file.rows.push_back(std::move(sale.row));
  }
  demo_.flows.push_back(std::move(file));
}

void ChannelBuilder::SimulateMonth(int m) {
  const int n = static_cast<int>(distributors_.size());
  std::vector<std::vector<Sale>> orders(n);
  for (int i = 0; i < n; ++i) orders[i] = DrawOrders(distributors_[i], m);
  // A's sales to S: what S needs for its orders and a month of cover.
  Distributor& s = distributors_[s_];
  std::map<int, int64_t> s_need;
  for (const Sale& o : orders[s_]) {
    for (int p : s.portfolio) {
      if (Product(p).id() == o.row.product_id()) {
        s_need[p] += std::max<int64_t>(0, o.row.quantity());
      }
    }
  }
  for (const PlannedRow& r : s.planted) {
    if (r.month == m) s_need[r.product] += r.quantity;
  }
  for (auto& [product, packs] : s_need) {
    int64_t on_hand = 0;
    for (const Holding& h : s.stock[product]) on_hand += h.quantity;
    int64_t target = 0;
    for (const Pair& p : s.pairs) target += p.product == product ? p.base : 0;
    const int64_t missing = packs + target - on_hand;
    if (missing <= 0) continue;
    const int day = static_cast<int>(rng_.Between(3, 4));
    orders[a_].push_back({day, order_++,
                          RowTo(s.party, product, (missing + 9) / 10 * 10,
                                Price(product, kSubDistributorPercent)),
                          ""});
  }
  // Buyers' returns: a few packs of the batch last sold to them.
  for (int i = 0; i < n; ++i) {
    for (Pair& pair : distributors_[i].pairs) {
      if (pair.last_batch.empty() || !rng_.Chance(0.02)) continue;
      const int day = static_cast<int>(rng_.Between(20, 28));
      const int64_t packs = rng_.Between(1, 5);
      Sale ret{day, order_++, RowTo(pair.buyer, pair.product, -packs, pair.price_fen), ""};
      ret.row.set_batch_no(pair.last_batch);
      orders[i].push_back(std::move(ret));
    }
  }
  for (int pass = 0; pass < 2; ++pass) {
    // A and the others first, S after A's sales reached it.
    for (int i = 0; i < n; ++i) {
      if ((i == s_) != (pass == 1)) continue;
      Distributor& d = distributors_[i];
      std::vector<Sale> planted;
      for (const PlannedRow& r : d.planted) {
        if (r.month != m) continue;
        v1::FlowRow row;
        if (r.buyer >= 0) {
          row = RowTo(r.buyer, r.product, r.quantity, Price(r.product, r.price_percent));
        } else {
          row = RowTo(d.party, r.product, r.quantity, Price(r.product, r.price_percent));
          row.set_terminal_name(r.name);
          row.set_terminal_address(r.address);
          row.clear_terminal_id();
          row.clear_terminal_kind();
          row.clear_terminal_province();
        }
        planted.push_back({r.day, order_++, row, r.planted});
      }
      if (i != s_) {
        std::map<int, int64_t> need;
        for (int p : d.portfolio) need[p] = 0;
        for (const std::vector<Sale>* list : {&orders[i], &planted}) {
          for (const Sale& o : *list) {
            for (int p : d.portfolio) {
              if (Product(p).id() == o.row.product_id() && o.row.quantity() > 0) {
                need[p] += o.row.quantity();
              }
            }
          }
        }
        Ship(d, m, need);
      }
      std::vector<Sale> sales;
      for (const Sale& o : planted) Sell(d, m, o, true, &sales);
      std::stable_sort(orders[i].begin(), orders[i].end(), [](const Sale& x, const Sale& y) {
        if (x.day != y.day) return x.day < y.day;
        return x.order < y.order;
      });
      for (const Sale& o : orders[i]) Sell(d, m, o, false, &sales);
      for (const Sale& sale : sales) {
        const v1::FlowRow& row = sale.row;
        if (row.quantity() <= 0) continue;
        for (Pair& pair : d.pairs) {
          if (Party(pair.buyer).key == row.terminal_id() &&
              Product(pair.product).id() == row.product_id()) {
            pair.last_batch = row.batch_no();
          }
        }
        // A's sale to S reaches S's stock.
        if (i == a_ && row.terminal_id() == s.key) {
          for (int p : s.portfolio) {
            if (Product(p).id() != row.product_id()) continue;
            std::vector<Holding>& held = s.stock[p];
            if (!held.empty() && held.back().batch_no == row.batch_no()) {
              held.back().quantity += row.quantity();
            } else {
              held.push_back({row.batch_no(), row.quantity(), ""});
            }
          }
        }
      }
      // The batch and quantity of each planted case, as sold.
      for (PlantedCase& c : demo_.planted) {
        if (c.distributor_key != d.key || c.month != MonthText(Month(m)) || c.label == "d") {
          continue;
        }
        std::set<std::string> batches;
        int64_t packs = 0;
        for (const Sale& sale : sales) {
          if (sale.planted != c.label) continue;
          batches.insert(sale.row.batch_no());
          packs += sale.row.quantity();
        }
        c.quantity = packs;
        c.batch_no = batches.size() == 1 ? *batches.begin() : "";
      }
      if (i != s_) ReturnGoods(d, m);
      FinishMonth(d, m, std::move(sales));
    }
  }
}

}  // namespace

absl::StatusOr<ChannelDemo> GenerateChannelDemo(const DemoSize& size, uint64_t seed) {
  if (absl::Status s = ValidateDemoSize(size); !s.ok()) return s;
  return ChannelBuilder(size, seed).Build();
}

}  // namespace pharmacrm::demo
