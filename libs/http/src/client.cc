#include <chrono>
#include <cstdint>
#include <exception>
#include <iterator>
#include <string>
#include <utility>
#include <vector>

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/field.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/verb.hpp>
#include <boost/beast/http/write.hpp>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/escaping.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pharmacrm/http/server.h"

namespace pharmacrm::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;

constexpr uint32_t kMaxResponseHeaderBytes = 64 * 1024;
constexpr absl::string_view kUserAgent = "pharmacrm-http";

absl::string_view ToAbsl(beast::string_view s) { return absl::string_view(s.data(), s.size()); }
beast::string_view ToBeast(absl::string_view s) { return beast::string_view(s.data(), s.size()); }

std::string HostPort(absl::string_view host, int port) {
  if (absl::StrContains(host, ':')) return absl::StrCat("[", host, "]:", port);
  return absl::StrCat(host, ":", port);
}

bool IsToken(absl::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    if (!absl::ascii_isalnum(c) && !absl::StrContains("!#$%&'*+-.^_`|~", static_cast<char>(c))) {
      return false;
    }
  }
  return true;
}

// No control characters (line breaks above all) and, if `allow_space` is
// false, no spaces either.
bool IsCleanText(absl::string_view s, bool allow_space) {
  for (unsigned char c : s) {
    if (c < 0x20 && c != '\t') return false;
    if (c == 0x7f) return false;
    if (!allow_space && (c == ' ' || c == '\t')) return false;
  }
  return true;
}

absl::StatusOr<Response> DoFetch(absl::string_view host, int port, absl::string_view method,
                                 absl::string_view target, absl::string_view body,
                                 absl::Duration timeout,
                                 const std::vector<std::pair<std::string, std::string>>& headers) {
  const std::string where = HostPort(host, port);
  const std::string what = absl::StrCat(method, " http://", where, target);
  auto invalid = [&](absl::string_view why) {
    return absl::InvalidArgumentError(absl::StrCat(what, ": ", why));
  };
  if (host.empty()) return invalid("empty host");
  if (port < 1 || port > 65535) return invalid("port out of range");
  if (!IsToken(method)) return invalid("bad method");
  if (target.empty() || !IsCleanText(target, /*allow_space=*/false)) return invalid("bad target");
  for (const auto& [name, value] : headers) {
    if (!IsToken(name) || !IsCleanText(value, /*allow_space=*/true)) {
      return invalid(absl::StrCat("bad header '", absl::CHexEscape(name), "'"));
    }
  }
  if (timeout <= absl::ZeroDuration()) {
    return absl::DeadlineExceededError(absl::StrCat(what, ": no time left"));
  }

  net::io_context ioc(1);
  beast::error_code ec;
  std::vector<tcp::endpoint> endpoints;
  const std::string host_string(host);
  net::ip::address address = net::ip::make_address(host_string, ec);
  if (!ec) {
    endpoints.emplace_back(address, static_cast<uint16_t>(port));
  } else {
    tcp::resolver resolver(ioc);
    auto results = resolver.resolve(host_string, std::to_string(port), ec);
    if (ec || results.empty()) {
      return absl::UnavailableError(
          absl::StrCat(what, ": cannot resolve host: ",
                       ec ? ec.message() : std::string("no addresses")));
    }
    for (const auto& entry : results) endpoints.push_back(entry.endpoint());
  }

  bhttp::request<bhttp::string_body> request;
  request.version(11);
  bhttp::verb verb = bhttp::string_to_verb(ToBeast(method));
  if (verb == bhttp::verb::unknown) {
    request.method_string(ToBeast(method));
  } else {
    request.method(verb);
  }
  request.target(ToBeast(target));
  request.set(bhttp::field::host, HostPort(host, port));
  request.set(bhttp::field::user_agent, ToBeast(kUserAgent));
  for (const auto& [name, value] : headers) request.set(ToBeast(name), ToBeast(value));
  if (!body.empty() || verb == bhttp::verb::post || verb == bhttp::verb::put ||
      verb == bhttp::verb::patch) {
    request.content_length(body.size());
    request.body() = std::string(body);
  }
  request.keep_alive(false);

  beast::tcp_stream stream(ioc);
  if (timeout < absl::Hours(24 * 365)) {
    stream.expires_after(std::chrono::duration_cast<std::chrono::steady_clock::duration>(
        absl::ToChronoNanoseconds(timeout)));
  }
  beast::flat_buffer buffer;
  bhttp::response_parser<bhttp::string_body> parser;
  parser.header_limit(kMaxResponseHeaderBytes);
  parser.body_limit(boost::none);

  // The response is read while the request is still being written: a server
  // may answer early (413 on a large body) and close without reading the rest.
  beast::error_code connect_ec, write_ec, read_ec;
  bool read_done = false;
  stream.async_connect(endpoints, [&](beast::error_code connected, const tcp::endpoint& /*peer*/) {
    if (connected) {
      connect_ec = connected;
      return;
    }
    beast::error_code ignored;
    stream.socket().set_option(tcp::no_delay(true), ignored);
    bhttp::async_write(stream, request, [&](beast::error_code written, size_t /*bytes*/) {
      if (!read_done) write_ec = written;
    });
    bhttp::async_read(stream, buffer, parser, [&](beast::error_code read, size_t /*bytes*/) {
      read_done = true;
      read_ec = read;
      // Abandons the rest of the request if the server answered early.
      stream.cancel();
    });
  });
  ioc.run();

  beast::error_code failure = connect_ec ? connect_ec : read_ec;
  if (failure) {
    if (failure == beast::error::timeout || write_ec == beast::error::timeout) {
      return absl::DeadlineExceededError(
          absl::StrCat(what, ": timed out after ", absl::FormatDuration(timeout)));
    }
    if (!connect_ec && write_ec && failure == bhttp::error::end_of_stream) failure = write_ec;
    return absl::UnavailableError(absl::StrCat(what, ": ", failure.message()));
  }

  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_both, ignored);

  bhttp::response<bhttp::string_body> message = parser.release();
  Response response;
  response.status = static_cast<int>(message.result_int());
  response.content_type = std::string(ToAbsl(message[bhttp::field::content_type]));
  response.body = std::move(message.body());
  response.headers.reserve(std::distance(message.begin(), message.end()));
  for (const auto& field : message) {
    response.headers.emplace_back(absl::AsciiStrToLower(ToAbsl(field.name_string())),
                                  std::string(ToAbsl(field.value())));
  }
  return response;
}

}  // namespace

absl::StatusOr<Response> Fetch(absl::string_view host, int port, absl::string_view method,
                               absl::string_view target, absl::string_view body,
                               absl::Duration timeout,
                               const std::vector<std::pair<std::string, std::string>>& headers) {
  try {
    return DoFetch(host, port, method, target, body, timeout, headers);
  } catch (const std::exception& e) {
    return absl::InternalError(absl::StrCat("http fetch failed: ", e.what()));
  }
}

}  // namespace pharmacrm::http
