#include "pharmacrm/http/server.h"

#include <chrono>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pharmacrm/core/log.h"

namespace pharmacrm::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

// Request line plus headers; generous enough for bearer tokens and cookies.
constexpr uint32_t kMaxHeaderBytes = 64 * 1024;
// After an error response the connection is half-closed and the rest of the
// request is read and discarded for at most this long, so the client sees the
// response rather than a reset.
constexpr auto kLingerTime = std::chrono::seconds(1);
constexpr size_t kDrainBufferBytes = 16 * 1024;
// Pause before accepting again when the process is out of descriptors.
constexpr auto kAcceptBackoff = std::chrono::milliseconds(100);
constexpr absl::string_view kServerName = "pharmacrm";
constexpr absl::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";

absl::string_view ToAbsl(beast::string_view s) { return absl::string_view(s.data(), s.size()); }
beast::string_view ToBeast(absl::string_view s) { return beast::string_view(s.data(), s.size()); }

// "host:port", bracketing IPv6 literals.
std::string HostPort(absl::string_view host, int port) {
  if (absl::StrContains(host, ':')) return absl::StrCat("[", host, "]:", port);
  return absl::StrCat(host, ":", port);
}

bool IsTokenChar(unsigned char c) {
  return absl::ascii_isalnum(c) || absl::StrContains("!#$%&'*+-.^_`|~", static_cast<char>(c));
}

bool IsToken(absl::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (!IsTokenChar(c)) return false;
  }
  return true;
}

// Header values must not smuggle in line breaks.
std::string SanitizeHeaderValue(absl::string_view value) {
  std::string out(value);
  for (char& c : out) {
    if (c == '\r' || c == '\n' || c == '\0') c = ' ';
  }
  return out;
}

const beast::error_category& HttpErrorCategory() {
  static const beast::error_category& category =
      bhttp::make_error_code(bhttp::error::bad_method).category();
  return category;
}

Response ErrorResponse(int status, absl::string_view code, absl::string_view message) {
  Response response;
  response.status = status;
  response.body = JsonError(code, message);
  return response;
}

struct ServerConfig {
  Handler handler;
  uint64_t max_body_bytes = 0;
  std::optional<std::chrono::steady_clock::duration> idle_timeout;  // nullopt: never
};

// One connection: reads requests one after the other (keep-alive, pipelining
// tolerated), calls the handler and writes the responses. Everything runs on
// the connection's strand; the object lives as long as an operation is
// pending on it.
class Session : public std::enable_shared_from_this<Session> {
 public:
  Session(tcp::socket socket, const ServerConfig* config)
      : stream_(std::move(socket)), config_(config) {}

  void Start() {
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::ReadHeader, shared_from_this()));
  }

 private:
  void ArmTimer() {
    if (config_->idle_timeout.has_value()) {
      stream_.expires_after(*config_->idle_timeout);
    } else {
      stream_.expires_never();
    }
  }

  void ReadHeader() {
    parser_.emplace();
    parser_->header_limit(kMaxHeaderBytes);
    parser_->body_limit(config_->max_body_bytes);
    ArmTimer();
    bhttp::async_read_header(stream_, buffer_, *parser_,
                             beast::bind_front_handler(&Session::OnHeader, shared_from_this()));
  }

  void OnHeader(beast::error_code ec, size_t /*bytes*/) {
    if (ec) return OnReadError(ec);
    if (parser_->is_done()) return HandleRequest();
    const auto& message = parser_->get();
    if (message.version() >= 11 &&
        beast::iequals(message[bhttp::field::expect], "100-continue")) {
      ArmTimer();
      net::async_write(stream_, net::buffer(kContinue.data(), kContinue.size()),
                       beast::bind_front_handler(&Session::OnContinueSent, shared_from_this()));
      return;
    }
    ReadBody();
  }

  void OnContinueSent(beast::error_code ec, size_t /*bytes*/) {
    if (ec) return Close();
    ReadBody();
  }

  void ReadBody() {
    ArmTimer();
    bhttp::async_read(stream_, buffer_, *parser_,
                      beast::bind_front_handler(&Session::OnBody, shared_from_this()));
  }

  void OnBody(beast::error_code ec, size_t /*bytes*/) {
    if (ec) return OnReadError(ec);
    HandleRequest();
  }

  void OnReadError(beast::error_code ec) {
    if (ec == bhttp::error::body_limit) {
      return SendError(413, "PAYLOAD_TOO_LARGE",
                       absl::StrCat("request body exceeds ", config_->max_body_bytes, " bytes"));
    }
    if (ec == bhttp::error::header_limit) {
      return SendError(431, "HEADERS_TOO_LARGE",
                       absl::StrCat("request headers exceed ", kMaxHeaderBytes, " bytes"));
    }
    if (ec.category() == HttpErrorCategory() && ec != bhttp::error::end_of_stream &&
        ec != bhttp::error::partial_message) {
      return SendError(400, "BAD_REQUEST", absl::StrCat("malformed request: ", ec.message()));
    }
    // The peer went away, timed out or reset the connection.
    Close();
  }

  void HandleRequest() {
    auto& message = parser_->get();
    Request request;
    request.method = std::string(ToAbsl(message.method_string()));
    absl::string_view target = ToAbsl(message.target());
    size_t question = target.find('?');
    if (question == absl::string_view::npos) {
      request.path = std::string(target);
    } else {
      request.path = std::string(target.substr(0, question));
      request.query = std::string(target.substr(question + 1));
    }
    for (const auto& field : message) {
      std::string name = absl::AsciiStrToLower(ToAbsl(field.name_string()));
      absl::string_view value = ToAbsl(field.value());
      auto [it, inserted] = request.headers.try_emplace(std::move(name), value);
      if (!inserted) absl::StrAppend(&it->second, ", ", value);
    }
    request.body = std::move(message.body());
    const bool keep_alive = message.keep_alive();
    const bool head = message.method() == bhttp::verb::head;
    const unsigned version = message.version();
    parser_.reset();

    Response response = Invoke(request);
    if (response.status < 200 || response.status > 599) {
      core::Log(core::LogLevel::kError, "http handler returned an invalid status",
                {{"status", std::to_string(response.status)}, {"path", request.path}});
      response = ErrorResponse(500, "INTERNAL", "internal server error");
    }
    BuildResponse(std::move(response), version, keep_alive, head);
    Write(/*linger=*/false);
  }

  Response Invoke(const Request& request) {
    try {
      return config_->handler(request);
    } catch (const std::exception& e) {
      core::Log(core::LogLevel::kError, "http handler threw",
                {{"path", request.path}, {"error", e.what()}});
    } catch (...) {
      core::Log(core::LogLevel::kError, "http handler threw", {{"path", request.path}});
    }
    return ErrorResponse(500, "INTERNAL", "internal server error");
  }

  void BuildResponse(Response response, unsigned version, bool keep_alive, bool head) {
    res_ = bhttp::response<bhttp::string_body>();
    res_.version(version);
    res_.result(static_cast<unsigned>(response.status));
    res_.set(bhttp::field::server, ToBeast(kServerName));
    if (!response.content_type.empty()) {
      res_.set(bhttp::field::content_type, SanitizeHeaderValue(response.content_type));
    }
    bool close = !keep_alive;
    for (const auto& [name, value] : response.headers) {
      if (!IsToken(name)) continue;
      if (absl::EqualsIgnoreCase(name, "content-length") ||
          absl::EqualsIgnoreCase(name, "transfer-encoding")) {
        continue;
      }
      if (absl::EqualsIgnoreCase(name, "connection")) {
        if (absl::StrContains(absl::AsciiStrToLower(value), "close")) close = true;
        continue;
      }
      if (absl::EqualsIgnoreCase(name, "server") || absl::EqualsIgnoreCase(name, "content-type")) {
        res_.set(ToBeast(name), SanitizeHeaderValue(value));
      } else {
        res_.insert(ToBeast(name), SanitizeHeaderValue(value));
      }
    }
    res_.keep_alive(!close);
    const bool bodyless = response.status == 204 || response.status == 304;
    if (bodyless) return;
    res_.content_length(response.body.size());
    if (!head) res_.body() = std::move(response.body);
  }

  void SendError(int status, absl::string_view code, absl::string_view message) {
    const unsigned version =
        parser_.has_value() && parser_->got_some() && parser_->get().version() == 10 ? 10 : 11;
    parser_.reset();
    BuildResponse(ErrorResponse(status, code, message), version, /*keep_alive=*/false,
                  /*head=*/false);
    Write(/*linger=*/true);
  }

  void Write(bool linger) {
    ArmTimer();
    bhttp::async_write(stream_, res_,
                       beast::bind_front_handler(&Session::OnWrite, shared_from_this(), linger));
  }

  void OnWrite(bool linger, beast::error_code ec, size_t /*bytes*/) {
    if (ec) return Close();
    if (!res_.keep_alive()) {
      if (linger) return LingeringClose();
      return Close();
    }
    res_ = bhttp::response<bhttp::string_body>();
    ReadHeader();
  }

  void Close() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    // The socket closes when the last reference to the session goes away.
  }

  void LingeringClose() {
    beast::error_code ignored;
    stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
    drain_ = std::make_unique<char[]>(kDrainBufferBytes);
    stream_.expires_after(kLingerTime);
    Drain();
  }

  void Drain() {
    stream_.async_read_some(net::buffer(drain_.get(), kDrainBufferBytes),
                            [self = shared_from_this()](beast::error_code ec, size_t /*bytes*/) {
                              if (!ec) self->Drain();
                            });
  }

  beast::tcp_stream stream_;
  const ServerConfig* config_;
  beast::flat_buffer buffer_;
  std::optional<bhttp::request_parser<bhttp::string_body>> parser_;
  bhttp::response<bhttp::string_body> res_;
  std::unique_ptr<char[]> drain_;
};

std::optional<std::chrono::steady_clock::duration> ToTimeout(absl::Duration d) {
  // Beyond a year is as good as never (and avoids overflowing the clock).
  if (d >= absl::Hours(24 * 365)) return std::nullopt;
  if (d < absl::ZeroDuration()) d = absl::ZeroDuration();
  return std::chrono::duration_cast<std::chrono::steady_clock::duration>(
      absl::ToChronoNanoseconds(d));
}

}  // namespace

struct Server::Impl {
  ~Impl() { Stop(); }

  void Accept() {
    acceptor->async_accept(net::make_strand(*ioc), [this](beast::error_code ec,
                                                          tcp::socket socket) {
      OnAccept(ec, std::move(socket));
    });
  }

  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (ec == net::error::operation_aborted) return;
    if (ec) {
      if (ec == net::error::no_descriptors || ec == net::error::no_buffer_space ||
          ec == net::error::no_memory || ec == boost::system::errc::too_many_files_open_in_system) {
        core::Log(core::LogLevel::kWarning, "http accept failed; backing off",
                  {{"listen", where}, {"error", ec.message()}});
        accept_timer->expires_after(kAcceptBackoff);
        accept_timer->async_wait([this](beast::error_code wait_ec) {
          if (!wait_ec) Accept();
        });
        return;
      }
      // Typically the peer gave up before we got to it.
      Accept();
      return;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    std::make_shared<Session>(std::move(socket), &config)->Start();
    Accept();
  }

  void Run() {
    for (;;) {
      try {
        ioc->run();
        return;
      } catch (const std::exception& e) {
        core::Log(core::LogLevel::kError, "http io thread caught an exception",
                  {{"listen", where}, {"error", e.what()}});
      } catch (...) {
        core::Log(core::LogLevel::kError, "http io thread caught an exception",
                  {{"listen", where}});
      }
    }
  }

  void Stop() {
    std::lock_guard<std::mutex> lock(stop_mu);
    if (stopped) return;
    stopped = true;
    if (ioc != nullptr) ioc->stop();
    for (std::thread& thread : threads) {
      if (thread.joinable()) thread.join();
    }
    threads.clear();
    if (acceptor != nullptr) {
      beast::error_code ignored;
      acceptor->close(ignored);
    }
    accept_timer.reset();
    acceptor.reset();
    // Destroying the context destroys the pending operations, which own the
    // sessions; their sockets close with them.
    ioc.reset();
  }

  ServerConfig config;
  std::string where;  // host:port as configured, for messages
  int port = 0;
  std::unique_ptr<net::io_context> ioc;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::unique_ptr<net::steady_timer> accept_timer;
  std::vector<std::thread> threads;
  std::mutex stop_mu;
  bool stopped = false;
};

absl::StatusOr<std::unique_ptr<Server>> Server::Start(const ServerOptions& options,
                                                      Handler handler) {
  const std::string where = HostPort(options.host, options.port);
  auto invalid = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat("http server on ", where, ": ", why));
  };
  if (!handler) return invalid("no handler");
  if (options.host.empty()) return invalid("empty host");
  if (options.port < 0 || options.port > 65535) return invalid("port out of range");
  if (options.threads < 1) return invalid("threads must be at least 1");
  try {
    auto impl = std::make_unique<Impl>();
    impl->where = where;
    impl->config.handler = std::move(handler);
    impl->config.max_body_bytes = options.max_body_bytes;
    impl->config.idle_timeout = ToTimeout(options.idle_timeout);
    impl->ioc = std::make_unique<net::io_context>(options.threads);

    beast::error_code ec;
    tcp::endpoint endpoint;
    net::ip::address address = net::ip::make_address(options.host, ec);
    if (!ec) {
      endpoint = tcp::endpoint(address, static_cast<uint16_t>(options.port));
    } else {
      tcp::resolver resolver(*impl->ioc);
      auto results = resolver.resolve(options.host, std::to_string(options.port),
                                      tcp::resolver::passive, ec);
      if (ec || results.empty()) {
        return invalid(absl::StrCat("cannot resolve host: ",
                                    ec ? ec.message() : std::string("no addresses")));
      }
      endpoint = results.begin()->endpoint();
    }

    impl->acceptor = std::make_unique<tcp::acceptor>(*impl->ioc);
    auto unavailable = [&](absl::string_view step) {
      std::string message =
          absl::StrCat("http server cannot ", step, " on ", where, ": ", ec.message());
      if (ec == boost::system::errc::address_not_available) {
        return absl::InvalidArgumentError(std::move(message));
      }
      return absl::UnavailableError(std::move(message));
    };
    impl->acceptor->open(endpoint.protocol(), ec);
    if (ec) return unavailable("open a socket");
    impl->acceptor->set_option(net::socket_base::reuse_address(true), ec);
    if (ec) return unavailable("set SO_REUSEADDR");
    impl->acceptor->bind(endpoint, ec);
    if (ec) return unavailable("bind");
    impl->acceptor->listen(net::socket_base::max_listen_connections, ec);
    if (ec) return unavailable("listen");
    tcp::endpoint local = impl->acceptor->local_endpoint(ec);
    if (ec) return unavailable("read the bound address");
    impl->port = local.port();
    impl->accept_timer = std::make_unique<net::steady_timer>(*impl->ioc);

    impl->Accept();
    impl->threads.reserve(options.threads);
    for (int i = 0; i < options.threads; ++i) {
      impl->threads.emplace_back([raw = impl.get()] { raw->Run(); });
    }
    return std::unique_ptr<Server>(new Server(std::move(impl)));
  } catch (const std::exception& e) {
    return absl::InternalError(
        absl::StrCat("http server on ", where, " failed to start: ", e.what()));
  }
}

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Server::~Server() { Stop(); }

int Server::port() const { return impl_->port; }

void Server::Stop() { impl_->Stop(); }

std::string JsonError(absl::string_view code, absl::string_view message) {
  return absl::StrCat(R"({"error":{"code":")", core::JsonEscape(code), R"(","message":")",
                      core::JsonEscape(message), R"("}})");
}

}  // namespace pharmacrm::http
