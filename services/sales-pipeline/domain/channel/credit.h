// Sell-in (纯销/发货): what a recordable shipment to a distributor is, how
// it is priced from the distributor's terms, and whether the distributor's
// credit allows it. Records are those of proto/pharmacrm/v1/channel.proto:
// money in fen (1/100 yuan), quantities in packs, dates "YYYY-MM-DD".
// Pure and thread-safe.
//
// Status codes: INVALID_ARGUMENT for a malformed field, NOT_FOUND for a
// product or batch the catalogue does not know, FAILED_PRECONDITION for one
// that may not be shipped (discontinued, expired), OUT_OF_RANGE for amounts
// beyond int64. Every error names its field, e.g. "lines[2].quantity".
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_CREDIT_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_CREDIT_H_

#include <cstdint>
#include <string>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/civil_time.h"
#include "domain/channel/money.h"
#include "pharmacrm/v1/channel.pb.h"

namespace pharmacrm::sales_pipeline::channel {

// The catalogue's product of an id, or nullptr when there is none. The
// pointer need only stay valid for the call it is passed to.
using ProductLookup = absl::FunctionRef<const v1::Product*(absl::string_view product_id)>;

inline constexpr int kMaxShipmentLines = 500;
// How far ahead of today a shipment may be dated (goods leaving tonight
// are booked on tomorrow's date by some ERPs).
inline constexpr int kMaxShipDaysAhead = 1;

// The rules of a shipment (or of a return, is_return), first broken one
// returned, in this order:
//   distributor_id      required.
//   ship_date           a date (ParseDate: 2000-01-01 at the earliest), at
//                       most 1 day after `today`.
//   lines               1..500 lines. For line i:
//     lines[i].product_id   required; known to `products` (NOT_FOUND);
//                           for a sale, not discontinued (FAILED_PRECONDITION).
//     lines[i].batch_no     required; a batch of that product (NOT_FOUND);
//                           for a sale, not expired on the ship date
//                           (FAILED_PRECONDITION). A batch is usable through
//                           its expires_on day (有效期至), expired after it.
//     lines[i].quantity     > 0 packs: a return is a record of its own with
//                           is_return set and positive quantities.
//     lines[i].unit_price_fen   0..10^10 fen (0: priced by PriceShipment).
//     lines[i].authorised_provinces[j]   not blank.
// A return may carry discontinued products and expired batches: that is
// what goods come back for. returns_shipment_id is not checked here.
absl::Status ValidateShipment(const v1::Shipment& shipment, const ProductLookup& products,
                              absl::CivilDay today);

// The shipment priced on the distributor's terms:
//   - a line with unit_price_fen 0 takes the supply price of the account's
//     channel (SupplyPrice); NOT_FOUND naming lines[i].unit_price_fen when
//     the product has no price for that channel;
//   - a line with no authorised_provinces takes the account's (and stays
//     empty if the account has none);
//   - amount_fen = sum of quantity x unit_price_fen over the lines, always
//     recomputed (a return's amount is positive too: InvoiceFor turns it
//     into a credit note); OUT_OF_RANGE naming lines[i].quantity when a
//     line, or "amount_fen" when the sum, overflows int64;
//   - ship_date, when a date, is rewritten as YYYY-MM-DD.
// INVALID_ARGUMENT naming distributor_id when the account is another
// distributor's; NOT_FOUND naming lines[i].product_id for an unknown
// product. Meant for a shipment ValidateShipment accepted.
absl::StatusOr<v1::Shipment> PriceShipment(v1::Shipment shipment,
                                           const v1::DistributorAccount& account,
                                           const ProductLookup& products);

// Whether the distributor's credit allows a shipment of `shipment_amount_fen`
// while `open_receivables_fen` is still unpaid. The decision always carries
// the three figures; `reason` (English) and `reason_zh` (Simplified Chinese)
// are set only when it is refused:
//   1. account.on_hold: refused, whatever the amount; the reason quotes the
//      hold reason ("distributor D1 is on credit hold: <hold_reason>").
//   2. amount <= 0: accepted (nothing is lent).
//   3. credit_limit_fen <= 0 means no credit at all: refused, the shipment
//      needs prepayment ("no credit: the credit limit is ¥0.00, this
//      shipment ¥300.00 needs prepayment").
//   4. open + amount > credit_limit_fen: refused, "open receivables
//      ¥80,000.00 + this shipment ¥30,000.00 would exceed the credit limit
//      ¥100,000.00" / "应收余额 ¥80,000.00 加本次发货 ¥30,000.00 将超过信用额度
//      ¥100,000.00".
//   5. otherwise accepted (open + amount equal to the limit is accepted).
v1::CreditDecision DecideCredit(const v1::DistributorAccount& account,
                                int64_t open_receivables_fen, int64_t shipment_amount_fen);

// The same for a priced shipment: a return (is_return) is never refused,
// not even on hold, since it lowers what the distributor owes; any other
// shipment is decided on its amount_fen as above.
v1::CreditDecision DecideCredit(const v1::DistributorAccount& account,
                                int64_t open_receivables_fen, const v1::Shipment& shipment);


}  // namespace pharmacrm::sales_pipeline::channel

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_DOMAIN_CHANNEL_CREDIT_H_
