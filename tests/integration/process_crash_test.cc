// kill -9 in sales-pipeline's sales process at the places where a crash
// could lose or double an event: between a command's WriteBatch and the
// relay's publish (UpsertRep, SetCompanyTarget, AdjustTarget), and between
// consuming and applying customer-master's events (the process inputs'
// consumer: TerritoryChanged, CustomerAligned, RepAligned). Every call is
// retried with its request id until it succeeds, restarting the service
// without the crash point after it died. Afterwards the organisation shows
// every territory, customer and rep once, the target's two versions are as
// computed by hand, and the sales topic holds each command's event once.
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "api/example_product.h"
#include "api/example_rep.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/v1/channel_service.grpc.pb.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"
#include "pharmacrm/v1/field_force.grpc.pb.h"
#include "pharmacrm/v1/sales_process.grpc.pb.h"
#include "support/crash_harness.h"
#include "support/import_stream.h"
#include "support/kafka_broker.h"
#include "support/suite.h"

namespace pharmacrm::itest {
namespace {

class ProcessCrashTest : public SalesPipelineCrashTest {
 protected:
  void Connect() override {
    customers_ = CustomerMasterClient(*suite_);
    auto channel = rpc::MakeChannel(suite_->GrpcAddress("sales-pipeline"));
    sales_ = v1::SalesChannel::NewStub(channel);
    process_ = v1::SalesProcess::NewStub(channel);
  }

  static v1::Rep Person(const std::string& id, v1::SalesRole role, const std::string& manager) {
    return sales_pipeline::testing_data::ExampleRep(id, role, manager);
  }

  // nation > 华北大区 > 北京地区 > 北京东城 in customer-master: their ids, in
  // that order.
  std::vector<std::string> BeijingBranch(const std::string& tag) {
    const std::string nation = Territory(tag + "-cn", "CN", "全国", v1::TERRITORY_LEVEL_NATION, "");
    const std::string region =
        Territory(tag + "-n", "CN-N", "华北大区", v1::TERRITORY_LEVEL_REGION, nation);
    const std::string area =
        Territory(tag + "-bj", "CN-N-BJ", "北京地区", v1::TERRITORY_LEVEL_AREA, region);
    return {nation, region, area,
            Territory(tag + "-t1", "CN-N-BJ-01", "北京东城", v1::TERRITORY_LEVEL_TERRITORY, area)};
  }

  // The example product as `id`, and zhao.wei (national director) with
  // li.na (rep) under him (AddDirectorAndRep); each call retried across the
  // crash.
  void AddProductAndPeople(const std::string& prefix, const std::string& id,
                           const std::string& name) {
    const v1::UpsertProductRequest product = sales_pipeline::testing_data::ExampleProductRequest(
        prefix + "-product", id, name, "2030-06-09");
    ASSERT_TRUE(Retry([&] {
                  v1::Product out;
                  auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
                  return sales_->UpsertProduct(ctx.get(), product, &out);
                }).ok());
    ASSERT_NO_FATAL_FAILURE(AddDirectorAndRep(process_, prefix));
  }

  std::unique_ptr<v1::SalesChannel::Stub> sales_;
  std::unique_ptr<v1::SalesProcess::Stub> process_;
};

constexpr char kArmedBeforeHistory[] = "after_commit_before_publish:1";

// The field force's commands: samples issued, call reports (a rep's
// stock and a customer's activity in one write with the report) and a
// call history imported (several calls and their events in one write).
class FieldForceCrashTest : public ProcessCrashTest {
 protected:
  void Connect() override {
    ProcessCrashTest::Connect();
    field_ = v1::FieldForce::NewStub(rpc::MakeChannel(suite_->GrpcAddress("sales-pipeline")));
  }

  std::unique_ptr<v1::FieldForce::Stub> field_;
};

TEST_P(ProcessCrashTest, SalesPipelineKilledLosesAndDoublesNothing) {
  ASSERT_NO_FATAL_FAILURE(StartSuite());
  const std::string tag = GetParam();

  // customer-master: nation > region > area > two territories, a 三甲
  // hospital in each, li.na aligned to the first.
  const std::vector<std::string> branch = BeijingBranch(tag);
  const std::string& nation = branch[0];
  const std::string& area = branch[2];
  const std::string& t1 = branch[3];
  const std::string t2 =
      Territory(tag + "-t2", "CN-N-BJ-02", "北京西城", v1::TERRITORY_LEVEL_TERRITORY, area);
  const std::string h1 = RegisterCustomer(*customers_, tag + "-h1", v1::CUSTOMER_KIND_HOSPITAL,
                                          "崩溃测试协和医院", "北京市", "北京市东城区帅府园1号");
  const std::string h2 =
      RegisterCustomer(*customers_, tag + "-h2", v1::CUSTOMER_KIND_HOSPITAL, "崩溃测试人民医院",
                       "北京市", "北京市西城区西直门南大街11号");
  ASSERT_FALSE(h1.empty());
  ASSERT_FALSE(h2.empty());
  Align(tag + "-a1", v1::ALIGNMENT_SUBJECT_CUSTOMER, h1, t1);
  Align(tag + "-a2", v1::ALIGNMENT_SUBJECT_CUSTOMER, h2, t2);
  Align(tag + "-a3", v1::ALIGNMENT_SUBJECT_REP, "li.na", t1);

  // sales-pipeline: the product and two people.
  ASSERT_NO_FATAL_FAILURE(AddProductAndPeople("crash", "PCRASH", "崩溃测试他汀片"));

  // The organisation once customer-master's events are consumed: each
  // territory, customer and rep once.
  ASSERT_TRUE(Retry([&] {
                v1::GetOrganisationRequest req;
                req.set_as_of("2026-01-01");
                v1::Organisation org;
                auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
                grpc::Status s = process_->GetOrganisation(ctx.get(), req, &org);
                if (!s.ok()) return s;
                std::map<std::string, const v1::OrganisationNode*> by_id;
                for (const v1::OrganisationNode& n : org.nodes()) by_id[n.territory_id()] = &n;
                if (by_id.size() < 5 || !by_id.count(t1) || !by_id.count(t2) ||
                    by_id[t1]->customers() != 1 || by_id[t2]->customers() != 1 ||
                    by_id[t1]->rep_ids_size() != 1) {
                  return grpc::Status(grpc::StatusCode::UNAVAILABLE, "not consumed yet");
                }
                EXPECT_EQ(by_id.size(), 5u);
                EXPECT_EQ(by_id[t1]->rep_ids(0), "li.na");
                return s;
              }).ok());

  // A target of 1,000 packs by grade alone: both 三甲, 500 each. Then T1 to
  // 600: T2 400.
  v1::SetCompanyTargetRequest set;
  set.set_request_id("crash-target");
  set.set_product_id("PCRASH");
  set.set_year(2026);
  set.set_amount_units(1'000);
  set.mutable_weights()->set_grade_score(1);
  set.set_reason("crash plan");
  ASSERT_TRUE(Retry([&] {
                v1::TargetAllocation out;
                auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(10));
                return process_->SetCompanyTarget(ctx.get(), set, &out);
              }).ok());
  v1::AdjustTargetRequest adjust;
  adjust.set_request_id("crash-adjust");
  adjust.set_product_id("PCRASH");
  adjust.set_year(2026);
  adjust.set_node_id(t1);
  adjust.set_amount_units(600);
  adjust.set_expected_version(1);
  adjust.set_reason("tender won");
  v1::TargetAllocation adjusted;
  ASSERT_TRUE(Retry([&] {
                auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(10));
                return process_->AdjustTarget(ctx.get(), adjust, &adjusted);
              }).ok());
  EXPECT_EQ(adjusted.version(), 2);
  std::map<std::string, int64_t> amounts;
  for (const v1::TargetNode& n : adjusted.nodes()) amounts[n.node_id()] = n.amount_units();
  EXPECT_EQ(amounts[t1], 600);
  EXPECT_EQ(amounts[t2], 400);
  EXPECT_EQ(amounts[nation], 1'000);
  EXPECT_GE(retrier_->crashes(), 1) << "the crash point " << GetParam() << " was never reached";

  TopicEvents events = ReadTopicEvents(
      broker_->bootstrap(), "pharmacrm.sales.events.v1", [&](const TopicEvents& seen) {
        auto it = seen.find({"TargetAllocated", "PCRASH/2026"});
        return seen.count({"RepChanged", "zhao.wei"}) && seen.count({"RepChanged", "li.na"}) &&
               it != seen.end() && it->second.size() >= 2;
      });
  auto count = [&](const std::string& type, const std::string& id) {
    return events[std::make_pair(type, id)].size();
  };
  EXPECT_EQ(count("RepChanged", "zhao.wei"), 1u);
  EXPECT_EQ(count("RepChanged", "li.na"), 1u);
  EXPECT_EQ(count("TargetAllocated", "PCRASH/2026"), 2u) << "one per version";
  EXPECT_EQ(count("ProductChanged", "PCRASH"), 1u);
}

INSTANTIATE_TEST_SUITE_P(CrashPoints, ProcessCrashTest,
                         testing::Values("after_commit_before_publish:3", "consumer_before_apply:6",
                                         "consumer_after_apply:6"));

TEST_P(FieldForceCrashTest, SalesPipelineKilledLosesAndDoublesNothing) {
  // The history import is aimed at by arming just before it: the first
  // write after that restart is the import's.
  const bool aim_at_history = std::string(GetParam()) == kArmedBeforeHistory;
  ASSERT_NO_FATAL_FAILURE(StartSuite(/*armed=*/!aim_at_history));
  const std::string tag = GetParam();
  const std::string t1 = BeijingBranch(tag)[3];
  const std::string h1 = RegisterCustomer(*customers_, tag + "-h1", v1::CUSTOMER_KIND_HOSPITAL,
                                          "拜访测试协和医院", "北京市", "北京市东城区帅府园1号");
  ASSERT_FALSE(h1.empty());
  Align(tag + "-a1", v1::ALIGNMENT_SUBJECT_CUSTOMER, h1, t1);
  Align(tag + "-a2", v1::ALIGNMENT_SUBJECT_REP, "li.na", t1);
  ASSERT_NO_FATAL_FAILURE(AddProductAndPeople("ff", "PCALL", "拜访测试他汀片"));
  v1::IssueSamplesRequest issue;
  issue.set_request_id("ff-issue");
  issue.set_rep_id("li.na");
  issue.set_product_id("PCALL");
  issue.set_batch_no("B2506");
  issue.set_quantity(10);
  ASSERT_TRUE(Retry([&] {
                v1::SampleStock out;
                auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
                return field_->IssueSamples(ctx.get(), issue, &out);
              }).ok());

  // Three calls on the hospital, 2 packs left on each: retried until they
  // answer (FAILED_PRECONDITION while the hospital's alignment or the
  // rep's is still on its way).
  std::vector<std::string> call_ids;
  for (int i = 0; i < 3; ++i) {
    v1::ReportCallRequest req;
    req.set_request_id(absl::StrCat("ff-call-", i));
    v1::CallReport* call = req.mutable_call();
    call->set_rep_id("li.na");
    call->set_customer_id(h1);
    *call->mutable_called_at() = core::ToTimestamp(absl::Now() - absl::Hours(3 - i));
    call->set_duration_minutes(15);
    call->add_product_ids("PCALL");
    call->set_outcome(v1::CALL_OUTCOME_POSITIVE);
    v1::SampleLeft* s = call->add_samples();
    s->set_product_id("PCALL");
    s->set_batch_no("B2506");
    s->set_quantity(2);
    s->set_signed_for(true);
    v1::CallReport out;
    ASSERT_TRUE(Retry([&] {
                  auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
                  return field_->ReportCall(ctx.get(), req, &out);
                }).ok())
        << i;
    call_ids.push_back(out.id());
  }

  // Two calls of February 2025 migrated from an earlier CRM in one request,
  // a pack left on each (not from today's stock).
  v1::ImportCallHistoryRequest history;
  history.set_request_id("ff-history");
  history.set_source("Siebel export");
  for (int day : {10, 17}) {
    v1::CallReport* call = history.add_calls();
    call->set_rep_id("li.na");
    call->set_customer_id(h1);
    *call->mutable_called_at() = core::ToTimestamp(
        absl::FromCivil(absl::CivilSecond(2025, 2, day, 10, 0, 0), absl::FixedTimeZone(8 * 3600)));
    call->set_duration_minutes(20);
    call->add_product_ids("PCALL");
    call->set_outcome(v1::CALL_OUTCOME_NEUTRAL);
    v1::SampleLeft* s = call->add_samples();
    s->set_product_id("PCALL");
    s->set_batch_no("B2412");
    s->set_quantity(1);
  }
  if (aim_at_history) {
    ASSERT_NO_FATAL_FAILURE(Arm());
  }
  v1::ImportCallHistoryResponse imported;
  ASSERT_TRUE(Retry([&] {
                auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
                return field_->ImportCallHistory(ctx.get(), history, &imported);
              }).ok());
  ASSERT_EQ(imported.calls_size(), 2);
  for (const v1::CallReport& c : imported.calls()) call_ids.push_back(c.id());
  EXPECT_GE(retrier_->crashes(), 1) << "the crash point " << GetParam() << " was never reached";

  // Each call taken from the stock once, listed once, counted once.
  v1::GetSampleStockRequest stock_req;
  stock_req.set_rep_id("li.na");
  v1::SampleStock stock;
  ASSERT_TRUE(Retry([&] {
                auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
                return field_->GetSampleStock(ctx.get(), stock_req, &stock);
              }).ok());
  ASSERT_EQ(stock.lines_size(), 1);
  EXPECT_EQ(stock.lines(0).issued(), 10);
  EXPECT_EQ(stock.lines(0).on_hand(), 4);
  v1::ListCallsRequest list;
  list.set_rep_id("li.na");
  v1::ListCallsResponse calls;
  ASSERT_TRUE(Retry([&] {
                auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
                return field_->ListCalls(ctx.get(), list, &calls);
              }).ok());
  EXPECT_EQ(calls.calls_size(), 3);
  list.set_from_day("2025-02-01");
  list.set_to_day("2025-02-28");
  ASSERT_TRUE(Retry([&] {
                auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
                return field_->ListCalls(ctx.get(), list, &calls);
              }).ok());
  EXPECT_EQ(calls.calls_size(), 2);

  TopicEvents events = ReadTopicEvents(broker_->bootstrap(), "pharmacrm.sales.events.v1",
                                       [&](const TopicEvents& seen) {
                                         for (const std::string& id : call_ids) {
                                           if (!seen.count({"VisitLogged", id})) return false;
                                         }
                                         return seen.count({"SamplesIssued", "li.na"}) > 0;
                                       });
  for (const std::string& id : call_ids) {
    EXPECT_EQ(events[std::make_pair(std::string("VisitLogged"), id)].size(), 1u) << id;
  }
  EXPECT_EQ(events[std::make_pair(std::string("SamplesIssued"), std::string("li.na"))].size(), 1u);
}

// sales-pipeline's commands with an event: the product (1), two people
// (2, 3), the samples (4), then the calls (5 to 7). kArmedBeforeHistory is
// armed just before the history import (two calls and their events in one
// write).
INSTANTIATE_TEST_SUITE_P(CrashPoints, FieldForceCrashTest,
                         testing::Values("after_commit_before_publish:4",
                                         "after_commit_before_publish:6", kArmedBeforeHistory));

}  // namespace
}  // namespace pharmacrm::itest
