#include "pharmacrm/core/config.h"

#include <cstdio>
#include <cstdlib>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/reflection.h"
#include "absl/flags/usage.h"
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"

namespace pharmacrm::core {

std::string EnvNameForFlag(absl::string_view flag_name) {
  return absl::StrCat("PHARMACRM_", absl::AsciiStrToUpper(flag_name));
}

absl::Status ApplyEnvironmentToFlags() {
  for (auto& [name, flag] : absl::GetAllFlags()) {
    std::string env = EnvNameForFlag(name);
    const char* value = std::getenv(env.c_str());
    if (value == nullptr) continue;
    std::string error;
    if (!flag->ParseFrom(value, &error)) {
      return absl::InvalidArgumentError(
          absl::StrCat("environment variable ", env, "='", value, "': ", error));
    }
  }
  return absl::OkStatus();
}

void ParseFlagsOrDie(int argc, char** argv, absl::string_view usage) {
  absl::SetProgramUsageMessage(usage);
  if (absl::Status s = ApplyEnvironmentToFlags(); !s.ok()) {
    std::fprintf(stderr, "configuration error: %s\n", std::string(s.message()).c_str());
    std::exit(2);
  }
  absl::ParseCommandLine(argc, argv);
}

}  // namespace pharmacrm::core
