// Customers and their history: register, update, deactivate, reactivate,
// read (as of a time), history, and who names a customer.
#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "api/customer_master_service.h"
#include "api/internal.h"
#include "domain/customers/customer_rules.h"
#include "domain/customers/hierarchy.h"
#include "domain/customers/lifecycle.h"
#include "domain/customers/profile_normalization.h"
#include "domain/customers/references.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/rpc/server.h"

namespace pharmacrm::customer_master {

using internal::MultiLock;

grpc::Status CustomerMasterService::RegisterCustomer(grpc::ServerContext* context,
                                                     const v1::RegisterCustomerRequest* request,
                                                     v1::Customer* response) {
  return rpc::HandleRpc("CustomerMaster/RegisterCustomer", context,
                        [&] { return Register(*request, rpc::ActorOf(*context), response); });
}

grpc::Status CustomerMasterService::UpdateCustomer(grpc::ServerContext* context,
                                                   const v1::UpdateCustomerRequest* request,
                                                   v1::Customer* response) {
  return rpc::HandleRpc("CustomerMaster/UpdateCustomer", context,
                        [&] { return Update(*request, rpc::ActorOf(*context), response); });
}

grpc::Status CustomerMasterService::DeactivateCustomer(grpc::ServerContext* context,
                                                       const v1::DeactivateCustomerRequest* request,
                                                       v1::Customer* response) {
  return rpc::HandleRpc("CustomerMaster/DeactivateCustomer", context,
                        [&] { return Deactivate(*request, rpc::ActorOf(*context), response); });
}

grpc::Status CustomerMasterService::ReactivateCustomer(grpc::ServerContext* context,
                                                       const v1::ReactivateCustomerRequest* request,
                                                       v1::Customer* response) {
  return rpc::HandleRpc("CustomerMaster/ReactivateCustomer", context,
                        [&] { return Reactivate(*request, rpc::ActorOf(*context), response); });
}

grpc::Status CustomerMasterService::GetCustomer(grpc::ServerContext* context,
                                                const v1::GetCustomerRequest* request,
                                                v1::Customer* response) {
  return rpc::HandleRpc("CustomerMaster/GetCustomer", context, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(*response, Load(request->customer_id(), "customer_id"));
    if (request->has_as_of()) {
      ASSIGN_OR_RETURN(std::vector<v1::CustomerVersion> versions,
                       repo_.History(request->customer_id()));
      ASSIGN_OR_RETURN(v1::CustomerVersion v, VersionAsOf(versions, request->as_of()));
      *response = v.customer();
    }
    return absl::OkStatus();
  });
}

grpc::Status CustomerMasterService::ListReferringCustomers(
    grpc::ServerContext* context, const v1::ListReferringCustomersRequest* request,
    v1::ListReferringCustomersResponse* response) {
  return rpc::HandleRpc("CustomerMaster/ListReferringCustomers", context, [&]() -> absl::Status {
    if (request->limit() < 0 || request->limit() > 1000) {
      return core::FieldError("limit", "must be 0 (200) to 1000");
    }
    const size_t limit = request->limit() == 0 ? 200 : static_cast<size_t>(request->limit());
    RETURN_IF_ERROR(Load(request->customer_id(), "customer_id").status());
    ASSIGN_OR_RETURN(std::vector<std::string> ids, repo_.Referrers(request->customer_id()));
    for (const std::string& id : ids) {
      // The keys are hints: each profile is checked as it is now.
      absl::StatusOr<v1::Customer> c = repo_.Customer(id);
      if (c.status().code() == absl::StatusCode::kNotFound) continue;
      RETURN_IF_ERROR(c.status());
      if (!request->include_inactive() && !IsActive(*c)) continue;
      v1::CustomerProfile profile = c->profile();
      v1::ReferringCustomer referring;
      for (const CustomerReference& ref : ReferencesOf(&profile)) {
        if (*ref.id == request->customer_id()) referring.add_fields(ref.field);
      }
      if (referring.fields_size() == 0) continue;
      if (static_cast<size_t>(response->customers_size()) == limit) {
        response->set_truncated(true);
        break;
      }
      *referring.mutable_customer() = *std::move(c);
      *response->add_customers() = std::move(referring);
    }
    return absl::OkStatus();
  });
}

grpc::Status CustomerMasterService::GetCustomerHistory(grpc::ServerContext* context,
                                                       const v1::GetCustomerHistoryRequest* request,
                                                       v1::CustomerHistory* response) {
  return rpc::HandleRpc("CustomerMaster/GetCustomerHistory", context, [&]() -> absl::Status {
    RETURN_IF_ERROR(Load(request->customer_id(), "customer_id").status());
    ASSIGN_OR_RETURN(std::vector<v1::CustomerVersion> versions,
                     repo_.History(request->customer_id()));
    for (auto& v : versions) *response->add_versions() = std::move(v);
    return absl::OkStatus();
  });
}

absl::Status CustomerMasterService::CheckReferences(const v1::CustomerProfile& profile,
                                                    absl::string_view self_id,
                                                    const v1::CustomerProfile* before) const {
  v1::CustomerProfile copy = profile;
  absl::flat_hash_set<std::pair<std::string, std::string>> unchanged;
  if (before != nullptr) {
    v1::CustomerProfile before_copy = *before;
    for (const CustomerReference& ref : ReferencesOf(&before_copy)) {
      unchanged.emplace(ref.field, *ref.id);
    }
  }
  auto lookup = [&](const std::string& id) -> absl::StatusOr<std::optional<v1::Customer>> {
    absl::StatusOr<v1::Customer> c = repo_.Customer(id);
    if (c.status().code() == absl::StatusCode::kNotFound) return std::nullopt;
    RETURN_IF_ERROR(c.status());
    return *std::move(c);
  };
  for (const CustomerReference& ref : ReferencesOf(&copy)) {
    if (unchanged.contains(std::make_pair(ref.field, *ref.id))) continue;
    if (*ref.id == self_id) return core::FieldError(ref.field, "must not name the customer itself");
    ASSIGN_OR_RETURN(v1::Customer target, Load(*ref.id, ref.field));
    RETURN_IF_ERROR(CheckReferencedKind(ref, target.profile().kind()));
    if (!IsActive(target)) {
      return core::FieldStatus(absl::StatusCode::kFailedPrecondition, ref.field,
                               absl::StrCat("'", *ref.id, "' is inactive or merged"));
    }
    if (!self_id.empty() && ref.role == ReferenceRole::kParent) {
      RETURN_IF_ERROR(CheckNoParentCycle(ref.field, target, self_id, lookup));
      // Only a distributor can be among another's branch_ids.
      if (profile.has_distributor()) {
        ASSIGN_OR_RETURN(std::vector<std::string> ids, repo_.Referrers(self_id));
        ASSIGN_OR_RETURN(std::vector<v1::Customer> referrers, ActiveAmong(ids));
        RETURN_IF_ERROR(CheckNotBranchOfAnother(ref.field, *ref.id, self_id, referrers));
      }
    }
    if (ref.role == ReferenceRole::kBranch) {
      RETURN_IF_ERROR(CheckBranchAgrees(ref.field, target, profile, self_id));
    }
  }
  return absl::OkStatus();
}

absl::Status CustomerMasterService::Register(const v1::RegisterCustomerRequest& request,
                                             const std::string& actor, v1::Customer* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  if (!request.has_profile()) return core::FieldError("profile", "must be set");
  v1::CustomerProfile profile = request.profile();
  RETURN_IF_ERROR(NormalizeProfile(&profile));
  RETURN_IF_ERROR(ValidateProfile(profile, host_.clock().Now()));
  RETURN_IF_ERROR(CheckReferences(profile, "", nullptr));
  // The customers the profile names are locked with the request id and
  // checked again under the locks: a merge or deactivation of one of them
  // (which holds its lock) cannot fall between the check and the write.
  std::vector<std::string> locked = {request.request_id()};
  for (absl::string_view id : ReferencedIds(profile)) locked.emplace_back(id);
  MultiLock lock(locks_, locked);
  return WriteOnce(
      "RegisterCustomer", request.request_id(), request, response,
      [&](CustomerWrite& write) -> absl::Status {
        RETURN_IF_ERROR(CheckReferences(profile, "", nullptr));
        absl::Time now = host_.clock().Now();
        response->set_id(host_.ids().Next());
        *response->mutable_profile() = profile;
        response->set_version(1);
        response->set_status(v1::CUSTOMER_STATUS_ACTIVE);
        *response->mutable_created_at() = core::ToTimestamp(now);
        *response->mutable_updated_at() = core::ToTimestamp(now);
        ASSIGN_OR_RETURN(std::string serialized, PutVersion(write, *response, {}, actor,
                                                            "registered", request.request_id()));
        write.batch.AppendOutbox(internal::RegisteredRecord(
            EventMetaFor(*response, request.request_id(), actor), serialized));
        return absl::OkStatus();
      });
}

absl::Status CustomerMasterService::Update(const v1::UpdateCustomerRequest& request,
                                           const std::string& actor, v1::Customer* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  if (request.customer_id().empty()) return core::FieldError("customer_id", "must be set");
  if (request.expected_version() < 1) {
    return core::FieldError("expected_version", "must be the version last read (>= 1)");
  }
  if (request.reason().size() > 500) return core::FieldError("reason", "longer than 500 bytes");
  // Locked with the customer: every customer the update may come to name
  // (those the patch names; the references it leaves as they were are not
  // checked again), so that none is merged or deactivated between the
  // check and the write. A patch that does not normalise fails below.
  std::vector<std::string> locked = {request.customer_id()};
  v1::CustomerProfile named = request.profile();
  if (NormalizeProfile(&named).ok()) {
    for (absl::string_view id : ReferencedIds(named)) locked.emplace_back(id);
  }
  MultiLock lock(locks_, locked);
  return WriteOnce(
      "UpdateCustomer", request.request_id(), request, response,
      [&](CustomerWrite& write) -> absl::Status {
        ASSIGN_OR_RETURN(v1::Customer customer, Load(request.customer_id(), "customer_id"));
        RETURN_IF_ERROR(CheckExpectedVersion(request.expected_version(), customer.version()));
        if (!IsActive(customer)) {
          return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "customer_id",
                                   "is inactive or merged; its profile no longer changes");
        }
        v1::CustomerProfile patch = request.profile();
        RETURN_IF_ERROR(NormalizeProfile(&patch));
        const v1::CustomerProfile before = customer.profile();
        ASSIGN_OR_RETURN(std::vector<v1::FieldChange> changes,
                         ApplyProfileUpdate(patch, request.update_mask(),
                                            host_.clock().Now(), customer.mutable_profile()));
        if (changes.empty()) {
          *response = customer;  // Nothing to change: no new version, no event.
          return absl::OkStatus();
        }
        RETURN_IF_ERROR(CheckReferences(customer.profile(), customer.id(), &before));
        customer.set_version(customer.version() + 1);
        *customer.mutable_updated_at() = core::ToTimestamp(host_.clock().Now());
        RETURN_IF_ERROR(
            PutVersion(write, customer, changes, actor, request.reason(), request.request_id())
                .status());
        v1::ProfileChanged event;
        *event.mutable_customer() = customer;
        for (auto& c : changes) *event.add_changes() = std::move(c);
        event.set_reason(request.reason());
        write.batch.AppendOutbox(Event(customer, event, request.request_id(), actor));
        *response = std::move(customer);
        return absl::OkStatus();
      });
}

absl::Status CustomerMasterService::ChangeStatus(
    const StatusRequest& request, const google::protobuf::Message& message,
    const std::string& actor, v1::Customer* response,
    absl::FunctionRef<absl::StatusOr<std::vector<v1::FieldChange>>(v1::Customer&)> change,
    absl::FunctionRef<v1::OutboxRecord(const v1::Customer&, std::vector<v1::FieldChange>)> event) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id));
  if (request.customer_id.empty()) return core::FieldError("customer_id", "must be set");
  if (request.expected_version < 1) {
    return core::FieldError("expected_version", "must be the version last read (>= 1)");
  }
  if (absl::StripAsciiWhitespace(request.reason).empty()) {
    return core::FieldError("reason", absl::StrCat("say why the customer is ", request.done));
  }
  if (request.reason.size() > 500) return core::FieldError("reason", "longer than 500 bytes");
  absl::MutexLock lock(&locks_.For(request.customer_id));
  return WriteOnce(
      request.method, request.request_id, message, response,
      [&](CustomerWrite& write) -> absl::Status {
        ASSIGN_OR_RETURN(v1::Customer customer, Load(request.customer_id, "customer_id"));
        RETURN_IF_ERROR(CheckExpectedVersion(request.expected_version, customer.version()));
        ASSIGN_OR_RETURN(std::vector<v1::FieldChange> changes, change(customer));
        customer.set_version(customer.version() + 1);
        *customer.mutable_updated_at() = core::ToTimestamp(host_.clock().Now());
        RETURN_IF_ERROR(
            PutVersion(write, customer, changes, actor, request.reason, request.request_id)
                .status());
        write.batch.AppendOutbox(event(customer, std::move(changes)));
        *response = std::move(customer);
        return absl::OkStatus();
      });
}

absl::Status CustomerMasterService::Deactivate(const v1::DeactivateCustomerRequest& request,
                                               const std::string& actor, v1::Customer* response) {
  return ChangeStatus(
      {"DeactivateCustomer", "deactivated", request.request_id(), request.customer_id(),
       request.expected_version(), request.reason()},
      request, actor, response,
      [&](v1::Customer& customer) { return customer_master::Deactivate(customer); },
      [&](const v1::Customer& customer, std::vector<v1::FieldChange>) {
        v1::CustomerDeactivated event;
        *event.mutable_customer() = customer;
        event.set_reason(request.reason());
        return Event(customer, event, request.request_id(), actor);
      });
}

absl::Status CustomerMasterService::Reactivate(const v1::ReactivateCustomerRequest& request,
                                               const std::string& actor, v1::Customer* response) {
  return ChangeStatus(
      {"ReactivateCustomer", "reactivated", request.request_id(), request.customer_id(),
       request.expected_version(), request.reason()},
      request, actor, response,
      [&](v1::Customer& customer) -> absl::StatusOr<std::vector<v1::FieldChange>> {
        RETURN_IF_ERROR(CheckCanReactivate(customer));
        v1::CustomerProfile profile = customer.profile();
        RETURN_IF_ERROR(RepointToSurvivors(&profile));
        return customer_master::Reactivate(customer, std::move(profile));
      },
      [&](const v1::Customer& customer, std::vector<v1::FieldChange> changes) {
        v1::CustomerReactivated event;
        *event.mutable_customer() = customer;
        event.set_reason(request.reason());
        for (auto& c : changes) *event.add_changes() = std::move(c);
        return Event(customer, event, request.request_id(), actor);
      });
}

absl::StatusOr<std::string> CustomerMasterService::SurvivorOf(std::string id) const {
  // A chain of survivors (A merged into B, B later into C) is followed at
  // most this far.
  constexpr int kMaxMergeHops = 16;
  for (int hop = 0; hop < kMaxMergeHops; ++hop) {
    absl::StatusOr<v1::Customer> c = repo_.Customer(id);
    if (c.status().code() == absl::StatusCode::kNotFound) break;
    RETURN_IF_ERROR(c.status());
    if (c->status() != v1::CUSTOMER_STATUS_MERGED || c->merged_into().empty()) break;
    id = c->merged_into();
  }
  return id;
}

absl::Status CustomerMasterService::RepointToSurvivors(v1::CustomerProfile* profile) const {
  for (const CustomerReference& ref : ReferencesOf(profile)) {
    ASSIGN_OR_RETURN(*ref.id, SurvivorOf(*ref.id));
  }
  return absl::OkStatus();
}

}  // namespace pharmacrm::customer_master
