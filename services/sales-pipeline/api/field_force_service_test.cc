// FieldForceService over a real RocksDB store: samples, call reports and
// their checks, the weekly call plan and the KPIs of March 2026, every
// figure computed by hand from the organisation of process_test_host.h
// and what the tests add:
//
//   people   director.zhao > wang.qiang (district manager) > li.na (rep, T1
//            from 2025-06-01; ¥15,000 a month, 20 sample packs a month)
//   doctors  D-A and D-B at H-PUMC (T1), D-C at H2 (T2); prescriptions of
//            心血管 in 2026-02: 120, 40, 10 → classes A, B, C; D-B's first
//            own prescriptions (5) in 2026-03 → a new prescriber
//   sales    H-PUMC 600 packs in 2025-03, 660 in 2026-03 (P001)
//   target   P001 2026 by last year's sales alone, no growth: 10,600 (6,600
//            H-PUMC: Feb 1,000, Mar 600, Sep 5,000; 3,000 H2; 1,000 P1); T1
//            6,600, phased like H-PUMC's 2025 months: March 600
//   calls    li.na: D-A on 2 and 9 March (2 sample packs on the 2nd), H-PUMC
//            on 10 March with D-B present, jointly with wang.qiang
#include "api/field_force_service.h"

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/process_test_host.h"
#include "domain/channel/dates.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/runtime/projection.h"
#include "pharmacrm/v1/events.pb.h"
#include "storage/alert_repository.h"
#include "storage/keys.h"

namespace pharmacrm::sales_pipeline {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

std::string FieldOf(const absl::Status& s) { return core::FieldOf(s).value_or(""); }

absl::Time China(int y, int m, int d, int hour = 10) {
  return channel::ChinaDayStart(absl::CivilDay(y, m, d)) + absl::Hours(hour);
}

class FieldForceServiceTest : public ProcessTestHost {
 protected:
  void SetUp() override {
    ProcessTestHost::SetUp();
    visits_ = &host_->Keep(std::make_unique<VisitLog>(*host_));
    field_ = &host_->EmplaceService<FieldForceService>(*host_, *visits_);
    SetUpOrganisation();
    ASSERT_TRUE(Upsert(Person("director.zhao", v1::SALES_ROLE_NATIONAL_DIRECTOR, ""), "p1").ok());
    ASSERT_TRUE(
        Upsert(Person("wang.qiang", v1::SALES_ROLE_DISTRICT_MANAGER, "director.zhao"), "p2").ok());
    v1::Rep li = Person("li.na", v1::SALES_ROLE_REP, "wang.qiang");
    li.mutable_costs(0)->set_samples_budget_units(20);
    ASSERT_TRUE(Upsert(li, "p3").ok());
    ASSERT_TRUE(Upsert(Person("zhou.min", v1::SALES_ROLE_REP, "wang.qiang"), "p4").ok());
    Doctor("D-A", "H-PUMC", 120, 0);
    Doctor("D-B", "H-PUMC", 40, 5);
    Doctor("D-C", "H2", 10, 0);
    AddFacts({Fact("H-PUMC", "2025-03", 600), Fact("H-PUMC", "2026-03", 660)});
  }

  // A doctor at `hospital` with 2026-02 prescriptions of 心血管 (all
  // makers) and, when own_in_march > 0, our first ones in 2026-03.
  void Doctor(const std::string& id, const std::string& hospital, int64_t february,
              int64_t own_in_march) {
    v1::Customer doctor;
    doctor.set_id(id);
    doctor.set_status(v1::CUSTOMER_STATUS_ACTIVE);
    doctor.mutable_profile()->set_kind(v1::CUSTOMER_KIND_DOCTOR);
    doctor.mutable_profile()->set_name(absl::StrCat("Dr ", id));
    doctor.mutable_profile()->set_hospital_id(hospital);
    ProcessRepository repo(host_->store());
    Write([&](store::Batch& b) {
      b.Put(store::Family::kState, runtime::CustomerKey(kKnownCustomer, id),
            doctor.SerializeAsString());
      auto month = [&](const std::string& period, int64_t all, int64_t own) {
        v1::CustomerMetrics m;
        m.set_customer_id(id);
        m.set_period(period);
        m.set_version(1);
        v1::DrugClassFigure* f = m.mutable_doctor()->add_prescriptions();
        f->set_drug_class("心血管");
        f->set_volume(all);
        if (own > 0) {
          v1::DrugClassFigure* o = m.mutable_doctor()->add_own_prescriptions();
          o->set_drug_class("心血管");
          o->set_volume(own);
        }
        repo.PutMetrics(b, m);
      };
      month("2026-02", february, 0);
      if (own_in_march > 0) month("2026-03", february, own_in_march);
    });
  }

  absl::Status Issue(const std::string& request_id, int64_t quantity) {
    v1::IssueSamplesRequest r;
    r.set_request_id(request_id);
    r.set_rep_id("li.na");
    r.set_product_id("P001");
    r.set_batch_no("B1");
    r.set_quantity(quantity);
    v1::SampleStock out;
    return field_->Issue(r, "wang.qiang", &out);
  }

  static v1::CallReport Call(const std::string& customer, absl::Time at) {
    v1::CallReport c;
    c.set_rep_id("li.na");
    c.set_customer_id(customer);
    *c.mutable_called_at() = core::ToTimestamp(at);
    c.set_duration_minutes(20);
    c.add_product_ids("P001");
    c.add_key_messages("每日一次，依从性好");
    c.set_outcome(v1::CALL_OUTCOME_POSITIVE);
    c.set_next_step("下周送文献");
    return c;
  }

  // `packs` of P001's batch B1 left on the call, signed for.
  static void LeaveSamples(v1::CallReport& call, int64_t packs, const std::string& batch = "B1") {
    v1::SampleLeft* s = call.add_samples();
    s->set_product_id("P001");
    s->set_batch_no(batch);
    s->set_quantity(packs);
    s->set_signed_for(true);
  }

  absl::StatusOr<v1::CallReport> Report(const std::string& request_id, const v1::CallReport& c) {
    v1::ReportCallRequest r;
    r.set_request_id(request_id);
    *r.mutable_call() = c;
    v1::CallReport out;
    RETURN_IF_ERROR(field_->Report(r, "li.na", &out));
    return out;
  }

  // The three March calls of the top.
  void ReportMarch() {
    ASSERT_TRUE(Issue("s1", 10).ok());
    v1::CallReport first = Call("D-A", China(2026, 3, 2));
    LeaveSamples(first, 2);
    ASSERT_TRUE(Report("c1", first).ok());
    ASSERT_TRUE(Report("c2", Call("D-A", China(2026, 3, 9))).ok());
    v1::CallReport joint = Call("H-PUMC", China(2026, 3, 10));
    joint.add_attendee_ids("D-B");
    joint.set_joint_with("wang.qiang");
    ASSERT_TRUE(Report("c3", joint).ok());
  }

  int64_t OnHand() {
    v1::GetSampleStockRequest r;
    r.set_rep_id("li.na");
    v1::SampleStock out;
    grpc::ServerContext context;
    EXPECT_TRUE(field_->GetSampleStock(&context, &r, &out).ok());
    return out.lines_size() == 1 ? out.lines(0).on_hand() : -1;
  }

  VisitLog* visits_ = nullptr;
  FieldForceService* field_ = nullptr;
};

TEST_F(FieldForceServiceTest, ACallReportIsAVisitWithItsDetailsAndARetryHasOneEffect) {
  ASSERT_TRUE(Issue("s1", 10).ok());
  EXPECT_EQ(OnHand(), 10);
  const size_t outbox = Outbox();
  v1::CallReport call = Call("D-A", China(2026, 3, 2));
  LeaveSamples(call, 2);
  absl::StatusOr<v1::CallReport> first = Report("c1", call);
  ASSERT_TRUE(first.ok()) << first.status();
  EXPECT_EQ(first->territory_id(), "T1");  // D-A is at H-PUMC, in T1
  EXPECT_EQ(first->customer_kind(), v1::CUSTOMER_KIND_DOCTOR);
  EXPECT_EQ(OnHand(), 8);
  EXPECT_EQ(Outbox(), outbox + 1);  // VisitLogged with the report
  absl::StatusOr<std::vector<store::OutboxEntry>> entries = host_->store().ReadOutbox(10'000);
  ASSERT_TRUE(entries.ok());
  v1::EventEnvelope envelope;
  ASSERT_TRUE(envelope.ParseFromString(entries->back().record.value()));
  v1::VisitLogged logged;
  ASSERT_TRUE(envelope.payload().UnpackTo(&logged));
  EXPECT_EQ(logged.visit().id(), first->id());
  EXPECT_EQ(logged.call_report().samples(0).quantity(), 2);
  EXPECT_THAT(logged.call_report().key_messages(), ElementsAre("每日一次，依从性好"));

  // Retried: the same answer; stock and outbox unchanged.
  absl::StatusOr<v1::CallReport> again = Report("c1", call);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id(), first->id());
  EXPECT_EQ(OnHand(), 8);
  EXPECT_EQ(Outbox(), outbox + 1);

  // The customer's activity counts it like a bare visit.
  v1::ListCallsRequest list;
  list.set_customer_id("D-A");
  list.set_to_day("2026-03-15");
  v1::ListCallsResponse calls;
  grpc::ServerContext context;
  ASSERT_TRUE(field_->ListCalls(&context, &list, &calls).ok());
  ASSERT_EQ(calls.calls_size(), 1);
  EXPECT_EQ(calls.calls(0).id(), first->id());
}

TEST_F(FieldForceServiceTest, BadCallReportsAreRefusedNamingTheFieldAndNothingIsWritten) {
  ASSERT_TRUE(Issue("s1", 10).ok());
  v1::Customer gone;
  gone.set_id("H-OLD");
  gone.set_status(v1::CUSTOMER_STATUS_INACTIVE);
  gone.mutable_profile()->set_kind(v1::CUSTOMER_KIND_HOSPITAL);
  Write([&](store::Batch& b) {
    b.Put(store::Family::kState, runtime::CustomerKey(kKnownCustomer, "H-OLD"),
          gone.SerializeAsString());
  });
  const size_t outbox = Outbox();
  struct Case {
    v1::CallReport call;
    absl::StatusCode code;
    std::string field;
  };
  std::vector<Case> cases;
  cases.push_back({Call("D-A", kProcessNow + absl::Hours(25)), absl::StatusCode::kInvalidArgument,
                   "call.called_at"});
  cases.push_back({Call("H2", China(2026, 3, 3)), absl::StatusCode::kFailedPrecondition,
                   "call.customer_id"});  // H2 is in T2, li.na in T1
  cases.push_back({Call("H-OLD", China(2026, 3, 3)), absl::StatusCode::kFailedPrecondition,
                   "call.customer_id"});
  cases.push_back(
      {Call("nobody", China(2026, 3, 3)), absl::StatusCode::kNotFound, "call.customer_id"});
  v1::CallReport too_many = Call("D-A", China(2026, 3, 3));
  LeaveSamples(too_many, 11);
  cases.push_back({too_many, absl::StatusCode::kFailedPrecondition, "call.samples[0].quantity"});
  v1::CallReport other_batch = Call("D-A", China(2026, 3, 3));
  LeaveSamples(other_batch, 1, "B9");
  cases.push_back({other_batch, absl::StatusCode::kFailedPrecondition, "call.samples[0].quantity"});
  v1::CallReport unknown_product = Call("D-A", China(2026, 3, 3));
  unknown_product.set_product_ids(0, "P999");
  cases.push_back({unknown_product, absl::StatusCode::kNotFound, "call.product_ids[0]"});
  v1::CallReport not_manager = Call("D-A", China(2026, 3, 3));
  not_manager.set_joint_with("zhou.min");
  cases.push_back({not_manager, absl::StatusCode::kFailedPrecondition, "call.joint_with"});
  v1::CallReport unknown_rep = Call("D-A", China(2026, 3, 3));
  unknown_rep.set_rep_id("ghost");
  cases.push_back({unknown_rep, absl::StatusCode::kNotFound, "call.rep_id"});
  v1::CallReport no_outcome = Call("D-A", China(2026, 3, 3));
  no_outcome.set_outcome(v1::CALL_OUTCOME_UNSPECIFIED);
  cases.push_back({no_outcome, absl::StatusCode::kInvalidArgument, "call.outcome"});
  v1::CallReport long_call = Call("D-A", China(2026, 3, 3));
  long_call.set_duration_minutes(481);
  cases.push_back({long_call, absl::StatusCode::kInvalidArgument, "call.duration_minutes"});
  v1::CallReport reason_only = Call("D-A", China(2026, 3, 3));
  reason_only.set_outside_reason("covering");
  cases.push_back({reason_only, absl::StatusCode::kInvalidArgument, "call.outside_reason"});
  int i = 0;
  for (const Case& c : cases) {
    absl::StatusOr<v1::CallReport> out = Report(absl::StrCat("bad-", i++), c.call);
    EXPECT_EQ(out.status().code(), c.code) << c.field << ": " << out.status();
    EXPECT_EQ(FieldOf(out.status()), c.field) << out.status();
  }
  EXPECT_EQ(Outbox(), outbox);
  EXPECT_EQ(OnHand(), 10);
  // Allowed outside the territory with a reason.
  v1::CallReport covering = Call("H2", China(2026, 3, 3));
  covering.set_outside_territory(true);
  covering.set_outside_reason("covering zhou.min's territory");
  EXPECT_TRUE(Report("ok-1", covering).ok());
}

TEST_F(FieldForceServiceTest, BadSampleIssuesAreRefusedNamingTheField) {
  EXPECT_EQ(FieldOf(Issue("s1", 0)), "quantity");
  v1::IssueSamplesRequest r;
  r.set_request_id("s2");
  r.set_rep_id("ghost");
  r.set_product_id("P001");
  r.set_batch_no("B1");
  r.set_quantity(1);
  v1::SampleStock out;
  absl::Status s = field_->Issue(r, "wang.qiang", &out);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FieldOf(s), "rep_id");
  r.set_rep_id("li.na");
  r.set_product_id("P999");
  s = field_->Issue(r, "wang.qiang", &out);
  EXPECT_EQ(FieldOf(s), "product_id");
  r.set_product_id("P001");
  r.set_batch_no("");
  EXPECT_EQ(FieldOf(field_->Issue(r, "wang.qiang", &out)), "batch_no");
}

TEST_F(FieldForceServiceTest, TheWeeklyPlanProposesTheDoctorsOwedCallsWithReasons) {
  ReportMarch();
  v1::GetCallPlanRequest r;
  r.set_rep_id("li.na");
  r.set_week_start("2026-03-16");
  v1::CallPlan plan;
  ASSERT_TRUE(field_->Plan(r, &plan).ok());
  EXPECT_EQ(plan.territory_id(), "T1");
  EXPECT_EQ(plan.doctors_considered(), 2);  // D-A and D-B; D-C is in T2
  ASSERT_EQ(plan.calls_size(), 2);
  // D-A: owed 4 − 2 = 2 over 3 weeks, last call 7 days ago (< 15): 0.67 + 1.
  EXPECT_EQ(plan.calls(0).doctor_id(), "D-A");
  EXPECT_NEAR(plan.calls(0).urgency(), 2.0 / 3 + 1, 1e-9);
  EXPECT_EQ(plan.calls(0).calls(), 1);
  EXPECT_EQ(plan.calls(0).calls_this_month(), 2);
  EXPECT_EQ(plan.calls(0).last_call_day(), "2026-03-09");
  // D-B (present at the H-PUMC call): owed 1, 0.33 + 0.5.
  EXPECT_EQ(plan.calls(1).doctor_id(), "D-B");
  EXPECT_NEAR(plan.calls(1).urgency(), 1.0 / 3 + 0.5, 1e-9);
  EXPECT_THAT(plan.calls(1).reason_zh(), HasSubstr("B"));
  r.set_week_start("2026-03-17");
  EXPECT_EQ(FieldOf(field_->Plan(r, &plan)), "week_start");
}

TEST_F(FieldForceServiceTest, MarchKpisOfTheRepAndTheAreaMatchTheHandComputation) {
  v1::SetCompanyTargetRequest target;
  target.set_request_id("t1");
  target.set_product_id("P001");
  target.set_year(2026);
  target.set_expected_growth(0);
  target.mutable_weights()->set_last_year_sales(1);
  target.set_drug_class("心血管");
  target.set_reason("2026 plan");
  v1::TargetAllocation allocation;
  ASSERT_TRUE(process_service_->SetTarget(target, "director.zhao", &allocation).ok());
  ASSERT_EQ(allocation.company_target_units(), 10'600);
  ReportMarch();

  v1::GetKpisRequest r;
  r.set_rep_id("li.na");
  r.set_period("2026-03");
  v1::KpiReport rep;
  ASSERT_TRUE(field_->Kpis(r, &rep).ok());
  const v1::KpiInputs& in = rep.inputs();
  EXPECT_EQ(in.calls(), 3);
  EXPECT_EQ(in.target_doctors(), 2);            // D-A (A), D-B (B)
  EXPECT_EQ(in.target_doctors_called(), 2);     // D-A twice, D-B present once
  EXPECT_EQ(in.classed_doctors_attained(), 0);  // 2 of 4, 1 of 2
  EXPECT_EQ(in.target_units(), 600);
  EXPECT_EQ(in.sales_units(), 660);
  EXPECT_EQ(in.sales_units_year_before(), 600);
  EXPECT_EQ(in.cost_fen(), 1'500'000);
  EXPECT_EQ(in.new_prescribers(), 1);  // D-B
  EXPECT_EQ(in.samples_given(), 2);
  EXPECT_EQ(in.samples_budget(), 20);
  const v1::Kpis& k = rep.kpis();
  EXPECT_DOUBLE_EQ(k.coverage(), 1.0);
  EXPECT_DOUBLE_EQ(k.frequency_attainment(), 0.0);
  EXPECT_DOUBLE_EQ(k.target_attainment(), 1.1);
  EXPECT_NEAR(k.growth(), 0.1, 1e-12);
  EXPECT_NEAR(k.cost_per_unit_fen(), 1'500'000.0 / 660, 1e-9);
  EXPECT_DOUBLE_EQ(k.sample_use(), 0.1);

  // The area: T1 and T2 — D-C (C, not called) counts too; li.na is the
  // only person aligned in it.
  v1::GetKpisRequest area_request;
  area_request.set_territory_id("N-BJ");
  area_request.set_period("2026-Q1");
  v1::KpiReport area;
  ASSERT_TRUE(field_->Kpis(area_request, &area).ok());
  ASSERT_EQ(area.months_size(), 3);
  const v1::KpiInputs& march = area.months(2).inputs();
  EXPECT_EQ(march.target_doctors(), 3);
  EXPECT_EQ(march.target_doctors_called(), 2);
  EXPECT_EQ(march.target_units(), 600);  // N-BJ's 2025 months: March 600 of 10,600
  EXPECT_EQ(march.sales_units(), 660);
  EXPECT_THAT(area.rep_ids(), ElementsAre("li.na"));
  // The quarter sums the months' inputs: January and February have no
  // calls; February has H-PUMC's 1,500 packs.
  EXPECT_EQ(area.inputs().calls(), 3);
  EXPECT_EQ(area.inputs().sales_units(), 1'500 + 660);

  v1::RankKpisRequest rank;
  rank.set_period("2026-03");
  rank.set_metric("calls");
  v1::KpiRanking ranking;
  ASSERT_TRUE(field_->Rank(rank, &ranking).ok());
  ASSERT_EQ(ranking.ranks_size(), 2);
  EXPECT_EQ(ranking.ranks(0).rep_id(), "li.na");
  EXPECT_EQ(ranking.ranks(0).rank(), 1);
  EXPECT_EQ(ranking.ranks(1).rep_id(), "zhou.min");

  // H-PUMC's part of Customer 360: its own 6,600, January to March phased
  // 0 + 1,000 + 600 = 1,600 to date, against 1,500 + 660 sold.
  // Two alerts on H-PUMC, one open and one done: the open one is shown.
  AlertRepository alerts(host_->store());
  Write([&](store::Batch& b) {
    for (const auto& [id, state] : std::vector<std::pair<std::string, v1::AlertState>>{
             {"alert-1", v1::ALERT_STATE_OPEN}, {"alert-2", v1::ALERT_STATE_DONE}}) {
      v1::Alert alert;
      alert.set_id(id);
      alert.set_customer_id("H-PUMC");
      alert.set_owner("li.na");
      alert.set_state(state);
      alert.set_version(1);
      *alert.mutable_due_by() = core::ToTimestamp(kProcessNow + absl::Hours(24 * 14));
      alerts.PutAlert(b, alert);
    }
  });
  v1::GetCustomerProcessRequest part_request;
  part_request.set_customer_id("H-PUMC");
  v1::CustomerProcess part;
  ASSERT_TRUE(field_->CustomerPart(part_request, &part).ok());
  ASSERT_EQ(part.targets_size(), 1);
  EXPECT_EQ(part.targets(0).target_units(), 6'600);
  EXPECT_EQ(part.targets(0).target_to_date_units(), 1'600);
  EXPECT_EQ(part.targets(0).sold_units(), 2'160);
  EXPECT_DOUBLE_EQ(part.targets(0).attainment(), 1.35);
  EXPECT_EQ(part.calls_last_12_months(), 1);
  ASSERT_EQ(part.last_calls_size(), 1);
  EXPECT_EQ(part.last_calls(0).joint_with(), "wang.qiang");
  ASSERT_EQ(part.open_alerts_size(), 1);
  EXPECT_EQ(part.open_alerts(0).id(), "alert-1");
  part_request.set_customer_id("nobody");
  EXPECT_EQ(FieldOf(field_->CustomerPart(part_request, &part)), "customer_id");

  rank.set_metric("speed");
  EXPECT_EQ(FieldOf(field_->Rank(rank, &ranking)), "metric");
  r.set_period("2026-13");
  EXPECT_EQ(FieldOf(field_->Kpis(r, &rep)), "period");
  r.set_period("2026-03");
  r.set_territory_id("T1");
  EXPECT_EQ(FieldOf(field_->Kpis(r, &rep)), "rep_id");
}


// --- ImportCallHistory ------------------------------------------------------

class CallHistoryTest : public FieldForceServiceTest {
 protected:
  void SetUp() override {
    FieldForceServiceTest::SetUp();
    // li.na in T1 from her first day, 2025-01-02 (the fixture's 2025-06-01
    // entry left as it was).
    ProcessRepository repo(host_->store());
    Write([&](store::Batch& b) {
      v1::AlignmentHistory h;
      *h.add_alignments() = testing_data::TestAlignment("li.na", "T1", absl::CivilDay(2025, 1, 2));
      *h.add_alignments() = testing_data::TestAlignment("li.na", "T1", absl::CivilDay(2025, 6, 1));
      repo.PutRepAlignment(b, "li.na", h);
    });
  }

  absl::StatusOr<v1::ImportCallHistoryResponse> Import(const std::string& request_id,
                                                       const std::vector<v1::CallReport>& calls,
                                                       const std::string& source = "Siebel 2025") {
    v1::ImportCallHistoryRequest r;
    r.set_request_id(request_id);
    r.set_source(source);
    for (const v1::CallReport& c : calls) *r.add_calls() = c;
    v1::ImportCallHistoryResponse out;
    RETURN_IF_ERROR(field_->ImportHistory(r, "data.steward", &out));
    return out;
  }

  int64_t VisitCount(const std::string& customer) {
    absl::StatusOr<v1::CustomerActivity> a =
        runtime::ReadKeyed<v1::CustomerActivity>(host_->store(), kActivity, customer);
    return a.ok() ? a->visit_count() : 0;
  }

  int CallsOfRep(const std::string& from, const std::string& to) {
    v1::ListCallsRequest list;
    list.set_rep_id("li.na");
    list.set_from_day(from);
    list.set_to_day(to);
    v1::ListCallsResponse calls;
    grpc::ServerContext context;
    EXPECT_TRUE(field_->ListCalls(&context, &list, &calls).ok());
    return calls.calls_size();
  }
};

TEST_F(CallHistoryTest, CallsOlderThanAYearAreImportedWholeWithoutTouchingTodaysStock) {
  ASSERT_TRUE(Issue("s1", 10).ok());
  // 13 months back: ReportCall refuses it and says where history goes.
  v1::CallReport feb10 = Call("D-A", China(2025, 2, 10));
  LeaveSamples(feb10, 2, "OLD-1");
  absl::StatusOr<v1::CallReport> live = Report("late", feb10);
  EXPECT_EQ(FieldOf(live.status()), "call.called_at");
  EXPECT_THAT(std::string(live.status().message()), HasSubstr("ImportCallHistory"));

  const size_t outbox = Outbox();
  v1::CallReport joint = Call("H-PUMC", China(2025, 7, 1));
  joint.add_attendee_ids("D-A");
  joint.set_joint_with("wang.qiang");
  absl::StatusOr<v1::ImportCallHistoryResponse> done =
      Import("h1", {feb10, Call("D-A", China(2025, 2, 17)), joint});
  ASSERT_TRUE(done.ok()) << done.status();
  ASSERT_EQ(done->calls_size(), 3);
  for (const v1::CallReport& c : done->calls()) {
    EXPECT_FALSE(c.id().empty());
    EXPECT_EQ(c.history_source(), "Siebel 2025");
    EXPECT_EQ(c.territory_id(), "T1");
    EXPECT_EQ(c.recorded_by(), "data.steward");
  }
  EXPECT_EQ(done->calls(0).samples(0).quantity(), 2);
  EXPECT_EQ(OnHand(), 10);           // batch OLD-1 was never in today's stock
  EXPECT_EQ(Outbox(), outbox + 3);   // a VisitLogged each
  EXPECT_EQ(VisitCount("D-A"), 2);   // two visits of one batch, both counted
  EXPECT_EQ(VisitCount("H-PUMC"), 1);
  EXPECT_EQ(CallsOfRep("2025-02-01", "2025-02-28"), 2);

  // Retried: the same calls, nothing more written.
  absl::StatusOr<v1::ImportCallHistoryResponse> again =
      Import("h1", {feb10, Call("D-A", China(2025, 2, 17)), joint});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_EQ(again->calls(0).id(), done->calls(0).id());
  EXPECT_EQ(Outbox(), outbox + 3);
  EXPECT_EQ(VisitCount("D-A"), 2);

  // The history month's KPIs count them.
  v1::GetKpisRequest k;
  k.set_rep_id("li.na");
  k.set_period("2025-02");
  v1::KpiReport report;
  ASSERT_TRUE(field_->Kpis(k, &report).ok());
  EXPECT_EQ(report.inputs().calls(), 2);
}

TEST_F(CallHistoryTest, ABadCallRefusesTheWholeImportNamingItsIndexAndField) {
  const size_t outbox = Outbox();
  const v1::CallReport good = Call("D-A", China(2025, 2, 10));
  v1::CallReport undated = Call("D-A", China(2025, 2, 10));
  undated.clear_called_at();
  v1::CallReport before_start = Call("D-A", China(2024, 12, 20));  // li.na began 2025-01-02
  v1::CallReport unknown_product = Call("D-A", China(2025, 2, 11));
  LeaveSamples(unknown_product, 1);
  unknown_product.mutable_samples(0)->set_product_id("P999");
  struct Case {
    std::vector<v1::CallReport> calls;
    std::string source;
    absl::StatusCode code;
    std::string field;
  };
  std::vector<Case> cases = {
      {{good, Call("H2", China(2025, 2, 12))}, "Siebel", absl::StatusCode::kFailedPrecondition,
       "calls[1].customer_id"},  // H2 is in T2, li.na in T1
      {{good, undated}, "Siebel", absl::StatusCode::kInvalidArgument, "calls[1].called_at"},
      {{Call("D-A", kProcessNow + absl::Hours(1))}, "Siebel", absl::StatusCode::kInvalidArgument,
       "calls[0].called_at"},
      {{Call("D-A", kProcessNow - absl::Hours(24 * 3660))}, "Siebel",
       absl::StatusCode::kInvalidArgument, "calls[0].called_at"},
      {{good, before_start}, "Siebel", absl::StatusCode::kFailedPrecondition, "calls[1].called_at"},
      {{good, good, unknown_product}, "Siebel", absl::StatusCode::kNotFound,
       "calls[2].samples[0].product_id"},
      {{Call("nobody", China(2025, 2, 10))}, "Siebel", absl::StatusCode::kNotFound,
       "calls[0].customer_id"},
      {{good}, " ", absl::StatusCode::kInvalidArgument, "source"},
      {{good}, std::string(101, 's'), absl::StatusCode::kInvalidArgument, "source"},
      {{}, "Siebel", absl::StatusCode::kInvalidArgument, "calls"},
      {std::vector<v1::CallReport>(501, good), "Siebel", absl::StatusCode::kInvalidArgument,
       "calls"},
  };
  int i = 0;
  for (const Case& c : cases) {
    absl::StatusOr<v1::ImportCallHistoryResponse> out =
        Import(absl::StrCat("bad-", i++), c.calls, c.source);
    EXPECT_EQ(out.status().code(), c.code) << c.field << ": " << out.status();
    EXPECT_EQ(FieldOf(out.status()), c.field) << out.status();
  }
  EXPECT_EQ(Outbox(), outbox);
  EXPECT_EQ(VisitCount("D-A"), 0);
  EXPECT_EQ(CallsOfRep("2024-12-01", "2025-03-01"), 0);
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline
