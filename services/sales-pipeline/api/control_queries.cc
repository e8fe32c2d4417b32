// ChannelControlService: the queries (inventory, reconciliation, findings,
// a customer's sales and its channel part of Customer 360).
#include <algorithm>
#include <optional>
#include <utility>
#include <vector>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "api/channel_control_service.h"
#include "api/paging.h"
#include "domain/channel/dates.h"
#include "domain/channel/receivables.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/rpc/server.h"

namespace pharmacrm::sales_pipeline {
namespace {

constexpr int kMaxMonths = 120;
constexpr int kCustomerChannelFindings = 20;

// [from, to] from the request's optional months: `to` defaults to
// `default_to`, `from` to 11 months before `to`; at most kMaxMonths.
absl::StatusOr<std::pair<absl::CivilMonth, absl::CivilMonth>> MonthRange(
    absl::string_view from_text, absl::string_view to_text, absl::CivilMonth default_to) {
  absl::CivilMonth to = default_to;
  if (!to_text.empty()) {
    ASSIGN_OR_RETURN(to, channel::ParseMonth(to_text, "to_month"));
  }
  absl::CivilMonth from = to - 11;
  if (!from_text.empty()) {
    ASSIGN_OR_RETURN(from, channel::ParseMonth(from_text, "from_month"));
  }
  if (from > to) return core::FieldError("from_month", "is after to_month");
  if (to - from >= kMaxMonths) {
    return core::FieldError("from_month", absl::StrCat("at most ", kMaxMonths, " months"));
  }
  return std::make_pair(from, to);
}

// Most severe first, then the newest month, then id.
bool SeverityOrder(const v1::Finding& a, const v1::Finding& b) {
  if (a.severity() != b.severity()) return a.severity() > b.severity();
  if (a.month() != b.month()) return a.month() > b.month();
  return a.id() < b.id();
}

// The newest month first, then the most severe, then id.
bool ListOrder(const v1::Finding& a, const v1::Finding& b) {
  if (a.month() != b.month()) return a.month() > b.month();
  if (a.severity() != b.severity()) return a.severity() > b.severity();
  return a.id() < b.id();
}

}  // namespace

grpc::Status ChannelControlService::GetInventory(grpc::ServerContext* context,
                                                 const v1::GetInventoryRequest* request,
                                                 v1::Inventory* response) {
  return rpc::HandleRpc("ChannelControl/GetInventory", context,
                        [&] { return Inventory(*request, response); });
}

absl::Status ChannelControlService::Inventory(const v1::GetInventoryRequest& request,
                                              v1::Inventory* response) {
  std::string month = request.month();
  if (!month.empty()) {
    ASSIGN_OR_RETURN(absl::CivilMonth parsed, channel::ParseMonth(month, "month"));
    month = channel::FormatMonth(parsed);
  }
  ASSIGN_OR_RETURN(v1::DistributorAccount account,
                   RequireAccount(request.distributor_id(), "distributor_id"));
  ASSIGN_OR_RETURN(v1::ChannelChecksState state, control_.ChecksState());
  if (month.empty()) month = state.last().to_month();
  response->set_distributor_id(account.distributor_id());
  response->set_month(month);
  if (state.has_checked_at()) *response->mutable_checked_at() = state.checked_at();
  if (month.empty()) return absl::OkStatus();  // The checks have not run yet.
  ASSIGN_OR_RETURN(std::vector<v1::StockPosition> positions,
                   control_.Positions(account.distributor_id(), month));
  for (v1::StockPosition& position : positions) {
    const int64_t closing =
        position.has_reported() ? position.reported_closing() : position.computed_closing();
    response->set_closing_packs(response->closing_packs() + closing);
    if (position.near_expiry()) {
      response->set_near_expiry_packs(response->near_expiry_packs() + closing);
    }
    *response->add_positions() = std::move(position);
  }
  return absl::OkStatus();
}

grpc::Status ChannelControlService::GetReconciliation(
    grpc::ServerContext* context, const v1::GetReconciliationRequest* request,
    v1::ReconciliationReport* response) {
  return rpc::HandleRpc("ChannelControl/GetReconciliation", context,
                        [&] { return Reconciliation(*request, response); });
}

absl::Status ChannelControlService::Reconciliation(const v1::GetReconciliationRequest& request,
                                                   v1::ReconciliationReport* response) {
  ASSIGN_OR_RETURN(std::string last, LastCheckedMonth());
  absl::CivilMonth default_to(Today());
  if (!last.empty()) {
    ASSIGN_OR_RETURN(default_to, channel::ParseMonth(last, "to_month"));
  }
  ASSIGN_OR_RETURN(auto range,
                   MonthRange(request.from_month(), request.to_month(), default_to));
  ASSIGN_OR_RETURN(v1::DistributorAccount account,
                   RequireAccount(request.distributor_id(), "distributor_id"));
  ASSIGN_OR_RETURN(std::vector<v1::Reconciliation> all,
                   control_.Reconciliations(account.distributor_id()));
  const std::string from = channel::FormatMonth(range.first);
  const std::string to = channel::FormatMonth(range.second);
  response->set_distributor_id(account.distributor_id());
  for (v1::Reconciliation& r : all) {
    if (r.month() < from || r.month() > to) continue;
    if (!request.product_id().empty() && r.product_id() != request.product_id()) continue;
    if (request.gaps_only() && r.gap() == 0) continue;
    *response->add_months() = std::move(r);
  }
  return absl::OkStatus();
}

grpc::Status ChannelControlService::ListFindings(grpc::ServerContext* context,
                                                 const v1::ListFindingsRequest* request,
                                                 v1::ListFindingsResponse* response) {
  return rpc::HandleRpc("ChannelControl/ListFindings", context,
                        [&] { return Findings(*request, response); });
}

absl::Status ChannelControlService::Findings(const v1::ListFindingsRequest& request,
                                             v1::ListFindingsResponse* response) {
  ASSIGN_OR_RETURN(const OffsetPage page, ReadOffsetPage(request.page_size(), request.page_token()));
  if (!v1::FindingState_IsValid(request.state())) {
    return core::FieldError("state", "is not a finding state");
  }
  if (!v1::FindingKind_IsValid(request.kind())) {
    return core::FieldError("kind", "is not a finding kind");
  }
  std::string month;  // As stored: YYYY-MM.
  if (!request.month().empty()) {
    ASSIGN_OR_RETURN(absl::CivilMonth parsed, channel::ParseMonth(request.month(), "month"));
    month = channel::FormatMonth(parsed);
  }
  std::vector<v1::Finding> all;
  if (request.distributor_id().empty()) {
    ASSIGN_OR_RETURN(all, control_.Findings());
  } else {
    ASSIGN_OR_RETURN(all, control_.DistributorFindings(request.distributor_id()));
  }
  std::vector<v1::Finding> kept;
  for (v1::Finding& finding : all) {
    if (request.state() != v1::FINDING_STATE_UNSPECIFIED && finding.state() != request.state()) {
      continue;
    }
    if (request.kind() != v1::FINDING_KIND_UNSPECIFIED && finding.kind() != request.kind()) {
      continue;
    }
    if (!month.empty() && finding.month() != month) continue;
    kept.push_back(std::move(finding));
  }
  std::sort(kept.begin(), kept.end(), ListOrder);
  response->set_next_page_token(
      TakePage(kept, page, [&](auto&& x) { *response->add_findings() = std::move(x); }));
  return absl::OkStatus();
}

grpc::Status ChannelControlService::GetFinding(grpc::ServerContext* context,
                                               const v1::GetFindingRequest* request,
                                               v1::Finding* response) {
  return rpc::HandleRpc("ChannelControl/GetFinding", context, [&]() -> absl::Status {
    if (request->finding_id().empty()) return core::FieldError("finding_id", "must be set");
    ASSIGN_OR_RETURN(std::optional<v1::Finding> finding, control_.Finding(request->finding_id()));
    if (!finding) {
      return core::FieldStatus(absl::StatusCode::kNotFound, "finding_id",
                               absl::StrCat("no finding ", request->finding_id()));
    }
    *response = *std::move(finding);
    return absl::OkStatus();
  });
}

grpc::Status ChannelControlService::GetCustomerSales(grpc::ServerContext* context,
                                                     const v1::GetCustomerSalesRequest* request,
                                                     v1::CustomerSales* response) {
  return rpc::HandleRpc("ChannelControl/GetCustomerSales", context,
                        [&] { return Sales(*request, response); });
}

absl::Status ChannelControlService::Sales(const v1::GetCustomerSalesRequest& request,
                                          v1::CustomerSales* response) {
  if (request.customer_id().empty()) return core::FieldError("customer_id", "must be set");
  ASSIGN_OR_RETURN(auto range, MonthRange(request.from_month(), request.to_month(),
                                          absl::CivilMonth(Today())));
  response->set_customer_id(request.customer_id());
  response->set_from_month(channel::FormatMonth(range.first));
  response->set_to_month(channel::FormatMonth(range.second));
  ASSIGN_OR_RETURN(std::vector<v1::SalesFact> facts,
                   control_.CustomerFacts(request.customer_id(), response->from_month(),
                                          response->to_month()));
  for (v1::SalesFact& fact : facts) {
    response->set_quantity(response->quantity() + fact.quantity());
    response->set_amount_fen(response->amount_fen() + fact.amount_fen());
    *response->add_facts() = std::move(fact);
  }
  return absl::OkStatus();
}

grpc::Status ChannelControlService::GetCustomerChannel(
    grpc::ServerContext* context, const v1::GetCustomerChannelRequest* request,
    v1::CustomerChannel* response) {
  return rpc::HandleRpc("ChannelControl/GetCustomerChannel", context,
                        [&] { return CustomerChannel(*request, response); });
}

absl::Status ChannelControlService::CustomerChannel(const v1::GetCustomerChannelRequest& request,
                                                    v1::CustomerChannel* response) {
  if (request.customer_id().empty()) return core::FieldError("customer_id", "must be set");
  response->set_customer_id(request.customer_id());
  v1::GetCustomerSalesRequest sales;
  sales.set_customer_id(request.customer_id());
  RETURN_IF_ERROR(Sales(sales, response->mutable_sales()));
  ASSIGN_OR_RETURN(std::optional<v1::DistributorAccount> account,
                   channel_.Account(request.customer_id()));
  if (!account) return absl::OkStatus();
  response->set_is_distributor(true);
  *response->mutable_account() = *account;
  ASSIGN_OR_RETURN(std::vector<v1::Invoice> invoices, channel_.Invoices(account->distributor_id()));
  const v1::AgingBuckets aging = channel::Age(invoices, Today());
  *response->mutable_receivables() = aging;
  response->set_overdue_fen(aging.days_0_30_fen() + aging.days_31_60_fen() +
                            aging.days_61_90_fen() + aging.days_over_90_fen());
  v1::GetInventoryRequest stock;
  stock.set_distributor_id(account->distributor_id());
  RETURN_IF_ERROR(Inventory(stock, response->mutable_stock()));
  ASSIGN_OR_RETURN(std::vector<v1::Finding> findings,
                   control_.DistributorFindings(account->distributor_id()));
  std::vector<v1::Finding> open;
  for (v1::Finding& finding : findings) {
    if (finding.state() == v1::FINDING_STATE_OPEN) open.push_back(std::move(finding));
  }
  std::sort(open.begin(), open.end(), SeverityOrder);
  response->set_open_findings_total(static_cast<int32_t>(open.size()));
  for (size_t i = 0; i < open.size() && i < kCustomerChannelFindings; ++i) {
    *response->add_open_findings() = std::move(open[i]);
  }
  return absl::OkStatus();
}

}  // namespace pharmacrm::sales_pipeline
