// Queuing an event of sales-pipeline on its topic (pharmacrm.sales.events.v1)
// in a command's or a run's batch: the outbox relay publishes it once the
// batch is written.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_API_PUBLISH_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_API_PUBLISH_H_

#include <cstdint>
#include <string>

#include "absl/strings/string_view.h"
#include "google/protobuf/message.h"
#include "pharmacrm/runtime/host.h"
#include "pharmacrm/store/store.h"

namespace pharmacrm::sales_pipeline {

// `key` (the distributor or product) is the record's Kafka key (and the
// envelope's customer_id); `request_id` its causation.
void PublishSalesEvent(runtime::ServiceHost& host, store::Batch& batch,
                       absl::string_view aggregate_kind, const std::string& aggregate_id,
                       int64_t version, const std::string& key, const std::string& actor,
                       const std::string& request_id, const google::protobuf::Message& event);

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_API_PUBLISH_H_
