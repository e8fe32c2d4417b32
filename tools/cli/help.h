// The help text of `pharmacrm`: its commands and each command's flags, in
// English and Simplified Chinese. The English description and the default
// of a flag come from its ABSL_FLAG definition (flags.cc), so they are
// written once.
#ifndef PHARMACRM_TOOLS_CLI_HELP_H_
#define PHARMACRM_TOOLS_CLI_HELP_H_

#include <string>
#include <vector>

#include "absl/flags/commandlineflag.h"
#include "absl/strings/string_view.h"

namespace pharmacrm::cli {

struct FlagHelp {
  const absl::CommandLineFlag* flag;  // Its name, English help and default.
  std::string zh;                     // Simplified Chinese description.
};

struct CommandHelp {
  std::string name;  // "import".
  std::string usage;
  std::string summary;
  std::string summary_zh;
  std::vector<FlagHelp> flags;
};

// Every command of the tool, in the order the help lists them.
const std::vector<CommandHelp>& Commands();

// The command named `name`, or nullptr.
const CommandHelp* FindCommand(absl::string_view name);

// `pharmacrm --help`: usage, every command with its summary and flags.
std::string HelpText();

// `pharmacrm <command> --help`: the command's usage, summary and flags.
std::string CommandHelpText(const CommandHelp& command);

}  // namespace pharmacrm::cli

#endif  // PHARMACRM_TOOLS_CLI_HELP_H_
