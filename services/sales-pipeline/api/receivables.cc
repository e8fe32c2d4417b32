// ChannelService: sell-in and receivables (RecordShipment, RecordPayment,
// GetReceivables, AnnounceDueInvoices).
#include <utility>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "api/channel_service.h"
#include "domain/channel/catalogue.h"
#include "domain/channel/credit.h"
#include "domain/channel/dates.h"
#include "domain/channel/receivables.h"
#include "domain/channel/sales_facts.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/rpc/server.h"

namespace pharmacrm::sales_pipeline {
namespace {

constexpr int kDefaultMonths = 12;

// Writes the invoices whose record differs from what was read.
void PutChanged(const ChannelRepository& repo, store::Batch& batch,
                const std::vector<v1::Invoice>& before, const std::vector<v1::Invoice>& after) {
  absl::flat_hash_map<std::string, std::string> old_bytes;
  for (const v1::Invoice& invoice : before) old_bytes[invoice.id()] = invoice.SerializeAsString();
  for (const v1::Invoice& invoice : after) {
    auto it = old_bytes.find(invoice.id());
    if (it == old_bytes.end() || it->second != invoice.SerializeAsString()) {
      repo.PutInvoice(batch, invoice);
    }
  }
}

}  // namespace

grpc::Status ChannelService::RecordShipment(grpc::ServerContext* context,
                                            const v1::RecordShipmentRequest* request,
                                            v1::RecordShipmentResponse* response) {
  return rpc::HandleRpc("SalesChannel/RecordShipment", context,
                        [&] { return Ship(*request, rpc::ActorOf(*context), response); });
}

absl::Status ChannelService::Ship(const v1::RecordShipmentRequest& request,
                                  const std::string& actor, v1::RecordShipmentResponse* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  if (!request.has_shipment()) return core::FieldError("shipment", "must be set");
  const std::string& distributor_id = request.shipment().distributor_id();
  if (distributor_id.empty()) return core::FieldError("shipment.distributor_id", "must be set");
  absl::MutexLock lock(&locks_.For(distributor_id));
  return runtime::ExecuteOnce(
      host_.store(), "RecordShipment", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ASSIGN_OR_RETURN(v1::DistributorAccount account,
                         RequireAccount(distributor_id, "shipment.distributor_id"));
        ProductReads products(repo_);
        auto lookup = [&](absl::string_view id) { return products.Find(id); };
        absl::Status valid = channel::ValidateShipment(request.shipment(), lookup, Today());
        RETURN_IF_ERROR(products.status());
        RETURN_IF_ERROR(ChannelService::Under("shipment", valid));
        absl::StatusOr<v1::Shipment> priced =
            channel::PriceShipment(request.shipment(), account, lookup);
        RETURN_IF_ERROR(products.status());
        RETURN_IF_ERROR(ChannelService::Under("shipment", priced.status()));
        ASSIGN_OR_RETURN(std::vector<v1::Invoice> invoices, repo_.Invoices(distributor_id));
        const v1::CreditDecision decision =
            channel::DecideCredit(account, channel::OpenFen(invoices), *priced);
        if (!decision.accepted()) {
          return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "shipment",
                                   absl::StrCat(decision.reason(), " / ", decision.reason_zh()));
        }
        v1::Shipment shipment = *std::move(priced);
        shipment.set_id(host_.ids().Next());
        shipment.set_invoice_id(absl::StrCat(shipment.is_return() ? "CN-" : "INV-", shipment.id()));
        *shipment.mutable_recorded_at() = core::ToTimestamp(host_.clock().Now());
        shipment.set_recorded_by(actor);
        const std::vector<v1::Invoice> before = invoices;
        invoices.push_back(channel::InvoiceFor(shipment, account, shipment.invoice_id()));
        channel::ApplyCredits(invoices);
        PutChanged(repo_, batch, before, invoices);
        repo_.PutShipment(batch, shipment);
        // The distributor's sell-in facts of the month, this shipment added.
        absl::StatusOr<absl::CivilDay> shipped = channel::ParseDate(shipment.ship_date(), "ship_date");
        if (shipped.ok()) {
          RETURN_IF_ERROR(control_.AddFacts(
              batch, channel::SellInFacts({shipment}, absl::CivilMonth(*shipped),
                                          [&](absl::string_view, absl::string_view product_id) {
                                            const v1::Product* product = lookup(product_id);
                                            if (product == nullptr) return int64_t{0};
                                            return channel::SupplyPrice(*product, account.channel())
                                                .value_or(0);
                                          })));
        }
        v1::ShipmentRecorded event;
        *event.mutable_shipment() = shipment;
        for (const v1::Invoice& invoice : invoices) {
          if (invoice.id() == shipment.invoice_id()) *event.mutable_invoice() = invoice;
        }
        Publish(batch, "shipment", shipment.id(), 1, distributor_id, actor, request.request_id(),
                event);
        *response->mutable_shipment() = shipment;
        *response->mutable_invoice() = event.invoice();
        *response->mutable_credit() = decision;
        return absl::OkStatus();
      });
}

grpc::Status ChannelService::RecordPayment(grpc::ServerContext* context,
                                           const v1::RecordPaymentRequest* request,
                                           v1::Payment* response) {
  return rpc::HandleRpc("SalesChannel/RecordPayment", context,
                        [&] { return Pay(*request, rpc::ActorOf(*context), response); });
}

absl::Status ChannelService::Pay(const v1::RecordPaymentRequest& request,
                                 const std::string& actor, v1::Payment* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  if (!request.has_payment()) return core::FieldError("payment", "must be set");
  const std::string& distributor_id = request.payment().distributor_id();
  if (distributor_id.empty()) return core::FieldError("payment.distributor_id", "must be set");
  ASSIGN_OR_RETURN(absl::CivilDay received,
                   channel::ParseDate(request.payment().received_on(), "payment.received_on"));
  if (received > Today() + 1) {
    return core::FieldError("payment.received_on", "is in the future");
  }
  absl::MutexLock lock(&locks_.For(distributor_id));
  return runtime::ExecuteOnce(
      host_.store(), "RecordPayment", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ASSIGN_OR_RETURN(v1::DistributorAccount account,
                         RequireAccount(distributor_id, "payment.distributor_id"));
        ASSIGN_OR_RETURN(std::vector<v1::Invoice> invoices, repo_.Invoices(distributor_id));
        const std::vector<v1::Invoice> before = invoices;
        v1::Payment payment = request.payment();
        payment.clear_unallocated_fen();
        payment.set_id(absl::StrCat("PAY-", host_.ids().Next()));
        *payment.mutable_recorded_at() = core::ToTimestamp(host_.clock().Now());
        absl::StatusOr<v1::Payment> allocated = channel::AllocatePayment(payment, invoices);
        RETURN_IF_ERROR(ChannelService::Under("payment", allocated.status()));
        PutChanged(repo_, batch, before, invoices);
        repo_.PutPayment(batch, *allocated);
        v1::PaymentRecorded event;
        *event.mutable_payment() = *allocated;
        Publish(batch, "payment", allocated->id(), 1, distributor_id, actor, request.request_id(),
                event);
        *response = *std::move(allocated);
        return absl::OkStatus();
      });
}

grpc::Status ChannelService::GetReceivables(grpc::ServerContext* context,
                                            const v1::GetReceivablesRequest* request,
                                            v1::ReceivablesSummary* response) {
  return rpc::HandleRpc("SalesChannel/GetReceivables", context,
                        [&] { return Receivables(*request, response); });
}

absl::Status ChannelService::Receivables(const v1::GetReceivablesRequest& request,
                                         v1::ReceivablesSummary* response) {
  absl::CivilDay as_of = Today();
  if (!request.as_of().empty()) {
    ASSIGN_OR_RETURN(as_of, channel::ParseDate(request.as_of(), "as_of"));
  }
  const absl::CivilMonth to(as_of);
  absl::CivilMonth from = to - (kDefaultMonths - 1);
  if (!request.from_month().empty()) {
    ASSIGN_OR_RETURN(from, channel::ParseMonth(request.from_month(), "from_month"));
    if (from > to) return core::FieldError("from_month", "is after the month of as_of");
    if (to - from >= 120) return core::FieldError("from_month", "at most 120 months back");
  }
  ASSIGN_OR_RETURN(v1::DistributorAccount account,
                   RequireAccount(request.distributor_id(), "distributor_id"));
  ASSIGN_OR_RETURN(std::vector<v1::Invoice> invoices, repo_.Invoices(account.distributor_id()));
  ASSIGN_OR_RETURN(std::vector<v1::Payment> payments, repo_.Payments(account.distributor_id()));
  response->set_distributor_id(account.distributor_id());
  response->set_as_of(channel::FormatDate(as_of));
  *response->mutable_aging() = channel::Age(invoices, as_of);
  response->set_open_fen(channel::OpenFen(invoices));
  response->set_credit_limit_fen(account.credit_limit_fen());
  response->set_available_credit_fen(account.credit_limit_fen() - response->open_fen());
  response->set_on_hold(account.on_hold());
  response->set_hold_reason(account.hold_reason());
  for (v1::ReceivablesMonth& month : channel::MonthlyFigures(invoices, payments, from, to)) {
    *response->add_months() = std::move(month);
  }
  return absl::OkStatus();
}

grpc::Status ChannelService::AnnounceDueInvoices(grpc::ServerContext* context,
                                                 const v1::AnnounceDueInvoicesRequest* request,
                                                 v1::AnnounceDueInvoicesResponse* response) {
  return rpc::HandleRpc("SalesChannel/AnnounceDueInvoices", context,
                        [&] { return AnnounceDue(*request, rpc::ActorOf(*context), response); });
}

absl::Status ChannelService::AnnounceDue(const v1::AnnounceDueInvoicesRequest& request,
                                         const std::string& actor,
                                         v1::AnnounceDueInvoicesResponse* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  absl::CivilDay today = Today();
  if (!request.as_of().empty()) {
    ASSIGN_OR_RETURN(today, channel::ParseDate(request.as_of(), "as_of"));
    if (today > Today() + 1) return core::FieldError("as_of", "is in the future");
  }
  ASSIGN_OR_RETURN(std::vector<std::string> distributors, repo_.InvoicedDistributors());
  // One step per distributor, each once per request id: a retry redoes
  // only the distributors a failure left out, and answers the same counts.
  for (const std::string& distributor_id : distributors) {
    absl::MutexLock lock(&locks_.For(distributor_id));
    v1::AnnounceDueInvoicesResponse counts;
    const std::string step_id = absl::StrCat(request.request_id(), "/", distributor_id);
    RETURN_IF_ERROR(runtime::ExecuteOnce(
        host_.store(), "AnnounceDueInvoices", step_id, request, &counts,
        [&](store::Batch& batch, google::protobuf::Message*) {
          return AnnounceDueFor(distributor_id, today, request.request_id(), actor, batch,
                                &counts);
        }));
    response->set_fell_due(response->fell_due() + counts.fell_due());
    response->set_overdue(response->overdue() + counts.overdue());
    response->set_holds_set(response->holds_set() + counts.holds_set());
    response->set_holds_lifted(response->holds_lifted() + counts.holds_lifted());
  }
  return absl::OkStatus();
}

absl::Status ChannelService::AnnounceDueFor(const std::string& distributor_id,
                                            absl::CivilDay today, const std::string& request_id,
                                            const std::string& actor, store::Batch& batch,
                                            v1::AnnounceDueInvoicesResponse* response) {
  ASSIGN_OR_RETURN(std::vector<v1::Invoice> invoices, repo_.Invoices(distributor_id));
  const std::vector<v1::Invoice> before = invoices;
  channel::DueChanges changes = channel::FindDueChanges(invoices, today);
  PutChanged(repo_, batch, before, invoices);
  for (const v1::Invoice& invoice : changes.fell_due) {
    v1::InvoiceFellDue event;
    *event.mutable_invoice() = invoice;
    Publish(batch, "invoice", invoice.id(), 2, distributor_id, actor, request_id, event);
  }
  for (const auto& [invoice, days] : changes.overdue) {
    v1::InvoiceOverdue event;
    *event.mutable_invoice() = invoice;
    event.set_days_overdue(days);
    Publish(batch, "invoice", invoice.id(), 3, distributor_id, actor, request_id, event);
  }
  response->set_fell_due(static_cast<int32_t>(changes.fell_due.size()));
  response->set_overdue(static_cast<int32_t>(changes.overdue.size()));
  ASSIGN_OR_RETURN(std::optional<v1::DistributorAccount> account, repo_.Account(distributor_id));
  if (!account) return absl::OkStatus();
  std::optional<std::pair<bool, std::string>> hold =
      channel::HoldChange(*account, channel::Age(invoices, today), channel::OpenFen(invoices),
                          channel::OldestDaysOverdue(invoices, today), channel::HoldRule());
  if (!hold) return absl::OkStatus();
  account->set_on_hold(hold->first);
  account->set_hold_is_manual(false);
  account->set_hold_reason(hold->first ? hold->second : "");
  account->set_version(account->version() + 1);
  *account->mutable_updated_at() = core::ToTimestamp(host_.clock().Now());
  repo_.PutAccount(batch, *account);
  v1::CreditHoldChanged event;
  *event.mutable_account() = *account;
  Publish(batch, "distributor_account", distributor_id, account->version(), distributor_id, actor,
          request_id, event);
  (hold->first ? response->set_holds_set(1) : response->set_holds_lifted(1));
  return absl::OkStatus();
}

}  // namespace pharmacrm::sales_pipeline
