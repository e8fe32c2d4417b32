// The distributor channel of the demo data set (docs/SALES_CHANNEL.md, "Demo
// data"): 20 products, accounts for the demo distributors, 24 months of
// sell-in (with returns), payments, monthly flow files and stock reports,
// with planted cases for the channel checks to find. Deterministic: the
// same seed and size give the same records (see generator.h on the PRNG
// and the order of draws).
//
// The customers are those of DemoDataGenerator::Generate(size, seed): the
// clean originals that no deliberate duplicate copies (so a buyer's name
// and address name exactly one customer once imported). Every record names
// customers by their external id (DIS-000001, HOSP-000003, PHA-000010);
// the loader (`pharmacrm demo-channel`) maps them to customer-master ids.
//
// Months: the 24 calendar months 2024-11 .. 2026-10 (China Standard Time),
// the months of the demo metrics; as_of is 2026-10-31, the day receivables
// are aged on (AnnounceDueInvoices' as_of), so "overdue" does not depend on
// today's date.
//
// The cast, picked from the customers in their stream order (the roles
// need: a province with two distributors, and four more distributors with
// buyers in their province; GenerateChannelDemo fails otherwise):
//   A  the first distributor of the first province that has two; tier1,
//      authorised for its province, may supply S;
//   S  the second distributor of that province: A's sub-distributor
//      (tier2), buying only from A;
//   the next four distributors (stream order) with buyers in their
//   province play (a), (c), (d) and (e) below; every distributor with
//   buyers in its province gets an account (tier1, authorised for its own
//   province) and sells to hospitals and pharmacies there.
//
// Planted cases (PlantedCase, in this order):
//   (a) direct diversion: in 2025-09 the (a) distributor sells one batch of
//       its first product to a hospital in another province:
//       CROSS_REGION against it;
//   (b) diversion through a sub-distributor chain: in 2026-03 S sells a
//       batch it bought from A into another province: CROSS_REGION against
//       S, evidence maker → A → S → buyer, HIGH;
//   (c) low price: in 2025-12 the (c) distributor sells one batch at 55% of
//       the list price (floors are 72-78%) to a buyer in its own province:
//       LOW_PRICE against it;
//   (d) reconciliation gap: the (d) distributor's flow file for 2026-06 is
//       missing although it had sell-in, and its stock report at the end of
//       the month shows the goods gone: reconciliation gaps with the cause
//       MISSING_FLOW_FILE (and STOCK_REPORT_ERROR), and STOCK_DIFFERENCE
//       findings for the batches it sold that month;
//   (e) overdue distributor: the (e) distributor pays every invoice from
//       2025-10 on 125 days after its due date, so on as_of its oldest
//       open invoice is more than 90 days overdue (credit hold);
//   (f) lawful sub-distributor sale: every month A sells to S and S sells
//       inside the province both are in: nothing is flagged;
//   (g) unknown buyers: in 2026-08 the (c) distributor's flow file has two
//       rows whose buyers are no customer: they wait in the terminal
//       worklist, and the month's reconciliation shows the gap with the
//       cause UNMATCHED_TERMINALS.
// Nothing else is flagged: every other sale is inside the seller's
// province, at or above the floor, and every stock report agrees with the
// books.
//
// Files: the (c) distributor sends its flow files in GB18030, the (d)
// distributor with its own headers and a column mapping (FlowMappingText);
// the others UTF-8 CSV with the built-in Chinese headers.
#ifndef PHARMACRM_TOOLS_DEMO_DATA_CHANNEL_H_
#define PHARMACRM_TOOLS_DEMO_DATA_CHANNEL_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "generator.h"
#include "pharmacrm/v1/channel.pb.h"
#include "pharmacrm/v1/common.pb.h"

namespace pharmacrm::demo {

inline constexpr int kChannelMonths = 24;
inline constexpr char kChannelAsOf[] = "2026-10-31";

// A demo customer the channel names: a distributor or a buyer.
struct ChannelParty {
  std::string key;  // external id
  v1::CustomerKind kind = v1::CUSTOMER_KIND_UNSPECIFIED;
  std::string name;
  std::string province;
  std::string city;
  std::string address;
};

// One distributor's flow file for one month.
struct ChannelFlowFile {
  std::string distributor_key;
  std::string month;     // YYYY-MM
  bool gb18030 = false;  // written in GB18030
  bool mapped = false;   // the distributor's own headers (FlowMappingText)
  // The rows as written, and resolved as sales-pipeline should resolve
  // them: product_id, terminal_id (the buyer's key; "" for an unknown
  // buyer), terminal_kind and terminal_province (of known buyers).
  std::vector<v1::FlowRow> rows;
};

struct PlantedCase {
  std::string label;  // "a" .. "g"
  std::string title;  // English, one line
  std::string title_zh;
  // The finding it must raise; UNSPECIFIED for (e), (f) and (g).
  v1::FindingKind finding = v1::FINDING_KIND_UNSPECIFIED;
  std::string distributor_key;  // the responsible distributor
  std::string product_id;       // "" when several
  std::string batch_no;         // "" when several
  std::string month;            // "" when every month
  std::string province;         // where the goods went; "" when not one
  std::string buyer_key;        // the buyer of the planted row, if one
  int64_t quantity = 0;         // packs of the planted row(s)
};

struct ChannelDemo {
  std::vector<std::string> months;  // oldest first
  std::string as_of;
  // Distributors (stream order), then the buyers (hospitals, pharmacies).
  std::vector<ChannelParty> parties;
  std::vector<v1::Product> products;
  // distributor_id and authorised_sub_distributors are keys.
  std::vector<v1::DistributorAccount> accounts;
  // By ship date (then id): ids "SHP-<key>-<YYYYMM>" (sales) and
  // "RET-<key>-<YYYYMM>" (returns, naming the shipment they return
  // from in returns_shipment_id). Lines carry the unit price.
  std::vector<v1::Shipment> shipments;
  // By received_on (then id), without allocations (oldest due first).
  std::vector<v1::Payment> payments;
  std::vector<ChannelFlowFile> flows;  // by distributor, then month
  // At every month's last day for every distributor with an account.
  std::vector<v1::StockReport> stock_reports;
  std::vector<PlantedCase> planted;
};

absl::StatusOr<ChannelDemo> GenerateChannelDemo(const DemoSize& size, uint64_t seed);

// The flow file's text, UTF-8, CRLF line ends, as a distributor's ERP
// exports it: the built-in headers 销售日期,客户名称,地址,产品名称,规格,批号,
// 数量,单价,金额, or with `mapped` the headers FlowMappingText maps.
std::string FlowCsv(const ChannelFlowFile& file);

// The column mapping of the distributor that uses its own headers.
std::string FlowMappingText(const std::string& distributor_name);

// Fen as yuan with two decimals: 4580 → "45.80", -1250 → "-12.50".
std::string Yuan(int64_t fen);

}  // namespace pharmacrm::demo

#endif  // PHARMACRM_TOOLS_DEMO_DATA_CHANNEL_H_
