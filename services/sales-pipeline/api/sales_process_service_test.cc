// SalesProcessService over a real RocksDB store: people and their
// versions, the organisation on a date, and targets set, adjusted and read
// from the read models the projections fill (put here directly).
#include "api/sales_process_service.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "api/process_test_host.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "storage/control_repository.h"
#include "storage/process_repository.h"

namespace pharmacrm::sales_pipeline {
namespace {

using ::testing::HasSubstr;


std::string FieldOf(const absl::Status& s) { return core::FieldOf(s).value_or(""); }

using SalesProcessServiceTest = ProcessTestHost;

TEST_F(SalesProcessServiceTest, APersonIsVersionedAndARetryHasOneEffect) {
  ASSERT_TRUE(Upsert(Person("director.zhao", v1::SALES_ROLE_NATIONAL_DIRECTOR, ""), "r1").ok());
  ASSERT_TRUE(
      Upsert(Person("wang.qiang", v1::SALES_ROLE_DISTRICT_MANAGER, "director.zhao"), "r2").ok());
  const size_t outbox = Outbox();
  v1::Rep li = Person("li.na", v1::SALES_ROLE_REP, "wang.qiang");
  absl::StatusOr<v1::Rep> v1 = Upsert(li, "r3");
  ASSERT_TRUE(v1.ok()) << v1.status();
  EXPECT_EQ(v1->version(), 1);
  EXPECT_EQ(v1->updated_by(), "director.zhao");
  EXPECT_EQ(Outbox(), outbox + 1);
  // Retried: the same answer, nothing more published.
  absl::StatusOr<v1::Rep> again = Upsert(li, "r3");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->version(), 1);
  EXPECT_EQ(Outbox(), outbox + 1);
  // A raise from July: version 2, version 1 kept.
  v1::RepCost* raise = li.add_costs();
  raise->set_from_month("2025-07");
  raise->set_salary_fen(1'700'000);
  li.set_reason("mid-year review");
  absl::StatusOr<v1::Rep> v2 = Upsert(li, "r4", 1);
  ASSERT_TRUE(v2.ok()) << v2.status();
  EXPECT_EQ(v2->version(), 2);

  v1::GetRepRequest get;
  get.set_rep_id("li.na");
  v1::RepView view;
  grpc::ServerContext context;
  ASSERT_TRUE(process_service_->GetRep(&context, &get, &view).ok());
  ASSERT_EQ(view.versions_size(), 2);
  EXPECT_EQ(view.versions(0).costs_size(), 1);
  EXPECT_EQ(view.versions(1).costs_size(), 2);
  v1::GetRepRequest manager;
  manager.set_rep_id("wang.qiang");
  v1::RepView manager_view;
  ASSERT_TRUE(process_service_->GetRep(&context, &manager, &manager_view).ok());
  EXPECT_THAT(manager_view.reports(), ::testing::ElementsAre("li.na"));
}

TEST_F(SalesProcessServiceTest, BadPeopleAreRefusedNamingTheFieldAndNothingIsStored) {
  ASSERT_TRUE(Upsert(Person("director.zhao", v1::SALES_ROLE_NATIONAL_DIRECTOR, ""), "r1").ok());
  ASSERT_TRUE(Upsert(Person("li.na", v1::SALES_ROLE_REP, "director.zhao"), "r2").ok());
  const size_t outbox = Outbox();
  struct Case {
    v1::Rep rep;
    int64_t expected_version;
    absl::StatusCode code;
    const char* field;
  };
  v1::Rep bad_date = Person("zhou.min", v1::SALES_ROLE_REP, "director.zhao");
  bad_date.set_start_date("2025-13-01");
  const Case cases[] = {
      {Person("zhou.min", v1::SALES_ROLE_REP, "nobody"), 0, absl::StatusCode::kNotFound,
       "rep.manager_id"},
      {Person("zhou.min", v1::SALES_ROLE_REP, "li.na"), 0, absl::StatusCode::kFailedPrecondition,
       "rep.manager_id"},
      {Person("li.na", v1::SALES_ROLE_REP, "director.zhao"), 0, absl::StatusCode::kAlreadyExists,
       "rep.id"},
      {Person("li.na", v1::SALES_ROLE_REP, "director.zhao"), 7, absl::StatusCode::kAborted,
       "expected_version"},
      {Person("zhou.min", v1::SALES_ROLE_REP, "director.zhao"), 3, absl::StatusCode::kNotFound,
       "rep.id"},
      {bad_date, 0, absl::StatusCode::kInvalidArgument, "rep.start_date"},
  };
  int i = 0;
  for (const Case& c : cases) {
    absl::Status s = Upsert(c.rep, absl::StrCat("bad-", i++), c.expected_version).status();
    EXPECT_EQ(s.code(), c.code) << c.field << ": " << s;
    EXPECT_EQ(FieldOf(s), c.field) << s;
  }
  EXPECT_EQ(Outbox(), outbox);
  v1::ListRepsRequest list;
  v1::ListRepsResponse listed;
  grpc::ServerContext context;
  ASSERT_TRUE(process_service_->ListReps(&context, &list, &listed).ok());
  EXPECT_EQ(listed.reps_size(), 2);
}

TEST_F(SalesProcessServiceTest, ATargetIsAllocatedToTerritoriesAndCustomersFromWhatIsKnown) {
  SetUpOrganisation();
  const size_t outbox = Outbox();
  // 2025 sold 10,000 (H-PUMC 6,000, H2 3,000, P1 1,000); +10 %: 11,000.
  absl::StatusOr<v1::TargetAllocation> set = Set(ByLastYear("t1", 0.1));
  ASSERT_TRUE(set.ok()) << set.status();
  EXPECT_EQ(set->version(), 1);
  EXPECT_EQ(set->last_year_units(), 10'000);
  EXPECT_EQ(set->company_target_units(), 11'000);
  EXPECT_EQ(set->drug_class(), "心血管");
  EXPECT_EQ(Outbox(), outbox + 1);
  // Only H-PUMC has a market (40,000 prescriptions of the class): the
  // market's 0.2 goes to it whole. H-PUMC: 0.8 × 0.6 + 0.2 × 1 = 0.68 →
  // 7,480; H2: 0.8 × 0.3 = 0.24 → 2,640; P1: 0.8 × 0.1 = 0.08 → 880.
  absl::StatusOr<v1::TargetAllocation> customers = Get(0, 5);
  ASSERT_TRUE(customers.ok()) << customers.status();
  EXPECT_EQ(AmountOf(*customers, "H-PUMC"), 7'480);
  EXPECT_EQ(AmountOf(*customers, "H2"), 2'640);
  EXPECT_EQ(AmountOf(*customers, "P1"), 880);
  EXPECT_EQ(AmountOf(*customers, "T1"), 7'480);
  EXPECT_EQ(AmountOf(*customers, "T2"), 3'520);
  EXPECT_EQ(AmountOf(*customers, "H3"), -1) << "unaligned: not in the allocation";
  const std::string missing = absl::StrJoin(set->missing_inputs(), "\n");
  EXPECT_THAT(missing, HasSubstr("未分区医院 (H3) is not aligned"));
  EXPECT_THAT(missing, HasSubstr("no metrics of the year before for 北京市第二医院"));
  // The default depth stops at territories.
  EXPECT_EQ(AmountOf(*set, "H-PUMC"), -1);
  EXPECT_EQ(AmountOf(*set, "CN"), 11'000);
  // Retried: the same version, nothing more published.
  absl::StatusOr<v1::TargetAllocation> again = Set(ByLastYear("t1", 0.1));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->version(), 1);
  EXPECT_EQ(Outbox(), outbox + 1);

  // Explained, with its months by last year's: H-PUMC sold 1,000 in
  // February and 5,000 in September of 2025.
  v1::ExplainTargetRequest explain;
  explain.set_product_id("P001");
  explain.set_year(2026);
  explain.set_node_id("H-PUMC");
  v1::TargetExplanation explained;
  grpc::ServerContext context;
  ASSERT_TRUE(process_service_->ExplainTarget(&context, &explain, &explained).ok());
  ASSERT_EQ(explained.months_size(), 12);
  EXPECT_EQ(explained.months(1), 1'247);  // 7,480 / 6 = 1,246.67, the remainder to February
  EXPECT_EQ(explained.months(8), 6'233);
  EXPECT_THAT(explained.text(), HasSubstr("last_year_sales"));
}

TEST_F(SalesProcessServiceTest, BadTargetsAreRefusedNamingTheField) {
  SetUpOrganisation();
  const size_t outbox = Outbox();
  auto with = [](auto change) {
    v1::SetCompanyTargetRequest r = ByLastYear("bad", 0.1);
    change(r);
    return r;
  };
  struct Case {
    v1::SetCompanyTargetRequest request;
    absl::StatusCode code;
    const char* field;
  };
  const Case cases[] = {
      {with([](auto& r) { r.set_product_id("P999"); }), absl::StatusCode::kNotFound, "product_id"},
      {with([](auto& r) { r.set_year(1999); }), absl::StatusCode::kInvalidArgument, "year"},
      {with([](auto& r) { r.set_amount_units(-5); }), absl::StatusCode::kInvalidArgument,
       "amount_units"},
      {with([](auto& r) { r.mutable_weights()->set_growth(0.3); }),
       absl::StatusCode::kInvalidArgument, "weights"},
      {with([](auto& r) { r.mutable_weights()->set_market_size(-0.2); }),
       absl::StatusCode::kInvalidArgument, "weights.market_size"},
      {with([](auto& r) { r.set_expected_growth(-2); }), absl::StatusCode::kInvalidArgument,
       "expected_growth"},
      {with([](auto& r) { r.clear_request_id(); }), absl::StatusCode::kInvalidArgument,
       "request_id"},
  };
  int i = 0;
  for (Case c : cases) {
    if (!c.request.request_id().empty()) c.request.set_request_id(absl::StrCat("bad-", i++));
    absl::Status s = Set(c.request).status();
    EXPECT_EQ(s.code(), c.code) << c.field << ": " << s;
    EXPECT_EQ(FieldOf(s), c.field) << s;
  }
  EXPECT_EQ(Outbox(), outbox);
  EXPECT_EQ(Get(0, 0).status().code(), absl::StatusCode::kNotFound);
}

TEST_F(SalesProcessServiceTest, AnAdjustmentIsANewVersionAndABadOneChangesNothing) {
  SetUpOrganisation();
  ASSERT_TRUE(Set(ByLastYear("t1", 0.1)).ok());
  // T1 from 7,480 to 8,000: T2 absorbs −520 (3,520 → 3,000), split again.
  absl::StatusOr<v1::TargetAllocation> adjusted = AdjustNode("a1", "T1", 8'000, 1);
  ASSERT_TRUE(adjusted.ok()) << adjusted.status();
  EXPECT_EQ(adjusted->version(), 2);
  EXPECT_EQ(AmountOf(*adjusted, "T1"), 8'000);
  EXPECT_EQ(AmountOf(*adjusted, "T2"), 3'000);
  EXPECT_EQ(AmountOf(*adjusted, "N-BJ"), 11'000);
  ASSERT_EQ(adjusted->versions_size(), 2);
  EXPECT_EQ(adjusted->versions(1).change(), "北京东城 (T1) 7480 → 8000");
  EXPECT_EQ(adjusted->versions(1).by(), "manager.wang");
  const size_t outbox = Outbox();

  struct Case {
    std::string node;
    int64_t amount;
    int64_t version;
    std::string reason;
    absl::StatusCode code;
    const char* field;
  };
  const Case cases[] = {
      {"T1", 9'000, 1, "late", absl::StatusCode::kAborted, "expected_version"},
      {"T1", 9'000, 2, "", absl::StatusCode::kInvalidArgument, "reason"},
      {"T9", 9'000, 2, "typo", absl::StatusCode::kNotFound, "node_id"},
      // H-PUMC has sold 1,500 this year: T1 cannot go below it.
      {"T1", 1'000, 2, "cut", absl::StatusCode::kFailedPrecondition, "amount_units"},
      {"T1", -1, 2, "negative", absl::StatusCode::kInvalidArgument, "amount_units"},
  };
  int i = 0;
  for (const Case& c : cases) {
    absl::Status s =
        AdjustNode(absl::StrCat("bad-", i++), c.node, c.amount, c.version, c.reason).status();
    EXPECT_EQ(s.code(), c.code) << c.field << ": " << s;
    EXPECT_EQ(FieldOf(s), c.field) << s;
  }
  EXPECT_EQ(Outbox(), outbox);
  absl::StatusOr<v1::TargetAllocation> latest = Get(0, 0);
  ASSERT_TRUE(latest.ok());
  EXPECT_EQ(latest->version(), 2);
  // Version 1 is kept as it was.
  absl::StatusOr<v1::TargetAllocation> first = Get(1, 0);
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(AmountOf(*first, "T1"), 7'480);
}

TEST_F(SalesProcessServiceTest, ARepSeesTheirCustomersAndTheOrganisationItsPeople) {
  SetUpOrganisation();
  ASSERT_TRUE(Upsert(Person("director.zhao", v1::SALES_ROLE_NATIONAL_DIRECTOR, ""), "r1").ok());
  ASSERT_TRUE(Upsert(Person("li.na", v1::SALES_ROLE_REP, "director.zhao"), "r2").ok());
  ASSERT_TRUE(Set(ByLastYear("t1", 0.1)).ok());
  v1::GetRepTargetsRequest request;
  request.set_rep_id("li.na");
  request.set_year(2026);
  v1::RepTargets targets;
  grpc::ServerContext context;
  ASSERT_TRUE(process_service_->GetRepTargets(&context, &request, &targets).ok());
  EXPECT_THAT(targets.territory_ids(), ::testing::ElementsAre("T1"));
  ASSERT_EQ(targets.customers_size(), 1);
  const v1::CustomerTarget& c = targets.customers(0);
  EXPECT_EQ(c.customer_id(), "H-PUMC");
  EXPECT_EQ(c.target_units(), 7'480);
  EXPECT_EQ(c.market_units(), 40'000);
  EXPECT_EQ(c.headroom_units(), 32'520);
  EXPECT_EQ(c.sold_so_far_units(), 1'500);
  EXPECT_EQ(c.to_go_units(), 5'980);
  EXPECT_TRUE(c.growth_known());
  EXPECT_NEAR(c.growth(), 0.2, 1e-12);  // 6,000 against 5,000

  v1::GetOrganisationRequest org;
  org.set_as_of("2026-03-01");
  v1::Organisation organisation;
  ASSERT_TRUE(process_service_->GetOrganisation(&context, &org, &organisation).ok());
  ASSERT_EQ(organisation.nodes_size(), 5);
  EXPECT_EQ(organisation.nodes(0).level(), "nation");
  const v1::OrganisationNode& t1 = organisation.nodes(3);
  EXPECT_EQ(t1.territory_id(), "T1");
  EXPECT_THAT(t1.rep_ids(), ::testing::ElementsAre("li.na"));
  EXPECT_EQ(t1.customers(), 1);
  EXPECT_EQ(organisation.nodes(4).customers(), 2);
  // Before li.na's alignment (2025-06-01) T1 had nobody.
  org.set_as_of("2025-05-31");
  v1::Organisation before;
  ASSERT_TRUE(process_service_->GetOrganisation(&context, &org, &before).ok());
  ASSERT_EQ(before.nodes_size(), 5);
  EXPECT_TRUE(before.nodes(3).rep_ids().empty());
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline
