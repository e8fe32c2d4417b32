#include "support/suite.h"

#include "absl/strings/str_cat.h"
#include "pharmacrm/core/status.h"
#include "support/ports.h"

namespace pharmacrm::itest {

absl::StatusOr<std::unique_ptr<Suite>> Suite::Start(
    const KafkaBroker& broker, std::vector<std::string> services,
    std::map<std::string, std::vector<std::string>> extra_args) {
  auto suite = std::unique_ptr<Suite>(new Suite());
  suite->kafka_bootstrap_ = broker.bootstrap();
  suite->root_ = TempDir("pcrm-suite-");
  suite->group_suffix_ = suite->root_.substr(suite->root_.rfind('-') + 1);
  std::vector<std::string> all = kDomainServices;
  all.push_back("gateway");
  for (const auto& name : all) {
    suite->grpc_ports_[name] = FreePort();
    suite->admin_ports_[name] = FreePort();
  }
  suite->http_port_ = FreePort();
  for (const auto& name : services) {
    RETURN_IF_ERROR(suite->StartService(name, extra_args[name]));
  }
  return suite;
}

Suite::~Suite() {
  if (::getpid() != owner_) return;  // A forked child running exit handlers.
  processes_.clear();                // Each process is stopped before its data goes.
  RemoveTestDir(root_, "the services' data folders", AnyTestFailed());
}

std::vector<std::string> Suite::Args(const std::string& name) const {
  std::vector<std::string> args = {
      absl::StrCat("--grpc_host=127.0.0.1"),
      absl::StrCat("--grpc_port=", grpc_ports_.at(name)),
      absl::StrCat("--admin_port=", admin_ports_.at(name)),
  };
  if (name == "gateway") {
    args.push_back(absl::StrCat("--http_port=", http_port_));
    args.push_back(absl::StrCat("--customer_master_addr=", GrpcAddress("customer-master")));
    args.push_back(absl::StrCat("--sales_pipeline_addr=", GrpcAddress("sales-pipeline")));
    args.push_back(absl::StrCat("--campaigns_addr=", GrpcAddress("campaigns")));
    args.push_back(absl::StrCat("--service_desk_addr=", GrpcAddress("service-desk")));
    args.push_back(absl::StrCat("--value_scoring_addr=", GrpcAddress("value-scoring")));
    args.push_back("--http_threads=4");
  } else {
    args.push_back(absl::StrCat("--data_dir=", root_, "/", name));
    args.push_back(absl::StrCat("--kafka_bootstrap=", kafka_bootstrap_));
    args.push_back(absl::StrCat("--consumer_group=itest-", name, "-", group_suffix_));
    args.push_back(absl::StrCat("--instance_id=itest-", name, "-", group_suffix_));
    // Tests sync nothing to disk they do not need to: crash tests kill the
    // process, not the machine, so "process" durability is what they check.
    args.push_back("--durability=process");
  }
  return args;
}

std::string Suite::GrpcAddress(const std::string& name) const {
  return absl::StrCat("127.0.0.1:", grpc_ports_.at(name));
}

absl::Status Suite::StartService(const std::string& name, std::vector<std::string> extra) {
  std::vector<std::string> args = Args(name);
  args.insert(args.end(), extra.begin(), extra.end());
  auto it = processes_.find(name);
  if (it != processes_.end()) return it->second->Restart(args);
  ASSIGN_OR_RETURN(processes_[name], ServiceProcess::Start(name, args, absl::Seconds(60)));
  return absl::OkStatus();
}

}  // namespace pharmacrm::itest
