// Fuzz target: the event envelope's readers and writers (libs/bus
// envelope.h). Corpus: tests/fuzz/envelope/corpus.
//
// The input, as bytes of an envelope:
//  - CloudEventHeaders reads what protobuf reads: when both accept the
//    bytes, the headers carry the envelope's id, type, source, subject and
//    (for a valid timestamp) the time as TimeUtil::ToString writes it;
//  - ParseEnvelopeWithoutPayload accepts only envelopes with an id, a type
//    and no payload, and EnvelopeWithPayload puts a payload in whole, the
//    same from the bytes as from the parsed envelope.
// The input, as the fields of an event (EventMeta, type, payload):
//  - SerializedEnvelope writes byte for byte what MakeEnvelope serializes;
//  - a rebuildable outbox record's bare envelope plus the payload gives its
//    value back, and its headers can be read.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "fuzz_check.h"
#include "google/protobuf/stubs/logging.h"
#include "google/protobuf/util/time_util.h"
#include "pharmacrm/bus/envelope.h"

namespace pharmacrm::fuzz {
namespace {

using google::protobuf::util::TimeUtil;

// Reads fields off the input; past its end, empty strings and zeros.
class Fields {
 public:
  explicit Fields(absl::string_view data) : data_(data) {}

  // A string of up to 63 bytes: a length byte, then the bytes. ASCII only
  // when `ascii` (proto3 strings must be UTF-8; the writers do not check).
  std::string String(bool ascii) {
    size_t size = Byte() % 64;
    std::string out(data_.substr(0, size));
    data_.remove_prefix(std::min(size, data_.size()));
    if (ascii) {
      for (char& c : out) c = static_cast<char>(c & 0x7f);
    }
    return out;
  }

  int64_t Int64() {
    uint64_t v = 0;
    for (int i = 0; i < 8; ++i) v = (v << 8) | Byte();
    return static_cast<int64_t>(v);
  }

  // What is left: the payload.
  absl::string_view Rest() const { return data_; }

 private:
  uint8_t Byte() {
    if (data_.empty()) return 0;
    const uint8_t b = static_cast<uint8_t>(data_[0]);
    data_.remove_prefix(1);
    return b;
  }

  absl::string_view data_;
};

// In the range TimeUtil::ToString supports: 0001-01-01 to 9999-12-31.
bool IsValidTimestamp(const google::protobuf::Timestamp& t) {
  return t.seconds() >= TimeUtil::kTimestampMinSeconds &&
         t.seconds() <= TimeUtil::kTimestampMaxSeconds && t.nanos() >= 0 &&
         t.nanos() <= 999999999;
}

const std::string* HeaderValue(const std::vector<bus::Header>& headers, absl::string_view name) {
  for (const bus::Header& header : headers) {
    if (header.key == name) return &header.value;
  }
  return nullptr;
}

void ReadAsEnvelope(absl::string_view bytes) {
  v1::EventEnvelope parsed;
  const bool parses = parsed.ParseFromArray(bytes.data(), static_cast<int>(bytes.size()));

  absl::StatusOr<std::vector<bus::Header>> headers = bus::CloudEventHeaders(bytes);
  if (headers.ok() && parses) {
    FUZZ_CHECK(*HeaderValue(*headers, "ce_id") == parsed.event_id());
    FUZZ_CHECK(*HeaderValue(*headers, "ce_type") == parsed.event_type());
    FUZZ_CHECK(*HeaderValue(*headers, "ce_source") == absl::StrCat("/pharmacrm/", parsed.source()));
    FUZZ_CHECK(*HeaderValue(*headers, "ce_subject") ==
               absl::StrCat(parsed.aggregate_kind(), "/", parsed.aggregate_id()));
    if (IsValidTimestamp(parsed.occurred_at())) {
      FUZZ_CHECK(*HeaderValue(*headers, "ce_time") == TimeUtil::ToString(parsed.occurred_at()));
    }
  }
  if (headers.ok()) FUZZ_CHECK(headers->size() == 8);

  absl::StatusOr<v1::EventEnvelope> bare = bus::ParseEnvelopeWithoutPayload(bytes);
  if (!bare.ok()) {
    FUZZ_CHECK(bare.status().code() == absl::StatusCode::kInvalidArgument);
    return;
  }
  FUZZ_CHECK(parses && !bare->event_id().empty() && !bare->event_type().empty() &&
             bare->payload().value().empty());
  const std::string payload = "payload of " + bare->event_id();
  absl::StatusOr<std::string> whole = bus::EnvelopeWithPayload(bytes, payload);
  FUZZ_CHECK(whole.ok());
  FUZZ_CHECK(*whole == bus::EnvelopeWithPayload(*bare, payload));
  v1::EventEnvelope back;
  FUZZ_CHECK(back.ParseFromString(*whole));
  FUZZ_CHECK(back.payload().value() == payload && back.event_id() == bare->event_id());
}

void WriteAsEvent(absl::string_view bytes) {
  Fields fields(bytes);
  bus::EventMeta meta;
  meta.event_id = fields.String(true);
  meta.source = fields.String(true);
  meta.aggregate_kind = fields.String(true);
  meta.aggregate_id = fields.String(true);
  meta.aggregate_version = fields.Int64();
  meta.customer_id = fields.String(true);
  meta.occurred_at = absl::FromUnixNanos(fields.Int64());
  meta.recorded_at = absl::FromUnixNanos(fields.Int64());
  meta.actor = fields.String(true);
  meta.correlation_id = fields.String(true);
  meta.causation_id = fields.String(true);
  const std::string type = fields.String(true);
  const absl::string_view payload = fields.Rest();

  const std::string written = bus::SerializedEnvelope(meta, type, payload);
  FUZZ_CHECK(written == bus::MakeEnvelope(meta, type, std::string(payload)).SerializeAsString());

  const v1::OutboxRecord record = bus::MakeRebuildableOutboxRecord("topic", meta, type, payload);
  FUZZ_CHECK(record.value() == written);
  absl::StatusOr<std::vector<bus::Header>> headers = bus::CloudEventHeaders(written);
  if (meta.event_id.empty() || type.empty()) {
    FUZZ_CHECK(!headers.ok());
    FUZZ_CHECK(!bus::EnvelopeWithPayload(record.envelope_without_payload(), payload).ok());
    return;
  }
  FUZZ_CHECK(headers.ok());
  FUZZ_CHECK(*HeaderValue(*headers, "ce_id") == meta.event_id);
  absl::StatusOr<std::string> rebuilt =
      bus::EnvelopeWithPayload(record.envelope_without_payload(), payload);
  FUZZ_CHECK(rebuilt.ok() && *rebuilt == written);
}

}  // namespace
}  // namespace pharmacrm::fuzz

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  // Parsing bad strings logs an error each time: noise, and slow.
  static const bool quiet = [] {
    google::protobuf::SetLogHandler(nullptr);
    return true;
  }();
  (void)quiet;
  const absl::string_view bytes(reinterpret_cast<const char*>(data), size);
  pharmacrm::fuzz::ReadAsEnvelope(bytes);
  pharmacrm::fuzz::WriteAsEvent(bytes);
  return 0;
}
