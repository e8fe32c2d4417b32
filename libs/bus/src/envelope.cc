#include "pharmacrm/bus/envelope.h"

#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/time/time.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "pharmacrm/core/hash.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"

namespace pharmacrm::bus {
namespace {
// Appends `v` as a protobuf varint.
void AppendVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>((v & 0x7f) | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

// Appends `v` as 16 lower-case hex digits.
void AppendHex64(uint64_t v, std::string* out) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (int shift = 60; shift >= 0; shift -= 4) out->push_back(kHex[(v >> shift) & 0xf]);
}

}  // namespace

v1::EventEnvelope MakeEnvelope(const EventMeta& meta, const google::protobuf::Message& payload) {
  return MakeEnvelope(meta, payload.GetDescriptor()->full_name(), payload.SerializeAsString());
}

void AppendLengthDelimited(int field, absl::string_view serialized, std::string* out) {
  AppendVarint((static_cast<uint64_t>(field) << 3) | 2, out);  // Wire type 2: length-delimited.
  AppendVarint(serialized.size(), out);
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
  *env.mutable_occurred_at() = core::ToTimestamp(meta.occurred_at);
  *env.mutable_recorded_at() = core::ToTimestamp(meta.recorded_at);
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
  // "00-%016x%016x-%016x-01", without a format string: one per event.
  std::string out = "00-";
  out.reserve(55);
  AppendHex64(core::Fingerprint64(trace_src, 1), &out);
  AppendHex64(core::Fingerprint64(trace_src, 2), &out);
  out.push_back('-');
  AppendHex64(core::Fingerprint64(event_id, 3) | 1, &out);
  out += "-01";
  return out;
}

v1::OutboxRecord MakeOutboxRecord(absl::string_view topic, const v1::EventEnvelope& envelope) {
  v1::OutboxRecord record;
  record.set_topic(std::string(topic));
  record.set_key(envelope.customer_id());
  record.set_value(envelope.SerializeAsString());
  return record;
}

namespace {

size_t VarintSize(uint64_t v) {
  size_t n = 1;
  while (v >= 0x80) {
    v >>= 7;
    ++n;
  }
  return n;
}

// A proto3 string field: nothing when empty.
void AppendText(int field, absl::string_view text, std::string* out) {
  if (!text.empty()) AppendLengthDelimited(field, text, out);
}

// A google.protobuf.Timestamp field, always present (as MakeEnvelope sets it).
void AppendTime(int field, absl::Time t, std::string* out) {
  const google::protobuf::Timestamp ts = core::ToTimestamp(t);
  std::string body;
  if (ts.seconds() != 0) {
    AppendVarint(1 << 3, &body);  // seconds, varint
    AppendVarint(static_cast<uint64_t>(ts.seconds()), &body);
  }
  if (ts.nanos() != 0) {
    AppendVarint(2 << 3, &body);  // nanos, varint (int32 sign-extended)
    AppendVarint(static_cast<uint64_t>(static_cast<int64_t>(ts.nanos())), &body);
  }
  AppendLengthDelimited(field, body, out);
}

}  // namespace

namespace {

// Fields 1 to 12 of the envelope (all but the payload), with room reserved
// for `payload_bytes` more.
std::string EnvelopeHead(const EventMeta& meta, absl::string_view type, size_t payload_bytes) {
  using E = v1::EventEnvelope;
  std::string out;
  out.reserve(payload_bytes + type.size() + 360);
  AppendText(E::kEventIdFieldNumber, meta.event_id, &out);
  AppendText(E::kEventTypeFieldNumber, type, &out);
  AppendText(E::kSourceFieldNumber, meta.source, &out);
  AppendText(E::kAggregateKindFieldNumber, meta.aggregate_kind, &out);
  AppendText(E::kAggregateIdFieldNumber, meta.aggregate_id, &out);
  if (meta.aggregate_version != 0) {
    AppendVarint(E::kAggregateVersionFieldNumber << 3, &out);
    AppendVarint(static_cast<uint64_t>(meta.aggregate_version), &out);
  }
  AppendTime(E::kOccurredAtFieldNumber, meta.occurred_at, &out);
  AppendTime(E::kRecordedAtFieldNumber, meta.recorded_at, &out);
  AppendText(E::kActorFieldNumber, meta.actor, &out);
  AppendText(E::kCorrelationIdFieldNumber, meta.correlation_id, &out);
  AppendText(E::kCausationIdFieldNumber, meta.causation_id, &out);
  AppendText(E::kCustomerIdFieldNumber,
             meta.customer_id.empty() ? meta.aggregate_id : meta.customer_id, &out);
  return out;
}

// Field 13, the payload: an Any of type_url = 1 and value = 2, written in
// place so the payload is copied once.
void AppendPayload(absl::string_view type, absl::string_view payload, std::string* out) {
  constexpr absl::string_view kTypeUrlPrefix = "type.googleapis.com/";
  const size_t url_size = kTypeUrlPrefix.size() + type.size();
  size_t any_size = 1 + VarintSize(url_size) + url_size;
  if (!payload.empty()) any_size += 1 + VarintSize(payload.size()) + payload.size();
  AppendVarint((v1::EventEnvelope::kPayloadFieldNumber << 3) | 2, out);
  AppendVarint(any_size, out);
  AppendVarint((1 << 3) | 2, out);
  AppendVarint(url_size, out);
  absl::StrAppend(out, kTypeUrlPrefix, type);
  AppendText(2, payload, out);
}

}  // namespace

std::string SerializedEnvelope(const EventMeta& meta, absl::string_view type,
                               absl::string_view payload) {
  std::string out = EnvelopeHead(meta, type, payload.size());
  AppendPayload(type, payload, &out);
  return out;
}

v1::OutboxRecord MakeOutboxRecord(absl::string_view topic, const EventMeta& meta,
                                  absl::string_view type, absl::string_view payload) {
  v1::OutboxRecord record;
  record.set_topic(std::string(topic));
  record.set_key(meta.customer_id.empty() ? meta.aggregate_id : meta.customer_id);
  record.set_value(SerializedEnvelope(meta, type, payload));
  return record;
}

v1::OutboxRecord MakeRebuildableOutboxRecord(absl::string_view topic, const EventMeta& meta,
                                             absl::string_view type, absl::string_view payload) {
  // The bare envelope and the value share everything before the payload.
  std::string value = EnvelopeHead(meta, type, payload.size());
  std::string bare = value;
  AppendPayload(type, {}, &bare);
  AppendPayload(type, payload, &value);
  v1::OutboxRecord record;
  record.set_topic(std::string(topic));
  record.set_key(meta.customer_id.empty() ? meta.aggregate_id : meta.customer_id);
  record.set_value(std::move(value));
  record.set_envelope_without_payload(std::move(bare));
  return record;
}

absl::StatusOr<std::string> EnvelopeWithPayload(absl::string_view bare, absl::string_view payload) {
  ASSIGN_OR_RETURN(v1::EventEnvelope envelope, ParseEnvelopeWithoutPayload(bare));
  return EnvelopeWithPayload(std::move(envelope), payload);
}

absl::StatusOr<v1::EventEnvelope> ParseEnvelopeWithoutPayload(absl::string_view bare) {
  v1::EventEnvelope envelope;
  if (!envelope.ParseFromArray(bare.data(), static_cast<int>(bare.size()))) {
    return absl::InvalidArgumentError("envelope_without_payload: not a serialized EventEnvelope");
  }
  if (envelope.event_id().empty() || envelope.event_type().empty()) {
    return absl::InvalidArgumentError(
        "envelope_without_payload: an envelope without event_id or event_type");
  }
  if (!envelope.payload().value().empty()) {
    return absl::InvalidArgumentError(
        "envelope_without_payload: the envelope has a payload already");
  }
  return envelope;
}

std::string EnvelopeWithPayload(v1::EventEnvelope bare, absl::string_view payload) {
  bare.mutable_payload()->set_value(std::string(payload));
  return bare.SerializeAsString();
}

absl::StatusOr<std::vector<Header>> CloudEventHeaders(absl::string_view serialized_envelope) {
  using google::protobuf::internal::WireFormatLite;
  // The envelope's fields the headers need, read off the wire; the payload
  // (most of the bytes) is skipped, not copied.
  std::string event_id, event_type, source, aggregate_kind, aggregate_id, correlation_id;
  google::protobuf::Timestamp occurred_at;
  google::protobuf::io::CodedInputStream in(
      reinterpret_cast<const uint8_t*>(serialized_envelope.data()),
      static_cast<int>(serialized_envelope.size()));
  auto not_envelope = [] {
    return absl::InvalidArgumentError("outbox record value: not a serialized EventEnvelope");
  };
  while (uint32_t tag = in.ReadTag()) {
    std::string* text = nullptr;
    switch (WireFormatLite::GetTagFieldNumber(tag)) {
      case v1::EventEnvelope::kEventIdFieldNumber: text = &event_id; break;
      case v1::EventEnvelope::kEventTypeFieldNumber: text = &event_type; break;
      case v1::EventEnvelope::kSourceFieldNumber: text = &source; break;
      case v1::EventEnvelope::kAggregateKindFieldNumber: text = &aggregate_kind; break;
      case v1::EventEnvelope::kAggregateIdFieldNumber: text = &aggregate_id; break;
      case v1::EventEnvelope::kCorrelationIdFieldNumber: text = &correlation_id; break;
      case v1::EventEnvelope::kOccurredAtFieldNumber: {
        if (WireFormatLite::GetTagWireType(tag) != WireFormatLite::WIRETYPE_LENGTH_DELIMITED ||
            !WireFormatLite::ReadMessage(&in, &occurred_at)) {
          return not_envelope();
        }
        continue;
      }
      default:
        if (!WireFormatLite::SkipField(&in, tag)) return not_envelope();
        continue;
    }
    if (WireFormatLite::GetTagWireType(tag) != WireFormatLite::WIRETYPE_LENGTH_DELIMITED ||
        !WireFormatLite::ReadString(&in, text)) {
      return not_envelope();
    }
  }
  if (!in.ConsumedEntireMessage() || event_id.empty() || event_type.empty()) return not_envelope();
  std::vector<Header> out;
  out.reserve(8);
  out.push_back({"ce_specversion", "1.0"});
  out.push_back({"ce_id", event_id});
  out.push_back({"ce_source", absl::StrCat("/pharmacrm/", source)});
  out.push_back({"ce_type", std::move(event_type)});
  out.push_back({"ce_time", core::FormatRfc3339(occurred_at)});
  out.push_back({"ce_subject", absl::StrCat(aggregate_kind, "/", aggregate_id)});
  out.push_back({"content-type", "application/protobuf"});
  out.push_back({"traceparent", TraceParent(correlation_id, event_id)});
  return out;
}

}  // namespace pharmacrm::bus
