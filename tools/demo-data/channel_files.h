// The channel demo (channel.h) as files, what `pharmacrm demo-channel`
// loads (`pharmacrm-demo-data --what=channel --out_dir=DIR`):
//
//   channel.txt          as_of=2026-10-31, first_month=, last_month=
//   parties.tsv          key, kind, name, province, city, address: the
//                        distributors, then the buyers the flow names
//   products.jsonl       v1::Product, one a line (proto3 JSON)
//   accounts.jsonl       v1::DistributorAccount; ids are keys
//   shipments.jsonl      v1::Shipment by ship date; ids are the generator's
//   payments.jsonl       v1::Payment by received_on
//   stock-reports.jsonl  v1::StockReport, each month's last day
//   flows.tsv            distributor key, month, file, mapping file ("" for
//                        none), encoding, one flow file a line
//   flow/<key>/<YYYY-MM>.csv, flow/<key>/columns.txt
//   planted.tsv          label, finding kind, distributor key, product,
//                        batch, month, province, quantity, title, title_zh
#ifndef PHARMACRM_TOOLS_DEMO_DATA_CHANNEL_FILES_H_
#define PHARMACRM_TOOLS_DEMO_DATA_CHANNEL_FILES_H_

#include <string>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "channel.h"

namespace pharmacrm::demo {

// Writes the files into `dir` (created if missing; files replaced).
absl::Status WriteChannelDemo(const ChannelDemo& demo, const std::string& dir);

// UTF-8 text in GB18030 (ICU).
absl::StatusOr<std::string> Utf8ToGb18030(const std::string& utf8);

}  // namespace pharmacrm::demo

#endif  // PHARMACRM_TOOLS_DEMO_DATA_CHANNEL_FILES_H_
