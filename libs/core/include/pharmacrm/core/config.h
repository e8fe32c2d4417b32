// Configuration: command-line flags (absl) with PHARMACRM_* environment
// fallbacks. A flag named grpc_port is also read from PHARMACRM_GRPC_PORT; the
// command line wins over the environment, which wins over the default.
#ifndef PHARMACRM_CORE_CONFIG_H_
#define PHARMACRM_CORE_CONFIG_H_

#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace pharmacrm::core {

// The environment variable consulted for `flag_name`.
std::string EnvNameForFlag(absl::string_view flag_name);

// Sets every registered flag that has an environment variable. A value that
// does not parse is an error naming the variable.
absl::Status ApplyEnvironmentToFlags();

// ApplyEnvironmentToFlags, then the command line. Bad configuration is fatal
// with one clear line on stderr (exit code 2).
void ParseFlagsOrDie(int argc, char** argv, absl::string_view usage);

}  // namespace pharmacrm::core

#endif  // PHARMACRM_CORE_CONFIG_H_
