#include "help.h"

#include <set>
#include <string>

#include "absl/flags/reflection.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pharmacrm::cli {
namespace {

using testing::HasSubstr;

TEST(HelpText, ListsEveryCommandWithEveryFlagInBothLanguages) {
  std::string help = HelpText();
  EXPECT_THAT(help, HasSubstr("pharmacrm <command>"));
  EXPECT_THAT(help, HasSubstr("命令"));
  for (const CommandHelp& c : Commands()) {
    EXPECT_THAT(help, HasSubstr("  " + c.name + " "));
    EXPECT_THAT(help, HasSubstr(c.summary_zh));
    for (const FlagHelp& f : c.flags) {
      EXPECT_THAT(help, HasSubstr(absl::StrCat("--", f.flag->Name(), " (default: ")));
      EXPECT_THAT(help, HasSubstr(f.zh));
    }
  }
}

TEST(CommandHelpText, ImportShowsItsFlagsWithDescriptionsAndDefaults) {
  const CommandHelp* import = FindCommand("import");
  ASSERT_NE(import, nullptr);
  std::string help = CommandHelpText(*import);
  EXPECT_THAT(help, HasSubstr("--encoding (default: auto)"));
  EXPECT_THAT(help, HasSubstr("--server (default: 127.0.0.1:7051)"));
  EXPECT_THAT(help, HasSubstr("File to import; - for standard input"));  // From ABSL_FLAG.
  EXPECT_THAT(help, HasSubstr("要导入的文件"));
  EXPECT_EQ(FindCommand("frobnicate"), nullptr);
}

TEST(CommandHelpText, ImportSaysFlowFilesMayBeExcelWorkbooks) {
  const std::string help = CommandHelpText(*FindCommand("import"));
  EXPECT_THAT(help, HasSubstr("--file=FILE.csv|FILE.xlsx"));
  EXPECT_THAT(help, HasSubstr("flow file (CSV or Excel .xlsx)"));
  EXPECT_THAT(help, HasSubstr("（CSV 或 Excel .xlsx）"));
  EXPECT_THAT(help, HasSubstr("an .xlsx workbook is sent as it is"));  // --encoding
  EXPECT_THAT(help, HasSubstr(".xlsx 工作簿原样发送"));
  EXPECT_THAT(help, HasSubstr("sheet=NAME"));  // --mapping
}

// Every flag defined in tools/cli is listed under some command.
TEST(Commands, ListExactlyTheToolsFlags) {
  std::set<std::string> listed;
  for (const CommandHelp& c : Commands()) {
    for (const FlagHelp& f : c.flags) {
      listed.insert(std::string(f.flag->Name()));
    }
  }
  int defined_here = 0;
  for (const auto& [name, flag] : absl::GetAllFlags()) {
    if (!absl::StrContains(flag->Filename(), "tools/cli/")) continue;
    ++defined_here;
    EXPECT_TRUE(listed.contains(std::string(name))) << name << " is not in the help";
  }
  EXPECT_GT(defined_here, 0);
}

}  // namespace
}  // namespace pharmacrm::cli
