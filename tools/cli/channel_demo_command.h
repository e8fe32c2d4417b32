// `pharmacrm demo-channel`: loads the distributor channel of the demo data
// set (`pharmacrm-demo-data --what=channel --out_dir=DIR`, files described
// in tools/demo-data/channel_files.h) into a running PharmaCRM and prints
// what the channel checks found:
//
//   1. resolves the demo distributors' customer ids in customer-master
//      (SearchCustomers by kind, province and exact name; the demo
//      customers must have been imported);
//   2. SalesChannel: products (UpsertProduct), accounts
//      (SetDistributorAccount, retried while sales-pipeline answers
//      NOT_FOUND because it has not yet consumed the customers), shipments
//      and payments in date order (payments first on a day), flow files
//      through the code path of `pharmacrm import --what=flow`, then the
//      terminal worklist: rows whose buyer is a demo customer are resolved
//      to it, the deliberately unknown buyers are left waiting;
//   3. ChannelControl: stock reports (ReportStock); SalesChannel:
//      AnnounceDueInvoices with as_of from channel.txt and the receivables
//      of distributors overdue or on hold; ChannelControl:
//      RunChannelChecks and every finding (ListFindings).
// Any call that fails (after the retries of an unavailable service or a
// customer not yet consumed) ends the load with its status.
//
// Every command carries a request id derived from the prefix and the
// record (products by id, shipments and payments by the generator's id,
// flow by distributor key and month, ...), so running it again changes
// nothing and prints the same.
#ifndef PHARMACRM_TOOLS_CLI_CHANNEL_DEMO_COMMAND_H_
#define PHARMACRM_TOOLS_CLI_CHANNEL_DEMO_COMMAND_H_

#include <cstdio>
#include <string>

#include "absl/status/status.h"
#include "absl/time/time.h"

namespace pharmacrm::cli {

struct ChannelDemoOptions {
  std::string dir;                                // pharmacrm-demo-data --out_dir
  std::string server = "127.0.0.1:7051";          // customer-master
  std::string sales_pipeline = "127.0.0.1:7052";  // SalesChannel and ChannelControl
  std::string request_prefix = "demo-channel-v1";
  // How long to retry while a service is unavailable or sales-pipeline
  // does not know a distributor yet.
  absl::Duration wait = absl::Seconds(60);
};

// Loads the channel and prints progress and findings to `out`. An error
// stops the load: unreadable files, a demo distributor customer-master
// does not have, a refused command other than a shipment over its credit
// (reported and skipped).
absl::Status RunChannelDemo(const ChannelDemoOptions& options, std::FILE* out);

}  // namespace pharmacrm::cli

#endif  // PHARMACRM_TOOLS_CLI_CHANNEL_DEMO_COMMAND_H_
