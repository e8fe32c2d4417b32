// libFuzzer target of BindHttpRequest: untrusted path, query and JSON body
// against every route of the compiled-in pharmacrm.v1 annotations.
//
// Input layout: byte 0 picks the route; the rest is split at the first two
// '\n' into the path variable value, the query string and the body.
// Whatever the input, binding must return (OK or INVALID_ARGUMENT) without
// crashing, and a bound request must serialize.
//
// Its corpus, tests/fuzz/http_binding/corpus, is replayed by `make test`
// (services/gateway/CMakeLists.txt, docs/TESTING.md).
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/strings/string_view.h"
#include "domain/http_binding.h"
#include "domain/http_route.h"
#include "domain/openapi.h"
#include "google/protobuf/message.h"
#include "pharmacrm/v1/descriptor_set.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/gateway.pb.h"
#include "pharmacrm/v1/sales_pipeline.pb.h"

namespace {

const std::vector<pharmacrm::gateway::HttpRoute>& Routes() {
  static const auto* routes = [] {
    // The annotated services' files are in the generated pool only when
    // their code is linked: a static library's unreferenced objects are not.
    pharmacrm::v1::RegisterCustomerRequest::descriptor();
    pharmacrm::v1::GetCustomer360Request::descriptor();
    pharmacrm::v1::LogVisitRequest::descriptor();
    auto set = pharmacrm::gateway::LoadDescriptorSet(pharmacrm::v1::DescriptorSetBytes());
    if (!set.ok()) __builtin_trap();
    auto services = pharmacrm::gateway::ServicesOfPackage(*google::protobuf::DescriptorPool::generated_pool(),
                                                          set->files, "pharmacrm.v1");
    auto built = pharmacrm::gateway::RoutesFromServices(services);
    if (!built.ok() || built->empty()) __builtin_trap();
    return new std::vector<pharmacrm::gateway::HttpRoute>(*std::move(built));
  }();
  return *routes;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::vector<pharmacrm::gateway::HttpRoute>& routes = Routes();
  const pharmacrm::gateway::HttpRoute& route = routes[data[0] % routes.size()];
  absl::string_view rest(reinterpret_cast<const char*>(data + 1), size - 1);
  size_t first = rest.find('\n');
  absl::string_view variable = rest.substr(0, first);
  absl::string_view query, body;
  if (first != absl::string_view::npos) {
    absl::string_view tail = rest.substr(first + 1);
    size_t second = tail.find('\n');
    query = tail.substr(0, second);
    if (second != absl::string_view::npos) body = tail.substr(second + 1);
  }
  pharmacrm::gateway::PathParams params;
  for (const auto& segment : route.path.segments) {
    if (segment.kind == pharmacrm::gateway::PathTemplate::Segment::kVariable) {
      params.emplace_back(segment.text, std::string(variable));
    }
  }
  const google::protobuf::Message* prototype =
      google::protobuf::MessageFactory::generated_factory()->GetPrototype(route.method->input_type());
  std::unique_ptr<google::protobuf::Message> request(prototype->New());
  absl::Status status = pharmacrm::gateway::BindHttpRequest(route, params, query, body, {4096}, request.get());
  if (status.ok()) {
    std::string bytes;
    if (!request->SerializeToString(&bytes)) __builtin_trap();
  } else if (status.code() != absl::StatusCode::kInvalidArgument) {
    __builtin_trap();
  }
  return 0;
}
