#include "pharmacrm/http/server.h"

#include <atomic>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/read.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>

#include "absl/status/status.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pharmacrm::http {
namespace {

namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
namespace net = boost::asio;
using tcp = net::ip::tcp;
using ::testing::Contains;
using ::testing::HasSubstr;
using ::testing::Pair;
using ::testing::StartsWith;

constexpr char kLocalhost[] = "127.0.0.1";

std::unique_ptr<Server> StartOrDie(Handler handler, ServerOptions options = {}) {
  options.host = kLocalhost;
  auto server = Server::Start(options, std::move(handler));
  EXPECT_TRUE(server.ok()) << server.status();
  return server.ok() ? std::move(*server) : nullptr;
}

// Sends `data` over a fresh connection and returns everything the server
// writes until it closes the connection (or `timeout` runs out).
std::string RawExchange(int port, const std::string& data,
                        std::chrono::seconds timeout = std::chrono::seconds(5)) {
  net::io_context ioc;
  beast::tcp_stream stream(ioc);
  stream.connect(tcp::endpoint(net::ip::make_address(kLocalhost), port));
  stream.expires_after(timeout);
  std::string received;
  net::async_write(stream, net::buffer(data), [](beast::error_code, size_t) {});
  net::async_read(stream, net::dynamic_buffer(received), [](beast::error_code, size_t) {});
  ioc.run();
  return received;
}

Response Echo(const Request& request) {
  Response response;
  response.content_type = "text/plain; charset=utf-8";
  auto header = [&](const std::string& name) {
    auto it = request.headers.find(name);
    return it == request.headers.end() ? std::string("-") : it->second;
  };
  response.body = absl::StrCat(request.method, "|", request.path, "|", request.query, "|",
                               header("x-test"), "|", request.body);
  response.headers.emplace_back("X-Reply", "yes");
  return response;
}

TEST(HttpServer, GetEchoesPathQueryAndHeaders) {
  auto server = StartOrDie(Echo);
  ASSERT_NE(server, nullptr);
  auto response = Fetch(kLocalhost, server->port(), "GET", "/v1/items?a=1&b=%20x", "",
                        absl::Seconds(5), {{"X-Test", "hello"}});
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, "GET|/v1/items|a=1&b=%20x|hello|");
  EXPECT_EQ(response->content_type, "text/plain; charset=utf-8");
  EXPECT_THAT(response->headers, Contains(Pair("server", "pharmacrm")));
  EXPECT_THAT(response->headers, Contains(Pair("x-reply", "yes")));
}

TEST(HttpServer, RepeatedHeadersAreJoined) {
  auto server = StartOrDie([](const Request& request) {
    Response response;
    response.body = request.headers.at("x-multi");
    return response;
  });
  ASSERT_NE(server, nullptr);
  auto response = Fetch(kLocalhost, server->port(), "GET", "/", "", absl::Seconds(5),
                        {{"X-Multi", "a"}});
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->body, "a");
  std::string raw = RawExchange(server->port(),
                                "GET / HTTP/1.1\r\nHost: x\r\nX-Multi: a\r\nx-multi: b\r\n"
                                "Connection: close\r\n\r\n");
  EXPECT_THAT(raw, StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(raw, HasSubstr("\r\n\r\na, b"));
}

TEST(HttpServer, PostBodyRoundTripsUtf8) {
  auto server = StartOrDie([](const Request& request) {
    Response response;
    response.content_type = "text/plain; charset=utf-8";
    response.body = request.body;
    return response;
  });
  ASSERT_NE(server, nullptr);
  const std::string body = "{\"name\":\"阿莫西林胶囊\",\"note\":\"你好，世界 — 药房\"}";
  auto response = Fetch(kLocalhost, server->port(), "POST", "/v1/products", body);
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(response->body, body);
}

TEST(HttpServer, OversizeBodyGets413WithoutCallingHandler) {
  std::atomic<int> calls{0};
  ServerOptions options;
  options.max_body_bytes = 1024;
  auto server = StartOrDie(
      [&](const Request&) {
        ++calls;
        return Response{};
      },
      options);
  ASSERT_NE(server, nullptr);

  auto response = Fetch(kLocalhost, server->port(), "POST", "/upload", std::string(4096, 'x'));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 413);
  EXPECT_EQ(response->body, JsonError("PAYLOAD_TOO_LARGE", "request body exceeds 1024 bytes"));

  // A chunked body is cut off once it crosses the limit.
  std::string chunk(800, 'y');
  std::string raw = RawExchange(
      server->port(), absl::StrCat("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: "
                                   "chunked\r\n\r\n320\r\n",
                                   chunk, "\r\n320\r\n", chunk, "\r\n0\r\n\r\n"));
  EXPECT_THAT(raw, StartsWith("HTTP/1.1 413"));
  EXPECT_THAT(raw, HasSubstr("PAYLOAD_TOO_LARGE"));

  // A body exactly at the limit is fine.
  response = Fetch(kLocalhost, server->port(), "POST", "/upload", std::string(1024, 'x'));
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 200);
  EXPECT_EQ(calls.load(), 1);
}

TEST(HttpServer, MalformedRequestGets400AndClose) {
  std::atomic<int> calls{0};
  auto server = StartOrDie([&](const Request&) {
    ++calls;
    return Response{};
  });
  ASSERT_NE(server, nullptr);
  // RawExchange returns only once the server has closed the connection.
  std::string raw = RawExchange(server->port(), "THIS IS NOT HTTP\r\n\r\n");
  EXPECT_THAT(raw, StartsWith("HTTP/1.1 400"));
  EXPECT_THAT(raw, HasSubstr("Connection: close"));
  EXPECT_THAT(raw, HasSubstr(R"({"error":{"code":"BAD_REQUEST","message":")"));
  EXPECT_EQ(calls.load(), 0);
}

TEST(HttpServer, KeepAliveServesManyRequestsOnOneConnection) {
  std::atomic<int> calls{0};
  auto server = StartOrDie([&](const Request& request) {
    ++calls;
    Response response;
    response.body = request.query;
    return response;
  });
  ASSERT_NE(server, nullptr);

  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(net::ip::make_address(kLocalhost), server->port()));
  beast::flat_buffer buffer;
  for (int i = 0; i < 200; ++i) {
    bhttp::request<bhttp::string_body> request(bhttp::verb::get, absl::StrCat("/n?", i), 11);
    request.set(bhttp::field::host, "localhost");
    bhttp::write(socket, request);
    bhttp::response<bhttp::string_body> response;
    bhttp::read(socket, buffer, response);
    ASSERT_EQ(response.result_int(), 200u) << "request " << i;
    ASSERT_EQ(response.body(), absl::StrCat(i));
    ASSERT_TRUE(response.keep_alive()) << "request " << i;
  }
  EXPECT_EQ(calls.load(), 200);
}

TEST(HttpServer, ServesManyConcurrentClients) {
  std::atomic<int> calls{0};
  auto server = StartOrDie([&](const Request& request) {
    ++calls;
    Response response;
    response.body = request.body;
    return response;
  });
  ASSERT_NE(server, nullptr);

  constexpr int kClients = 64;
  constexpr int kRequestsPerClient = 20;
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      for (int r = 0; r < kRequestsPerClient; ++r) {
        std::string body = absl::StrCat("client ", c, " request ", r);
        auto response = Fetch(kLocalhost, server->port(), "POST", "/echo", body);
        if (response.ok() && response->status == 200 && response->body == body) {
          ++ok;
        } else {
          ADD_FAILURE() << (response.ok() ? absl::StrCat("status ", response->status)
                                          : response.status().ToString());
        }
      }
    });
  }
  for (auto& client : clients) client.join();
  EXPECT_EQ(ok.load(), kClients * kRequestsPerClient);
  EXPECT_EQ(calls.load(), kClients * kRequestsPerClient);
}

TEST(HttpServer, HandlerExceptionGets500) {
  auto server = StartOrDie([](const Request&) -> Response { throw std::runtime_error("boom"); });
  ASSERT_NE(server, nullptr);
  auto response = Fetch(kLocalhost, server->port(), "GET", "/");
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 500);
  EXPECT_EQ(response->body, JsonError("INTERNAL", "internal server error"));
  EXPECT_EQ(response->content_type, "application/json; charset=utf-8");
}

TEST(HttpServer, HeadAndNoContent) {
  auto server = StartOrDie([](const Request& request) {
    Response response;
    if (request.path == "/empty") {
      response.status = 204;
      response.body = "ignored";
    } else {
      response.body = "0123456789";
    }
    return response;
  });
  ASSERT_NE(server, nullptr);
  std::string raw = RawExchange(server->port(),
                                "HEAD / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
  EXPECT_THAT(raw, StartsWith("HTTP/1.1 200"));
  EXPECT_THAT(raw, HasSubstr("Content-Length: 10\r\n"));
  EXPECT_TRUE(absl::EndsWith(raw, "\r\n\r\n")) << raw;

  auto response = Fetch(kLocalhost, server->port(), "GET", "/empty");
  ASSERT_TRUE(response.ok()) << response.status();
  EXPECT_EQ(response->status, 204);
  EXPECT_EQ(response->body, "");
}

TEST(HttpServer, ExpectContinueIsAnswered) {
  auto server = StartOrDie([](const Request& request) {
    Response response;
    response.body = request.body;
    return response;
  });
  ASSERT_NE(server, nullptr);
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(net::ip::make_address(kLocalhost), server->port()));
  net::write(socket, net::buffer(std::string(
                         "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n"
                         "Expect: 100-continue\r\n\r\n")));
  std::string interim(25, '\0');
  net::read(socket, net::buffer(interim));
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  net::write(socket, net::buffer(std::string("hello")));
  beast::flat_buffer buffer;
  bhttp::response<bhttp::string_body> response;
  bhttp::read(socket, buffer, response);
  EXPECT_EQ(response.result_int(), 200u);
  EXPECT_EQ(response.body(), "hello");
}

TEST(HttpServer, StopIsIdempotentAndPortIsNonzero) {
  auto server = StartOrDie(Echo);
  ASSERT_NE(server, nullptr);
  const int port = server->port();
  EXPECT_GT(port, 0);
  ASSERT_TRUE(Fetch(kLocalhost, port, "GET", "/").ok());
  server->Stop();
  server->Stop();
  EXPECT_EQ(server->port(), port);
  auto response = Fetch(kLocalhost, port, "GET", "/", "", absl::Seconds(2));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kUnavailable) << response.status();
  server.reset();  // the destructor stops again
}

TEST(HttpServer, StopClosesIdleConnections) {
  auto server = StartOrDie(Echo);
  ASSERT_NE(server, nullptr);
  net::io_context ioc;
  tcp::socket socket(ioc);
  socket.connect(tcp::endpoint(net::ip::make_address(kLocalhost), server->port()));
  server->Stop();
  char byte;
  beast::error_code ec;
  socket.read_some(net::buffer(&byte, 1), ec);
  EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
}

TEST(HttpServer, StartErrorsNameTheAddress) {
  auto first = StartOrDie(Echo);
  ASSERT_NE(first, nullptr);
  ServerOptions options;
  options.host = kLocalhost;
  options.port = first->port();
  auto taken = Server::Start(options, Echo);
  EXPECT_EQ(taken.status().code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(taken.status().message()),
              HasSubstr(absl::StrCat("127.0.0.1:", first->port())));

  options.host = "no such host!";
  options.port = 0;
  auto bad_host = Server::Start(options, Echo);
  EXPECT_EQ(bad_host.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(bad_host.status().message()), HasSubstr("no such host!:0"));

  options.host = kLocalhost;
  options.port = 70000;
  EXPECT_EQ(Server::Start(options, Echo).status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(HttpClient, TimesOutOnSilentServer) {
  net::io_context ioc;
  tcp::acceptor acceptor(ioc, tcp::endpoint(net::ip::make_address(kLocalhost), 0));
  const int port = acceptor.local_endpoint().port();
  // The kernel completes the handshake; nobody ever answers.
  auto response = Fetch(kLocalhost, port, "GET", "/", "", absl::Milliseconds(200));
  EXPECT_EQ(response.status().code(), absl::StatusCode::kDeadlineExceeded) << response.status();
}

TEST(HttpClient, RejectsHeaderInjection) {
  auto response = Fetch(kLocalhost, 1, "GET", "/", "", absl::Seconds(1),
                        {{"X-Evil", "a\r\nX-Injected: b"}});
  EXPECT_EQ(response.status().code(), absl::StatusCode::kInvalidArgument);
}

TEST(JsonError, Escapes) {
  EXPECT_EQ(JsonError("NOT_FOUND", "no \"x\"\n\\ 客户"),
            R"({"error":{"code":"NOT_FOUND","message":"no \"x\"\n\\ 客户"}})");
  EXPECT_EQ(JsonError("C", std::string("\x01", 1)),
            R"({"error":{"code":"C","message":"\u0001"}})");
}

}  // namespace
}  // namespace pharmacrm::http
