#include "support/service_process.h"

#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <system_error>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/strip.h"
#include "absl/time/clock.h"
#include "support/http_get.h"
#include "support/ports.h"

#ifndef PHARMACRM_BIN_DIR
#error "PHARMACRM_BIN_DIR must be defined (tests/integration/CMakeLists.txt)"
#endif

namespace pharmacrm::itest {
namespace {

constexpr int kLogTailLines = 40;
constexpr absl::Duration kReapTimeout = absl::Seconds(30);
constexpr absl::Duration kProbeTimeout = absl::Seconds(1);
constexpr absl::Duration kProbeInterval = absl::Milliseconds(50);

// The value of --admin_port (also -admin_port, and "--admin_port N"); 0 if
// absent or not a number.
int AdminPortOf(const std::vector<std::string>& args) {
  for (size_t i = 0; i < args.size(); ++i) {
    for (absl::string_view flag : {"--admin_port", "-admin_port"}) {
      absl::string_view arg = args[i];
      if (!absl::ConsumePrefix(&arg, flag)) continue;
      absl::string_view value;
      if (absl::ConsumePrefix(&arg, "=")) {
        value = arg;
      } else if (arg.empty() && i + 1 < args.size()) {
        value = args[i + 1];
      } else {
        continue;
      }
      int port = 0;
      return absl::SimpleAtoi(value, &port) ? port : 0;
    }
  }
  return 0;
}

void AppendLine(const std::string& path, absl::string_view line) {
  std::ofstream out(path, std::ios::app);
  out << line << '\n';
}

}  // namespace

ServiceProcess::ServiceProcess(std::string path, std::string name, std::string dir,
                               absl::Duration ready_timeout)
    : path_(std::move(path)),
      name_(std::move(name)),
      dir_(std::move(dir)),
      log_path_(absl::StrCat(dir_, "/", name_, ".log")),
      ready_timeout_(ready_timeout),
      owner_(::getpid()) {}

absl::StatusOr<std::unique_ptr<ServiceProcess>> ServiceProcess::Start(
    std::string name, std::vector<std::string> args, absl::Duration ready_timeout) {
  std::string path = absl::StrCat(PHARMACRM_BIN_DIR, "/pharmacrm-", name);
  if (::access(path.c_str(), X_OK) != 0) {
    return absl::NotFoundError(
        absl::StrCat(path, " is not built; build the target pharmacrm-", name, " first"));
  }
  return StartBinary(std::move(path), std::move(args), ready_timeout);
}

absl::StatusOr<std::unique_ptr<ServiceProcess>> ServiceProcess::StartBinary(
    std::string path, std::vector<std::string> args, absl::Duration ready_timeout) {
  if (path.empty() || path[0] != '/') {
    return absl::InvalidArgumentError(absl::StrCat("not an absolute path: ", path));
  }
  const std::string name = std::filesystem::path(path).filename().string();
  std::unique_ptr<ServiceProcess> process(
      new ServiceProcess(std::move(path), name, TempDir(name + "-"), ready_timeout));
  process->args_ = std::move(args);
  if (absl::Status s = process->Launch(); !s.ok()) return s;
  return process;
}

ServiceProcess::~ServiceProcess() {
  if (::getpid() != owner_) return;  // A forked child running exit handlers.
  Kill();
  RemoveTestDir(dir_, absl::StrCat("the folder of ", name_, " with its log"), AnyTestFailed());
}

absl::Status ServiceProcess::Launch() {
  admin_port_ = AdminPortOf(args_);
  exit_status_.reset();
  AppendLine(log_path_, absl::StrCat("----- [itest] ", launches_ == 0 ? "start" : "restart", ": ",
                                     path_, " ", absl::StrJoin(args_, " "), " -----"));
  ++launches_;
  SpawnOptions options;
  options.path = path_;
  options.args = args_;
  options.log_path = log_path_;
  options.cwd = dir_;  // Core files and stray relative paths land here.
  absl::StatusOr<pid_t> pid = Spawn(options);
  if (!pid.ok()) return pid.status();
  pid_ = *pid;
  return WaitReady();
}

absl::Status ServiceProcess::WaitReady() {
  if (admin_port_ == 0) return absl::OkStatus();
  const absl::Time deadline = absl::Now() + ready_timeout_;
  std::string last = "no answer yet";
  while (true) {
    if (!Running()) {
      return absl::UnavailableError(WithLog(absl::StrCat(
          name_, " exited before it was ready (", DescribeWaitStatus(*exit_status_), ")")));
    }
    absl::StatusOr<HttpResponse> response = HttpGet(admin_port_, "/readyz", kProbeTimeout);
    if (response.ok() && response->status == 200) return absl::OkStatus();
    last = response.ok() ? absl::StrCat("HTTP ", response->status, " ", response->body)
                         : std::string(response.status().message());
    if (absl::Now() >= deadline) break;
    absl::SleepFor(kProbeInterval);
  }
  Kill();
  return absl::DeadlineExceededError(
      WithLog(absl::StrCat(name_, " not ready within ", absl::FormatDuration(ready_timeout_),
                           " (GET :", admin_port_, "/readyz: ", last, ")")));
}

std::string ServiceProcess::WithLog(absl::string_view what) const {
  return absl::StrCat(what, "; last lines of ", log_path_, ":\n", LogTail(kLogTailLines));
}

bool ServiceProcess::Running() {
  if (pid_ <= 0) return false;
  absl::StatusOr<int> status = WaitPid(pid_, absl::ZeroDuration());
  if (absl::IsDeadlineExceeded(status.status())) return true;
  exit_status_ = status.ok() ? *status : -1;
  pid_ = 0;
  return false;
}

void ServiceProcess::Kill() {
  if (pid_ <= 0) return;
  ::kill(pid_, SIGKILL);
  absl::StatusOr<int> status = WaitPid(pid_, kReapTimeout);
  exit_status_ = status.ok() ? *status : -1;
  pid_ = 0;
}

absl::StatusOr<int> ServiceProcess::Terminate(absl::Duration grace) {
  if (!Running()) {
    if (exit_status_) return *exit_status_;
    return absl::FailedPreconditionError(absl::StrCat(name_, " is not running"));
  }
  ::kill(pid_, SIGTERM);
  absl::StatusOr<int> status = WaitPid(pid_, grace);
  if (status.ok()) {
    exit_status_ = *status;
    pid_ = 0;
    return *status;
  }
  Kill();
  return absl::DeadlineExceededError(WithLog(absl::StrCat(
      name_, " did not exit within ", absl::FormatDuration(grace), " of SIGTERM; killed")));
}

absl::StatusOr<int> ServiceProcess::WaitExit(absl::Duration timeout) {
  if (pid_ > 0) {
    absl::StatusOr<int> status = WaitPid(pid_, timeout);
    if (absl::IsDeadlineExceeded(status.status())) {
      return absl::DeadlineExceededError(
          absl::StrCat(name_, " still running after ", absl::FormatDuration(timeout)));
    }
    exit_status_ = status.ok() ? *status : -1;
    pid_ = 0;
    if (!status.ok()) return status.status();
  }
  if (exit_status_) return *exit_status_;
  return absl::FailedPreconditionError(absl::StrCat(name_, " was never started"));
}

absl::Status ServiceProcess::Restart(std::vector<std::string> args) {
  Kill();
  args_ = std::move(args);
  return Launch();
}

std::string ServiceProcess::LogTail(int lines) const { return FileTail(log_path_, lines); }

}  // namespace pharmacrm::itest
