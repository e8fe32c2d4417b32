// FieldForceService: samples (IssueSamples, GetSampleStock) and call
// reports (ReportCall, ListCalls).
#include <algorithm>
#include <optional>
#include <utility>

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
  const absl::CivilDay day = channel::ChinaDay(called_at);
  const std::string day_text = DayText(day);
  // The rep's lock (stock, calls), then the customer's (activity).
  absl::MutexLock rep_lock(&locks_.For(call.rep_id()));
  absl::MutexLock customer_lock(&visits_.LockFor(customer_id));
  return runtime::ExecuteOnce(
      host_.store(), "ReportCall", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ASSIGN_OR_RETURN(v1::Rep rep, RequirePerson(process_, call.rep_id(), "call.rep_id"));
        if (!process::EmployedOn(rep, day)) {
          return core::FieldStatus(
              absl::StatusCode::kFailedPrecondition, "call.called_at",
              absl::StrCat("rep '", rep.id(), "' was not employed on ", day_text, " (",
                           rep.start_date(), " to ",
                           rep.end_date().empty() ? "now" : rep.end_date(), ")"));
        }
        ASSIGN_OR_RETURN(
            v1::Customer customer,
            visits_.ActiveCustomer(customer_id, call.customer_id(), "call.customer_id"));
        for (int i = 0; i < call.attendee_ids_size(); ++i) {
          RETURN_IF_ERROR(visits_
                              .ActiveCustomer(call.attendee_ids(i), call.attendee_ids(i),
                                              absl::StrCat("call.attendee_ids[", i, "]"))
                              .status());
        }
        for (int i = 0; i < call.product_ids_size(); ++i) {
          RETURN_IF_ERROR(RequireProduct(channel_, call.product_ids(i),
                                         absl::StrCat("call.product_ids[", i, "]")));
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
            return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "call.joint_with",
                                     absl::StrCat("'", call.joint_with(), "' is not one of rep '",
                                                  rep.id(), "''s managers"));
          }
          if (!process::EmployedOn(line.at(call.joint_with()), day)) {
            return core::FieldStatus(
                absl::StatusCode::kFailedPrecondition, "call.joint_with",
                absl::StrCat("'", call.joint_with(), "' was not employed on ", day_text));
          }
        }
        ASSIGN_OR_RETURN(std::optional<v1::AlignmentHistory> rep_alignment,
                         process_.RepAlignment(rep.id()));
        const std::string rep_territory =
            rep_alignment ? process::TerritoryAt(*rep_alignment, called_at) : "";
        ASSIGN_OR_RETURN(std::string customer_territory,
                         CustomerTerritoryAt(process_, customer, called_at));
        if (!call.outside_territory()) {
          ASSIGN_OR_RETURN(std::vector<v1::Territory> territories, process_.Territories());
          absl::flat_hash_map<std::string, std::string> parent_of;
          for (const v1::Territory& t : territories) parent_of[t.id()] = t.parent_id();
          RETURN_IF_ERROR(
              process::CheckTerritory(call, rep_territory, customer_territory, parent_of));
        }
        if (call.samples_size() > 0) {
          ASSIGN_OR_RETURN(auto stock, field_.Stock(rep.id()));
          ASSIGN_OR_RETURN(auto after, process::TakeSamples(stock, call));
          for (const v1::SampleLeft& s : call.samples()) {
            field_.PutStockLine(batch, rep.id(), after.at({s.product_id(), s.batch_no()}));
          }
        }
        *response = call;
        response->set_id(host_.ids().Next());
        response->set_customer_id(customer_id);
        *response->mutable_called_at() = core::ToTimestamp(called_at);
        response->set_territory_id(rep_territory);
        response->set_customer_kind(customer.profile().kind());
        *response->mutable_recorded_at() = core::ToTimestamp(now);
        response->set_recorded_by(actor);
        field_.PutCall(batch, *response, channel::FormatMonth(absl::CivilMonth(day)));
        v1::Visit visit;
        visit.set_customer_id(customer_id);
        visit.set_rep_id(rep.id());
        *visit.mutable_visited_at() = response->called_at();
        visit.set_notes(call.notes());
        visit.set_customer_kind(customer.profile().kind());
        return visits_.Append(batch, visit, response, actor, request.request_id(), now);
      });
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
