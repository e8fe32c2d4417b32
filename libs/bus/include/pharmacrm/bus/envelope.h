// Building events: the EventEnvelope and its outbox record with the
// CloudEvents Kafka binary-binding headers and a W3C traceparent.
#ifndef PHARMACRM_BUS_ENVELOPE_H_
#define PHARMACRM_BUS_ENVELOPE_H_

#include <string>
#include <vector>
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

#include "absl/time/time.h"
#include "google/protobuf/message.h"
#include "pharmacrm/v1/events.pb.h"
#include "pharmacrm/v1/outbox.pb.h"

namespace pharmacrm::bus {

struct EventMeta {
  std::string event_id;
  std::string source;          // e.g. customer-master.
  std::string aggregate_kind;  // e.g. customer.
  std::string aggregate_id;
  int64_t aggregate_version = 0;
  std::string customer_id;  // Partition key; aggregate_id if empty.
  absl::Time occurred_at;
  absl::Time recorded_at;
  std::string actor;
  std::string correlation_id;
  std::string causation_id;
};

// The envelope around `payload`; event_type is the payload's full name.
v1::EventEnvelope MakeEnvelope(const EventMeta& meta, const google::protobuf::Message& payload);

// The same for a payload already serialized: `type` is its full proto name
// (e.g. "pharmacrm.v1.CustomerRegistered"), `serialized` its bytes.
v1::EventEnvelope MakeEnvelope(const EventMeta& meta, absl::string_view type,
                               std::string serialized);

// Appends to `out` field `field` of a message holding `serialized` (a
// length-delimited field: a nested message, bytes or string). Serialized
// messages concatenate, so a message whose nested message is already
// serialized (a customer in its version record and in its event) is built
// without serializing that message again.
void AppendLengthDelimited(int field, absl::string_view serialized, std::string* out);

// The record to append to the outbox: key = customer id (or aggregate id),
// value = the serialized envelope. Its Kafka headers are not stored: the
// relay derives them from the value (CloudEventHeaders), so a record
// re-published after a crash carries the same ones. (Records stored with
// headers, by earlier versions, are sent with those.)
v1::OutboxRecord MakeOutboxRecord(absl::string_view topic, const v1::EventEnvelope& envelope);

// MakeEnvelope(meta, type, payload) serialized, byte for byte, written
// directly: no envelope message is built, and the payload is copied once.
std::string SerializedEnvelope(const EventMeta& meta, absl::string_view type,
                               absl::string_view payload);

// MakeOutboxRecord(topic, MakeEnvelope(meta, type, payload)), through
// SerializedEnvelope: for events written in bulk (an import's).
v1::OutboxRecord MakeOutboxRecord(absl::string_view topic, const EventMeta& meta,
                                  absl::string_view type, absl::string_view payload);

// MakeOutboxRecord(topic, meta, type, payload) for an event whose payload
// the same write also stores as state (an imported customer's
// CustomerRegistered): the record also carries its envelope_without_payload, the
// envelope without the payload, so the outbox stores it without its value.
// After a restart the service's OutboxRebuilder (relay.h) rebuilds the value
// with EnvelopeWithPayload.
v1::OutboxRecord MakeRebuildableOutboxRecord(absl::string_view topic, const EventMeta& meta,
                                             absl::string_view type, absl::string_view payload);

// The envelope `bare` (an envelope_without_payload) with `payload` as the value of its
// payload: byte for byte what SerializedEnvelope wrote with that payload.
// INVALID_ARGUMENT naming envelope_without_payload if `bare` is not a serialized
// envelope with an event id, an event type and an empty payload.
absl::StatusOr<std::string> EnvelopeWithPayload(absl::string_view bare, absl::string_view payload);
// The two steps of that, for a caller that reads the envelope in between:
// `bare` parsed and checked (the errors above), and then the parsed
// envelope with `payload` put in, serialized.
absl::StatusOr<v1::EventEnvelope> ParseEnvelopeWithoutPayload(absl::string_view bare);
std::string EnvelopeWithPayload(v1::EventEnvelope bare, absl::string_view payload);

struct Header {
  std::string key;
  std::string value;
};

// An event's Kafka headers, from its serialized envelope: CloudEvents
// binary mode (ce_specversion, ce_id, ce_source, ce_type, ce_time,
// ce_subject, content-type) and the W3C traceparent (docs/EVENTS.md).
// INVALID_ARGUMENT if the bytes are not an envelope with an event id and
// type.
absl::StatusOr<std::vector<Header>> CloudEventHeaders(absl::string_view serialized_envelope);

// "00-<trace id>-<span id>-01": the trace id follows the correlation id so all
// events of one request share a trace; the span id follows the event id.
std::string TraceParent(absl::string_view correlation_id, absl::string_view event_id);

}  // namespace pharmacrm::bus

#endif  // PHARMACRM_BUS_ENVELOPE_H_
