#include "projections/channel_checks_projection.h"

#include <string>

#include "domain/channel/checks.h"
#include "pharmacrm/bus/kafka.h"
#include "storage/control_repository.h"

namespace pharmacrm::sales_pipeline {

void AddChannelChecksProjection(runtime::ServiceHost& host) {
  store::Store* store = &host.store();
  host.AddProjection({std::string(bus::kSalesTopic)},
                     [store](const v1::EventEnvelope& event, store::Batch& batch) {
                       if (!channel::TriggersChecks(event.payload())) return absl::OkStatus();
                       return ControlRepository(*store).RequestChecks(batch);
                     });
}

}  // namespace pharmacrm::sales_pipeline
