// Status helpers shared by every layer.
//
// Errors inside the suite are absl::Status. A status that concerns one input
// field carries that field's path as a payload (see FieldError), so the API
// edge can turn it into a google.rpc.BadRequest field violation without the
// domain code knowing about gRPC.
#ifndef PHARMACRM_CORE_STATUS_H_
#define PHARMACRM_CORE_STATUS_H_

#include <optional>
#include <string>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"
#include "absl/status/statusor.h"

namespace pharmacrm::core {

// Payload type URL under which the offending field path is kept.
inline constexpr absl::string_view kFieldPayloadUrl = "pharmacrm/field";

// INVALID_ARGUMENT naming `field`: message is "<field>: <description>".
absl::Status FieldError(absl::string_view field, absl::string_view description);

// Same code choice for other codes (NOT_FOUND of an id, ...).
absl::Status FieldStatus(absl::StatusCode code, absl::string_view field,
                         absl::string_view description);

// The field a status names, if any.
std::optional<std::string> FieldOf(const absl::Status& status);

// `status` with its field's leading `from` replaced by `to` (in the payload
// and the message), e.g. "call.samples[0].quantity" as
// "calls[3].samples[0].quantity" when one of many items is checked by the
// rules of one; unchanged when it names no field or another one.
absl::Status ReplaceFieldPrefix(const absl::Status& status, absl::string_view from,
                                absl::string_view to);

}  // namespace pharmacrm::core

#define PHARMACRM_CONCAT_INNER_(a, b) a##b
#define PHARMACRM_CONCAT_(a, b) PHARMACRM_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` is not OK.
#define RETURN_IF_ERROR(expr)                      \
  do {                                             \
    ::absl::Status pharmacrm_status_ = (expr);     \
    if (!pharmacrm_status_.ok()) return pharmacrm_status_; \
  } while (0)

#define ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                           \
  if (!tmp.ok()) return tmp.status();          \
  lhs = std::move(*tmp)

// `lhs = *expr`, or returns expr's status.
#define ASSIGN_OR_RETURN(lhs, expr) \
  ASSIGN_OR_RETURN_IMPL_(PHARMACRM_CONCAT_(pharmacrm_statusor_, __LINE__), lhs, expr)

#endif  // PHARMACRM_CORE_STATUS_H_
