// Graceful shutdown on SIGTERM/SIGINT without async-signal handlers.
#ifndef PHARMACRM_RPC_SIGNALS_H_
#define PHARMACRM_RPC_SIGNALS_H_

#include <string>

#include "absl/time/time.h"

namespace pharmacrm::rpc {

// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts
// afterwards. Call first thing in main().
void BlockShutdownSignals();

// Waits until SIGTERM or SIGINT arrives; returns the signal number.
int WaitForShutdownSignal();

// Bounds a shutdown: if the process still runs at `deadline`, logs that
// `what` did not finish in time and ends it at once with exit code 0
// (std::_Exit: no destructors, nothing flushed). For a stop that must end
// in bounded time whatever a dependency does (a Kafka client waiting for an
// unreachable broker): what the process keeps durably, RocksDB's
// write-ahead log and so the outbox, survives such an exit as it survives a
// crash. Returns at once (a detached thread waits); call once.
void ExitAtDeadline(absl::Time deadline, std::string what);

}  // namespace pharmacrm::rpc

#endif  // PHARMACRM_RPC_SIGNALS_H_
