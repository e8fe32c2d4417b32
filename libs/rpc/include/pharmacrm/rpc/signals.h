// Graceful shutdown on SIGTERM/SIGINT without async-signal handlers.
#ifndef PHARMACRM_RPC_SIGNALS_H_
#define PHARMACRM_RPC_SIGNALS_H_

namespace pharmacrm::rpc {

// Blocks SIGTERM and SIGINT in the calling thread and every thread it starts
// afterwards. Call first thing in main().
void BlockShutdownSignals();

// Waits until SIGTERM or SIGINT arrives; returns the signal number.
int WaitForShutdownSignal();

}  // namespace pharmacrm::rpc

#endif  // PHARMACRM_RPC_SIGNALS_H_
