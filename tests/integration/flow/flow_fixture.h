// The fixture of flow_test: one suite of the five services and the gateway
// on the shared broker, started once for every FlowTest case, and the
// helpers the cases share (calls through the gateway, reading a topic, the
// pharmacrm tool). The cases are in flow/*_test.cc, one file per aggregate
// or concern, linked into the one flow_test binary.
#ifndef PHARMACRM_TESTS_INTEGRATION_FLOW_FLOW_FIXTURE_H_
#define PHARMACRM_TESTS_INTEGRATION_FLOW_FLOW_FIXTURE_H_

#include <functional>
#include <string>
#include <utility>

#include "absl/strings/string_view.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "librdkafka/rdkafkacpp.h"
#include "pharmacrm/http/server.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"
#include "pharmacrm/v1/events.pb.h"
#include "pharmacrm/v1/gateway.grpc.pb.h"
#include "support/suite.h"

namespace pharmacrm::itest {

using google::protobuf::util::JsonStringToMessage;

class FlowTest : public testing::Test {
 protected:
  static void SetUpTestSuite();
  static void TearDownTestSuite();
  void SetUp() override;

  // Creates territory `code` (named "<code> 辖区") under `parent`.
  static grpc::Status CreateTerritory(v1::CustomerMaster::Stub& stub, const std::string& request_id,
                                      const std::string& code, v1::TerritoryLevel level,
                                      const std::string& parent, v1::Territory* out);

  http::Response Http(absl::string_view method, absl::string_view target,
                      absl::string_view body = "");

  // Registers through the gateway; returns the new id.
  std::string Register(const std::string& request_id, const std::string& json_profile);

  std::string RegisterHospital(const std::string& tag);
  std::string RegisterDoctor(const std::string& tag, const std::string& hospital_id);

  // Logs a visit through the gateway, retrying while sales-pipeline has not
  // yet seen the customer (404). Returns the final HTTP status.
  int LogVisitWhenKnown(const std::string& request_id, const std::string& customer_id);

  // The value of the sample `name` (with its labels, as exposed) on
  // `service`'s admin /metrics; 0 when it is not there yet.
  double Metric(const std::string& service, const std::string& name);

  // An import row counter family (pharmacrm_import_rows_total or
  // pharmacrm_metrics_import_rows_total) on customer-master, by outcome.
  struct ImportRowCounts {
    double accepted = 0;
    double rejected = 0;
    double duplicates = 0;
  };
  ImportRowCounts ImportRows(const std::string& family);

  // GET `target` is 400 with an error naming `field`.
  void ExpectGetRefusedNaming(const std::string& target, const std::string& field);

  // The customer now, as the gateway's /profile route answers.
  v1::Customer Profile(const std::string& id);

  v1::Customer360 Get360(const std::string& id);

  static Suite* suite_;
};

// Reads `topic` from the beginning, for at most 30 s, until `visit` returns
// true for a record; true if it did.
bool ReadTopicUntil(const std::string& topic, const std::function<bool(RdKafka::Message&)>& visit);

// Reads `topic` from the beginning until `pred` accepts an envelope.
bool SeenOnTopic(const std::string& topic, const std::function<bool(const v1::EventEnvelope&)>& pred);

// Runs the pharmacrm command-line tool; returns its stdout and exit code.
std::pair<std::string, int> RunCli(const std::string& args);

}  // namespace pharmacrm::itest

#endif  // PHARMACRM_TESTS_INTEGRATION_FLOW_FLOW_FIXTURE_H_
