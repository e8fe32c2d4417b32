// FieldForceService: samples (IssueSamples, GetSampleStock) and call
// reports (ReportCall, ImportCallHistory, ListCalls).
#include <algorithm>
#include <optional>
#include <utility>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "api/field_force_service.h"
#include "api/field_reads.h"
#include "api/publish.h"
#include "domain/channel/dates.h"
#include "domain/process/call_reports.h"
#include "domain/process/organisation.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/runtime/merges.h"

namespace pharmacrm::sales_pipeline {
namespace {

// ImportCallHistory's limits: calls a request, bytes of its source.
constexpr int kMaxHistoryCalls = 500;
constexpr size_t kMaxHistorySourceBytes = 100;

std::string DayText(absl::CivilDay day) { return channel::FormatDate(day); }

// NOT_FOUND naming `field` unless the person exists.
absl::StatusOr<v1::Rep> RequirePerson(const ProcessRepository& process, const std::string& id,
                                      absl::string_view field) {
  ASSIGN_OR_RETURN(std::optional<v1::Rep> person, process.Rep(id));
  if (!person) {
    return core::FieldStatus(absl::StatusCode::kNotFound, field,
                             absl::StrCat("'", id, "' is not a known rep or manager"));
  }
  return *std::move(person);
}

absl::Status RequireProduct(const ChannelRepository& channel, const std::string& id,
                            absl::string_view field) {
  ASSIGN_OR_RETURN(std::optional<v1::Product> product, channel.Product(id));
  if (!product) {
    return core::FieldStatus(absl::StatusCode::kNotFound, field,
                             absl::StrCat("'", id, "' is not in the catalogue"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::CivilDay FieldForceService::Today() const { return channel::ChinaDay(host_.clock().Now()); }

grpc::Status FieldForceService::IssueSamples(grpc::ServerContext* context,
                                             const v1::IssueSamplesRequest* request,
                                             v1::SampleStock* response) {
  return rpc::HandleRpc("FieldForce/IssueSamples", context,
                        [&] { return Issue(*request, rpc::ActorOf(*context), response); });
}

absl::Status FieldForceService::Issue(const v1::IssueSamplesRequest& request,
                                      const std::string& actor, v1::SampleStock* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  if (request.rep_id().empty()) return core::FieldError("rep_id", "must be set");
  if (request.product_id().empty()) return core::FieldError("product_id", "must be set");
  if (request.note().size() > 500) return core::FieldError("note", "must be at most 500 bytes");
  RETURN_IF_ERROR(process::IssueTo({}, request.batch_no(), request.quantity()).status());
  absl::MutexLock lock(&locks_.For(request.rep_id()));
  return runtime::ExecuteOnce(
      host_.store(), "IssueSamples", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        RETURN_IF_ERROR(RequirePerson(process_, request.rep_id(), "rep_id").status());
        RETURN_IF_ERROR(RequireProduct(channel_, request.product_id(), "product_id"));
        ASSIGN_OR_RETURN(auto stock, field_.Stock(request.rep_id()));
        v1::SampleStockLine& line = stock[{request.product_id(), request.batch_no()}];
        line.set_product_id(request.product_id());
        line.set_batch_no(request.batch_no());
        ASSIGN_OR_RETURN(line, process::IssueTo(line, request.batch_no(), request.quantity()));
        field_.PutStockLine(batch, request.rep_id(), line);
        v1::SamplesIssued event;
        event.set_rep_id(request.rep_id());
        *event.mutable_line() = line;
        event.set_quantity(request.quantity());
        event.set_note(request.note());
        PublishSalesEvent(host_, batch, "sample_stock", request.rep_id(), line.issued(),
                          request.rep_id(), actor, request.request_id(), event);
        response->set_rep_id(request.rep_id());
        for (auto& [key, l] : stock) *response->add_lines() = l;
        return absl::OkStatus();
      });
}

grpc::Status FieldForceService::GetSampleStock(grpc::ServerContext* context,
                                               const v1::GetSampleStockRequest* request,
                                               v1::SampleStock* response) {
  return rpc::HandleRpc("FieldForce/GetSampleStock", context,
                        [&] { return Stock(*request, response); });
}

absl::Status FieldForceService::Stock(const v1::GetSampleStockRequest& request,
                                      v1::SampleStock* response) {
  if (request.rep_id().empty()) return core::FieldError("rep_id", "must be set");
  RETURN_IF_ERROR(RequirePerson(process_, request.rep_id(), "rep_id").status());
  ASSIGN_OR_RETURN(auto stock, field_.Stock(request.rep_id()));
  response->set_rep_id(request.rep_id());
  for (auto& [key, line] : stock) *response->add_lines() = line;
  return absl::OkStatus();
}

grpc::Status FieldForceService::ReportCall(grpc::ServerContext* context,
                                           const v1::ReportCallRequest* request,
                                           v1::CallReport* response) {
  return rpc::HandleRpc("FieldForce/ReportCall", context,
                        [&] { return Report(*request, rpc::ActorOf(*context), response); });
}

absl::Status FieldForceService::Report(const v1::ReportCallRequest& request,
                                       const std::string& actor, v1::CallReport* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  const v1::CallReport& call = request.call();
  const absl::Time now = host_.clock().Now();
  absl::Time called_at = now;
  if (call.has_called_at()) {
    ASSIGN_OR_RETURN(called_at, core::FromTimestamp(call.called_at(), "call.called_at"));
  }
  RETURN_IF_ERROR(process::ValidateCallReport(call, called_at, now));
  // A call on a customer merged into another counts for the survivor.
  ASSIGN_OR_RETURN(const std::string customer_id,
                   runtime::ResolveSurvivor(host_.store(), call.customer_id()));
  // The rep's lock (stock, calls), then the customer's (activity).
  absl::MutexLock rep_lock(&locks_.For(call.rep_id()));
  absl::MutexLock customer_lock(&visits_.LockFor(customer_id));
  return runtime::ExecuteOnce(
      host_.store(), "ReportCall", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        TerritoryParents parents;
        ASSIGN_OR_RETURN(CheckedCall checked, CheckCall(call, called_at, customer_id, parents));
        if (call.samples_size() > 0) {
          ASSIGN_OR_RETURN(auto stock, field_.Stock(checked.rep.id()));
          ASSIGN_OR_RETURN(auto after, process::TakeSamples(stock, call));
          for (const v1::SampleLeft& s : call.samples()) {
            field_.PutStockLine(batch, checked.rep.id(), after.at({s.product_id(), s.batch_no()}));
          }
        }
        return WriteCall(batch, call, checked, called_at, now, actor, request.request_id(), "",
                         nullptr, response);
      });
}

grpc::Status FieldForceService::ImportCallHistory(grpc::ServerContext* context,
                                                  const v1::ImportCallHistoryRequest* request,
                                                  v1::ImportCallHistoryResponse* response) {
  return rpc::HandleRpc("FieldForce/ImportCallHistory", context,
                        [&] { return ImportHistory(*request, rpc::ActorOf(*context), response); });
}

absl::Status FieldForceService::ImportHistory(const v1::ImportCallHistoryRequest& request,
                                              const std::string& actor,
                                              v1::ImportCallHistoryResponse* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  if (absl::StripAsciiWhitespace(request.source()).empty()) {
    return core::FieldError("source", "must name the system the calls come from");
  }
  if (request.source().size() > kMaxHistorySourceBytes) {
    return core::FieldError("source", "must be at most 100 bytes");
  }
  if (request.calls().empty()) return core::FieldError("calls", "must hold at least one call");
  if (request.calls_size() > kMaxHistoryCalls) {
    return core::FieldError("calls", "at most 500 calls a request");
  }
  const absl::Time now = host_.clock().Now();
  std::vector<absl::Time> called_at(request.calls_size());
  std::vector<std::string> customer_ids(request.calls_size());
  std::vector<std::string> rep_ids;
  for (int i = 0; i < request.calls_size(); ++i) {
    const v1::CallReport& call = request.calls(i);
    const std::string prefix = absl::StrCat("calls[", i, "].");
    if (!call.has_called_at()) {
      return core::FieldError(absl::StrCat(prefix, "called_at"), "is required for a past call");
    }
    absl::Status checked = [&]() -> absl::Status {
      ASSIGN_OR_RETURN(called_at[i], core::FromTimestamp(call.called_at(), "call.called_at"));
      RETURN_IF_ERROR(
          process::ValidateCallReport(call, called_at[i], now, process::CallSource::kHistory));
      ASSIGN_OR_RETURN(customer_ids[i],
                       runtime::ResolveSurvivor(host_.store(), call.customer_id()));
      return absl::OkStatus();
    }();
    RETURN_IF_ERROR(core::ReplaceFieldPrefix(checked, "call.", prefix));
    rep_ids.push_back(call.rep_id());
  }
  // Every rep's lock, then every customer's, as ReportCall takes one of each.
  runtime::HeldStripes rep_locks = locks_.ForAll(rep_ids);
  runtime::HeldStripes customer_locks = visits_.LockAll(customer_ids);
  return runtime::ExecuteOnce(
      host_.store(), "ImportCallHistory", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        VisitLog::PendingActivity pending;
        TerritoryParents parents;  // read once for the whole request
        for (int i = 0; i < request.calls_size(); ++i) {
          const v1::CallReport& call = request.calls(i);
          const std::string prefix = absl::StrCat("calls[", i, "].");
          absl::StatusOr<CheckedCall> checked =
              CheckCall(call, called_at[i], customer_ids[i], parents);
          RETURN_IF_ERROR(core::ReplaceFieldPrefix(checked.status(), "call.", prefix));
          // The samples were left then; today's stock does not hold them.
          RETURN_IF_ERROR(WriteCall(batch, call, *checked, called_at[i], now, actor,
                                    request.request_id(), request.source(), &pending,
                                    response->add_calls()));
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<FieldForceService::CheckedCall> FieldForceService::CheckCall(
    const v1::CallReport& call, absl::Time called_at, const std::string& customer_id,
    TerritoryParents& parents) const {
  const absl::CivilDay day = channel::ChinaDay(called_at);
  const std::string day_text = DayText(day);
  CheckedCall checked;
  checked.customer_id = customer_id;
  ASSIGN_OR_RETURN(checked.rep, RequirePerson(process_, call.rep_id(), "call.rep_id"));
  const v1::Rep& rep = checked.rep;
  if (!process::EmployedOn(rep, day)) {
    return core::FieldStatus(
        absl::StatusCode::kFailedPrecondition, "call.called_at",
        absl::StrCat("rep '", rep.id(), "' was not employed on ", day_text, " (", rep.start_date(),
                     " to ", rep.end_date().empty() ? "now" : rep.end_date(), ")"));
  }
  ASSIGN_OR_RETURN(checked.customer,
                   visits_.ActiveCustomer(customer_id, call.customer_id(), "call.customer_id"));
  for (int i = 0; i < call.attendee_ids_size(); ++i) {
    RETURN_IF_ERROR(visits_
                        .ActiveCustomer(call.attendee_ids(i), call.attendee_ids(i),
                                        absl::StrCat("call.attendee_ids[", i, "]"))
                        .status());
  }
  for (int i = 0; i < call.product_ids_size(); ++i) {
    RETURN_IF_ERROR(
        RequireProduct(channel_, call.product_ids(i), absl::StrCat("call.product_ids[", i, "]")));
  }
  for (int i = 0; i < call.samples_size(); ++i) {
    RETURN_IF_ERROR(RequireProduct(channel_, call.samples(i).product_id(),
                                   absl::StrCat("call.samples[", i, "].product_id")));
  }
  if (!call.joint_with().empty()) {
    // The rep's managers up the line, read one by one.
    absl::flat_hash_map<std::string, v1::Rep> line;
    std::string next = rep.manager_id();
    for (int hops = 0; hops < 8 && !next.empty() && !line.contains(next); ++hops) {
      ASSIGN_OR_RETURN(std::optional<v1::Rep> manager, process_.Rep(next));
      if (!manager) break;
      next = manager->manager_id();
      line.emplace(manager->id(), *std::move(manager));
    }
    const std::vector<std::string> managers = process::ManagersOf(rep, line);
    if (std::find(managers.begin(), managers.end(), call.joint_with()) == managers.end()) {
      return core::FieldStatus(
          absl::StatusCode::kFailedPrecondition, "call.joint_with",
          absl::StrCat("'", call.joint_with(), "' is not one of rep '", rep.id(), "''s managers"));
    }
    if (!process::EmployedOn(line.at(call.joint_with()), day)) {
      return core::FieldStatus(
          absl::StatusCode::kFailedPrecondition, "call.joint_with",
          absl::StrCat("'", call.joint_with(), "' was not employed on ", day_text));
    }
  }
  ASSIGN_OR_RETURN(std::optional<v1::AlignmentHistory> rep_alignment,
                   process_.RepAlignment(rep.id()));
  checked.rep_territory = rep_alignment ? process::TerritoryAt(*rep_alignment, called_at) : "";
  ASSIGN_OR_RETURN(std::string customer_territory,
                   CustomerTerritoryAt(process_, checked.customer, called_at));
  if (!call.outside_territory()) {
    if (!parents) {
      ASSIGN_OR_RETURN(std::vector<v1::Territory> territories, process_.Territories());
      parents.emplace();
      for (const v1::Territory& t : territories) (*parents)[t.id()] = t.parent_id();
    }
    RETURN_IF_ERROR(
        process::CheckTerritory(call, checked.rep_territory, customer_territory, *parents));
  }
  return checked;
}

absl::Status FieldForceService::WriteCall(
    store::Batch& batch, const v1::CallReport& call, const CheckedCall& checked,
    absl::Time called_at, absl::Time now, const std::string& actor, const std::string& request_id,
    const std::string& history_source, VisitLog::PendingActivity* pending, v1::CallReport* stored) {
  const std::string& customer_id = checked.customer_id;
  *stored = call;
  stored->set_id(host_.ids().Next());
  stored->set_customer_id(customer_id);
  *stored->mutable_called_at() = core::ToTimestamp(called_at);
  stored->set_territory_id(checked.rep_territory);
  stored->set_customer_kind(checked.customer.profile().kind());
  *stored->mutable_recorded_at() = core::ToTimestamp(now);
  stored->set_recorded_by(actor);
  stored->set_history_source(history_source);
  field_.PutCall(batch, *stored,
                 channel::FormatMonth(absl::CivilMonth(channel::ChinaDay(called_at))));
  v1::Visit visit;
  visit.set_customer_id(customer_id);
  visit.set_rep_id(checked.rep.id());
  *visit.mutable_visited_at() = stored->called_at();
  visit.set_notes(call.notes());
  visit.set_customer_kind(checked.customer.profile().kind());
  return visits_.Append(batch, visit, stored, actor, request_id, now, pending);
}

grpc::Status FieldForceService::ListCalls(grpc::ServerContext* context,
                                          const v1::ListCallsRequest* request,
                                          v1::ListCallsResponse* response) {
  return rpc::HandleRpc("FieldForce/ListCalls", context, [&] { return Calls(*request, response); });
}

absl::Status FieldForceService::Calls(const v1::ListCallsRequest& request,
                                      v1::ListCallsResponse* response) {
  if (request.rep_id().empty() == request.customer_id().empty()) {
    return core::FieldError("rep_id", "name exactly one of rep_id and customer_id");
  }
  absl::CivilDay to = Today();
  if (!request.to_day().empty()) {
    ASSIGN_OR_RETURN(to, channel::ParseDate(request.to_day(), "to_day"));
  }
  absl::CivilDay from = to - 30;
  if (!request.from_day().empty()) {
    ASSIGN_OR_RETURN(from, channel::ParseDate(request.from_day(), "from_day"));
  }
  if (from > to) return core::FieldError("from_day", "must not be after to_day");
  if (to - from > 3 * 366) return core::FieldError("from_day", "at most 3 years before to_day");
  if (request.limit() < 0 || request.limit() > 500) {
    return core::FieldError("limit", "must be 1..500 (0: 100)");
  }
  const size_t limit = request.limit() == 0 ? 100 : static_cast<size_t>(request.limit());
  if (!request.rep_id().empty()) {
    RETURN_IF_ERROR(RequirePerson(process_, request.rep_id(), "rep_id").status());
  }
  std::vector<v1::CallReport> found;
  for (absl::CivilMonth m(to); m >= absl::CivilMonth(from); --m) {
    const std::string month = channel::FormatMonth(m);
    std::vector<std::vector<v1::CallReport>> parts;
    if (!request.rep_id().empty()) {
      ASSIGN_OR_RETURN(parts.emplace_back(), field_.RepCalls(request.rep_id(), month));
      ASSIGN_OR_RETURN(parts.emplace_back(), field_.JointCalls(request.rep_id(), month));
    } else {
      ASSIGN_OR_RETURN(parts.emplace_back(), field_.CustomerCalls(request.customer_id(), month));
    }
    for (std::vector<v1::CallReport>& part : parts) {
      for (v1::CallReport& c : part) {
        absl::StatusOr<absl::Time> at = core::FromTimestamp(c.called_at(), "called_at");
        if (!at.ok()) continue;
        const absl::CivilDay day = channel::ChinaDay(*at);
        if (day >= from && day <= to) found.push_back(std::move(c));
      }
    }
    if (found.size() >= limit) break;  // older months cannot come first
  }
  std::sort(found.begin(), found.end(), [](const v1::CallReport& a, const v1::CallReport& b) {
    if (a.called_at().seconds() != b.called_at().seconds()) {
      return a.called_at().seconds() > b.called_at().seconds();
    }
    return a.id() > b.id();
  });
  for (size_t i = 0; i < found.size() && i < limit; ++i) *response->add_calls() = found[i];
  return absl::OkStatus();
}

}  // namespace pharmacrm::sales_pipeline
