// CustomerMasterService's territories over a real RocksDB store and a
// FakeClock: each creation and each change of a territory writes one
// TerritoryChanged to the outbox with the territory, in the same write; a
// retried request id and a refused request publish nothing.
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "api/customer_master_service.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"  // Timestamp == and <<.
#include "gtest/gtest.h"
#include "pharmacrm/bus/kafka.h"
#include "pharmacrm/core/clock.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/matching/pinyin.h"
#include "pharmacrm/rpc/status.h"
#include "pharmacrm/runtime/host.h"
#include "pharmacrm/store/store.h"
#include "pharmacrm/v1/events.pb.h"
#include "pharmacrm/v1/territories.pb.h"

namespace pharmacrm::customer_master {
namespace {

using ::google::protobuf::util::MessageDifferencer;
using ::testing::ElementsAre;
using ::testing::IsEmpty;

// 2026-03-02 10:00 in Beijing.
const absl::Time kNow =
    absl::FromCivil(absl::CivilSecond(2026, 3, 2, 2, 0, 0), absl::UTCTimeZone());

// One outbox record and the envelope its value holds.
struct Published {
  v1::OutboxRecord record;
  v1::EventEnvelope envelope;
  v1::TerritoryChanged event;
};

class TerritoriesTest : public testing::Test {
 protected:
  TerritoriesTest() : clock_(kNow) {}

  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("pcrm-territories-" + std::to_string(std::random_device{}()));
    auto store = store::Store::Open({dir_.string(), /*sync_writes=*/false});
    ASSERT_TRUE(store.ok()) << store.status();
    host_ = runtime::ServiceHost::CreateForTest("customer-master", std::move(*store), {&clock_});
    absl::StatusOr<std::unique_ptr<matching::PinyinConverter>> pinyin =
        matching::PinyinConverter::Create();
    ASSERT_TRUE(pinyin.ok()) << pinyin.status();
    const matching::PinyinConverter& converter = host_->Keep(*std::move(pinyin));
    service_ =
        &host_->EmplaceService<CustomerMasterService>(*host_, converter, v1::CompletenessRules());
    ASSERT_TRUE(service_->LoadIndex().ok());
  }
  void TearDown() override {
    host_.reset();
    std::filesystem::remove_all(dir_);
  }

  absl::StatusOr<v1::Territory> Create(const std::string& request_id, const std::string& code,
                                       v1::TerritoryLevel level, const std::string& parent_id,
                                       std::vector<std::string> provinces = {}) {
    v1::CreateTerritoryRequest request;
    request.set_request_id(request_id);
    v1::Territory* t = request.mutable_territory();
    t->set_code(code);
    t->set_name(absl::StrCat("辖区 ", code));
    t->set_level(level);
    t->set_parent_id(parent_id);
    for (std::string& p : provinces) t->add_provinces(std::move(p));
    return Create(request);
  }
  absl::StatusOr<v1::Territory> Create(const v1::CreateTerritoryRequest& request) {
    grpc::ServerContext context;
    v1::Territory response;
    RETURN_IF_ERROR(rpc::FromGrpcStatus(service_->CreateTerritory(&context, &request, &response)));
    return response;
  }
  absl::StatusOr<v1::Territory> Update(const v1::UpdateTerritoryRequest& request) {
    grpc::ServerContext context;
    v1::Territory response;
    RETURN_IF_ERROR(rpc::FromGrpcStatus(service_->UpdateTerritory(&context, &request, &response)));
    return response;
  }
  static v1::UpdateTerritoryRequest Change(const std::string& request_id, const v1::Territory& t,
                                           int64_t expected_version,
                                           std::vector<std::string> paths) {
    v1::UpdateTerritoryRequest request;
    request.set_request_id(request_id);
    request.set_territory_id(t.id());
    request.set_expected_version(expected_version);
    *request.mutable_territory() = t;
    for (std::string& path : paths) request.mutable_update_mask()->add_paths(std::move(path));
    return request;
  }

  // Every record in the outbox, in the order written, with its envelope.
  std::vector<Published> Outbox() {
    absl::StatusOr<std::vector<store::OutboxEntry>> entries = host_->store().ReadOutbox(10'000);
    EXPECT_TRUE(entries.ok()) << entries.status();
    std::vector<Published> out;
    if (!entries.ok()) return out;
    for (store::OutboxEntry& entry : *entries) {
      Published p;
      p.record = std::move(entry.record);
      EXPECT_TRUE(p.envelope.ParseFromString(p.record.value()));
      if (p.envelope.payload().Is<v1::TerritoryChanged>()) {
        EXPECT_TRUE(p.envelope.payload().UnpackTo(&p.event));
      }
      out.push_back(std::move(p));
    }
    return out;
  }

  core::FakeClock clock_;
  std::filesystem::path dir_;
  std::unique_ptr<runtime::ServiceHost> host_;
  CustomerMasterService* service_ = nullptr;
};

// The envelope and record of a territory's event (docs/EVENTS.md).
void ExpectTerritoryEnvelope(const Published& p, const v1::Territory& t,
                             const std::string& request_id) {
  EXPECT_EQ(p.record.topic(), bus::kCustomerTopic);
  EXPECT_EQ(p.record.key(), t.id());
  EXPECT_EQ(p.envelope.event_type(), "pharmacrm.v1.TerritoryChanged");
  EXPECT_FALSE(p.envelope.event_id().empty());
  EXPECT_EQ(p.envelope.source(), "customer-master");
  EXPECT_EQ(p.envelope.aggregate_kind(), "territory");
  EXPECT_EQ(p.envelope.aggregate_id(), t.id());
  EXPECT_EQ(p.envelope.aggregate_version(), t.version());
  EXPECT_EQ(p.envelope.customer_id(), t.id());
  EXPECT_EQ(p.envelope.causation_id(), request_id);
  EXPECT_FALSE(p.envelope.correlation_id().empty());
  EXPECT_EQ(p.envelope.actor(), "anonymous");  // No caller named in the test.
  EXPECT_TRUE(MessageDifferencer::Equals(p.event.territory(), t))
      << p.event.territory().DebugString() << " vs " << t.DebugString();
}

TEST_F(TerritoriesTest, ACreatedTerritoryIsPublishedOnceWithTheWholeTerritory) {
  absl::StatusOr<v1::Territory> nation = Create("t-n", "CN", v1::TERRITORY_LEVEL_NATION, "");
  ASSERT_TRUE(nation.ok()) << nation.status();
  std::vector<Published> outbox = Outbox();
  ASSERT_EQ(outbox.size(), 1u);
  ExpectTerritoryEnvelope(outbox[0], *nation, "t-n");
  EXPECT_THAT(outbox[0].event.changed_fields(), IsEmpty());
  EXPECT_EQ(outbox[0].envelope.occurred_at(), nation->created_at());

  clock_.Advance(absl::Minutes(1));
  absl::StatusOr<v1::Territory> region =
      Create("t-r", "CN-N", v1::TERRITORY_LEVEL_REGION, nation->id(), {"北京市", "河北省"});
  ASSERT_TRUE(region.ok()) << region.status();
  outbox = Outbox();
  ASSERT_EQ(outbox.size(), 2u);
  ExpectTerritoryEnvelope(outbox[1], *region, "t-r");
  const v1::Territory& carried = outbox[1].event.territory();
  EXPECT_FALSE(carried.id().empty());
  EXPECT_EQ(carried.code(), "CN-N");
  EXPECT_EQ(carried.name(), "辖区 CN-N");
  EXPECT_EQ(carried.level(), v1::TERRITORY_LEVEL_REGION);
  EXPECT_EQ(carried.parent_id(), nation->id());
  EXPECT_THAT(carried.provinces(), ElementsAre("北京市", "河北省"));
  EXPECT_EQ(carried.version(), 1);
  EXPECT_EQ(carried.created_at(), core::ToTimestamp(kNow + absl::Minutes(1)));
  EXPECT_THAT(outbox[1].event.changed_fields(), IsEmpty());

  // Retried with the same request id: the first reply, nothing published.
  absl::StatusOr<v1::Territory> again =
      Create("t-r", "CN-N", v1::TERRITORY_LEVEL_REGION, nation->id(), {"北京市", "河北省"});
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*again, *region));
  EXPECT_EQ(Outbox().size(), 2u);
}

TEST_F(TerritoriesTest, AnUpdateIsPublishedWithTheFieldsItChanged) {
  absl::StatusOr<v1::Territory> nation = Create("t-n", "CN", v1::TERRITORY_LEVEL_NATION, "");
  ASSERT_TRUE(nation.ok()) << nation.status();
  absl::StatusOr<v1::Territory> region =
      Create("t-r", "CN-N", v1::TERRITORY_LEVEL_REGION, nation->id(), {"北京市"});
  ASSERT_TRUE(region.ok()) << region.status();
  ASSERT_EQ(Outbox().size(), 2u);

  // Masked: name, code and provinces; the code stays as it was.
  v1::Territory wanted = *region;
  wanted.set_name("华北大区");
  wanted.add_provinces("天津市");
  clock_.Advance(absl::Hours(1));
  const v1::UpdateTerritoryRequest rename = Change("u-1", wanted, 1, {"name", "code", "provinces"});
  absl::StatusOr<v1::Territory> renamed = Update(rename);
  ASSERT_TRUE(renamed.ok()) << renamed.status();
  EXPECT_EQ(renamed->version(), 2);
  std::vector<Published> outbox = Outbox();
  ASSERT_EQ(outbox.size(), 3u);
  ExpectTerritoryEnvelope(outbox[2], *renamed, "u-1");
  EXPECT_EQ(outbox[2].envelope.aggregate_version(), 2);
  EXPECT_EQ(outbox[2].envelope.occurred_at(), core::ToTimestamp(kNow + absl::Hours(1)));
  EXPECT_EQ(outbox[2].event.territory().name(), "华北大区");
  EXPECT_THAT(outbox[2].event.territory().provinces(), ElementsAre("北京市", "天津市"));
  EXPECT_EQ(outbox[2].event.territory().created_at(), region->created_at());
  EXPECT_THAT(outbox[2].event.changed_fields(), ElementsAre("name", "provinces"));

  // Retried with the same request id: the first reply, nothing published.
  absl::StatusOr<v1::Territory> again = Update(rename);
  ASSERT_TRUE(again.ok()) << again.status();
  EXPECT_TRUE(MessageDifferencer::Equals(*again, *renamed));
  EXPECT_EQ(Outbox().size(), 3u);

  // A new code alone.
  wanted = *renamed;
  wanted.set_code("CN-NORTH");
  absl::StatusOr<v1::Territory> recoded = Update(Change("u-2", wanted, 2, {"code"}));
  ASSERT_TRUE(recoded.ok()) << recoded.status();
  outbox = Outbox();
  ASSERT_EQ(outbox.size(), 4u);
  ExpectTerritoryEnvelope(outbox[3], *recoded, "u-2");
  EXPECT_EQ(outbox[3].envelope.aggregate_version(), 3);
  EXPECT_THAT(outbox[3].event.changed_fields(), ElementsAre("code"));

  // An update that changes nothing writes no version and publishes nothing.
  absl::StatusOr<v1::Territory> same = Update(Change("u-3", *recoded, 3, {"name", "code"}));
  ASSERT_TRUE(same.ok()) << same.status();
  EXPECT_EQ(same->version(), 3);
  EXPECT_EQ(Outbox().size(), 4u);
}

TEST_F(TerritoriesTest, ARefusedRequestPublishesNothing) {
  absl::StatusOr<v1::Territory> nation = Create("t-n", "CN", v1::TERRITORY_LEVEL_NATION, "");
  ASSERT_TRUE(nation.ok()) << nation.status();
  absl::StatusOr<v1::Territory> region =
      Create("t-r", "CN-N", v1::TERRITORY_LEVEL_REGION, nation->id());
  ASSERT_TRUE(region.ok()) << region.status();
  absl::StatusOr<v1::Territory> other =
      Create("t-r2", "CN-S", v1::TERRITORY_LEVEL_REGION, nation->id());
  ASSERT_TRUE(other.ok()) << other.status();
  ASSERT_EQ(Outbox().size(), 3u);

  auto refused = [&](const absl::Status& status, absl::StatusCode code, const std::string& field) {
    EXPECT_EQ(status.code(), code) << status;
    EXPECT_EQ(core::FieldOf(status).value_or(""), field) << status;
  };
  // Creation: bad input, a parent that does not exist, a code in use
  // (found inside the write), a request id used for another request.
  refused(Create("c-1", "cn-lower", v1::TERRITORY_LEVEL_REGION, nation->id()).status(),
          absl::StatusCode::kInvalidArgument, "territory.code");
  refused(Create("c-2", "CN-E", v1::TERRITORY_LEVEL_AREA, nation->id()).status(),
          absl::StatusCode::kInvalidArgument, "territory.parent_id");
  refused(Create("c-3", "CN-E", v1::TERRITORY_LEVEL_REGION, "nope").status(),
          absl::StatusCode::kNotFound, "territory.parent_id");
  refused(Create("c-4", "CN-N", v1::TERRITORY_LEVEL_REGION, nation->id()).status(),
          absl::StatusCode::kAlreadyExists, "territory.code");
  refused(Create("", "CN-E", v1::TERRITORY_LEVEL_REGION, nation->id()).status(),
          absl::StatusCode::kInvalidArgument, "request_id");
  refused(Create("t-r", "CN-E", v1::TERRITORY_LEVEL_REGION, nation->id()).status(),
          absl::StatusCode::kFailedPrecondition, "request_id");

  // Update: a stale version and a code in use (both found inside the
  // write), an empty name, a field that cannot change, an unknown territory.
  v1::Territory wanted = *region;
  wanted.set_name("华北大区");
  refused(Update(Change("u-1", wanted, 7, {"name"})).status(), absl::StatusCode::kAborted, "");
  wanted.set_code("CN-S");
  refused(Update(Change("u-2", wanted, 1, {"code"})).status(), absl::StatusCode::kAlreadyExists,
          "territory.code");
  wanted.set_name(" ");
  refused(Update(Change("u-3", wanted, 1, {"name"})).status(), absl::StatusCode::kInvalidArgument,
          "territory.name");
  refused(Update(Change("u-4", wanted, 1, {"parent_id"})).status(),
          absl::StatusCode::kInvalidArgument, "update_mask.paths[0]");
  wanted.set_id("nope");
  refused(Update(Change("u-5", wanted, 1, {"name"})).status(), absl::StatusCode::kNotFound,
          "territory_id");

  EXPECT_EQ(Outbox().size(), 3u);
  // Nothing was stored either: the region is as it was.
  grpc::ServerContext context;
  v1::GetTerritoryRequest get;
  get.set_territory_id(region->id());
  v1::Territory read;
  ASSERT_TRUE(service_->GetTerritory(&context, &get, &read).ok());
  EXPECT_TRUE(MessageDifferencer::Equals(read, *region));
}

TEST_F(TerritoriesTest, AMigratedAlignmentTwoYearsBackIsKeptWithItsSourceAndPublished) {
  absl::StatusOr<v1::Territory> nation = Create("t-n", "CN", v1::TERRITORY_LEVEL_NATION, "");
  ASSERT_TRUE(nation.ok()) << nation.status();
  absl::StatusOr<v1::Territory> region =
      Create("t-r", "CN-N", v1::TERRITORY_LEVEL_REGION, nation->id());
  ASSERT_TRUE(region.ok()) << region.status();
  absl::StatusOr<v1::Territory> area =
      Create("t-a", "CN-N-BJ", v1::TERRITORY_LEVEL_AREA, region->id());
  ASSERT_TRUE(area.ok()) << area.status();
  absl::StatusOr<v1::Territory> patch =
      Create("t-t", "CN-N-BJ-01", v1::TERRITORY_LEVEL_TERRITORY, area->id());
  ASSERT_TRUE(patch.ok()) << patch.status();
  const size_t before = Outbox().size();

  v1::AlignRequest request;
  request.set_request_id("align-rep-history");
  request.set_subject(v1::ALIGNMENT_SUBJECT_REP);
  request.set_subject_id("rep.h01");
  request.set_territory_id(patch->id());
  *request.mutable_effective_from() = core::ToTimestamp(kNow - absl::Hours(24 * 730));
  request.set_reason("迁移 / migrated");
  grpc::ServerContext context;
  v1::Alignment out;
  // Without a source, two years back is refused and nothing is written.
  ASSERT_EQ(service_->Align(&context, &request, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(Outbox().size(), before);

  request.set_request_id("align-rep-history-2");
  request.set_history_source("Siebel export 2024-12");
  grpc::ServerContext context2;
  ASSERT_TRUE(service_->Align(&context2, &request, &out).ok());
  EXPECT_EQ(out.history_source(), "Siebel export 2024-12");
  EXPECT_EQ(out.effective_from(), request.effective_from());

  v1::GetAlignmentRequest get;
  get.set_subject(v1::ALIGNMENT_SUBJECT_REP);
  get.set_subject_id("rep.h01");
  *get.mutable_as_of() = core::ToTimestamp(kNow - absl::Hours(24 * 700));
  grpc::ServerContext context3;
  v1::Alignment then;
  ASSERT_TRUE(service_->GetAlignment(&context3, &get, &then).ok());
  EXPECT_EQ(then.territory_id(), patch->id());
  EXPECT_EQ(then.history_source(), "Siebel export 2024-12");

  const std::vector<Published> outbox = Outbox();
  ASSERT_EQ(outbox.size(), before + 1);
  v1::RepAligned event;
  ASSERT_TRUE(outbox.back().envelope.payload().UnpackTo(&event));
  EXPECT_EQ(event.alignment().history_source(), "Siebel export 2024-12");
}

}  // namespace
}  // namespace pharmacrm::customer_master
