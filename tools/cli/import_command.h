// `pharmacrm import`: streams a CSV or JSON Lines file to customer-master's
// ImportCustomers (or a JSON Lines file of monthly metrics to ImportMetrics)
// and shows progress while it runs.
#ifndef PHARMACRM_TOOLS_CLI_IMPORT_COMMAND_H_
#define PHARMACRM_TOOLS_CLI_IMPORT_COMMAND_H_

#include <string>

#include "absl/status/statusor.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::cli {

struct ImportOptions {
  std::string server = "127.0.0.1:7051";
  std::string file;       // "-" for standard input.
  std::string format;     // csv | jsonl; default from the file name.
  std::string encoding = "auto";  // auto | utf-8 | gb18030 (encoding.h).
  std::string request_id; // Default: derived from the file's name, size and time.
  std::string source;
  std::string what = "customers";  // customers | metrics
  bool progress = true;   // Draw the progress bar on stderr.
  int max_errors_shown = 20;
};

// Runs the import; returns the final summary. Errors: the file cannot be
// read, the format or encoding is unknown, the file is not text in its
// encoding (the error names the byte offset and line), or the server
// refused the import.
//
// The file is sent as UTF-8: GB18030 (GBK) input is converted on the way
// (ToUtf8Converter). A file that is not UTF-8 is read through once before
// anything is sent, so a byte that is not GB18030 stops the import before
// it starts; standard input cannot be read twice, so there the import is
// cancelled at that byte and the rows the server received before it may
// have been imported.
absl::StatusOr<v1::ImportProgress> RunImport(const ImportOptions& options);

// One line of progress: bar (when the size is known), rows, rows/s, counts.
std::string ProgressLine(const v1::ImportProgress& p, int64_t bytes_sent, int64_t total_bytes,
                         double seconds);

}  // namespace pharmacrm::cli

#endif  // PHARMACRM_TOOLS_CLI_IMPORT_COMMAND_H_
