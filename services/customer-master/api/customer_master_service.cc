// The shared write path of CustomerMasterService (one write per request,
// its post-commit hook), start-up and the outbox rebuilder. The handlers
// are in one file per aggregate (customer_master_service.h).
#include "api/customer_master_service.h"

#include "absl/strings/str_cat.h"
#include "api/internal.h"
#include "domain/customers/lifecycle.h"
#include "pharmacrm/bus/envelope.h"
#include "pharmacrm/bus/kafka.h"
#include "pharmacrm/core/log.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::customer_master {

using internal::kService;

absl::Status CustomerMasterService::WriteOnce(
    absl::string_view method, const std::string& request_id,
    const google::protobuf::Message& request, google::protobuf::Message* response,
    absl::FunctionRef<absl::Status(CustomerWrite&)> decide) {
  std::vector<v1::Customer> written;
  RETURN_IF_ERROR(runtime::ExecuteOnce(
      host_.store(), method, request_id, request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        CustomerWrite write{batch, {}};
        RETURN_IF_ERROR(decide(write));
        written = std::move(write.customers);
        return absl::OkStatus();
      }));
  // A request answered from its idempotency record wrote nothing: nothing
  // to index (the index had it when it was first committed).
  Committed(written);
  return absl::OkStatus();
}

void CustomerMasterService::Committed(const std::vector<v1::Customer>& customers) {
  for (const v1::Customer& c : customers) index_.Upsert(c);
}

absl::StatusOr<std::string> CustomerMasterService::PutVersion(
    CustomerWrite& write, const v1::Customer& customer, std::vector<v1::FieldChange> changes,
    const std::string& actor, const std::string& reason, const std::string& request_id,
    const std::map<std::string, std::string>* field_sources) {
  v1::CustomerVersion version;
  for (auto& c : changes) *version.add_changes() = std::move(c);
  version.set_actor(actor);
  version.set_reason(reason);
  *version.mutable_changed_at() = customer.updated_at();
  version.set_request_id(request_id);
  if (field_sources != nullptr) {
    for (const auto& [field, source] : *field_sources) (*version.mutable_field_sources())[field] = source;
  }
  ASSIGN_OR_RETURN(std::string serialized, repo_.PutVersion(write.batch, customer, version));
  write.customers.push_back(customer);
  return serialized;
}

absl::StatusOr<v1::Customer> CustomerMasterService::Load(absl::string_view id,
                                                         absl::string_view field) const {
  if (id.empty()) return core::FieldError(field, "must be set");
  absl::StatusOr<v1::Customer> c = repo_.Customer(id);
  if (c.status().code() == absl::StatusCode::kNotFound) {
    return core::FieldStatus(absl::StatusCode::kNotFound, field,
                             absl::StrCat("no customer with id '", id, "'"));
  }
  return c;
}

absl::StatusOr<std::vector<v1::Customer>> CustomerMasterService::ActiveAmong(
    const std::vector<std::string>& ids) const {
  std::vector<v1::Customer> out;
  for (const std::string& id : ids) {
    absl::StatusOr<v1::Customer> c = repo_.Customer(id);
    if (c.status().code() == absl::StatusCode::kNotFound) continue;
    RETURN_IF_ERROR(c.status());
    if (IsActive(*c)) out.push_back(*std::move(c));
  }
  return out;
}

bus::EventMeta CustomerMasterService::EventMetaFor(const v1::Customer& customer,
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
  return meta;
}

v1::OutboxRecord CustomerMasterService::Event(const v1::Customer& customer,
                                              const google::protobuf::Message& payload,
                                              absl::string_view request_id,
                                              const std::string& actor) {
  return bus::MakeOutboxRecord(bus::kCustomerTopic,
                               bus::MakeEnvelope(EventMetaFor(customer, request_id, actor), payload));
}

absl::StatusOr<std::string> CustomerMasterService::RebuildOutboxValue(
    const v1::OutboxRecord& record) const {
  ASSIGN_OR_RETURN(v1::EventEnvelope bare,
                   bus::ParseEnvelopeWithoutPayload(record.envelope_without_payload()));
  if (bare.event_type() != v1::CustomerRegistered::descriptor()->full_name() ||
      bare.aggregate_version() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "envelope_without_payload: customer-master rebuilds only CustomerRegistered of version "
        "1, not ",
        bare.event_type(), " of version ", bare.aggregate_version()));
  }
  ASSIGN_OR_RETURN(std::string customer, repo_.FirstVersionBytes(bare.aggregate_id()));
  std::string payload;
  bus::AppendLengthDelimited(v1::CustomerRegistered::kCustomerFieldNumber, customer, &payload);
  return bus::EnvelopeWithPayload(std::move(bare), payload);
}

absl::Status CustomerMasterService::LoadIndex() {
  RETURN_IF_ERROR(repo_.DeleteRetiredIndex());
  absl::Time start = absl::Now();
  // Data folders from before kReferrer: its keys are written once, here.
  ASSIGN_OR_RETURN(const bool built, repo_.ReferrersBuilt());
  store::Batch referrers;
  absl::Status written = absl::OkStatus();
  RETURN_IF_ERROR(repo_.ForEachCustomer([&](const v1::Customer& c) {
    index_.Upsert(c);
    if (!built) {
      CustomerRepository::PutReferrers(referrers, c.id(), c.profile());
      if (referrers.Mark().ops >= 10000) {
        written = host_.store().Write(std::move(referrers));
        referrers = store::Batch();
        if (!written.ok()) return false;
      }
    }
    return true;
  }));
  RETURN_IF_ERROR(written);
  if (!built) {
    CustomerRepository::MarkReferrersBuilt(referrers);
    RETURN_IF_ERROR(host_.store().Write(std::move(referrers)));
  }
  core::Log(core::LogLevel::kInfo, "search index built",
            {{"customers", std::to_string(index_.size())},
             {"seconds", absl::StrCat(absl::ToDoubleSeconds(absl::Now() - start))}});
  sorter_.Request();
  return absl::OkStatus();
}

IndexSorter::IndexSorter(const CustomerIndex& index) : index_(index), thread_([this] { Run(); }) {}

IndexSorter::~IndexSorter() {
  stopping_ = true;
  {
    absl::MutexLock lock(&mu_);
    requested_ = true;  // Wakes Run.
  }
  thread_.join();
}

void IndexSorter::Request() {
  absl::MutexLock lock(&mu_);
  requested_ = true;
}

void IndexSorter::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(&requested_));
      requested_ = false;
    }
    if (stopping_) return;
    absl::Time start = absl::Now();
    size_t sorted = index_.SortLongLists(&stopping_);
    if (sorted > 0) {
      core::Log(core::LogLevel::kInfo, "search index lists sorted",
                {{"lists", std::to_string(sorted)},
                 {"seconds", absl::StrCat(absl::ToDoubleSeconds(absl::Now() - start))}});
    }
  }
}

}  // namespace pharmacrm::customer_master
