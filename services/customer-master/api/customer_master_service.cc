#include "api/customer_master_service.h"

#include "absl/strings/str_cat.h"
#include "domain/customer_rules.h"
#include "google/protobuf/util/time_util.h"
#include "pharmacrm/bus/envelope.h"
#include "pharmacrm/bus/kafka.h"
#include "pharmacrm/core/log.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/runtime/projection.h"
#include "storage/keys.h"

namespace pharmacrm::customer_master {
namespace {
constexpr char kService[] = "customer-master";


google::protobuf::Timestamp ToProto(absl::Time t) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}
}  // namespace

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

grpc::Status CustomerMasterService::GetCustomer(grpc::ServerContext* context,
                                                const v1::GetCustomerRequest* request,
                                                v1::Customer* response) {
  return rpc::HandleRpc("CustomerMaster/GetCustomer", context, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(*response, Load(request->customer_id(), "customer_id"));
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::Customer> CustomerMasterService::Load(absl::string_view id,
                                                         absl::string_view field) const {
  if (id.empty()) return core::FieldError(field, "must be set");
  absl::StatusOr<v1::Customer> c = runtime::ReadKeyed<v1::Customer>(host_.store(), kCustomer, id);
  if (c.status().code() == absl::StatusCode::kNotFound) {
    return core::FieldStatus(absl::StatusCode::kNotFound, field,
                             absl::StrCat("no customer with id '", id, "'"));
  }
  return c;
}

absl::Status CustomerMasterService::CheckHospitalReference(const v1::CustomerProfile& profile) const {
  if (profile.hospital_id().empty()) return absl::OkStatus();
  ASSIGN_OR_RETURN(v1::Customer hospital, Load(profile.hospital_id(), "profile.hospital_id"));
  if (hospital.profile().kind() != v1::CUSTOMER_KIND_HOSPITAL) {
    return core::FieldError("profile.hospital_id",
                            absl::StrCat("'", profile.hospital_id(), "' is not a hospital"));
  }
  return absl::OkStatus();
}

v1::OutboxRecord CustomerMasterService::Event(const v1::Customer& customer,
                                              const google::protobuf::Message& payload,
                                              absl::string_view request_id,
                                              const std::string& actor) {
  bus::EventMeta meta;
  meta.event_id = host_.ids().Next();
  meta.source = kService;
  meta.aggregate_kind = "customer";
  meta.aggregate_id = customer.id();
  meta.aggregate_version = customer.version();
  meta.customer_id = customer.id();
  meta.occurred_at = meta.recorded_at = host_.clock().Now();
  meta.actor = actor;
  meta.correlation_id = core::CurrentCorrelationId();
  meta.causation_id = std::string(request_id);
  return bus::MakeOutboxRecord(bus::kCustomerTopic, bus::MakeEnvelope(meta, payload));
}

absl::Status CustomerMasterService::Register(const v1::RegisterCustomerRequest& request,
                                             const std::string& actor, v1::Customer* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  if (!request.has_profile()) return core::FieldError("profile", "must be set");
  RETURN_IF_ERROR(ValidateProfile(request.profile()));
  RETURN_IF_ERROR(CheckHospitalReference(request.profile()));
  absl::MutexLock lock(&locks_.For(request.request_id()));
  return runtime::ExecuteOnce(
      host_.store(), "RegisterCustomer", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) {
        absl::Time now = host_.clock().Now();
        response->set_id(host_.ids().Next());
        *response->mutable_profile() = request.profile();
        response->set_version(1);
        *response->mutable_created_at() = ToProto(now);
        *response->mutable_updated_at() = ToProto(now);
        batch.Put(store::Family::kState, runtime::CustomerKey(kCustomer, response->id()),
                  response->SerializeAsString());
        v1::CustomerRegistered event;
        *event.mutable_customer() = *response;
        batch.AppendOutbox(Event(*response, event, request.request_id(), actor));
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
  absl::MutexLock lock(&locks_.For(request.customer_id()));
  return runtime::ExecuteOnce(
      host_.store(), "UpdateCustomer", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ASSIGN_OR_RETURN(v1::Customer customer, Load(request.customer_id(), "customer_id"));
        RETURN_IF_ERROR(CheckExpectedVersion(request.expected_version(), customer.version()));
        ASSIGN_OR_RETURN(std::vector<v1::FieldChange> changes,
                         ApplyProfileUpdate(request.profile(), request.update_mask(),
                                            customer.mutable_profile()));
        if (changes.empty()) {
          *response = customer;  // Nothing to change: no new version, no event.
          return absl::OkStatus();
        }
        for (const auto& c : changes) {
          if (c.field() == "hospital_id") RETURN_IF_ERROR(CheckHospitalReference(customer.profile()));
        }
        customer.set_version(customer.version() + 1);
        *customer.mutable_updated_at() = ToProto(host_.clock().Now());
        batch.Put(store::Family::kState, runtime::CustomerKey(kCustomer, customer.id()),
                  customer.SerializeAsString());
        v1::ProfileChanged event;
        *event.mutable_customer() = customer;
        for (auto& c : changes) *event.add_changes() = std::move(c);
        event.set_reason(request.reason());
        batch.AppendOutbox(Event(customer, event, request.request_id(), actor));
        *response = std::move(customer);
        return absl::OkStatus();
      });
}

}  // namespace pharmacrm::customer_master
