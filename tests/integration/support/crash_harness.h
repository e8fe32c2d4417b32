// Shared by the crash tests of sales-pipeline (channel_crash_test,
// process_crash_test): calls retried across a service killed at its crash
// point, the service restarted without it; customers registered; and the
// events on a topic read back by type and aggregate.
#ifndef PHARMACRM_TESTS_INTEGRATION_SUPPORT_CRASH_HARNESS_H_
#define PHARMACRM_TESTS_INTEGRATION_SUPPORT_CRASH_HARNESS_H_

#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>

#include "grpcpp/grpcpp.h"
#include "gtest/gtest.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"
#include "pharmacrm/v1/sales_process.grpc.pb.h"
#include "support/kafka_broker.h"
#include "support/suite.h"

namespace pharmacrm::itest {

// Calls `call` until it answers OK (up to 90 s). A failure while `service`
// has died (its crash point) restarts it without the crash point (the test
// fails unless it died of SIGKILL), counts the crash and calls `reconnect`;
// INVALID_ARGUMENT, ALREADY_EXISTS and OUT_OF_RANGE are answered at once
// (the request itself is wrong); anything else is tried again after 200 ms.
class CrashRetrier {
 public:
  CrashRetrier(Suite& suite, std::string service, std::function<void()> reconnect)
      : suite_(suite), service_(std::move(service)), reconnect_(std::move(reconnect)) {}

  grpc::Status Retry(const std::function<grpc::Status()>& call);
  int crashes() const { return crashes_; }

 private:
  Suite& suite_;
  const std::string service_;
  const std::function<void()> reconnect_;
  int crashes_ = 0;
};

// A crash test of sales-pipeline, parameterised by its crash point: the
// shared broker, customer-master and sales-pipeline started with the crash
// point (StartSuite, under ASSERT_NO_FATAL_FAILURE), and calls retried
// across the crash. Connect makes the test's gRPC clients, again after a restart.
// A test that aims the crash at one step starts unarmed and arms it just
// before that step (Arm: sales-pipeline stopped with SIGTERM and started
// again with the crash point, so the count starts there).
class SalesPipelineCrashTest : public testing::TestWithParam<const char*> {
 protected:
  void SetUp() override;
  virtual void Connect() = 0;
  void StartSuite(bool armed = true);
  void Arm();
  grpc::Status Retry(const std::function<grpc::Status()>& call) { return retrier_->Retry(call); }
  // customer-master: a territory (its id; the test fails if refused), and
  // a customer's or rep's alignment from 2025-01-02 (migrated history).
  std::string Territory(const std::string& rid, const std::string& code, const std::string& name,
                        v1::TerritoryLevel level, const std::string& parent);
  void Align(const std::string& rid, v1::AlignmentSubject subject, const std::string& id,
             const std::string& territory);
  // sales-pipeline: zhao.wei (national director) and li.na (rep) under him
  // (api/example_rep.h), request ids <prefix>-director and <prefix>-rep,
  // each retried across the crash (`process` is the test's gRPC client member,
  // which Connect replaces after a restart).
  void AddDirectorAndRep(const std::unique_ptr<v1::SalesProcess::Stub>& process,
                         const std::string& prefix);

  KafkaBroker* broker_ = nullptr;
  std::unique_ptr<Suite> suite_;
  std::unique_ptr<v1::CustomerMaster::Stub> customers_;
  std::unique_ptr<CrashRetrier> retrier_;
};

// Registers a customer (the test fails if customer-master refuses it) and
// answers its id.
std::string RegisterCustomer(v1::CustomerMaster::Stub& customers, const std::string& request_id,
                             v1::CustomerKind kind, const std::string& name,
                             const std::string& province, const std::string& address);

// Distinct event ids per (payload type, aggregate id) on `topic` from its
// start, read until `done` holds or 30 s pass, then 1 s more for late
// duplicates.
using TopicEvents = std::map<std::pair<std::string, std::string>, std::set<std::string>>;
TopicEvents ReadTopicEvents(const std::string& bootstrap, const std::string& topic,
                            const std::function<bool(const TopicEvents&)>& done);

}  // namespace pharmacrm::itest

#endif  // PHARMACRM_TESTS_INTEGRATION_SUPPORT_CRASH_HARNESS_H_
