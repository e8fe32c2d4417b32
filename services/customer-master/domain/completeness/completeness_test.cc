#include "domain/completeness/completeness.h"

#include <fstream>
#include <limits>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_split.h"
#include "gmock/gmock.h"
#include "google/protobuf/descriptor.h"
#include "google/protobuf/text_format.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/v1/privacy.pb.h"

#ifndef PHARMACRM_SOURCE_DIR
#error "PHARMACRM_SOURCE_DIR must be defined (services/customer-master/CMakeLists.txt)"
#endif

namespace pharmacrm::customer_master {
namespace {

using ::google::protobuf::FieldDescriptor;
using ::google::protobuf::Message;
using ::google::protobuf::Reflection;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Optional;
using ::testing::StartsWith;

// The message as a std::string: gMock's string matchers do not take
// absl::string_view where it is not std::string_view.
std::string MessageOf(const absl::Status& status) { return std::string(status.message()); }

// Rules from text, without validation (scoring must cope with any rules).
v1::CompletenessRules Rules(const std::string& text) {
  v1::CompletenessRules rules;
  EXPECT_TRUE(google::protobuf::TextFormat::ParseFromString(text, &rules)) << text;
  return rules;
}

// Rules for one kind with one recommended rule per path, weight 1.
v1::CompletenessRules OneKind(v1::CustomerKind kind, const std::vector<std::string>& paths) {
  v1::CompletenessRules rules;
  v1::KindRules* kind_rules = rules.add_kinds();
  kind_rules->set_kind(kind);
  for (const std::string& path : paths) {
    v1::FieldRule* rule = kind_rules->add_fields();
    rule->set_path(path);
    rule->set_importance(v1::IMPORTANCE_RECOMMENDED);
    rule->set_label_en(path);
    rule->set_label_zh(path);
  }
  return rules;
}

// Whether the single rule of `rules` counts as filled for `profile`.
bool Filled(const v1::CustomerProfile& profile, const v1::CompletenessRules& rules) {
  return ScoreCompleteness(profile, rules).missing().empty();
}

std::vector<std::string> MissingPaths(const v1::Completeness& completeness) {
  std::vector<std::string> paths;
  for (const v1::MissingField& field : completeness.missing()) paths.push_back(field.path());
  return paths;
}

v1::CustomerProfile Profile(v1::CustomerKind kind) {
  v1::CustomerProfile profile;
  profile.set_kind(kind);
  return profile;
}

// --- What counts as filled ---

TEST(ScoreCompleteness, StringIsFilledWhenNotBlank) {
  v1::CompletenessRules rules = OneKind(v1::CUSTOMER_KIND_HOSPITAL, {"address"});
  v1::CustomerProfile p = Profile(v1::CUSTOMER_KIND_HOSPITAL);
  EXPECT_FALSE(Filled(p, rules));
  p.set_address(" \t\n");
  EXPECT_FALSE(Filled(p, rules));
  p.set_address("\xE3\x80\x80 \xC2\xA0");  // Ideographic, ASCII and no-break spaces.
  EXPECT_FALSE(Filled(p, rules));
  p.set_address("帅府园1号");
  EXPECT_TRUE(Filled(p, rules));
}

TEST(ScoreCompleteness, NumberIsFilledWhenNotZero) {
  v1::CompletenessRules rules = OneKind(v1::CUSTOMER_KIND_HOSPITAL, {"hospital.bed_count"});
  v1::CustomerProfile p = Profile(v1::CUSTOMER_KIND_HOSPITAL);
  p.mutable_hospital()->set_bed_count(0);
  p.mutable_hospital()->set_postcode("100730");
  EXPECT_FALSE(Filled(p, rules));
  p.mutable_hospital()->set_bed_count(2000);
  EXPECT_TRUE(Filled(p, rules));

  rules = OneKind(v1::CUSTOMER_KIND_DISTRIBUTOR, {"distributor.registered_capital_fen"});
  p = Profile(v1::CUSTOMER_KIND_DISTRIBUTOR);
  p.mutable_distributor()->set_registered_capital_fen(0);
  EXPECT_FALSE(Filled(p, rules));
  p.mutable_distributor()->set_registered_capital_fen(5'000'000'000);
  EXPECT_TRUE(Filled(p, rules));

  rules = OneKind(v1::CUSTOMER_KIND_PHARMACY, {"pharmacy.floor_area_m2"});
  p = Profile(v1::CUSTOMER_KIND_PHARMACY);
  p.mutable_pharmacy()->set_floor_area_m2(0.0);
  EXPECT_FALSE(Filled(p, rules));
  p.mutable_pharmacy()->set_floor_area_m2(std::numeric_limits<double>::quiet_NaN());
  EXPECT_FALSE(Filled(p, rules));
  p.mutable_pharmacy()->set_floor_area_m2(85.5);
  EXPECT_TRUE(Filled(p, rules));
}

TEST(ScoreCompleteness, EnumIsFilledWhenNotUnspecified) {
  v1::CompletenessRules rules = OneKind(v1::CUSTOMER_KIND_HOSPITAL, {"hospital_grade"});
  v1::CustomerProfile p = Profile(v1::CUSTOMER_KIND_HOSPITAL);
  p.set_hospital_grade(v1::HOSPITAL_GRADE_UNSPECIFIED);
  EXPECT_FALSE(Filled(p, rules));
  p.set_hospital_grade(v1::HOSPITAL_GRADE_3A);
  EXPECT_TRUE(Filled(p, rules));
}

TEST(ScoreCompleteness, BoolIsFilledWhenTrue) {
  v1::CompletenessRules rules = OneKind(v1::CUSTOMER_KIND_PATIENT, {"patient.consent_to_contact"});
  v1::CustomerProfile p = Profile(v1::CUSTOMER_KIND_PATIENT);
  p.mutable_patient()->set_consent_to_contact(false);
  EXPECT_FALSE(Filled(p, rules));
  p.mutable_patient()->set_consent_to_contact(true);
  EXPECT_TRUE(Filled(p, rules));
}

TEST(ScoreCompleteness, RepeatedIsFilledWhenNotEmpty) {
  v1::CompletenessRules rules = OneKind(v1::CUSTOMER_KIND_HOSPITAL, {"hospital.departments"});
  v1::CustomerProfile p = Profile(v1::CUSTOMER_KIND_HOSPITAL);
  p.mutable_hospital()->set_bed_count(100);
  EXPECT_FALSE(Filled(p, rules));
  p.mutable_hospital()->add_departments()->set_name("心内科");
  EXPECT_TRUE(Filled(p, rules));
}

TEST(ScoreCompleteness, MessageIsFilledWhenPresentAndNotEmpty) {
  v1::CompletenessRules rules = OneKind(v1::CUSTOMER_KIND_HOSPITAL, {"hospital.bank"});
  v1::CustomerProfile p = Profile(v1::CUSTOMER_KIND_HOSPITAL);
  EXPECT_FALSE(Filled(p, rules));
  p.mutable_hospital()->mutable_bank();  // Present but empty.
  EXPECT_FALSE(Filled(p, rules));
  p.mutable_hospital()->mutable_bank()->set_bank_name("  ");
  EXPECT_FALSE(Filled(p, rules));
  p.mutable_hospital()->mutable_bank()->set_bank_name("中国工商银行");
  EXPECT_TRUE(Filled(p, rules));

  rules = OneKind(v1::CUSTOMER_KIND_DOCTOR, {"doctor"});
  p = Profile(v1::CUSTOMER_KIND_DOCTOR);
  p.mutable_doctor()->mutable_person()->set_gender(v1::GENDER_UNSPECIFIED);
  EXPECT_FALSE(Filled(p, rules));
  p.mutable_doctor()->mutable_person()->set_gender(v1::GENDER_FEMALE);
  EXPECT_TRUE(Filled(p, rules));
}

TEST(ScoreCompleteness, NestedPathThroughAbsentMessageIsNotFilled) {
  v1::CompletenessRules rules = OneKind(v1::CUSTOMER_KIND_DOCTOR, {"doctor.person.mobile"});
  v1::CustomerProfile p = Profile(v1::CUSTOMER_KIND_DOCTOR);
  EXPECT_FALSE(Filled(p, rules));
  p.mutable_doctor()->set_academic_specialty("冠心病介入");
  EXPECT_FALSE(Filled(p, rules));
  p.mutable_doctor()->mutable_person()->set_mobile("13812345678");
  EXPECT_TRUE(Filled(p, rules));
  // Details of another kind leave the doctor's details unset.
  p.mutable_hospital()->set_bed_count(10);
  EXPECT_FALSE(Filled(p, rules));
}

TEST(ScoreCompleteness, PathThatDoesNotResolveIsMissing) {
  v1::CompletenessRules rules = OneKind(v1::CUSTOMER_KIND_HOSPITAL, {"name", "hospital.beds"});
  v1::CustomerProfile p = Profile(v1::CUSTOMER_KIND_HOSPITAL);
  p.set_name("北京协和医院");
  v1::Completeness c = ScoreCompleteness(p, rules);
  EXPECT_THAT(MissingPaths(c), ElementsAre("hospital.beds"));
  EXPECT_DOUBLE_EQ(c.score(), 50.0);
}

// --- Score, required_complete, order of missing ---

TEST(ScoreCompleteness, ScoreIsTheFilledShareOfWeights) {
  v1::CompletenessRules rules = Rules(R"pb(
    kinds {
      kind: CUSTOMER_KIND_HOSPITAL
      fields { path: "name" importance: IMPORTANCE_REQUIRED weight: 3 }
      fields { path: "city" importance: IMPORTANCE_RECOMMENDED }
    }
  )pb");
  v1::CustomerProfile p = Profile(v1::CUSTOMER_KIND_HOSPITAL);
  EXPECT_DOUBLE_EQ(ScoreCompleteness(p, rules).score(), 0.0);
  p.set_name("北京协和医院");
  EXPECT_DOUBLE_EQ(ScoreCompleteness(p, rules).score(), 75.0);
  p.clear_name();
  p.set_city("北京市");
  EXPECT_DOUBLE_EQ(ScoreCompleteness(p, rules).score(), 25.0);
  p.set_name("北京协和医院");
  EXPECT_DOUBLE_EQ(ScoreCompleteness(p, rules).score(), 100.0);
}

TEST(ScoreCompleteness, ScoreIsRoundedToOneDecimal) {
  v1::CompletenessRules rules =
      OneKind(v1::CUSTOMER_KIND_HOSPITAL, {"name", "province", "city"});
  v1::CustomerProfile p = Profile(v1::CUSTOMER_KIND_HOSPITAL);
  p.set_name("北京协和医院");
  EXPECT_DOUBLE_EQ(ScoreCompleteness(p, rules).score(), 33.3);
  p.set_province("北京市");
  EXPECT_DOUBLE_EQ(ScoreCompleteness(p, rules).score(), 66.7);
}

TEST(ScoreCompleteness, RequiredCompleteIgnoresRecommendedFields) {
  v1::CompletenessRules rules = Rules(R"pb(
    kinds {
      kind: CUSTOMER_KIND_DOCTOR
      fields { path: "name" importance: IMPORTANCE_REQUIRED }
      fields { path: "doctor.person.mobile" importance: IMPORTANCE_RECOMMENDED }
    }
  )pb");
  v1::CustomerProfile p = Profile(v1::CUSTOMER_KIND_DOCTOR);
  EXPECT_FALSE(ScoreCompleteness(p, rules).required_complete());
  p.set_name("张伟");
  v1::Completeness c = ScoreCompleteness(p, rules);
  EXPECT_TRUE(c.required_complete());
  EXPECT_THAT(MissingPaths(c), ElementsAre("doctor.person.mobile"));
}

TEST(ScoreCompleteness, MissingIsRequiredFirstThenByWeightThenRuleOrder) {
  v1::CompletenessRules rules = Rules(R"pb(
    kinds {
      kind: CUSTOMER_KIND_HOSPITAL
      fields { path: "district" importance: IMPORTANCE_RECOMMENDED weight: 0.5 }
      fields { path: "hospital.website" importance: IMPORTANCE_RECOMMENDED }
      fields { path: "hospital.switchboard" importance: IMPORTANCE_RECOMMENDED weight: 2 }
      fields { path: "city" importance: IMPORTANCE_REQUIRED }
      fields { path: "hospital.postcode" importance: IMPORTANCE_RECOMMENDED weight: 1 }
      fields { path: "name" importance: IMPORTANCE_REQUIRED weight: 2 }
      fields { path: "province" importance: IMPORTANCE_REQUIRED }
    }
  )pb");
  v1::Completeness c = ScoreCompleteness(Profile(v1::CUSTOMER_KIND_HOSPITAL), rules);
  EXPECT_THAT(MissingPaths(c), ElementsAre("name", "city", "province", "hospital.switchboard",
                                           "hospital.website", "hospital.postcode", "district"));
}

TEST(ScoreCompleteness, MissingFieldCarriesTheRule) {
  v1::CompletenessRules rules = Rules(R"pb(
    kinds {
      kind: CUSTOMER_KIND_HOSPITAL
      fields {
        path: "hospital.bed_count"
        importance: IMPORTANCE_REQUIRED
        weight: 2.5
        label_en: "bed count"
        label_zh: "床位数"
      }
      fields { path: "hospital.postcode" importance: IMPORTANCE_RECOMMENDED }
    }
  )pb");
  v1::Completeness c = ScoreCompleteness(Profile(v1::CUSTOMER_KIND_HOSPITAL), rules);
  ASSERT_EQ(c.missing_size(), 2);
  EXPECT_EQ(c.missing(0).path(), "hospital.bed_count");
  EXPECT_EQ(c.missing(0).importance(), v1::IMPORTANCE_REQUIRED);
  EXPECT_EQ(c.missing(0).label_en(), "bed count");
  EXPECT_EQ(c.missing(0).label_zh(), "床位数");
  EXPECT_DOUBLE_EQ(c.missing(0).weight(), 2.5);
  EXPECT_DOUBLE_EQ(c.missing(1).weight(), 1.0);  // Absent weight counts as 1.
}

TEST(ScoreCompleteness, KindWithoutRulesScoresHundred) {
  v1::CompletenessRules rules = OneKind(v1::CUSTOMER_KIND_HOSPITAL, {"name"});
  rules.add_kinds()->set_kind(v1::CUSTOMER_KIND_PHARMACY);  // No fields.
  for (v1::CustomerKind kind : {v1::CUSTOMER_KIND_DOCTOR, v1::CUSTOMER_KIND_PHARMACY,
                                v1::CUSTOMER_KIND_UNSPECIFIED}) {
    v1::Completeness c = ScoreCompleteness(Profile(kind), rules);
    EXPECT_DOUBLE_EQ(c.score(), 100.0) << kind;
    EXPECT_TRUE(c.required_complete()) << kind;
    EXPECT_THAT(c.missing(), IsEmpty()) << kind;
  }
}

// --- Worklist ---

v1::Customer Hospital(std::string id, bool named, bool with_city, bool with_beds) {
  v1::Customer customer;
  customer.set_id(std::move(id));
  v1::CustomerProfile* p = customer.mutable_profile();
  p->set_kind(v1::CUSTOMER_KIND_HOSPITAL);
  if (named) p->set_name(absl::StrCat("医院", customer.id()));
  if (with_city) p->set_city("北京市");
  if (with_beds) p->mutable_hospital()->set_bed_count(500);
  return customer;
}

v1::CompletenessRules WorklistRules() {
  return Rules(R"pb(
    kinds {
      kind: CUSTOMER_KIND_HOSPITAL
      fields { path: "name" importance: IMPORTANCE_REQUIRED label_en: "name" label_zh: "名称" }
      fields { path: "city" importance: IMPORTANCE_RECOMMENDED weight: 2 }
      fields { path: "hospital.bed_count" importance: IMPORTANCE_RECOMMENDED }
    }
  )pb");
}

std::vector<std::string> Ids(const std::vector<v1::WorklistItem>& items) {
  std::vector<std::string> ids;
  for (const v1::WorklistItem& item : items) ids.push_back(item.customer_id());
  return ids;
}

TEST(BuildWorklist, RequiredGapsFirstThenLowestScoreThenId) {
  std::vector<v1::Customer> customers = {
      Hospital("h-5", true, false, false),   // 25.0
      Hospital("h-4", false, true, true),    // 75.0, lacks the required name.
      Hospital("h-3", true, true, false),    // 75.0
      Hospital("h-2", true, false, true),    // 50.0
      Hospital("h-1", true, true, false),    // 75.0
      Hospital("h-6", false, false, false),  // 0.0, lacks the required name.
  };
  std::vector<v1::WorklistItem> items = BuildWorklist(customers, WorklistRules(), 10);
  EXPECT_THAT(Ids(items), ElementsAre("h-6", "h-4", "h-5", "h-2", "h-1", "h-3"));
  EXPECT_FALSE(items[0].required_complete());
  EXPECT_TRUE(items[2].required_complete());
}

TEST(BuildWorklist, ItemSaysWhatToCollectNext) {
  std::vector<v1::Customer> customers = {Hospital("h-1", true, false, false)};
  std::vector<v1::WorklistItem> items = BuildWorklist(customers, WorklistRules(), 10);
  ASSERT_EQ(items.size(), 1u);
  EXPECT_EQ(items[0].customer_id(), "h-1");
  EXPECT_EQ(items[0].customer_name(), "医院h-1");
  EXPECT_EQ(items[0].kind(), v1::CUSTOMER_KIND_HOSPITAL);
  EXPECT_DOUBLE_EQ(items[0].score(), 25.0);
  ASSERT_EQ(items[0].missing_size(), 2);
  EXPECT_EQ(items[0].missing(0).path(), "city");
  EXPECT_EQ(items[0].missing(1).path(), "hospital.bed_count");
}

TEST(BuildWorklist, LeavesOutCompleteCustomersAndKindsWithoutRules) {
  v1::Customer doctor;
  doctor.set_id("d-1");
  doctor.mutable_profile()->set_kind(v1::CUSTOMER_KIND_DOCTOR);
  std::vector<v1::Customer> customers = {Hospital("h-1", true, true, true), doctor,
                                         Hospital("h-2", true, true, false)};
  EXPECT_THAT(Ids(BuildWorklist(customers, WorklistRules(), 10)), ElementsAre("h-2"));
}

TEST(BuildWorklist, KeepsAtMostLimitItems) {
  std::vector<v1::Customer> customers = {
      Hospital("h-3", true, true, false), Hospital("h-1", true, false, false),
      Hospital("h-2", false, true, true), Hospital("h-4", true, false, true)};
  EXPECT_THAT(Ids(BuildWorklist(customers, WorklistRules(), 2)), ElementsAre("h-2", "h-1"));
  EXPECT_THAT(Ids(BuildWorklist(customers, WorklistRules(), 0)), IsEmpty());
  EXPECT_THAT(BuildWorklist(customers, WorklistRules(), 100), testing::SizeIs(4));
  EXPECT_THAT(BuildWorklist({}, WorklistRules(), 10), IsEmpty());
}

// --- Parsing and validation ---

constexpr char kValidRules[] = R"pb(
  kinds {
    kind: CUSTOMER_KIND_DOCTOR
    fields {
      path: "doctor.person.mobile"
      importance: IMPORTANCE_RECOMMENDED
      label_en: "mobile"
      label_zh: "手机"
    }
  }
)pb";

TEST(ParseCompletenessRules, AcceptsValidRules) {
  absl::StatusOr<v1::CompletenessRules> rules = ParseCompletenessRules(kValidRules);
  ASSERT_TRUE(rules.ok()) << rules.status();
  ASSERT_EQ(rules->kinds_size(), 1);
  EXPECT_EQ(rules->kinds(0).fields(0).path(), "doctor.person.mobile");
  EXPECT_FALSE(rules->kinds(0).fields(0).has_weight());
}

TEST(ParseCompletenessRules, SyntaxErrorNamesTheLine) {
  absl::StatusOr<v1::CompletenessRules> rules = ParseCompletenessRules(
      "kinds {\n"
      "  kind: CUSTOMER_KIND_DOCTOR\n"
      "  fields { path: \"name\" importance: IMPORTANCE_REQUIRED\n"
      "           lable_en: \"name\" }\n"
      "}\n");
  EXPECT_EQ(rules.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(rules.status()), StartsWith("completeness rules line 4: "));
  EXPECT_THAT(MessageOf(rules.status()), HasSubstr("lable_en"));

  // The parser reports a bad enum value at the next token; the line named is
  // the value's own.
  rules = ParseCompletenessRules("kinds {\n  kind: CUSTOMER_KIND_VET\n\n}\n");
  EXPECT_THAT(MessageOf(rules.status()), StartsWith("completeness rules line 2: "));
  EXPECT_THAT(MessageOf(rules.status()), HasSubstr("CUSTOMER_KIND_VET"));

  rules = ParseCompletenessRules(
      "kinds {\n"
      "  kind: CUSTOMER_KIND_DOCTOR  # A comment.\n"
      "  fields {\n"
      "    path: \"name\"\n"
      "    path: \"city\"\n"
      "  }\n"
      "}\n");
  EXPECT_THAT(MessageOf(rules.status()), StartsWith("completeness rules line 5: "));
  EXPECT_THAT(MessageOf(rules.status()), HasSubstr("specified multiple times"));

  rules = ParseCompletenessRules("kinds {\n  kind: CUSTOMER_KIND_DOCTOR\n");
  EXPECT_THAT(MessageOf(rules.status()), StartsWith("completeness rules line "));
}

// The status of rules whose line 6 holds `rule_line` inside a doctor block.
absl::Status ParseWithRule(const std::string& rule_line) {
  return ParseCompletenessRules(absl::StrCat(
      "# Test rules.\n"
      "kinds {\n"
      "  kind: CUSTOMER_KIND_DOCTOR\n"
      "  fields { path: \"name\" importance: IMPORTANCE_REQUIRED\n"
      "           label_en: \"n\" label_zh: \"名\" }\n",
      rule_line,
      "\n"
      "}\n"))
      .status();
}

TEST(ParseCompletenessRules, UnknownPathIsRejectedNamingPathAndLine) {
  absl::Status status = ParseWithRule(
      "  fields { path: \"doctor.person.mobil\" importance: IMPORTANCE_RECOMMENDED "
      "label_en: \"m\" label_zh: \"手机\" }");
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(status),
              StartsWith("completeness rules line 6: kinds[0].fields[1].path: "));
  EXPECT_THAT(MessageOf(status), HasSubstr("\"doctor.person.mobil\""));
  EXPECT_THAT(MessageOf(status), HasSubstr("no field \"mobil\" in pharmacrm.v1.PersonDetails"));
  EXPECT_THAT(core::FieldOf(status), Optional(std::string("kinds[0].fields[1].path")));

  status = ParseWithRule(
      "  fields { path: \"nmae\" importance: IMPORTANCE_RECOMMENDED label_en: \"m\" "
      "label_zh: \"名\" }");
  EXPECT_THAT(MessageOf(status), HasSubstr("no field \"nmae\" in pharmacrm.v1.CustomerProfile"));
}

TEST(ParseCompletenessRules, PathMustStopAtScalarsAndRepeatedFields) {
  auto rule = [](absl::string_view path) {
    return absl::StrCat("  fields { path: \"", path,
                        "\" importance: IMPORTANCE_RECOMMENDED label_en: \"x\" label_zh: \"x\" }");
  };
  EXPECT_THAT(MessageOf(ParseWithRule(rule("name.first"))),
              HasSubstr("\"name\" is a string, not a message"));
  EXPECT_THAT(MessageOf(ParseWithRule(rule("doctor.person.social_roles.x"))),
              HasSubstr("\"social_roles\" is repeated"));
  EXPECT_THAT(MessageOf(ParseWithRule(rule("doctor."))), HasSubstr("empty path segment"));
  EXPECT_THAT(MessageOf(ParseWithRule(rule(""))), HasSubstr("empty path segment"));
}

TEST(ParseCompletenessRules, PathMustBeInTheDetailsOfItsKind) {
  absl::Status status = ParseWithRule(
      "  fields { path: \"hospital.bed_count\" importance: IMPORTANCE_RECOMMENDED "
      "label_en: \"b\" label_zh: \"床\" }");
  EXPECT_THAT(MessageOf(status), StartsWith("completeness rules line 6: kinds[0].fields[1].path"));
  EXPECT_THAT(MessageOf(status), HasSubstr("not the details of CUSTOMER_KIND_DOCTOR"));
}

TEST(ParseCompletenessRules, RejectsDuplicatePathsWithinAKind) {
  absl::Status status = ParseWithRule(
      "  fields { path: \"name\" importance: IMPORTANCE_RECOMMENDED label_en: \"n\" "
      "label_zh: \"名\" }");
  EXPECT_THAT(MessageOf(status), StartsWith("completeness rules line 6: kinds[0].fields[1].path"));
  EXPECT_THAT(MessageOf(status), HasSubstr("already has a rule in kinds[0].fields[0]"));

  // The same path in another kind is fine.
  EXPECT_TRUE(ParseCompletenessRules(R"pb(
                kinds {
                  kind: CUSTOMER_KIND_DOCTOR
                  fields {
                    path: "name"
                    importance: IMPORTANCE_REQUIRED
                    label_en: "n"
                    label_zh: "名"
                  }
                }
                kinds {
                  kind: CUSTOMER_KIND_HOSPITAL
                  fields {
                    path: "name"
                    importance: IMPORTANCE_REQUIRED
                    label_en: "n"
                    label_zh: "名"
                  }
                }
              )pb")
                  .ok());
}

TEST(ParseCompletenessRules, RejectsBadWeights) {
  for (absl::string_view weight : {"0", "-1", "nan", "inf"}) {
    absl::Status status = ParseWithRule(absl::StrCat(
        "  fields { path: \"city\" importance: IMPORTANCE_RECOMMENDED\n"
        "           weight: ",
        weight, " label_en: \"c\" label_zh: \"城市\" }"));
    EXPECT_THAT(MessageOf(status),
                StartsWith("completeness rules line 7: kinds[0].fields[1].weight: "))
        << weight;
    EXPECT_THAT(MessageOf(status), HasSubstr("must be finite and > 0")) << weight;
  }
}

TEST(ParseCompletenessRules, RejectsMissingImportanceAndLabels) {
  absl::Status status =
      ParseWithRule("  fields { path: \"city\" label_en: \"c\" label_zh: \"城市\" }");
  // No importance line of its own: the rule's line is named.
  EXPECT_THAT(MessageOf(status),
              StartsWith("completeness rules line 6: kinds[0].fields[1].importance: "));

  status = ParseWithRule("  fields { path: \"city\" importance: IMPORTANCE_RECOMMENDED "
                         "label_zh: \"城市\" }");
  EXPECT_THAT(MessageOf(status), HasSubstr("kinds[0].fields[1].label_en: must not be empty"));
  status = ParseWithRule("  fields { path: \"city\" importance: IMPORTANCE_RECOMMENDED "
                         "label_en: \"city\" label_zh: \" \" }");
  EXPECT_THAT(MessageOf(status), HasSubstr("kinds[0].fields[1].label_zh: must not be empty"));
}

TEST(ParseCompletenessRules, RejectsUnspecifiedAndDuplicateKinds) {
  absl::Status status =
      ParseCompletenessRules("kinds {\n  fields { path: \"name\" }\n}\n").status();
  EXPECT_THAT(MessageOf(status), StartsWith("completeness rules line 1: kinds[0].kind: "));

  status = ParseCompletenessRules(
               "kinds { kind: CUSTOMER_KIND_PATIENT }\n"
               "kinds {\n"
               "  kind: CUSTOMER_KIND_PATIENT\n"
               "}\n")
               .status();
  EXPECT_THAT(MessageOf(status), StartsWith("completeness rules line 3: kinds[1].kind: "));
  EXPECT_THAT(MessageOf(status), HasSubstr("CUSTOMER_KIND_PATIENT already has rules in kinds[0]"));
}

TEST(ValidateCompletenessRules, NamesTheElementWithoutALine) {
  v1::CompletenessRules rules = OneKind(v1::CUSTOMER_KIND_HOSPITAL, {"name", "hospital.beds"});
  absl::Status status = ValidateCompletenessRules(rules);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(MessageOf(status), StartsWith("completeness rules: kinds[0].fields[1].path: "));
  EXPECT_THAT(core::FieldOf(status), Optional(std::string("kinds[0].fields[1].path")));

  rules = OneKind(v1::CUSTOMER_KIND_HOSPITAL, {"name"});
  EXPECT_TRUE(ValidateCompletenessRules(rules).ok());
  rules.mutable_kinds(0)->mutable_fields(0)->set_weight(0);  // Explicit 0, unlike absent.
  EXPECT_THAT(MessageOf(ValidateCompletenessRules(rules)), HasSubstr("fields[0].weight"));
  rules.mutable_kinds(0)->set_kind(static_cast<v1::CustomerKind>(42));
  EXPECT_THAT(MessageOf(ValidateCompletenessRules(rules)), HasSubstr("kinds[0].kind"));
}

// --- The default rules ---

std::string ReadDefaultRules() {
  std::ifstream in(
      PHARMACRM_SOURCE_DIR "/services/customer-master/config/completeness_rules.textproto",
      std::ios::binary);
  EXPECT_TRUE(in.good());
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

// Sets the field at `path` to a filled value, creating messages on the way.
void FillPath(Message* message, absl::string_view path);

void FillField(Message* message, const FieldDescriptor* field) {
  const Reflection* r = message->GetReflection();
  if (field->cpp_type() == FieldDescriptor::CPPTYPE_MESSAGE) {
    Message* nested = field->is_repeated() ? r->AddMessage(message, field)
                                           : r->MutableMessage(message, field);
    FillField(nested, nested->GetDescriptor()->field(0));
    return;
  }
  switch (field->cpp_type()) {
    case FieldDescriptor::CPPTYPE_STRING:
      field->is_repeated() ? r->AddString(message, field, "x") : r->SetString(message, field, "x");
      break;
    case FieldDescriptor::CPPTYPE_ENUM:
      field->is_repeated() ? r->AddEnumValue(message, field, 1)
                           : r->SetEnumValue(message, field, 1);
      break;
    case FieldDescriptor::CPPTYPE_INT32:
      field->is_repeated() ? r->AddInt32(message, field, 1) : r->SetInt32(message, field, 1);
      break;
    case FieldDescriptor::CPPTYPE_INT64:
      field->is_repeated() ? r->AddInt64(message, field, 1) : r->SetInt64(message, field, 1);
      break;
    case FieldDescriptor::CPPTYPE_DOUBLE:
      field->is_repeated() ? r->AddDouble(message, field, 1) : r->SetDouble(message, field, 1);
      break;
    case FieldDescriptor::CPPTYPE_BOOL:
      field->is_repeated() ? r->AddBool(message, field, true) : r->SetBool(message, field, true);
      break;
    default: ADD_FAILURE() << "no filler for " << field->full_name();
  }
}

void FillPath(Message* message, absl::string_view path) {
  std::vector<std::string> segments = absl::StrSplit(path, '.');
  for (size_t i = 0; i < segments.size(); ++i) {
    const FieldDescriptor* field = message->GetDescriptor()->FindFieldByName(segments[i]);
    ASSERT_NE(field, nullptr) << path;
    if (i + 1 == segments.size()) {
      FillField(message, field);
    } else {
      message = message->GetReflection()->MutableMessage(message, field);
    }
  }
}

const FieldDescriptor* LeafOf(absl::string_view path) {
  const google::protobuf::Descriptor* type = v1::CustomerProfile::descriptor();
  const FieldDescriptor* field = nullptr;
  for (absl::string_view segment : absl::StrSplit(path, '.')) {
    field = type->FindFieldByName(std::string(segment));
    if (field == nullptr) return nullptr;
    type = field->message_type();
  }
  return field;
}

TEST(DefaultCompletenessRules, ParseAndCoverAllSixKinds) {
  absl::StatusOr<v1::CompletenessRules> rules = ParseCompletenessRules(ReadDefaultRules());
  ASSERT_TRUE(rules.ok()) << rules.status();
  std::set<int> kinds;
  for (const v1::KindRules& kind_rules : rules->kinds()) {
    kinds.insert(kind_rules.kind());
    bool has_required = false;
    for (const v1::FieldRule& rule : kind_rules.fields()) {
      has_required |= rule.importance() == v1::IMPORTANCE_REQUIRED;
    }
    EXPECT_TRUE(has_required) << v1::CustomerKind_Name(kind_rules.kind());
  }
  EXPECT_THAT(kinds, ElementsAre(v1::CUSTOMER_KIND_HOSPITAL, v1::CUSTOMER_KIND_DOCTOR,
                                 v1::CUSTOMER_KIND_PHARMACY, v1::CUSTOMER_KIND_CONTACT,
                                 v1::CUSTOMER_KIND_DISTRIBUTOR, v1::CUSTOMER_KIND_PATIENT));
}

TEST(DefaultCompletenessRules, EmptyRecordsLackRequiredFieldsAndFullOnesScoreHundred) {
  absl::StatusOr<v1::CompletenessRules> rules = ParseCompletenessRules(ReadDefaultRules());
  ASSERT_TRUE(rules.ok()) << rules.status();
  for (const v1::KindRules& kind_rules : rules->kinds()) {
    const std::string kind = v1::CustomerKind_Name(kind_rules.kind());
    v1::CustomerProfile profile = Profile(kind_rules.kind());
    v1::Completeness empty = ScoreCompleteness(profile, *rules);
    EXPECT_FALSE(empty.required_complete()) << kind;
    EXPECT_DOUBLE_EQ(empty.score(), 0.0) << kind;
    EXPECT_EQ(empty.missing_size(), kind_rules.fields_size()) << kind;

    for (const v1::FieldRule& rule : kind_rules.fields()) FillPath(&profile, rule.path());
    v1::Completeness full = ScoreCompleteness(profile, *rules);
    EXPECT_DOUBLE_EQ(full.score(), 100.0) << kind;
    EXPECT_TRUE(full.required_complete()) << kind;
  }
}

TEST(DefaultCompletenessRules, NeverAskForSensitiveOrHealthData) {
  absl::StatusOr<v1::CompletenessRules> rules = ParseCompletenessRules(ReadDefaultRules());
  ASSERT_TRUE(rules.ok()) << rules.status();
  for (const v1::KindRules& kind_rules : rules->kinds()) {
    // Patients: not even personal data beyond the name the record needs.
    const v1::DataClass limit = kind_rules.kind() == v1::CUSTOMER_KIND_PATIENT
                                    ? v1::DATA_CLASS_BUSINESS
                                    : v1::DATA_CLASS_PERSONAL;
    for (const v1::FieldRule& rule : kind_rules.fields()) {
      const FieldDescriptor* leaf = LeafOf(rule.path());
      ASSERT_NE(leaf, nullptr) << rule.path();
      EXPECT_LE(leaf->options().GetExtension(v1::data_class), limit)
          << v1::CustomerKind_Name(kind_rules.kind()) << " " << rule.path();
    }
  }
}

}  // namespace
}  // namespace pharmacrm::customer_master
