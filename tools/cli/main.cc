// pharmacrm: command-line tool for PharmaCRM.
//
//   pharmacrm import --file=customers.csv [--format=csv|jsonl] [--server=host:port]
//                    [--source=legacy-crm] [--request_id=...] [--progress=false]
//   pharmacrm import --what=metrics --file=metrics.jsonl [--server=host:port] ...
#include <cstdio>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "import_command.h"

ABSL_FLAG(std::string, server, "127.0.0.1:7051", "customer-master gRPC address");
ABSL_FLAG(std::string, file, "-", "File to import; - for standard input");
ABSL_FLAG(std::string, format, "", "csv or jsonl (default: from the file name, else jsonl)");
ABSL_FLAG(std::string, what, "customers",
          "customers (CSV or JSON Lines) or metrics (monthly metrics, JSON Lines)");
ABSL_FLAG(std::string, source, "", "Name of the system the data comes from (kept in history)");
ABSL_FLAG(std::string, request_id, "", "Idempotency key: the same key returns the first summary");
ABSL_FLAG(bool, progress, true, "Show a progress line on stderr");

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "pharmacrm import [--what=customers|metrics] --file=FILE [--format=csv|jsonl] "
      "[--server=host:port]");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() != 2 || std::string(args[1]) != "import") {
    std::fprintf(stderr,
                 "usage: pharmacrm import [--what=customers|metrics] --file=FILE "
                 "[--format=csv|jsonl] [--server=host:port]\n"
                 "用法：pharmacrm import [--what=customers|metrics] --file=文件 "
                 "[--format=csv|jsonl] [--server=地址:端口]\n"
                 "（customers 导入客户，metrics 导入月度指标）\n");
    return 2;
  }
  pharmacrm::cli::ImportOptions options;
  options.server = absl::GetFlag(FLAGS_server);
  options.file = absl::GetFlag(FLAGS_file);
  options.format = absl::GetFlag(FLAGS_format);
  options.source = absl::GetFlag(FLAGS_source);
  options.what = absl::GetFlag(FLAGS_what);
  options.request_id = absl::GetFlag(FLAGS_request_id);
  options.progress = absl::GetFlag(FLAGS_progress);
  absl::StatusOr<pharmacrm::v1::ImportProgress> result = pharmacrm::cli::RunImport(options);
  if (!result.ok()) {
    std::fprintf(stderr, "import failed / 导入失败: %s\n", std::string(result.status().message()).c_str());
    return 1;
  }
  const auto& p = *result;
  std::printf("rows %lld, accepted %lld, rejected %lld, duplicates %lld, %.0f rows/s\n"
              "共 %lld 行，导入 %lld，拒绝 %lld，重复 %lld\n",
              static_cast<long long>(p.rows_read()), static_cast<long long>(p.accepted()),
              static_cast<long long>(p.rejected()), static_cast<long long>(p.duplicates()),
              p.rows_per_second(), static_cast<long long>(p.rows_read()),
              static_cast<long long>(p.accepted()), static_cast<long long>(p.rejected()),
              static_cast<long long>(p.duplicates()));
  int shown = 0;
  for (const auto& e : p.errors()) {
    if (shown++ == 20) {
      std::printf("... %d more (see the summary's errors)\n", p.errors_size() - 20);
      break;
    }
    std::printf("line %lld %s: %s\n", static_cast<long long>(e.line()), e.field().c_str(),
                e.reason().c_str());
  }
  return 0;
}
