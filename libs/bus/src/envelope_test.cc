#include "pharmacrm/bus/envelope.h"

#include <map>
#include <regex>

#include "absl/strings/str_format.h"
#include "google/protobuf/util/time_util.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/hash.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::bus {
namespace {

EventMeta Meta() {
  EventMeta m;
  m.event_id = "0190b2c4-7a1b-7c3d-8e4f-5a6b7c8d9e0f";
  m.source = "customer-master";
  m.aggregate_kind = "customer";
  m.aggregate_id = "c-1";
  m.aggregate_version = 3;
  m.occurred_at = absl::FromUnixSeconds(1'700'000'000);
  m.recorded_at = m.occurred_at;
  m.correlation_id = "corr-9";
  m.causation_id = "req-1";
  return m;
}

TEST(Envelope, CarriesMetaAndTypedPayload) {
  v1::CustomerRegistered payload;
  payload.mutable_customer()->set_id("c-1");
  v1::EventEnvelope env = MakeEnvelope(Meta(), payload);
  EXPECT_EQ(env.event_type(), "pharmacrm.v1.CustomerRegistered");
  EXPECT_EQ(env.customer_id(), "c-1");  // Falls back to the aggregate id.
  EXPECT_EQ(env.aggregate_version(), 3);
  v1::CustomerRegistered back;
  ASSERT_TRUE(env.payload().UnpackTo(&back));
  EXPECT_EQ(back.customer().id(), "c-1");
}

// A payload built from an already serialized customer (the import's path)
// is the same event as one built from the message, and a version record with
// the customer appended parses to the customer and the rest.
TEST(Envelope, APayloadBuiltFromSerializedBytesIsTheSameEvent) {
  v1::Customer customer;
  customer.set_id("c-1");
  customer.set_version(1);
  customer.mutable_profile()->set_name(std::string(300, 'x'));  // A length of two varint bytes.
  customer.mutable_profile()->set_kind(v1::CUSTOMER_KIND_DOCTOR);
  const std::string serialized = customer.SerializeAsString();

  v1::CustomerRegistered message;
  *message.mutable_customer() = customer;
  std::string payload;
  AppendLengthDelimited(v1::CustomerRegistered::kCustomerFieldNumber, serialized, &payload);
  v1::EventEnvelope from_bytes =
      MakeEnvelope(Meta(), v1::CustomerRegistered::descriptor()->full_name(), payload);
  v1::EventEnvelope from_message = MakeEnvelope(Meta(), message);
  EXPECT_EQ(from_bytes.SerializeAsString(), from_message.SerializeAsString());
  v1::CustomerRegistered back;
  ASSERT_TRUE(from_bytes.payload().UnpackTo(&back));
  EXPECT_EQ(back.customer().profile().name(), customer.profile().name());

  v1::CustomerVersion version;
  version.set_actor("steward-1");
  version.set_reason("imported");
  std::string record = version.SerializeAsString();
  AppendLengthDelimited(v1::CustomerVersion::kCustomerFieldNumber, serialized, &record);
  v1::CustomerVersion parsed;
  ASSERT_TRUE(parsed.ParseFromString(record));
  EXPECT_EQ(parsed.actor(), "steward-1");
  EXPECT_EQ(parsed.customer().SerializeAsString(), serialized);
}

// Headers as a map (each key once).
std::map<std::string, std::string> HeaderMap(const std::vector<Header>& headers) {
  std::map<std::string, std::string> out;
  for (const Header& h : headers) {
    EXPECT_TRUE(out.emplace(h.key, h.value).second) << "header twice: " << h.key;
  }
  return out;
}

TEST(Envelope, OutboxRecordHoldsTheEnvelopeAndTheRelayDerivesItsHeaders) {
  v1::CustomerRegistered payload;
  payload.mutable_customer()->set_id("c-1");
  payload.mutable_customer()->mutable_profile()->set_name("北京协和医院");
  v1::OutboxRecord r = MakeOutboxRecord("pharmacrm.customer.events.v1", MakeEnvelope(Meta(), payload));
  EXPECT_EQ(r.key(), "c-1");
  EXPECT_TRUE(r.headers().empty());  // Not stored: derived when sent.
  absl::StatusOr<std::vector<Header>> headers = CloudEventHeaders(r.value());
  ASSERT_TRUE(headers.ok()) << headers.status();
  std::map<std::string, std::string> h = HeaderMap(*headers);
  EXPECT_EQ(h.size(), 8u);
  EXPECT_EQ(h["ce_specversion"], "1.0");
  EXPECT_EQ(h["ce_id"], Meta().event_id);
  EXPECT_EQ(h["ce_type"], "pharmacrm.v1.CustomerRegistered");
  EXPECT_EQ(h["ce_source"], "/pharmacrm/customer-master");
  EXPECT_EQ(h["ce_subject"], "customer/c-1");
  EXPECT_EQ(h["ce_time"], "2023-11-14T22:13:20Z");
  EXPECT_EQ(h["content-type"], "application/protobuf");
  EXPECT_EQ(h["traceparent"], TraceParent(Meta().correlation_id, Meta().event_id));
  v1::EventEnvelope parsed;
  ASSERT_TRUE(parsed.ParseFromString(r.value()));
  EXPECT_EQ(parsed.event_id(), Meta().event_id);

  // Without a correlation id the trace follows the event id; fractional
  // seconds are kept.
  EventMeta meta = Meta();
  meta.correlation_id.clear();
  meta.occurred_at = absl::FromUnixMillis(1'700'000'000'123);
  h = HeaderMap(*CloudEventHeaders(MakeEnvelope(meta, payload).SerializeAsString()));
  EXPECT_EQ(h["traceparent"], TraceParent("", meta.event_id));
  EXPECT_EQ(h["ce_time"], "2023-11-14T22:13:20.123Z");
}

// SerializedEnvelope writes what MakeEnvelope's message serializes to.
TEST(Envelope, SerializedEnvelopeIsTheEnvelopeMessagesBytes) {
  v1::CustomerRegistered payload;
  payload.mutable_customer()->set_id("c-1");
  payload.mutable_customer()->mutable_profile()->set_name("北京协和医院");
  const std::string bytes = payload.SerializeAsString();
  std::vector<EventMeta> metas;
  metas.push_back(Meta());
  EventMeta sparse;  // Empty strings, version 0, the epoch: fields left out.
  sparse.event_id = "e-1";
  metas.push_back(sparse);
  EventMeta odd = Meta();
  odd.customer_id = "partition-key";
  odd.aggregate_version = int64_t{1} << 40;
  odd.occurred_at = absl::FromUnixNanos(-1'500'000'001);  // Before 1970.
  odd.recorded_at = absl::FromUnixNanos(1'700'000'000'000'000'123);
  metas.push_back(odd);
  for (const EventMeta& m : metas) {
    for (const std::string& body : {bytes, std::string(), std::string(300, 'x')}) {
      EXPECT_EQ(SerializedEnvelope(m, "pharmacrm.v1.CustomerRegistered", body),
                MakeEnvelope(m, "pharmacrm.v1.CustomerRegistered", body).SerializeAsString())
          << m.event_id << " " << body.size();
    }
    v1::OutboxRecord direct = MakeOutboxRecord("t", m, "pharmacrm.v1.CustomerRegistered", bytes);
    v1::OutboxRecord built =
        MakeOutboxRecord("t", MakeEnvelope(m, "pharmacrm.v1.CustomerRegistered", bytes));
    EXPECT_EQ(direct.SerializeAsString(), built.SerializeAsString());
  }
}

// A rebuildable record carries the envelope without its payload, and the
// payload put back gives the record's value again, byte for byte.
TEST(Envelope, AnEnvelopeWithoutItsPayloadGetsItBackByteForByte) {
  v1::CustomerRegistered payload;
  payload.mutable_customer()->set_id("c-1");
  payload.mutable_customer()->mutable_profile()->set_name("北京协和医院");
  const std::string bytes = payload.SerializeAsString();
  EventMeta odd = Meta();
  odd.customer_id = "partition-key";
  odd.occurred_at = absl::FromUnixNanos(-1'500'000'001);
  for (const EventMeta& m : {Meta(), odd}) {
    v1::OutboxRecord record =
        MakeRebuildableOutboxRecord("t", m, "pharmacrm.v1.CustomerRegistered", bytes);
    v1::OutboxRecord plain = MakeOutboxRecord("t", m, "pharmacrm.v1.CustomerRegistered", bytes);
    EXPECT_EQ(record.key(), plain.key());
    EXPECT_EQ(record.value(), plain.value());
    EXPECT_EQ(record.envelope_without_payload(),
              SerializedEnvelope(m, "pharmacrm.v1.CustomerRegistered", {}));
    absl::StatusOr<std::string> rebuilt =
        EnvelopeWithPayload(record.envelope_without_payload(), bytes);
    ASSERT_TRUE(rebuilt.ok()) << rebuilt.status();
    EXPECT_EQ(*rebuilt, record.value());
  }
}

TEST(Envelope, EnvelopeWithPayloadRefusesWhatIsNotAnEnvelopeWithoutPayload) {
  v1::EventEnvelope untyped;
  untyped.set_event_id("e-1");
  const std::string whole =
      MakeOutboxRecord("t", Meta(), "pharmacrm.v1.CustomerRegistered", "\x0a\x01x").value();
  for (const std::string& bad :
       {std::string("\xff\xff\xff"), std::string(), untyped.SerializeAsString(), whole}) {
    absl::StatusOr<std::string> rebuilt = EnvelopeWithPayload(bad, "payload");
    EXPECT_EQ(rebuilt.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(rebuilt.status().message()),
                ::testing::HasSubstr("envelope_without_payload"));
  }
}

TEST(Envelope, CloudEventHeadersRefuseWhatIsNotAnEnvelope) {
  for (const std::string& bad :
       {std::string(), std::string("\xff\xff\xff"), std::string("not protobuf at all"),
        v1::CustomerRegistered().SerializeAsString(),
        // An event id, cut short.
        std::string("\x0a\x10" "0190b2c4")}) {
    absl::StatusOr<std::vector<Header>> h = CloudEventHeaders(bad);
    EXPECT_EQ(h.status().code(), absl::StatusCode::kInvalidArgument) << bad;
    EXPECT_THAT(std::string(h.status().message()), ::testing::HasSubstr("EventEnvelope"));
  }
  // An envelope with no event type.
  v1::EventEnvelope untyped;
  untyped.set_event_id("e-1");
  EXPECT_FALSE(CloudEventHeaders(untyped.SerializeAsString()).ok());
}

// Records stored while the headers were a map<string, string> read the same.
TEST(Envelope, OutboxHeadersReadRecordsStoredAsAMap) {
  // Two map entries as protobuf writes them: field 4 (tag 0x22), each a
  // message of key = 1 (tag 0x0a) and value = 2 (tag 0x12).
  std::string bytes;
  bytes += "\x22\x0c\x0a\x05";
  bytes += "ce_id";
  bytes += "\x12\x03";
  bytes += "e-1";
  bytes += "\x22\x13\x0a\x0c";
  bytes += "content-type";
  bytes += "\x12\x03";
  bytes += "x/y";
  v1::OutboxRecord r;
  ASSERT_TRUE(r.ParseFromString(bytes));
  std::vector<Header> stored;
  for (const v1::OutboxHeader& h : r.headers()) stored.push_back({h.key(), h.value()});
  EXPECT_EQ(HeaderMap(stored), (std::map<std::string, std::string>{{"ce_id", "e-1"}, {"content-type", "x/y"}}));
}

TEST(Envelope, EventsOfOneRequestShareATrace) {
  std::string a = TraceParent("corr", "e1"), b = TraceParent("corr", "e2");
  EXPECT_EQ(a.substr(0, 35), b.substr(0, 35));
  EXPECT_NE(a, b);
}

TEST(Envelope, TraceParentIsW3cTraceContext) {
  const std::string t = TraceParent("corr", "e1");
  EXPECT_TRUE(std::regex_match(t, std::regex("00-[0-9a-f]{32}-[0-9a-f]{16}-01"))) << t;
  EXPECT_EQ(t, absl::StrFormat("00-%016x%016x-%016x-01", core::Fingerprint64("corr", 1),
                               core::Fingerprint64("corr", 2), core::Fingerprint64("e1", 3) | 1));
  // Without a correlation id the event id names the trace.
  EXPECT_EQ(
      TraceParent("", "e1").substr(3, 32),
      absl::StrFormat("%016x%016x", core::Fingerprint64("e1", 1), core::Fingerprint64("e1", 2)));
}

}  // namespace
}  // namespace pharmacrm::bus
