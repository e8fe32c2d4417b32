// Typed access to an event's payload (a google.protobuf.Any). Header-only so
// that pure domain code can use it with nothing but the generated messages.
#ifndef PHARMACRM_CORE_PAYLOAD_H_
#define PHARMACRM_CORE_PAYLOAD_H_

#include "absl/status/statusor.h"
#include "absl/strings/str_cat.h"
#include "google/protobuf/any.pb.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::core {

// True if `any` holds a T (by type URL), whatever its bytes.
template <typename T>
bool PayloadIs(const google::protobuf::Any& any) {
  return any.template Is<T>();
}

// The T in `any`; INVALID_ARGUMENT naming "payload" if it is not a valid T.
template <typename T>
absl::StatusOr<T> UnpackPayload(const google::protobuf::Any& any) {
  T value;
  if (!any.template Is<T>() || !any.UnpackTo(&value)) {
    return FieldError("payload", absl::StrCat("is not a valid ", T::descriptor()->full_name()));
  }
  return value;
}

}  // namespace pharmacrm::core

#endif  // PHARMACRM_CORE_PAYLOAD_H_
