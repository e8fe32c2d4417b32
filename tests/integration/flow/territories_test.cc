// FlowTest cases of territories: renamed and recoded through the gateway,
// and customers aligned to them with history and as-of answers.
#include <algorithm>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "flow/flow_fixture.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"
#include "pharmacrm/v1/events.pb.h"
#include "support/import_stream.h"
#include "support/wait.h"

namespace pharmacrm::itest {
namespace {

TEST_F(FlowTest, TerritoriesAreRenamedAndRecodedThroughTheGateway) {
  auto stub = CustomerMasterClient(*suite_);
  auto create = [&](const std::string& code, v1::TerritoryLevel level, const std::string& parent,
                    v1::Territory* out) {
    return CreateTerritory(*stub, "rename-" + code, code, level, parent, out);
  };
  v1::Territory nation, region, area, t1, t2;
  ASSERT_TRUE(create("XR", v1::TERRITORY_LEVEL_NATION, "", &nation).ok());
  ASSERT_TRUE(create("XR-E", v1::TERRITORY_LEVEL_REGION, nation.id(), &region).ok());
  ASSERT_TRUE(create("XR-E-SH", v1::TERRITORY_LEVEL_AREA, region.id(), &area).ok());
  ASSERT_TRUE(create("XR-E-SH-01", v1::TERRITORY_LEVEL_TERRITORY, area.id(), &t1).ok());
  ASSERT_TRUE(create("XR-E-SH-02", v1::TERRITORY_LEVEL_TERRITORY, area.id(), &t2).ok());
  const std::string target = "/api/v1/territories/" + t1.id();

  // Renamed and recoded, with the provinces it covers.
  const std::string body =
      R"({"request_id":"rename-1","expected_version":1,"territory":{"name":"上海浦东一区",)"
      R"("code":"XR-E-SH-PD1","provinces":["上海市"]},"update_mask":"name,code,provinces"})";
  http::Response ok = Http("PATCH", target, body);
  ASSERT_EQ(ok.status, 200) << ok.body;
  v1::Territory renamed;
  ASSERT_TRUE(JsonStringToMessage(ok.body, &renamed).ok());
  EXPECT_EQ(renamed.name(), "上海浦东一区");
  EXPECT_EQ(renamed.code(), "XR-E-SH-PD1");
  EXPECT_THAT(renamed.provinces(), ::testing::ElementsAre("上海市"));
  EXPECT_EQ(renamed.version(), 2);
  EXPECT_EQ(renamed.level(), v1::TERRITORY_LEVEL_TERRITORY);
  EXPECT_EQ(renamed.parent_id(), area.id());
  // Retried with the same request id: the same reply.
  http::Response again = Http("PATCH", target, body);
  EXPECT_EQ(again.status, 200);
  EXPECT_EQ(again.body, ok.body);
  http::Response read = Http("GET", target);
  ASSERT_EQ(read.status, 200) << read.body;
  EXPECT_NE(read.body.find("上海浦东一区"), std::string::npos) << read.body;
  // Listed by its new code; the old one is free again.
  http::Response listed = Http("GET", "/api/v1/territories?parent_id=" + area.id());
  ASSERT_EQ(listed.status, 200) << listed.body;
  v1::ListTerritoriesResponse under;
  ASSERT_TRUE(JsonStringToMessage(listed.body, &under).ok());
  std::vector<std::string> codes;
  for (const auto& t : under.territories()) codes.push_back(t.code());
  EXPECT_THAT(codes, ::testing::ElementsAre("XR-E-SH-02", "XR-E-SH-PD1"));
  v1::Territory reused;
  EXPECT_TRUE(create("XR-E-SH-01", v1::TERRITORY_LEVEL_TERRITORY, area.id(), &reused).ok());

  // Bad changes: each names its field, and nothing changes.
  auto refused = [&](const std::string& request, int status, const std::string& field) {
    http::Response r = Http("PATCH", target, request);
    EXPECT_EQ(r.status, status) << request << " -> " << r.body;
    EXPECT_NE(r.body.find(field), std::string::npos) << request << " -> " << r.body;
  };
  refused(R"({"request_id":"rename-2","expected_version":1,"territory":{"name":"旧"},)"
          R"("update_mask":"name"})",
          409, "ABORTED");
  refused(R"({"request_id":"rename-3","expected_version":2,"territory":{"code":"XR-E-SH-02"},)"
          R"("update_mask":"code"})",
          409, "territory.code");
  refused(R"({"request_id":"rename-4","expected_version":2,"territory":{"code":"pd 1"},)"
          R"("update_mask":"code"})",
          400, "territory.code");
  refused(R"({"request_id":"rename-5","expected_version":2,"territory":{"name":"  "},)"
          R"("update_mask":"name"})",
          400, "territory.name");
  refused(R"({"request_id":"rename-6","expected_version":2,"territory":{"parent_id":"x"},)"
          R"("update_mask":"parent_id"})",
          400, "update_mask.paths[0]");
  refused(R"({"request_id":"rename-7","expected_version":2,"territory":{}})", 400, "update_mask");
  refused(R"({"request_id":"rename-8","expected_version":2,"territory_id":"other",)"
          R"("territory":{"name":"x"},"update_mask":"name"})",
          400, "territory_id");
  http::Response unknown =
      Http("PATCH", "/api/v1/territories/no-such-territory",
           R"({"request_id":"rename-10","expected_version":1,"territory":{"name":"x"},)"
           R"("update_mask":"name"})");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_NE(unknown.body.find("territory_id"), std::string::npos) << unknown.body;
  http::Response still = Http("GET", target);
  EXPECT_EQ(still.body, read.body);

  // Published on the customer topic, keyed by the territory: its creation,
  // and the rename with the fields it changed.
  auto published = [&](int64_t version, const std::vector<std::string>& changed) {
    return SeenOnTopic("pharmacrm.customer.events.v1", [&](const v1::EventEnvelope& e) {
      v1::TerritoryChanged c;
      return e.aggregate_kind() == "territory" && e.customer_id() == t1.id() &&
             e.aggregate_version() == version && e.payload().UnpackTo(&c) &&
             c.territory().id() == t1.id() && c.territory().version() == version &&
             std::vector<std::string>(c.changed_fields().begin(), c.changed_fields().end()) ==
                 changed;
    });
  };
  EXPECT_TRUE(published(1, {}));
  EXPECT_TRUE(published(2, {"code", "name", "provinces"}));
}

TEST_F(FlowTest, TerritoriesAlignCustomersWithHistoryAndAsOfAnswers) {
  using google::protobuf::util::TimeUtil;
  auto stub = CustomerMasterClient(*suite_);
  auto create = [&](const std::string& code, v1::TerritoryLevel level, const std::string& parent,
                    v1::Territory* out) {
    return CreateTerritory(*stub, "terr-" + code, code, level, parent, out);
  };
  v1::Territory nation, region, area, t1, t2, dup, wrong;
  ASSERT_TRUE(create("CN", v1::TERRITORY_LEVEL_NATION, "", &nation).ok());
  ASSERT_TRUE(create("CN-N", v1::TERRITORY_LEVEL_REGION, nation.id(), &region).ok());
  ASSERT_TRUE(create("CN-N-BJ", v1::TERRITORY_LEVEL_AREA, region.id(), &area).ok());
  ASSERT_TRUE(create("CN-N-BJ-01", v1::TERRITORY_LEVEL_TERRITORY, area.id(), &t1).ok());
  ASSERT_TRUE(create("CN-N-BJ-02", v1::TERRITORY_LEVEL_TERRITORY, area.id(), &t2).ok());
  EXPECT_EQ(create("CN-N-BJ-XX", v1::TERRITORY_LEVEL_TERRITORY, region.id(), &wrong).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // A territory directly under a region.
  v1::CreateTerritoryRequest again;
  again.set_request_id("terr-dup");
  *again.mutable_territory() = t1;
  again.mutable_territory()->clear_id();
  auto dctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
  EXPECT_EQ(stub->CreateTerritory(dctx.get(), again, &dup).error_code(), grpc::StatusCode::ALREADY_EXISTS);

  // The tree is listed through the gateway: under a parent, by level, by code.
  auto list = [&](const std::string& query) {
    http::Response r = Http("GET", absl::StrCat("/api/v1/territories", query));
    v1::ListTerritoriesResponse out;
    EXPECT_EQ(r.status, 200) << r.body;
    EXPECT_TRUE(JsonStringToMessage(r.body, &out).ok()) << r.body;
    std::vector<std::string> codes;
    for (const auto& t : out.territories()) codes.push_back(t.code());
    return codes;
  };
  EXPECT_THAT(list(absl::StrCat("?parent_id=", area.id())),
              ::testing::ElementsAre("CN-N-BJ-01", "CN-N-BJ-02"));
  EXPECT_THAT(list(absl::StrCat("?parent_id=", nation.id(), "&level=TERRITORY_LEVEL_REGION")),
              ::testing::ElementsAre("CN-N"));
  EXPECT_THAT(list(absl::StrCat("?parent_id=", nation.id(), "&level=TERRITORY_LEVEL_AREA")),
              ::testing::IsEmpty());
  std::vector<std::string> all = list("");
  EXPECT_TRUE(std::is_sorted(all.begin(), all.end()));
  EXPECT_THAT(all, ::testing::IsSupersetOf({"CN", "CN-N", "CN-N-BJ", "CN-N-BJ-01", "CN-N-BJ-02"}));
  http::Response bad_level = Http("GET", "/api/v1/territories?level=REGION");
  EXPECT_EQ(bad_level.status, 400) << bad_level.body;
  EXPECT_NE(bad_level.body.find("level"), std::string::npos) << bad_level.body;
  http::Response no_parent = Http("GET", "/api/v1/territories?parent_id=no-such-territory");
  EXPECT_EQ(no_parent.status, 404) << no_parent.body;
  EXPECT_NE(no_parent.body.find("parent_id"), std::string::npos) << no_parent.body;
  v1::ListTerritoriesRequest odd_level;
  odd_level.set_level(static_cast<v1::TerritoryLevel>(9));
  v1::ListTerritoriesResponse unused;
  auto lctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
  EXPECT_EQ(stub->ListTerritories(lctx.get(), odd_level, &unused).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);

  std::string hospital = RegisterHospital("territory");
  absl::Time now = absl::Now();
  auto align = [&](const std::string& rid, const std::string& territory, absl::Time from) {
    v1::AlignRequest req;
    req.set_request_id(rid);
    req.set_subject(v1::ALIGNMENT_SUBJECT_CUSTOMER);
    req.set_subject_id(hospital);
    req.set_territory_id(territory);
    *req.mutable_effective_from() = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(from));
    req.set_reason("年度区域调整");
    v1::Alignment out;
    auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
    return stub->Align(ctx.get(), req, &out);
  };
  ASSERT_TRUE(align("align-1", t1.id(), now - absl::Hours(24 * 30)).ok());
  ASSERT_TRUE(align("align-2", t2.id(), now - absl::Hours(24 * 10)).ok());
  EXPECT_EQ(align("align-3", region.id(), now).error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_EQ(align("align-4", t1.id(), now - absl::Hours(24 * 400)).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);  // Back-dated by more than a year.

  auto territory_at = [&](absl::Time t) -> std::string {
    v1::GetAlignmentRequest req;
    req.set_subject(v1::ALIGNMENT_SUBJECT_CUSTOMER);
    req.set_subject_id(hospital);
    *req.mutable_as_of() = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
    v1::Alignment out;
    auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
    grpc::Status s = stub->GetAlignment(ctx.get(), req, &out);
    return s.ok() ? out.territory_id() : absl::StatusCodeToString(static_cast<absl::StatusCode>(s.error_code()));
  };
  EXPECT_EQ(territory_at(now - absl::Hours(24 * 20)), t1.id());
  EXPECT_EQ(territory_at(now), t2.id());
  EXPECT_EQ(territory_at(now - absl::Hours(24 * 40)), "NOT_FOUND");

  auto members = [&](const std::string& territory, absl::Time t, bool descendants) {
    v1::ListTerritoryCustomersRequest req;
    req.set_territory_id(territory);
    *req.mutable_as_of() = TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
    req.set_include_descendants(descendants);
    v1::ListTerritoryCustomersResponse out;
    auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
    EXPECT_TRUE(stub->ListTerritoryCustomers(ctx.get(), req, &out).ok());
    return std::vector<std::string>(out.customer_ids().begin(), out.customer_ids().end());
  };
  EXPECT_EQ(members(t1.id(), now - absl::Hours(24 * 20), false), std::vector<std::string>{hospital});
  EXPECT_TRUE(members(t1.id(), now, false).empty());
  EXPECT_EQ(members(area.id(), now, true), std::vector<std::string>{hospital});

  // Search within a territory (current alignment).
  v1::SearchCustomersResponse in_t2, in_t1;
  ASSERT_TRUE(WaitUntil([&] {
    in_t2.Clear();
    return JsonStringToMessage(Http("GET", "/api/v1/customers?query=xiehe&territory_id=" + t2.id()).body,
                               &in_t2).ok() &&
           in_t2.total_size() == 1;
  }));
  ASSERT_TRUE(JsonStringToMessage(
                  Http("GET", "/api/v1/customers?query=xiehe&territory_id=" + t1.id()).body, &in_t1)
                  .ok());
  EXPECT_EQ(in_t1.total_size(), 0);

  // The worklist of a territory: what to collect from its customers now,
  // those of the territories below it included.
  v1::Worklist in_area, in_old;
  http::Response w = Http("GET", "/api/v1/worklist?kind=CUSTOMER_KIND_HOSPITAL&territory_id=" + area.id());
  ASSERT_TRUE(JsonStringToMessage(w.body, &in_area).ok()) << w.body;
  ASSERT_EQ(in_area.items_size(), 1) << w.body;
  EXPECT_EQ(in_area.items(0).customer_id(), hospital);
  ASSERT_TRUE(JsonStringToMessage(
                  Http("GET", "/api/v1/worklist?kind=CUSTOMER_KIND_HOSPITAL&territory_id=" + t1.id()).body,
                  &in_old)
                  .ok());
  EXPECT_EQ(in_old.items_size(), 0);  // Aligned there once, not now.
  http::Response unknown = Http("GET", "/api/v1/worklist?kind=CUSTOMER_KIND_HOSPITAL&territory_id=nope");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_NE(unknown.body.find(R"("field":"territory_id")"), std::string::npos) << unknown.body;
  unknown = Http("GET", "/api/v1/customers?query=xiehe&territory_id=nope");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_NE(unknown.body.find(R"("field":"territory_id")"), std::string::npos) << unknown.body;

  // The same over HTTP.
  http::Response terr = Http("GET", "/api/v1/territories/" + t1.id());
  EXPECT_EQ(terr.status, 200) << terr.body;
  EXPECT_NE(terr.body.find("CN-N-BJ-01"), std::string::npos);
  http::Response listed = Http("GET", absl::StrCat("/api/v1/territories/", area.id(),
                                                   "/customers?include_descendants=true"));
  EXPECT_NE(listed.body.find(hospital), std::string::npos) << listed.body;
  http::Response hist = Http("GET", absl::StrCat("/api/v1/customers/", hospital, "/alignments"));
  v1::AlignmentHistory history;
  ASSERT_TRUE(JsonStringToMessage(hist.body, &history).ok()) << hist.body;
  EXPECT_EQ(history.alignments_size(), 2);
  http::Response bad = Http("POST", "/api/v1/alignments",
                            absl::StrCat(R"({"request_id":"a-bad","subject":"ALIGNMENT_SUBJECT_CUSTOMER",)",
                                         R"("subject_id":")", hospital, R"(","territory_id":"nope"})"));
  EXPECT_EQ(bad.status, 404) << bad.body;
  EXPECT_NE(bad.body.find(R"("field":"territory_id")"), std::string::npos) << bad.body;
  EXPECT_EQ(Http("GET", "/api/v1/territories/nope").status, 404);

  EXPECT_TRUE(SeenOnTopic("pharmacrm.customer.events.v1", [&](const v1::EventEnvelope& e) {
    v1::CustomerAligned a;
    return e.customer_id() == hospital && e.payload().UnpackTo(&a) &&
           a.alignment().territory_id() == t2.id() && a.previous_territory_id() == t1.id();
  }));
}

}  // namespace
}  // namespace pharmacrm::itest
