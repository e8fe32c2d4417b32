// The worked example of docs/SALES_CHANNEL.md, from order to credit hold,
// with every figure a finance controller can check by hand.
//
// D1 is a tier-1 distributor: it buys P001 at ¥300.00 a pack, pays 30 days
// after shipment and has a credit limit of ¥100,000.00.
//
//   invoice  shipped     packs  amount       due on
//   INV-1    2026-01-10   100   ¥30,000.00   2026-02-09
//   INV-2    2026-02-05    80   ¥24,000.00   2026-03-07
//   INV-3    2026-03-20   150   ¥45,000.00   2026-04-19
//
//   payment  received    amount       goes to (oldest due first)
//   PAY-1    2026-02-09  ¥30,000.00   INV-1 ¥30,000.00: paid in full on its due date
//   PAY-2    2026-03-10  ¥14,000.00   INV-2 ¥14,000.00: ¥10,000.00 still owed
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "domain/channel/credit.h"
#include "domain/channel/dates.h"
#include "domain/channel/receivables.h"
#include "domain/channel/test_records.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

using examples::ExampleAccount;
using examples::FindExampleProduct;
using examples::Yuan;

// A shipment of `packs` packs of P001 (batch B2506) to D1 at the tier-1
// price, validated, priced, credit-checked and invoiced as the service does.
v1::Invoice Ship(const std::string& id, const std::string& date, int64_t packs,
                 int64_t open_fen) {
  v1::Shipment shipment;
  shipment.set_id(id);
  shipment.set_distributor_id("D1");
  shipment.set_ship_date(date);
  v1::ShipmentLine* line = shipment.add_lines();
  line->set_product_id("P001");
  line->set_batch_no("B2506");
  line->set_quantity(packs);
  const absl::CivilDay today = *ParseDate(date, "ship_date");
  EXPECT_TRUE(ValidateShipment(shipment, FindExampleProduct, today).ok());
  absl::StatusOr<v1::Shipment> priced =
      PriceShipment(shipment, ExampleAccount(), FindExampleProduct);
  EXPECT_TRUE(priced.ok()) << priced.status();
  EXPECT_TRUE(DecideCredit(ExampleAccount(), open_fen, *priced).accepted());
  return InvoiceFor(*priced, ExampleAccount(), "INV-" + id.substr(1));
}

v1::Payment Pay(const std::string& id, const std::string& date, int64_t fen) {
  v1::Payment payment;
  payment.set_id(id);
  payment.set_distributor_id("D1");
  payment.set_received_on(date);
  payment.set_amount_fen(fen);
  return payment;
}

class WorkedExample : public ::testing::Test {
 protected:
  void SetUp() override {
    invoices_.push_back(Ship("S1", "2026-01-10", 100, OpenFen(invoices_)));
    invoices_.push_back(Ship("S2", "2026-02-05", 80, OpenFen(invoices_)));
    payments_.push_back(*AllocatePayment(Pay("PAY-1", "2026-02-09", Yuan(30000)), invoices_));
    payments_.push_back(*AllocatePayment(Pay("PAY-2", "2026-03-10", Yuan(14000)), invoices_));
    invoices_.push_back(Ship("S3", "2026-03-20", 150, OpenFen(invoices_)));
  }

  std::vector<v1::Invoice> invoices_;
  std::vector<v1::Payment> payments_;
};

TEST_F(WorkedExample, InvoicesAreDueThirtyDaysAfterShipment) {
  ASSERT_EQ(invoices_.size(), 3u);
  EXPECT_EQ(invoices_[0].id(), "INV-1");
  EXPECT_EQ(invoices_[0].shipment_id(), "S1");
  EXPECT_EQ(invoices_[0].issued_on(), "2026-01-10");
  EXPECT_EQ(invoices_[0].due_on(), "2026-02-09");
  EXPECT_EQ(invoices_[0].amount_fen(), Yuan(30000));
  EXPECT_EQ(invoices_[1].due_on(), "2026-03-07");  // February 2026 has 28 days
  EXPECT_EQ(invoices_[1].amount_fen(), Yuan(24000));
  EXPECT_EQ(invoices_[2].due_on(), "2026-04-19");
  EXPECT_EQ(invoices_[2].amount_fen(), Yuan(45000));
}

TEST_F(WorkedExample, PaymentsGoToTheOldestDueInvoiceFirst) {
  EXPECT_EQ(payments_[0].allocations_size(), 1);
  EXPECT_EQ(payments_[0].allocations(0).invoice_id(), "INV-1");
  EXPECT_EQ(payments_[0].allocations(0).amount_fen(), Yuan(30000));
  EXPECT_EQ(payments_[1].allocations(0).invoice_id(), "INV-2");
  EXPECT_EQ(payments_[1].allocations(0).amount_fen(), Yuan(14000));
  EXPECT_EQ(payments_[1].unallocated_fen(), 0);

  EXPECT_EQ(invoices_[0].status(), v1::INVOICE_STATUS_PAID);
  EXPECT_EQ(invoices_[0].paid_on(), "2026-02-09");
  EXPECT_EQ(invoices_[1].status(), v1::INVOICE_STATUS_OPEN);
  EXPECT_EQ(invoices_[1].paid_fen(), Yuan(14000));
  EXPECT_EQ(invoices_[2].paid_fen(), 0);
  // Open: ¥10,000.00 of INV-2 + ¥45,000.00 of INV-3.
  EXPECT_EQ(OpenFen(invoices_), Yuan(55000));
}

TEST_F(WorkedExample, AgingAtTheEndOfMarch) {
  // 2026-03-31: INV-2's ¥10,000.00 is 24 days past its due date (03-07);
  // INV-3 is not due until 04-19.
  const v1::AgingBuckets aging = Age(invoices_, absl::CivilDay(2026, 3, 31));
  EXPECT_EQ(aging.not_due_fen(), Yuan(45000));
  EXPECT_EQ(aging.days_0_30_fen(), Yuan(10000));
  EXPECT_EQ(aging.days_31_60_fen(), 0);
  EXPECT_EQ(aging.days_61_90_fen(), 0);
  EXPECT_EQ(aging.days_over_90_fen(), 0);
  EXPECT_EQ(OldestDaysOverdue(invoices_, absl::CivilDay(2026, 3, 31)), 24);
}

TEST_F(WorkedExample, AgingAtTheEndOfJuneWithNothingMorePaid) {
  // 2026-06-30: INV-2 is 24 + 30 + 31 + 30 = 115 days past due, INV-3
  // 11 + 31 + 30 = 72 days.
  const v1::AgingBuckets aging = Age(invoices_, absl::CivilDay(2026, 6, 30));
  EXPECT_EQ(aging.not_due_fen(), 0);
  EXPECT_EQ(aging.days_0_30_fen(), 0);
  EXPECT_EQ(aging.days_31_60_fen(), 0);
  EXPECT_EQ(aging.days_61_90_fen(), Yuan(45000));
  EXPECT_EQ(aging.days_over_90_fen(), Yuan(10000));
  EXPECT_EQ(OldestDaysOverdue(invoices_, absl::CivilDay(2026, 6, 30)), 115);
}

TEST_F(WorkedExample, MonthlyFiguresAndDso) {
  // month    sales       collected   closing open  DSO                        due  on time
  // 2026-01  ¥30,000.00  ¥0.00       ¥30,000.00    30,000 / 30,000 x 92 = 92  0    -
  // 2026-02  ¥24,000.00  ¥30,000.00  ¥24,000.00    24,000 / 54,000 x 90 = 40  1    1 (INV-1)
  // 2026-03  ¥45,000.00  ¥14,000.00  ¥55,000.00    55,000 / 99,000 x 90 = 50  1    0 (INV-2)
  // Closing open = invoiced to date - allocated to date: for March,
  // 99,000 - 44,000. DSO's days are those of the month and the two before:
  // November 30 + December 31 + January 31 = 92 for January; 90 for
  // February (31 + 31 + 28) and March (31 + 28 + 31).
  const std::vector<v1::ReceivablesMonth> months =
      MonthlyFigures(invoices_, payments_, absl::CivilMonth(2026, 1), absl::CivilMonth(2026, 3));
  ASSERT_EQ(months.size(), 3u);
  EXPECT_EQ(months[0].month(), "2026-01");
  EXPECT_EQ(months[0].sales_fen(), Yuan(30000));
  EXPECT_EQ(months[0].collected_fen(), 0);
  EXPECT_EQ(months[0].closing_open_fen(), Yuan(30000));
  EXPECT_DOUBLE_EQ(months[0].dso_days(), 92.0);
  EXPECT_EQ(months[0].invoices_due(), 0);
  EXPECT_DOUBLE_EQ(months[0].on_time_rate(), 0.0);

  EXPECT_EQ(months[1].month(), "2026-02");
  EXPECT_EQ(months[1].sales_fen(), Yuan(24000));
  EXPECT_EQ(months[1].collected_fen(), Yuan(30000));
  EXPECT_EQ(months[1].closing_open_fen(), Yuan(24000));
  EXPECT_DOUBLE_EQ(months[1].dso_days(), 40.0);
  EXPECT_EQ(months[1].invoices_due(), 1);
  EXPECT_EQ(months[1].invoices_paid_on_time(), 1);
  EXPECT_DOUBLE_EQ(months[1].on_time_rate(), 1.0);

  EXPECT_EQ(months[2].month(), "2026-03");
  EXPECT_EQ(months[2].sales_fen(), Yuan(45000));
  EXPECT_EQ(months[2].collected_fen(), Yuan(14000));
  EXPECT_EQ(months[2].closing_open_fen(), Yuan(55000));
  EXPECT_DOUBLE_EQ(months[2].dso_days(), 50.0);
  EXPECT_EQ(months[2].invoices_due(), 1);
  EXPECT_EQ(months[2].invoices_paid_on_time(), 0);
  EXPECT_DOUBLE_EQ(months[2].on_time_rate(), 0.0);
}

TEST_F(WorkedExample, InvoiceTwoFallsDueThenOverdueEachAnnouncedOnce) {
  // The daily check, on INV-2's due date and the day after.
  DueChanges changes = FindDueChanges(invoices_, absl::CivilDay(2026, 3, 7));
  ASSERT_EQ(changes.fell_due.size(), 1u);
  EXPECT_EQ(changes.fell_due[0].id(), "INV-2");
  EXPECT_TRUE(changes.fell_due[0].due_announced());
  EXPECT_TRUE(changes.overdue.empty());
  EXPECT_TRUE(invoices_[1].due_announced());
  // INV-1 was paid before its due date was checked: nothing to announce.
  EXPECT_FALSE(invoices_[0].due_announced());

  changes = FindDueChanges(invoices_, absl::CivilDay(2026, 3, 7));
  EXPECT_TRUE(changes.fell_due.empty());
  EXPECT_TRUE(changes.overdue.empty());

  changes = FindDueChanges(invoices_, absl::CivilDay(2026, 3, 8));
  EXPECT_TRUE(changes.fell_due.empty());
  ASSERT_EQ(changes.overdue.size(), 1u);
  EXPECT_EQ(changes.overdue[0].first.id(), "INV-2");
  EXPECT_EQ(changes.overdue[0].second, 1);
  EXPECT_TRUE(invoices_[1].overdue_announced());

  changes = FindDueChanges(invoices_, absl::CivilDay(2026, 3, 8));
  EXPECT_TRUE(changes.fell_due.empty());
  EXPECT_TRUE(changes.overdue.empty());
}

TEST_F(WorkedExample, ACreditCheckAtTheEndOfMarch) {
  // ¥55,000.00 open: an order of ¥45,000.00 fits the ¥100,000.00 limit
  // exactly, one of ¥45,000.30 does not.
  EXPECT_TRUE(DecideCredit(ExampleAccount(), OpenFen(invoices_), Yuan(45000)).accepted());
  const v1::CreditDecision refused =
      DecideCredit(ExampleAccount(), OpenFen(invoices_), Yuan(45000) + 30);
  EXPECT_FALSE(refused.accepted());
  EXPECT_EQ(refused.reason(),
            "open receivables ¥55,000.00 + this shipment ¥45,000.30 would exceed the credit limit "
            "¥100,000.00");
}

TEST_F(WorkedExample, TheAccountGoesOnHoldAtTheEndOfJuneAndComesOffWhenPaid) {
  const absl::CivilDay june_30(2026, 6, 30);
  v1::DistributorAccount account = ExampleAccount();
  std::optional<std::pair<bool, std::string>> change =
      HoldChange(account, Age(invoices_, june_30), OpenFen(invoices_),
                 OldestDaysOverdue(invoices_, june_30), HoldRule());
  ASSERT_TRUE(change.has_value());
  EXPECT_TRUE(change->first);
  EXPECT_EQ(change->second,
            "an invoice is 115 days overdue (more than 90 allowed); ¥55,000.00 past due in all");
  account.set_on_hold(true);
  account.set_hold_reason(change->second);
  EXPECT_FALSE(DecideCredit(account, OpenFen(invoices_), Yuan(300)).accepted());

  // D1 pays everything on 2026-07-02: the automatic hold is lifted.
  const absl::CivilDay july_2(2026, 7, 2);
  ASSERT_TRUE(AllocatePayment(Pay("PAY-3", "2026-07-02", Yuan(55000)), invoices_).ok());
  change = HoldChange(account, Age(invoices_, july_2), OpenFen(invoices_),
                      OldestDaysOverdue(invoices_, july_2), HoldRule());
  ASSERT_TRUE(change.has_value());
  EXPECT_FALSE(change->first);
  EXPECT_EQ(change->second,
            "no invoice is more than 90 days overdue (the oldest: 0 days); open receivables ¥0.00 "
            "are within the credit limit ¥100,000.00");
}

}  // namespace
}  // namespace pharmacrm::sales_pipeline::channel
