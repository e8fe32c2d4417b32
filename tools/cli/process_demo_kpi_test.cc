// The demo's organisation and year of calls (PlanDemoOrganisation,
// PlanDemoCalls) reported through sales-pipeline's FieldForceService over a
// real RocksDB store, and its KPIs held to a hand computation on that demo
// data: 北京's rep (rep.n01) with two doctors at 北京协和医院, on
// 2026-12-08.
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "api/field_force_service.h"
#include "api/visit_log.h"
#include "calls_demo.h"
#include "domain/channel/dates.h"
#include "domain/process/organisation_testing.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/clock.h"
#include "pharmacrm/runtime/projection.h"
#include "process_demo_command.h"
#include "storage/channel_repository.h"
#include "storage/keys.h"
#include "storage/process_repository.h"

namespace pharmacrm::cli {
namespace {

namespace sp = sales_pipeline;

class DemoKpiTest : public testing::Test {
 protected:
  DemoKpiTest()
      : clock_(sp::channel::ChinaDayStart(absl::CivilDay(2026, 12, 8)) + absl::Hours(10)) {}

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pcrm-demo-kpi-" + std::to_string(std::random_device{}()));
    auto store = store::Store::Open({dir_.string(), /*sync_writes=*/false});
    ASSERT_TRUE(store.ok()) << store.status();
    host_ = runtime::ServiceHost::CreateForTest("sales-pipeline", std::move(*store), {&clock_});
    visits_ = &host_->Keep(std::make_unique<sp::VisitLog>(*host_));
    field_ = &host_->EmplaceService<sp::FieldForceService>(*host_, *visits_);
  }
  void TearDown() override {
    host_.reset();
    std::filesystem::remove_all(dir_);
  }

  // What the projections and the catalogue would have stored for the
  // demo's organisation: territories by code, alignments from 2026-01-01,
  // people, customers, and each doctor's prescriptions a month from
  // 2025-01 to 2026-10 (the demo metrics' months).
  void Store(const DemoOrganisation& plan, const std::vector<DemoDoctor>& doctors,
             const std::vector<int64_t>& prescriptions) {
    sp::ProcessRepository process(host_->store());
    sp::ChannelRepository channel(host_->store());
    store::Batch b;
    for (const DemoOrganisation::Territory& t : plan.territories) {
      process.PutTerritory(b,
                           sp::testing_data::TestTerritory(t.code, t.level, t.parent_code, t.name));
    }
    auto known = [&](const std::string& id, v1::CustomerKind kind, const std::string& hospital) {
      v1::Customer c;
      c.set_id(id);
      c.set_status(v1::CUSTOMER_STATUS_ACTIVE);
      c.mutable_profile()->set_kind(kind);
      c.mutable_profile()->set_name(id);
      c.mutable_profile()->set_hospital_id(hospital);
      b.Put(store::Family::kState, runtime::CustomerKey(sp::kKnownCustomer, id),
            c.SerializeAsString());
    };
    const absl::CivilDay from(2026, 1, 1);
    for (const auto& [customer, code] : plan.customer_alignments) {
      known(customer, v1::CUSTOMER_KIND_HOSPITAL, "");
      process.PutCustomerAlignment(b, customer,
                                   sp::testing_data::TestAlignmentHistory(customer, code, from));
    }
    for (const v1::Rep& person : plan.people) {
      v1::Rep stored = person;
      stored.set_version(1);
      process.PutRep(b, stored);
    }
    for (const auto& [rep, code] : plan.rep_alignments) {
      process.PutRepAlignment(b, rep, sp::testing_data::TestAlignmentHistory(rep, code, from));
    }
    for (size_t i = 0; i < doctors.size(); ++i) {
      known(doctors[i].id, v1::CUSTOMER_KIND_DOCTOR, doctors[i].hospital_id);
      for (absl::CivilMonth m(2025, 1); m <= absl::CivilMonth(2026, 10); ++m) {
        v1::CustomerMetrics metrics;
        metrics.set_customer_id(doctors[i].id);
        metrics.set_period(sp::channel::FormatMonth(m));
        v1::DrugClassFigure* f = metrics.mutable_doctor()->add_prescriptions();
        f->set_drug_class("心血管系统用药");
        f->set_volume(prescriptions[i]);
        process.PutMetrics(b, metrics);
      }
    }
    v1::Product product;
    product.set_id("P001");
    product.set_generic_name("阿托伐他汀钙片");
    channel.PutProduct(b, product);
    ASSERT_TRUE(host_->store().Write(std::move(b)).ok());
  }

  absl::StatusOr<v1::KpiReport> Kpis(const std::string& rep, const std::string& period) {
    v1::GetKpisRequest r;
    r.set_rep_id(rep);
    r.set_period(period);
    v1::KpiReport out;
    RETURN_IF_ERROR(field_->Kpis(r, &out));
    return out;
  }

  core::FakeClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<runtime::ServiceHost> host_;
  sp::VisitLog* visits_ = nullptr;
  sp::FieldForceService* field_ = nullptr;
};

TEST_F(DemoKpiTest, TheDemoRepsMonthAndYearMatchTheHandComputation) {
  const DemoOrganisation plan = PlanDemoOrganisation({
      {"h1", "北京协和医院", "北京市", v1::CUSTOMER_KIND_HOSPITAL},
      {"h2", "湘雅医院", "湖南省", v1::CUSTOMER_KIND_HOSPITAL},
  });
  const std::vector<DemoDoctor> doctors = {{"d1", "h1"}, {"d2", "h1"}, {"d3", "h2"}};
  // d1 120 prescriptions a month (class A), d2 40 (B), d3 10 (C).
  ASSERT_NO_FATAL_FAILURE(Store(plan, doctors, {120, 40, 10}));
  const DemoCallsPlan calls = PlanDemoCalls(plan, doctors, "P001", absl::CivilDay(2026, 12, 8),
                                            absl::CivilDay(2026, 1, 1), "demo");
  for (const v1::IssueSamplesRequest& issue : calls.issues) {
    v1::SampleStock out;
    ASSERT_TRUE(field_->Issue(issue, "demo", &out).ok());
  }
  for (const v1::ReportCallRequest& call : calls.calls) {
    v1::CallReport out;
    absl::Status s = field_->Report(call, "demo", &out);
    ASSERT_TRUE(s.ok()) << call.request_id() << ": " << s;
  }

  // October 2026: d1 (i = 0) gets {4, 2, 1, 3, 0, 2}[(0 + 10) % 6] = 0
  // calls, d2 (i = 1) [(1 + 10) % 6] = 2, on the 3rd and the 10th, a pack
  // left on the first.
  absl::StatusOr<v1::KpiReport> october = Kpis("rep.n01", "2026-10");
  ASSERT_TRUE(october.ok()) << october.status();
  const v1::KpiInputs& in = october->inputs();
  EXPECT_EQ(in.calls(), 2);
  EXPECT_EQ(in.target_doctors(), 2);            // d1 (A) and d2 (B) at h1
  EXPECT_EQ(in.target_doctors_called(), 1);     // d2
  EXPECT_EQ(in.classed_doctors_attained(), 1);  // d2: 2 of 2
  EXPECT_EQ(in.samples_given(), 1);
  EXPECT_EQ(in.samples_budget(), 60);
  // 2026: salary ¥12,000 × 1.05 + allowance ¥2,000 + expenses ¥3,500.
  EXPECT_EQ(in.cost_fen(), 1'810'000);
  EXPECT_DOUBLE_EQ(october->kpis().coverage(), 0.5);
  EXPECT_DOUBLE_EQ(october->kpis().frequency_attainment(), 0.5);
  EXPECT_DOUBLE_EQ(october->kpis().sample_use(), 1.0 / 60);

  // The year: d1 20 calls and d2 22 from January to November (the pattern
  // summed by hand in process_demo_test.cc), none in December yet; a pack
  // on each month's first call, in the 9 months each had calls.
  absl::StatusOr<v1::KpiReport> year = Kpis("rep.n01", "2026");
  ASSERT_TRUE(year.ok()) << year.status();
  EXPECT_EQ(year->inputs().calls(), 42);
  EXPECT_EQ(year->inputs().samples_given(), 18);
  EXPECT_EQ(year->months_size(), 12);
  EXPECT_EQ(year->months(11).inputs().calls(), 0);
  // 湖南's rep: d3 (i = 0, class C) alone, 20 calls.
  absl::StatusOr<v1::KpiReport> hunan = Kpis("rep.c03", "2026");
  ASSERT_TRUE(hunan.ok()) << hunan.status();
  EXPECT_EQ(hunan->inputs().calls(), 20);
}

}  // namespace
}  // namespace pharmacrm::cli
