#include "domain/channel/receivables.h"

#include <algorithm>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/strings/string_view.h"
#include "domain/channel/credit.h"
#include "domain/channel/dates.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

int64_t Remaining(const v1::Invoice& invoice) { return invoice.amount_fen() - invoice.paid_fen(); }

bool IsOpen(const v1::Invoice& invoice) {
  return invoice.status() == v1::INVOICE_STATUS_OPEN;
}

// An OPEN invoice (not a credit note) with something still owed.
bool Owes(const v1::Invoice& invoice) {
  return IsOpen(invoice) && invoice.amount_fen() > 0 && Remaining(invoice) > 0;
}

std::optional<absl::CivilDay> Day(absl::string_view text) {
  absl::StatusOr<absl::CivilDay> day = ParseDate(text, "date");
  if (!day.ok()) return std::nullopt;
  return *day;
}

absl::CivilDay DayOr(absl::string_view text, absl::CivilDay fallback) {
  return Day(text).value_or(fallback);
}

// Indices of the invoices `pick` selects, in order of age.
template <typename Pick>
std::vector<size_t> ByAge(const std::vector<v1::Invoice>& invoices, Pick pick) {
  std::vector<size_t> order;
  for (size_t i = 0; i < invoices.size(); ++i) {
    if (pick(invoices[i])) order.push_back(i);
  }
  auto key = [&](size_t i) {
    return std::make_tuple(DayOr(invoices[i].due_on(), kLastDay),
                           DayOr(invoices[i].issued_on(), kLastDay), invoices[i].id());
  };
  std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return key(a) < key(b); });
  return order;
}

// Applies the open credit notes of `distributor` (of every distributor when
// null) to the open invoices of the same distributor.
void ApplyCreditsOf(std::vector<v1::Invoice>& invoices, const std::string* distributor) {
  auto mine = [&](const v1::Invoice& invoice) {
    return distributor == nullptr || invoice.distributor_id() == *distributor;
  };
  std::vector<size_t> credits;
  for (size_t i = 0; i < invoices.size(); ++i) {
    const v1::Invoice& note = invoices[i];
    if (mine(note) && IsOpen(note) && note.amount_fen() < 0 && Remaining(note) < 0) {
      credits.push_back(i);
    }
  }
  auto issued = [&](size_t i) {
    return std::make_tuple(DayOr(invoices[i].issued_on(), kLastDay), invoices[i].id());
  };
  std::stable_sort(credits.begin(), credits.end(),
                   [&](size_t a, size_t b) { return issued(a) < issued(b); });
  const std::vector<size_t> debts =
      ByAge(invoices, [&](const v1::Invoice& invoice) { return mine(invoice) && Owes(invoice); });
  for (size_t c : credits) {
    v1::Invoice& note = invoices[c];
    std::optional<absl::CivilDay> last_used;
    for (size_t d : debts) {
      if (Remaining(note) == 0) break;
      v1::Invoice& invoice = invoices[d];
      if (invoice.distributor_id() != note.distributor_id() || !Owes(invoice)) continue;
      const int64_t used = std::min(-Remaining(note), Remaining(invoice));
      invoice.set_paid_fen(invoice.paid_fen() + used);
      note.set_paid_fen(note.paid_fen() - used);
      const absl::CivilDay on = std::max(DayOr(note.issued_on(), kFirstDay),
                                         DayOr(invoice.issued_on(), kFirstDay));
      last_used = std::max(last_used.value_or(on), on);
      if (Remaining(invoice) == 0) {
        invoice.set_status(v1::INVOICE_STATUS_CREDITED);
        invoice.set_paid_on(FormatDate(on));
      }
    }
    if (Remaining(note) == 0 && last_used.has_value()) {
      note.set_status(v1::INVOICE_STATUS_CREDITED);
      note.set_paid_on(FormatDate(*last_used));
    }
  }
}

// Adds `fen` of a payment received on `received` to the invoice.
void Settle(v1::Invoice& invoice, int64_t fen, absl::CivilDay received) {
  invoice.set_paid_fen(invoice.paid_fen() + fen);
  if (Remaining(invoice) == 0) {
    invoice.set_status(v1::INVOICE_STATUS_PAID);
    invoice.set_paid_on(FormatDate(std::max(received, DayOr(invoice.issued_on(), kFirstDay))));
  }
}

absl::Status AllocateAsGiven(v1::Payment& payment, absl::CivilDay received,
                             std::vector<v1::Invoice>& invoices, int64_t& allocated) {
  absl::flat_hash_map<absl::string_view, size_t> by_id;
  for (size_t i = 0; i < invoices.size(); ++i) by_id.emplace(invoices[i].id(), i);
  for (int i = 0; i < payment.allocations_size(); ++i) {
    const v1::PaymentAllocation& allocation = payment.allocations(i);
    const std::string id_field = absl::StrCat("allocations[", i, "].invoice_id");
    const std::string amount_field = absl::StrCat("allocations[", i, "].amount_fen");
    const std::string& id = allocation.invoice_id();
    if (id.empty()) return core::FieldError(id_field, "must be set");
    auto found = by_id.find(id);
    if (found == by_id.end()) {
      return core::FieldStatus(absl::StatusCode::kNotFound, id_field,
                               absl::StrCat("no open invoice ", id));
    }
    v1::Invoice& invoice = invoices[found->second];
    if (invoice.distributor_id() != payment.distributor_id()) {
      return core::FieldError(id_field, absl::StrCat("invoice ", id, " is distributor ",
                                                     invoice.distributor_id(), "'s, not ",
                                                     payment.distributor_id(), "'s"));
    }
    if (invoice.amount_fen() <= 0) {
      return core::FieldError(id_field, absl::StrCat(id, " is a credit note, not an invoice"));
    }
    if (!IsOpen(invoice)) {
      return core::FieldStatus(absl::StatusCode::kFailedPrecondition, id_field,
                               absl::StrCat("invoice ", id, " is settled already"));
    }
    if (allocation.amount_fen() <= 0) {
      return core::FieldError(amount_field,
                              absl::StrCat(allocation.amount_fen(), " fen: must be > 0"));
    }
    if (allocation.amount_fen() > Remaining(invoice)) {
      return core::FieldStatus(absl::StatusCode::kFailedPrecondition, amount_field,
                               absl::StrCat(FormatYuan(allocation.amount_fen()),
                                            " is more than the ", FormatYuan(Remaining(invoice)),
                                            " invoice ", id, " still owes"));
    }
    if (__builtin_add_overflow(allocated, allocation.amount_fen(), &allocated) ||
        allocated > payment.amount_fen()) {
      return core::FieldError(amount_field, absl::StrCat("the allocations exceed the payment ",
                                                         FormatYuan(payment.amount_fen())));
    }
    Settle(invoice, allocation.amount_fen(), received);
  }
  return absl::OkStatus();
}

}  // namespace

v1::Invoice InvoiceFor(const v1::Shipment& shipment, const v1::DistributorAccount& account,
                       std::string invoice_id) {
  v1::Invoice invoice;
  invoice.set_id(std::move(invoice_id));
  invoice.set_distributor_id(shipment.distributor_id());
  invoice.set_shipment_id(shipment.id());
  invoice.set_status(v1::INVOICE_STATUS_OPEN);
  invoice.set_amount_fen(shipment.is_return() ? -shipment.amount_fen() : shipment.amount_fen());
  const std::optional<absl::CivilDay> shipped = Day(shipment.ship_date());
  if (!shipped.has_value()) {
    invoice.set_issued_on(shipment.ship_date());
    invoice.set_due_on(shipment.ship_date());
    return invoice;
  }
  invoice.set_issued_on(FormatDate(*shipped));
  const int days = shipment.is_return() ? 0 : std::max(0, account.payment_days());
  invoice.set_due_on(FormatDate(*shipped + days));
  return invoice;
}

void ApplyCredits(std::vector<v1::Invoice>& invoices) { ApplyCreditsOf(invoices, nullptr); }

absl::StatusOr<v1::Payment> AllocatePayment(v1::Payment payment,
                                            std::vector<v1::Invoice>& open_invoices) {
  if (payment.distributor_id().empty()) return core::FieldError("distributor_id", "must be set");
  ASSIGN_OR_RETURN(const absl::CivilDay received, ParseDate(payment.received_on(), "received_on"));
  payment.set_received_on(FormatDate(received));
  if (payment.amount_fen() <= 0) {
    return core::FieldError("amount_fen", absl::StrCat(payment.amount_fen(), " fen: must be > 0"));
  }
  std::vector<v1::Invoice> invoices = open_invoices;
  ApplyCreditsOf(invoices, &payment.distributor_id());
  int64_t allocated = 0;
  if (payment.allocations_size() > 0) {
    RETURN_IF_ERROR(AllocateAsGiven(payment, received, invoices, allocated));
  } else {
    const std::vector<size_t> order = ByAge(invoices, [&](const v1::Invoice& invoice) {
      return invoice.distributor_id() == payment.distributor_id() && Owes(invoice);
    });
    for (size_t i : order) {
      const int64_t left = payment.amount_fen() - allocated;
      if (left == 0) break;
      v1::Invoice& invoice = invoices[i];
      const int64_t paid = std::min(left, Remaining(invoice));
      Settle(invoice, paid, received);
      v1::PaymentAllocation* allocation = payment.add_allocations();
      allocation->set_invoice_id(invoice.id());
      allocation->set_amount_fen(paid);
      allocated += paid;
    }
  }
  payment.set_unallocated_fen(payment.amount_fen() - allocated);
  open_invoices = std::move(invoices);
  return payment;
}

int64_t OpenFen(const std::vector<v1::Invoice>& invoices) {
  int64_t open = 0;
  for (const v1::Invoice& invoice : invoices) {
    if (IsOpen(invoice)) open += Remaining(invoice);
  }
  return open;
}

int OldestDaysOverdue(const std::vector<v1::Invoice>& invoices, absl::CivilDay as_of) {
  int oldest = 0;
  for (const v1::Invoice& invoice : invoices) {
    if (!Owes(invoice)) continue;
    const std::optional<absl::CivilDay> due = Day(invoice.due_on());
    if (due.has_value() && as_of > *due) oldest = std::max(oldest, static_cast<int>(as_of - *due));
  }
  return oldest;
}

v1::AgingBuckets Age(const std::vector<v1::Invoice>& invoices, absl::CivilDay as_of) {
  v1::AgingBuckets buckets;
  for (const v1::Invoice& invoice : invoices) {
    if (!Owes(invoice)) continue;
    const std::optional<absl::CivilDay> due = Day(invoice.due_on());
    if (!due.has_value()) continue;
    const int64_t fen = Remaining(invoice);
    const int64_t days = as_of - *due;
    if (days < 0) {
      buckets.set_not_due_fen(buckets.not_due_fen() + fen);
    } else if (days <= 30) {
      buckets.set_days_0_30_fen(buckets.days_0_30_fen() + fen);
    } else if (days <= 60) {
      buckets.set_days_31_60_fen(buckets.days_31_60_fen() + fen);
    } else if (days <= 90) {
      buckets.set_days_61_90_fen(buckets.days_61_90_fen() + fen);
    } else {
      buckets.set_days_over_90_fen(buckets.days_over_90_fen() + fen);
    }
  }
  return buckets;
}

std::vector<v1::ReceivablesMonth> MonthlyFigures(const std::vector<v1::Invoice>& invoices,
                                                 const std::vector<v1::Payment>& payments,
                                                 absl::CivilMonth from, absl::CivilMonth to) {
  struct Dated {
    absl::CivilDay day;
    int64_t fen;
  };
  std::vector<Dated> issued;     // invoices and credit notes, by issue date
  std::vector<Dated> received;   // payments, by receipt
  std::vector<Dated> allocated;  // allocations, from when they count
  absl::flat_hash_map<absl::string_view, absl::CivilDay> issue_day;
  for (const v1::Invoice& invoice : invoices) {
    const std::optional<absl::CivilDay> day = Day(invoice.issued_on());
    if (!day.has_value()) continue;
    issued.push_back({*day, invoice.amount_fen()});
    issue_day.emplace(invoice.id(), *day);
  }
  for (const v1::Payment& payment : payments) {
    const std::optional<absl::CivilDay> day = Day(payment.received_on());
    if (!day.has_value()) continue;
    received.push_back({*day, payment.amount_fen()});
    for (const v1::PaymentAllocation& allocation : payment.allocations()) {
      auto invoice = issue_day.find(allocation.invoice_id());
      if (invoice == issue_day.end()) continue;
      allocated.push_back({std::max(*day, invoice->second), allocation.amount_fen()});
    }
  }
  auto sum = [](const std::vector<Dated>& records, absl::CivilDay first, absl::CivilDay last) {
    int64_t total = 0;
    for (const Dated& record : records) {
      if (record.day >= first && record.day <= last) total += record.fen;
    }
    return total;
  };

  std::vector<v1::ReceivablesMonth> months;
  for (absl::CivilMonth month = from; month <= to; ++month) {
    const absl::CivilDay first(month);
    const absl::CivilDay last = absl::CivilDay(month + 1) - 1;
    v1::ReceivablesMonth& figures = months.emplace_back();
    figures.set_month(FormatMonth(month));
    figures.set_sales_fen(sum(issued, first, last));
    figures.set_collected_fen(sum(received, first, last));
    const int64_t closing = sum(issued, kFirstDay, last) - sum(allocated, kFirstDay, last);
    figures.set_closing_open_fen(closing);
    const absl::CivilDay quarter_first(month - 2);
    const int64_t quarter_sales = sum(issued, quarter_first, last);
    if (closing > 0 && quarter_sales > 0) {
      const double days = static_cast<double>(absl::CivilDay(month + 1) - quarter_first);
      figures.set_dso_days(static_cast<double>(closing) * days /
                           static_cast<double>(quarter_sales));
    }
    int due = 0;
    int on_time = 0;
    for (const v1::Invoice& invoice : invoices) {
      const std::optional<absl::CivilDay> due_on = Day(invoice.due_on());
      if (invoice.amount_fen() <= 0 || !due_on.has_value() || *due_on < first || *due_on > last) {
        continue;
      }
      ++due;
      const std::optional<absl::CivilDay> paid_on = Day(invoice.paid_on());
      const bool settled = invoice.status() == v1::INVOICE_STATUS_PAID ||
                           invoice.status() == v1::INVOICE_STATUS_CREDITED;
      if (settled && paid_on.has_value() && *paid_on <= *due_on) ++on_time;
    }
    figures.set_invoices_due(due);
    figures.set_invoices_paid_on_time(on_time);
    if (due > 0) figures.set_on_time_rate(static_cast<double>(on_time) / due);
  }
  return months;
}

DueChanges FindDueChanges(std::vector<v1::Invoice>& invoices, absl::CivilDay today) {
  DueChanges changes;
  for (v1::Invoice& invoice : invoices) {
    if (!IsOpen(invoice) || invoice.amount_fen() <= 0) continue;
    const std::optional<absl::CivilDay> due = Day(invoice.due_on());
    if (!due.has_value()) continue;
    const bool fell_due = *due <= today && !invoice.due_announced();
    const bool overdue = today > *due && !invoice.overdue_announced();
    if (fell_due) invoice.set_due_announced(true);
    if (overdue) invoice.set_overdue_announced(true);
    if (fell_due) changes.fell_due.push_back(invoice);
    if (overdue) changes.overdue.emplace_back(invoice, static_cast<int>(today - *due));
  }
  return changes;
}

std::optional<std::pair<bool, std::string>> HoldChange(const v1::DistributorAccount& account,
                                                       const v1::AgingBuckets& aging,
                                                       int64_t open_fen, int oldest_days_overdue,
                                                       const HoldRule& rule) {
  const int64_t limit = account.credit_limit_fen();
  std::vector<std::string> causes;
  if (oldest_days_overdue > rule.max_days_overdue) {
    const int64_t past_due = aging.days_0_30_fen() + aging.days_31_60_fen() +
                             aging.days_61_90_fen() + aging.days_over_90_fen();
    causes.push_back(absl::StrCat("an invoice is ", oldest_days_overdue,
                                  " days overdue (more than ", rule.max_days_overdue,
                                  " allowed); ", FormatYuan(past_due), " past due in all"));
  }
  if (rule.hold_over_limit && open_fen > limit) {
    causes.push_back(absl::StrCat("open receivables ", FormatYuan(open_fen),
                                  " exceed the credit limit ", FormatYuan(limit)));
  }
  if (account.on_hold()) {
    if (account.hold_is_manual() || !causes.empty()) return std::nullopt;
    std::string lifted = absl::StrCat("no invoice is more than ", rule.max_days_overdue,
                                      " days overdue (the oldest: ", oldest_days_overdue, " days)");
    if (rule.hold_over_limit) {
      absl::StrAppend(&lifted, "; open receivables ", FormatYuan(open_fen),
                      " are within the credit limit ", FormatYuan(limit));
    }
    return std::make_pair(false, std::move(lifted));
  }
  if (causes.empty()) return std::nullopt;
  return std::make_pair(true, absl::StrJoin(causes, "; "));
}

}  // namespace pharmacrm::sales_pipeline::channel
