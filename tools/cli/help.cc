#include "help.h"

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "flags.h"

namespace pharmacrm::cli {

const std::vector<CommandHelp>& Commands() {
  static const auto* commands = new std::vector<CommandHelp>{
      {"import",
       "pharmacrm import [--what=customers|metrics] --file=FILE [--format=csv|jsonl] "
       "[--encoding=auto|utf-8|gb18030] [--server=host:port]\n"
       "       pharmacrm import --what=flow --distributor=ID --month=YYYY-MM "
       "--file=FILE.csv|FILE.xlsx [--mapping=FILE] [--encoding=...] [--sales_pipeline=host:port]",
       "Stream a CSV or JSON Lines file of customers (or monthly metrics) to customer-master, "
       "or a distributor's monthly flow file (CSV or Excel .xlsx) to sales-pipeline, and print "
       "the import summary.",
       "将客户（或月度指标）CSV / JSON Lines 文件导入客户主数据服务，或将经销商的月度流向文件"
       "（CSV 或 Excel .xlsx）导入销售管理服务，并显示导入结果。",
       {
           {&absl::GetFlagReflectionHandle(FLAGS_file), "要导入的文件；- 表示标准输入"},
           {&absl::GetFlagReflectionHandle(FLAGS_what), "customers 导入客户（CSV 或 JSON Lines），metrics 导入月度指标（JSON Lines），flow 导入经销商流向（CSV 或 Excel .xlsx：第一个工作表，或映射文件中 sheet= 指定的工作表）"},
           {&absl::GetFlagReflectionHandle(FLAGS_distributor), "流向所属经销商的客户编号"},
           {&absl::GetFlagReflectionHandle(FLAGS_month), "流向文件所报告的月份，YYYY-MM"},
           {&absl::GetFlagReflectionHandle(FLAGS_mapping), "经销商的列映射文件，每行一个 字段=表头（sheet=工作表名 选择 .xlsx 的工作表）"},
           {&absl::GetFlagReflectionHandle(FLAGS_sales_pipeline), "销售管理服务的 gRPC 地址（flow）"},
           {&absl::GetFlagReflectionHandle(FLAGS_format), "csv 或 jsonl（默认按文件扩展名判断，否则为 jsonl）"},
           {&absl::GetFlagReflectionHandle(FLAGS_encoding), "auto、utf-8 或 gb18030（GBK，中文 Excel 保存 CSV 所用编码）；"
                        "auto：能按 UTF-8 读取则为 UTF-8，否则按 GB18030；.xlsx 工作簿原样发送，不转换"},
           {&absl::GetFlagReflectionHandle(FLAGS_server), "客户主数据服务的 gRPC 地址"},
           {&absl::GetFlagReflectionHandle(FLAGS_source), "数据来源系统名称（记入变更历史）"},
           {&absl::GetFlagReflectionHandle(FLAGS_request_id), "幂等键：相同的键返回第一次导入的结果"},
           {&absl::GetFlagReflectionHandle(FLAGS_progress), "在标准错误输出上显示进度"},
       }},
      {"demo-channel",
       "pharmacrm demo-channel --dir=DIR [--server=host:port] [--sales_pipeline=host:port] "
       "[--request_id=PREFIX]",
       "Load the demo distributor channel (pharmacrm-demo-data --what=channel) into a running "
       "PharmaCRM whose customers hold the demo set: products, accounts, sell-in, payments, flow "
       "files, stock reports; then run the channel checks and print the findings.",
       "将演示渠道数据（pharmacrm-demo-data --what=channel）导入正在运行且已导入演示客户的 PharmaCRM："
       "产品、经销商账户、发货、回款、流向、库存报告；然后运行渠道检查并显示发现的问题。",
       {
           {&absl::GetFlagReflectionHandle(FLAGS_dir), "pharmacrm-demo-data --what=channel 生成数据的目录"},
           {&absl::GetFlagReflectionHandle(FLAGS_server), "客户主数据服务的 gRPC 地址"},
           {&absl::GetFlagReflectionHandle(FLAGS_sales_pipeline), "销售管理服务的 gRPC 地址"},
           {&absl::GetFlagReflectionHandle(FLAGS_request_id), "幂等键前缀（默认 demo-channel-v1）：重复运行不会重复导入"},
           {&absl::GetFlagReflectionHandle(FLAGS_wait_seconds), "服务不可用或销售管理服务尚未收到演示经销商时的重试时长（秒）"},
       }},
      {"demo-process",
       "pharmacrm demo-process [--server=host:port] [--sales_pipeline=host:port] [--year=YYYY] "
       "[--request_id=PREFIX]",
       "Build the sales organisation over the demo customers (territories by province, managers "
       "and reps with costs, alignments) and allocate each product's company target for the year; "
       "print the targets and one rep's customers with their targets and headroom.",
       "在演示客户之上建立销售组织（按省划分辖区、经理和代表及其费用、客户与代表的辖区归属），"
       "并为每个产品分解当年公司目标；显示目标以及一名代表的客户目标和增长空间。",
       {
           {&absl::GetFlagReflectionHandle(FLAGS_server), "客户主数据服务的 gRPC 地址"},
           {&absl::GetFlagReflectionHandle(FLAGS_sales_pipeline), "销售管理服务的 gRPC 地址"},
           {&absl::GetFlagReflectionHandle(FLAGS_year), "目标年度（客户和代表自两年前的 1 月 1 日起归属辖区）"},
           {&absl::GetFlagReflectionHandle(FLAGS_request_id), "幂等键前缀（默认 demo-process-v1）：重复运行不会重复导入"},
           {&absl::GetFlagReflectionHandle(FLAGS_wait_seconds), "服务不可用或销售管理服务尚未收到组织数据时的重试时长（秒）"},
       }},
  };
  return *commands;
}

const CommandHelp* FindCommand(absl::string_view name) {
  for (const CommandHelp& c : Commands()) {
    if (c.name == name) return &c;
  }
  return nullptr;
}

namespace {

void AppendFlags(const CommandHelp& command, std::string* out) {
  for (const FlagHelp& f : command.flags) {
    std::string def = f.flag->DefaultValue();
    absl::StrAppendFormat(out, "  --%s (default: %s)\n      %s\n      %s\n", f.flag->Name(),
                          def.empty() ? "\"\"" : def, f.flag->Help(), f.zh);
  }
}

}  // namespace

std::string CommandHelpText(const CommandHelp& command) {
  std::string out = absl::StrCat("usage / 用法: ", command.usage, "\n\n", command.summary, "\n",
                                 command.summary_zh, "\n\nflags / 参数:\n");
  AppendFlags(command, &out);
  return out;
}

std::string HelpText() {
  std::string out =
      "usage / 用法: pharmacrm <command> [--flag=value ...]\n"
      "       pharmacrm <command> --help\n\n"
      "PharmaCRM command-line tool. / PharmaCRM 命令行工具。\n\n"
      "commands / 命令:\n";
  for (const CommandHelp& c : Commands()) {
    absl::StrAppendFormat(&out, "  %-8s %s\n  %-8s %s\n", c.name, c.summary, "", c.summary_zh);
  }
  for (const CommandHelp& c : Commands()) {
    absl::StrAppend(&out, "\n", c.name, " flags / ", c.name, " 参数:\n");
    AppendFlags(c, &out);
  }
  return out;
}

}  // namespace pharmacrm::cli
