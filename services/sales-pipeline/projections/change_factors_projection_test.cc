// Change factors from customer-master's events, over a real store: a
// registration keeps the hospital's people in charge and raises nothing; a
// profile change raises one alert per change to the owner with its
// suggested response and AlertRaised in the same batch; a redelivered or
// older event raises nothing; a poison event changes nothing.
#include "projections/change_factors_projection.h"

#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "api/example_rep.h"
#include "domain/process/organisation_testing.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/clock.h"
#include "pharmacrm/core/payload.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/v1/change_alerts.pb.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "storage/alert_repository.h"
#include "storage/process_repository.h"

namespace pharmacrm::sales_pipeline {
namespace {

// 2026-03-02 10:00 China Standard Time.
const absl::Time kAt = absl::FromCivil(absl::CivilSecond(2026, 3, 2, 2, 0, 0), absl::UTCTimeZone());

using People = std::vector<std::pair<std::string, std::string>>;

v1::Customer Hospital(const std::string& id, int64_t version, const std::string& director,
                      const People& committee, const People& heads) {
  v1::Customer c;
  c.set_id(id);
  c.set_version(version);
  c.mutable_profile()->set_kind(v1::CUSTOMER_KIND_HOSPITAL);
  c.mutable_profile()->set_name("四川大学华西医院");
  *c.mutable_profile()->mutable_hospital() = testing_data::TestPeople(director, committee, heads);
  return c;
}

template <typename T>
v1::EventEnvelope Event(const std::string& event_id, const T& payload) {
  v1::EventEnvelope e;
  e.set_event_id(event_id);
  e.set_actor("data.steward");
  *e.mutable_occurred_at() = core::ToTimestamp(kAt);
  e.mutable_payload()->PackFrom(payload);
  return e;
}

v1::EventEnvelope Registered(const std::string& event_id, const v1::Customer& customer) {
  v1::CustomerRegistered r;
  *r.mutable_customer() = customer;
  return Event(event_id, r);
}

v1::EventEnvelope Changed(const std::string& event_id, const v1::Customer& customer) {
  v1::ProfileChanged c;
  *c.mutable_customer() = customer;
  return Event(event_id, c);
}

class ChangeFactorsProjectionTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pcrm-alerts-" + std::to_string(std::random_device{}()));
    auto store = store::Store::Open({dir_.string(), /*sync_writes=*/false});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
    // 成都武侯 (T1) under 成都地区; 华西医院 H-WCH in T1, li.na its rep.
    ProcessRepository repo(*store_);
    store::Batch b;
    repo.PutTerritory(
        b, testing_data::TestTerritory("W-CD", v1::TERRITORY_LEVEL_AREA, "", "成都地区"));
    repo.PutTerritory(
        b, testing_data::TestTerritory("T1", v1::TERRITORY_LEVEL_TERRITORY, "W-CD", "成都武侯"));
    repo.PutCustomerAlignment(
        b, "H-WCH", testing_data::TestAlignmentHistory("H-WCH", "T1", absl::CivilDay(2025, 1, 2)));
    repo.PutRep(b, testing_data::ExampleRep("li.na", v1::SALES_ROLE_REP, "chen.jie"));
    repo.PutRepAlignment(
        b, "li.na", testing_data::TestAlignmentHistory("li.na", "T1", absl::CivilDay(2025, 1, 2)));
    ASSERT_TRUE(store_->Write(std::move(b)).ok());
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  absl::Status Apply(const v1::EventEnvelope& event) {
    store::Batch batch;
    RETURN_IF_ERROR(ApplyChangeFactors(*store_, clock_, event, batch));
    return store_->Write(std::move(batch));
  }

  std::vector<v1::Alert> Alerts() {
    absl::StatusOr<std::vector<v1::Alert>> alerts = AlertRepository(*store_).Alerts();
    EXPECT_TRUE(alerts.ok()) << alerts.status();
    return alerts.value_or(std::vector<v1::Alert>());
  }

  // The AlertRaised events in the outbox.
  std::vector<v1::EventEnvelope> Raised() {
    std::vector<v1::EventEnvelope> out;
    absl::StatusOr<std::vector<store::OutboxEntry>> entries = store_->ReadOutbox(1000);
    EXPECT_TRUE(entries.ok());
    for (const store::OutboxEntry& e : entries.value_or(std::vector<store::OutboxEntry>())) {
      v1::EventEnvelope env;
      EXPECT_TRUE(env.ParseFromString(e.record.value()));
      EXPECT_EQ(e.record.topic(), "pharmacrm.sales.events.v1");
      if (core::PayloadIs<v1::AlertRaised>(env.payload())) out.push_back(env);
    }
    return out;
  }

  core::FakeClock clock_{kAt + absl::Seconds(5)};
  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(ChangeFactorsProjectionTest, ARegistrationOnlyKeepsThePeopleInCharge) {
  ASSERT_TRUE(Apply(Registered("e-1", Hospital("H-WCH", 1, "李院长", {{"张伟", "主任委员"}},
                                               {{"心内科", "D-1"}})))
                  .ok());
  EXPECT_TRUE(Alerts().empty());
  EXPECT_TRUE(Raised().empty());
  absl::StatusOr<std::optional<v1::PeopleSnapshot>> snapshot =
      AlertRepository(*store_).PeopleSnapshot("H-WCH");
  ASSERT_TRUE(snapshot.ok() && snapshot->has_value());
  EXPECT_EQ((*snapshot)->customer_version(), 1);
  EXPECT_EQ((*snapshot)->director(), "李院长");
  EXPECT_EQ((*snapshot)->committee().at("张伟"), "主任委员");
}

TEST_F(ChangeFactorsProjectionTest, ANewCommitteeMemberRaisesOneAlertToTheRepOnce) {
  ASSERT_TRUE(
      Apply(Registered("e-1", Hospital("H-WCH", 1, "李院长", {{"张伟", "主任委员"}}, {}))).ok());
  const v1::EventEnvelope joined =
      Changed("e-2", Hospital("H-WCH", 2, "李院长", {{"张伟", "主任委员"}, {"陈静", "委员"}}, {}));
  ASSERT_TRUE(Apply(joined).ok());
  std::vector<v1::Alert> alerts = Alerts();
  ASSERT_EQ(alerts.size(), 1u);
  const v1::Alert& a = alerts[0];
  EXPECT_EQ(a.id(), "e-2-1");
  EXPECT_EQ(a.owner(), "li.na");
  EXPECT_EQ(a.assignment(), "the rep of 成都武侯 (T1) on 2026-03-02");
  EXPECT_EQ(a.customer_id(), "H-WCH");
  EXPECT_EQ(a.customer_name(), "四川大学华西医院");
  EXPECT_EQ(a.factor(), v1::CHANGE_FACTOR_PEOPLE_IN_CHARGE);
  EXPECT_EQ(a.what(), "pharmacy_committee");
  EXPECT_EQ(a.before(), "");
  EXPECT_EQ(a.after(), "陈静 (委员)");
  EXPECT_EQ(a.source(), "customer-master");
  EXPECT_EQ(a.suggestion(),
            "Introduce the product to the new P&T committee member 陈静 (委员) before the next "
            "P&T meeting");
  EXPECT_EQ(a.suggestion_zh(), "在下次药事会前拜访新任药事委员会委员 陈静 (委员)，介绍产品");
  EXPECT_EQ(core::FromTimestamp(a.due_by(), "due_by").value(), kAt + absl::Hours(24 * 14));
  EXPECT_EQ(a.occurred_on(), "2026-03-02");
  EXPECT_EQ(a.state(), v1::ALERT_STATE_OPEN);
  std::vector<v1::EventEnvelope> raised = Raised();
  ASSERT_EQ(raised.size(), 1u);
  EXPECT_EQ(raised[0].aggregate_id(), "e-2-1");
  EXPECT_EQ(raised[0].customer_id(), "H-WCH");
  EXPECT_EQ(raised[0].causation_id(), "e-2");
  EXPECT_EQ(raised[0].actor(), "data.steward");
  // Redelivered, and an older version arriving late: nothing more.
  ASSERT_TRUE(Apply(joined).ok());
  ASSERT_TRUE(Apply(Changed("e-0", Hospital("H-WCH", 1, "李院长", {}, {}))).ok());
  EXPECT_EQ(Alerts().size(), 1u);
  EXPECT_EQ(Raised().size(), 1u);
}

TEST_F(ChangeFactorsProjectionTest, EachChangeItsAlertNumberedInTheEvent) {
  ASSERT_TRUE(
      Apply(Registered("e-1", Hospital("H-WCH", 1, "李院长", {}, {{"心内科", "D-1"}}))).ok());
  // Two versions in one batch: the second compares with the first.
  store::Batch batch;
  ASSERT_TRUE(ApplyChangeFactors(
                  *store_, clock_,
                  Changed("e-2", Hospital("H-WCH", 2, "王院长", {}, {{"心内科", "D-9"}})), batch)
                  .ok());
  ASSERT_TRUE(ApplyChangeFactors(*store_, clock_,
                                 Changed("e-3", Hospital("H-WCH", 3, "王院长", {},
                                                         {{"心内科", "D-9"}, {"肿瘤科", "D-5"}})),
                                 batch)
                  .ok());
  ASSERT_TRUE(store_->Write(std::move(batch)).ok());
  std::vector<v1::Alert> alerts = Alerts();
  ASSERT_EQ(alerts.size(), 3u);
  EXPECT_EQ(alerts[0].id(), "e-2-1");
  EXPECT_EQ(alerts[0].what(), "director");
  EXPECT_EQ(alerts[0].suggestion(),
            "Ask the key account manager to meet the new director with the account plan");
  EXPECT_EQ(alerts[1].id(), "e-2-2");
  EXPECT_EQ(alerts[1].what(), "department_head:心内科");
  EXPECT_EQ(alerts[1].before(), "D-1");
  EXPECT_EQ(alerts[1].after(), "D-9");
  EXPECT_EQ(alerts[1].suggestion(),
            "Call the new head of 心内科 within two weeks with the clinical evidence");
  EXPECT_EQ(alerts[1].suggestion_zh(), "两周内拜访心内科新任科室主任，提供临床证据");
  // The worked example of docs/SALES_PROCESS.md: to li.na, due on 16 March at 10:00.
  EXPECT_EQ(alerts[1].owner(), "li.na");
  EXPECT_EQ(alerts[1].assignment_zh(), "2026-03-02 成都武侯 (T1) 的医药代表");
  EXPECT_EQ(
      core::FromTimestamp(alerts[1].due_by(), "due_by").value(),
      absl::FromCivil(absl::CivilSecond(2026, 3, 16, 10, 0, 0), absl::FixedTimeZone(8 * 3600)));
  EXPECT_EQ(alerts[2].id(), "e-3-1");
  EXPECT_EQ(alerts[2].what(), "department_head:肿瘤科");
  EXPECT_EQ(Raised().size(), 3u);
}

TEST_F(ChangeFactorsProjectionTest, AnUnalignedHospitalsAlertIsUnassigned) {
  ASSERT_TRUE(Apply(Registered("e-1", Hospital("H-NEW", 1, "", {}, {}))).ok());
  ASSERT_TRUE(Apply(Changed("e-2", Hospital("H-NEW", 2, "周院长", {}, {}))).ok());
  std::vector<v1::Alert> alerts = Alerts();
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].owner(), "");
  EXPECT_TRUE(alerts[0].unassigned());
  EXPECT_EQ(alerts[0].assignment(), "unassigned: the customer is in no territory on 2026-03-02");
}

TEST_F(ChangeFactorsProjectionTest, OtherCustomersAndHospitalsFirstSeenChangedRaiseNothing) {
  v1::Customer doctor = Hospital("D-1", 2, "", {}, {});
  doctor.mutable_profile()->set_kind(v1::CUSTOMER_KIND_DOCTOR);
  doctor.mutable_profile()->clear_hospital();
  ASSERT_TRUE(Apply(Changed("e-1", doctor)).ok());
  // Registered before alerts were served: the first change only keeps it.
  ASSERT_TRUE(Apply(Changed("e-2", Hospital("H-OLD", 4, "李院长", {{"陈静", "委员"}}, {}))).ok());
  EXPECT_TRUE(Alerts().empty());
  EXPECT_FALSE(AlertRepository(*store_).PeopleSnapshot("D-1")->has_value());
  EXPECT_TRUE(AlertRepository(*store_).PeopleSnapshot("H-OLD")->has_value());
}

TEST_F(ChangeFactorsProjectionTest, APoisonProfileChangeFailsNamingTheFieldAndWritesNothing) {
  ASSERT_TRUE(Apply(Registered("e-1", Hospital("H-WCH", 1, "李院长", {}, {}))).ok());
  // A ProfileChanged without its record.
  v1::EventEnvelope missing = Changed("e-2", v1::Customer());
  store::Batch batch;
  absl::Status status = ApplyChangeFactors(*store_, clock_, missing, batch);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(core::FieldOf(status).value_or(""), "payload.customer.id");
  EXPECT_TRUE(batch.empty());
  // Bytes that are not the type the payload names.
  v1::EventEnvelope garbled = missing;
  garbled.mutable_payload()->set_value("\xff\xff\xff");
  EXPECT_EQ(core::FieldOf(ApplyChangeFactors(*store_, clock_, garbled, batch)).value_or(""),
            "payload");
  // A change without its time.
  v1::EventEnvelope untimed = Changed("e-3", Hospital("H-WCH", 2, "王院长", {}, {}));
  untimed.clear_occurred_at();
  EXPECT_EQ(core::FieldOf(ApplyChangeFactors(*store_, clock_, untimed, batch)).value_or(""),
            "occurred_at");
  EXPECT_TRUE(batch.empty());
  EXPECT_TRUE(Alerts().empty());
  EXPECT_EQ(AlertRepository(*store_).PeopleSnapshot("H-WCH")->value().director(), "李院长");
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline
