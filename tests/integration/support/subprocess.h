// Child processes for integration tests: start, wait, describe, read logs.
//
// Children started by Spawn get SIGKILL when the thread that started them
// exits (PR_SET_PDEATHSIG), so a crashed or killed test binary leaves no
// broker or service behind. Start children from the main test thread.
#ifndef PHARMACRM_TESTS_INTEGRATION_SUPPORT_SUBPROCESS_H_
#define PHARMACRM_TESTS_INTEGRATION_SUPPORT_SUBPROCESS_H_

#include <sys/types.h>

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"

namespace pharmacrm::itest {

struct SpawnOptions {
  // Absolute path of the executable (no PATH lookup).
  std::string path;
  // argv[1..]; argv[0] is `path`.
  std::vector<std::string> args;
  // stdout and stderr are appended here (created if missing). stdin is
  // /dev/null.
  std::string log_path;
  // Working folder of the child; empty keeps the caller's.
  std::string cwd;
};

// Forks and execs. Returns once exec has succeeded, or the reason it failed.
absl::StatusOr<pid_t> Spawn(const SpawnOptions& options);

// Waits for child `pid` to exit and reaps it. Returns the raw wait status;
// DEADLINE_EXCEEDED if it still runs after `timeout` (it is left running).
absl::StatusOr<int> WaitPid(pid_t pid, absl::Duration timeout);

// True if `status` (raw, from waitpid) says the process was killed by `sig`.
bool KilledBySignal(int status, int sig);
// True if `status` says the process exited normally with `code`.
bool ExitedWith(int status, int code);
// "exited with code 3", "killed by signal 9 (Killed)", ...
std::string DescribeWaitStatus(int status);

// The last `lines` lines of the file at `path` ("" if it cannot be read).
std::string FileTail(const std::string& path, int lines);

// The absolute path of `name` found in $PATH, or "" if absent.
std::string FindInPath(const std::string& name);

// True if something accepts TCP connections on 127.0.0.1:`port`.
bool PortOpen(int port);

}  // namespace pharmacrm::itest

#endif  // PHARMACRM_TESTS_INTEGRATION_SUPPORT_SUBPROCESS_H_
