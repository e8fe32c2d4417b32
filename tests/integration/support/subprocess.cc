#include "support/subprocess.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace pharmacrm::itest {
namespace {

// Only async-signal-safe calls from here on: the test process has threads
// (librdkafka, gRPC), and only the forking thread exists in the child.
[[noreturn]] void ChildFail(int err_fd) {
  int err = errno;
  ssize_t ignored = ::write(err_fd, &err, sizeof(err));
  (void)ignored;
  ::_exit(127);
}

[[noreturn]] void RunChild(pid_t parent, int null_fd, int log_fd, int err_fd, const char* cwd,
                           const char* path, char* const* argv) {
  // Die with the test; and if the test already died before prctl ran, go now.
  if (::prctl(PR_SET_PDEATHSIG, SIGKILL) != 0) ChildFail(err_fd);
  if (::getppid() != parent) ::_exit(127);

  // Dispositions set to "ignore" and the signal mask survive exec; the
  // service must see the defaults.
  struct sigaction dfl {};
  dfl.sa_handler = SIG_DFL;
  for (int sig : {SIGPIPE, SIGINT, SIGTERM, SIGHUP, SIGQUIT}) ::sigaction(sig, &dfl, nullptr);
  sigset_t none;
  sigemptyset(&none);
  ::sigprocmask(SIG_SETMASK, &none, nullptr);

  if (::dup2(null_fd, STDIN_FILENO) < 0 || ::dup2(log_fd, STDOUT_FILENO) < 0 ||
      ::dup2(log_fd, STDERR_FILENO) < 0) {
    ChildFail(err_fd);
  }
  if (cwd != nullptr && ::chdir(cwd) != 0) ChildFail(err_fd);
  // Leave no inherited descriptor open but the error pipe (close-on-exec).
  if (err_fd > 3) ::close_range(3, err_fd - 1, 0);
  ::close_range(err_fd + 1, ~0U, 0);

  ::execv(path, argv);
  ChildFail(err_fd);
}

}  // namespace

absl::StatusOr<pid_t> Spawn(const SpawnOptions& options) {
  std::vector<std::string> argv_strings;
  argv_strings.reserve(options.args.size() + 1);
  argv_strings.push_back(options.path);
  argv_strings.insert(argv_strings.end(), options.args.begin(), options.args.end());
  std::vector<char*> argv;
  for (std::string& s : argv_strings) argv.push_back(s.data());
  argv.push_back(nullptr);

  int log_fd = ::open(options.log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
  if (log_fd < 0) {
    return absl::InternalError(
        absl::StrCat("open ", options.log_path, ": ", std::strerror(errno)));
  }
  int null_fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
  int err_pipe[2];
  if (null_fd < 0 || ::pipe2(err_pipe, O_CLOEXEC) != 0) {
    std::string err = std::strerror(errno);
    ::close(log_fd);
    if (null_fd >= 0) ::close(null_fd);
    return absl::InternalError(absl::StrCat("spawn ", options.path, ": ", err));
  }

  const pid_t parent = ::getpid();
  const pid_t pid = ::fork();
  if (pid == 0) {
    RunChild(parent, null_fd, log_fd, err_pipe[1],
             options.cwd.empty() ? nullptr : options.cwd.c_str(), options.path.c_str(),
             argv.data());
  }
  const int fork_errno = errno;
  ::close(err_pipe[1]);
  ::close(log_fd);
  ::close(null_fd);
  if (pid < 0) {
    ::close(err_pipe[0]);
    return absl::InternalError(absl::StrCat("fork: ", std::strerror(fork_errno)));
  }

  // EOF on the close-on-exec pipe means exec succeeded; an int is its errno.
  int child_errno = 0;
  ssize_t n;
  do {
    n = ::read(err_pipe[0], &child_errno, sizeof(child_errno));
  } while (n < 0 && errno == EINTR);
  ::close(err_pipe[0]);
  if (n == sizeof(child_errno)) {
    int status;
    while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    return absl::FailedPreconditionError(
        absl::StrCat("cannot start ", options.path, ": ", std::strerror(child_errno)));
  }
  return pid;
}

absl::StatusOr<int> WaitPid(pid_t pid, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  absl::Duration backoff = absl::Milliseconds(1);
  while (true) {
    int status = 0;
    const pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid) return status;
    if (r < 0 && errno != EINTR) {
      return absl::InternalError(absl::StrCat("waitpid ", pid, ": ", std::strerror(errno)));
    }
    const absl::Time now = absl::Now();
    if (now >= deadline) {
      return absl::DeadlineExceededError(
          absl::StrCat("process ", pid, " still running after ", absl::FormatDuration(timeout)));
    }
    absl::SleepFor(std::min(backoff, deadline - now));
    backoff = std::min(backoff * 2, absl::Milliseconds(50));
  }
}

bool KilledBySignal(int status, int sig) { return WIFSIGNALED(status) && WTERMSIG(status) == sig; }

bool ExitedWith(int status, int code) { return WIFEXITED(status) && WEXITSTATUS(status) == code; }

std::string DescribeWaitStatus(int status) {
  if (WIFEXITED(status)) return absl::StrCat("exited with code ", WEXITSTATUS(status));
  if (WIFSIGNALED(status)) {
    const int sig = WTERMSIG(status);
    const char* name = ::strsignal(sig);
    return absl::StrCat("killed by signal ", sig, " (", name ? name : "?", ")",
                        WCOREDUMP(status) ? ", core dumped" : "");
  }
  return absl::StrCat("wait status ", status);
}

std::string FileTail(const std::string& path, int lines) {
  if (lines <= 0) return "";
  std::ifstream in(path, std::ios::binary);
  if (!in) return "";
  // Logs can be long; the tail lives in the last few hundred KiB.
  constexpr std::streamoff kMaxRead = 256 * 1024;
  in.seekg(0, std::ios::end);
  const std::streamoff size = in.tellg();
  const std::streamoff start = std::max<std::streamoff>(0, size - kMaxRead);
  in.seekg(start);
  std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  if (!text.empty() && text.back() == '\n') text.pop_back();
  std::vector<absl::string_view> all = absl::StrSplit(text, '\n');
  if (start > 0 && !all.empty()) all.erase(all.begin());  // Likely a partial line.
  const size_t keep = std::min<size_t>(all.size(), static_cast<size_t>(lines));
  return absl::StrJoin(all.end() - keep, all.end(), "\n");
}

std::string FindInPath(const std::string& name) {
  if (name.find('/') != std::string::npos) return ::access(name.c_str(), X_OK) == 0 ? name : "";
  const char* path = std::getenv("PATH");
  for (absl::string_view dir : absl::StrSplit(path ? path : "/usr/bin:/bin", ':')) {
    if (dir.empty()) continue;
    std::string candidate = absl::StrCat(dir, "/", name);
    struct stat st;
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0) {
      return candidate;
    }
  }
  return "";
}

bool PortOpen(int port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const bool open = ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
  ::close(fd);
  return open;
}

}  // namespace pharmacrm::itest
