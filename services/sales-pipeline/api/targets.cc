// SalesProcessService: company targets allocated top-down (SetCompanyTarget,
// AdjustTarget) and read (GetTargetAllocation, ExplainTarget,
// GetRepTargets). docs/SALES_PROCESS.md states the rules.
#include <algorithm>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "api/publish.h"
#include "api/sales_process_service.h"
#include "api/target_reads.h"
#include "domain/process/organisation.h"
#include "domain/process/target_records.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/rpc/server.h"

namespace pharmacrm::sales_pipeline {
namespace {

constexpr size_t kMaxReason = 500;

// `status` with the domain's field names as the request spells them.
absl::Status AsRequestFields(const absl::Status& status) {
  if (status.ok()) return status;
  std::optional<std::string> field = core::FieldOf(status);
  if (!field) return status;
  static constexpr std::pair<absl::string_view, absl::string_view> kNames[] = {
      {"target.amount", "amount_units"},        {"target.expected_growth", "expected_growth"},
      {"target.last_year_total", "amount_units"}, {"adjustment.node_id", "node_id"},
      {"adjustment.amount", "amount_units"},
  };
  for (const auto& [from, to] : kNames) {
    if (*field != from) continue;
    std::string message(status.message());
    if (absl::StartsWith(message, absl::StrCat(from, ": "))) message.erase(0, from.size() + 2);
    return core::FieldStatus(status.code(), to, message);
  }
  if (absl::StartsWith(*field, "nodes")) {
    // The tree is built from stored data: not the request's fault.
    return absl::FailedPreconditionError(
        absl::StrCat("the organisation's data cannot be allocated: ", status.message()));
  }
  return status;
}

absl::Status CheckYear(int year) {
  if (year < 2000 || year > 2100) return core::FieldError("year", "must be 2000..2100");
  return absl::OkStatus();
}

v1::TargetVersion VersionEntry(int64_t version, int64_t company_target, absl::Time at,
                               const std::string& by, const std::string& reason,
                               std::string change) {
  v1::TargetVersion v;
  v.set_version(version);
  v.set_company_target_units(company_target);
  *v.mutable_at() = core::ToTimestamp(at);
  v.set_by(by);
  v.set_reason(reason);
  v.set_change(std::move(change));
  return v;
}

}  // namespace

absl::StatusOr<v1::TargetRecord> SalesProcessService::RequireTarget(const std::string& product_id,
                                                                    int year,
                                                                    int64_t version) const {
  if (product_id.empty()) return core::FieldError("product_id", "must be set");
  RETURN_IF_ERROR(CheckYear(year));
  if (version < 0) return core::FieldError("version", "must be 0 (the latest) or a version");
  ASSIGN_OR_RETURN(std::optional<v1::TargetRecord> record,
                   process_.Target(product_id, year, version));
  if (!record) {
    return core::FieldStatus(
        absl::StatusCode::kNotFound, version > 0 ? "version" : "product_id",
        absl::StrCat("no target of '", product_id, "' for ", year,
                     version > 0 ? absl::StrCat(" in version ", version) : std::string()));
  }
  return *std::move(record);
}

v1::TargetAllocation SalesProcessService::Store(store::Batch& batch,
                                                const v1::TargetRecord& record,
                                                const process::Allocation& allocation,
                                                const std::string& actor,
                                                const std::string& request_id) {
  process_.PutTarget(batch, record);
  v1::TargetAllocation view = process::ToAllocationProto(record, allocation, 4);
  v1::TargetAllocated event;
  event.set_product_id(record.product_id());
  event.set_year(record.year());
  event.set_version(record.version());
  event.set_company_target_units(allocation.company_target);
  *event.mutable_change() = record.versions(record.versions_size() - 1);
  *event.mutable_territories() = view.nodes();
  PublishSalesEvent(host_, batch, "target", absl::StrCat(record.product_id(), "/", record.year()),
                    record.version(), record.product_id(), actor, request_id, event);
  return view;
}

grpc::Status SalesProcessService::SetCompanyTarget(grpc::ServerContext* context,
                                                   const v1::SetCompanyTargetRequest* request,
                                                   v1::TargetAllocation* response) {
  return rpc::HandleRpc("SalesProcess/SetCompanyTarget", context,
                        [&] { return SetTarget(*request, rpc::ActorOf(*context), response); });
}

absl::Status SalesProcessService::SetTarget(const v1::SetCompanyTargetRequest& request,
                                            const std::string& actor,
                                            v1::TargetAllocation* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  if (request.product_id().empty()) return core::FieldError("product_id", "must be set");
  RETURN_IF_ERROR(CheckYear(request.year()));
  if (request.amount_units() < 0 || request.amount_units() > process::kMaxUnits) {
    return core::FieldError("amount_units", "must be 0 (from growth) .. 10^15");
  }
  if (request.reason().size() > kMaxReason) {
    return core::FieldError("reason", "must be at most 500 bytes");
  }
  ASSIGN_OR_RETURN(std::optional<v1::Product> product, channel_.Product(request.product_id()));
  if (!product) {
    return core::FieldStatus(absl::StatusCode::kNotFound, "product_id",
                             absl::StrCat("'", request.product_id(), "' is not in the catalogue"));
  }
  const std::string drug_class =
      request.drug_class().empty() ? product->therapeutic_class() : request.drug_class();
  absl::MutexLock lock(&locks_.For(request.product_id()));
  return runtime::ExecuteOnce(
      host_.store(), "SetCompanyTarget", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ASSIGN_OR_RETURN(process::TargetTree tree,
                         ReadTargetTree(channel_, control_, process_, request.product_id(),
                                        request.year(), drug_class, doctors_, Today()));
        process::CompanyTarget target;
        target.product_id = request.product_id();
        target.year = request.year();
        target.expected_growth = request.expected_growth();
        if (request.amount_units() > 0) target.amount = request.amount_units();
        absl::StatusOr<process::Allocation> allocation =
            process::Allocate(tree.nodes, process::MethodOf(request.weights()), target);
        RETURN_IF_ERROR(AsRequestFields(allocation.status()));
        ASSIGN_OR_RETURN(std::optional<v1::TargetRecord> previous,
                         process_.Target(request.product_id(), request.year()));
        v1::TargetRecord record = process::ToRecord(*allocation);
        record.set_version(previous ? previous->version() + 1 : 1);
        *record.mutable_weights() = request.weights();
        record.set_drug_class(drug_class);
        for (std::string& m : tree.missing_inputs) record.add_missing_inputs(std::move(m));
        if (previous) *record.mutable_versions() = previous->versions();
        *record.add_versions() = VersionEntry(
            record.version(), allocation->company_target, host_.clock().Now(), actor,
            request.reason(),
            request.amount_units() > 0
                ? absl::StrCat("set to ", request.amount_units())
                : absl::StrFormat("set to last year's %d × (1 %+g)", allocation->last_year_total,
                                  request.expected_growth()));
        *response = Store(batch, record, *allocation, actor, request.request_id());
        return absl::OkStatus();
      });
}

grpc::Status SalesProcessService::AdjustTarget(grpc::ServerContext* context,
                                               const v1::AdjustTargetRequest* request,
                                               v1::TargetAllocation* response) {
  return rpc::HandleRpc("SalesProcess/AdjustTarget", context,
                        [&] { return Adjust(*request, rpc::ActorOf(*context), response); });
}

absl::Status SalesProcessService::Adjust(const v1::AdjustTargetRequest& request,
                                         const std::string& actor,
                                         v1::TargetAllocation* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  if (request.node_id().empty()) return core::FieldError("node_id", "must be set");
  if (request.reason().empty()) {
    return core::FieldError("reason", "must say why the target changes");
  }
  if (request.reason().size() > kMaxReason) {
    return core::FieldError("reason", "must be at most 500 bytes");
  }
  if (request.expected_version() <= 0) {
    return core::FieldError("expected_version", "must be the version adjusted");
  }
  absl::MutexLock lock(&locks_.For(request.product_id()));
  return runtime::ExecuteOnce(
      host_.store(), "AdjustTarget", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ASSIGN_OR_RETURN(v1::TargetRecord current,
                         RequireTarget(request.product_id(), request.year(), 0));
        if (current.version() != request.expected_version()) {
          return core::FieldStatus(absl::StatusCode::kAborted, "expected_version",
                                   absl::StrCat("the latest version is ", current.version(),
                                                ", not ", request.expected_version()));
        }
        ASSIGN_OR_RETURN(process::Allocation allocation, process::Restore(current));
        const int at = process::FindNode(allocation, request.node_id());
        const int64_t before =
            at >= 0 ? allocation.nodes[static_cast<size_t>(at)].amount : int64_t{0};
        process::Adjustment adjustment;
        adjustment.node_id = request.node_id();
        adjustment.amount = request.amount_units();
        adjustment.lock = !request.leave_unlocked();
        adjustment.forbid_below_sold = !request.allow_below_sold();
        absl::StatusOr<process::Allocation> adjusted = process::Adjust(allocation, adjustment);
        RETURN_IF_ERROR(AsRequestFields(adjusted.status()));
        v1::TargetRecord record = process::ToRecord(*adjusted);
        record.set_version(current.version() + 1);
        *record.mutable_weights() = current.weights();
        record.set_drug_class(current.drug_class());
        *record.mutable_missing_inputs() = current.missing_inputs();
        *record.mutable_versions() = current.versions();
        const process::NodeAllocation& node = adjusted->nodes[static_cast<size_t>(at)];
        *record.add_versions() = VersionEntry(
            record.version(), adjusted->company_target, host_.clock().Now(), actor,
            request.reason(),
            absl::StrCat(node.node.name, " (", node.node.id, ") ", before, " → ", node.amount));
        *response = Store(batch, record, *adjusted, actor, request.request_id());
        return absl::OkStatus();
      });
}

grpc::Status SalesProcessService::GetTargetAllocation(grpc::ServerContext* context,
                                                      const v1::GetTargetAllocationRequest* request,
                                                      v1::TargetAllocation* response) {
  return rpc::HandleRpc("SalesProcess/GetTargetAllocation", context,
                        [&] { return Allocation(*request, response); });
}

absl::Status SalesProcessService::Allocation(const v1::GetTargetAllocationRequest& request,
                                             v1::TargetAllocation* response) {
  if (request.depth() < 0 || request.depth() > 5) {
    return core::FieldError("depth", "must be 1 (nation) .. 5 (customers), or 0 for 4");
  }
  ASSIGN_OR_RETURN(v1::TargetRecord record,
                   RequireTarget(request.product_id(), request.year(), request.version()));
  ASSIGN_OR_RETURN(process::Allocation allocation, process::Restore(record));
  *response = process::ToAllocationProto(record, allocation, request.depth());
  return absl::OkStatus();
}

grpc::Status SalesProcessService::ExplainTarget(grpc::ServerContext* context,
                                                const v1::ExplainTargetRequest* request,
                                                v1::TargetExplanation* response) {
  return rpc::HandleRpc("SalesProcess/ExplainTarget", context,
                        [&] { return Explain(*request, response); });
}

absl::Status SalesProcessService::Explain(const v1::ExplainTargetRequest& request,
                                          v1::TargetExplanation* response) {
  ASSIGN_OR_RETURN(v1::TargetRecord record,
                   RequireTarget(request.product_id(), request.year(), request.version()));
  ASSIGN_OR_RETURN(process::Allocation allocation, process::Restore(record));
  const int at = process::FindNode(allocation, request.node_id());
  if (at < 0) {
    return core::FieldStatus(absl::StatusCode::kNotFound, "node_id",
                             absl::StrCat("'", request.node_id(), "' is not in the allocation"));
  }
  *response->mutable_node() = process::ToNodeProto(allocation, at);
  ASSIGN_OR_RETURN(auto months, process::PhaseNode(allocation, request.node_id()));
  for (int64_t m : months) response->add_months(m);
  ASSIGN_OR_RETURN(std::string text, process::Explain(allocation, request.node_id()));
  response->set_text(std::move(text));
  response->set_version(record.version());
  return absl::OkStatus();
}

grpc::Status SalesProcessService::GetRepTargets(grpc::ServerContext* context,
                                                const v1::GetRepTargetsRequest* request,
                                                v1::RepTargets* response) {
  return rpc::HandleRpc("SalesProcess/GetRepTargets", context,
                        [&] { return RepTargets(*request, response); });
}

absl::Status SalesProcessService::RepTargets(const v1::GetRepTargetsRequest& request,
                                             v1::RepTargets* response) {
  if (request.rep_id().empty()) return core::FieldError("rep_id", "must be set");
  RETURN_IF_ERROR(CheckYear(request.year()));
  ASSIGN_OR_RETURN(std::optional<v1::Rep> rep, process_.Rep(request.rep_id()));
  if (!rep) {
    return core::FieldStatus(absl::StatusCode::kNotFound, "rep_id",
                             absl::StrCat("'", request.rep_id(), "' is not known"));
  }
  // The territory at the year's start; for a rep aligned later (or the
  // current year), the one today.
  ASSIGN_OR_RETURN(std::optional<v1::AlignmentHistory> history,
                   process_.RepAlignment(request.rep_id()));
  std::string territory;
  if (history) {
    territory = process::TerritoryAt(*history, YearStart(request.year()));
    if (territory.empty()) territory = process::TerritoryAt(*history, host_.clock().Now());
  }
  response->set_rep_id(request.rep_id());
  response->set_year(request.year());
  if (territory.empty()) return absl::OkStatus();
  response->add_territory_ids(territory);
  ASSIGN_OR_RETURN(std::vector<v1::TargetRecord> targets, process_.TargetsOfYear(request.year()));
  for (const v1::TargetRecord& record : targets) {
    ASSIGN_OR_RETURN(process::Allocation allocation, process::Restore(record));
    if (process::FindNode(allocation, territory) < 0) continue;
    ASSIGN_OR_RETURN(std::vector<process::CustomerHeadroom> rows,
                     process::Headroom(allocation, territory));
    for (const process::CustomerHeadroom& h : rows) {
      v1::CustomerTarget* c = response->add_customers();
      c->set_product_id(record.product_id());
      c->set_customer_id(h.customer_id);
      c->set_customer_name(h.name);
      c->set_territory_id(territory);
      c->set_target_units(h.target);
      c->set_market_units(h.market_size);
      c->set_last_year_units(h.last_year_sales);
      c->set_year_before_units(h.sales_year_before);
      c->set_growth_known(h.growth.has_value());
      c->set_growth(h.growth.value_or(0));
      c->set_headroom_units(h.headroom);
      c->set_sold_so_far_units(h.sold_so_far);
      c->set_to_go_units(h.to_go);
    }
  }
  return absl::OkStatus();
}

}  // namespace pharmacrm::sales_pipeline
