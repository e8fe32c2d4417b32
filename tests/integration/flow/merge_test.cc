// FlowTest cases of duplicates and merges: candidates and the whole-data
// scan, merges of distributors, references re-pointed by a merge and back by
// an unmerge (also from an older data folder), the golden record, and every
// service following a merge and an unmerge.
#include <algorithm>
#include <cstdint>
#include <set>
#include <string>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "flow/flow_fixture.h"
#include "gtest/gtest.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/store/key.h"
#include "pharmacrm/store/store.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"
#include "pharmacrm/v1/events.pb.h"
#include "pharmacrm/v1/gateway.grpc.pb.h"
#include "pharmacrm/v1/sales_pipeline.grpc.pb.h"
#include "storage/keys.h"
#include "support/import_stream.h"
#include "support/wait.h"

namespace pharmacrm::itest {
namespace {

TEST_F(FlowTest, DuplicateCandidatesComeWithScoresAndReasons) {
  auto stub = CustomerMasterClient(*suite_);
  std::string hospital = RegisterHospital("dupes");
  auto doctor = [&](const std::string& rid, const std::string& name, const std::string& phone) {
    return Register(rid, absl::StrCat(R"({"kind":"CUSTOMER_KIND_DOCTOR","name":")", name,
                                      R"(","hospital_id":")", hospital, R"(","phone":")", phone, R"("})"));
  };
  std::string a = doctor("dupe-a", "孙丽华", "13811112222");
  std::string b = doctor("dupe-b", "孙莉华", "+86 138-1111-2222");  // Homophone, same phone.
  std::string c = doctor("dupe-c", "周建国", "13699990000");
  v1::FindDuplicateCandidatesRequest req;
  req.set_customer_id(a);
  v1::DuplicateCandidates out;
  ASSERT_TRUE(WaitUntil([&] {
    out.Clear();
    auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
    return stub->FindDuplicateCandidates(ctx.get(), req, &out).ok() && out.candidates_size() == 1;
  })) << out.DebugString();
  EXPECT_EQ(out.candidates(0).customer().id(), b);
  EXPECT_GE(out.candidates(0).score(), 0.6);
  bool phone_reason = false;
  for (const auto& r : out.candidates(0).reasons()) phone_reason |= r.signal() == "phone";
  EXPECT_TRUE(phone_reason) << out.DebugString();
  req.set_min_score(2);
  auto bad = rpc::ClientContextWithDeadline(absl::Seconds(5));
  EXPECT_EQ(stub->FindDuplicateCandidates(bad.get(), req, &out).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
  (void)c;
}

TEST_F(FlowTest, DuplicateScanFindsThePairsAcrossTheDataSet) {
  auto pharmacy = [&](const std::string& rid, const std::string& name, const std::string& province,
                      const std::string& phone) {
    return Register(rid, absl::StrCat(R"({"kind":"CUSTOMER_KIND_PHARMACY","name":")", name,
                                      R"(","province":")", province, R"(","phone":")", phone, R"("})"));
  };
  std::string a = pharmacy("scan-a", "兰州惠仁堂大药房", "甘肃省", "0931-88880001");
  std::string b = pharmacy("scan-b", "兰州惠仁堂 大药房", "甘肃省", "0931 8888 0001");  // Same store.
  std::string c = pharmacy("scan-c", "众友健康大药房", "甘肃省", "0931-77770002");     // Another.
  // The same name in another province is left out by the filter.
  std::string d = pharmacy("scan-d", "兰州惠仁堂大药房", "宁夏回族自治区", "0951-66660003");
  std::string e = Register("scan-e", R"({"kind":"CUSTOMER_KIND_HOSPITAL","name":"兰州惠仁堂大药房",)"
                                     R"("province":"甘肃省","phone":"0931-88880001"})");  // Another kind.
  ASSERT_FALSE(a.empty() || b.empty() || c.empty() || d.empty() || e.empty());

  http::Response r =
      Http("GET", "/api/v1/duplicates?kind=CUSTOMER_KIND_PHARMACY&province=%E7%94%98%E8%82%83%E7%9C%81&min_score=0.6&limit=10");
  ASSERT_EQ(r.status, 200) << r.body;
  v1::ScanDuplicatesResponse scan;
  ASSERT_TRUE(JsonStringToMessage(r.body, &scan).ok()) << r.body;
  ASSERT_EQ(scan.pairs_size(), 1) << r.body;
  EXPECT_EQ(scan.pairs(0).first_id(), std::min(a, b));
  EXPECT_EQ(scan.pairs(0).second_id(), std::max(a, b));
  EXPECT_EQ(scan.pairs(0).kind(), v1::CUSTOMER_KIND_PHARMACY);
  EXPECT_GE(scan.pairs(0).score(), 0.6);
  bool name_reason = false, phone_reason = false;
  for (const auto& reason : scan.pairs(0).reasons()) {
    name_reason |= reason.signal() == "name";
    phone_reason |= reason.signal() == "phone" && reason.score() == 1;
  }
  EXPECT_TRUE(name_reason && phone_reason) << r.body;
  EXPECT_EQ(scan.records_scanned(), 3);
  EXPECT_EQ(scan.pairs_found(), 1);
  EXPECT_GE(scan.comparisons(), 1);
  EXPECT_FALSE(scan.truncated());

  // Over gRPC, without filters: the pair is there, and the other kind and
  // province are never paired with it.
  auto stub = CustomerMasterClient(*suite_);
  v1::ScanDuplicatesRequest req;
  req.set_limit(10000);
  v1::ScanDuplicatesResponse all;
  auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(30));
  grpc::Status scanned = stub->ScanDuplicates(ctx.get(), req, &all);
  ASSERT_TRUE(scanned.ok()) << scanned.error_message();
  int with_ab = 0;
  for (const auto& p : all.pairs()) {
    std::set<std::string> ids = {p.first_id(), p.second_id()};
    with_ab += ids == std::set<std::string>{a, b};
    EXPECT_FALSE(ids.count(e) && (ids.count(a) || ids.count(b))) << p.DebugString();
  }
  EXPECT_EQ(with_ab, 1);

  // Bad input names the field.
  for (const auto& [target, field] : std::vector<std::pair<std::string, std::string>>{
           {"/api/v1/duplicates?min_score=1.5", "min_score"},
           {"/api/v1/duplicates?min_score=abc", "min_score"},
           {"/api/v1/duplicates?limit=-1", "limit"},
           {"/api/v1/duplicates?limit=10001", "limit"},
           {"/api/v1/duplicates?kind=CUSTOMER_KIND_NOPE", "kind"}}) {
    ExpectGetRefusedNaming(target, field);
  }
  req.set_kind(static_cast<v1::CustomerKind>(99));
  auto bad_ctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
  EXPECT_EQ(stub->ScanDuplicates(bad_ctx.get(), req, &all).error_code(),
            grpc::StatusCode::INVALID_ARGUMENT);
}

// A merge of distributors keeps parent and branches agreeing: it is
// refused, naming the field and changing nothing, when the merged record
// would be its own parent or branch, or would have a parent other than a
// distributor that lists one of the merged records among its branches.
TEST_F(FlowTest, AMergeOfDistributorsKeepsParentAndBranchesAgreeing) {
  auto distributor = [&](const std::string& request_id, const std::string& name,
                         const std::string& details) {
    return Register(
        request_id,
        absl::StrCat(R"({"kind":"CUSTOMER_KIND_DISTRIBUTOR","name":")", name, R"(")",
                     details.empty() ? "" : absl::StrCat(R"(,"distributor":)", details), "}"));
  };
  auto merge = [&](const std::string& request_id, const std::string& survivor,
                   const std::string& merged) {
    return Http("POST", absl::StrCat("/api/v1/customers/", survivor, "/merge"),
                absl::StrCat(R"({"request_id":")", request_id, R"(","merged_ids":[")", merged,
                             R"("],"reason":"同一经销商"})"));
  };
  auto expect_refused = [&](const http::Response& r, const std::string& field,
                            const std::string& names) {
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(r.body.find("FAILED_PRECONDITION"), std::string::npos) << r.body;
    EXPECT_NE(r.body.find(absl::StrCat(R"("field":")", field, R"(")")), std::string::npos)
        << r.body;
    EXPECT_NE(r.body.find(names), std::string::npos) << r.body;
  };

  // The survivor's parent is one group; another group lists the duplicate
  // among its branches. Survivor first, the merged record's parent would be
  // the first group while the second's list would name it.
  std::string group_a = distributor("mdis-ga", "合并医药集团甲", "");
  std::string group_b = distributor("mdis-gb", "合并医药集团乙", "");
  std::string survivor = distributor("mdis-s", "合并医药长沙分公司",
                                     absl::StrCat(R"({"parent_id":")", group_a, R"("})"));
  std::string duplicate = distributor("mdis-m", "合并医药长沙公司", "");
  http::Response listed = Http("PATCH", "/api/v1/customers/" + group_b,
                               absl::StrCat(R"({"request_id":"mdis-gb-list","expected_version":1,)",
                                            R"("profile":{"distributor":{"branch_ids":[")",
                                            duplicate, R"("]}},"update_mask":"distributor"})"));
  ASSERT_EQ(listed.status, 200) << listed.body;
  expect_refused(merge("mdis-merge-1", survivor, duplicate), "profile.distributor.parent_id",
                 absl::StrCat("'", group_b, "' lists '", duplicate, "'"));
  EXPECT_EQ(Profile(duplicate).status(), v1::CUSTOMER_STATUS_ACTIVE);
  EXPECT_EQ(Profile(survivor).version(), 1);
  EXPECT_EQ(Profile(group_b).profile().distributor().branch_ids(0), duplicate);

  // Once the second group no longer lists it, the merge goes ahead: the
  // survivor keeps its parent.
  http::Response unlisted = Http("PATCH", "/api/v1/customers/" + group_b,
                                 R"({"request_id":"mdis-gb-unlist","expected_version":2,)"
                                 R"("profile":{"distributor":{}},"update_mask":"distributor"})");
  ASSERT_EQ(unlisted.status, 200) << unlisted.body;
  http::Response merged = merge("mdis-merge-2", survivor, duplicate);
  ASSERT_EQ(merged.status, 200) << merged.body;
  EXPECT_EQ(Profile(survivor).profile().distributor().parent_id(), group_a);
  EXPECT_EQ(Profile(duplicate).status(), v1::CUSTOMER_STATUS_MERGED);

  // A distributor merged into the one that lists it as a branch: the merged
  // record would list itself.
  std::string branch = distributor("mdis-b", "合并医药株洲分部", "");
  std::string parent = distributor("mdis-p", "合并医药湖南公司",
                                   absl::StrCat(R"({"branch_ids":[")", branch, R"("]})"));
  expect_refused(merge("mdis-merge-3", parent, branch), "profile.distributor.branch_ids[0]",
                 absl::StrCat("'", branch, "' is in this merge"));
  EXPECT_EQ(Profile(branch).status(), v1::CUSTOMER_STATUS_ACTIVE);
  // And a branch that names the other as its parent.
  std::string child =
      distributor("mdis-c", "合并医药湘潭分部", absl::StrCat(R"({"parent_id":")", parent, R"("})"));
  expect_refused(merge("mdis-merge-4", child, parent), "profile.distributor.parent_id",
                 absl::StrCat("'", parent, "' is in this merge"));
  EXPECT_EQ(Profile(parent).status(), v1::CUSTOMER_STATUS_ACTIVE);
  EXPECT_EQ(Profile(child).version(), 1);
}

// A scan answer that would be longer than the largest gRPC message is cut
// to fit, best pairs first, and says so (before, the call failed).
TEST_F(FlowTest, AScanAnswerLongerThanAGrpcMessageIsCutToFitBestFirst) {
  std::string hospital = RegisterHospital("scan-cut");
  // Sixteen namesakes: 120 pairs, far more than the message holds.
  for (int i = 0; i < 16; ++i) {
    Register(absl::StrCat("scan-cut-d", i),
             absl::StrCat(R"({"kind":"CUSTOMER_KIND_DOCTOR","name":"裁剪测试医生",)",
                          R"("department":"心内科","hospital_id":")", hospital, R"("})"));
  }
  constexpr int kSmallMessage = 8192;  // Room for a few pairs only.
  ASSERT_TRUE(suite_->process("customer-master").Terminate(absl::Seconds(10)).ok());
  ASSERT_TRUE(
      suite_->StartService("customer-master", {absl::StrCat("--max_message_bytes=", kSmallMessage)})
          .ok());
  auto stub = CustomerMasterClient(*suite_);
  v1::ScanDuplicatesRequest req;
  req.set_kind(v1::CUSTOMER_KIND_DOCTOR);
  req.set_limit(10000);
  v1::ScanDuplicatesResponse cut;
  auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(30));
  grpc::Status scanned = stub->ScanDuplicates(ctx.get(), req, &cut);
  ASSERT_TRUE(scanned.ok()) << scanned.error_message();
  EXPECT_TRUE(cut.cut_to_message_size());
  EXPECT_TRUE(cut.truncated());
  EXPECT_GE(cut.pairs_found(), 120);
  EXPECT_GE(cut.pairs_size(), 1);
  EXPECT_LT(cut.pairs_size(), cut.pairs_found());
  EXPECT_LE(cut.ByteSizeLong(), static_cast<size_t>(kSmallMessage));
  for (int i = 1; i < cut.pairs_size(); ++i) {
    EXPECT_GE(cut.pairs(i - 1).score(), cut.pairs(i).score());
  }

  // With the default limit, as started by the suite: it all fits.
  ASSERT_TRUE(suite_->process("customer-master").Terminate(absl::Seconds(10)).ok());
  ASSERT_TRUE(suite_->StartService("customer-master").ok());
  stub = CustomerMasterClient(*suite_);
  v1::ScanDuplicatesResponse whole;
  req.set_limit(100);
  auto again = rpc::ClientContextWithDeadline(absl::Seconds(30));
  scanned = stub->ScanDuplicates(again.get(), req, &whole);
  ASSERT_TRUE(scanned.ok()) << scanned.error_message();
  EXPECT_FALSE(whole.cut_to_message_size());
  EXPECT_EQ(whole.pairs_size(), std::min<int64_t>(100, whole.pairs_found()));
}

// A merge re-points what named the merged customer at the survivor (a
// doctor's hospital, a contact's pharmacy...), each with a new version and
// ProfileChanged; the unmerge points it back.
TEST_F(FlowTest, AMergeRepointsReferencesToTheSurvivorAndTheUnmergePointsThemBack) {
  std::string kept =
      Register("repoint-h1", R"({"kind":"CUSTOMER_KIND_HOSPITAL","name":"湘雅重点医院",)"
                             R"("province":"湖南省","city":"长沙市"})");
  std::string dupe =
      Register("repoint-h2", R"({"kind":"CUSTOMER_KIND_HOSPITAL","name":"湘雅重点医院本部",)"
                             R"("province":"湖南省","city":"长沙市"})");
  std::string doctor = Register(
      "repoint-d", absl::StrCat(R"({"kind":"CUSTOMER_KIND_DOCTOR","name":"重点医生",)",
                                R"("department":"心内科","hospital_id":")", dupe, R"("})"));
  // The hospital names the doctor as a department head: not re-pointed (it
  // names the doctor, not the merged hospital).
  std::string other =
      Register("repoint-o", absl::StrCat(R"({"kind":"CUSTOMER_KIND_DOCTOR","name":"其他医生",)",
                                         R"("hospital_id":")", kept, R"("})"));
  // Who names a customer: the hospital's doctors, with the field.
  auto referring = [&](const std::string& id) {
    v1::ListReferringCustomersResponse r;
    http::Response got = Http("GET", absl::StrCat("/api/v1/customers/", id, "/referring"));
    EXPECT_EQ(got.status, 200) << got.body;
    EXPECT_TRUE(JsonStringToMessage(got.body, &r).ok()) << got.body;
    std::vector<std::string> out;
    for (const auto& c : r.customers()) {
      out.push_back(absl::StrCat(c.customer().id(), " ", absl::StrJoin(c.fields(), ",")));
    }
    return out;
  };
  EXPECT_EQ(referring(dupe), std::vector<std::string>{doctor + " profile.hospital_id"});
  EXPECT_EQ(referring(kept), std::vector<std::string>{other + " profile.hospital_id"});
  EXPECT_EQ(Http("GET", "/api/v1/customers/no-such-id/referring").status, 404);
  http::Response bad_limit =
      Http("GET", absl::StrCat("/api/v1/customers/", kept, "/referring?limit=5000"));
  EXPECT_EQ(bad_limit.status, 400);
  EXPECT_NE(bad_limit.body.find(R"("field":"limit")"), std::string::npos) << bad_limit.body;

  http::Response merged = Http("POST", absl::StrCat("/api/v1/customers/", kept, "/merge"),
                               absl::StrCat(R"({"request_id":"repoint-merge","merged_ids":[")",
                                            dupe, R"("],"reason":"同一医院"})"));
  ASSERT_EQ(merged.status, 200) << merged.body;
  v1::Customer moved = Profile(doctor);
  EXPECT_EQ(moved.profile().hospital_id(), kept);
  EXPECT_EQ(moved.version(), 2);
  EXPECT_EQ(Profile(other).version(), 1);  // Named the survivor already: untouched.
  EXPECT_EQ(referring(dupe), std::vector<std::string>{});
  std::vector<std::string> at_kept = referring(kept);
  std::sort(at_kept.begin(), at_kept.end());
  std::vector<std::string> expected = {doctor + " profile.hospital_id",
                                       other + " profile.hospital_id"};
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(at_kept, expected);
  v1::CustomerHistory history;
  ASSERT_TRUE(
      JsonStringToMessage(Http("GET", absl::StrCat("/api/v1/customers/", doctor, "/history")).body,
                          &history)
          .ok());
  ASSERT_EQ(history.versions_size(), 2);
  const v1::CustomerVersion& v2 = history.versions(1);
  EXPECT_NE(v2.reason().find("was merged into"), std::string::npos) << v2.reason();
  ASSERT_EQ(v2.changes_size(), 1);
  EXPECT_EQ(v2.changes(0).field(), "hospital_id");
  EXPECT_EQ(v2.changes(0).old_value(), dupe);
  EXPECT_EQ(v2.changes(0).new_value(), kept);
  EXPECT_TRUE(SeenOnTopic("pharmacrm.customer.events.v1", [&](const v1::EventEnvelope& e) {
    v1::ProfileChanged changed;
    return e.customer_id() == doctor && e.payload().UnpackTo(&changed) &&
           changed.customer().profile().hospital_id() == kept;
  }));
  // A new doctor naming the merged hospital is refused (FAILED_PRECONDITION
  // is 400 at the gateway), naming the field.
  http::Response refused = Http(
      "POST", "/api/v1/customers",
      absl::StrCat(
          R"({"request_id":"repoint-late","profile":{"kind":"CUSTOMER_KIND_DOCTOR","name":"迟到医生","hospital_id":")",
          dupe, R"("}})"));
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_NE(refused.body.find("is inactive or merged"), std::string::npos) << refused.body;

  http::Response unmerged = Http("POST", absl::StrCat("/api/v1/customers/", kept, "/unmerge"),
                                 absl::StrCat(R"({"request_id":"repoint-unmerge","merged_id":")",
                                              dupe, R"(","reason":"两家医院"})"));
  ASSERT_EQ(unmerged.status, 200) << unmerged.body;
  v1::Customer back = Profile(doctor);
  EXPECT_EQ(back.profile().hospital_id(), dupe);
  EXPECT_EQ(back.version(), 3);
  EXPECT_EQ(Profile(other).profile().hospital_id(), kept);
}

// A data folder written before customer-master kept referrer keys: they
// are built at start, so a merge still re-points what named the merged one.
TEST_F(FlowTest, ReferrerKeysOfAnOlderDataFolderAreBuiltAtStart) {
  std::string kept =
      Register("backfill-h1", R"({"kind":"CUSTOMER_KIND_HOSPITAL","name":"回填测试医院",)"
                              R"("province":"湖南省"})");
  std::string dupe =
      Register("backfill-h2", R"({"kind":"CUSTOMER_KIND_HOSPITAL","name":"回填测试医院本院",)"
                              R"("province":"湖南省"})");
  std::string doctor =
      Register("backfill-d", absl::StrCat(R"({"kind":"CUSTOMER_KIND_DOCTOR","name":"回填医生",)",
                                          R"("hospital_id":")", dupe, R"("})"));
  // Stopped, its referrer keys and their marker removed, started again.
  ASSERT_TRUE(suite_->process("customer-master").Terminate(absl::Seconds(10)).ok());
  std::string data_dir;
  for (const std::string& arg : suite_->Args("customer-master")) {
    if (absl::StartsWith(arg, "--data_dir="))
      data_dir = arg.substr(std::string("--data_dir=").size());
  }
  ASSERT_FALSE(data_dir.empty());
  {
    auto store = store::Store::Open({data_dir, /*sync_writes=*/true});
    ASSERT_TRUE(store.ok()) << store.status();
    store::Batch batch;
    int removed = 0;
    for (uint8_t space : {customer_master::kReferrer, customer_master::kReferrersBuilt}) {
      ASSERT_TRUE((*store)
                      ->ScanPrefix(store::Family::kState, store::KeyBuilder(space).key(),
                                   [&](absl::string_view key, absl::string_view) {
                                     batch.Delete(store::Family::kState, key);
                                     ++removed;
                                     return true;
                                   })
                      .ok());
    }
    EXPECT_GE(removed, 2);  // The doctor's key and the marker at least.
    ASSERT_TRUE((*store)->Write(std::move(batch)).ok());
  }
  ASSERT_TRUE(suite_->StartService("customer-master").ok());

  http::Response merged;
  ASSERT_TRUE(WaitUntil([&] {
    merged = Http("POST", absl::StrCat("/api/v1/customers/", kept, "/merge"),
                  absl::StrCat(R"({"request_id":"backfill-merge","merged_ids":[")", dupe,
                               R"("],"reason":"同一医院"})"));
    return merged.status == 200;
  })) << merged.body;
  v1::Customer moved;
  ASSERT_TRUE(JsonStringToMessage(
                  Http("GET", absl::StrCat("/api/v1/customers/", doctor, "/profile")).body, &moved)
                  .ok());
  EXPECT_EQ(moved.profile().hospital_id(), kept);
}

TEST_F(FlowTest, MergeMakesAGoldenRecordWithLineageAndUnmergeUndoesIt) {
  std::string survivor = Register("merge-s", R"({"kind":"CUSTOMER_KIND_PHARMACY","name":"老百姓大药房（芙蓉店）",)"
                                             R"("address":"湖南省长沙市芙蓉区五一大道8号"})");
  std::string dupe = Register("merge-d", R"({"kind":"CUSTOMER_KIND_PHARMACY","name":"老百姓大药房芙蓉店",)"
                                         R"("phone":"0731-84440000"})");
  ASSERT_TRUE(WaitUntil([&] {
    http::Response c = Http("GET", absl::StrCat("/api/v1/customers/", survivor, "/duplicates?min_score=0.3"));
    return c.status == 200 && c.body.find(dupe) != std::string::npos;
  }));

  http::Response merged = Http("POST", absl::StrCat("/api/v1/customers/", survivor, "/merge"),
                               absl::StrCat(R"({"request_id":"merge-1","merged_ids":[")", dupe,
                                            R"("],"reason":"同一门店"})"));
  ASSERT_EQ(merged.status, 200) << merged.body;
  v1::Customer golden;
  ASSERT_TRUE(JsonStringToMessage(merged.body, &golden).ok());
  EXPECT_EQ(golden.profile().name(), "老百姓大药房(芙蓉店)");  // The survivor's own (normalised) value.
  EXPECT_EQ(golden.profile().phone(), "0731-84440000");          // Filled from the duplicate.
  ASSERT_EQ(golden.merged_from_size(), 1);
  v1::CustomerHistory history;
  ASSERT_TRUE(JsonStringToMessage(Http("GET", absl::StrCat("/api/v1/customers/", survivor, "/history")).body,
                                  &history).ok());
  EXPECT_EQ(history.versions(history.versions_size() - 1).field_sources().at("phone"), dupe);
  v1::Customer gone;
  ASSERT_TRUE(JsonStringToMessage(Http("GET", absl::StrCat("/api/v1/customers/", dupe, "/profile")).body,
                                  &gone).ok());
  EXPECT_EQ(gone.status(), v1::CUSTOMER_STATUS_MERGED);
  EXPECT_EQ(gone.merged_into(), survivor);
  // Merging it again, or merging a doctor into a pharmacy, is refused.
  EXPECT_EQ(Http("POST", absl::StrCat("/api/v1/customers/", survivor, "/merge"),
                 absl::StrCat(R"({"request_id":"merge-2","merged_ids":[")", dupe, R"("],"reason":"x"})"))
                .status,
            400);
  EXPECT_TRUE(SeenOnTopic("pharmacrm.customer.events.v1", [&](const v1::EventEnvelope& e) {
    v1::CustomersMerged m;
    return e.customer_id() == survivor && e.payload().UnpackTo(&m) && m.merged_ids_size() == 1 &&
           m.merged_ids(0) == dupe;
  }));

  http::Response unmerged = Http("POST", absl::StrCat("/api/v1/customers/", survivor, "/unmerge"),
                                 absl::StrCat(R"({"request_id":"unmerge-1","merged_id":")", dupe,
                                              R"(","reason":"不同门店"})"));
  ASSERT_EQ(unmerged.status, 200) << unmerged.body;
  v1::Customer after;
  ASSERT_TRUE(JsonStringToMessage(unmerged.body, &after).ok());
  EXPECT_EQ(after.profile().phone(), "");  // The value that came from the duplicate is gone.
  EXPECT_EQ(after.merged_from_size(), 0);
  v1::Customer restored;
  ASSERT_TRUE(JsonStringToMessage(Http("GET", absl::StrCat("/api/v1/customers/", dupe, "/profile")).body,
                                  &restored).ok());
  EXPECT_EQ(restored.status(), v1::CUSTOMER_STATUS_ACTIVE);
  EXPECT_EQ(restored.profile().phone(), "0731-84440000");
  EXPECT_TRUE(SeenOnTopic("pharmacrm.customer.events.v1", [&](const v1::EventEnvelope& e) {
    v1::CustomersUnmerged u;
    return e.customer_id() == survivor && e.payload().UnpackTo(&u) && u.restored().id() == dupe;
  }));
}

TEST_F(FlowTest, EveryServiceFollowsAMergeAndAnUnmerge) {
  std::string hospital = RegisterHospital("rekey");
  std::string kept = RegisterDoctor("rekey-kept", hospital);
  std::string dupe = RegisterDoctor("rekey-dupe", hospital);
  ASSERT_EQ(LogVisitWhenKnown("visit-rekey-1", kept), 201);
  ASSERT_EQ(LogVisitWhenKnown("visit-rekey-2", dupe), 201);
  v1::Customer360 view;
  for (const std::string& id : {kept, dupe}) {
    ASSERT_TRUE(WaitUntil([&] {
      view = Get360(id);
      return view.complete() && view.audience().visits() == 1 && view.value().visit_count() == 1 &&
             !view.contact_card().last_field_rep_id().empty();
    })) << view.DebugString();
  }

  ASSERT_EQ(Http("POST", absl::StrCat("/api/v1/customers/", kept, "/merge"),
                 absl::StrCat(R"({"request_id":"merge-rekey","merged_ids":[")", dupe,
                              R"("],"reason":"同一医生"})"))
                .status,
            200);
  // Every read model now answers for the survivor with both visits, asked
  // by either id.
  auto whole_group = [&](const v1::Customer360& v) {
    return v.complete() && v.customer().id() == kept && v.activity().visit_count() == 2 &&
           v.audience().visits() == 2 && v.value().visit_count() == 2 &&
           v.activity().merged_ids_size() == 1 && v.audience().merged_ids_size() == 1 &&
           v.contact_card().merged_ids_size() == 1 && v.value().merged_ids_size() == 1;
  };
  ASSERT_TRUE(WaitUntil([&] { return whole_group(view = Get360(kept)); })) << view.DebugString();
  EXPECT_EQ(view.activity().merged_ids(0), dupe);
  EXPECT_EQ(view.audience().customer_id(), kept);
  EXPECT_EQ(view.requested_id(), "");
  view = Get360(dupe);
  EXPECT_TRUE(whole_group(view)) << view.DebugString();
  EXPECT_EQ(view.requested_id(), dupe);

  // A visit logged against the merged id counts for the survivor.
  http::Response late = Http("POST", "/api/v1/visits",
                             absl::StrCat(R"({"request_id":"visit-rekey-3","customer_id":")", dupe,
                                          R"(","rep_id":"rep-2"})"));
  ASSERT_EQ(late.status, 201) << late.body;
  v1::Visit visit;
  ASSERT_TRUE(JsonStringToMessage(late.body, &visit).ok());
  EXPECT_EQ(visit.customer_id(), kept);
  ASSERT_TRUE(WaitUntil([&] {
    view = Get360(kept);
    return view.activity().visit_count() == 3 && view.value().visit_count() == 3 &&
           view.audience().visits() == 3 && view.contact_card().last_field_rep_id() == "rep-2";
  })) << view.DebugString();

  // Unmerged, the restored doctor has its own entries back as they were.
  ASSERT_EQ(Http("POST", absl::StrCat("/api/v1/customers/", kept, "/unmerge"),
                 absl::StrCat(R"({"request_id":"unmerge-rekey","merged_id":")", dupe,
                              R"(","reason":"不同的医生"})"))
                .status,
            200);
  ASSERT_TRUE(WaitUntil([&] {
    view = Get360(dupe);
    return view.complete() && view.customer().id() == dupe && view.activity().customer_id() == dupe &&
           view.activity().visit_count() == 1 && view.audience().visits() == 1 &&
           view.value().visit_count() == 1 && view.activity().merged_ids_size() == 0;
  })) << view.DebugString();
  EXPECT_EQ(view.requested_id(), "");
  view = Get360(kept);
  EXPECT_EQ(view.activity().visit_count(), 2);
  EXPECT_EQ(view.activity().merged_ids_size(), 0);
}

}  // namespace
}  // namespace pharmacrm::itest
