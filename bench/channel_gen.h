// Deterministic synthetic data of the distributor channel for bench/channel:
// a distributor's flow (流向) file with its known customers and catalogue,
// and ChannelData for the diversion and reconciliation rules, each with
// what the rules must find in it (planted while generating). The same
// options and seed give the same data.
#ifndef PHARMACRM_BENCH_CHANNEL_GEN_H_
#define PHARMACRM_BENCH_CHANNEL_GEN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "domain/channel/channel_data.h"
#include "pharmacrm/v1/channel.pb.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::bench {

namespace channel = sales_pipeline::channel;

// Twenty real generic drugs with brand names, specifications and list
// prices; listings (floors) in every province of `provinces`, from
// 2024-01-01 and a higher floor from 2025-07-01; `batches` batches each.
std::vector<v1::Product> BenchCatalogue(int products, int batches,
                                        const std::vector<std::string>& provinces);
// The 31 province-level divisions of the mainland, full names.
const std::vector<std::string>& BenchProvinces();

// --- 1. A flow file -----------------------------------------------------------

struct FlowFileOptions {
  int customers = 20000;     // known hospitals and pharmacies (before hold-back)
  int64_t rows = 1000000;    // data rows
  uint64_t seed = 20261207;
};

struct FlowFile {
  absl::CivilMonth month;               // the file's period
  std::vector<v1::Customer> customers;  // known to sales-pipeline, all active
  std::vector<v1::Product> products;    // the catalogue
  // The file; header 销售日期,客户名称,客户地址,产品名称,规格,批号,数量,单价.
  std::string csv;
  int64_t rows = 0;                     // data rows written
  int64_t bad_rows = 0;                 // of them, naming a product not in the catalogue
  int64_t distinct_terminals = 0;       // distinct (name, address) written
  // Rows by how their terminal is written: the known customer's name and
  // address as the master has them; near-exact (no leading region / no
  // province, a bracketed note and full-width digits); name without an
  // address (never matched by name alone); a customer the master lacks.
  int64_t exact_rows = 0, near_rows = 0, name_only_rows = 0, unknown_rows = 0;
};

FlowFile MakeFlowFile(const FlowFileOptions& options);

// --- 2. Diversion -------------------------------------------------------------

struct DiversionOptions {
  int distributors = 500;  // a fifth of them sub-distributors of another
  int months = 24;         // ending 2026-10
  int64_t rows = 10000000;
  int products = 20;
  int batches = 6;           // per product
  int terminals_per_province = 2000;
  double plant_rate = 0.0005;  // share of rows made offending, per kind
  uint64_t seed = 20261207;
};

// Findings the generator planted: distinct (kind, seller, product, batch,
// month, province), the key of one finding (diversion.h).
struct PlantedFindings {
  int64_t cross_region = 0;  // of them, sold by a sub-distributor: chain
  int64_t cross_region_chain = 0;
  int64_t out_of_area = 0;
  int64_t low_price = 0;
  int64_t offending_rows = 0;
};

channel::ChannelData MakeDiversionData(const DiversionOptions& options,
                                       PlantedFindings* planted);

// --- 3. Reconciliation --------------------------------------------------------

struct ReconOptions {
  int distributors = 500;
  int products = 20;
  int months = 24;  // ending 2026-10
  int batches = 6;  // batches of each product over the months, a new one every months/batches
  int rows_per_product = 5;  // flow rows per product in a distributor's monthly file
  double stock_error_rate = 0.002;   // positions whose report is off
  double missing_file_rate = 0.002;  // distributor-months without a flow file
  double unmatched_rate = 0.01;      // rows whose buyer is not matched
  uint64_t seed = 20261207;
};

// What the rules must give, computed while generating by the rules'
// documented arithmetic (inventory.h, reconciliation.h).
struct ReconExpected {
  absl::CivilMonth from, to;
  int64_t positions = 0;          // (distributor, product, batch, month) with anything
  int64_t reconciliations = 0;    // (distributor, product, month) with positions
  int64_t stock_differences = 0;  // positions beyond the tolerance
  int64_t missing_flow_causes = 0;
  int64_t flow_rows = 0, shipment_lines = 0, report_lines = 0;
};

channel::ChannelData MakeReconData(const ReconOptions& options, ReconExpected* expected);

}  // namespace pharmacrm::bench

#endif  // PHARMACRM_BENCH_CHANNEL_GEN_H_
