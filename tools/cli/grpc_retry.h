// Retrying a gRPC call of the CLI's demo loaders while a service starts or
// has not yet consumed what the call refers to.
#ifndef PHARMACRM_TOOLS_CLI_GRPC_RETRY_H_
#define PHARMACRM_TOOLS_CLI_GRPC_RETRY_H_

#include <chrono>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "grpcpp/grpcpp.h"

namespace pharmacrm::cli {

// Calls `call` (which fills a fresh ClientContext, 30 s deadline) until it
// succeeds or fails otherwise than UNAVAILABLE (or NOT_FOUND with
// retry_not_found), for at most `wait`.
template <typename Call>
grpc::Status RetryCall(absl::Duration wait, bool retry_not_found, Call call) {
  const absl::Time deadline = absl::Now() + wait;
  while (true) {
    grpc::ClientContext context;
    context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(30));
    grpc::Status s = call(&context);
    const bool again = s.error_code() == grpc::StatusCode::UNAVAILABLE ||
                       (retry_not_found && s.error_code() == grpc::StatusCode::NOT_FOUND);
    if (!again || absl::Now() >= deadline) return s;
    absl::SleepFor(absl::Milliseconds(500));
  }
}

}  // namespace pharmacrm::cli

#endif  // PHARMACRM_TOOLS_CLI_GRPC_RETRY_H_
