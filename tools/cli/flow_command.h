// `pharmacrm import --what=flow`: streams a distributor's flow file (流向)
// as the distributor sends it for one month to sales-pipeline's
// ImportFlow, with the distributor's column mapping: CSV (UTF-8, or
// GB18030 converted to UTF-8) or an Excel .xlsx workbook, sent untouched
// (the service tells it by its first bytes).
#ifndef PHARMACRM_TOOLS_CLI_FLOW_COMMAND_H_
#define PHARMACRM_TOOLS_CLI_FLOW_COMMAND_H_

#include <string>

#include "absl/status/statusor.h"
#include "pharmacrm/v1/channel_service.pb.h"

namespace pharmacrm::cli {

struct FlowImportOptions {
  std::string server = "127.0.0.1:7052";  // sales-pipeline
  std::string file;                       // "-" for standard input
  std::string encoding = "auto";
  std::string distributor_id;
  std::string month;         // YYYY-MM
  std::string mapping_file;  // the distributor's column mapping; "" : built-in names
  std::string request_id;    // default: derived from distributor, month and the file
  bool progress = true;
};

// Runs the import; returns the server's summary. Errors name the flag
// (--distributor, --month, --mapping, --file, --encoding) or come from the
// server (a bad month or an unknown distributor, naming the field).
absl::StatusOr<v1::ImportFlowSummary> RunFlowImport(const FlowImportOptions& options);

}  // namespace pharmacrm::cli

#endif  // PHARMACRM_TOOLS_CLI_FLOW_COMMAND_H_
