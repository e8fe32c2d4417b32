// The whole PharmaCRM suite (five domain services and the gateway) started
// against one broker, each service with its own data folder and a consumer
// group of its own so that suites in one test binary do not share work.
#ifndef PHARMACRM_TESTS_INTEGRATION_SUPPORT_SUITE_H_
#define PHARMACRM_TESTS_INTEGRATION_SUPPORT_SUITE_H_

#include <unistd.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "support/kafka_broker.h"
#include "support/service_process.h"

namespace pharmacrm::itest {

inline const std::vector<std::string> kDomainServices = {
    "customer-master", "sales-pipeline", "campaigns", "service-desk", "value-scoring"};

class Suite {
 public:
  // Starts `services` (names as in kDomainServices, plus "gateway") in that
  // order; `extra_args[name]` are appended to that service's flags.
  static absl::StatusOr<std::unique_ptr<Suite>> Start(
      const KafkaBroker& broker, std::vector<std::string> services,
      std::map<std::string, std::vector<std::string>> extra_args = {});
  // Stops every service, then deletes the services' data folders unless a
  // test failed or PHARMACRM_ITEST_KEEP_DIRS is set.
  ~Suite();

  ServiceProcess& process(const std::string& name) { return *processes_.at(name); }
  // The flags `name` was started with (without extra args), for restarts.
  std::vector<std::string> Args(const std::string& name) const;
  std::string GrpcAddress(const std::string& name) const;
  int http_port() const { return http_port_; }
  // Starts a service that was not started (or was stopped) with Args + extra.
  absl::Status StartService(const std::string& name, std::vector<std::string> extra = {});

 private:
  Suite() = default;

  const int owner_ = ::getpid();
  std::string kafka_bootstrap_;
  std::string root_;
  std::string group_suffix_;
  std::map<std::string, int> grpc_ports_;
  std::map<std::string, int> admin_ports_;
  int http_port_ = 0;
  std::map<std::string, std::unique_ptr<ServiceProcess>> processes_;
};

}  // namespace pharmacrm::itest

#endif  // PHARMACRM_TESTS_INTEGRATION_SUPPORT_SUITE_H_
