// A service binary (build/bin/pharmacrm-<name>) running under test.
//
// The process is a child of the test and dies with it (see subprocess.h).
// Its stdout and stderr go to one log file kept across restarts, so a test
// that crashes and restarts a service can read both lives in one place.
#ifndef PHARMACRM_TESTS_INTEGRATION_SUPPORT_SERVICE_PROCESS_H_
#define PHARMACRM_TESTS_INTEGRATION_SUPPORT_SERVICE_PROCESS_H_

#include <sys/types.h>

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "support/subprocess.h"  // KilledBySignal, ExitedWith, DescribeWaitStatus.

namespace pharmacrm::itest {

class ServiceProcess {
 public:
  // Starts PHARMACRM_BIN_DIR/pharmacrm-<name> (e.g. "customer-master") with
  // `args`. If `args` hold --admin_port=N, waits until
  // GET http://127.0.0.1:N/readyz answers 200: DEADLINE_EXCEEDED after
  // `ready_timeout` (the process is killed), UNAVAILABLE if it exits first;
  // both carry the end of its log. NOT_FOUND if the binary is not built.
  static absl::StatusOr<std::unique_ptr<ServiceProcess>> Start(
      std::string name, std::vector<std::string> args,
      absl::Duration ready_timeout = absl::Seconds(30));

  // Same for any executable, by absolute path; the log is named after its
  // file name.
  static absl::StatusOr<std::unique_ptr<ServiceProcess>> StartBinary(
      std::string path, std::vector<std::string> args,
      absl::Duration ready_timeout = absl::Seconds(30));

  // Kills the process. Removes the log folder unless the current test has
  // failed or PHARMACRM_ITEST_KEEP_DIRS is set (the path is then printed).
  ~ServiceProcess();

  ServiceProcess(const ServiceProcess&) = delete;
  ServiceProcess& operator=(const ServiceProcess&) = delete;

  // The running process, or 0 once it has been reaped.
  pid_t pid() const { return pid_; }
  // "pharmacrm-customer-master", ...
  const std::string& name() const { return name_; }
  const std::string& log_path() const { return log_path_; }
  // From --admin_port in the current args; 0 if absent.
  int admin_port() const { return admin_port_; }

  // True while the process runs (reaps it if it has exited).
  bool Running();

  // SIGKILL, and waits until the process is gone. No-op if not running.
  void Kill();

  // SIGTERM, then waits up to `grace`. Returns the raw wait status (check
  // it with ExitedWith / KilledBySignal); if the process had already exited,
  // that earlier status. DEADLINE_EXCEEDED if it outlives `grace` (it is
  // then killed).
  absl::StatusOr<int> Terminate(absl::Duration grace = absl::Seconds(10));

  // For a process expected to die by itself (a crash point, a fatal
  // error): waits up to `timeout` and returns the raw wait status.
  // DEADLINE_EXCEEDED if it still runs (it is left running).
  absl::StatusOr<int> WaitExit(absl::Duration timeout);

  // Starts the same binary again with `args` (killing it first if it still
  // runs), appending to the same log, and waits for readiness as Start does.
  absl::Status Restart(std::vector<std::string> args);

  // The last `lines` lines of the log.
  std::string LogTail(int lines = 40) const;

 private:
  ServiceProcess(std::string path, std::string name, std::string dir,
                 absl::Duration ready_timeout);

  // Spawns with args_ and waits for readiness.
  absl::Status Launch();
  absl::Status WaitReady();
  std::string WithLog(absl::string_view what) const;

  const std::string path_;
  const std::string name_;
  const std::string dir_;
  const std::string log_path_;
  const absl::Duration ready_timeout_;
  const pid_t owner_;  // The test process; forked children must not kill.
  std::vector<std::string> args_;
  int admin_port_ = 0;
  pid_t pid_ = 0;
  std::optional<int> exit_status_;  // Of the last life, once reaped.
  int launches_ = 0;
};

}  // namespace pharmacrm::itest

#endif  // PHARMACRM_TESTS_INTEGRATION_SUPPORT_SERVICE_PROCESS_H_
