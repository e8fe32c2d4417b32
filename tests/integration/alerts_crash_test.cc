// kill -9 in sales-pipeline's change factors at the places where a crash
// could lose or double an alert: between RecordChange's WriteBatch and the
// relay's publish of its AlertRaised, and between consuming a hospital's
// ProfileChanged and applying it (or recording it applied). The crash point
// is armed just before the step it aims at (sales-pipeline restarted with
// it). Every call is retried with its request id until it succeeds,
// restarting the service without the crash point after it died.
// Afterwards the hospital has each alert once (the rep's and one per
// change of its people in charge) and the sales topic holds each
// AlertRaised once.
#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "api/example_rep.h"
#include "domain/process/organisation_testing.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/v1/change_alerts.grpc.pb.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"
#include "pharmacrm/v1/sales_process.grpc.pb.h"
#include "support/crash_harness.h"
#include "support/import_stream.h"
#include "support/kafka_broker.h"
#include "support/suite.h"

namespace pharmacrm::itest {
namespace {

constexpr char kSalesTopic[] = "pharmacrm.sales.events.v1";

class AlertsCrashTest : public SalesPipelineCrashTest {
 protected:
  void Connect() override {
    customers_ = CustomerMasterClient(*suite_);
    auto channel = rpc::MakeChannel(suite_->GrpcAddress("sales-pipeline"));
    process_ = v1::SalesProcess::NewStub(channel);
    alerts_ = v1::ChangeAlerts::NewStub(channel);
  }

  // The hospital's alerts once there are `count` (UNAVAILABLE before).
  grpc::Status AlertsOf(const std::string& customer_id, int count, v1::ListAlertsResponse* listed) {
    v1::ListAlertsRequest req;
    req.set_customer_id(customer_id);
    auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
    grpc::Status s = alerts_->ListAlerts(ctx.get(), req, listed);
    if (s.ok() && listed->alerts_size() < count) {
      return grpc::Status(grpc::StatusCode::UNAVAILABLE, "not consumed yet");
    }
    return s;
  }

  std::unique_ptr<v1::SalesProcess::Stub> process_;
  std::unique_ptr<v1::ChangeAlerts::Stub> alerts_;
};

TEST_P(AlertsCrashTest, SalesPipelineKilledRaisesEachAlertOnce) {
  const std::string point = GetParam();
  const bool at_consumer = absl::StartsWith(point, "consumer_");
  ASSERT_NO_FATAL_FAILURE(StartSuite(/*armed=*/false));

  // customer-master: 全国 > 华西大区 > 成都地区 > 成都武侯, 华西医院 in it
  // with its director and P&T committee, li.na its rep.
  const std::string nation = Territory("a-cn", "CN", "全国", v1::TERRITORY_LEVEL_NATION, "");
  const std::string region =
      Territory("a-w", "CN-W", "华西大区", v1::TERRITORY_LEVEL_REGION, nation);
  const std::string area =
      Territory("a-cd", "CN-W-CD", "成都地区", v1::TERRITORY_LEVEL_AREA, region);
  const std::string t1 =
      Territory("a-t1", "CN-W-CD-01", "成都武侯", v1::TERRITORY_LEVEL_TERRITORY, area);
  v1::RegisterCustomerRequest reg;
  reg.set_request_id("a-h1");
  v1::CustomerProfile* profile = reg.mutable_profile();
  profile->set_kind(v1::CUSTOMER_KIND_HOSPITAL);
  profile->set_name("崩溃测试华西医院");
  profile->set_province("四川省");
  profile->set_city("成都市");
  profile->set_address("四川省成都市武侯区国学巷37号");
  profile->set_hospital_grade(v1::HOSPITAL_GRADE_3A);
  *profile->mutable_hospital() =
      sales_pipeline::testing_data::TestPeople("李院长", {{"张伟", "主任委员"}}, {});
  v1::Customer hospital;
  {
    auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
    grpc::Status s = customers_->RegisterCustomer(ctx.get(), reg, &hospital);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  const std::string h1 = hospital.id();
  Align("a-a1", v1::ALIGNMENT_SUBJECT_CUSTOMER, h1, t1);
  Align("a-a2", v1::ALIGNMENT_SUBJECT_REP, "li.na", t1);
  ASSERT_NO_FATAL_FAILURE(AddDirectorAndRep(process_, "a"));
  // The hospital's registration and alignment and the rep's alignment
  // consumed: li.na is the rep of 成都武侯 with one customer.
  ASSERT_TRUE(Retry([&] {
                v1::GetOrganisationRequest req;
                v1::Organisation org;
                auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
                grpc::Status s = process_->GetOrganisation(ctx.get(), req, &org);
                if (!s.ok()) return s;
                for (const v1::OrganisationNode& n : org.nodes()) {
                  if (n.territory_id() == t1 && n.customers() == 1 && n.rep_ids_size() == 1) {
                    return s;
                  }
                }
                return grpc::Status(grpc::StatusCode::UNAVAILABLE, "not consumed yet");
              }).ok());

  // A rep's entry: a tender announced, acknowledged.
  if (!at_consumer) {
    ASSERT_NO_FATAL_FAILURE(Arm());
  }
  v1::RecordChangeRequest change;
  change.set_request_id("a-tender");
  change.set_customer_id(h1);
  change.set_factor(v1::CHANGE_FACTOR_TIMETABLE);
  change.set_what("tender");
  change.set_after("2026 四川省集采");
  v1::Alert tender;
  ASSERT_TRUE(Retry([&] {
                auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
                return alerts_->RecordChange(ctx.get(), change, &tender);
              }).ok());
  EXPECT_EQ(tender.owner(), "li.na");
  v1::UpdateAlertRequest ack;
  ack.set_request_id("a-ack");
  ack.set_alert_id(tender.id());
  ack.set_state(v1::ALERT_STATE_ACKNOWLEDGED);
  ack.set_expected_version(1);
  ASSERT_TRUE(Retry([&] {
                v1::Alert out;
                auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
                return alerts_->UpdateAlert(ctx.get(), ack, &out);
              }).ok());

  if (at_consumer) {
    // Their events published and consumed before the consumer is armed, so
    // the first event it applies after the restart is the ProfileChanged.
    ReadTopicEvents(broker_->bootstrap(), kSalesTopic, [&](const TopicEvents& seen) {
      return seen.count({"AlertRaised", tender.id()}) &&
             seen.count({"AlertStateChanged", tender.id()});
    });
    absl::SleepFor(absl::Seconds(2));
    ASSERT_NO_FATAL_FAILURE(Arm());
  }

  // customer-master: a new director, 陈静 joins the P&T committee.
  v1::UpdateCustomerRequest update;
  update.set_request_id("a-update");
  update.set_customer_id(h1);
  update.set_expected_version(hospital.version());
  *update.mutable_profile()->mutable_hospital() = sales_pipeline::testing_data::TestPeople(
      "王院长", {{"张伟", "主任委员"}, {"陈静", "委员"}}, {});
  update.mutable_update_mask()->add_paths("hospital");
  update.set_reason("院务公开信息更新");
  {
    v1::Customer updated;
    auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
    grpc::Status s = customers_->UpdateCustomer(ctx.get(), update, &updated);
    ASSERT_TRUE(s.ok()) << s.error_message();
  }
  v1::ListAlertsResponse listed;
  ASSERT_TRUE(Retry([&] {
                listed.Clear();
                return AlertsOf(h1, 3, &listed);
              }).ok());
  EXPECT_GE(retrier_->crashes(), 1) << "the crash point " << point << " was never reached";

  // Each alert once: the rep's and one per change of the people in charge.
  ASSERT_EQ(listed.alerts_size(), 3);
  std::map<std::string, const v1::Alert*> by_what;
  std::set<std::string> ids;
  for (const v1::Alert& a : listed.alerts()) {
    by_what[a.what()] = &a;
    ids.insert(a.id());
    EXPECT_EQ(a.owner(), "li.na") << a.id();
  }
  EXPECT_EQ(ids.size(), 3u);
  ASSERT_EQ(by_what.size(), 3u);
  ASSERT_TRUE(by_what.count("tender") && by_what.count("director") &&
              by_what.count("pharmacy_committee"));
  EXPECT_EQ(by_what["tender"]->state(), v1::ALERT_STATE_ACKNOWLEDGED);
  EXPECT_EQ(by_what["director"]->after(), "王院长");
  EXPECT_EQ(by_what["pharmacy_committee"]->after(), "陈静 (委员)");
  EXPECT_EQ(by_what["pharmacy_committee"]->suggestion_zh(),
            "在下次药事会前拜访新任药事委员会委员 陈静 (委员)，介绍产品");

  TopicEvents events =
      ReadTopicEvents(broker_->bootstrap(), kSalesTopic, [&](const TopicEvents& seen) {
        for (const std::string& id : ids) {
          if (!seen.count({"AlertRaised", id})) return false;
        }
        return seen.count({"AlertStateChanged", tender.id()}) > 0;
      });
  for (const std::string& id : ids) {
    EXPECT_EQ(events[std::make_pair(std::string("AlertRaised"), id)].size(), 1u) << id;
  }
  EXPECT_EQ(events[std::make_pair(std::string("AlertStateChanged"), tender.id())].size(), 1u);
}

INSTANTIATE_TEST_SUITE_P(CrashPoints, AlertsCrashTest,
                         testing::Values("after_commit_before_publish:1", "consumer_before_apply:1",
                                         "consumer_after_apply:1"));

}  // namespace
}  // namespace pharmacrm::itest
