// The process side of the integration support (ServiceProcess, Spawn,
// HttpGet), exercised with stand-ins from /bin so it needs no service binary.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <fstream>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "support/http_get.h"
#include "support/ports.h"
#include "support/service_process.h"
#include "support/subprocess.h"
#include "support/wait.h"

namespace pharmacrm::itest {
namespace {

// A one-route HTTP server on 127.0.0.1: answers the first `not_ready`
// requests with 503, the rest with 200.
class FakeAdminServer {
 public:
  explicit FakeAdminServer(int not_ready) : not_ready_(not_ready), port_(FreePort()) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    int one = 1;
    ::setsockopt(fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = htons(static_cast<uint16_t>(port_));
    bound_ = ::bind(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0 &&
             ::listen(fd_, 16) == 0;
    thread_ = std::thread([this] { Serve(); });
  }
  ~FakeAdminServer() {
    stop_ = true;
    thread_.join();
    ::close(fd_);
  }

  bool bound() const { return bound_; }
  int port() const { return port_; }
  int requests() const { return requests_; }

 private:
  void Serve() {
    while (!stop_) {
      pollfd p{fd_, POLLIN, 0};
      if (::poll(&p, 1, 50) <= 0) continue;
      int conn = ::accept4(fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (conn < 0) continue;
      std::string request;
      char buf[1024];
      while (request.find("\r\n\r\n") == std::string::npos) {
        ssize_t n = ::recv(conn, buf, sizeof(buf), 0);
        if (n <= 0) break;
        request.append(buf, static_cast<size_t>(n));
      }
      const int count = ++requests_;
      const bool ready = count > not_ready_;
      const std::string body = ready ? "ready\n" : "starting\n";
      const std::string reply =
          absl::StrCat("HTTP/1.1 ", ready ? "200 OK" : "503 Service Unavailable",
                       "\r\nContent-Type: text/plain\r\nContent-Length: ", body.size(),
                       "\r\n\r\n", body);
      ssize_t ignored = ::send(conn, reply.data(), reply.size(), MSG_NOSIGNAL);
      (void)ignored;
      ::close(conn);
    }
  }

  const int not_ready_;
  const int port_;
  int fd_ = -1;
  bool bound_ = false;
  std::atomic<bool> stop_{false};
  std::atomic<int> requests_{0};
  std::thread thread_;
};

TEST(PortsTest, FreePortsAreDistinctAndTempDirsExist) {
  const int a = FreePort();
  const int b = FreePort();
  EXPECT_GT(a, 0);
  EXPECT_NE(a, b);
  const std::string dir = TempDir("pharmacrm-itest-");
  EXPECT_TRUE(absl::StartsWith(dir, "/tmp/pharmacrm-itest-"));
  EXPECT_EQ(::access(dir.c_str(), W_OK), 0);
  EXPECT_EQ(::rmdir(dir.c_str()), 0);
}

TEST(HttpGetTest, ReadsStatusAndBody) {
  FakeAdminServer server(/*not_ready=*/1);
  ASSERT_TRUE(server.bound());
  absl::StatusOr<HttpResponse> first = HttpGet(server.port(), "/readyz");
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->status, 503);
  EXPECT_EQ(first->body, "starting\n");
  absl::StatusOr<HttpResponse> second = HttpGet(server.port(), "/readyz");
  ASSERT_TRUE(second.ok()) << second.status();
  EXPECT_EQ(second->status, 200);
  EXPECT_EQ(second->body, "ready\n");

  absl::StatusOr<HttpResponse> nobody = HttpGet(FreePort(), "/readyz");
  EXPECT_EQ(nobody.status().code(), absl::StatusCode::kUnavailable) << nobody.status();
}

TEST(ServiceProcessTest, MissingServiceBinaryIsNotFound) {
  absl::StatusOr<std::unique_ptr<ServiceProcess>> p =
      ServiceProcess::Start("no-such-service", {"--grpc_port=1"});
  EXPECT_EQ(p.status().code(), absl::StatusCode::kNotFound) << p.status();
}

TEST(ServiceProcessTest, CrashThenRestartSharesOneLog) {
  absl::StatusOr<std::unique_ptr<ServiceProcess>> started =
      ServiceProcess::StartBinary("/bin/sh", {"-c", "echo first life; kill -SEGV $$"});
  ASSERT_TRUE(started.ok()) << started.status();
  ServiceProcess& p = **started;

  absl::StatusOr<int> status = p.WaitExit(absl::Seconds(10));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_TRUE(KilledBySignal(*status, SIGSEGV)) << DescribeWaitStatus(*status);
  EXPECT_EQ(p.pid(), 0);

  ASSERT_TRUE(p.Restart({"-c", "echo second life >&2; exit 3"}).ok());
  status = p.WaitExit(absl::Seconds(10));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_TRUE(ExitedWith(*status, 3)) << DescribeWaitStatus(*status);

  const std::string log = p.LogTail(100);
  EXPECT_TRUE(absl::StrContains(log, "first life")) << log;
  EXPECT_TRUE(absl::StrContains(log, "second life")) << log;
  EXPECT_LT(log.find("first life"), log.find("second life")) << log;
}

TEST(ServiceProcessTest, TerminateKillAndWaitExit) {
  absl::StatusOr<std::unique_ptr<ServiceProcess>> started =
      ServiceProcess::StartBinary("/bin/sleep", {"30"});
  ASSERT_TRUE(started.ok()) << started.status();
  ServiceProcess& p = **started;
  EXPECT_TRUE(p.Running());
  EXPECT_GT(p.pid(), 0);
  EXPECT_EQ(p.WaitExit(absl::Milliseconds(100)).status().code(),
            absl::StatusCode::kDeadlineExceeded);

  absl::StatusOr<int> status = p.Terminate(absl::Seconds(5));
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_TRUE(KilledBySignal(*status, SIGTERM)) << DescribeWaitStatus(*status);

  ASSERT_TRUE(p.Restart({"30"}).ok());
  const pid_t pid = p.pid();
  EXPECT_GT(pid, 0);
  p.Kill();
  EXPECT_EQ(p.pid(), 0);
  EXPECT_NE(::kill(pid, 0), 0);
  status = p.WaitExit(absl::ZeroDuration());
  ASSERT_TRUE(status.ok()) << status.status();
  EXPECT_TRUE(KilledBySignal(*status, SIGKILL)) << DescribeWaitStatus(*status);
}

TEST(ServiceProcessTest, WaitsUntilReadyzAnswers200) {
  FakeAdminServer admin(/*not_ready=*/3);
  ASSERT_TRUE(admin.bound());
  // For `sh -c script arg0`, the flag is only $0: the shell ignores it, the
  // support library reads the admin port from it.
  absl::StatusOr<std::unique_ptr<ServiceProcess>> started = ServiceProcess::StartBinary(
      "/bin/sh", {"-c", "exec sleep 30", absl::StrCat("--admin_port=", admin.port())});
  ASSERT_TRUE(started.ok()) << started.status();
  EXPECT_EQ((*started)->admin_port(), admin.port());
  EXPECT_EQ(admin.requests(), 4);
  EXPECT_TRUE((*started)->Running());
}

TEST(ServiceProcessTest, ExitDuringStartupFailsWithLogTail) {
  const absl::Time start = absl::Now();
  absl::StatusOr<std::unique_ptr<ServiceProcess>> started = ServiceProcess::StartBinary(
      "/bin/sh", {"-c", "echo cannot open data dir >&2; exit 7",
                  absl::StrCat("--admin_port=", FreePort())});
  EXPECT_EQ(started.status().code(), absl::StatusCode::kUnavailable) << started.status();
  EXPECT_TRUE(absl::StrContains(started.status().message(), "exited with code 7"))
      << started.status();
  EXPECT_TRUE(absl::StrContains(started.status().message(), "cannot open data dir"))
      << started.status();
  EXPECT_LT(absl::Now() - start, absl::Seconds(10));
}

TEST(ServiceProcessTest, NotReadyInTimeIsDeadlineExceeded) {
  absl::StatusOr<std::unique_ptr<ServiceProcess>> started = ServiceProcess::StartBinary(
      "/bin/sh", {"-c", "exec sleep 30", absl::StrCat("--admin_port=", FreePort())},
      absl::Milliseconds(500));
  EXPECT_EQ(started.status().code(), absl::StatusCode::kDeadlineExceeded) << started.status();
}

// Reads the state letter of /proc/<pid>/stat; 0 if the process is gone.
char ProcState(pid_t pid) {
  std::ifstream in(absl::StrCat("/proc/", pid, "/stat"));
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const size_t paren = stat.rfind(')');
  return paren == std::string::npos || paren + 2 >= stat.size() ? 0 : stat[paren + 2];
}

TEST(SpawnTest, ChildDiesWithItsParent) {
  // A stand-in test process spawns a long sleep and exits without cleanup.
  int pipe_fds[2];
  ASSERT_EQ(::pipe(pipe_fds), 0);
  const pid_t middle = ::fork();
  ASSERT_GE(middle, 0);
  if (middle == 0) {
    ::close(pipe_fds[0]);
    absl::StatusOr<pid_t> child = Spawn({"/bin/sleep", {"60"}, "/dev/null", ""});
    const pid_t pid = child.ok() ? *child : -1;
    ssize_t ignored = ::write(pipe_fds[1], &pid, sizeof(pid));
    (void)ignored;
    ::_exit(0);
  }
  ::close(pipe_fds[1]);
  pid_t child = 0;
  ASSERT_EQ(::read(pipe_fds[0], &child, sizeof(child)), static_cast<ssize_t>(sizeof(child)));
  ::close(pipe_fds[0]);
  ASSERT_GT(child, 0);
  absl::StatusOr<int> middle_status = WaitPid(middle, absl::Seconds(10));
  ASSERT_TRUE(middle_status.ok()) << middle_status.status();

  // Gone, or a zombie waiting for whoever adopted it.
  EXPECT_TRUE(WaitUntil(
      [&] {
        const char state = ProcState(child);
        return state == 0 || state == 'Z';
      },
      absl::Seconds(10)))
      << "orphaned child " << child << " still running";
}

}  // namespace
}  // namespace pharmacrm::itest
