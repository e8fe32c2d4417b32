// A small HTTP/1.1 server and blocking client.
//
// The server backs each process's admin port (/metrics, /healthz, /readyz)
// and the gateway's JSON API. A fixed pool of io threads runs one event loop;
// every connection is served asynchronously with keep-alive (no limit on the
// number of requests per connection) and TCP_NODELAY. Handlers are plain
// synchronous functions invoked on the io threads, so they may block briefly
// (for example on an RPC with a deadline); size `threads` accordingly.
//
// The HTTP machinery stays out of this header so including it is cheap.
#ifndef PHARMACRM_HTTP_SERVER_H_
#define PHARMACRM_HTTP_SERVER_H_

#include <cstddef>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace pharmacrm::http {

struct Request {
  std::string method;  // "GET", "POST", ...
  std::string path;    // target without the query string, percent-decoding NOT applied
  std::string query;   // after '?', may be empty
  std::map<std::string, std::string> headers;  // keys lower-cased; repeats joined by ", "
  std::string body;
};

struct Response {
  int status = 200;
  std::string content_type = "application/json; charset=utf-8";  // empty: no header
  std::string body;
  // Extra headers. Content-Length and Transfer-Encoding are computed by the
  // server and ignored here; "Connection: close" closes the connection after
  // the response. Responses returned by Fetch carry every header of the
  // response, names lower-cased.
  std::vector<std::pair<std::string, std::string>> headers;
};

// Called concurrently from several io threads; must be thread-safe. An
// exception escaping it becomes a 500 response.
using Handler = std::function<Response(const Request&)>;

struct ServerOptions {
  std::string host = "0.0.0.0";
  int port = 0;  // 0: the OS picks; see Server::port()
  int threads = 8;
  size_t max_body_bytes = 1 << 20;
  // A connection that stays idle (or stalls mid-request or mid-response)
  // this long is closed.
  absl::Duration idle_timeout = absl::Seconds(60);
};

class Server {
 public:
  // Binds, listens and starts serving. Errors (port in use, bad host) are
  // UNAVAILABLE / INVALID_ARGUMENT naming the host:port.
  static absl::StatusOr<std::unique_ptr<Server>> Start(const ServerOptions& options,
                                                       Handler handler);

  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;
  ~Server();  // Stop()

  int port() const;  // the bound port

  // Stops accepting, closes connections, joins threads; idempotent. Waits for
  // handlers in progress to return, so it must not be called from a handler.
  void Stop();

 private:
  struct Impl;
  explicit Server(std::unique_ptr<Impl> impl);

  std::unique_ptr<Impl> impl_;
};

// Minimal blocking client for tests, tools and benchmarks (one connection per
// call). Network failures are UNAVAILABLE, running out of `timeout` is
// DEADLINE_EXCEEDED; any HTTP status is returned as a Response.
absl::StatusOr<Response> Fetch(absl::string_view host, int port, absl::string_view method,
                               absl::string_view target, absl::string_view body = "",
                               absl::Duration timeout = absl::Seconds(10),
                               const std::vector<std::pair<std::string, std::string>>& headers = {});

// A JSON error body {"error":{"code":"<code>","message":"<message>"}} with
// proper escaping.
std::string JsonError(absl::string_view code, absl::string_view message);

}  // namespace pharmacrm::http

#endif  // PHARMACRM_HTTP_SERVER_H_
