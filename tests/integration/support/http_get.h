// A minimal HTTP/1.1 GET over a raw socket, for admin endpoints (/readyz,
// /metrics) of services under test. Plain HTTP on 127.0.0.1 only.
#ifndef PHARMACRM_TESTS_INTEGRATION_SUPPORT_HTTP_GET_H_
#define PHARMACRM_TESTS_INTEGRATION_SUPPORT_HTTP_GET_H_

#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"

namespace pharmacrm::itest {

struct HttpResponse {
  int status = 0;
  std::string body;  // Chunked bodies are decoded.
};

// GET http://127.0.0.1:<port><path>. UNAVAILABLE if nothing listens or the
// connection breaks, DEADLINE_EXCEEDED after `timeout`, INTERNAL on a reply
// that is not HTTP.
absl::StatusOr<HttpResponse> HttpGet(int port, absl::string_view path,
                                     absl::Duration timeout = absl::Seconds(2));

}  // namespace pharmacrm::itest

#endif  // PHARMACRM_TESTS_INTEGRATION_SUPPORT_HTTP_GET_H_
