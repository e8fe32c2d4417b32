#include "domain/process/organisation.h"

#include <string>

#include "absl/time/civil_time.h"
#include "absl/time/time.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"

namespace pharmacrm::sales_pipeline::process {
namespace {

v1::Rep ARep() {
  v1::Rep rep;
  rep.set_id("li.na");
  rep.set_name("李娜");
  rep.set_role(v1::SALES_ROLE_REP);
  rep.set_manager_id("wang.qiang");
  rep.set_start_date("2025-03-10");
  v1::RepCost* first = rep.add_costs();
  first->set_from_month("2025-03");
  first->set_salary_fen(1'200'000);
  first->set_allowance_fen(200'000);
  first->set_expenses_fen(300'000);
  first->set_samples_budget_units(40);
  v1::RepCost* raise = rep.add_costs();
  raise->set_from_month("2026-01");
  raise->set_salary_fen(1'300'000);
  raise->set_allowance_fen(200'000);
  raise->set_expenses_fen(350'000);
  raise->set_samples_budget_units(50);
  return rep;
}

std::string FieldOf(const absl::Status& status) { return core::FieldOf(status).value_or(""); }

TEST(ValidateRep, AcceptsAWholeRep) { EXPECT_TRUE(ValidateRep(ARep()).ok()); }

TEST(ValidateRep, NamesTheFieldOfEachBadInput) {
  struct Case {
    const char* field;
    void (*spoil)(v1::Rep&);
  };
  const Case cases[] = {
      {"rep.id", [](v1::Rep& r) { r.set_id("Li Na"); }},
      {"rep.id", [](v1::Rep& r) { r.set_id("x"); }},
      {"rep.name", [](v1::Rep& r) { r.set_name(""); }},
      {"rep.role", [](v1::Rep& r) { r.set_role(v1::SALES_ROLE_UNSPECIFIED); }},
      {"rep.manager_id", [](v1::Rep& r) { r.clear_manager_id(); }},
      {"rep.manager_id", [](v1::Rep& r) { r.set_manager_id("li.na"); }},
      {"rep.start_date", [](v1::Rep& r) { r.set_start_date("2025-02-30"); }},
      {"rep.end_date", [](v1::Rep& r) { r.set_end_date("2025-03-09"); }},
      {"rep.costs", [](v1::Rep& r) { r.clear_costs(); }},
      {"rep.costs[0].from_month", [](v1::Rep& r) { r.mutable_costs(0)->set_from_month("2025-04"); }},
      {"rep.costs[1].from_month", [](v1::Rep& r) { r.mutable_costs(1)->set_from_month("2025-03"); }},
      {"rep.costs[1].salary_fen", [](v1::Rep& r) { r.mutable_costs(1)->set_salary_fen(-1); }},
      {"rep.costs[0].samples_budget_units",
       [](v1::Rep& r) { r.mutable_costs(0)->set_samples_budget_units(2'000'000); }},
      {"rep.reason", [](v1::Rep& r) { r.set_reason(std::string(501, 'x')); }},
  };
  for (const Case& c : cases) {
    v1::Rep rep = ARep();
    c.spoil(rep);
    absl::Status status = ValidateRep(rep);
    EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument) << c.field;
    EXPECT_EQ(FieldOf(status), c.field) << status;
  }
}

TEST(ValidateRep, ADirectorHasNoManager) {
  v1::Rep rep = ARep();
  rep.set_role(v1::SALES_ROLE_NATIONAL_DIRECTOR);
  rep.clear_manager_id();
  EXPECT_TRUE(ValidateRep(rep).ok());
}

TEST(RepCost, TheEntryInForceAndEmployment) {
  v1::Rep rep = ARep();
  rep.set_end_date("2026-06-15");
  EXPECT_EQ(MonthlyCostFen(rep, absl::CivilMonth(2025, 2)), 0) << "before the start";
  EXPECT_EQ(MonthlyCostFen(rep, absl::CivilMonth(2025, 3)), 1'700'000);
  EXPECT_EQ(MonthlyCostFen(rep, absl::CivilMonth(2025, 12)), 1'700'000);
  EXPECT_EQ(MonthlyCostFen(rep, absl::CivilMonth(2026, 1)), 1'850'000) << "the raise";
  EXPECT_EQ(MonthlyCostFen(rep, absl::CivilMonth(2026, 6)), 1'850'000) << "the last month";
  EXPECT_EQ(MonthlyCostFen(rep, absl::CivilMonth(2026, 7)), 0) << "after the end";
  EXPECT_EQ(CostIn(rep, absl::CivilMonth(2026, 3))->samples_budget_units(), 50);
  EXPECT_FALSE(CostIn(rep, absl::CivilMonth(2025, 1)).has_value());
}

v1::Alignment Entry(const std::string& territory, absl::CivilDay from, int recorded_minute) {
  v1::Alignment a;
  a.set_subject_id("li.na");
  a.set_subject(v1::ALIGNMENT_SUBJECT_REP);
  a.set_territory_id(territory);
  *a.mutable_effective_from() = core::ToTimestamp(absl::FromCivil(from, absl::UTCTimeZone()));
  *a.mutable_recorded_at() = core::ToTimestamp(
      absl::FromCivil(absl::CivilMinute(2026, 11, 1, 0, recorded_minute), absl::UTCTimeZone()));
  return a;
}

absl::Time Day(int y, int m, int d) {
  return absl::FromCivil(absl::CivilDay(y, m, d), absl::UTCTimeZone());
}

TEST(Alignments, TheTerritoryOnADateKeepsThePast) {
  // Aligned to T-BJ-01 from 2025-01-01, moved to T-TJ-01 from 2026-07-01,
  // the move recorded before a back-dated correction of its date.
  absl::StatusOr<v1::AlignmentHistory> h =
      AddAlignment(std::nullopt, Entry("T-TJ-01", absl::CivilDay(2026, 7, 1), 1));
  ASSERT_TRUE(h.ok()) << h.status();
  h = AddAlignment(*h, Entry("T-BJ-01", absl::CivilDay(2025, 1, 1), 2));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(TerritoryAt(*h, Day(2024, 12, 31)), "");
  EXPECT_EQ(TerritoryAt(*h, Day(2026, 6, 30)), "T-BJ-01");
  EXPECT_EQ(TerritoryAt(*h, Day(2026, 7, 1)), "T-TJ-01");
  // A correction of the same date recorded later wins; the first stays in
  // the history.
  h = AddAlignment(*h, Entry("T-TJ-02", absl::CivilDay(2026, 7, 1), 3));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(TerritoryAt(*h, Day(2026, 8, 1)), "T-TJ-02");
  EXPECT_EQ(h->alignments_size(), 3);
  // The same entry again (a redelivered event) is not added twice.
  h = AddAlignment(*h, Entry("T-TJ-02", absl::CivilDay(2026, 7, 1), 3));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(h->alignments_size(), 3);
  // Unaligned from 2026-10-01.
  h = AddAlignment(*h, Entry("", absl::CivilDay(2026, 10, 1), 4));
  ASSERT_TRUE(h.ok());
  EXPECT_EQ(TerritoryAt(*h, Day(2026, 10, 2)), "");
  EXPECT_EQ(TerritoryAt(*h, Day(2026, 9, 30)), "T-TJ-02");
}

TEST(Alignments, AnEntryWithoutSubjectOrDateIsRefused) {
  v1::Alignment a = Entry("T", absl::CivilDay(2026, 1, 1), 0);
  a.clear_subject_id();
  EXPECT_EQ(FieldOf(AddAlignment(std::nullopt, a).status()), "alignment.subject_id");
  a = Entry("T", absl::CivilDay(2026, 1, 1), 0);
  a.clear_effective_from();
  EXPECT_EQ(FieldOf(AddAlignment(std::nullopt, a).status()), "alignment.effective_from");
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::process
