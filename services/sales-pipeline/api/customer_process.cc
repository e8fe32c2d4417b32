// FieldForceService::GetCustomerProcess: the sales process's part of
// Customer 360 (the customer's targets this year against its sales, its
// last calls and its open alerts).
#include <algorithm>
#include <utility>

#include "absl/strings/str_cat.h"
#include "api/field_force_service.h"
#include "domain/channel/dates.h"
#include "domain/process/allocation.h"
#include "domain/process/target_records.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/runtime/merges.h"
#include "storage/alert_repository.h"

namespace pharmacrm::sales_pipeline {
namespace {

constexpr int kLastCalls = 5;

}  // namespace

grpc::Status FieldForceService::GetCustomerProcess(grpc::ServerContext* context,
                                                   const v1::GetCustomerProcessRequest* request,
                                                   v1::CustomerProcess* response) {
  return rpc::HandleRpc("FieldForce/GetCustomerProcess", context,
                        [&] { return CustomerPart(*request, response); });
}

absl::Status FieldForceService::CustomerPart(const v1::GetCustomerProcessRequest& request,
                                             v1::CustomerProcess* response) {
  if (request.customer_id().empty()) return core::FieldError("customer_id", "must be set");
  ASSIGN_OR_RETURN(const std::string id,
                   runtime::ResolveSurvivor(host_.store(), request.customer_id()));
  ASSIGN_OR_RETURN(std::optional<v1::Customer> customer, channel_.KnownCustomer(id));
  if (!customer) {
    return core::FieldStatus(
        absl::StatusCode::kNotFound, "customer_id",
        absl::StrCat("'", request.customer_id(), "' is not (yet) known to sales-pipeline"));
  }
  const absl::CivilDay today = Today();
  const int year = static_cast<int>(today.year());
  response->set_customer_id(id);
  response->set_year(year);

  ASSIGN_OR_RETURN(
      std::vector<v1::SalesFact> facts,
      control_.CustomerFacts(id, absl::StrCat(year, "-01"), absl::StrCat(year, "-12")));
  ASSIGN_OR_RETURN(std::vector<v1::TargetRecord> records, process_.TargetsOfYear(year));
  for (const v1::TargetRecord& record : records) {
    ASSIGN_OR_RETURN(process::Allocation allocation, process::Restore(record));
    const int node = process::FindNode(allocation, id);
    if (node < 0) continue;
    ASSIGN_OR_RETURN(auto months, process::PhaseNode(allocation, id));
    v1::CustomerYearTarget* t = response->add_targets();
    t->set_product_id(record.product_id());
    t->set_target_units(allocation.nodes[static_cast<size_t>(node)].amount);
    int64_t to_date = 0;
    for (int m = 0; m < today.month(); ++m) to_date += months[static_cast<size_t>(m)];
    t->set_target_to_date_units(to_date);
    int64_t sold = 0;
    for (const v1::SalesFact& f : facts) {
      if (f.product_id() == record.product_id()) sold += f.quantity();
    }
    t->set_sold_units(sold);
    if (to_date > 0) {
      t->set_attainment(static_cast<double>(sold) / static_cast<double>(to_date));
      t->set_has_attainment(true);
    }
  }

  std::vector<v1::CallReport> calls;
  for (int back = 0; back < 12; ++back) {
    ASSIGN_OR_RETURN(
        std::vector<v1::CallReport> month,
        field_.CustomerCalls(id, channel::FormatMonth(absl::CivilMonth(today) - back)));
    for (v1::CallReport& c : month) calls.push_back(std::move(c));
  }
  response->set_calls_last_12_months(static_cast<int64_t>(calls.size()));
  std::sort(calls.begin(), calls.end(), [](const v1::CallReport& a, const v1::CallReport& b) {
    if (a.called_at().seconds() != b.called_at().seconds()) {
      return a.called_at().seconds() > b.called_at().seconds();
    }
    return a.id() > b.id();
  });
  for (size_t i = 0; i < calls.size() && i < kLastCalls; ++i) {
    *response->add_last_calls() = std::move(calls[i]);
  }

  ASSIGN_OR_RETURN(std::vector<v1::Alert> alerts,
                   AlertRepository(host_.store()).AlertsOfCustomer(id));
  std::vector<v1::Alert> open;
  for (v1::Alert& a : alerts) {
    if (a.state() == v1::ALERT_STATE_OPEN || a.state() == v1::ALERT_STATE_ACKNOWLEDGED) {
      open.push_back(std::move(a));
    }
  }
  std::sort(open.begin(), open.end(), [](const v1::Alert& a, const v1::Alert& b) {
    if (a.due_by().seconds() != b.due_by().seconds())
      return a.due_by().seconds() < b.due_by().seconds();
    return a.id() < b.id();
  });
  for (v1::Alert& a : open) *response->add_open_alerts() = std::move(a);
  return absl::OkStatus();
}

}  // namespace pharmacrm::sales_pipeline
