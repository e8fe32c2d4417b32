#include "pharmacrm/rpc/signals.h"

#include <csignal>
#include <cstdlib>
#include <thread>

#include "absl/time/clock.h"
#include "pharmacrm/core/log.h"

namespace pharmacrm::rpc {
namespace {
sigset_t ShutdownSet() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  return set;
}
}  // namespace

void BlockShutdownSignals() {
  sigset_t set = ShutdownSet();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForShutdownSignal() {
  sigset_t set = ShutdownSet();
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
  return sig;
}

void ExitAtDeadline(absl::Time deadline, std::string what) {
  std::thread([deadline, what = std::move(what)] {
    absl::SleepFor(deadline - absl::Now());
    core::Log(core::LogLevel::kWarning, "shutdown: not finished in time; exiting now",
              {{"step", what}});
    std::_Exit(0);
  }).detach();
}

}  // namespace pharmacrm::rpc
