// The one place absl::Status becomes grpc::Status and back.
//
// Codes map one to one (Abseil's codes are gRPC's). A status naming a field
// (core::FieldError) also carries a google.rpc.BadRequest with one field
// violation in the grpc-status-details-bin trailer, so clients in any
// language can tell which field was wrong.
#ifndef PHARMACRM_RPC_STATUS_H_
#define PHARMACRM_RPC_STATUS_H_

#include <string>

#include "absl/status/status.h"
#include "grpcpp/support/status.h"

namespace pharmacrm::rpc {

grpc::Status ToGrpcStatus(const absl::Status& status);

// Keeps the field of a BadRequest detail, if present, as core::FieldOf does.
absl::Status FromGrpcStatus(const grpc::Status& status);

// Upper-case code name as gRPC spells it: "INVALID_ARGUMENT"
// (absl::StatusCodeToString); "UNKNOWN" for a value that is no code.
std::string CodeName(absl::StatusCode code);

}  // namespace pharmacrm::rpc

#endif  // PHARMACRM_RPC_STATUS_H_
