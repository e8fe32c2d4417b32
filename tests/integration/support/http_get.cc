#include "support/http_get.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "absl/time/clock.h"

namespace pharmacrm::itest {
namespace {

class Fd {
 public:
  explicit Fd(int fd) : fd_(fd) {}
  ~Fd() {
    if (fd_ >= 0) ::close(fd_);
  }
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

// Waits until `fd` is ready for `events` or the deadline passes.
absl::Status PollUntil(int fd, short events, absl::Time deadline, absl::string_view what) {
  while (true) {
    const int64_t ms = absl::ToInt64Milliseconds(deadline - absl::Now());
    if (ms <= 0) return absl::DeadlineExceededError(absl::StrCat("HTTP GET: ", what, " timed out"));
    pollfd p{fd, events, 0};
    const int r = ::poll(&p, 1, static_cast<int>(std::min<int64_t>(ms, 1000)));
    if (r > 0) return absl::OkStatus();
    if (r < 0 && errno != EINTR) {
      return absl::UnavailableError(absl::StrCat("HTTP GET: poll: ", std::strerror(errno)));
    }
  }
}

// Decodes a complete chunked body; nullopt if it is not complete yet.
std::optional<std::string> Dechunk(absl::string_view data) {
  std::string out;
  while (true) {
    const size_t eol = data.find("\r\n");
    if (eol == absl::string_view::npos) return std::nullopt;
    absl::string_view size_text = data.substr(0, eol);
    size_text = size_text.substr(0, size_text.find(';'));  // Drop extensions.
    uint64_t size = 0;
    if (!absl::SimpleHexAtoi(absl::StripAsciiWhitespace(size_text), &size)) return std::nullopt;
    data.remove_prefix(eol + 2);
    if (size == 0) return out;  // Trailers, if any, are ignored.
    if (data.size() < size + 2) return std::nullopt;
    out.append(data.data(), size);
    data.remove_prefix(size + 2);
  }
}

}  // namespace

absl::StatusOr<HttpResponse> HttpGet(int port, absl::string_view path, absl::Duration timeout) {
  const absl::Time deadline = absl::Now() + timeout;
  Fd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0));
  if (fd.get() < 0) return absl::InternalError(absl::StrCat("socket: ", std::strerror(errno)));

  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(port));
  const std::string target = absl::StrCat("127.0.0.1:", port, path);
  if (::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    if (errno != EINPROGRESS) {
      return absl::UnavailableError(absl::StrCat("connect ", target, ": ", std::strerror(errno)));
    }
    if (absl::Status s = PollUntil(fd.get(), POLLOUT, deadline, "connect"); !s.ok()) return s;
    int err = 0;
    socklen_t len = sizeof(err);
    ::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &err, &len);
    if (err != 0) {
      return absl::UnavailableError(absl::StrCat("connect ", target, ": ", std::strerror(err)));
    }
  }

  const std::string request = absl::StrCat("GET ", path, " HTTP/1.1\r\nHost: 127.0.0.1:", port,
                                           "\r\nAccept: */*\r\nConnection: close\r\n\r\n");
  for (size_t sent = 0; sent < request.size();) {
    const ssize_t n = ::send(fd.get(), request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n > 0) {
      sent += static_cast<size_t>(n);
    } else if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
      if (absl::Status s = PollUntil(fd.get(), POLLOUT, deadline, "send"); !s.ok()) return s;
    } else {
      return absl::UnavailableError(absl::StrCat("send ", target, ": ", std::strerror(errno)));
    }
  }

  // Read until the body is complete (Content-Length or chunked) or EOF.
  std::string data;
  HttpResponse response;
  size_t body_start = std::string::npos;
  std::optional<size_t> content_length;
  bool chunked = false;
  char buf[8192];
  while (true) {
    if (body_start != std::string::npos) {
      absl::string_view body = absl::string_view(data).substr(body_start);
      if (content_length && body.size() >= *content_length) {
        response.body = std::string(body.substr(0, *content_length));
        return response;
      }
      if (chunked) {
        if (std::optional<std::string> decoded = Dechunk(body)) {
          response.body = std::move(*decoded);
          return response;
        }
      }
    }
    if (absl::Status s = PollUntil(fd.get(), POLLIN, deadline, "read"); !s.ok()) return s;
    const ssize_t n = ::recv(fd.get(), buf, sizeof(buf), 0);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return absl::UnavailableError(absl::StrCat("recv ", target, ": ", std::strerror(errno)));
    }
    if (n == 0) break;  // EOF.
    data.append(buf, static_cast<size_t>(n));

    if (body_start == std::string::npos) {
      const size_t end = data.find("\r\n\r\n");
      if (end == std::string::npos) continue;
      body_start = end + 4;
      std::vector<absl::string_view> lines =
          absl::StrSplit(absl::string_view(data).substr(0, end), "\r\n");
      // Status line: HTTP/1.1 200 OK
      std::vector<absl::string_view> parts = absl::StrSplit(lines[0], absl::MaxSplits(' ', 2));
      if (parts.size() < 2 || !absl::StartsWith(parts[0], "HTTP/") ||
          !absl::SimpleAtoi(parts[1], &response.status)) {
        return absl::InternalError(absl::StrCat("GET ", target, ": not an HTTP reply: ", lines[0]));
      }
      for (size_t i = 1; i < lines.size(); ++i) {
        std::pair<absl::string_view, absl::string_view> kv =
            absl::StrSplit(lines[i], absl::MaxSplits(':', 1));
        const absl::string_view name = absl::StripAsciiWhitespace(kv.first);
        const absl::string_view value = absl::StripAsciiWhitespace(kv.second);
        size_t length = 0;
        if (absl::EqualsIgnoreCase(name, "content-length") && absl::SimpleAtoi(value, &length)) {
          content_length = length;
        } else if (absl::EqualsIgnoreCase(name, "transfer-encoding") &&
                   absl::StrContains(absl::AsciiStrToLower(value), "chunked")) {
          chunked = true;
        }
      }
    }
  }

  if (body_start == std::string::npos) {
    return absl::UnavailableError(absl::StrCat("GET ", target, ": connection closed before reply"));
  }
  absl::string_view body = absl::string_view(data).substr(body_start);
  if (chunked) {
    std::optional<std::string> decoded = Dechunk(body);
    if (!decoded) {
      return absl::UnavailableError(absl::StrCat("GET ", target, ": truncated chunked body"));
    }
    response.body = std::move(*decoded);
  } else {
    if (content_length && body.size() < *content_length) {
      return absl::UnavailableError(absl::StrCat("GET ", target, ": truncated body"));
    }
    response.body = std::string(body);
  }
  return response;
}

}  // namespace pharmacrm::itest
