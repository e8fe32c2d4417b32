// `pharmacrm demo-process`: builds the sales organisation over the demo
// customers of a running PharmaCRM and allocates a year's company targets,
// then prints one rep's customers with their targets:
//
//   1. customer-master: the demo hospitals and pharmacies (SearchCustomers
//      by kind), a territory tree over their provinces (PlanDemoOrganisation:
//      nation > region > one area and one territory per province), each
//      customer aligned to its province's territory and each territory's
//      rep to it, from 1 January two years before the target year (as
//      migrated history, AlignRequest.history_source, when over a year ago);
//   2. sales-pipeline: the people (a national director, regional and
//      district managers, a rep per territory, with monthly costs), then,
//      once it has consumed the tree and the alignments (GetOrganisation),
//      a company target per product of the catalogue for the year: last
//      year's sales + 12 %, allocated by last year's sales (0.5), market
//      (0.2), grade (0.1), doctors (0.1) and growth (0.1);
//   3. prints each product's target, the regions' shares of the first one
//      and the rep with the most customers: each customer's target,
//      demand, growth and headroom;
//   4. hands each rep samples and reports two years of their calls on the
//      doctors of their territory (calls_demo.h): the last 364 days'
//      reported, the older ones imported as history (ImportCallHistory),
//      then prints the shown
//      rep's last full month: their KPIs and this week's call plan;
//   5. customer-master: two of that rep's hospitals change their people in
//      charge (a new P&T committee member, a new director); prints the
//      alerts sales-pipeline raises to the rep, with the suggested response.
// Every command carries a request id derived from the prefix and the
// record, so running it again changes nothing and prints the same.
#ifndef PHARMACRM_TOOLS_CLI_PROCESS_DEMO_COMMAND_H_
#define PHARMACRM_TOOLS_CLI_PROCESS_DEMO_COMMAND_H_

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/time.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/sales_process.pb.h"
#include "pharmacrm/v1/territories.pb.h"

namespace pharmacrm::cli {

struct ProcessDemoOptions {
  std::string server = "127.0.0.1:7051";  // customer-master
  std::string sales_pipeline = "127.0.0.1:7052";
  std::string request_prefix = "demo-process-v1";
  int year = 2026;  // the target year; customers and reps are aligned from 1 January of year - 2
  // The last month of the demo data's metrics and flow (pharmacrm-demo-data's
  // kLastPeriod): the rep's month printed is this one, or the last full
  // month before today if that is earlier.
  std::string last_data_month = "2026-10";
  absl::Duration wait = absl::Seconds(120);
};

absl::Status RunProcessDemo(const ProcessDemoOptions& options, std::FILE* out);

// A demo customer as customer-master has it.
struct DemoCustomer {
  std::string id;
  std::string name;
  std::string province;
  v1::CustomerKind kind = v1::CUSTOMER_KIND_UNSPECIFIED;
};

// The organisation the demo builds (pure, for tests).
struct DemoOrganisation {
  struct Territory {
    std::string code;  // CN, CN-N, CN-N-11, CN-N-11-01
    std::string name;
    std::string parent_code;  // "" for the nation
    v1::TerritoryLevel level = v1::TERRITORY_LEVEL_UNSPECIFIED;
  };
  std::vector<Territory> territories;  // parents first
  // (customer id, territory code) and (person id, territory code).
  std::vector<std::pair<std::string, std::string>> customer_alignments;
  std::vector<std::pair<std::string, std::string>> rep_alignments;
  std::vector<v1::Rep> people;  // managers before the people they manage
};

// Regions by province (华北, 华东, 华南, 华中, 西南, 西北, 东北), an area and a
// territory per province with customers, a district manager per area, a
// regional manager per region, one national director, a rep per territory.
// Customers without a known province are left out.
DemoOrganisation PlanDemoOrganisation(const std::vector<DemoCustomer>& customers);

}  // namespace pharmacrm::cli

#endif  // PHARMACRM_TOOLS_CLI_PROCESS_DEMO_COMMAND_H_
