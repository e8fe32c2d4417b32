// SalesProcessService: people (UpsertRep, GetRep, ListReps) and the
// organisation on a date (GetOrganisation).
#include <algorithm>
#include <map>
#include <optional>
#include <set>
#include <tuple>
#include <utility>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "api/publish.h"
#include "api/sales_process_service.h"
#include "domain/channel/dates.h"
#include "domain/process/organisation.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/rpc/server.h"

namespace pharmacrm::sales_pipeline {
namespace {

constexpr size_t kMaxListed = 10'000;

}  // namespace

absl::CivilDay SalesProcessService::Today() const { return channel::ChinaDay(host_.clock().Now()); }

grpc::Status SalesProcessService::UpsertRep(grpc::ServerContext* context,
                                            const v1::UpsertRepRequest* request,
                                            v1::Rep* response) {
  return rpc::HandleRpc("SalesProcess/UpsertRep", context,
                        [&] { return Upsert(*request, rpc::ActorOf(*context), response); });
}

absl::Status SalesProcessService::Upsert(const v1::UpsertRepRequest& request,
                                         const std::string& actor, v1::Rep* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  RETURN_IF_ERROR(process::ValidateRep(request.rep()));
  if (request.expected_version() < 0) {
    return core::FieldError("expected_version", "must be 0 (create) or the version changed");
  }
  const std::string& id = request.rep().id();
  absl::MutexLock lock(&locks_.For(id));
  return runtime::ExecuteOnce(
      host_.store(), "UpsertRep", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ASSIGN_OR_RETURN(std::optional<v1::Rep> current, process_.Rep(id));
        if (request.expected_version() == 0 && current) {
          return core::FieldStatus(absl::StatusCode::kAlreadyExists, "rep.id",
                                   absl::StrCat("'", id, "' exists (version ", current->version(),
                                                "); change it with expected_version"));
        }
        if (request.expected_version() > 0) {
          if (!current) {
            return core::FieldStatus(absl::StatusCode::kNotFound, "rep.id",
                                     absl::StrCat("'", id, "' is not known"));
          }
          if (current->version() != request.expected_version()) {
            return core::FieldStatus(
                absl::StatusCode::kAborted, "expected_version",
                absl::StrCat("the current version is ", current->version(), ", not ",
                             request.expected_version()));
          }
        }
        if (!request.rep().manager_id().empty()) {
          ASSIGN_OR_RETURN(std::optional<v1::Rep> manager, process_.Rep(request.rep().manager_id()));
          if (!manager) {
            return core::FieldStatus(absl::StatusCode::kNotFound, "rep.manager_id",
                                     absl::StrCat("'", request.rep().manager_id(),
                                                  "' is not known; add the manager first"));
          }
          if (manager->role() == v1::SALES_ROLE_REP) {
            return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "rep.manager_id",
                                     absl::StrCat("'", manager->id(), "' is a rep, not a manager"));
          }
        }
        v1::Rep rep = request.rep();
        rep.set_version(current ? current->version() + 1 : 1);
        *rep.mutable_updated_at() = core::ToTimestamp(host_.clock().Now());
        rep.set_updated_by(actor);
        process_.PutRep(batch, rep);
        v1::RepChanged event;
        *event.mutable_rep() = rep;
        if (current) *event.mutable_previous() = *current;
        PublishSalesEvent(host_, batch, "rep", id, rep.version(), id, actor, request.request_id(),
                          event);
        *response = std::move(rep);
        return absl::OkStatus();
      });
}

grpc::Status SalesProcessService::GetRep(grpc::ServerContext* context,
                                         const v1::GetRepRequest* request, v1::RepView* response) {
  return rpc::HandleRpc("SalesProcess/GetRep", context, [&] { return Rep(*request, response); });
}

absl::Status SalesProcessService::Rep(const v1::GetRepRequest& request, v1::RepView* response) {
  if (request.rep_id().empty()) return core::FieldError("rep_id", "must be set");
  ASSIGN_OR_RETURN(std::optional<v1::Rep> rep, process_.Rep(request.rep_id()));
  if (!rep) {
    return core::FieldStatus(absl::StatusCode::kNotFound, "rep_id",
                             absl::StrCat("'", request.rep_id(), "' is not known"));
  }
  *response->mutable_rep() = *rep;
  ASSIGN_OR_RETURN(std::vector<v1::Rep> versions, process_.RepVersions(rep->id()));
  for (v1::Rep& v : versions) *response->add_versions() = std::move(v);
  ASSIGN_OR_RETURN(std::optional<v1::AlignmentHistory> history, process_.RepAlignment(rep->id()));
  if (history) {
    for (const v1::Alignment& a : history->alignments()) {
      v1::RepTerritorySpell* spell = response->add_territories();
      spell->set_territory_id(a.territory_id());
      *spell->mutable_from() = a.effective_from();
      if (!a.territory_id().empty()) {
        ASSIGN_OR_RETURN(std::optional<v1::Territory> t, process_.Territory(a.territory_id()));
        if (t) spell->set_territory_name(t->name());
      }
    }
  }
  ASSIGN_OR_RETURN(std::vector<v1::Rep> everyone, process_.Reps());
  for (const v1::Rep& r : everyone) {
    if (r.manager_id() == rep->id()) response->add_reports(r.id());
  }
  return absl::OkStatus();
}

grpc::Status SalesProcessService::ListReps(grpc::ServerContext* context,
                                           const v1::ListRepsRequest* request,
                                           v1::ListRepsResponse* response) {
  return rpc::HandleRpc("SalesProcess/ListReps", context, [&] { return Reps(*request, response); });
}

absl::Status SalesProcessService::Reps(const v1::ListRepsRequest& request,
                                       v1::ListRepsResponse* response) {
  ASSIGN_OR_RETURN(std::vector<v1::Rep> everyone, process_.Reps());
  for (v1::Rep& r : everyone) {
    if (!request.manager_id().empty() && r.manager_id() != request.manager_id()) continue;
    if (static_cast<size_t>(response->reps_size()) == kMaxListed) {
      response->set_truncated(true);
      break;
    }
    *response->add_reps() = std::move(r);
  }
  return absl::OkStatus();
}

grpc::Status SalesProcessService::GetOrganisation(grpc::ServerContext* context,
                                                  const v1::GetOrganisationRequest* request,
                                                  v1::Organisation* response) {
  return rpc::HandleRpc("SalesProcess/GetOrganisation", context,
                        [&] { return Organisation(*request, response); });
}

absl::Status SalesProcessService::Organisation(const v1::GetOrganisationRequest& request,
                                               v1::Organisation* response) {
  absl::CivilDay day = Today();
  if (!request.as_of().empty()) {
    ASSIGN_OR_RETURN(day, channel::ParseDate(request.as_of(), "as_of"));
  }
  // The end of that day in China Standard Time: an alignment from that day on counts.
  const absl::Time at = channel::ChinaDayStart(day + 1) - absl::Nanoseconds(1);
  ASSIGN_OR_RETURN(std::vector<v1::Territory> territories, process_.Territories());
  absl::flat_hash_map<std::string, int32_t> customers;
  ASSIGN_OR_RETURN(std::vector<v1::AlignmentHistory> alignments, process_.CustomerAlignments());
  for (const v1::AlignmentHistory& h : alignments) {
    std::string t = process::TerritoryAt(h, at);
    if (!t.empty()) ++customers[t];
  }
  absl::flat_hash_map<std::string, std::vector<std::string>> reps_of;
  ASSIGN_OR_RETURN(std::vector<v1::Rep> everyone, process_.Reps());
  for (const v1::Rep& r : everyone) {
    ASSIGN_OR_RETURN(std::optional<v1::AlignmentHistory> h, process_.RepAlignment(r.id()));
    if (!h) continue;
    std::string t = process::TerritoryAt(*h, at);
    if (!t.empty()) reps_of[t].push_back(r.id());
  }
  // Parents before children: by level, then code.
  std::sort(territories.begin(), territories.end(),
            [](const v1::Territory& a, const v1::Territory& b) {
              return std::make_tuple(a.level(), a.code()) < std::make_tuple(b.level(), b.code());
            });
  response->set_as_of(channel::FormatDate(day));
  for (const v1::Territory& t : territories) {
    v1::OrganisationNode* node = response->add_nodes();
    node->set_territory_id(t.id());
    node->set_code(t.code());
    node->set_name(t.name());
    node->set_level(std::string(process::TerritoryLevelName(t.level())));
    node->set_parent_id(t.parent_id());
    for (const std::string& rep : reps_of[t.id()]) node->add_rep_ids(rep);
    node->set_customers(customers[t.id()]);
  }
  return absl::OkStatus();
}

}  // namespace pharmacrm::sales_pipeline
