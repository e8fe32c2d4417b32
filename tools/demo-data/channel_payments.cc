// The channel's money: payments of the demo distributors' invoices and the
// credit limits that let every shipment through. See channel.h.
#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "absl/strings/str_format.h"
#include "absl/time/civil_time.h"
#include "channel_internal.h"

namespace pharmacrm::demo::internal {
namespace {

absl::CivilDay ParseDay(const std::string& text) {
  absl::CivilDay d;
  absl::ParseCivilTime(text, &d);
  return d;
}

std::string DayText(absl::CivilDay d) {
  return absl::StrFormat("%04d-%02d-%02d", d.year(), d.month(), d.day());
}

}  // namespace

std::vector<v1::Payment> DemoPayments(DemoRng& rng, const std::vector<v1::Shipment>& shipments,
                                      const std::vector<PaymentTerms>& terms,
                                      const std::string& as_of_text) {
  const absl::CivilDay as_of = ParseDay(as_of_text);
  const absl::CivilDay late_from(2025, 10, 1);
  std::vector<v1::Payment> all;
  for (const PaymentTerms& d : terms) {
    int64_t credit = 0;  // credit notes not yet taken off a payment
    std::vector<v1::Payment> payments;
    for (const v1::Shipment& shipment : shipments) {
      if (shipment.distributor_id() != d.key) continue;
      if (shipment.is_return()) {
        credit += shipment.amount_fen();
        continue;
      }
      const absl::CivilDay shipped = ParseDay(shipment.ship_date());
      const absl::CivilDay due = shipped + d.payment_days;
      absl::CivilDay paid = due - rng.Between(0, 7);
      if (d.slow_payer) paid = due + rng.Between(-3, 15);
      if (d.pays_late && shipped >= late_from) paid = due + 125;
      if (paid > as_of) continue;
      const int64_t taken = std::min(credit, shipment.amount_fen());
      credit -= taken;
      if (shipment.amount_fen() - taken <= 0) continue;
      v1::Payment payment;
      payment.set_distributor_id(d.key);
      payment.set_received_on(DayText(paid));
      payment.set_amount_fen(shipment.amount_fen() - taken);
      payments.push_back(std::move(payment));
    }
    std::stable_sort(payments.begin(), payments.end(),
                     [](const v1::Payment& x, const v1::Payment& y) {
                       return x.received_on() < y.received_on();
                     });
    int n = 0;
    for (v1::Payment& p : payments) {
      p.set_id(absl::StrFormat("PAY-%s-%03d", d.key, ++n));
      all.push_back(std::move(p));
    }
  }
  std::stable_sort(all.begin(), all.end(), [](const v1::Payment& x, const v1::Payment& y) {
    if (x.received_on() != y.received_on()) return x.received_on() < y.received_on();
    return x.id() < y.id();
  });
  return all;
}

void SetCreditLimits(const std::vector<v1::Shipment>& shipments,
                     const std::vector<v1::Payment>& payments,
                     std::vector<v1::DistributorAccount>* accounts) {
  for (v1::DistributorAccount& account : *accounts) {
    // The most it ever owes right after a shipment (payments of the ship
    // date counted), plus a quarter, in ¥100,000.
    int64_t most = 0;
    for (const v1::Shipment& shipment : shipments) {
      if (shipment.distributor_id() != account.distributor_id() || shipment.is_return()) continue;
      int64_t open = 0;
      for (const v1::Shipment& other : shipments) {
        if (other.distributor_id() != account.distributor_id() ||
            other.ship_date() > shipment.ship_date()) {
          continue;
        }
        open += other.is_return() ? -other.amount_fen() : other.amount_fen();
      }
      for (const v1::Payment& p : payments) {
        if (p.distributor_id() == account.distributor_id() &&
            p.received_on() <= shipment.ship_date()) {
          open -= p.amount_fen();
        }
      }
      most = std::max(most, open);
    }
    constexpr int64_t kStep = 10'000'000;  // ¥100,000
    account.set_credit_limit_fen(
        std::max<int64_t>(kStep, (most * 5 / 4 + kStep - 1) / kStep * kStep));
  }
}

}  // namespace pharmacrm::demo::internal
