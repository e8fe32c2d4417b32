// pharmacrm: command-line tool for PharmaCRM. `pharmacrm --help` lists the
// commands and their flags (help.h); the flags are defined in flags.cc.
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "flags.h"
#include "help.h"
#include "channel_demo_command.h"
#include "process_demo_command.h"
#include "flow_command.h"
#include "import_command.h"

namespace {

bool IsHelpArg(const char* arg) {
  return std::strcmp(arg, "--help") == 0 || std::strcmp(arg, "-help") == 0 ||
         std::strcmp(arg, "-h") == 0 || std::strcmp(arg, "--helpshort") == 0;
}

int UnknownCommand(const std::string& name) {
  std::fprintf(stderr,
               "pharmacrm: unknown command '%s'; run pharmacrm --help for the commands\n"
               "pharmacrm：未知命令“%s”；运行 pharmacrm --help 查看可用命令\n",
               name.c_str(), name.c_str());
  return 2;
}

// `pharmacrm [command] --help` and `pharmacrm help [command]`, answered
// before absl's own --help (which lists flags by the file of main() and so
// found none). -1: not a request for help.
int MaybeHelp(int argc, char** argv) {
  bool help = argc > 1 && std::strcmp(argv[1], "help") == 0;
  std::string command;
  for (int i = 1; i < argc; ++i) {
    if (IsHelpArg(argv[i])) {
      help = true;
    } else if (argv[i][0] != '-' && (i > 1 || std::strcmp(argv[i], "help") != 0) &&
               command.empty()) {
      command = argv[i];
    }
  }
  if (!help) return -1;
  if (command.empty()) {
    std::fputs(pharmacrm::cli::HelpText().c_str(), stdout);
    return 0;
  }
  const pharmacrm::cli::CommandHelp* c = pharmacrm::cli::FindCommand(command);
  if (c == nullptr) return UnknownCommand(command);
  std::fputs(pharmacrm::cli::CommandHelpText(*c).c_str(), stdout);
  return 0;
}

// The first 20 row errors of an import's summary, one a line.
template <typename Errors>
void PrintRowErrors(const Errors& errors) {
  int shown = 0;
  for (const auto& e : errors) {
    if (shown++ == 20) {
      std::printf("... %d more (see the summary's errors)\n", errors.size() - 20);
      break;
    }
    std::printf("line %lld %s: %s\n", static_cast<long long>(e.line()), e.field().c_str(),
                e.reason().c_str());
  }
}

int RunFlowImportCommand() {
  pharmacrm::cli::FlowImportOptions options;
  options.server = absl::GetFlag(FLAGS_sales_pipeline);
  options.file = absl::GetFlag(FLAGS_file);
  options.encoding = absl::GetFlag(FLAGS_encoding);
  options.distributor_id = absl::GetFlag(FLAGS_distributor);
  options.month = absl::GetFlag(FLAGS_month);
  options.mapping_file = absl::GetFlag(FLAGS_mapping);
  options.request_id = absl::GetFlag(FLAGS_request_id);
  options.progress = absl::GetFlag(FLAGS_progress);
  absl::StatusOr<pharmacrm::v1::ImportFlowSummary> result = pharmacrm::cli::RunFlowImport(options);
  if (!result.ok()) {
    std::fprintf(stderr, "import failed / 导入失败: %s\n", std::string(result.status().message()).c_str());
    return 1;
  }
  const auto& s = *result;
  std::printf("%s %s version %lld: rows %lld, accepted %lld (matched %lld, waiting for a customer %lld), "
              "rejected %lld; %lld packs, %.2f yuan\n"
              "共 %lld 行，导入 %lld（匹配 %lld，待匹配 %lld），拒绝 %lld\n",
              s.period().distributor_id().c_str(), s.period().month().c_str(),
              static_cast<long long>(s.period().version()), static_cast<long long>(s.rows_read()),
              static_cast<long long>(s.accepted()), static_cast<long long>(s.matched()),
              static_cast<long long>(s.unresolved()), static_cast<long long>(s.rejected()),
              static_cast<long long>(s.period().quantity()), s.period().amount_fen() / 100.0,
              static_cast<long long>(s.rows_read()), static_cast<long long>(s.accepted()),
              static_cast<long long>(s.matched()), static_cast<long long>(s.unresolved()),
              static_cast<long long>(s.rejected()));
  if (s.period().version() > 1) {
    std::printf("replaced version %lld: %lld rows, %lld packs / 替换了上一版本\n",
                static_cast<long long>(s.period().version() - 1),
                static_cast<long long>(s.period().previous_row_count()),
                static_cast<long long>(s.period().previous_quantity()));
  }
  PrintRowErrors(s.errors());
  return 0;
}

int RunChannelDemoCommand() {
  pharmacrm::cli::ChannelDemoOptions options;
  options.dir = absl::GetFlag(FLAGS_dir);
  options.server = absl::GetFlag(FLAGS_server);
  options.sales_pipeline = absl::GetFlag(FLAGS_sales_pipeline);
  if (!absl::GetFlag(FLAGS_request_id).empty()) {
    options.request_prefix = absl::GetFlag(FLAGS_request_id);
  }
  options.wait = absl::Seconds(absl::GetFlag(FLAGS_wait_seconds));
  const absl::Status status = pharmacrm::cli::RunChannelDemo(options, stdout);
  std::fflush(stdout);
  if (!status.ok()) {
    std::fprintf(stderr, "demo-channel failed / 渠道演示数据导入失败: %s\n",
                 status.ToString().c_str());
    return 1;
  }
  return 0;
}

int RunProcessDemoCommand() {
  pharmacrm::cli::ProcessDemoOptions options;
  options.server = absl::GetFlag(FLAGS_server);
  options.sales_pipeline = absl::GetFlag(FLAGS_sales_pipeline);
  options.year = absl::GetFlag(FLAGS_year);
  if (!absl::GetFlag(FLAGS_request_id).empty()) {
    options.request_prefix = absl::GetFlag(FLAGS_request_id);
  }
  options.wait = absl::Seconds(absl::GetFlag(FLAGS_wait_seconds));
  const absl::Status status = pharmacrm::cli::RunProcessDemo(options, stdout);
  std::fflush(stdout);
  if (!status.ok()) {
    std::fprintf(stderr, "demo-process failed / 销售过程演示失败: %s\n",
                 status.ToString().c_str());
    return 1;
  }
  return 0;
}

int RunImportCommand() {
  if (absl::GetFlag(FLAGS_what) == "flow") return RunFlowImportCommand();
  pharmacrm::cli::ImportOptions options;
  options.server = absl::GetFlag(FLAGS_server);
  options.file = absl::GetFlag(FLAGS_file);
  options.format = absl::GetFlag(FLAGS_format);
  options.encoding = absl::GetFlag(FLAGS_encoding);
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
  PrintRowErrors(p.errors());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (int code = MaybeHelp(argc, argv); code >= 0) return code;
  absl::SetProgramUsageMessage("pharmacrm <command> [--flag=value ...]; pharmacrm --help lists them");
  std::vector<char*> args = absl::ParseCommandLine(argc, argv);
  if (args.size() < 2) {
    std::fputs(pharmacrm::cli::HelpText().c_str(), stderr);
    return 2;
  }
  const std::string command = args[1];
  if (pharmacrm::cli::FindCommand(command) == nullptr) return UnknownCommand(command);
  if (args.size() > 2) {
    std::fprintf(stderr,
                 "pharmacrm %s: unexpected argument '%s' (flags are written --name=value)\n"
                 "pharmacrm %s：多余的参数“%s”（参数写作 --名称=值）\n",
                 command.c_str(), args[2], command.c_str(), args[2]);
    return 2;
  }
  if (command == "demo-channel") return RunChannelDemoCommand();
  if (command == "demo-process") return RunProcessDemoCommand();
  return RunImportCommand();
}
