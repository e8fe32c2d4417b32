#include "support/ports.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <mutex>
#include <set>
#include <vector>

#include "absl/strings/str_cat.h"
#include "gtest/gtest.h"

namespace pharmacrm::itest {
namespace {

[[noreturn]] void Die(absl::string_view what) {
  std::fprintf(stderr, "itest support: %.*s: %s\n", static_cast<int>(what.size()), what.data(),
               std::strerror(errno));
  std::abort();
}

// Asks the kernel for an ephemeral port on 127.0.0.1.
int BindEphemeralPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) Die("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) Die("bind 127.0.0.1:0");
  socklen_t len = sizeof(addr);
  if (::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) Die("getsockname");
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

int FreePort() {
  // The kernel may hand out a port again once its socket is closed; callers
  // often take several ports before binding any, so never repeat one.
  static std::mutex mu;
  static std::set<int>* handed_out = new std::set<int>();
  std::lock_guard<std::mutex> lock(mu);
  for (int attempt = 0; attempt < 100; ++attempt) {
    int port = BindEphemeralPort();
    if (handed_out->insert(port).second) return port;
  }
  errno = EADDRINUSE;
  Die("no unused ephemeral port after 100 attempts");
}

std::string TempDir(absl::string_view prefix) {
  std::string tmpl = absl::StrCat("/tmp/", prefix, "XXXXXX");
  std::vector<char> buf(tmpl.begin(), tmpl.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) Die(absl::StrCat("mkdtemp ", tmpl));
  return std::string(buf.data());
}

bool AnyTestFailed() {
  return ::testing::Test::HasFailure() || ::testing::UnitTest::GetInstance()->Failed();
}

void RemoveTestDir(const std::string& path, absl::string_view what, bool keep_anyway) {
  const char* keep = std::getenv("PHARMACRM_ITEST_KEEP_DIRS");
  if ((keep != nullptr && *keep != '\0' && std::string(keep) != "0") || keep_anyway) {
    std::fprintf(stderr, "[itest] keeping %.*s: %s\n", static_cast<int>(what.size()), what.data(),
                 path.c_str());
    return;
  }
  std::error_code ec;
  std::filesystem::remove_all(path, ec);
  if (ec)
    std::fprintf(stderr, "[itest] cannot remove %s: %s\n", path.c_str(), ec.message().c_str());
}

}  // namespace pharmacrm::itest
