// ChangeAlertsService over a real RocksDB store with a FakeClock: a rep's
// change raises an alert to the account's owner (the territory's rep, a
// doctor's hospital's, the nearest manager, or nobody), alerts move on
// with their versions and history, expire, and are listed; every bad input
// is refused naming its field, and nothing of it is stored.
#include "api/change_alerts_service.h"

#include <memory>
#include <string>
#include <vector>

#include "api/alert_expiry.h"
#include "api/channel_test_host.h"
#include "api/example_rep.h"
#include "domain/process/organisation_testing.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/payload.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/v1/events.pb.h"
#include "storage/process_repository.h"

namespace pharmacrm::sales_pipeline {
namespace {

// 2026-03-02 10:00 China Standard Time.
const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 3, 2, 2, 0, 0), absl::UTCTimeZone());

std::string FieldOf(const absl::Status& s) { return core::FieldOf(s).value_or(""); }

class ChangeAlertsServiceTest : public ChannelTestHost {
 protected:
  ChangeAlertsServiceTest() : ChannelTestHost(kNow) {}

  void SetUp() override {
    ChannelTestHost::SetUp();
    expiry_ = &host_->Keep(std::make_unique<AlertExpiry>(*host_));  // No worker: tests run it.
    alerts_ = &host_->EmplaceService<ChangeAlertsService>(*host_, *expiry_);
    SetUpChengdu();
  }

  // 全国 CN > 华西大区 W > 成都地区 W-CD > 成都武侯 T1 (li.na) and 成都锦江
  // T2 (no rep; chen.jie manages 成都地区). 四川大学华西医院 H-WCH in T1, its
  // doctor D-1 unaligned, 锦江区人民医院 H-JJ in T2, 未分区医院 H-NONE
  // nowhere.
  void SetUpChengdu() {
    Known("H-WCH", v1::CUSTOMER_KIND_HOSPITAL, "四川大学华西医院", "四川省", "成都市武侯区");
    Known("H-JJ", v1::CUSTOMER_KIND_HOSPITAL, "锦江区人民医院", "四川省", "成都市锦江区");
    Known("H-NONE", v1::CUSTOMER_KIND_HOSPITAL, "未分区医院", "四川省", "成都市");
    v1::Customer doctor;
    doctor.set_id("D-1");
    doctor.set_status(v1::CUSTOMER_STATUS_ACTIVE);
    doctor.mutable_profile()->set_kind(v1::CUSTOMER_KIND_DOCTOR);
    doctor.mutable_profile()->set_name("张医生");
    doctor.mutable_profile()->set_hospital_id("H-WCH");
    ProcessRepository repo(host_->store());
    store::Batch b;
    b.Put(store::Family::kState, runtime::CustomerKey(kKnownCustomer, "D-1"),
          doctor.SerializeAsString());
    repo.PutTerritory(b, testing_data::TestTerritory("CN", v1::TERRITORY_LEVEL_NATION, "", "全国"));
    repo.PutTerritory(
        b, testing_data::TestTerritory("W", v1::TERRITORY_LEVEL_REGION, "CN", "华西大区"));
    repo.PutTerritory(
        b, testing_data::TestTerritory("W-CD", v1::TERRITORY_LEVEL_AREA, "W", "成都地区"));
    repo.PutTerritory(
        b, testing_data::TestTerritory("T1", v1::TERRITORY_LEVEL_TERRITORY, "W-CD", "成都武侯"));
    repo.PutTerritory(
        b, testing_data::TestTerritory("T2", v1::TERRITORY_LEVEL_TERRITORY, "W-CD", "成都锦江"));
    repo.PutCustomerAlignment(
        b, "H-WCH", testing_data::TestAlignmentHistory("H-WCH", "T1", absl::CivilDay(2025, 1, 2)));
    repo.PutCustomerAlignment(
        b, "H-JJ", testing_data::TestAlignmentHistory("H-JJ", "T2", absl::CivilDay(2025, 1, 2)));
    repo.PutRep(b, testing_data::ExampleRep("zhao.wei", v1::SALES_ROLE_NATIONAL_DIRECTOR, ""));
    repo.PutRep(b,
                testing_data::ExampleRep("chen.jie", v1::SALES_ROLE_DISTRICT_MANAGER, "zhao.wei"));
    repo.PutRep(b, testing_data::ExampleRep("li.na", v1::SALES_ROLE_REP, "chen.jie"));
    repo.PutRepAlignment(
        b, "li.na", testing_data::TestAlignmentHistory("li.na", "T1", absl::CivilDay(2025, 1, 2)));
    repo.PutRepAlignment(
        b, "chen.jie",
        testing_data::TestAlignmentHistory("chen.jie", "W-CD", absl::CivilDay(2025, 1, 2)));
    repo.PutRepAlignment(
        b, "zhao.wei",
        testing_data::TestAlignmentHistory("zhao.wei", "CN", absl::CivilDay(2025, 1, 2)));
    ASSERT_TRUE(host_->store().Write(std::move(b)).ok());
  }

  static v1::RecordChangeRequest Change(const std::string& request_id,
                                        const std::string& customer_id,
                                        v1::ChangeFactor factor = v1::CHANGE_FACTOR_TIMETABLE) {
    v1::RecordChangeRequest r;
    r.set_request_id(request_id);
    r.set_customer_id(customer_id);
    r.set_factor(factor);
    r.set_what("tender");
    r.set_after("2026-04 省级集采");
    r.set_occurred_on("2026-03-01");
    return r;
  }

  absl::StatusOr<v1::Alert> Record(const v1::RecordChangeRequest& request,
                                   const std::string& actor = "li.na") {
    v1::Alert out;
    RETURN_IF_ERROR(alerts_->Record(request, actor, &out));
    return out;
  }

  absl::StatusOr<v1::Alert> Move(const std::string& request_id, const std::string& alert_id,
                                 v1::AlertState to, int64_t expected_version,
                                 const std::string& note = "") {
    v1::UpdateAlertRequest r;
    r.set_request_id(request_id);
    r.set_alert_id(alert_id);
    r.set_state(to);
    r.set_expected_version(expected_version);
    r.set_note(note);
    v1::Alert out;
    RETURN_IF_ERROR(alerts_->Update(r, "li.na", &out));
    return out;
  }

  absl::StatusOr<v1::ExpireAlertsResponse> Expire(const std::string& request_id) {
    v1::ExpireAlertsRequest r;
    r.set_request_id(request_id);
    v1::ExpireAlertsResponse out;
    RETURN_IF_ERROR(alerts_->Expire(r, "ops", &out));
    return out;
  }

  v1::ListAlertsResponse List(const v1::ListAlertsRequest& request) {
    v1::ListAlertsResponse out;
    absl::Status s = alerts_->List(request, &out);
    EXPECT_TRUE(s.ok()) << s;
    return out;
  }

  // The payload type and aggregate of every event in the outbox, in order.
  std::vector<std::string> Events() {
    std::vector<std::string> out;
    absl::StatusOr<std::vector<store::OutboxEntry>> entries = host_->store().ReadOutbox(10'000);
    EXPECT_TRUE(entries.ok());
    for (const store::OutboxEntry& e : entries.value_or(std::vector<store::OutboxEntry>())) {
      v1::EventEnvelope env;
      EXPECT_TRUE(env.ParseFromString(e.record.value()));
      if (core::PayloadIs<v1::AlertRaised>(env.payload())) {
        out.push_back("AlertRaised " + env.aggregate_id());
      } else if (core::PayloadIs<v1::AlertStateChanged>(env.payload())) {
        v1::AlertStateChanged changed;
        EXPECT_TRUE(env.payload().UnpackTo(&changed));
        out.push_back("AlertStateChanged " + env.aggregate_id() + " " +
                      v1::AlertState_Name(changed.from()) + " > " +
                      v1::AlertState_Name(changed.to()));
      }
    }
    return out;
  }

  AlertExpiry* expiry_ = nullptr;
  ChangeAlertsService* alerts_ = nullptr;
};

TEST_F(ChangeAlertsServiceTest, ARepsChangeRaisesAnAlertToTheTerritorysRepOnce) {
  absl::StatusOr<v1::Alert> alert = Record(Change("r-1", "H-WCH"));
  ASSERT_TRUE(alert.ok()) << alert.status();
  EXPECT_EQ(alert->owner(), "li.na");
  EXPECT_FALSE(alert->unassigned());
  EXPECT_EQ(alert->assignment(), "the rep of 成都武侯 (T1) on 2026-03-02");
  EXPECT_EQ(alert->territory_id(), "T1");
  EXPECT_EQ(alert->customer_name(), "四川大学华西医院");
  EXPECT_EQ(alert->factor(), v1::CHANGE_FACTOR_TIMETABLE);
  EXPECT_EQ(alert->source(), "li.na");
  EXPECT_EQ(alert->occurred_on(), "2026-03-01");
  EXPECT_EQ(alert->suggestion(),
            "Prepare the documents for the P&T meeting or tender and check the bid price");
  EXPECT_EQ(alert->suggestion_zh(), "为药事会或招标准备材料，核对投标价格");
  EXPECT_EQ(core::FromTimestamp(alert->due_by(), "due_by").value(), kNow + absl::Hours(24 * 7));
  EXPECT_EQ(alert->state(), v1::ALERT_STATE_OPEN);
  EXPECT_EQ(alert->version(), 1);
  ASSERT_EQ(alert->history_size(), 1);
  EXPECT_EQ(alert->history(0).by(), "li.na");
  // The same request again: the same alert, no second event.
  absl::StatusOr<v1::Alert> again = Record(Change("r-1", "H-WCH"));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->id(), alert->id());
  EXPECT_EQ(Events(), std::vector<std::string>{"AlertRaised " + alert->id()});
  v1::GetAlertRequest get;
  get.set_alert_id(alert->id());
  v1::Alert stored;
  ASSERT_TRUE(alerts_->Get(get, &stored).ok());
  EXPECT_EQ(stored.SerializeAsString(), alert->SerializeAsString());
}

TEST_F(ChangeAlertsServiceTest, ADoctorGoesByTheHospitalAManagerStandsInForNoRep) {
  absl::StatusOr<v1::Alert> doctor = Record(Change("r-d", "D-1", v1::CHANGE_FACTOR_NEEDS));
  ASSERT_TRUE(doctor.ok()) << doctor.status();
  EXPECT_EQ(doctor->owner(), "li.na");
  EXPECT_EQ(doctor->territory_id(), "T1");
  absl::StatusOr<v1::Alert> no_rep = Record(Change("r-jj", "H-JJ", v1::CHANGE_FACTOR_BUDGET));
  ASSERT_TRUE(no_rep.ok()) << no_rep.status();
  EXPECT_EQ(no_rep->owner(), "chen.jie");
  EXPECT_EQ(no_rep->assignment(),
            "no rep in 成都锦江 (T2) on 2026-03-02: the manager of 成都地区 (W-CD)");
  EXPECT_EQ(no_rep->assignment_zh(),
            "2026-03-02 成都锦江 (T2) 无在职医药代表，由 成都地区 (W-CD) 的经理负责");
  absl::StatusOr<v1::Alert> nowhere = Record(Change("r-n", "H-NONE", v1::CHANGE_FACTOR_COMPETITOR));
  ASSERT_TRUE(nowhere.ok()) << nowhere.status();
  EXPECT_EQ(nowhere->owner(), "");
  EXPECT_TRUE(nowhere->unassigned());
  EXPECT_EQ(nowhere->assignment(), "unassigned: the customer is in no territory on 2026-03-02");
  v1::ListAlertsRequest unassigned;
  unassigned.set_unassigned(true);
  v1::ListAlertsResponse listed = List(unassigned);
  ASSERT_EQ(listed.alerts_size(), 1);
  EXPECT_EQ(listed.alerts(0).id(), nowhere->id());
}

TEST_F(ChangeAlertsServiceTest, ABadChangeIsRefusedNamingTheFieldAndNothingIsStored) {
  struct Case {
    std::string name;
    v1::RecordChangeRequest request;
    absl::StatusCode code;
    std::string field;
  };
  std::vector<Case> cases;
  cases.push_back(
      {"unknown customer", Change("b-1", "H-404"), absl::StatusCode::kNotFound, "customer_id"});
  cases.push_back({"people in charge", Change("b-2", "H-WCH", v1::CHANGE_FACTOR_PEOPLE_IN_CHARGE),
                   absl::StatusCode::kInvalidArgument, "factor"});
  cases.push_back({"no factor", Change("b-3", "H-WCH", v1::CHANGE_FACTOR_UNSPECIFIED),
                   absl::StatusCode::kInvalidArgument, "factor"});
  Case empty_what{"empty what", Change("b-4", "H-WCH"), absl::StatusCode::kInvalidArgument, "what"};
  empty_what.request.clear_what();
  cases.push_back(empty_what);
  Case oversize{"oversize text", Change("b-5", "H-WCH"), absl::StatusCode::kInvalidArgument,
                "before"};
  oversize.request.set_before(std::string(501, 'x'));
  cases.push_back(oversize);
  Case nothing{"neither before nor after", Change("b-6", "H-WCH"),
               absl::StatusCode::kInvalidArgument, "after"};
  nothing.request.clear_after();
  cases.push_back(nothing);
  Case future{"a date after today", Change("b-7", "H-WCH"), absl::StatusCode::kInvalidArgument,
              "occurred_on"};
  future.request.set_occurred_on("2026-03-03");
  cases.push_back(future);
  Case old{"a date too long ago", Change("b-8", "H-WCH"), absl::StatusCode::kInvalidArgument,
           "occurred_on"};
  old.request.set_occurred_on("2025-02-28");
  cases.push_back(old);
  Case garbled{"not a date", Change("b-9", "H-WCH"), absl::StatusCode::kInvalidArgument,
               "occurred_on"};
  garbled.request.set_occurred_on("yesterday");
  cases.push_back(garbled);
  Case no_id{"no request id", Change("", "H-WCH"), absl::StatusCode::kInvalidArgument,
             "request_id"};
  cases.push_back(no_id);
  for (const Case& c : cases) {
    absl::StatusOr<v1::Alert> alert = Record(c.request);
    EXPECT_EQ(alert.status().code(), c.code) << c.name << ": " << alert.status();
    EXPECT_EQ(FieldOf(alert.status()), c.field) << c.name;
  }
  EXPECT_TRUE(Events().empty());
  EXPECT_EQ(List({}).alerts_size(), 0);
}

TEST_F(ChangeAlertsServiceTest, ADeactivatedCustomerTakesNoChange) {
  v1::Customer gone;
  gone.set_id("H-GONE");
  gone.set_status(v1::CUSTOMER_STATUS_INACTIVE);
  gone.mutable_profile()->set_kind(v1::CUSTOMER_KIND_HOSPITAL);
  store::Batch b;
  b.Put(store::Family::kState, runtime::CustomerKey(kKnownCustomer, "H-GONE"),
        gone.SerializeAsString());
  ASSERT_TRUE(host_->store().Write(std::move(b)).ok());
  absl::StatusOr<v1::Alert> alert = Record(Change("r-g", "H-GONE"));
  EXPECT_EQ(alert.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(FieldOf(alert.status()), "customer_id");
}

TEST_F(ChangeAlertsServiceTest, AnAlertIsAcknowledgedThenDoneWithItsHistory) {
  absl::StatusOr<v1::Alert> alert = Record(Change("r-1", "H-WCH"));
  ASSERT_TRUE(alert.ok());
  absl::StatusOr<v1::Alert> ack = Move("m-1", alert->id(), v1::ALERT_STATE_ACKNOWLEDGED, 1);
  ASSERT_TRUE(ack.ok()) << ack.status();
  EXPECT_EQ(ack->version(), 2);
  EXPECT_EQ(ack->state(), v1::ALERT_STATE_ACKNOWLEDGED);
  // Done without a note, on a stale version, or back to acknowledged: refused.
  absl::StatusOr<v1::Alert> no_note = Move("m-2", alert->id(), v1::ALERT_STATE_DONE, 2);
  EXPECT_EQ(no_note.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(FieldOf(no_note.status()), "note");
  absl::StatusOr<v1::Alert> stale = Move("m-3", alert->id(), v1::ALERT_STATE_DONE, 1, "bid sent");
  EXPECT_EQ(stale.status().code(), absl::StatusCode::kAborted);
  EXPECT_EQ(FieldOf(stale.status()), "expected_version");
  absl::StatusOr<v1::Alert> done =
      Move("m-4", alert->id(), v1::ALERT_STATE_DONE, 2, "标书已提交，报价已核对");
  ASSERT_TRUE(done.ok()) << done.status();
  EXPECT_EQ(done->version(), 3);
  ASSERT_EQ(done->history_size(), 3);
  EXPECT_EQ(done->history(2).state(), v1::ALERT_STATE_DONE);
  EXPECT_EQ(done->history(2).note(), "标书已提交，报价已核对");
  // Out of done: refused naming the state.
  absl::StatusOr<v1::Alert> reopened = Move("m-5", alert->id(), v1::ALERT_STATE_ACKNOWLEDGED, 3);
  EXPECT_EQ(reopened.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(FieldOf(reopened.status()), "state");
  // Not a state a user moves to; an alert nobody raised.
  EXPECT_EQ(FieldOf(Move("m-6", alert->id(), v1::ALERT_STATE_EXPIRED, 3).status()), "state");
  absl::StatusOr<v1::Alert> unknown = Move("m-7", "A-404", v1::ALERT_STATE_ACKNOWLEDGED, 1);
  EXPECT_EQ(unknown.status().code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(FieldOf(unknown.status()), "alert_id");
  absl::StatusOr<v1::Alert> long_note =
      Move("m-8", alert->id(), v1::ALERT_STATE_DONE, 3, std::string(501, 'x'));
  EXPECT_EQ(FieldOf(long_note.status()), "note");
  // A retried move has one effect.
  ASSERT_TRUE(Move("m-4", alert->id(), v1::ALERT_STATE_DONE, 2, "标书已提交，报价已核对").ok());
  EXPECT_EQ(
      Events(),
      (std::vector<std::string>{
          "AlertRaised " + alert->id(),
          "AlertStateChanged " + alert->id() + " ALERT_STATE_OPEN > ALERT_STATE_ACKNOWLEDGED",
          "AlertStateChanged " + alert->id() + " ALERT_STATE_ACKNOWLEDGED > ALERT_STATE_DONE"}));
  v1::GetAlertRequest get;
  get.set_alert_id("A-404");
  v1::Alert none;
  EXPECT_EQ(FieldOf(alerts_->Get(get, &none)), "alert_id");
}

TEST_F(ChangeAlertsServiceTest, OverdueAlertsExpireOnceAndMoveNoMore) {
  absl::StatusOr<v1::Alert> tender = Record(Change("r-1", "H-WCH"));  // due in 7 days
  absl::StatusOr<v1::Alert> budget =
      Record(Change("r-2", "H-WCH", v1::CHANGE_FACTOR_BUDGET));  // due in 14 days
  ASSERT_TRUE(tender.ok() && budget.ok());
  ASSERT_TRUE(Move("m-1", tender->id(), v1::ALERT_STATE_ACKNOWLEDGED, 1).ok());
  absl::StatusOr<v1::ExpireAlertsResponse> none = Expire("x-0");
  ASSERT_TRUE(none.ok()) << none.status();
  EXPECT_EQ(none->expired(), 0);

  clock_.Advance(absl::Hours(24 * 8));
  // Past due but not yet expired by a run: it cannot be done any more.
  absl::StatusOr<v1::Alert> late = Move("m-2", tender->id(), v1::ALERT_STATE_DONE, 2, "late");
  EXPECT_EQ(late.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(FieldOf(late.status()), "state");
  absl::StatusOr<v1::ExpireAlertsResponse> run = Expire("x-1");
  ASSERT_TRUE(run.ok()) << run.status();
  EXPECT_EQ(run->expired(), 1);
  ASSERT_EQ(run->alert_ids_size(), 1);
  EXPECT_EQ(run->alert_ids(0), tender->id());
  EXPECT_FALSE(run->more());
  // The same request again answers the same; a new run finds nothing.
  absl::StatusOr<v1::ExpireAlertsResponse> again = Expire("x-1");
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->SerializeAsString(), run->SerializeAsString());
  EXPECT_EQ(Expire("x-2")->expired(), 0);
  v1::GetAlertRequest get;
  get.set_alert_id(tender->id());
  v1::Alert expired;
  ASSERT_TRUE(alerts_->Get(get, &expired).ok());
  EXPECT_EQ(expired.state(), v1::ALERT_STATE_EXPIRED);
  EXPECT_EQ(expired.version(), 3);
  EXPECT_EQ(expired.history(2).by(), "change-factors");
  EXPECT_EQ(expired.history(2).note(), "past due");
  absl::StatusOr<v1::Alert> moved = Move("m-3", tender->id(), v1::ALERT_STATE_DONE, 3, "late");
  EXPECT_EQ(moved.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_EQ(FieldOf(moved.status()), "state");

  // The worker's run: the budget alert after its 14 days.
  clock_.Advance(absl::Hours(24 * 7));
  absl::StatusOr<v1::ExpireAlertsResponse> worker = expiry_->RunOnce();
  ASSERT_TRUE(worker.ok()) << worker.status();
  EXPECT_EQ(worker->expired(), 1);
  std::vector<std::string> events = Events();
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(events[3], "AlertStateChanged " + tender->id() +
                           " ALERT_STATE_ACKNOWLEDGED > ALERT_STATE_EXPIRED");
  EXPECT_EQ(events[4],
            "AlertStateChanged " + budget->id() + " ALERT_STATE_OPEN > ALERT_STATE_EXPIRED");
  EXPECT_EQ(expiry_->RunOnce()->expired(), 0);
  EXPECT_EQ(Events().size(), 5u);
}

TEST_F(ChangeAlertsServiceTest, AlertsAreListedNewestFirstByOwnerCustomerAndState) {
  std::vector<std::string> ids;
  for (const auto& [rid, customer] : std::vector<std::pair<std::string, std::string>>{
           {"r-1", "H-WCH"}, {"r-2", "H-JJ"}, {"r-3", "H-WCH"}, {"r-4", "D-1"}}) {
    absl::StatusOr<v1::Alert> a = Record(Change(rid, customer));
    ASSERT_TRUE(a.ok()) << a.status();
    ids.push_back(a->id());
    clock_.Advance(absl::Minutes(1));
  }
  ASSERT_TRUE(Move("m-1", ids[0], v1::ALERT_STATE_ACKNOWLEDGED, 1).ok());
  v1::ListAlertsRequest mine;
  mine.set_owner("li.na");
  v1::ListAlertsResponse listed = List(mine);
  ASSERT_EQ(listed.alerts_size(), 3);
  EXPECT_EQ(listed.alerts(0).id(), ids[3]);
  EXPECT_EQ(listed.alerts(1).id(), ids[2]);
  EXPECT_EQ(listed.alerts(2).id(), ids[0]);
  mine.set_state(v1::ALERT_STATE_OPEN);
  EXPECT_EQ(List(mine).alerts_size(), 2);
  mine.set_customer_id("H-WCH");
  ASSERT_EQ(List(mine).alerts_size(), 1);
  EXPECT_EQ(List(mine).alerts(0).id(), ids[2]);
  v1::ListAlertsRequest of_customer;
  of_customer.set_customer_id("H-JJ");
  ASSERT_EQ(List(of_customer).alerts_size(), 1);
  EXPECT_EQ(List(of_customer).alerts(0).owner(), "chen.jie");
  // Pages of two.
  v1::ListAlertsRequest page;
  page.set_page_size(2);
  v1::ListAlertsResponse first = List(page);
  ASSERT_EQ(first.alerts_size(), 2);
  EXPECT_EQ(first.alerts(0).id(), ids[3]);
  page.set_page_token(first.next_page_token());
  v1::ListAlertsResponse second = List(page);
  ASSERT_EQ(second.alerts_size(), 2);
  EXPECT_EQ(second.alerts(1).id(), ids[0]);
  EXPECT_TRUE(second.next_page_token().empty());
  // Bad paging and filters, each naming its field.
  v1::ListAlertsResponse out;
  v1::ListAlertsRequest bad;
  bad.set_page_size(501);
  EXPECT_EQ(FieldOf(alerts_->List(bad, &out)), "page_size");
  bad.Clear();
  bad.set_page_token("x");
  EXPECT_EQ(FieldOf(alerts_->List(bad, &out)), "page_token");
  bad.Clear();
  bad.set_state(static_cast<v1::AlertState>(9));
  EXPECT_EQ(FieldOf(alerts_->List(bad, &out)), "state");
  bad.Clear();
  bad.set_owner("li.na");
  bad.set_unassigned(true);
  EXPECT_EQ(FieldOf(alerts_->List(bad, &out)), "owner");
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline
