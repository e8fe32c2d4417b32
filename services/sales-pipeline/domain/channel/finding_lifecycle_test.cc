#include "domain/channel/finding_lifecycle.h"

#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

const absl::Time kMonday = absl::FromUnixSeconds(1'780'000'000);
const absl::Time kTuesday = kMonday + absl::Hours(24);

v1::Finding Fresh(const std::string& id, int64_t quantity) {
  v1::Finding f;
  f.set_id(id);
  f.set_kind(v1::FINDING_KIND_CROSS_REGION);
  f.set_distributor_id("D1");
  f.set_month("2026-03");
  f.set_quantity(quantity);
  f.set_amount_fen(quantity * 120);
  f.set_state(v1::FINDING_STATE_OPEN);
  return f;
}

std::string Owner(const v1::Finding& f) { return "kam-of-" + f.distributor_id(); }

TEST(MergeFindings, RaisesNewFindingsOpenWithOwnerTimeAndHistory) {
  FindingUpdates u = MergeFindings({}, {Fresh("F-1", 10)}, Owner, kMonday);
  ASSERT_EQ(u.raised.size(), 1u);
  const v1::Finding& f = u.raised[0];
  EXPECT_EQ(f.state(), v1::FINDING_STATE_OPEN);
  EXPECT_EQ(f.owner(), "kam-of-D1");
  EXPECT_EQ(f.detected_at().seconds(), absl::ToUnixSeconds(kMonday));
  ASSERT_EQ(f.history_size(), 1);
  EXPECT_EQ(f.history(0).actor(), kChecksActor);
  EXPECT_TRUE(u.updated.empty());
  EXPECT_TRUE(u.state_changed.empty());
  EXPECT_EQ(u.open, 1);
}

TEST(MergeFindings, TheSameDataChangesNothing) {
  FindingUpdates first = MergeFindings({}, {Fresh("F-1", 10)}, Owner, kMonday);
  FindingUpdates again = MergeFindings(first.raised, {Fresh("F-1", 10)}, Owner, kTuesday);
  EXPECT_TRUE(again.raised.empty());
  EXPECT_TRUE(again.updated.empty());
  EXPECT_TRUE(again.state_changed.empty());
  EXPECT_EQ(again.open, 1);
}

TEST(MergeFindings, NewFiguresUpdateAndKeepStateOwnerAndDetection) {
  v1::Finding stored = MergeFindings({}, {Fresh("F-1", 10)}, Owner, kMonday).raised[0];
  ASSERT_TRUE(DecideFinding(stored, v1::FINDING_STATE_CONFIRMED, "", "lee", kMonday).ok());
  stored = *DecideFinding(stored, v1::FINDING_STATE_CONFIRMED, "", "lee", kMonday);
  FindingUpdates u = MergeFindings({stored}, {Fresh("F-1", 25)}, Owner, kTuesday);
  ASSERT_EQ(u.updated.size(), 1u);
  EXPECT_EQ(u.updated[0].quantity(), 25);
  EXPECT_EQ(u.updated[0].state(), v1::FINDING_STATE_CONFIRMED);
  EXPECT_EQ(u.updated[0].owner(), "kam-of-D1");
  EXPECT_EQ(u.updated[0].detected_at().seconds(), absl::ToUnixSeconds(kMonday));
  EXPECT_EQ(u.updated[0].history_size(), 2);
  EXPECT_EQ(u.updated[0].version(), 3);  // Raised, confirmed, updated.
  EXPECT_EQ(u.open, 0);
}

TEST(MergeFindings, AnOpenFindingTheDataNoLongerShowsIsWithdrawnAndComesBackIfShownAgain) {
  v1::Finding stored = MergeFindings({}, {Fresh("F-1", 10)}, Owner, kMonday).raised[0];
  FindingUpdates gone = MergeFindings({stored}, {}, Owner, kTuesday);
  ASSERT_EQ(gone.state_changed.size(), 1u);
  EXPECT_EQ(gone.withdrawn, 1);
  const v1::Finding& withdrawn = gone.state_changed[0];
  EXPECT_EQ(withdrawn.state(), v1::FINDING_STATE_DISMISSED);
  EXPECT_EQ(withdrawn.history(withdrawn.history_size() - 1).reason(), kWithdrawnReason);
  EXPECT_EQ(gone.open, 0);
  // Withdrawn again: nothing more.
  EXPECT_TRUE(MergeFindings({withdrawn}, {}, Owner, kTuesday).state_changed.empty());

  FindingUpdates back = MergeFindings({withdrawn}, {Fresh("F-1", 12)}, Owner, kTuesday);
  ASSERT_EQ(back.state_changed.size(), 1u);
  EXPECT_EQ(back.state_changed[0].state(), v1::FINDING_STATE_OPEN);
  EXPECT_EQ(back.state_changed[0].quantity(), 12);
  EXPECT_EQ(back.open, 1);
}

TEST(MergeFindings, APersonsDismissalAndConfirmationStand) {
  v1::Finding raised = MergeFindings({}, {Fresh("F-1", 10), Fresh("F-2", 5)}, Owner, kMonday)
                           .raised[0];
  v1::Finding dismissed =
      *DecideFinding(raised, v1::FINDING_STATE_DISMISSED, "agreed transfer", "lee", kMonday);
  v1::Finding confirmed = *DecideFinding(
      MergeFindings({}, {Fresh("F-2", 5)}, Owner, kMonday).raised[0],
      v1::FINDING_STATE_CONFIRMED, "", "lee", kMonday);
  // F-1 still shown: stays dismissed. F-2 no longer shown: stays confirmed.
  FindingUpdates u = MergeFindings({dismissed, confirmed}, {Fresh("F-1", 10)}, Owner, kTuesday);
  EXPECT_TRUE(u.raised.empty());
  EXPECT_TRUE(u.updated.empty());
  EXPECT_TRUE(u.state_changed.empty());
  EXPECT_EQ(u.open, 0);
}

TEST(DecideFinding, NamesTheFieldAndRefusesWhatIsNotAChange) {
  v1::Finding f = MergeFindings({}, {Fresh("F-1", 10)}, Owner, kMonday).raised[0];
  absl::StatusOr<v1::Finding> no_reason =
      DecideFinding(f, v1::FINDING_STATE_DISMISSED, "", "lee", kMonday);
  ASSERT_FALSE(no_reason.ok());
  EXPECT_EQ(no_reason.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(core::FieldOf(no_reason.status()), "reason");
  absl::StatusOr<v1::Finding> bad_state =
      DecideFinding(f, v1::FINDING_STATE_UNSPECIFIED, "x", "lee", kMonday);
  ASSERT_FALSE(bad_state.ok());
  EXPECT_EQ(core::FieldOf(bad_state.status()), "state");
  absl::StatusOr<v1::Finding> same = DecideFinding(f, v1::FINDING_STATE_OPEN, "x", "lee", kMonday);
  EXPECT_EQ(same.status().code(), absl::StatusCode::kFailedPrecondition);
  absl::StatusOr<v1::Finding> long_reason = DecideFinding(
      f, v1::FINDING_STATE_DISMISSED, std::string(kMaxDecisionReasonBytes + 1, 'x'), "lee",
      kMonday);
  EXPECT_EQ(core::FieldOf(long_reason.status()), "reason");
  absl::StatusOr<v1::Finding> dismissed =
      DecideFinding(f, v1::FINDING_STATE_DISMISSED, "stock transfer agreed", "lee", kMonday);
  ASSERT_TRUE(dismissed.ok());
  EXPECT_EQ(dismissed->history(1).actor(), "lee");
  EXPECT_EQ(dismissed->history(1).reason(), "stock transfer agreed");
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::channel
