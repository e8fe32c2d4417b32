#include "pharmacrm/runtime/command.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/io/zero_copy_stream_impl_lite.h"
#include "pharmacrm/core/hash.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::runtime {
namespace {
uint64_t Fingerprint(const google::protobuf::Message& m) {
  std::string bytes;
  {
    google::protobuf::io::StringOutputStream out(&bytes);
    google::protobuf::io::CodedOutputStream coded(&out);
    coded.SetSerializationDeterministic(true);
    m.SerializeToCodedStream(&coded);
  }
  return core::Fingerprint64(bytes, 17);
}
}  // namespace

absl::Mutex& StripedLocks::For(absl::string_view key) {
  return locks_[core::Fingerprint64(key) % locks_.size()];
}

HeldStripes StripedLocks::ForAll(const std::vector<std::string>& keys) {
  std::vector<size_t> stripes;
  stripes.reserve(keys.size());
  for (const std::string& key : keys) stripes.push_back(core::Fingerprint64(key) % locks_.size());
  std::sort(stripes.begin(), stripes.end());
  stripes.erase(std::unique(stripes.begin(), stripes.end()), stripes.end());
  std::vector<absl::Mutex*> held;
  held.reserve(stripes.size());
  for (size_t i : stripes) held.push_back(&locks_[i]);
  return HeldStripes(std::move(held));
}

HeldStripes::HeldStripes(std::vector<absl::Mutex*> held) : held_(std::move(held)) {
  for (absl::Mutex* mu : held_) mu->Lock();
}

HeldStripes::~HeldStripes() {
  for (auto it = held_.rbegin(); it != held_.rend(); ++it) (*it)->Unlock();
}

absl::Status ValidateRequestId(absl::string_view request_id) {
  if (request_id.empty()) return core::FieldError("request_id", "must be set (idempotency key)");
  if (request_id.size() > kMaxRequestIdLength) {
    return core::FieldError("request_id",
                            absl::StrCat("longer than ", kMaxRequestIdLength, " characters"));
  }
  return absl::OkStatus();
}

absl::Status ExecuteOnce(
    store::Store& store, absl::string_view method, absl::string_view request_id,
    const google::protobuf::Message& request, google::protobuf::Message* response,
    const std::function<absl::Status(store::Batch&, google::protobuf::Message*)>& decide) {
  RETURN_IF_ERROR(ValidateRequestId(request_id));
  std::string scoped_id = absl::StrCat(method, "/", request_id);
  uint64_t fingerprint = Fingerprint(request);
  ASSIGN_OR_RETURN(auto previous, store.GetIdempotency(scoped_id));
  if (previous.has_value()) {
    if (previous->request_fingerprint() != fingerprint) {
      return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "request_id",
                               "already used for a different request");
    }
    if (!response->ParseFromString(previous->response())) {
      return absl::DataLossError("stored response does not parse");
    }
    return absl::OkStatus();
  }
  store::Batch batch;
  RETURN_IF_ERROR(decide(batch, response));
  v1::IdempotencyRecord record;
  record.set_method(std::string(method));
  record.set_request_fingerprint(fingerprint);
  record.set_response(response->SerializeAsString());
  batch.PutIdempotency(scoped_id, record);
  return store.Write(std::move(batch));
}

}  // namespace pharmacrm::runtime
