#include "flags.h"

#include "absl/flags/flag.h"

ABSL_FLAG(std::string, server, "127.0.0.1:7051", "customer-master gRPC address");
ABSL_FLAG(std::string, file, "-", "File to import; - for standard input");
ABSL_FLAG(std::string, format, "", "csv or jsonl (default: from the file name, else jsonl)");
ABSL_FLAG(std::string, encoding, "auto",
          "auto, utf-8 or gb18030 (GBK, as Chinese Excel saves CSV); auto: UTF-8 if the "
          "file reads as UTF-8, else GB18030");
ABSL_FLAG(std::string, what, "customers",
          "customers (CSV or JSON Lines) or metrics (monthly metrics, JSON Lines)");
ABSL_FLAG(std::string, source, "", "Name of the system the data comes from (kept in history)");
ABSL_FLAG(std::string, request_id, "", "Idempotency key: the same key returns the first summary");
ABSL_FLAG(bool, progress, true, "Show a progress line on stderr");
