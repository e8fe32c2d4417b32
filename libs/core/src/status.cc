#include "pharmacrm/core/status.h"

#include "absl/strings/cord.h"
#include "absl/strings/str_cat.h"

namespace pharmacrm::core {

absl::Status FieldStatus(absl::StatusCode code, absl::string_view field,
                         absl::string_view description) {
  absl::Status status(code, absl::StrCat(field, ": ", description));
  status.SetPayload(kFieldPayloadUrl, absl::Cord(field));
  return status;
}

absl::Status FieldError(absl::string_view field, absl::string_view description) {
  return FieldStatus(absl::StatusCode::kInvalidArgument, field, description);
}

std::optional<std::string> FieldOf(const absl::Status& status) {
  auto payload = status.GetPayload(kFieldPayloadUrl);
  if (!payload) return std::nullopt;
  return std::string(*payload);
}

}  // namespace pharmacrm::core
