#include "domain/channel/receivables.h"

#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/channel/test_records.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

using examples::ExampleAccount;
using examples::Parse;
using examples::Yuan;
using ::testing::HasSubstr;

v1::Invoice Open(const std::string& id, const std::string& issued, const std::string& due,
                 int64_t fen, const std::string& distributor = "D1") {
  v1::Invoice invoice;
  invoice.set_id(id);
  invoice.set_distributor_id(distributor);
  invoice.set_issued_on(issued);
  invoice.set_due_on(due);
  invoice.set_amount_fen(fen);
  invoice.set_status(v1::INVOICE_STATUS_OPEN);
  return invoice;
}

// A credit note of a return on `issued`.
v1::Invoice Credit(const std::string& id, const std::string& issued, int64_t fen) {
  return Open(id, issued, issued, -fen);
}

v1::Payment Pay(const std::string& date, int64_t fen) {
  v1::Payment payment;
  payment.set_id("PAY");
  payment.set_distributor_id("D1");
  payment.set_received_on(date);
  payment.set_amount_fen(fen);
  return payment;
}

// Two open invoices of D1 and one of D2.
std::vector<v1::Invoice> ThreeOpen() {
  return {Open("INV-2", "2026-02-05", "2026-03-07", Yuan(10000)),
          Open("INV-3", "2026-03-20", "2026-04-19", Yuan(45000)),
          Open("INV-9", "2026-01-02", "2026-02-01", Yuan(5000), "D2")};
}

TEST(InvoiceFor, AReturnGivesACreditNoteDueAtOnce) {
  v1::Shipment ret = Parse<v1::Shipment>(R"pb(
    id: "R1" distributor_id: "D1" ship_date: "2026-03-15" amount_fen: 300000 is_return: true
  )pb");
  const v1::Invoice note = InvoiceFor(ret, ExampleAccount(), "CN-1");
  EXPECT_EQ(note.id(), "CN-1");
  EXPECT_EQ(note.shipment_id(), "R1");
  EXPECT_EQ(note.amount_fen(), -Yuan(3000));
  EXPECT_EQ(note.issued_on(), "2026-03-15");
  EXPECT_EQ(note.due_on(), "2026-03-15");
  EXPECT_EQ(note.status(), v1::INVOICE_STATUS_OPEN);
}

TEST(InvoiceFor, NegativeTermsCountAsCashOnDeliveryAndBadDatesAreCopied) {
  v1::DistributorAccount account = ExampleAccount();
  account.set_payment_days(-5);
  v1::Shipment shipment = Parse<v1::Shipment>(R"pb(
    id: "S9" distributor_id: "D1" ship_date: "2026-12-31" amount_fen: 100
  )pb");
  EXPECT_EQ(InvoiceFor(shipment, account, "I").due_on(), "2026-12-31");
  account.set_payment_days(1);
  EXPECT_EQ(InvoiceFor(shipment, account, "I").due_on(), "2027-01-01");
  shipment.set_ship_date("someday");
  const v1::Invoice invoice = InvoiceFor(shipment, account, "I");
  EXPECT_EQ(invoice.issued_on(), "someday");
  EXPECT_EQ(invoice.due_on(), "someday");
}

TEST(ApplyCredits, ACreditNoteGoesToTheOldestOpenInvoiceOfItsDistributor) {
  // A return of 10 packs (¥3,000.00) on 2026-03-15 cancels part of INV-2.
  std::vector<v1::Invoice> invoices = ThreeOpen();
  invoices.push_back(Credit("CN-1", "2026-03-15", Yuan(3000)));
  ApplyCredits(invoices);
  EXPECT_EQ(invoices[0].paid_fen(), Yuan(3000));
  EXPECT_EQ(invoices[0].status(), v1::INVOICE_STATUS_OPEN);
  EXPECT_EQ(invoices[1].paid_fen(), 0);
  EXPECT_EQ(invoices[2].paid_fen(), 0);  // D2's
  EXPECT_EQ(invoices[3].paid_fen(), -Yuan(3000));
  EXPECT_EQ(invoices[3].status(), v1::INVOICE_STATUS_CREDITED);
  EXPECT_EQ(invoices[3].paid_on(), "2026-03-15");
  EXPECT_EQ(OpenFen(invoices), Yuan(7000 + 45000 + 5000));
}

TEST(ApplyCredits, AnInvoiceWhoseLastFenACreditSettlesIsCredited) {
  std::vector<v1::Invoice> invoices = ThreeOpen();
  invoices.push_back(Credit("CN-1", "2026-03-25", Yuan(12000)));
  ApplyCredits(invoices);
  EXPECT_EQ(invoices[0].status(), v1::INVOICE_STATUS_CREDITED);
  EXPECT_EQ(invoices[0].paid_on(), "2026-03-25");
  EXPECT_EQ(invoices[1].paid_fen(), Yuan(2000));
  EXPECT_EQ(invoices[3].status(), v1::INVOICE_STATUS_CREDITED);
}

TEST(ApplyCredits, ACreditWithNothingToSettleWaitsForTheNextInvoice) {
  std::vector<v1::Invoice> invoices = {Credit("CN-1", "2026-03-01", Yuan(3000))};
  ApplyCredits(invoices);
  EXPECT_EQ(invoices[0].status(), v1::INVOICE_STATUS_OPEN);
  EXPECT_EQ(OpenFen(invoices), -Yuan(3000));
  invoices.push_back(Open("INV-4", "2026-03-20", "2026-04-19", Yuan(2000)));
  ApplyCredits(invoices);
  EXPECT_EQ(invoices[1].status(), v1::INVOICE_STATUS_CREDITED);
  EXPECT_EQ(invoices[1].paid_on(), "2026-03-20");  // settled when it was issued
  EXPECT_EQ(invoices[0].status(), v1::INVOICE_STATUS_OPEN);
  EXPECT_EQ(invoices[0].paid_fen(), -Yuan(2000));
  EXPECT_EQ(OpenFen(invoices), -Yuan(1000));
}

TEST(AllocatePayment, KeepsThePayersAllocationsAndKeepsTheRestOnAccount) {
  std::vector<v1::Invoice> invoices = ThreeOpen();
  v1::Payment payment = Pay("2026/4/1", Yuan(35000));
  payment.add_allocations()->set_invoice_id("INV-3");
  payment.mutable_allocations(0)->set_amount_fen(Yuan(20000));
  payment.add_allocations()->set_invoice_id("INV-2");
  payment.mutable_allocations(1)->set_amount_fen(Yuan(10000));
  const absl::StatusOr<v1::Payment> allocated = AllocatePayment(payment, invoices);
  ASSERT_TRUE(allocated.ok()) << allocated.status();
  EXPECT_EQ(allocated->received_on(), "2026-04-01");
  EXPECT_EQ(allocated->allocations_size(), 2);
  EXPECT_EQ(allocated->unallocated_fen(), Yuan(5000));
  EXPECT_EQ(invoices[0].status(), v1::INVOICE_STATUS_PAID);
  EXPECT_EQ(invoices[0].paid_on(), "2026-04-01");
  EXPECT_EQ(invoices[1].paid_fen(), Yuan(20000));
  EXPECT_EQ(invoices[1].status(), v1::INVOICE_STATUS_OPEN);
}

TEST(AllocatePayment, PaysOldestDueFirstThenByIssueDateThenId) {
  std::vector<v1::Invoice> invoices = {Open("B", "2026-01-05", "2026-02-04", Yuan(100)),
                                       Open("A", "2026-01-05", "2026-02-04", Yuan(100)),
                                       Open("C", "2026-01-01", "2026-02-04", Yuan(100)),
                                       Open("D", "2025-12-01", "2026-03-01", Yuan(100))};
  const absl::StatusOr<v1::Payment> payment =
      AllocatePayment(Pay("2026-02-10", Yuan(450)), invoices);
  ASSERT_TRUE(payment.ok());
  std::vector<std::string> order;
  for (const v1::PaymentAllocation& allocation : payment->allocations()) {
    order.push_back(allocation.invoice_id());
  }
  EXPECT_THAT(order, ::testing::ElementsAre("C", "A", "B", "D"));
  EXPECT_EQ(payment->allocations(3).amount_fen(), Yuan(100));
  EXPECT_EQ(payment->unallocated_fen(), Yuan(50));
}

TEST(AllocatePayment, AppliesOpenCreditNotesBeforeThePayment) {
  std::vector<v1::Invoice> invoices = ThreeOpen();
  invoices.push_back(Credit("CN-1", "2026-03-15", Yuan(3000)));
  const absl::StatusOr<v1::Payment> payment =
      AllocatePayment(Pay("2026-03-31", Yuan(10000)), invoices);
  ASSERT_TRUE(payment.ok());
  // INV-2 owed ¥10,000.00: ¥3,000.00 by the return, ¥7,000.00 by the payment.
  EXPECT_EQ(payment->allocations(0).invoice_id(), "INV-2");
  EXPECT_EQ(payment->allocations(0).amount_fen(), Yuan(7000));
  EXPECT_EQ(payment->allocations(1).invoice_id(), "INV-3");
  EXPECT_EQ(payment->allocations(1).amount_fen(), Yuan(3000));
  EXPECT_EQ(invoices[0].status(), v1::INVOICE_STATUS_PAID);
  EXPECT_EQ(invoices[3].status(), v1::INVOICE_STATUS_CREDITED);
}

TEST(AllocatePayment, MoneyPaidBeforeTheInvoiceSettlesItOnItsIssueDate) {
  std::vector<v1::Invoice> invoices = {Open("INV-5", "2026-05-10", "2026-06-09", Yuan(500))};
  ASSERT_TRUE(AllocatePayment(Pay("2026-05-01", Yuan(500)), invoices).ok());
  EXPECT_EQ(invoices[0].paid_on(), "2026-05-10");
}

struct BadPayment {
  std::string field;
  absl::StatusCode code;
  std::function<void(v1::Payment&)> breaks;
};

void Allocate(v1::Payment& payment, const std::string& invoice, int64_t fen) {
  v1::PaymentAllocation* allocation = payment.add_allocations();
  allocation->set_invoice_id(invoice);
  allocation->set_amount_fen(fen);
}

TEST(AllocatePayment, RefusesABadPaymentNamingTheFieldAndChangesNothing) {
  constexpr absl::StatusCode kInvalid = absl::StatusCode::kInvalidArgument;
  const std::vector<BadPayment> cases = {
      {"distributor_id", kInvalid, [](v1::Payment& p) { p.clear_distributor_id(); }},
      {"received_on", kInvalid, [](v1::Payment& p) { p.set_received_on("2026-04-31"); }},
      {"amount_fen", kInvalid, [](v1::Payment& p) { p.set_amount_fen(0); }},
      {"allocations[0].invoice_id", kInvalid,
       [](v1::Payment& p) { Allocate(p, "", Yuan(1)); }},
      {"allocations[1].invoice_id", absl::StatusCode::kNotFound,
       [](v1::Payment& p) {
         Allocate(p, "INV-2", Yuan(1));
         Allocate(p, "INV-404", Yuan(1));
       }},
      {"allocations[0].invoice_id", kInvalid,
       [](v1::Payment& p) { Allocate(p, "INV-9", Yuan(1)); }},  // D2's
      {"allocations[0].invoice_id", kInvalid,
       [](v1::Payment& p) { Allocate(p, "CN-1", Yuan(1)); }},  // a credit note
      {"allocations[0].invoice_id", absl::StatusCode::kFailedPrecondition,
       [](v1::Payment& p) { Allocate(p, "INV-1", Yuan(1)); }},
      {"allocations[0].amount_fen", kInvalid, [](v1::Payment& p) { Allocate(p, "INV-2", 0); }},
      {"allocations[0].amount_fen", absl::StatusCode::kFailedPrecondition,
       [](v1::Payment& p) { Allocate(p, "INV-2", Yuan(10000) + 1); }},
      {"allocations[1].amount_fen", absl::StatusCode::kFailedPrecondition,
       [](v1::Payment& p) {
         Allocate(p, "INV-2", Yuan(6000));
         Allocate(p, "INV-2", Yuan(6000));
       }},
      {"allocations[1].amount_fen", kInvalid,
       [](v1::Payment& p) {
         Allocate(p, "INV-2", Yuan(10000));
         Allocate(p, "INV-3", Yuan(30000));  // the payment is ¥35,000.00
       }},
  };
  for (const BadPayment& bad : cases) {
    std::vector<v1::Invoice> invoices = ThreeOpen();
    v1::Invoice paid = Open("INV-1", "2026-01-10", "2026-02-09", Yuan(30000));
    paid.set_paid_fen(Yuan(30000));
    paid.set_status(v1::INVOICE_STATUS_PAID);
    invoices.push_back(paid);
    v1::Invoice used = Credit("CN-1", "2026-03-15", Yuan(3000));
    used.set_paid_fen(used.amount_fen());
    used.set_status(v1::INVOICE_STATUS_CREDITED);
    invoices.push_back(used);
    const std::vector<v1::Invoice> before = invoices;
    v1::Payment payment = Pay("2026-04-01", Yuan(35000));
    bad.breaks(payment);
    const absl::StatusOr<v1::Payment> result = AllocatePayment(payment, invoices);
    ASSERT_FALSE(result.ok()) << bad.field;
    EXPECT_EQ(result.status().code(), bad.code) << bad.field << ": " << result.status();
    EXPECT_EQ(core::FieldOf(result.status()), bad.field) << result.status();
    for (size_t i = 0; i < invoices.size(); ++i) {
      EXPECT_EQ(invoices[i].SerializeAsString(), before[i].SerializeAsString()) << bad.field;
    }
  }
}

TEST(AllocatePayment, SaysWhatAnInvoiceStillOwes) {
  std::vector<v1::Invoice> invoices = ThreeOpen();
  v1::Payment payment = Pay("2026-04-01", Yuan(35000));
  Allocate(payment, "INV-2", Yuan(12000));
  EXPECT_THAT(AllocatePayment(payment, invoices).status().message(),
              HasSubstr("¥12,000.00 is more than the ¥10,000.00 invoice INV-2 still owes"));
}

TEST(Age, BucketsByDaysPastTheDueDate) {
  // Due 2026-03-01; each invoice of ¥1.00 seen from a different day.
  const absl::CivilDay due(2026, 3, 1);
  auto bucket_of = [&](int days) {
    const std::vector<v1::Invoice> one = {Open("I", "2026-01-30", "2026-03-01", 100)};
    const v1::AgingBuckets b = Age(one, due + days);
    if (b.not_due_fen() == 100) return std::string("not due");
    if (b.days_0_30_fen() == 100) return std::string("0-30");
    if (b.days_31_60_fen() == 100) return std::string("31-60");
    if (b.days_61_90_fen() == 100) return std::string("61-90");
    if (b.days_over_90_fen() == 100) return std::string("over 90");
    return std::string("none");
  };
  EXPECT_EQ(bucket_of(-1), "not due");
  EXPECT_EQ(bucket_of(0), "0-30");
  EXPECT_EQ(bucket_of(30), "0-30");
  EXPECT_EQ(bucket_of(31), "31-60");
  EXPECT_EQ(bucket_of(60), "31-60");
  EXPECT_EQ(bucket_of(61), "61-90");
  EXPECT_EQ(bucket_of(90), "61-90");
  EXPECT_EQ(bucket_of(91), "over 90");
}

TEST(Age, AgesWhatRemainsOfOpenInvoicesOnly) {
  std::vector<v1::Invoice> invoices = ThreeOpen();
  invoices[0].set_paid_fen(Yuan(4000));  // INV-2: ¥6,000.00 left
  invoices[1].set_status(v1::INVOICE_STATUS_PAID);
  invoices.push_back(Credit("CN-1", "2026-03-15", Yuan(3000)));
  invoices.push_back(Open("BAD", "2026-03-15", "never", Yuan(1)));
  const v1::AgingBuckets aging = Age(invoices, absl::CivilDay(2026, 3, 31));
  EXPECT_EQ(aging.not_due_fen(), 0);
  EXPECT_EQ(aging.days_0_30_fen(), Yuan(6000));
  EXPECT_EQ(aging.days_31_60_fen(), Yuan(5000));  // D2's INV-9, 58 days
  EXPECT_EQ(OldestDaysOverdue(invoices, absl::CivilDay(2026, 3, 31)), 58);
  EXPECT_EQ(OldestDaysOverdue(invoices, absl::CivilDay(2026, 2, 1)), 0);  // due that day
}

TEST(MonthlyFigures, CountsCreditNotesAsNegativeSalesAndSkipsUnknownInvoices) {
  std::vector<v1::Invoice> invoices = {Open("INV-1", "2026-01-10", "2026-02-09", Yuan(30000)),
                                       Credit("CN-1", "2026-01-20", Yuan(3000))};
  v1::Payment early = Pay("2026-01-05", Yuan(10000));  // before INV-1: counts from 01-10
  Allocate(early, "INV-1", Yuan(10000));
  Allocate(early, "INV-OTHER", Yuan(500));
  const std::vector<v1::ReceivablesMonth> months =
      MonthlyFigures(invoices, {early}, absl::CivilMonth(2025, 12), absl::CivilMonth(2026, 1));
  ASSERT_EQ(months.size(), 2u);
  EXPECT_EQ(months[0].month(), "2025-12");
  EXPECT_EQ(months[0].sales_fen(), 0);
  EXPECT_EQ(months[0].closing_open_fen(), 0);
  EXPECT_DOUBLE_EQ(months[0].dso_days(), 0.0);  // no sales
  EXPECT_EQ(months[1].sales_fen(), Yuan(27000));
  EXPECT_EQ(months[1].collected_fen(), Yuan(10000));
  EXPECT_EQ(months[1].closing_open_fen(), Yuan(17000));
  // ¥17,000.00 / ¥27,000.00 x (30 + 31 + 31) days.
  EXPECT_DOUBLE_EQ(months[1].dso_days(), 17000.0 / 27000.0 * 92.0);
  EXPECT_TRUE(
      MonthlyFigures(invoices, {}, absl::CivilMonth(2026, 2), absl::CivilMonth(2026, 1)).empty());
}

TEST(MonthlyFigures, AnInvoiceCreditedByItsDueDateCountsAsOnTime) {
  std::vector<v1::Invoice> invoices = {Open("INV-1", "2026-01-10", "2026-02-09", Yuan(100)),
                                       Open("INV-2", "2026-01-11", "2026-02-10", Yuan(100)),
                                       Open("INV-3", "2026-01-12", "2026-02-11", Yuan(100))};
  invoices[0].set_status(v1::INVOICE_STATUS_CREDITED);
  invoices[0].set_paid_on("2026-02-01");
  invoices[1].set_status(v1::INVOICE_STATUS_PAID);
  invoices[1].set_paid_on("2026-02-11");  // a day late
  const std::vector<v1::ReceivablesMonth> months =
      MonthlyFigures(invoices, {}, absl::CivilMonth(2026, 2), absl::CivilMonth(2026, 2));
  EXPECT_EQ(months[0].invoices_due(), 3);
  EXPECT_EQ(months[0].invoices_paid_on_time(), 1);
  EXPECT_DOUBLE_EQ(months[0].on_time_rate(), 1.0 / 3.0);
}

TEST(FindDueChanges, AnInvoiceFirstSeenAfterItsDueDateIsReportedBothWays) {
  std::vector<v1::Invoice> invoices = ThreeOpen();
  invoices.push_back(Credit("CN-1", "2026-03-01", Yuan(1)));  // credit notes are not announced
  const DueChanges changes = FindDueChanges(invoices, absl::CivilDay(2026, 3, 10));
  ASSERT_EQ(changes.fell_due.size(), 2u);
  EXPECT_EQ(changes.fell_due[0].id(), "INV-2");
  EXPECT_EQ(changes.fell_due[1].id(), "INV-9");
  ASSERT_EQ(changes.overdue.size(), 2u);
  EXPECT_EQ(changes.overdue[0].first.id(), "INV-2");
  EXPECT_EQ(changes.overdue[0].second, 3);
  EXPECT_EQ(changes.overdue[1].second, 37);
  EXPECT_TRUE(changes.overdue[0].first.due_announced());
  EXPECT_FALSE(invoices[3].due_announced());
  const DueChanges again = FindDueChanges(invoices, absl::CivilDay(2026, 4, 30));
  EXPECT_EQ(again.fell_due.size(), 1u);  // INV-3, due 04-19
  EXPECT_EQ(again.overdue.size(), 1u);
  EXPECT_EQ(again.overdue[0].second, 11);
}

v1::AgingBuckets PastDue(int64_t fen) {
  v1::AgingBuckets aging;
  aging.set_days_over_90_fen(fen);
  return aging;
}

TEST(HoldChange, HoldsWhenOverTheLimitOrLongOverdue) {
  const v1::DistributorAccount account = ExampleAccount();
  EXPECT_FALSE(HoldChange(account, PastDue(0), Yuan(100000), 90, HoldRule()).has_value());
  std::optional<std::pair<bool, std::string>> change =
      HoldChange(account, PastDue(0), Yuan(120000), 0, HoldRule());
  ASSERT_TRUE(change.has_value());
  EXPECT_TRUE(change->first);
  EXPECT_EQ(change->second, "open receivables ¥120,000.00 exceed the credit limit ¥100,000.00");
  change = HoldChange(account, PastDue(Yuan(12000)), Yuan(120000), 95, HoldRule());
  EXPECT_EQ(change->second,
            "an invoice is 95 days overdue (more than 90 allowed); ¥12,000.00 past due in all; "
            "open receivables ¥120,000.00 exceed the credit limit ¥100,000.00");
  // Without the limit rule, only overdue invoices count.
  EXPECT_FALSE(
      HoldChange(account, PastDue(0), Yuan(120000), 0, {.hold_over_limit = false}).has_value());
  change = HoldChange(account, PastDue(Yuan(12000)), 0, 31, {.max_days_overdue = 30});
  EXPECT_EQ(change->second,
            "an invoice is 31 days overdue (more than 30 allowed); ¥12,000.00 past due in all");
}

TEST(HoldChange, KeepsAnAutomaticHoldWhileItIsDueAndLiftsItAfter) {
  v1::DistributorAccount account = ExampleAccount();
  account.set_on_hold(true);
  account.set_hold_reason("open receivables ¥120,000.00 exceed the credit limit ¥100,000.00");
  EXPECT_FALSE(HoldChange(account, PastDue(Yuan(5000)), Yuan(101000), 120, HoldRule()).has_value());
  const std::optional<std::pair<bool, std::string>> lift =
      HoldChange(account, PastDue(0), Yuan(60000), 12, {.hold_over_limit = false});
  ASSERT_TRUE(lift.has_value());
  EXPECT_FALSE(lift->first);
  EXPECT_EQ(lift->second, "no invoice is more than 90 days overdue (the oldest: 12 days)");
}

TEST(HoldChange, NeverTouchesAManualHold) {
  v1::DistributorAccount account = ExampleAccount();
  account.set_on_hold(true);
  account.set_hold_is_manual(true);
  account.set_hold_reason("disputed delivery, held by the credit controller");
  EXPECT_FALSE(HoldChange(account, PastDue(0), 0, 0, HoldRule()).has_value());
  EXPECT_FALSE(HoldChange(account, PastDue(Yuan(1)), Yuan(200000), 200, HoldRule()).has_value());
  // A manual flag without a hold holds nothing: the automatic rule applies.
  account.set_on_hold(false);
  EXPECT_TRUE(HoldChange(account, PastDue(0), Yuan(200000), 0, HoldRule())->first);
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::channel
