// FlowTest case of references between customers: resolved on import,
// checked on register and update, distributors' parents and branches kept
// agreeing.
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "flow/flow_fixture.h"
#include "gtest/gtest.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"
#include "support/import_stream.h"

namespace pharmacrm::itest {
namespace {

// References between customers (a contact's pharmacy, a distributor's
// parent and branches, ...): an import resolves external ids of earlier rows
// or earlier imports to customer ids and rejects rows whose references name
// nothing fitting, each reference named; register and update check them.
TEST_F(FlowTest, ReferencesBetweenCustomersAreResolvedOnImportAndCheckedOnRegisterAndUpdate) {
  auto stub = CustomerMasterClient(*suite_);
  const std::string file =
      R"({"external_id":"REF-PHA-1","profile":{"kind":"CUSTOMER_KIND_PHARMACY","name":"引用测试大药房","province":"湖南省","city":"长沙市"}})"
      "\n"
      R"({"external_id":"REF-CON-1","profile":{"kind":"CUSTOMER_KIND_CONTACT","name":"引用店员甲","contact":{"pharmacy_id":"REF-PHA-1"}}})"
      "\n"
      R"({"external_id":"REF-CON-2","profile":{"kind":"CUSTOMER_KIND_CONTACT","name":"引用店员乙","contact":{"pharmacy_id":"REF-PHA-404"}}})"
      "\n"
      R"({"external_id":"REF-DIS-B","profile":{"kind":"CUSTOMER_KIND_DISTRIBUTOR","name":"引用医药分公司"}})"
      "\n"
      R"({"external_id":"REF-DIS-P","profile":{"kind":"CUSTOMER_KIND_DISTRIBUTOR","name":"引用医药集团","distributor":{"branch_ids":["REF-DIS-B"]}}})"
      "\n"
      R"({"external_id":"REF-DIS-X","profile":{"kind":"CUSTOMER_KIND_DISTRIBUTOR","name":"引用医药错误","distributor":{"parent_id":"REF-PHA-1","branch_ids":["REF-DIS-B","REF-NONE"]}}})"
      "\n"
      R"({"external_id":"REF-DIS-C","profile":{"kind":"CUSTOMER_KIND_DISTRIBUTOR","name":"引用医药子公司","distributor":{"parent_id":"REF-DIS-P"}}})"
      "\n"
      R"({"external_id":"REF-DIS-Y","profile":{"kind":"CUSTOMER_KIND_DISTRIBUTOR","name":"引用医药争夺","distributor":{"branch_ids":["REF-DIS-C"]}}})"
      "\n"
      R"({"external_id":"REF-DIS-Z","profile":{"kind":"CUSTOMER_KIND_DISTRIBUTOR","name":"引用医药双向","distributor":{"parent_id":"REF-DIS-B","branch_ids":["REF-DIS-B"]}}})"
      "\n";
  const ImportRowCounts before = ImportRows("pharmacrm_import_rows_total");
  ImportResult imported =
      StreamImport(*stub, "references-import", v1::IMPORT_FORMAT_JSON_LINES, file, file.size());
  ASSERT_TRUE(imported.all_written);
  ASSERT_TRUE(imported.status.ok()) << imported.status.error_message();
  const v1::ImportProgress& summary = imported.summary;
  EXPECT_EQ(summary.accepted(), 5);
  EXPECT_EQ(summary.rejected(), 4);
  // The import's rows are counted on customer-master's /metrics by outcome,
  // and no import is running any more.
  const ImportRowCounts after = ImportRows("pharmacrm_import_rows_total");
  EXPECT_EQ(after.accepted - before.accepted, 5);
  EXPECT_EQ(after.rejected - before.rejected, 4);
  EXPECT_EQ(after.duplicates - before.duplicates, 0);
  EXPECT_EQ(Metric("customer-master", "pharmacrm_imports_running"), 0);
  std::vector<std::string> errors;
  for (const auto& e : summary.errors()) {
    errors.push_back(absl::StrCat(e.line(), " ", e.field(), ": ", e.reason()));
  }
  EXPECT_EQ(errors, (std::vector<std::string>{
                        "3 profile.contact.pharmacy_id: no customer with id or external_id "
                        "'REF-PHA-404' (must be a pharmacy)",
                        "6 profile.distributor.parent_id: 'REF-PHA-1' is a pharmacy, not a "
                        "distributor",
                        "6 profile.distributor.branch_ids[1]: no customer with id or external_id "
                        "'REF-NONE' (must be a distributor)",
                        absl::StrCat("8 profile.distributor.branch_ids[0]: 'REF-DIS-C' has another "
                                     "parent, '",
                                     summary.imported_ids().at("REF-DIS-P"),
                                     "' (its profile.distributor.parent_id)"),
                        "9 profile.distributor.branch_ids[0]: 'REF-DIS-B' is also its parent_id"}));
  const auto& ids = summary.imported_ids();
  auto get = [&](const std::string& id) {
    v1::GetCustomerRequest req;
    req.set_customer_id(id);
    v1::Customer c;
    auto gctx = rpc::ClientContextWithDeadline(absl::Seconds(5));
    EXPECT_TRUE(stub->GetCustomer(gctx.get(), req, &c).ok()) << id;
    return c;
  };
  EXPECT_EQ(get(ids.at("REF-CON-1")).profile().contact().pharmacy_id(), ids.at("REF-PHA-1"));
  EXPECT_EQ(get(ids.at("REF-DIS-P")).profile().distributor().branch_ids(0), ids.at("REF-DIS-B"));

  // Register: an unknown id is 404, a customer of the wrong kind 400, both
  // naming the field; nothing is registered.
  http::Response unknown = Http(
      "POST", "/api/v1/customers",
      R"({"request_id":"ref-reg-1","profile":{"kind":"CUSTOMER_KIND_CONTACT","name":"引用店员丙","contact":{"pharmacy_id":"no-such-id"}}})");
  EXPECT_EQ(unknown.status, 404) << unknown.body;
  EXPECT_NE(unknown.body.find(R"("field":"profile.contact.pharmacy_id")"), std::string::npos)
      << unknown.body;
  http::Response wrong = Http(
      "POST", "/api/v1/customers",
      absl::StrCat(
          R"({"request_id":"ref-reg-2","profile":{"kind":"CUSTOMER_KIND_PATIENT","name":"引用患者","patient":{"treating_doctor_id":")",
          ids.at("REF-CON-1"), R"("}}})"));
  EXPECT_EQ(wrong.status, 400) << wrong.body;
  EXPECT_NE(wrong.body.find(R"("field":"profile.patient.treating_doctor_id")"), std::string::npos)
      << wrong.body;
  EXPECT_NE(wrong.body.find("is a contact, not a doctor"), std::string::npos) << wrong.body;
  // Update: a distributor cannot be its own parent; a valid parent is taken.
  const std::string branch = ids.at("REF-DIS-B");
  http::Response self = Http(
      "PATCH", "/api/v1/customers/" + branch,
      absl::StrCat(
          R"({"request_id":"ref-upd-1","expected_version":1,"profile":{"distributor":{"parent_id":")",
          branch, R"("}},"update_mask":"distributor"})"));
  EXPECT_EQ(self.status, 400) << self.body;
  EXPECT_NE(self.body.find(R"("field":"profile.distributor.parent_id")"), std::string::npos)
      << self.body;
  http::Response parent = Http(
      "PATCH", "/api/v1/customers/" + branch,
      absl::StrCat(
          R"({"request_id":"ref-upd-2","expected_version":1,"profile":{"distributor":{"parent_id":")",
          ids.at("REF-DIS-P"), R"("}},"update_mask":"distributor"})"));
  EXPECT_EQ(parent.status, 200) << parent.body;
  EXPECT_EQ(get(branch).profile().distributor().parent_id(), ids.at("REF-DIS-P"));
  // The parent under its branch now: a loop, refused naming the field.
  http::Response loop = Http(
      "PATCH", "/api/v1/customers/" + ids.at("REF-DIS-P"),
      absl::StrCat(
          R"({"request_id":"ref-upd-3","expected_version":1,"profile":{"distributor":{"parent_id":")",
          branch, R"("}},"update_mask":"distributor"})"));
  EXPECT_EQ(loop.status, 400) << loop.body;
  EXPECT_NE(loop.body.find(R"("field":"profile.distributor.parent_id")"), std::string::npos)
      << loop.body;
  EXPECT_NE(loop.body.find("would loop"), std::string::npos) << loop.body;
  EXPECT_EQ(get(ids.at("REF-DIS-P")).version(), 1);

  // A distributor's branches and the branches' parents must agree: a branch
  // with another parent, a parent that lists the customer among its
  // branches while another does, and a branch that is also the parent are
  // refused, each naming the field; nothing is written.
  const std::string group = ids.at("REF-DIS-P");
  auto reg = [&](const std::string& request_id, const std::string& profile) {
    return Http("POST", "/api/v1/customers",
                absl::StrCat(R"({"request_id":")", request_id, R"(","profile":)", profile, "}"));
  };
  auto set_parent = [&](const std::string& request_id, const std::string& id, int64_t version,
                        const std::string& parent_id) {
    return Http("PATCH", "/api/v1/customers/" + id,
                absl::StrCat(R"({"request_id":")", request_id, R"(","expected_version":)", version,
                             R"(,"profile":{"distributor":{"parent_id":")", parent_id,
                             R"("}},"update_mask":"distributor"})"));
  };
  http::Response rival = reg(
      "ref-agree-1", absl::StrCat(R"({"kind":"CUSTOMER_KIND_DISTRIBUTOR","name":"引用医药对手",)",
                                  R"("distributor":{"branch_ids":[")", branch, R"("]}})"));
  EXPECT_EQ(rival.status, 400) << rival.body;
  EXPECT_NE(rival.body.find("FAILED_PRECONDITION"), std::string::npos) << rival.body;
  EXPECT_NE(rival.body.find(R"("field":"profile.distributor.branch_ids[0]")"), std::string::npos)
      << rival.body;
  EXPECT_NE(rival.body.find(absl::StrCat("has another parent, '", group, "'")), std::string::npos)
      << rival.body;
  http::Response made =
      reg("ref-agree-2", R"({"kind":"CUSTOMER_KIND_DISTRIBUTOR","name":"引用医药新分部"})");
  ASSERT_EQ(made.status, 201) << made.body;
  v1::Customer fresh;
  ASSERT_TRUE(JsonStringToMessage(made.body, &fresh).ok());
  http::Response region = reg(
      "ref-agree-3", absl::StrCat(R"({"kind":"CUSTOMER_KIND_DISTRIBUTOR","name":"引用医药区域",)",
                                  R"("distributor":{"branch_ids":[")", fresh.id(), R"("]}})"));
  ASSERT_EQ(region.status, 201) << region.body;  // The branch has no parent yet: agrees.
  v1::Customer regional;
  ASSERT_TRUE(JsonStringToMessage(region.body, &regional).ok());
  http::Response other_parent = set_parent("ref-agree-4", fresh.id(), 1, group);
  EXPECT_EQ(other_parent.status, 400) << other_parent.body;
  EXPECT_NE(other_parent.body.find("FAILED_PRECONDITION"), std::string::npos) << other_parent.body;
  EXPECT_NE(other_parent.body.find(R"("field":"profile.distributor.parent_id")"), std::string::npos)
      << other_parent.body;
  EXPECT_NE(other_parent.body.find(regional.id()), std::string::npos) << other_parent.body;
  EXPECT_EQ(get(fresh.id()).version(), 1);
  http::Response agreed = set_parent("ref-agree-5", fresh.id(), 1, regional.id());
  EXPECT_EQ(agreed.status, 200) << agreed.body;  // The one that lists it.
  http::Response both = reg(
      "ref-agree-6", absl::StrCat(R"({"kind":"CUSTOMER_KIND_DISTRIBUTOR","name":"引用医药双向",)",
                                  R"("distributor":{"parent_id":")", regional.id(),
                                  R"(","branch_ids":[")", regional.id(), R"("]}})"));
  EXPECT_EQ(both.status, 400) << both.body;
  EXPECT_NE(both.body.find("INVALID_ARGUMENT"), std::string::npos) << both.body;
  EXPECT_NE(both.body.find(R"("field":"profile.distributor.branch_ids[0]")"), std::string::npos)
      << both.body;
  EXPECT_NE(both.body.find("is also its parent_id"), std::string::npos) << both.body;
}

}  // namespace
}  // namespace pharmacrm::itest
