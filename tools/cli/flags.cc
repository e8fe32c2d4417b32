#include "flags.h"

#include "absl/flags/flag.h"

ABSL_FLAG(std::string, server, "127.0.0.1:7051", "customer-master gRPC address");
ABSL_FLAG(std::string, file, "-", "File to import; - for standard input");
ABSL_FLAG(std::string, format, "", "csv or jsonl (default: from the file name, else jsonl)");
ABSL_FLAG(std::string, encoding, "auto",
          "auto, utf-8 or gb18030 (GBK, as Chinese Excel saves CSV); auto: UTF-8 if the "
          "file reads as UTF-8, else GB18030; an .xlsx workbook is sent as it is");
ABSL_FLAG(std::string, what, "customers",
          "customers (CSV or JSON Lines), metrics (monthly metrics, JSON Lines) or flow (a "
          "distributor's flow file, CSV or Excel .xlsx; with --distributor and --month)");
ABSL_FLAG(std::string, sales_pipeline, "127.0.0.1:7052", "sales-pipeline gRPC address (--what=flow)");
ABSL_FLAG(std::string, distributor, "", "--what=flow: the distributor whose flow file it is");
ABSL_FLAG(std::string, month, "", "--what=flow: the month the file reports, YYYY-MM");
ABSL_FLAG(std::string, mapping, "",
          "--what=flow: file with the distributor's column mapping, one field=header a line "
          "(sheet=NAME picks an .xlsx file's worksheet)");
ABSL_FLAG(std::string, source, "", "Name of the system the data comes from (kept in history)");
ABSL_FLAG(std::string, request_id, "", "Idempotency key: the same key returns the first summary");
ABSL_FLAG(bool, progress, true, "Show a progress line on stderr");
ABSL_FLAG(std::string, dir, "",
          "demo-channel: the directory pharmacrm-demo-data --what=channel --out_dir wrote");
ABSL_FLAG(int, year, 2026, "demo-process: the target year (customers and reps aligned from 1 January two years before)");
ABSL_FLAG(int, wait_seconds, 60,
          "demo-channel: how long to retry while a service is unavailable or sales-pipeline does "
          "not know the demo distributors yet");
