// The channel demo (channel.h) checked by the channel rules of
// sales-pipeline: the flow files read back through the flow reader, then
// diversion, stock, reconciliation and receivables find exactly the planted
// cases and nothing else. This is the proof that `make run` shows what
// docs/SALES_CHANNEL.md says it shows.
#include "channel.h"

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "domain/channel/channel_data.h"
#include "domain/channel/diversion.h"
#include "domain/channel/flow_mapping.h"
#include "domain/channel/flow_products.h"
#include "domain/channel/flow_rows.h"
#include "domain/channel/inventory.h"
#include "domain/channel/receivables.h"
#include "domain/channel/reconciliation.h"
#include "gtest/gtest.h"
#include "sampling.h"

namespace pharmacrm::demo {
namespace {

namespace channel = sales_pipeline::channel;

constexpr uint64_t kSeed = 20261127;  // pharmacrm-demo-data's default

const ChannelDemo& Demo() {
  static const ChannelDemo* demo = [] {
    absl::StatusOr<ChannelDemo> d = GenerateChannelDemo(SmallDemoSize(), kSeed);
    if (!d.ok()) ADD_FAILURE() << d.status();
    return new ChannelDemo(d.ok() ? *std::move(d) : ChannelDemo{});
  }();
  return *demo;
}

const PlantedCase& Case(const std::string& label) {
  for (const PlantedCase& c : Demo().planted) {
    if (c.label == label) return c;
  }
  static const PlantedCase none;
  ADD_FAILURE() << "no planted case " << label;
  return none;
}

absl::CivilMonth Month(const std::string& text) {
  absl::CivilMonth m;
  EXPECT_TRUE(absl::ParseCivilTime(text, &m)) << text;
  return m;
}

absl::CivilDay Day(const std::string& text) {
  absl::CivilDay d;
  EXPECT_TRUE(absl::ParseCivilTime(text, &d)) << text;
  return d;
}

// The channel as sales-pipeline will hold it: every flow file's CSV read by
// the flow reader (with the distributor's column mapping), each buyer
// matched to the demo customer of that name and address (or none), keys as
// customer ids.
channel::ChannelData BuildData(const ChannelDemo& demo) {
  channel::ChannelData data;
  for (const v1::DistributorAccount& a : demo.accounts) data.accounts[a.distributor_id()] = a;
  for (const v1::Product& p : demo.products) data.products[p.id()] = p;
  data.shipments = demo.shipments;
  data.stock_reports = demo.stock_reports;
  std::map<std::pair<std::string, std::string>, const ChannelParty*> by_name;
  for (const ChannelParty& p : demo.parties) {
    data.customer_provinces[p.key] = p.province;
    data.customer_names[p.key] = p.name;
    EXPECT_TRUE(by_name.emplace(std::make_pair(p.name, p.address), &p).second) << p.name;
  }
  const channel::CatalogueResolver resolver(demo.products);
  for (const ChannelFlowFile& file : demo.flows) {
    channel::FlowColumnMapping mapping;
    if (file.mapped) {
      absl::StatusOr<channel::FlowColumnMapping> parsed =
          channel::ParseColumnMapping(FlowMappingText(data.customer_names[file.distributor_key]));
      EXPECT_TRUE(parsed.ok()) << parsed.status();
      if (parsed.ok()) mapping = *parsed;
    }
    channel::FlowFileReader reader(mapping, Month(file.month), resolver);
    std::vector<v1::FlowRow> rows;
    std::vector<channel::FlowRowError> errors;
    reader.Feed(FlowCsv(file), &rows, &errors);
    reader.Finish(&rows, &errors);
    for (const channel::FlowRowError& e : errors) {
      ADD_FAILURE() << file.distributor_key << " " << file.month << " line " << e.line << " "
                    << e.field << ": " << e.reason;
    }
    EXPECT_EQ(rows.size(), file.rows.size()) << file.distributor_key << " " << file.month;
    for (size_t i = 0; i < rows.size() && i < file.rows.size(); ++i) {
      v1::FlowRow& row = rows[i];
      const v1::FlowRow& want = file.rows[i];
      auto it = by_name.find({row.terminal_name(), row.terminal_address()});
      if (it != by_name.end()) {
        row.set_terminal_id(it->second->key);
        row.set_terminal_kind(it->second->kind);
        row.set_terminal_province(it->second->province);
      }
      EXPECT_EQ(row.terminal_id(), want.terminal_id()) << row.terminal_name();
      EXPECT_EQ(row.product_id(), want.product_id());
      EXPECT_EQ(row.batch_no(), want.batch_no());
      EXPECT_EQ(row.quantity(), want.quantity());
      EXPECT_EQ(row.unit_price_fen(), want.unit_price_fen());
      EXPECT_EQ(row.sale_date(), want.sale_date());
    }
    data.flows[{file.distributor_key, Month(file.month)}] = std::move(rows);
  }
  return data;
}

const channel::ChannelData& Data() {
  static const channel::ChannelData* data = new channel::ChannelData(BuildData(Demo()));
  return *data;
}

uint64_t Fingerprint(const ChannelDemo& demo) {
  std::string all;
  for (const v1::Product& p : demo.products) all += p.SerializeAsString();
  for (const v1::DistributorAccount& a : demo.accounts) all += a.SerializeAsString();
  for (const v1::Shipment& s : demo.shipments) all += s.SerializeAsString();
  for (const v1::Payment& p : demo.payments) all += p.SerializeAsString();
  for (const v1::StockReport& r : demo.stock_reports) all += r.SerializeAsString();
  for (const ChannelFlowFile& f : demo.flows) absl::StrAppend(&all, f.month, FlowCsv(f));
  for (const PlantedCase& c : demo.planted) {
    absl::StrAppend(&all, c.label, c.distributor_key, c.product_id, c.batch_no, c.province);
  }
  return internal::StableHash(all);
}

TEST(ChannelDemoTest, SameSeedSameDataAndThePrintIsPinned) {
  const uint64_t first = Fingerprint(Demo());
  absl::StatusOr<ChannelDemo> again = GenerateChannelDemo(SmallDemoSize(), kSeed);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(Fingerprint(*again), first);
  absl::StatusOr<ChannelDemo> other = GenerateChannelDemo(SmallDemoSize(), kSeed + 1);
  if (other.ok()) {
    EXPECT_NE(Fingerprint(*other), first);
  }
  // GCC and clang must write the same data (draws are made one a
  // statement): a change here is a change of the demo, to be made on
  // purpose.
  EXPECT_EQ(first, 0x0ec774a9556cdef4ULL) << std::hex << first;
}

TEST(ChannelDemoTest, Shape) {
  const ChannelDemo& demo = Demo();
  ASSERT_EQ(demo.months.size(), 24u);
  EXPECT_EQ(demo.months.front(), "2024-11");
  EXPECT_EQ(demo.months.back(), "2026-10");
  EXPECT_EQ(demo.as_of, "2026-10-31");
  ASSERT_EQ(demo.products.size(), 20u);
  for (const v1::Product& p : demo.products) {
    EXPECT_GE(p.batches_size(), 2) << p.id();
    EXPECT_LE(p.batches_size(), 4) << p.id();
    EXPECT_FALSE(p.brand_name().empty());
    EXPECT_FALSE(p.atc_code().empty());
    EXPECT_EQ(p.channel_prices_size(), 3);
    EXPECT_GT(p.listings_size(), 30);
  }
  int distributors = 0;
  for (const ChannelParty& p : demo.parties) {
    distributors += p.kind == v1::CUSTOMER_KIND_DISTRIBUTOR;
  }
  EXPECT_EQ(demo.accounts.size(), static_cast<size_t>(distributors));
  EXPECT_EQ(demo.stock_reports.size(), demo.accounts.size() * 24);
  // Every account's distributor has a flow file every month but (d)'s one.
  EXPECT_EQ(demo.flows.size(), demo.accounts.size() * 24 - 1);
  int64_t rows = 0;
  for (const ChannelFlowFile& f : demo.flows) rows += static_cast<int64_t>(f.rows.size());
  EXPECT_GT(rows, 1500);
  EXPECT_LT(rows, 6000);
  int returns = 0;
  for (size_t i = 0; i < demo.shipments.size(); ++i) {
    const v1::Shipment& s = demo.shipments[i];
    if (i > 0) {
      EXPECT_LE(demo.shipments[i - 1].ship_date(), s.ship_date());
    }
    EXPECT_GE(s.ship_date(), "2024-11-01");
    EXPECT_LE(s.ship_date(), demo.as_of);
    if (s.is_return()) {
      ++returns;
      EXPECT_FALSE(s.returns_shipment_id().empty());
    }
  }
  EXPECT_GE(returns, 2);
  for (const v1::Payment& p : demo.payments) EXPECT_LE(p.received_on(), demo.as_of);
  ASSERT_EQ(demo.planted.size(), 7u);
  for (const char* label : {"a", "b", "c"}) {
    EXPECT_FALSE(Case(label).batch_no.empty()) << label;
    EXPECT_GT(Case(label).quantity, 0) << label;
  }
  EXPECT_EQ(Data().flows.size(), demo.flows.size());  // every file read without errors
}

TEST(ChannelDemoTest, DiversionFindsExactlyThePlantedCases) {
  const std::vector<v1::Finding> findings = channel::DetectDiversion(Data(), {});
  ASSERT_EQ(findings.size(), 3u);
  std::map<std::string, const v1::Finding*> by_case;
  for (const v1::Finding& f : findings) {
    for (const char* label : {"a", "b", "c"}) {
      const PlantedCase& c = Case(label);
      if (f.kind() == c.finding && f.distributor_id() == c.distributor_key &&
          f.product_id() == c.product_id && f.batch_no() == c.batch_no && f.month() == c.month &&
          f.province() == c.province && f.quantity() == c.quantity) {
        by_case[label] = &f;
      }
    }
  }
  ASSERT_EQ(by_case.size(), 3u) << findings[0].summary() << "\n"
                                << findings[1].summary() << "\n"
                                << findings[2].summary();
  // (b): against S, through the chain maker → A → S → buyer.
  const v1::Finding& b = *by_case["b"];
  std::string a;
  for (const v1::DistributorAccount& account : Demo().accounts) {
    if (account.authorised_sub_distributors_size() > 0) a = account.distributor_id();
  }
  ASSERT_FALSE(a.empty());
  EXPECT_EQ(b.severity(), v1::SEVERITY_HIGH);
  ASSERT_GE(b.evidence_size(), 3);
  EXPECT_EQ(b.evidence(0).kind(), v1::EvidenceStep::KIND_SHIPMENT);
  EXPECT_EQ(b.evidence(0).buyer_id(), a);
  EXPECT_EQ(b.evidence(1).seller_id(), a);
  EXPECT_EQ(b.evidence(1).buyer_id(), Case("b").distributor_key);
  EXPECT_EQ(b.evidence(b.evidence_size() - 1).seller_id(), Case("b").distributor_key);
  EXPECT_EQ(b.evidence(b.evidence_size() - 1).province(), Case("b").province);
  EXPECT_EQ(by_case["c"]->authorised_provinces(0), Case("c").province);  // inside its area
  // (f): A never, S only for (b).
  for (const v1::Finding& f : findings) EXPECT_NE(f.distributor_id(), a) << f.summary();
}

TEST(ChannelDemoTest, TheLawfulSubDistributorSalesHappen) {
  const PlantedCase& f = Case("f");
  std::string a;
  for (const v1::DistributorAccount& account : Demo().accounts) {
    if (account.authorised_sub_distributors_size() > 0) a = account.distributor_id();
  }
  int64_t to_s = 0;
  int64_t s_inside = 0;
  for (const auto& [key, rows] : Data().flows) {
    for (const v1::FlowRow& row : rows) {
      if (key.distributor_id == a && row.terminal_id() == f.distributor_key) to_s += row.quantity();
      if (key.distributor_id == f.distributor_key && row.terminal_province() == f.province) {
        s_inside += row.quantity();
      }
    }
  }
  EXPECT_GT(to_s, 500);
  EXPECT_GT(s_inside, 300);
}

TEST(ChannelDemoTest, StockDifferencesOnlyInTheMonthWithoutAFlowFile) {
  const channel::ChannelData& data = Data();
  const PlantedCase& d = Case("d");
  const std::vector<v1::StockPosition> positions = channel::ComputePositions(
      data, Month(Demo().months.front()), Month(Demo().months.back()), {});
  ASSERT_FALSE(positions.empty());
  const std::vector<v1::Finding> differences = channel::StockDifferences(positions, {});
  ASSERT_FALSE(differences.empty());
  for (const v1::Finding& f : differences) {
    EXPECT_EQ(f.kind(), v1::FINDING_KIND_STOCK_DIFFERENCE);
    EXPECT_EQ(f.distributor_id(), d.distributor_key) << f.summary();
    EXPECT_EQ(f.month(), d.month) << f.summary();
    EXPECT_LT(f.quantity(), 0) << f.summary();  // the goods left without a flow row
  }
  // Stock never goes negative in the books.
  for (const v1::StockPosition& p : positions) {
    EXPECT_GE(p.computed_closing(), 0) << p.distributor_id() << " " << p.product_id() << " "
                                       << p.batch_no() << " " << p.month();
  }
}

TEST(ChannelDemoTest, ReconciliationGapsHaveTheirCauses) {
  const channel::ChannelData& data = Data();
  const absl::CivilMonth from = Month(Demo().months.front());
  const absl::CivilMonth to = Month(Demo().months.back());
  const std::vector<v1::Reconciliation> months =
      channel::Reconcile(data, channel::ComputePositions(data, from, to, {}), from, to);
  const PlantedCase& d = Case("d");
  const PlantedCase& g = Case("g");
  int missing = 0;
  int64_t unmatched = 0;
  for (const v1::Reconciliation& r : months) {
    if (r.gap() == 0) continue;
    ASSERT_FALSE(r.causes().empty());
    if (r.distributor_id() == d.distributor_key && r.month() == d.month) {
      EXPECT_EQ(r.causes(0).kind(), v1::ReconciliationCause::KIND_MISSING_FLOW_FILE);
      EXPECT_EQ(r.causes(0).quantity(), r.gap());
      EXPECT_GT(r.sell_in() + r.opening_stock(), 0);
      ++missing;
    } else if (r.distributor_id() == g.distributor_key && r.month() == g.month) {
      EXPECT_EQ(r.causes(0).kind(), v1::ReconciliationCause::KIND_UNMATCHED_TERMINALS);
      EXPECT_EQ(r.causes(0).quantity(), r.gap());
      unmatched += r.gap();
    } else {
      ADD_FAILURE() << "unexpected gap " << r.gap() << ": " << r.distributor_id() << " "
                    << r.product_id() << " " << r.month() << " " << r.causes(0).detail();
    }
  }
  EXPECT_GT(missing, 0);
  EXPECT_EQ(unmatched, g.quantity);
}

TEST(ChannelDemoTest, OnlyTheOverdueDistributorIsOverNinetyDaysAndNoShipmentIsRefused) {
  const ChannelDemo& demo = Demo();
  const absl::CivilDay as_of = Day(demo.as_of);
  for (const v1::DistributorAccount& account : demo.accounts) {
    std::vector<v1::Invoice> invoices;
    size_t p = 0;
    std::vector<const v1::Payment*> payments;
    for (const v1::Payment& pay : demo.payments) {
      if (pay.distributor_id() == account.distributor_id()) payments.push_back(&pay);
    }
    for (const v1::Shipment& s : demo.shipments) {
      if (s.distributor_id() != account.distributor_id()) continue;
      for (; p < payments.size() && payments[p]->received_on() <= s.ship_date(); ++p) {
        ASSERT_TRUE(channel::AllocatePayment(*payments[p], invoices).ok());
      }
      if (!s.is_return()) {
        EXPECT_LE(channel::OpenFen(invoices) + s.amount_fen(), account.credit_limit_fen())
            << s.id() << " would be refused";
      }
      invoices.push_back(channel::InvoiceFor(s, account, absl::StrCat("INV-", s.id())));
      channel::ApplyCredits(invoices);
    }
    for (; p < payments.size(); ++p) {
      ASSERT_TRUE(channel::AllocatePayment(*payments[p], invoices).ok());
    }
    const int days = channel::OldestDaysOverdue(invoices, as_of);
    if (account.distributor_id() == Case("e").distributor_key) {
      EXPECT_GT(days, 90);
      EXPECT_LE(channel::OpenFen(invoices), account.credit_limit_fen());
    } else {
      EXPECT_LE(days, 90) << account.distributor_id();
    }
  }
}

}  // namespace
}  // namespace pharmacrm::demo
