#include "domain/territories/territories.h"

#include <optional>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gmock/gmock.h"
#include "google/protobuf/util/time_util.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {
namespace {

using ::google::protobuf::Timestamp;
using ::google::protobuf::util::TimeUtil;
using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::Optional;

const absl::TimeZone kChina = absl::FixedTimeZone(8 * 60 * 60);

absl::Time At(int year, int month, int day) {
  return absl::FromCivil(absl::CivilDay(year, month, day), kChina);
}

Timestamp Ts(absl::Time t) { return TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t)); }

Timestamp TsAt(int year, int month, int day) { return Ts(At(year, month, day)); }

// 2024-05-15 10:00 in Beijing.
absl::Time Now() { return absl::FromCivil(absl::CivilSecond(2024, 5, 15, 10, 0, 0), kChina); }

v1::Territory MakeTerritory(const std::string& id, v1::TerritoryLevel level,
                            const std::string& parent_id) {
  v1::Territory t;
  t.set_id(id);
  t.set_code("CN-" + id);
  t.set_name("辖区 " + id);
  t.set_level(level);
  t.set_parent_id(parent_id);
  return t;
}

std::optional<std::string> FieldOfNew(const v1::Territory& t,
                                      const std::optional<v1::Territory>& parent) {
  return core::FieldOf(ValidateNewTerritory(t, parent));
}

// --- ValidateNewTerritory ---------------------------------------------------

v1::Territory BeijingPatch() {
  v1::Territory t;
  t.set_id("t-1");
  t.set_code("CN-N-BJ-01");
  t.set_name("北京东城一区");
  t.set_level(v1::TERRITORY_LEVEL_TERRITORY);
  t.set_parent_id("a-1");
  t.add_provinces("北京市");
  t.set_version(3);
  return t;
}

TEST(ApplyTerritoryUpdate, TakesOnlyTheMaskedFields) {
  v1::UpdateTerritoryRequest r;
  r.mutable_territory()->set_name("北京东城二区");
  r.mutable_territory()->set_code("CN-N-BJ-02");
  r.mutable_territory()->set_level(v1::TERRITORY_LEVEL_AREA);  // Not masked: ignored.
  r.mutable_update_mask()->add_paths("name");
  absl::StatusOr<v1::Territory> t = ApplyTerritoryUpdate(BeijingPatch(), r);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->name(), "北京东城二区");
  EXPECT_EQ(t->code(), "CN-N-BJ-01");
  EXPECT_EQ(t->level(), v1::TERRITORY_LEVEL_TERRITORY);
  EXPECT_EQ(t->version(), 3);

  r.mutable_update_mask()->add_paths("code");
  r.mutable_update_mask()->add_paths("provinces");  // Empty in the request: cleared.
  t = ApplyTerritoryUpdate(BeijingPatch(), r);
  ASSERT_TRUE(t.ok()) << t.status();
  EXPECT_EQ(t->code(), "CN-N-BJ-02");
  EXPECT_THAT(t->provinces(), IsEmpty());
  EXPECT_EQ(t->parent_id(), "a-1");
}

TEST(ApplyTerritoryUpdate, NamesTheMaskPathItRefuses) {
  v1::UpdateTerritoryRequest r;
  absl::StatusOr<v1::Territory> t = ApplyTerritoryUpdate(BeijingPatch(), r);
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(core::FieldOf(t.status()), "update_mask");

  r.mutable_update_mask()->add_paths("name");
  r.mutable_update_mask()->add_paths("parent_id");
  t = ApplyTerritoryUpdate(BeijingPatch(), r);
  EXPECT_EQ(t.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(core::FieldOf(t.status()), "update_mask.paths[1]");
  EXPECT_THAT(std::string(t.status().message()), ::testing::HasSubstr("moving a territory"));

  r.mutable_update_mask()->set_paths(1, "name");
  t = ApplyTerritoryUpdate(BeijingPatch(), r);
  EXPECT_EQ(core::FieldOf(t.status()), "update_mask.paths[1]");
  EXPECT_THAT(std::string(t.status().message()), ::testing::HasSubstr("twice"));
}

TEST(TerritoryChangedFields, NamesTheFieldsThatDifferByFieldNumber) {
  v1::Territory after = BeijingPatch();
  EXPECT_THAT(TerritoryChangedFields(BeijingPatch(), after), IsEmpty());
  // Set by the service, not changes of the territory.
  after.set_version(4);
  after.mutable_created_at()->set_seconds(1);
  EXPECT_THAT(TerritoryChangedFields(BeijingPatch(), after), IsEmpty());

  after.set_name("北京东城二区");
  after.add_provinces("河北省");
  EXPECT_THAT(TerritoryChangedFields(BeijingPatch(), after), ElementsAre("name", "provinces"));
  after.set_code("CN-N-BJ-02");
  EXPECT_THAT(TerritoryChangedFields(BeijingPatch(), after),
              ElementsAre("code", "name", "provinces"));

  // Provinces in another order are another value, as for the stored record.
  v1::Territory before = BeijingPatch();
  before.add_provinces("河北省");
  v1::Territory reordered = BeijingPatch();
  reordered.set_provinces(0, "河北省");
  reordered.add_provinces("北京市");
  EXPECT_THAT(TerritoryChangedFields(before, reordered), ElementsAre("provinces"));
}

TEST(ValidateNewTerritory, AcceptsEachLevelUnderTheLevelAbove) {
  const v1::Territory nation = MakeTerritory("CN", v1::TERRITORY_LEVEL_NATION, "");
  const v1::Territory region = MakeTerritory("N", v1::TERRITORY_LEVEL_REGION, "CN");
  const v1::Territory area = MakeTerritory("N-BJ", v1::TERRITORY_LEVEL_AREA, "N");
  const v1::Territory patch = MakeTerritory("N-BJ-01", v1::TERRITORY_LEVEL_TERRITORY, "N-BJ");
  EXPECT_TRUE(ValidateNewTerritory(nation, std::nullopt).ok());
  EXPECT_TRUE(ValidateNewTerritory(region, nation).ok());
  EXPECT_TRUE(ValidateNewTerritory(area, region).ok());
  EXPECT_TRUE(ValidateNewTerritory(patch, area).ok());
}

TEST(ValidateNewTerritory, NationHasNoParent) {
  v1::Territory nation = MakeTerritory("CN", v1::TERRITORY_LEVEL_NATION, "WORLD");
  const absl::Status s = ValidateNewTerritory(nation, std::nullopt);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(core::FieldOf(s), "territory.parent_id");
}

TEST(ValidateNewTerritory, OtherLevelsNeedAParent) {
  const v1::Territory region = MakeTerritory("N", v1::TERRITORY_LEVEL_REGION, "");
  const absl::Status s = ValidateNewTerritory(region, std::nullopt);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(core::FieldOf(s), "territory.parent_id");
}

TEST(ValidateNewTerritory, MissingParentIsNotFound) {
  const v1::Territory region = MakeTerritory("N", v1::TERRITORY_LEVEL_REGION, "CN");
  absl::Status s = ValidateNewTerritory(region, std::nullopt);
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(core::FieldOf(s), "territory.parent_id");

  // A parent that is not the one named counts as missing.
  s = ValidateNewTerritory(region, MakeTerritory("XX", v1::TERRITORY_LEVEL_NATION, ""));
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
}

TEST(ValidateNewTerritory, ParentMustBeExactlyOneLevelUp) {
  const v1::Territory nation = MakeTerritory("CN", v1::TERRITORY_LEVEL_NATION, "");
  const v1::Territory region = MakeTerritory("N", v1::TERRITORY_LEVEL_REGION, "CN");
  const v1::Territory area = MakeTerritory("N-BJ", v1::TERRITORY_LEVEL_AREA, "N");
  const v1::Territory patch = MakeTerritory("N-BJ-01", v1::TERRITORY_LEVEL_TERRITORY, "N-BJ");

  // Skipping a level.
  EXPECT_EQ(FieldOfNew(MakeTerritory("A", v1::TERRITORY_LEVEL_AREA, "CN"), nation),
            "territory.parent_id");
  EXPECT_EQ(FieldOfNew(MakeTerritory("T", v1::TERRITORY_LEVEL_TERRITORY, "N"), region),
            "territory.parent_id");
  // Same level.
  EXPECT_EQ(FieldOfNew(MakeTerritory("R", v1::TERRITORY_LEVEL_REGION, "N"), region),
            "territory.parent_id");
  // Upside down.
  EXPECT_EQ(FieldOfNew(MakeTerritory("R", v1::TERRITORY_LEVEL_REGION, "N-BJ-01"), patch),
            "territory.parent_id");
  EXPECT_EQ(FieldOfNew(MakeTerritory("A", v1::TERRITORY_LEVEL_AREA, "N-BJ"), area),
            "territory.parent_id");
  const absl::Status s =
      ValidateNewTerritory(MakeTerritory("A", v1::TERRITORY_LEVEL_AREA, "N-BJ"), area);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
}

TEST(ValidateNewTerritory, LevelIsRequired) {
  EXPECT_EQ(FieldOfNew(MakeTerritory("X", v1::TERRITORY_LEVEL_UNSPECIFIED, ""), std::nullopt),
            "territory.level");
  EXPECT_EQ(FieldOfNew(MakeTerritory("X", static_cast<v1::TerritoryLevel>(9), ""), std::nullopt),
            "territory.level");
}

TEST(ValidateNewTerritory, NameIsRequired) {
  v1::Territory t = MakeTerritory("CN", v1::TERRITORY_LEVEL_NATION, "");
  t.set_name("");
  EXPECT_EQ(FieldOfNew(t, std::nullopt), "territory.name");
  t.set_name("  \t");
  EXPECT_EQ(FieldOfNew(t, std::nullopt), "territory.name");
}

TEST(ValidateNewTerritory, CodeFormat) {
  v1::Territory t = MakeTerritory("CN", v1::TERRITORY_LEVEL_NATION, "");
  for (const char* good : {"CN", "CN-N-BJ-01", "0123456789", "A-", "-A",
                           "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-ABC"}) {
    t.set_code(good);
    EXPECT_TRUE(ValidateNewTerritory(t, std::nullopt).ok()) << good;
  }
  for (const char* bad : {"", "C", "cn-n-bj-01", "CN N", "CN_N", "CN.N", "华北-01",
                          "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-ABCD"}) {
    t.set_code(bad);
    EXPECT_EQ(FieldOfNew(t, std::nullopt), "territory.code") << bad;
  }
}

TEST(ValidateNewTerritory, Provinces) {
  v1::Territory t = MakeTerritory("N", v1::TERRITORY_LEVEL_REGION, "CN");
  const v1::Territory nation = MakeTerritory("CN", v1::TERRITORY_LEVEL_NATION, "");
  t.add_provinces("北京市");
  t.add_provinces("河北省");
  EXPECT_TRUE(ValidateNewTerritory(t, nation).ok());

  v1::Territory dup = t;
  dup.add_provinces("北京市");
  EXPECT_EQ(FieldOfNew(dup, nation), "territory.provinces[2]");

  v1::Territory empty = t;
  empty.add_provinces("");
  EXPECT_EQ(FieldOfNew(empty, nation), "territory.provinces[2]");
}

// --- ValidateAlignment ------------------------------------------------------

v1::Territory Patch() { return MakeTerritory("T1", v1::TERRITORY_LEVEL_TERRITORY, "A1"); }

v1::AlignRequest Align() {
  v1::AlignRequest r;
  r.set_request_id("req-1");
  r.set_subject(v1::ALIGNMENT_SUBJECT_CUSTOMER);
  r.set_subject_id("C1");
  r.set_territory_id("T1");
  r.set_reason("新医院开户");
  return r;
}

TEST(ValidateAlignment, AcceptsCustomersAndReps) {
  EXPECT_TRUE(ValidateAlignment(Align(), Now(), Patch()).ok());
  v1::AlignRequest rep = Align();
  rep.set_subject(v1::ALIGNMENT_SUBJECT_REP);
  rep.set_subject_id("U7");
  EXPECT_TRUE(ValidateAlignment(rep, Now(), Patch()).ok());
}

TEST(ValidateAlignment, SubjectIsRequired) {
  v1::AlignRequest r = Align();
  r.set_subject(v1::ALIGNMENT_SUBJECT_UNSPECIFIED);
  EXPECT_EQ(core::FieldOf(ValidateAlignment(r, Now(), Patch())), "subject");
  r.set_subject(static_cast<v1::AlignmentSubject>(7));
  EXPECT_EQ(core::FieldOf(ValidateAlignment(r, Now(), Patch())), "subject");
}

TEST(ValidateAlignment, SubjectIdIsRequired) {
  v1::AlignRequest r = Align();
  r.clear_subject_id();
  EXPECT_EQ(core::FieldOf(ValidateAlignment(r, Now(), Patch())), "subject_id");
}

TEST(ValidateAlignment, OnlyTerritoryLevel) {
  for (v1::TerritoryLevel level : {v1::TERRITORY_LEVEL_NATION, v1::TERRITORY_LEVEL_REGION,
                                   v1::TERRITORY_LEVEL_AREA}) {
    for (v1::AlignmentSubject subject :
         {v1::ALIGNMENT_SUBJECT_CUSTOMER, v1::ALIGNMENT_SUBJECT_REP}) {
      v1::AlignRequest r = Align();
      r.set_subject(subject);
      const absl::Status s = ValidateAlignment(r, Now(), MakeTerritory("T1", level, "X"));
      EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument) << level << " " << subject;
      EXPECT_EQ(core::FieldOf(s), "territory_id") << level << " " << subject;
    }
  }
}

TEST(ValidateAlignment, UnknownTerritoryIsNotFound) {
  const absl::Status s = ValidateAlignment(Align(), Now(), v1::Territory());
  EXPECT_EQ(s.code(), absl::StatusCode::kNotFound);
  EXPECT_EQ(core::FieldOf(s), "territory_id");
}

TEST(ValidateAlignment, EmptyTerritoryUnaligns) {
  v1::AlignRequest r = Align();
  r.clear_territory_id();
  EXPECT_TRUE(ValidateAlignment(r, Now(), v1::Territory()).ok());
  // The target is not looked at when unaligning.
  EXPECT_TRUE(
      ValidateAlignment(r, Now(), MakeTerritory("R", v1::TERRITORY_LEVEL_REGION, "CN")).ok());
}

TEST(ValidateAlignment, EffectiveFromWindow) {
  auto field_at = [](absl::Time from) {
    v1::AlignRequest r = Align();
    *r.mutable_effective_from() = Ts(from);
    return core::FieldOf(ValidateAlignment(r, Now(), Patch()));
  };
  // Unset means now.
  EXPECT_TRUE(ValidateAlignment(Align(), Now(), Patch()).ok());
  EXPECT_EQ(field_at(Now()), std::nullopt);
  EXPECT_EQ(field_at(Now() - absl::Hours(24 * 30)), std::nullopt);
  EXPECT_EQ(field_at(Now() - absl::Hours(24 * 365)), std::nullopt);
  EXPECT_EQ(field_at(Now() - absl::Hours(24 * 365) - absl::Seconds(1)), "effective_from");
  EXPECT_EQ(field_at(Now() - absl::Hours(24 * 400)), "effective_from");
  EXPECT_EQ(field_at(Now() + absl::Hours(24 * 90)), std::nullopt);
  EXPECT_EQ(field_at(Now() + absl::Hours(24 * 90) + absl::Seconds(1)), "effective_from");
}

TEST(ValidateAlignment, MigratedHistoryMayLieUpToTenYearsBackButNotAhead) {
  auto check = [](std::optional<absl::Time> from, const std::string& source) {
    v1::AlignRequest r = Align();
    r.set_history_source(source);
    if (from) *r.mutable_effective_from() = Ts(*from);
    return ValidateAlignment(r, Now(), Patch());
  };
  const std::string siebel = "Siebel export 2024-12";
  EXPECT_TRUE(check(Now() - absl::Hours(24 * 700), siebel).ok());
  EXPECT_TRUE(check(Now() - absl::Hours(24 * 3653), siebel).ok());
  EXPECT_TRUE(check(Now(), siebel).ok());
  EXPECT_EQ(core::FieldOf(check(Now() - absl::Hours(24 * 3653) - absl::Seconds(1), siebel)),
            "effective_from");
  EXPECT_EQ(core::FieldOf(check(Now() + absl::Seconds(1), siebel)), "effective_from");
  // The date is the point of a migrated entry.
  EXPECT_EQ(core::FieldOf(check(std::nullopt, siebel)), "effective_from");
  EXPECT_EQ(core::FieldOf(check(Now() - absl::Hours(24 * 700), "  ")), "history_source");
  EXPECT_EQ(core::FieldOf(check(Now() - absl::Hours(24 * 700), std::string(101, 'x'))),
            "history_source");
  EXPECT_TRUE(check(Now() - absl::Hours(24 * 700), std::string(100, 'x')).ok());
  // Without a source, the year's limit holds, and the message says how to
  // go further back.
  const absl::Status live = check(Now() - absl::Hours(24 * 700), "");
  EXPECT_EQ(core::FieldOf(live), "effective_from");
  EXPECT_THAT(std::string(live.message()), testing::HasSubstr("history_source"));
}

TEST(ValidateAlignment, EffectiveFromMustBeAValidTimestamp) {
  v1::AlignRequest r = Align();
  *r.mutable_effective_from() = Ts(Now());
  r.mutable_effective_from()->set_nanos(-1);
  EXPECT_EQ(core::FieldOf(ValidateAlignment(r, Now(), Patch())), "effective_from");
  r.mutable_effective_from()->set_nanos(1000000000);
  EXPECT_EQ(core::FieldOf(ValidateAlignment(r, Now(), Patch())), "effective_from");
}

TEST(ValidateAlignment, ReasonLength) {
  v1::AlignRequest r = Align();
  r.set_reason(std::string(500, 'x'));
  EXPECT_TRUE(ValidateAlignment(r, Now(), Patch()).ok());
  r.set_reason(std::string(501, 'x'));
  EXPECT_EQ(core::FieldOf(ValidateAlignment(r, Now(), Patch())), "reason");
  // Bytes, not characters: 167 Han characters are 501 bytes.
  std::string han;
  for (int i = 0; i < 167; ++i) han += "调";
  r.set_reason(han);
  EXPECT_EQ(core::FieldOf(ValidateAlignment(r, Now(), Patch())), "reason");
}

// --- AlignmentAsOf / SubjectAlignedTo ---------------------------------------

v1::Alignment Entry(const std::string& territory_id, const Timestamp& effective_from,
                    const Timestamp& recorded_at) {
  v1::Alignment a;
  a.set_subject(v1::ALIGNMENT_SUBJECT_CUSTOMER);
  a.set_subject_id("C1");
  a.set_territory_id(territory_id);
  *a.mutable_effective_from() = effective_from;
  *a.mutable_recorded_at() = recorded_at;
  return a;
}

std::optional<std::string> TerritoryAsOf(const std::vector<v1::Alignment>& history,
                                         const Timestamp& as_of) {
  std::optional<v1::Alignment> a = AlignmentAsOf(history, as_of);
  if (!a.has_value()) return std::nullopt;
  return a->territory_id();
}

TEST(AlignmentAsOf, EmptyHistory) {
  EXPECT_EQ(AlignmentAsOf({}, TsAt(2024, 5, 1)), std::nullopt);
}

TEST(AlignmentAsOf, LatestEffectiveFromAtOrBeforeAsOf) {
  // Out of order on purpose: the history is not assumed sorted.
  const std::vector<v1::Alignment> history = {
      Entry("T2", TsAt(2024, 3, 1), TsAt(2024, 3, 1)),
      Entry("T1", TsAt(2024, 1, 1), TsAt(2024, 1, 1)),
      Entry("T3", TsAt(2024, 6, 1), TsAt(2024, 5, 10)),  // Scheduled ahead.
  };
  EXPECT_EQ(TerritoryAsOf(history, TsAt(2023, 12, 31)), std::nullopt);
  EXPECT_THAT(TerritoryAsOf(history, TsAt(2024, 1, 1)), Optional(std::string("T1")));
  EXPECT_THAT(TerritoryAsOf(history, TsAt(2024, 2, 15)), Optional(std::string("T1")));
  EXPECT_THAT(TerritoryAsOf(history, TsAt(2024, 3, 1)), Optional(std::string("T2")));
  EXPECT_THAT(TerritoryAsOf(history, TsAt(2024, 5, 31)), Optional(std::string("T2")));
  EXPECT_THAT(TerritoryAsOf(history, TsAt(2024, 6, 1)), Optional(std::string("T3")));
}

TEST(AlignmentAsOf, BackdatedCorrection) {
  // C1 was in T1 since January and moved to T2 on 1 April; today (15 May) it
  // turns out C1 had moved to T9 on 10 April already.
  std::vector<v1::Alignment> history = {
      Entry("T1", TsAt(2024, 1, 1), TsAt(2024, 1, 1)),
      Entry("T2", TsAt(2024, 4, 1), TsAt(2024, 4, 1)),
  };
  EXPECT_THAT(TerritoryAsOf(history, TsAt(2024, 4, 20)), Optional(std::string("T2")));

  history.push_back(Entry("T9", TsAt(2024, 4, 10), Ts(Now())));
  // Last month, from the correction on: changed.
  EXPECT_THAT(TerritoryAsOf(history, TsAt(2024, 4, 20)), Optional(std::string("T9")));
  EXPECT_THAT(TerritoryAsOf(history, TsAt(2024, 4, 10)), Optional(std::string("T9")));
  EXPECT_THAT(TerritoryAsOf(history, Ts(Now())), Optional(std::string("T9")));
  // Before the correction's effective date: unchanged.
  EXPECT_THAT(TerritoryAsOf(history, TsAt(2024, 4, 9)), Optional(std::string("T2")));
  EXPECT_THAT(TerritoryAsOf(history, TsAt(2024, 3, 31)), Optional(std::string("T1")));
}

TEST(AlignmentAsOf, SameEffectiveFromLaterRecordedWins) {
  // The 1 April move was to the wrong territory; corrected on 15 May with the
  // same effective date. The correction wins whatever the order of the list.
  const v1::Alignment wrong = Entry("T2", TsAt(2024, 4, 1), TsAt(2024, 4, 1));
  const v1::Alignment fixed = Entry("T5", TsAt(2024, 4, 1), Ts(Now()));
  EXPECT_THAT(TerritoryAsOf({wrong, fixed}, TsAt(2024, 4, 20)), Optional(std::string("T5")));
  EXPECT_THAT(TerritoryAsOf({fixed, wrong}, TsAt(2024, 4, 20)), Optional(std::string("T5")));
  EXPECT_EQ(TerritoryAsOf({fixed, wrong}, TsAt(2024, 3, 31)), std::nullopt);

  // Equal in both keys: the last entry of the list.
  const v1::Alignment twin = Entry("T6", TsAt(2024, 4, 1), Ts(Now()));
  EXPECT_THAT(TerritoryAsOf({wrong, fixed, twin}, TsAt(2024, 4, 20)),
              Optional(std::string("T6")));
}

TEST(AlignmentAsOf, Unalignment) {
  const std::vector<v1::Alignment> history = {
      Entry("T1", TsAt(2024, 1, 1), TsAt(2024, 1, 1)),
      Entry("", TsAt(2024, 3, 1), TsAt(2024, 3, 1)),  // Hospital closed its account.
      Entry("T4", TsAt(2024, 5, 1), TsAt(2024, 5, 1)),
  };
  EXPECT_THAT(TerritoryAsOf(history, TsAt(2024, 2, 1)), Optional(std::string("T1")));
  // Unaligned is an answer, not "never aligned".
  EXPECT_THAT(TerritoryAsOf(history, TsAt(2024, 4, 1)), Optional(std::string("")));
  EXPECT_THAT(TerritoryAsOf(history, TsAt(2024, 5, 2)), Optional(std::string("T4")));

  EXPECT_TRUE(SubjectAlignedTo(history, "T1", TsAt(2024, 2, 1)));
  EXPECT_FALSE(SubjectAlignedTo(history, "T1", TsAt(2024, 4, 1)));
  EXPECT_FALSE(SubjectAlignedTo(history, "", TsAt(2024, 4, 1)));
  EXPECT_FALSE(SubjectAlignedTo(history, "", TsAt(2023, 1, 1)));
  EXPECT_TRUE(SubjectAlignedTo(history, "T4", TsAt(2024, 5, 2)));
}

TEST(SubjectAlignedTo, FollowsAlignmentAsOf) {
  std::vector<v1::Alignment> history = {
      Entry("T1", TsAt(2024, 1, 1), TsAt(2024, 1, 1)),
      Entry("T2", TsAt(2024, 4, 1), TsAt(2024, 4, 1)),
  };
  EXPECT_FALSE(SubjectAlignedTo(history, "T1", TsAt(2023, 12, 31)));
  EXPECT_TRUE(SubjectAlignedTo(history, "T1", TsAt(2024, 3, 31)));
  EXPECT_FALSE(SubjectAlignedTo(history, "T1", TsAt(2024, 4, 1)));
  EXPECT_TRUE(SubjectAlignedTo(history, "T2", TsAt(2024, 4, 20)));

  // A diversion dispute over 20 April, settled after a back-dated correction.
  history.push_back(Entry("T9", TsAt(2024, 4, 10), Ts(Now())));
  EXPECT_FALSE(SubjectAlignedTo(history, "T2", TsAt(2024, 4, 20)));
  EXPECT_TRUE(SubjectAlignedTo(history, "T9", TsAt(2024, 4, 20)));
  EXPECT_TRUE(SubjectAlignedTo(history, "T2", TsAt(2024, 4, 5)));
}

// --- Descendants --------------------------------------------------------------

std::vector<v1::Territory> Tree() {
  return {
      MakeTerritory("CN", v1::TERRITORY_LEVEL_NATION, ""),
      MakeTerritory("N", v1::TERRITORY_LEVEL_REGION, "CN"),
      MakeTerritory("N-BJ-01", v1::TERRITORY_LEVEL_TERRITORY, "N-BJ"),
      MakeTerritory("S", v1::TERRITORY_LEVEL_REGION, "CN"),
      MakeTerritory("N-BJ", v1::TERRITORY_LEVEL_AREA, "N"),
      MakeTerritory("N-TJ", v1::TERRITORY_LEVEL_AREA, "N"),
      MakeTerritory("N-BJ-02", v1::TERRITORY_LEVEL_TERRITORY, "N-BJ"),
      MakeTerritory("S-GZ", v1::TERRITORY_LEVEL_AREA, "S"),
  };
}

TEST(Descendants, BreadthFirstIncludingRoot) {
  EXPECT_THAT(Descendants(Tree(), "CN"),
              ElementsAre("CN", "N", "S", "N-BJ", "N-TJ", "S-GZ", "N-BJ-01", "N-BJ-02"));
  EXPECT_THAT(Descendants(Tree(), "N"), ElementsAre("N", "N-BJ", "N-TJ", "N-BJ-01", "N-BJ-02"));
  EXPECT_THAT(Descendants(Tree(), "N-BJ-01"), ElementsAre("N-BJ-01"));
}

TEST(Descendants, UnknownOrEmptyRoot) {
  EXPECT_THAT(Descendants(Tree(), "XX"), IsEmpty());
  EXPECT_THAT(Descendants(Tree(), ""), IsEmpty());
  EXPECT_THAT(Descendants({}, "CN"), IsEmpty());
}

TEST(Descendants, CycleEndsTheWalk) {
  // A -> B -> C -> A through parent_id, plus D under C and a self-parent E.
  const std::vector<v1::Territory> all = {
      MakeTerritory("A", v1::TERRITORY_LEVEL_REGION, "C"),
      MakeTerritory("B", v1::TERRITORY_LEVEL_AREA, "A"),
      MakeTerritory("C", v1::TERRITORY_LEVEL_TERRITORY, "B"),
      MakeTerritory("D", v1::TERRITORY_LEVEL_TERRITORY, "C"),
      MakeTerritory("E", v1::TERRITORY_LEVEL_AREA, "E"),
  };
  EXPECT_THAT(Descendants(all, "A"), ElementsAre("A", "B", "C", "D"));
  EXPECT_THAT(Descendants(all, "C"), ElementsAre("C", "A", "D", "B"));
  EXPECT_THAT(Descendants(all, "E"), ElementsAre("E"));
}

TEST(Descendants, DuplicateRowsAppearOnce) {
  std::vector<v1::Territory> all = Tree();
  all.push_back(MakeTerritory("N-TJ", v1::TERRITORY_LEVEL_AREA, "N"));
  EXPECT_THAT(Descendants(all, "N"), ElementsAre("N", "N-BJ", "N-TJ", "N-BJ-01", "N-BJ-02"));
}

}  // namespace
}  // namespace pharmacrm::customer_master
