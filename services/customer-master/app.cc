#include "app.h"

#include <fstream>
#include <sstream>

#include "absl/flags/flag.h"
#include "absl/strings/str_cat.h"
#include "domain/completeness/completeness.h"

#include "api/customer_master_service.h"
#include "pharmacrm/core/status.h"

ABSL_FLAG(std::string, completeness_rules, "",
          "Completeness rules file (protobuf text, pharmacrm.v1.CompletenessRules); empty: the "
          "built-in config/completeness_rules.textproto");

namespace pharmacrm::customer_master {

using ::pharmacrm::matching::PinyinConverter;

absl::StatusOr<v1::CompletenessRules> LoadRules() {
  std::string path = absl::GetFlag(FLAGS_completeness_rules);
  std::string text = kDefaultCompletenessRules;
  if (!path.empty()) {
    std::ifstream in(path);
    if (!in) return absl::InvalidArgumentError(absl::StrCat("completeness_rules: cannot read ", path));
    std::stringstream buffer;
    buffer << in.rdbuf();
    text = buffer.str();
  }
  absl::StatusOr<v1::CompletenessRules> rules = ParseCompletenessRules(text);
  if (!rules.ok()) {
    return absl::InvalidArgumentError(absl::StrCat("completeness_rules ", path.empty() ? "(built in)" : path,
                                                   ": ", rules.status().message()));
  }
  return rules;
}

absl::Status Wire(runtime::ServiceHost& host) {
  ASSIGN_OR_RETURN(std::unique_ptr<PinyinConverter> pinyin, PinyinConverter::Create());
  ASSIGN_OR_RETURN(v1::CompletenessRules rules, LoadRules());
  // The converter outlives the service that reads it: the host destroys
  // what it owns in the reverse order of keeping.
  const PinyinConverter& converter = host.Keep(std::move(pinyin));
  CustomerMasterService& service =
      host.EmplaceService<CustomerMasterService>(host, converter, std::move(rules));
  RETURN_IF_ERROR(service.LoadIndex());
  host.SetOutboxRebuilder(
      [&service](const v1::OutboxRecord& record) { return service.RebuildOutboxValue(record); });
  return absl::OkStatus();
}

}  // namespace pharmacrm::customer_master
