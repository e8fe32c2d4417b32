#include "domain/channel/credit.h"

#include <string>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "domain/channel/catalogue.h"
#include "domain/channel/dates.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::sales_pipeline::channel {
namespace {

std::string Line(int i, absl::string_view field) { return absl::StrCat("lines[", i, "].", field); }

absl::Status ValidateLine(const v1::Shipment& shipment, int i, const ProductLookup& products,
                          absl::CivilDay ship_date) {
  const v1::ShipmentLine& line = shipment.lines(i);
  if (line.product_id().empty()) return core::FieldError(Line(i, "product_id"), "must be set");
  const v1::Product* product = products(line.product_id());
  if (product == nullptr) {
    return core::FieldStatus(absl::StatusCode::kNotFound, Line(i, "product_id"),
                             absl::StrCat("no product ", line.product_id(), " in the catalogue"));
  }
  if (product->discontinued() && !shipment.is_return()) {
    return core::FieldStatus(absl::StatusCode::kFailedPrecondition, Line(i, "product_id"),
                             absl::StrCat("product ", product->id(), " is discontinued"));
  }
  if (line.batch_no().empty()) return core::FieldError(Line(i, "batch_no"), "must be set");
  const v1::ProductBatch* batch = FindBatch(*product, line.batch_no());
  if (batch == nullptr) {
    return core::FieldStatus(
        absl::StatusCode::kNotFound, Line(i, "batch_no"),
        absl::StrCat("product ", product->id(), " has no batch ", line.batch_no()));
  }
  if (!shipment.is_return()) {
    absl::StatusOr<absl::CivilDay> expires = ParseDate(batch->expires_on(), "expires_on");
    if (!expires.ok()) {
      return core::FieldStatus(absl::StatusCode::kFailedPrecondition, Line(i, "batch_no"),
                               absl::StrCat("batch ", batch->batch_no(), " of ", product->id(),
                                            " has no valid expiry date"));
    }
    if (*expires < ship_date) {
      return core::FieldStatus(absl::StatusCode::kFailedPrecondition, Line(i, "batch_no"),
                               absl::StrCat("batch ", batch->batch_no(), " of ", product->id(),
                                            " expired on ", FormatDate(*expires),
                                            ", before the ship date ", FormatDate(ship_date)));
    }
  }
  if (line.quantity() <= 0) {
    return core::FieldError(
        Line(i, "quantity"),
        absl::StrCat(line.quantity(), " packs: must be > 0 (a return is a record with is_return)"));
  }
  if (line.unit_price_fen() < 0 || line.unit_price_fen() > kMaxPriceFen) {
    return core::FieldError(
        Line(i, "unit_price_fen"),
        absl::StrCat(line.unit_price_fen(), " fen is outside 0..", kMaxPriceFen));
  }
  for (int j = 0; j < line.authorised_provinces_size(); ++j) {
    if (absl::StripAsciiWhitespace(line.authorised_provinces(j)).empty()) {
      return core::FieldError(absl::StrCat(Line(i, "authorised_provinces"), "[", j, "]"),
                              "must not be blank");
    }
  }
  return absl::OkStatus();
}

v1::CreditDecision Refused(v1::CreditDecision decision, std::string reason, std::string reason_zh) {
  decision.set_accepted(false);
  decision.set_reason(std::move(reason));
  decision.set_reason_zh(std::move(reason_zh));
  return decision;
}

}  // namespace

absl::Status ValidateShipment(const v1::Shipment& shipment, const ProductLookup& products,
                              absl::CivilDay today) {
  if (shipment.distributor_id().empty()) return core::FieldError("distributor_id", "must be set");
  ASSIGN_OR_RETURN(const absl::CivilDay ship_date, ParseDate(shipment.ship_date(), "ship_date"));
  if (ship_date > today + kMaxShipDaysAhead) {
    return core::FieldError("ship_date", absl::StrCat(FormatDate(ship_date), " is more than ",
                                                      kMaxShipDaysAhead, " day after today, ",
                                                      FormatDate(today)));
  }
  if (shipment.lines_size() == 0) return core::FieldError("lines", "a shipment needs a line");
  if (shipment.lines_size() > kMaxShipmentLines) {
    return core::FieldError("lines", absl::StrCat(shipment.lines_size(), " lines: at most ",
                                                  kMaxShipmentLines));
  }
  for (int i = 0; i < shipment.lines_size(); ++i) {
    RETURN_IF_ERROR(ValidateLine(shipment, i, products, ship_date));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Shipment> PriceShipment(v1::Shipment shipment,
                                           const v1::DistributorAccount& account,
                                           const ProductLookup& products) {
  if (shipment.distributor_id() != account.distributor_id()) {
    return core::FieldError("distributor_id",
                            absl::StrCat("shipment to ", shipment.distributor_id(),
                                         " priced on the account of ", account.distributor_id()));
  }
  if (absl::StatusOr<absl::CivilDay> day = ParseDate(shipment.ship_date(), "ship_date"); day.ok()) {
    shipment.set_ship_date(FormatDate(*day));
  }
  int64_t amount = 0;
  for (int i = 0; i < shipment.lines_size(); ++i) {
    v1::ShipmentLine& line = *shipment.mutable_lines(i);
    const v1::Product* product = products(line.product_id());
    if (product == nullptr) {
      return core::FieldStatus(absl::StatusCode::kNotFound, Line(i, "product_id"),
                               absl::StrCat("no product ", line.product_id(), " in the catalogue"));
    }
    if (line.unit_price_fen() == 0) {
      absl::StatusOr<int64_t> price = SupplyPrice(*product, account.channel());
      if (!price.ok()) {
        return core::FieldStatus(absl::StatusCode::kNotFound, Line(i, "unit_price_fen"),
                                 absl::StrCat("not given, and product ", product->id(),
                                              " has no supply price for channel '",
                                              account.channel(), "' of distributor ",
                                              account.distributor_id()));
      }
      line.set_unit_price_fen(*price);
    }
    if (line.authorised_provinces().empty()) {
      *line.mutable_authorised_provinces() = account.authorised_provinces();
    }
    int64_t line_amount = 0;
    if (__builtin_mul_overflow(line.quantity(), line.unit_price_fen(), &line_amount)) {
      return core::FieldStatus(absl::StatusCode::kOutOfRange, Line(i, "quantity"),
                               absl::StrCat(line.quantity(), " packs at ", line.unit_price_fen(),
                                            " fen overflow the amount"));
    }
    if (__builtin_add_overflow(amount, line_amount, &amount)) {
      return core::FieldStatus(absl::StatusCode::kOutOfRange, "amount_fen",
                               "the lines' amounts overflow the shipment's amount");
    }
  }
  shipment.set_amount_fen(amount);
  return shipment;
}

v1::CreditDecision DecideCredit(const v1::DistributorAccount& account,
                                int64_t open_receivables_fen, int64_t shipment_amount_fen) {
  v1::CreditDecision decision;
  decision.set_accepted(true);
  decision.set_open_receivables_fen(open_receivables_fen);
  decision.set_shipment_amount_fen(shipment_amount_fen);
  decision.set_credit_limit_fen(account.credit_limit_fen());
  const std::string& who = account.distributor_id();
  if (account.on_hold()) {
    if (account.hold_reason().empty()) {
      return Refused(std::move(decision), absl::StrCat("distributor ", who, " is on credit hold"),
                     absl::StrCat("经销商 ", who, " 已被信用冻结"));
    }
    return Refused(std::move(decision),
                   absl::StrCat("distributor ", who, " is on credit hold: ", account.hold_reason()),
                   absl::StrCat("经销商 ", who, " 已被信用冻结：", account.hold_reason()));
  }
  if (shipment_amount_fen <= 0) return decision;
  const std::string limit = FormatYuan(account.credit_limit_fen());
  const std::string amount = FormatYuan(shipment_amount_fen);
  if (account.credit_limit_fen() <= 0) {
    return Refused(std::move(decision),
                   absl::StrCat("no credit: the credit limit is ", limit, ", this shipment ",
                                amount, " needs prepayment"),
                   absl::StrCat("无信用额度（信用额度 ", limit, "），本次发货 ", amount,
                                " 需先款后货"));
  }
  int64_t total = 0;
  if (__builtin_add_overflow(open_receivables_fen, shipment_amount_fen, &total) ||
      total > account.credit_limit_fen()) {
    const std::string open = FormatYuan(open_receivables_fen);
    return Refused(std::move(decision),
                   absl::StrCat("open receivables ", open, " + this shipment ", amount,
                                " would exceed the credit limit ", limit),
                   absl::StrCat("应收余额 ", open, " 加本次发货 ", amount, " 将超过信用额度 ",
                                limit));
  }
  return decision;
}

v1::CreditDecision DecideCredit(const v1::DistributorAccount& account,
                                int64_t open_receivables_fen, const v1::Shipment& shipment) {
  if (!shipment.is_return()) {
    return DecideCredit(account, open_receivables_fen, shipment.amount_fen());
  }
  v1::CreditDecision decision;
  decision.set_accepted(true);
  decision.set_open_receivables_fen(open_receivables_fen);
  decision.set_shipment_amount_fen(shipment.amount_fen());
  decision.set_credit_limit_fen(account.credit_limit_fen());
  return decision;
}

}  // namespace pharmacrm::sales_pipeline::channel
