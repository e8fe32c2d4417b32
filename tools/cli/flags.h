// The command-line flags of `pharmacrm`. Defined once here; the commands read
// them and the help text (help.h) lists them with their descriptions.
#ifndef PHARMACRM_TOOLS_CLI_FLAGS_H_
#define PHARMACRM_TOOLS_CLI_FLAGS_H_

#include <string>

#include "absl/flags/declare.h"

ABSL_DECLARE_FLAG(std::string, server);
ABSL_DECLARE_FLAG(std::string, file);
ABSL_DECLARE_FLAG(std::string, format);
ABSL_DECLARE_FLAG(std::string, encoding);
ABSL_DECLARE_FLAG(std::string, what);
ABSL_DECLARE_FLAG(std::string, source);
ABSL_DECLARE_FLAG(std::string, request_id);
ABSL_DECLARE_FLAG(bool, progress);
ABSL_DECLARE_FLAG(std::string, sales_pipeline);
ABSL_DECLARE_FLAG(std::string, distributor);
ABSL_DECLARE_FLAG(std::string, month);
ABSL_DECLARE_FLAG(std::string, mapping);
ABSL_DECLARE_FLAG(std::string, dir);
ABSL_DECLARE_FLAG(int, wait_seconds);
ABSL_DECLARE_FLAG(int, year);

#endif  // PHARMACRM_TOOLS_CLI_FLAGS_H_
