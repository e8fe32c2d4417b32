// Territories (销售辖区) and the alignment of customers and reps to them,
// with history and as-of answers.
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "api/customer_master_service.h"
#include "api/internal.h"
#include "domain/customers/customer_rules.h"
#include "domain/territories/territories.h"
#include "google/protobuf/util/message_differencer.h"
#include "pharmacrm/core/log.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/rpc/server.h"

namespace pharmacrm::customer_master {

v1::OutboxRecord CustomerMasterService::TerritoryEvent(const v1::Territory& territory,
                                                       std::vector<std::string> changed_fields,
                                                       absl::string_view request_id,
                                                       const std::string& actor, absl::Time now) {
  bus::EventMeta meta;
  meta.event_id = host_.ids().Next();
  meta.source = internal::kService;
  meta.aggregate_kind = "territory";
  meta.aggregate_id = territory.id();
  meta.aggregate_version = territory.version();
  // No customer is involved: the territory id is the record key (as the rep
  // id is RepAligned's), so a territory's events share a partition.
  meta.customer_id = territory.id();
  meta.occurred_at = meta.recorded_at = now;
  meta.actor = actor;
  meta.correlation_id = core::CurrentCorrelationId();
  meta.causation_id = std::string(request_id);
  v1::TerritoryChanged event;
  *event.mutable_territory() = territory;
  for (std::string& field : changed_fields) event.add_changed_fields(std::move(field));
  return bus::MakeOutboxRecord(bus::kCustomerTopic, bus::MakeEnvelope(meta, event));
}

grpc::Status CustomerMasterService::CreateTerritory(grpc::ServerContext* context,
                                                    const v1::CreateTerritoryRequest* request,
                                                    v1::Territory* response) {
  return rpc::HandleRpc("CustomerMaster/CreateTerritory", context, [&]() -> absl::Status {
    RETURN_IF_ERROR(runtime::ValidateRequestId(request->request_id()));
    const v1::Territory& t = request->territory();
    std::optional<v1::Territory> parent;
    if (!t.parent_id().empty()) {
      ASSIGN_OR_RETURN(parent, LoadTerritory(t.parent_id(), "territory.parent_id"));
    }
    RETURN_IF_ERROR(ValidateNewTerritory(t, parent));
    const std::string actor = rpc::ActorOf(*context);
    absl::MutexLock lock(&locks_.For(absl::StrCat("territory-code/", t.code())));
    return runtime::ExecuteOnce(
        host_.store(), "CreateTerritory", request->request_id(), *request, response,
        [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
          ASSIGN_OR_RETURN(std::optional<std::string> taken, repo_.TerritoryWithCode(t.code()));
          if (taken) {
            return core::FieldStatus(absl::StatusCode::kAlreadyExists, "territory.code",
                                     absl::StrCat("'", t.code(), "' is used by territory ", *taken));
          }
          const absl::Time now = host_.clock().Now();
          *response = t;
          response->set_id(host_.ids().Next());
          response->set_version(1);
          *response->mutable_created_at() = core::ToTimestamp(now);
          CustomerRepository::PutTerritoryCode(batch, t.code(), response->id());
          CustomerRepository::PutTerritory(batch, *response);
          batch.AppendOutbox(TerritoryEvent(*response, {}, request->request_id(), actor, now));
          return absl::OkStatus();
        });
  });
}

grpc::Status CustomerMasterService::UpdateTerritory(grpc::ServerContext* context,
                                                    const v1::UpdateTerritoryRequest* request,
                                                    v1::Territory* response) {
  return rpc::HandleRpc("CustomerMaster/UpdateTerritory", context, [&]() -> absl::Status {
    RETURN_IF_ERROR(runtime::ValidateRequestId(request->request_id()));
    if (request->territory_id().empty()) return core::FieldError("territory_id", "must be set");
    if (request->expected_version() < 1) {
      return core::FieldError("expected_version", "must be the version last read (>= 1)");
    }
    // The territory and its new code are held while the change is checked
    // and written (a code is taken under its lock, as in CreateTerritory).
    // The new code is only known once the territory is read, so it is read
    // first, both locks are taken together (MultiLock: one order, a shared
    // stripe taken once), and it is read again under them: a territory that
    // changed in between is tried again with what it is now.
    v1::Territory current;
    v1::Territory updated;
    std::optional<internal::MultiLock> held;
    for (;;) {
      ASSIGN_OR_RETURN(v1::Territory seen,
                       LoadTerritory(request->territory_id(), "territory_id"));
      ASSIGN_OR_RETURN(v1::Territory wanted, ApplyTerritoryUpdate(seen, *request));
      std::vector<std::string> lock_ids = {absl::StrCat("territory/", request->territory_id())};
      if (wanted.code() != seen.code()) {
        lock_ids.push_back(absl::StrCat("territory-code/", wanted.code()));
      }
      held.emplace(locks_, lock_ids);
      ASSIGN_OR_RETURN(current, LoadTerritory(request->territory_id(), "territory_id"));
      if (google::protobuf::util::MessageDifferencer::Equals(current, seen)) {
        updated = std::move(wanted);
        break;
      }
      held.reset();
    }
    std::optional<v1::Territory> parent;
    if (!updated.parent_id().empty()) {
      ASSIGN_OR_RETURN(parent, LoadTerritory(updated.parent_id(), "territory.parent_id"));
    }
    RETURN_IF_ERROR(ValidateNewTerritory(updated, parent));
    const bool new_code = updated.code() != current.code();
    const std::string actor = rpc::ActorOf(*context);
    return runtime::ExecuteOnce(
        host_.store(), "UpdateTerritory", request->request_id(), *request, response,
        [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
          // `current` is what is stored: its lock has been held since it was read.
          const v1::Territory& stored = current;
          RETURN_IF_ERROR(
              CheckExpectedVersion(request->expected_version(), stored.version(), "territory"));
          std::vector<std::string> changed = TerritoryChangedFields(stored, updated);
          if (changed.empty()) {
            *response = stored;  // Nothing changes: no new version, no event.
            return absl::OkStatus();
          }
          if (new_code) {
            ASSIGN_OR_RETURN(std::optional<std::string> taken,
                             repo_.TerritoryWithCode(updated.code()));
            if (taken) {
              return core::FieldStatus(
                  absl::StatusCode::kAlreadyExists, "territory.code",
                  absl::StrCat("'", updated.code(), "' is used by territory ", *taken));
            }
            CustomerRepository::DeleteTerritoryCode(batch, stored.code());
            CustomerRepository::PutTerritoryCode(batch, updated.code(), stored.id());
          }
          *response = updated;
          response->set_version(stored.version() + 1);
          CustomerRepository::PutTerritory(batch, *response);
          batch.AppendOutbox(TerritoryEvent(*response, std::move(changed), request->request_id(),
                                            actor, host_.clock().Now()));
          return absl::OkStatus();
        });
  });
}

grpc::Status CustomerMasterService::GetTerritory(grpc::ServerContext* context,
                                                 const v1::GetTerritoryRequest* request,
                                                 v1::Territory* response) {
  return rpc::HandleRpc("CustomerMaster/GetTerritory", context, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(*response, LoadTerritory(request->territory_id(), "territory_id"));
    return absl::OkStatus();
  });
}

grpc::Status CustomerMasterService::Align(grpc::ServerContext* context,
                                          const v1::AlignRequest* request, v1::Alignment* response) {
  return rpc::HandleRpc("CustomerMaster/Align", context,
                        [&] { return DoAlign(*request, rpc::ActorOf(*context), response); });
}

grpc::Status CustomerMasterService::GetAlignment(grpc::ServerContext* context,
                                                 const v1::GetAlignmentRequest* request,
                                                 v1::Alignment* response) {
  return rpc::HandleRpc("CustomerMaster/GetAlignment", context, [&]() -> absl::Status {
    if (request->subject_id().empty()) return core::FieldError("subject_id", "must be set");
    ASSIGN_OR_RETURN(std::vector<v1::Alignment> history,
                     repo_.Alignments(request->subject(), request->subject_id()));
    google::protobuf::Timestamp as_of =
        request->has_as_of() ? request->as_of() : core::ToTimestamp(host_.clock().Now());
    std::optional<v1::Alignment> a = AlignmentAsOf(history, as_of);
    if (!a) {
      return core::FieldStatus(absl::StatusCode::kNotFound, "subject_id",
                               "was not aligned to any territory at that time");
    }
    *response = *std::move(a);
    return absl::OkStatus();
  });
}

grpc::Status CustomerMasterService::GetAlignmentHistory(grpc::ServerContext* context,
                                                        const v1::GetAlignmentRequest* request,
                                                        v1::AlignmentHistory* response) {
  return rpc::HandleRpc("CustomerMaster/GetAlignmentHistory", context, [&]() -> absl::Status {
    if (request->subject_id().empty()) return core::FieldError("subject_id", "must be set");
    ASSIGN_OR_RETURN(std::vector<v1::Alignment> history,
                     repo_.Alignments(request->subject(), request->subject_id()));
    for (auto& a : history) *response->add_alignments() = std::move(a);
    return absl::OkStatus();
  });
}

grpc::Status CustomerMasterService::ListTerritoryCustomers(
    grpc::ServerContext* context, const v1::ListTerritoryCustomersRequest* request,
    v1::ListTerritoryCustomersResponse* response) {
  return rpc::HandleRpc("CustomerMaster/ListTerritoryCustomers", context, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(*response, ListMembers(*request));
    return absl::OkStatus();
  });
}

grpc::Status CustomerMasterService::ListTerritories(grpc::ServerContext* context,
                                                    const v1::ListTerritoriesRequest* request,
                                                    v1::ListTerritoriesResponse* response) {
  return rpc::HandleRpc("CustomerMaster/ListTerritories", context, [&]() -> absl::Status {
    constexpr int kMaxTerritories = 10000;
    if (!v1::TerritoryLevel_IsValid(request->level())) {
      return core::FieldError("level", absl::StrCat("unknown territory level ", request->level()));
    }
    if (!request->parent_id().empty()) {
      RETURN_IF_ERROR(LoadTerritory(request->parent_id(), "parent_id").status());
    }
    ASSIGN_OR_RETURN(std::vector<v1::Territory> all, repo_.Territories());
    std::vector<v1::Territory> found;
    for (v1::Territory& t : all) {
      if ((request->parent_id().empty() || t.parent_id() == request->parent_id()) &&
          (request->level() == v1::TERRITORY_LEVEL_UNSPECIFIED || t.level() == request->level())) {
        found.push_back(std::move(t));
      }
    }
    std::sort(found.begin(), found.end(),
              [](const v1::Territory& a, const v1::Territory& b) { return a.code() < b.code(); });
    for (v1::Territory& t : found) {
      if (response->territories_size() == kMaxTerritories) {
        response->set_truncated(true);
        break;
      }
      *response->add_territories() = std::move(t);
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::Territory> CustomerMasterService::LoadTerritory(absl::string_view id,
                                                                   absl::string_view field) const {
  if (id.empty()) return core::FieldError(field, "must be set");
  ASSIGN_OR_RETURN(std::optional<v1::Territory> t, repo_.Territory(id));
  if (!t) {
    return core::FieldStatus(absl::StatusCode::kNotFound, field,
                             absl::StrCat("no territory with id '", id, "'"));
  }
  return *std::move(t);
}

absl::Status CustomerMasterService::DoAlign(const v1::AlignRequest& request,
                                            const std::string& actor, v1::Alignment* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  v1::Territory target;
  if (!request.territory_id().empty()) {
    absl::StatusOr<v1::Territory> t = LoadTerritory(request.territory_id(), "territory_id");
    if (t.ok()) target = *std::move(t);
    else if (t.status().code() != absl::StatusCode::kNotFound) return t.status();
  }
  absl::Time now = host_.clock().Now();
  RETURN_IF_ERROR(ValidateAlignment(request, now, target));
  std::optional<v1::Customer> customer;
  if (request.subject() == v1::ALIGNMENT_SUBJECT_CUSTOMER) {
    ASSIGN_OR_RETURN(customer, Load(request.subject_id(), "subject_id"));
  }
  absl::MutexLock lock(&locks_.For(request.subject_id()));
  return runtime::ExecuteOnce(
      host_.store(), "Align", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ASSIGN_OR_RETURN(std::vector<v1::Alignment> history,
                         repo_.Alignments(request.subject(), request.subject_id()));
        google::protobuf::Timestamp effective =
            request.has_effective_from() ? request.effective_from() : core::ToTimestamp(now);
        std::optional<v1::Alignment> previous = AlignmentAsOf(history, effective);
        response->set_subject_id(request.subject_id());
        response->set_subject(request.subject());
        response->set_territory_id(request.territory_id());
        *response->mutable_effective_from() = effective;
        *response->mutable_recorded_at() = core::ToTimestamp(now);
        response->set_recorded_by(actor);
        response->set_reason(request.reason());
        response->set_history_source(request.history_source());
        CustomerRepository::PutAlignment(batch, *response);
        if (customer && !request.territory_id().empty()) {
          CustomerRepository::PutTerritoryMember(batch, request.territory_id(),
                                                 request.subject_id());
        }
        bus::EventMeta meta;
        if (customer) {
          meta = EventMetaFor(*customer, request.request_id(), actor);
        } else {
          meta.event_id = host_.ids().Next();
          meta.source = internal::kService;
          meta.customer_id = request.subject_id();
          meta.occurred_at = meta.recorded_at = now;
          meta.actor = actor;
          meta.correlation_id = core::CurrentCorrelationId();
          meta.causation_id = request.request_id();
        }
        meta.aggregate_kind = customer ? "customer-alignment" : "rep-alignment";
        meta.aggregate_id = request.subject_id();
        meta.aggregate_version = static_cast<int64_t>(history.size()) + 1;
        std::string previous_territory = previous ? previous->territory_id() : "";
        if (customer) {
          v1::CustomerAligned event;
          *event.mutable_alignment() = *response;
          event.set_previous_territory_id(previous_territory);
          batch.AppendOutbox(bus::MakeOutboxRecord(bus::kCustomerTopic, bus::MakeEnvelope(meta, event)));
        } else {
          v1::RepAligned event;
          *event.mutable_alignment() = *response;
          event.set_previous_territory_id(previous_territory);
          batch.AppendOutbox(bus::MakeOutboxRecord(bus::kCustomerTopic, bus::MakeEnvelope(meta, event)));
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<std::vector<std::string>> CustomerMasterService::AlignedNow(
    absl::string_view territory_id, bool include_descendants, size_t max, bool* truncated) const {
  ASSIGN_OR_RETURN(v1::Territory root, LoadTerritory(territory_id, "territory_id"));
  ASSIGN_OR_RETURN(std::set<std::string> members,
                   MembersAsOf(root, include_descendants, core::ToTimestamp(host_.clock().Now())));
  *truncated = members.size() > max;
  std::vector<std::string> ids;
  for (auto it = members.begin(); it != members.end() && ids.size() < max; ++it) ids.push_back(*it);
  return ids;
}

absl::StatusOr<v1::ListTerritoryCustomersResponse> CustomerMasterService::ListMembers(
    const v1::ListTerritoryCustomersRequest& request) const {
  ASSIGN_OR_RETURN(v1::Territory root, LoadTerritory(request.territory_id(), "territory_id"));
  if (request.page_size() < 0 || request.page_size() > 1000) {
    return core::FieldError("page_size", "must be 0 (default 100) to 1000");
  }
  google::protobuf::Timestamp as_of =
      request.has_as_of() ? request.as_of() : core::ToTimestamp(host_.clock().Now());
  ASSIGN_OR_RETURN(std::set<std::string> members,
                   MembersAsOf(root, request.include_descendants(), as_of));
  int page_size = request.page_size() == 0 ? 100 : request.page_size();
  v1::ListTerritoryCustomersResponse out;
  auto it = request.page_token().empty() ? members.begin() : members.upper_bound(request.page_token());
  for (; it != members.end() && out.customer_ids_size() < page_size; ++it) {
    out.add_customer_ids(*it);
    if (out.customer_ids_size() == page_size && std::next(it) != members.end()) {
      out.set_next_page_token(*it);
    }
  }
  return out;
}

absl::StatusOr<std::set<std::string>> CustomerMasterService::MembersAsOf(
    const v1::Territory& root, bool include_descendants,
    const google::protobuf::Timestamp& as_of) const {
  std::vector<std::string> territories = {root.id()};
  if (include_descendants) {
    ASSIGN_OR_RETURN(std::vector<v1::Territory> all, repo_.Territories());
    territories = Descendants(all, root.id());
  }
  std::set<std::string> members;
  for (const std::string& territory : territories) {
    ASSIGN_OR_RETURN(std::vector<std::string> candidates, repo_.TerritoryMembers(territory));
    for (const std::string& id : candidates) {
      ASSIGN_OR_RETURN(std::vector<v1::Alignment> history,
                       repo_.Alignments(v1::ALIGNMENT_SUBJECT_CUSTOMER, id));
      if (SubjectAlignedTo(history, territory, as_of)) members.insert(id);
    }
  }
  return members;
}

}  // namespace pharmacrm::customer_master
