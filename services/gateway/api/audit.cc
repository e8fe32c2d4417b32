#include "api/audit.h"

#include <string>

#include "pharmacrm/core/log.h"
#include "pharmacrm/core/metrics.h"
#include "prometheus/counter.h"

namespace pharmacrm::gateway {

void AuditRead(absl::string_view route, absl::string_view target, absl::string_view actor,
               const Disclosure& disclosed) {
  static auto& reads = prometheus::BuildCounter()
                           .Name("pharmacrm_gateway_audited_reads_total")
                           .Help(
                               "Gateway answers that served personal data or above, by the "
                               "highest data class served")
                           .Register(core::Metrics());
  const std::string& highest = v1::DataClass_Name(disclosed.highest);
  const std::string withheld = std::to_string(disclosed.withheld);
  core::Log(core::LogLevel::kInfo, "audit: personal data served",
            {{"route", route},
             {"target", target},
             {"actor", actor},
             {"highest_class", highest},
             {"withheld", withheld}});
  reads.Add({{"class", highest}}).Increment();
}

}  // namespace pharmacrm::gateway
