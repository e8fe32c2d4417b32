#include "domain/channel/diversion.h"

#include <algorithm>
#include <limits>
#include <string>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/time/civil_time.h"
#include "domain/channel/batch_trace.h"
#include "domain/channel/dates.h"
#include "domain/channel/findings.h"
#include "pharmacrm/v1/common.pb.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

// Hash and equality of a pair of strings, owned or viewed: tables keyed
// by copies (short ids and province names stay inline in the table, so a
// look-up does not chase pointers into the records) and looked up with
// views of a row's fields.
struct LotHash {
  using is_transparent = void;
  size_t operator()(std::pair<absl::string_view, absl::string_view> k) const {
    return absl::Hash<std::pair<absl::string_view, absl::string_view>>()(k);
  }
  size_t operator()(const std::pair<std::string, std::string>& k) const {
    return (*this)(std::make_pair(absl::string_view(k.first), absl::string_view(k.second)));
  }
};
struct LotEq {
  using is_transparent = void;
  template <typename A, typename B>
  bool operator()(const A& a, const B& b) const {
    return absl::string_view(a.first) == absl::string_view(b.first) &&
           absl::string_view(a.second) == absl::string_view(b.second);
  }
};
using StringPair = std::pair<std::string, std::string>;

// The day of a sale date: "YYYY-MM-DD" read here (most rows, and the
// scan runs over every row), any other form by ParseDate.
bool SaleDay(absl::string_view text, absl::CivilDay* day) {
  auto digits = [&](size_t from, size_t n, int* value) {
    *value = 0;
    for (size_t i = from; i < from + n; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      *value = *value * 10 + (text[i] - '0');
    }
    return true;
  };
  int y = 0, m = 0, d = 0;
  if (text.size() == 10 && text[4] == '-' && text[7] == '-' && digits(0, 4, &y) &&
      digits(5, 2, &m) && digits(8, 2, &d)) {
    const absl::CivilDay parsed(y, m, d);
    if (parsed.month() != m || parsed.day() != d || parsed < kFirstDay || parsed > kLastDay) {
      return false;
    }
    *day = parsed;
    return true;
  }
  absl::StatusOr<absl::CivilDay> parsed = ParseDate(text, "sale_date");
  if (!parsed.ok()) return false;
  *day = *parsed;
  return true;
}

// Floor prices by (product, province), each province's listings by
// effective date.
class FloorPrices {
 public:
  explicit FloorPrices(const ChannelData& data) {
    for (const auto& [id, product] : data.products) {
      for (const v1::ProvinceListing& listing : product.listings()) {
        absl::CivilDay from = kFirstDay;
        if (!listing.effective_from().empty()) {
          absl::StatusOr<absl::CivilDay> day =
              ParseDate(listing.effective_from(), "effective_from");
          if (day.ok()) from = *day;
        }
        const int64_t floor = listing.floor_price_fen() != 0 ? listing.floor_price_fen()
                                                              : listing.bid_price_fen();
        listings_[StringPair(id, listing.province())].push_back({from, floor});
      }
    }
    for (auto& [key, listings] : listings_) {
      std::stable_sort(listings.begin(), listings.end(),
                       [](const Listing& a, const Listing& b) { return a.from < b.from; });
    }
  }

  // The floor in force for a sale; 0 when nothing is checked.
  int64_t At(absl::string_view product_id, absl::string_view province,
             absl::string_view sale_date) const {
    auto it = listings_.find(std::make_pair(product_id, province));
    if (it == listings_.end()) return 0;
    absl::CivilDay day;
    if (!SaleDay(sale_date, &day)) return 0;
    const std::vector<Listing>& listings = it->second;
    auto after = std::upper_bound(listings.begin(), listings.end(), day,
                                  [](absl::CivilDay d, const Listing& l) { return d < l.from; });
    if (after == listings.begin()) return 0;
    return std::prev(after)->floor;
  }

 private:
  struct Listing {
    absl::CivilDay from;
    int64_t floor = 0;
  };
  absl::flat_hash_map<StringPair, std::vector<Listing>, LotHash, LotEq> listings_;
};

struct SellerLot {
  int32_t holding = -1;
  BatchTrace::Authorisation authorisation = BatchTrace::Authorisation::kUntraced;
};
// One seller's holdings by (product, batch): its rows are scanned
// together, so each row's look-up stays in one small table.
using SellerLots = absl::flat_hash_map<StringPair, SellerLot, LotHash, LotEq>;

struct HitKey {
  v1::FindingKind kind;
  int32_t period;  // the seller and the month
  absl::string_view product_id;
  absl::string_view batch_no;
  absl::string_view province;

  friend bool operator==(const HitKey& a, const HitKey& b) {
    return a.kind == b.kind && a.period == b.period && a.product_id == b.product_id &&
           a.batch_no == b.batch_no && a.province == b.province;
  }
  template <typename H>
  friend H AbslHashValue(H h, const HitKey& k) {
    return H::combine(std::move(h), k.kind, k.period, k.product_id, k.batch_no, k.province);
  }
};

struct Hit {
  int64_t quantity = 0;
  int64_t amount_fen = 0;
  std::vector<RowRef> rows;
  int32_t holding = -1;  // the seller's holding of the batch, if traced
  int64_t lowest_price_fen = std::numeric_limits<int64_t>::max();
  int64_t floor_at_lowest_fen = 0;
};

v1::Severity SeverityOf(const v1::Finding& finding, int depth, const DiversionRules& rules) {
  if (finding.amount_fen() >= rules.high_amount_fen ||
      (finding.kind() == v1::FINDING_KIND_CROSS_REGION && depth >= rules.high_chain_depth)) {
    return v1::SEVERITY_HIGH;
  }
  return finding.amount_fen() >= rules.medium_amount_fen ? v1::SEVERITY_MEDIUM
                                                          : v1::SEVERITY_LOW;
}

std::string BatchText(absl::string_view batch_no) {
  return batch_no.empty() ? std::string("-") : std::string(batch_no);
}

std::vector<std::string> AccountProvinces(const v1::DistributorAccount* account) {
  if (account == nullptr) return {};
  return {account->authorised_provinces().begin(), account->authorised_provinces().end()};
}

// Fills summary and summary_zh of a finding whose other fields are set.
void Summarise(const ChannelData& data, const BatchTrace& trace, const Hit& hit,
               v1::Finding* finding) {
  v1::Finding& f = *finding;
  const v1::Product* product = FindProduct(data, f.product_id());
  const std::string unit =
      product != nullptr && !product->pack_unit().empty() ? product->pack_unit() : "盒";
  const std::string seller(DisplayName(data, f.distributor_id()));
  const std::string batch = BatchText(f.batch_no());
  const std::string amount = FormatYuan(f.amount_fen());
  const std::string en_tail = absl::StrCat(": ", f.quantity(), " packs, ", amount);
  const std::string zh_tail = absl::StrCat("：", f.quantity(), unit, "，金额", amount);
  const std::vector<std::string> area(f.authorised_provinces().begin(),
                                      f.authorised_provinces().end());
  switch (f.kind()) {
    case v1::FINDING_KIND_CROSS_REGION: {
      // The evidence opens with the chain; its first step is the shipment.
      const v1::EvidenceStep& shipment = f.evidence(0);
      const std::vector<std::string> root_area(shipment.authorised_provinces().begin(),
                                               shipment.authorised_provinces().end());
      const std::string consignee(DisplayName(data, shipment.buyer_id()));
      std::vector<std::string> path;
      for (const std::string& holder : trace.HolderPath(hit.holding)) {
        path.emplace_back(DisplayName(data, holder));
      }
      const std::string via = absl::StrJoin(path, " → ");
      const bool chained = path.size() > 1;
      f.set_summary(absl::StrCat("Batch ", batch, " of ", f.product_id(), " shipped to ",
                                 consignee, " for ", JoinProvinces(root_area, ", "),
                                 " was sold in ", f.province(), " by ", seller,
                                 chained ? absl::StrCat(" (via ", via, ")") : "", en_tail));
      f.set_summary_zh(absl::StrCat(f.product_id(), "批号", batch, "发往", consignee, "（授权",
                                    JoinProvinces(root_area, "、"), "），",
                                    chained ? absl::StrCat("经", via, "，") : "", "由", seller,
                                    "销往", f.province(), zh_tail));
      return;
    }
    case v1::FINDING_KIND_OUT_OF_AREA_SALE:
      f.set_summary(absl::StrCat(seller, " sold ", f.product_id(), " (batch ", batch, ") in ",
                                 f.province(), ", outside its authorised area ",
                                 JoinProvinces(area, ", "), en_tail));
      f.set_summary_zh(absl::StrCat(seller, "在授权区域（", JoinProvinces(area, "、"),
                                    "）以外的", f.province(), "销售", f.product_id(), "（批号",
                                    batch, "）", zh_tail));
      return;
    case v1::FINDING_KIND_LOW_PRICE: {
      const std::string price = FormatYuan(hit.lowest_price_fen);
      const std::string floor = FormatYuan(hit.floor_at_lowest_fen);
      f.set_summary(absl::StrCat(seller, " sold ", f.product_id(), " (batch ", batch, ") in ",
                                 f.province(), " at ", price, " a pack, below the floor price ",
                                 floor, en_tail));
      f.set_summary_zh(absl::StrCat(seller, "在", f.province(), "以", price, "/", unit,
                                    "销售", f.product_id(), "（批号", batch, "），低于最低限价",
                                    floor, zh_tail));
      return;
    }
    default:
      return;
  }
}

class Detector {
 public:
  Detector(const ChannelData& data, const DiversionRules& rules)
      : data_(data), rules_(rules), trace_(data), floors_(data) {}

  std::vector<v1::Finding> Run() {
    const auto& periods = trace_.periods();
    for (size_t p = 0; p < periods.size(); ++p) ScanPeriod(static_cast<int32_t>(p));
    std::vector<v1::Finding> findings;
    findings.reserve(hits_.size());
    for (auto& [key, hit] : hits_) findings.push_back(MakeFinding(key, hit));
    SortFindings(&findings);
    return findings;
  }

 private:
  void ScanPeriod(int32_t p) {
    const BatchTrace::Period& period = *trace_.periods()[p];
    const std::string& seller = period.first.distributor_id;
    const int32_t holder = trace_.HolderOf(seller);
    if (holder != lots_holder_) IndexSellerLots(holder);
    const v1::DistributorAccount* account = FindAccount(data_, seller);
    const bool check_area =
        rules_.out_of_area && account != nullptr && account->authorised_provinces_size() > 0;
    const std::vector<v1::FlowRow>& rows = period.second;
    for (size_t r = 0; r < rows.size(); ++r) {
      const v1::FlowRow& row = rows[r];
      if (row.quantity() <= 0 || row.product_id().empty() || row.terminal_id().empty()) continue;
      const absl::string_view province = TerminalProvince(data_, row);
      if (province.empty()) continue;
      const RowRef ref{p, static_cast<int32_t>(r)};
      auto lot = seller_lots_.find(std::make_pair(absl::string_view(row.product_id()),
                                                  absl::string_view(row.batch_no())));
      const SellerLot held = lot == seller_lots_.end() ? SellerLot() : lot->second;
      const int32_t holding = held.holding;
      const BatchTrace::Authorisation authorisation = held.authorisation;
      if (authorisation == BatchTrace::Authorisation::kRestricted) {
        if (rules_.cross_region && !trace_.Authorises(holding, trace_.ProvinceOf(province))) {
          Add(v1::FINDING_KIND_CROSS_REGION, ref, row, province, holding);
        }
      } else if (check_area && std::find(account->authorised_provinces().begin(),
                                         account->authorised_provinces().end(),
                                         province) == account->authorised_provinces().end()) {
        Add(v1::FINDING_KIND_OUT_OF_AREA_SALE, ref, row, province, holding);
      }
      if (rules_.low_price && row.unit_price_fen() > 0) {
        const int64_t floor = floors_.At(row.product_id(), province, row.sale_date());
        if (floor > 0 && row.unit_price_fen() < floor) {
          Hit& hit = Add(v1::FINDING_KIND_LOW_PRICE, ref, row, province, holding);
          if (row.unit_price_fen() < hit.lowest_price_fen) {
            hit.lowest_price_fen = row.unit_price_fen();
            hit.floor_at_lowest_fen = floor;
          }
        }
      }
    }
  }

  void IndexSellerLots(int32_t holder) {
    seller_lots_.clear();
    lots_holder_ = holder;
    for (int32_t holding : trace_.HoldingsOfHolder(holder)) {
      const auto [product, batch] = trace_.LotOfHolding(holding);
      seller_lots_[StringPair(product, batch)] =
          SellerLot{holding, trace_.AuthorisationOf(holding)};
    }
  }

  Hit& Add(v1::FindingKind kind, RowRef ref, const v1::FlowRow& row, absl::string_view province,
           int32_t holding) {
    Hit& hit = hits_[HitKey{kind, ref.period, row.product_id(), row.batch_no(), province}];
    hit.quantity += row.quantity();
    hit.amount_fen += row.quantity() * row.unit_price_fen();
    hit.rows.push_back(ref);
    hit.holding = holding;
    return hit;
  }

  v1::Finding MakeFinding(const HitKey& key, Hit& hit) const {
    const FlowKey& period = trace_.periods()[key.period]->first;
    const std::string month = FormatMonth(period.month);
    v1::Finding f;
    f.set_id(FindingId(key.kind, period.distributor_id, key.product_id, key.batch_no, month,
                       key.province));
    f.set_kind(key.kind);
    f.set_state(v1::FINDING_STATE_OPEN);
    f.set_distributor_id(period.distributor_id);
    f.set_product_id(std::string(key.product_id));
    f.set_batch_no(std::string(key.batch_no));
    f.set_month(month);
    f.set_province(std::string(key.province));
    f.set_quantity(hit.quantity);
    f.set_amount_fen(hit.amount_fen);
    const bool goods_restricted =
        hit.holding >= 0 &&
        trace_.AuthorisationOf(hit.holding) == BatchTrace::Authorisation::kRestricted;
    const std::vector<std::string> authorised =
        goods_restricted ? trace_.AuthorisedProvinces(hit.holding)
                         : AccountProvinces(FindAccount(data_, period.distributor_id));
    for (const std::string& p : authorised) f.add_authorised_provinces(p);

    if (key.kind == v1::FINDING_KIND_CROSS_REGION) {
      for (v1::EvidenceStep& step : trace_.Provenance(hit.holding)) {
        *f.add_evidence() = std::move(step);
      }
    }
    std::sort(hit.rows.begin(), hit.rows.end(), [&](RowRef a, RowRef b) {
      const v1::FlowRow& ra = trace_.Row(a);
      const v1::FlowRow& rb = trace_.Row(b);
      return std::forward_as_tuple(ra.sale_date(), ra.line(), a.row) <
             std::forward_as_tuple(rb.sale_date(), rb.line(), b.row);
    });
    for (RowRef ref : hit.rows) {
      *f.add_evidence() =
          FlowRowStep(data_, period.distributor_id, period.month, trace_.Row(ref), authorised);
    }
    const int depth = hit.holding >= 0 ? trace_.Depth(hit.holding) : 0;
    f.set_severity(SeverityOf(f, depth, rules_));
    Summarise(data_, trace_, hit, &f);
    return f;
  }

  const ChannelData& data_;
  const DiversionRules& rules_;
  BatchTrace trace_;
  FloorPrices floors_;
  absl::flat_hash_map<HitKey, Hit> hits_;
  SellerLots seller_lots_;
  int32_t lots_holder_ = -2;  // whose holdings seller_lots_ holds
};

}  // namespace

std::vector<v1::Finding> DetectDiversion(const ChannelData& data, const DiversionRules& rules) {
  return Detector(data, rules).Run();
}

}  // namespace pharmacrm::sales_pipeline::channel
