#include "pharmacrm/core/status.h"

#include "absl/strings/cord.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"

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

absl::Status ReplaceFieldPrefix(const absl::Status& status, absl::string_view from,
                                absl::string_view to) {
  const std::optional<std::string> field = FieldOf(status);
  if (!field || !absl::StartsWith(*field, from)) return status;
  const std::string renamed = absl::StrCat(to, field->substr(from.size()));
  absl::string_view description = status.message();
  absl::ConsumePrefix(&description, absl::StrCat(*field, ": "));
  return FieldStatus(status.code(), renamed, description);
}

}  // namespace pharmacrm::core
