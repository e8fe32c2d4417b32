#include "pharmacrm/bus/envelope.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "google/protobuf/util/time_util.h"
#include "pharmacrm/core/hash.h"

namespace pharmacrm::bus {
namespace {
google::protobuf::Timestamp ToProto(absl::Time t) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

}  // namespace

v1::EventEnvelope MakeEnvelope(const EventMeta& meta, const google::protobuf::Message& payload) {
  return MakeEnvelope(meta, payload.GetDescriptor()->full_name(), payload.SerializeAsString());
}

void AppendLengthDelimited(int field, absl::string_view serialized, std::string* out) {
  auto varint = [out](uint64_t v) {
    while (v >= 0x80) {
      out->push_back(static_cast<char>((v & 0x7f) | 0x80));
      v >>= 7;
    }
    out->push_back(static_cast<char>(v));
  };
  varint((static_cast<uint64_t>(field) << 3) | 2);  // Wire type 2: length-delimited.
  varint(serialized.size());
  out->append(serialized.data(), serialized.size());
}

v1::EventEnvelope MakeEnvelope(const EventMeta& meta, absl::string_view type,
                               std::string serialized) {
  v1::EventEnvelope env;
  env.set_event_id(meta.event_id);
  env.set_event_type(std::string(type));
  env.set_source(meta.source);
  env.set_aggregate_kind(meta.aggregate_kind);
  env.set_aggregate_id(meta.aggregate_id);
  env.set_aggregate_version(meta.aggregate_version);
  *env.mutable_occurred_at() = ToProto(meta.occurred_at);
  *env.mutable_recorded_at() = ToProto(meta.recorded_at);
  env.set_actor(meta.actor);
  env.set_correlation_id(meta.correlation_id);
  env.set_causation_id(meta.causation_id);
  env.set_customer_id(meta.customer_id.empty() ? meta.aggregate_id : meta.customer_id);
  // What Any::PackFrom writes.
  env.mutable_payload()->set_type_url(absl::StrCat("type.googleapis.com/", type));
  env.mutable_payload()->set_value(std::move(serialized));
  return env;
}

std::string TraceParent(absl::string_view correlation_id, absl::string_view event_id) {
  absl::string_view trace_src = correlation_id.empty() ? event_id : correlation_id;
  return absl::StrFormat("00-%016x%016x-%016x-01", core::Fingerprint64(trace_src, 1), core::Fingerprint64(trace_src, 2),
                         core::Fingerprint64(event_id, 3) | 1);
}

v1::OutboxRecord MakeOutboxRecord(absl::string_view topic, const v1::EventEnvelope& envelope) {
  v1::OutboxRecord record;
  record.set_topic(std::string(topic));
  record.set_key(envelope.customer_id());
  record.set_value(envelope.SerializeAsString());
  auto& h = *record.mutable_headers();
  h["ce_specversion"] = "1.0";
  h["ce_id"] = envelope.event_id();
  h["ce_source"] = "/pharmacrm/" + envelope.source();
  h["ce_type"] = envelope.event_type();
  h["ce_time"] = google::protobuf::util::TimeUtil::ToString(envelope.occurred_at());
  h["ce_subject"] = envelope.aggregate_kind() + "/" + envelope.aggregate_id();
  h["content-type"] = "application/protobuf";
  h["traceparent"] = TraceParent(envelope.correlation_id(), envelope.event_id());
  return record;
}

}  // namespace pharmacrm::bus
