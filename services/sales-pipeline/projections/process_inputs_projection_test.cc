// The sales process's consumer of customer-master's events, over a real
// store: territories (a newer version wins), alignments in date order,
// whole-customer metrics; a poison event changes nothing.
#include "projections/process_inputs_projection.h"

#include <filesystem>
#include <memory>
#include <random>
#include <string>

#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/territories.pb.h"
#include "storage/process_repository.h"

namespace pharmacrm::sales_pipeline {
namespace {

class ProcessInputsProjectionTest : public testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pcrm-process-" + std::to_string(std::random_device{}()));
    auto store = store::Store::Open({dir_.string(), /*sync_writes=*/false});
    ASSERT_TRUE(store.ok()) << store.status();
    store_ = *std::move(store);
  }
  void TearDown() override {
    store_.reset();
    std::filesystem::remove_all(dir_);
  }

  absl::Status Apply(const google::protobuf::Message& payload) {
    v1::EventEnvelope event;
    event.set_event_id("e");
    event.mutable_payload()->PackFrom(payload);
    store::Batch batch;
    RETURN_IF_ERROR(ApplyProcessInput(*store_, event, batch));
    return store_->Write(std::move(batch));
  }

  static v1::TerritoryChanged Changed(const std::string& id, const std::string& name,
                                      int64_t version) {
    v1::TerritoryChanged c;
    c.mutable_territory()->set_id(id);
    c.mutable_territory()->set_name(name);
    c.mutable_territory()->set_level(v1::TERRITORY_LEVEL_TERRITORY);
    c.mutable_territory()->set_version(version);
    return c;
  }

  std::filesystem::path dir_;
  std::unique_ptr<store::Store> store_;
};

TEST_F(ProcessInputsProjectionTest, ANewerTerritoryVersionWinsWhateverTheOrder) {
  ASSERT_TRUE(Apply(Changed("T1", "北京东城二区", 2)).ok());
  ASSERT_TRUE(Apply(Changed("T1", "北京东城一区", 1)).ok());  // late and older
  ProcessRepository repo(*store_);
  absl::StatusOr<std::optional<v1::Territory>> t = repo.Territory("T1");
  ASSERT_TRUE(t.ok() && t->has_value());
  EXPECT_EQ((*t)->name(), "北京东城二区");
}

TEST_F(ProcessInputsProjectionTest, AlignmentsAreKeptInDateOrder) {
  auto aligned = [](const std::string& territory, int year) {
    v1::CustomerAligned a;
    a.mutable_alignment()->set_subject_id("H1");
    a.mutable_alignment()->set_territory_id(territory);
    *a.mutable_alignment()->mutable_effective_from() =
        core::ToTimestamp(absl::FromCivil(absl::CivilDay(year, 1, 1), absl::UTCTimeZone()));
    return a;
  };
  ASSERT_TRUE(Apply(aligned("T2", 2026)).ok());
  ASSERT_TRUE(Apply(aligned("T1", 2025)).ok());
  v1::RepAligned rep;
  *rep.mutable_alignment() = aligned("T1", 2025).alignment();
  rep.mutable_alignment()->set_subject_id("li.na");
  ASSERT_TRUE(Apply(rep).ok());
  ProcessRepository repo(*store_);
  absl::StatusOr<std::optional<v1::AlignmentHistory>> h = repo.CustomerAlignment("H1");
  ASSERT_TRUE(h.ok() && h->has_value());
  ASSERT_EQ((*h)->alignments_size(), 2);
  EXPECT_EQ((*h)->alignments(0).territory_id(), "T1");
  EXPECT_EQ((*h)->alignments(1).territory_id(), "T2");
  absl::StatusOr<std::optional<v1::AlignmentHistory>> r = repo.RepAlignment("li.na");
  ASSERT_TRUE(r.ok() && r->has_value());
  EXPECT_EQ((*r)->alignments_size(), 1);
}

TEST_F(ProcessInputsProjectionTest, OnlyWholeCustomerMetricsAreKept) {
  v1::MetricsRecorded whole;
  whole.mutable_metrics()->set_customer_id("H1");
  whole.mutable_metrics()->set_period("2025-06");
  whole.mutable_metrics()->set_version(1);
  whole.mutable_metrics()->mutable_hospital()->set_outpatient_visits(100);
  ASSERT_TRUE(Apply(whole).ok());
  v1::MetricsRecorded department = whole;
  department.mutable_metrics()->set_period("2025-07");
  department.mutable_metrics()->set_department("心内科");
  ASSERT_TRUE(Apply(department).ok());
  ProcessRepository repo(*store_);
  EXPECT_TRUE(repo.Metrics("H1", "2025-06")->has_value());
  EXPECT_FALSE(repo.Metrics("H1", "2025-07")->has_value());
}

TEST_F(ProcessInputsProjectionTest, PoisonEventsAreRefusedNamingTheFieldAndChangeNothing) {
  absl::Status no_id = Apply(Changed("", "无名", 1));
  EXPECT_EQ(no_id.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(core::FieldOf(no_id).value_or(""), "payload.territory.id");
  v1::CustomerAligned undated;
  undated.mutable_alignment()->set_subject_id("H1");
  absl::Status no_date = Apply(undated);
  EXPECT_EQ(core::FieldOf(no_date).value_or(""), "alignment.effective_from");
  v1::MetricsRecorded anonymous;
  anonymous.mutable_metrics()->set_period("2025-06");
  EXPECT_EQ(core::FieldOf(Apply(anonymous)).value_or(""), "payload.metrics");
  // A payload whose bytes are not the type its URL names.
  v1::EventEnvelope garbled;
  garbled.mutable_payload()->set_type_url("type.googleapis.com/pharmacrm.v1.TerritoryChanged");
  garbled.mutable_payload()->set_value("\xff\xff\xff");
  store::Batch batch;
  EXPECT_EQ(core::FieldOf(ApplyProcessInput(*store_, garbled, batch)).value_or(""), "payload");
  ProcessRepository repo(*store_);
  EXPECT_TRUE(repo.Territories()->empty());
  EXPECT_TRUE(repo.CustomerAlignments()->empty());
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline
