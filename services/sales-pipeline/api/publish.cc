#include "api/publish.h"

#include "pharmacrm/bus/envelope.h"
#include "pharmacrm/bus/kafka.h"
#include "pharmacrm/core/log.h"

namespace pharmacrm::sales_pipeline {

void PublishSalesEvent(runtime::ServiceHost& host, store::Batch& batch,
                       absl::string_view aggregate_kind, const std::string& aggregate_id,
                       int64_t version, const std::string& key, const std::string& actor,
                       const std::string& request_id, const google::protobuf::Message& event) {
  const absl::Time now = host.clock().Now();
  bus::EventMeta meta;
  meta.event_id = host.ids().Next();
  meta.source = host.service();
  meta.aggregate_kind = std::string(aggregate_kind);
  meta.aggregate_id = aggregate_id;
  meta.aggregate_version = version;
  meta.customer_id = key;
  meta.occurred_at = now;
  meta.recorded_at = now;
  meta.actor = actor;
  meta.correlation_id = core::CurrentCorrelationId();
  meta.causation_id = request_id;
  batch.AppendOutbox(bus::MakeOutboxRecord(bus::kSalesTopic, bus::MakeEnvelope(meta, event)));
}

}  // namespace pharmacrm::sales_pipeline
