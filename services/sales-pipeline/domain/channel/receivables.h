// Receivables of the distributor channel: the invoice of a shipment, how a
// payment and a return's credit note settle invoices, aging, the monthly
// figures finance reads (sales, collections, DSO, on-time rate), which
// invoices fell due or overdue today, and the automatic credit hold.
// Records are those of proto/pharmacrm/v1/channel.proto: money in fen,
// dates "YYYY-MM-DD". Pure and thread-safe.
//
// Terms used below:
//   remaining   amount_fen - paid_fen of an invoice: what is still owed
//               (negative for a credit note not yet used up).
//   credit note an invoice with a negative amount_fen, made for a return.
//   order of age   invoices are taken oldest first: by due_on, then
//               issued_on, then id.
// Records whose dates do not parse are taken as dated 2099-12-31 when
// ordered and are left out of aging, due changes and the monthly figures;
// the functions below write only well-formed dates.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_RECEIVABLES_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_RECEIVABLES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/time/civil_time.h"
#include "pharmacrm/v1/channel.pb.h"

namespace pharmacrm::sales_pipeline::channel {

// The invoice of a priced shipment (PriceShipment), OPEN and unpaid:
// issued on the ship date, for the shipment's distributor and amount_fen,
// due payment_days (negative counts as 0) after the ship date.
// A return (is_return) gives a credit note instead: amount_fen is minus the
// return's amount and it is due on its issue date (the credit is usable at
// once). A credit note is OPEN until ApplyCredits has used all of it, then
// CREDITED. A ship date that is not a date is copied as it is into
// issued_on and due_on.
v1::Invoice InvoiceFor(const v1::Shipment& shipment, const v1::DistributorAccount& account,
                       std::string invoice_id);

// Applies each OPEN credit note (by issued_on, then id) to the OPEN
// invoices with remaining > 0 of the same distributor, in order of age,
// each time as much as both have left. The amount applied is added to the
// invoice's paid_fen and taken from the credit note's (which goes from 0
// down to amount_fen). An invoice whose last fen a credit note settles
// becomes CREDITED ("cancelled by a return"; one whose last fen a payment
// settles becomes PAID), and a credit note used up becomes CREDITED; in
// both cases paid_on is the later of the two documents' issue dates. A
// credit note that finds nothing to settle stays OPEN, a credit balance the
// next call uses. The caller applies credits after recording a return or a
// new invoice; AllocatePayment does it first too.
void ApplyCredits(std::vector<v1::Invoice>& invoices);

// Allocates a payment to the open invoices of its distributor, updating
// them; returns the payment with its allocations and unallocated_fen.
//   - The payment: distributor_id required, received_on a date,
//     amount_fen > 0 (INVALID_ARGUMENT naming the field).
//   - Open credit notes of the distributor are applied first (ApplyCredits).
//   - Allocations given by the payer are kept as given, each checked:
//     allocations[i].invoice_id names an invoice of `open_invoices`
//     (NOT_FOUND), of the payment's distributor (INVALID_ARGUMENT), not a
//     credit note (INVALID_ARGUMENT) and OPEN (FAILED_PRECONDITION);
//     allocations[i].amount_fen is > 0, at most what the invoice still owes
//     after the allocations before it (FAILED_PRECONDITION), and the
//     allocations together at most the payment (INVALID_ARGUMENT).
//   - Without allocations the payment goes to the distributor's invoices
//     with remaining > 0 in order of age, each paid as far as the money
//     lasts; the allocations made are listed on the payment.
//   - unallocated_fen = amount_fen - the allocations (kept on account).
//   - Each invoice allocated to has the allocation added to paid_fen; one
//     paid in full becomes PAID with paid_on the later of received_on and
//     its issued_on.
// On an error `open_invoices` is left as it was. received_on is rewritten
// as YYYY-MM-DD.
absl::StatusOr<v1::Payment> AllocatePayment(v1::Payment payment,
                                            std::vector<v1::Invoice>& open_invoices);

// What is owed: the sum of remaining over OPEN invoices, credit notes
// included (so an unused credit lowers it; it may be negative).
int64_t OpenFen(const std::vector<v1::Invoice>& invoices);

// The days the longest-overdue OPEN invoice (remaining > 0) is past its due
// date on `as_of` (as_of - due_on), 0 when none is past due.
int OldestDaysOverdue(const std::vector<v1::Invoice>& invoices, absl::CivilDay as_of);

// The remaining of OPEN invoices with remaining > 0 by age on `as_of`:
// not due while as_of < due_on; otherwise by days past due (as_of - due_on)
// 0-30 (the due date itself is day 0), 31-60, 61-90, over 90. Credit notes
// are not aged.
v1::AgingBuckets Age(const std::vector<v1::Invoice>& invoices, absl::CivilDay as_of);

// One ReceivablesMonth per month from `from` to `to` (inclusive; none when
// from > to). The amounts are reconstructed from the records' dates, not
// from the invoices' current paid_fen:
//   sales_fen        amount_fen of the invoices issued in the month, credit
//                    notes included (net sales).
//   collected_fen    amount_fen of the payments received in the month
//                    (unallocated money included).
//   closing_open_fen on the month's last day: the amount of every invoice
//                    and credit note issued by then, less every payment
//                    allocation made by then. An allocation counts from the
//                    later of its payment's received_on and its invoice's
//                    issued_on; allocations to invoices not in `invoices`
//                    are ignored. Credit notes count from their issue date,
//                    so when they are applied does not matter.
//   dso_days         closing_open / (sales of this month and the two
//                    before) x (days of those three months); 0 when those
//                    sales or closing_open are not > 0.
//   invoices_due     invoices (not credit notes) with due_on in the month.
//   invoices_paid_on_time   of those, the ones PAID or CREDITED with
//                    paid_on on or before due_on.
//   on_time_rate     invoices_paid_on_time / invoices_due; 0 when none due.
std::vector<v1::ReceivablesMonth> MonthlyFigures(const std::vector<v1::Invoice>& invoices,
                                                 const std::vector<v1::Payment>& payments,
                                                 absl::CivilMonth from, absl::CivilMonth to);

// Invoices to announce (InvoiceFellDue, InvoiceOverdue), as updated.
struct DueChanges {
  std::vector<v1::Invoice> fell_due;
  std::vector<std::pair<v1::Invoice, int>> overdue;  // with its days overdue
};

// Of the OPEN invoices (not credit notes), in the order given:
//   - one with due_on <= today and due_announced not set is reported in
//     fell_due, once: due_announced is set (in `invoices` and the copy);
//   - one with today > due_on and overdue_announced not set is reported in
//     overdue with today - due_on days, once: overdue_announced is set.
// An invoice first looked at after its due date is reported in both. A
// second call on the same day, or any later day, reports it no more.
DueChanges FindDueChanges(std::vector<v1::Invoice>& invoices, absl::CivilDay today);

struct HoldRule {
  int max_days_overdue = 90;
  bool hold_over_limit = true;
};

// The change of the account's automatic credit hold, as (on_hold, reason),
// or nullopt when nothing changes. A hold is due when the oldest invoice is
// more than rule.max_days_overdue days overdue ("an invoice is 95 days
// overdue (more than 90 allowed); ¥12,000.00 past due in all", the sum of
// the aging's past-due buckets), or, with rule.hold_over_limit, when
// open_fen exceeds credit_limit_fen ("open receivables ¥120,000.00 exceed
// the credit limit ¥100,000.00"); with both, both reasons joined by "; ".
//   - not on hold and a hold is due: (true, the reason to store).
//   - on an automatic hold (hold_is_manual false) and none is due any
//     longer: (false, why it is lifted, with the figures).
//   - a manual hold (on_hold and hold_is_manual) is never lifted nor
//     replaced; an automatic hold still due keeps its first reason.
// The caller stores on_hold, the reason as hold_reason (clearing it on a
// lift) and hold_is_manual false.
std::optional<std::pair<bool, std::string>> HoldChange(const v1::DistributorAccount& account,
                                                       const v1::AgingBuckets& aging,
                                                       int64_t open_fen, int oldest_days_overdue,
                                                       const HoldRule& rule);

}  // namespace pharmacrm::sales_pipeline::channel

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_RECEIVABLES_H_
