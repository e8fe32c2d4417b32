#include "storage/customer_repository.h"

#include "absl/strings/str_cat.h"
#include "domain/customers/first_version.h"
#include "domain/customers/references.h"
#include "google/protobuf/util/time_util.h"
#include "pharmacrm/bus/envelope.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/runtime/projection.h"
#include "pharmacrm/store/key.h"
#include "storage/keys.h"

namespace pharmacrm::customer_master {
namespace {

constexpr store::Family kState = store::Family::kState;

// Calls `fn` with each T stored in the state family under `prefix`, in key
// order, while it returns true; DATA_LOSS `unparsable` at the first value
// that does not parse.
template <typename T, typename Fn>
absl::Status ForEachStored(const store::Store& store, absl::string_view prefix,
                           absl::string_view unparsable, Fn&& fn) {
  absl::Status parse = absl::OkStatus();
  RETURN_IF_ERROR(store.ScanPrefix(kState, prefix, [&](absl::string_view, absl::string_view value) {
    T message;
    if (!message.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
      parse = absl::DataLossError(unparsable);
      return false;
    }
    return fn(std::move(message));
  }));
  return parse;
}

// The stored T at `key`, if any.
template <typename T>
absl::StatusOr<std::optional<T>> GetParsed(const store::Store& store, const std::string& key,
                                           absl::string_view unparsable) {
  ASSIGN_OR_RETURN(std::optional<std::string> raw, store.Get(kState, key));
  if (!raw) return std::nullopt;
  T message;
  if (!message.ParseFromString(*raw)) return absl::DataLossError(unparsable);
  return message;
}

// The last String part of each key under `prefix`, which holds
// `strings_before` String parts after the key space.
absl::StatusOr<std::vector<std::string>> LastStrings(const store::Store& store,
                                                     const std::string& prefix,
                                                     int strings_before, absl::string_view what) {
  std::vector<std::string> out;
  absl::Status status = absl::OkStatus();
  RETURN_IF_ERROR(store.ScanPrefix(kState, prefix, [&](absl::string_view key, absl::string_view) {
    store::KeyReader reader(key);
    bool ok = reader.KeySpace().ok();
    for (int i = 0; ok && i < strings_before; ++i) ok = reader.String().ok();
    absl::StatusOr<std::string> id = ok ? reader.String() : absl::DataLossError("");
    if (!id.ok()) {
      status = absl::DataLossError(absl::StrCat("a ", what, " key does not parse"));
      return false;
    }
    out.push_back(*std::move(id));
    return true;
  }));
  RETURN_IF_ERROR(status);
  return out;
}

std::string VersionKey(absl::string_view id, int64_t version) {
  return store::KeyBuilder(kCustomerVersion).String(id).Uint64(static_cast<uint64_t>(version)).key();
}

std::string MetricsKey(absl::string_view customer_id, absl::string_view period,
                       absl::string_view department) {
  return store::KeyBuilder(kMetrics).String(customer_id).String(period).String(department).key();
}

}  // namespace

absl::StatusOr<v1::Customer> CustomerRepository::Customer(absl::string_view id) const {
  return runtime::ReadKeyed<v1::Customer>(store_, kCustomer, id);
}

absl::StatusOr<std::vector<std::optional<v1::Customer>>> CustomerRepository::Customers(
    const std::vector<std::string>& ids) const {
  std::vector<std::string> keys;
  keys.reserve(ids.size());
  for (const std::string& id : ids) keys.push_back(runtime::CustomerKey(kCustomer, id));
  ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> values, store_.MultiGet(kState, keys));
  std::vector<std::optional<v1::Customer>> out(values.size());
  for (size_t i = 0; i < values.size(); ++i) {
    if (!values[i]) continue;
    if (!out[i].emplace().ParseFromString(*values[i])) {
      return absl::DataLossError("stored customer does not parse");
    }
  }
  return out;
}

absl::Status CustomerRepository::ForEachCustomer(
    absl::FunctionRef<bool(const v1::Customer&)> fn) const {
  return ForEachStored<v1::Customer>(store_, store::KeyBuilder(kCustomer).key(),
                                     "a stored customer does not parse",
                                     [&](const v1::Customer& c) { return fn(c); });
}

absl::StatusOr<std::vector<v1::CustomerVersion>> CustomerRepository::History(
    absl::string_view id) const {
  // Version 1 holds no snapshot while it is the only one (PutVersion): the
  // customer record holds it. The two are read one after the other, so a
  // version 2 committed in between (which completes version 1 in the same
  // batch) shows as a customer record past version 1: the versions are
  // read again.
  constexpr int kAttempts = 3;
  for (int attempt = 1;; ++attempt) {
    std::vector<v1::CustomerVersion> versions;
    RETURN_IF_ERROR(ForEachStored<v1::CustomerVersion>(
        store_, store::KeyBuilder(kCustomerVersion).String(id).key(),
        "stored customer version does not parse", [&](v1::CustomerVersion v) {
          versions.push_back(std::move(v));
          return true;
        }));
    if (versions.empty() || versions[0].has_customer()) {
      for (const v1::CustomerVersion& v : versions) {
        if (!v.has_customer()) {
          return absl::DataLossError(
              absl::StrCat("customer ", id, ": a version after the first has no snapshot"));
        }
      }
      return versions;
    }
    ASSIGN_OR_RETURN(v1::Customer stored, Customer(id));
    if (versions.size() == 1 && stored.version() == 1) {
      *versions[0].mutable_customer() = std::move(stored);
      return versions;
    }
    if (attempt == kAttempts) {
      return absl::DataLossError(absl::StrCat(
          "customer ", id, ": version 1 has no snapshot and the customer record is version ",
          stored.version(), " of ", versions.size(), " stored"));
    }
  }
}

absl::StatusOr<std::string> CustomerRepository::PutVersion(store::Batch& batch,
                                                           const v1::Customer& customer,
                                                           const v1::CustomerVersion& version) {
  // Version 1 of a customer is written without its snapshot: until version
  // 2 is written the customer record holds it (History reads it there), so
  // a registration or an imported row stores the customer once, not twice.
  // Writing version 2 completes version 1's record, in the same batch.
  if (customer.version() == 2) RETURN_IF_ERROR(CompleteFirstVersion(batch, customer.id()));
  // The customer is serialized once: the state record, and field 1 of the
  // version record appended to the rest of it (bus::AppendLengthDelimited).
  std::string serialized = customer.SerializeAsString();
  batch.Put(kState, runtime::CustomerKey(kCustomer, customer.id()), serialized);
  std::string record = version.SerializeAsString();
  if (customer.version() != 1) {
    bus::AppendLengthDelimited(v1::CustomerVersion::kCustomerFieldNumber, serialized, &record);
  }
  batch.Put(kState, VersionKey(customer.id(), customer.version()), std::move(record));
  // So that a merge of a customer this one names can re-point it.
  PutReferrers(batch, customer.id(), customer.profile());
  return serialized;
}

absl::StatusOr<std::string> CustomerRepository::FirstVersionBytes(const std::string& id) const {
  ASSIGN_OR_RETURN(std::string first, FirstVersionRecord(id));
  return FirstVersionBytes(id, first);
}

absl::StatusOr<std::string> CustomerRepository::FirstVersionRecord(const std::string& id) const {
  ASSIGN_OR_RETURN(std::optional<std::string> first, store_.Get(kState, VersionKey(id, 1)));
  if (!first) {
    return absl::DataLossError(absl::StrCat("customer ", id, ": version 1 is not stored"));
  }
  return *std::move(first);
}

absl::StatusOr<std::string> CustomerRepository::FirstVersionBytes(
    const std::string& id, absl::string_view version_record) const {
  ASSIGN_OR_RETURN(std::optional<std::string> current,
                   store_.Get(kState, runtime::CustomerKey(kCustomer, id)));
  std::optional<absl::string_view> current_view;
  if (current) current_view = *current;
  return FirstVersionCustomer(id, version_record, current_view);
}

absl::Status CustomerRepository::CompleteFirstVersion(store::Batch& batch, const std::string& id) {
  ASSIGN_OR_RETURN(std::string first, FirstVersionRecord(id));
  v1::CustomerVersion parsed;
  if (!parsed.ParseFromString(first)) {
    return absl::DataLossError(absl::StrCat("customer ", id, ": version 1 does not parse"));
  }
  if (parsed.has_customer()) return absl::OkStatus();  // Written whole (before this rule).
  ASSIGN_OR_RETURN(std::string customer, FirstVersionBytes(id, first));
  bus::AppendLengthDelimited(v1::CustomerVersion::kCustomerFieldNumber, customer, &first);
  batch.Put(kState, VersionKey(id, 1), std::move(first));
  return absl::OkStatus();
}

absl::StatusOr<std::vector<std::string>> CustomerRepository::Referrers(
    absl::string_view target) const {
  return LastStrings(store_, store::KeyBuilder(kReferrer).String(target).key(), 1, "referrer");
}

void CustomerRepository::PutReferrers(store::Batch& batch, const std::string& id,
                                      const v1::CustomerProfile& profile) {
  for (absl::string_view target : ReferencedIds(profile)) {
    batch.Put(kState, store::KeyBuilder(kReferrer).String(target).String(id).key(), "");
  }
}

absl::StatusOr<bool> CustomerRepository::ReferrersBuilt() const {
  ASSIGN_OR_RETURN(std::optional<std::string> built,
                   store_.Get(kState, store::KeyBuilder(kReferrersBuilt).key()));
  return built.has_value();
}

void CustomerRepository::MarkReferrersBuilt(store::Batch& batch) {
  batch.Put(kState, store::KeyBuilder(kReferrersBuilt).key(), "1");
}

absl::StatusOr<std::optional<v1::RepointedReferences>> CustomerRepository::Repointed(
    absl::string_view merged_id) const {
  return GetParsed<v1::RepointedReferences>(
      store_, store::KeyBuilder(kRepointed).String(merged_id).key(),
      "stored re-pointed references do not parse");
}

void CustomerRepository::PutRepointed(store::Batch& batch, absl::string_view merged_id,
                                      const v1::RepointedReferences& moved) {
  batch.Put(kState, store::KeyBuilder(kRepointed).String(merged_id).key(),
            moved.SerializeAsString());
}

void CustomerRepository::DeleteRepointed(store::Batch& batch, absl::string_view merged_id) {
  batch.Delete(kState, store::KeyBuilder(kRepointed).String(merged_id).key());
}

absl::StatusOr<std::optional<std::string>> CustomerRepository::ImportedAs(
    absl::string_view external_id) const {
  return store_.Get(kState, store::KeyBuilder(kExternalId).String(external_id).key());
}

void CustomerRepository::PutImportedAs(store::Batch& batch, absl::string_view external_id,
                                       absl::string_view customer_id) {
  batch.Put(kState, store::KeyBuilder(kExternalId).String(external_id).key(), customer_id);
}

absl::StatusOr<std::optional<v1::CustomerMetrics>> CustomerRepository::Metrics(
    absl::string_view customer_id, absl::string_view period, absl::string_view department) const {
  return GetParsed<v1::CustomerMetrics>(store_, MetricsKey(customer_id, period, department),
                                        "stored metrics do not parse");
}

absl::StatusOr<std::vector<v1::CustomerMetrics>> CustomerRepository::MetricsOf(
    absl::string_view customer_id) const {
  std::vector<v1::CustomerMetrics> out;
  RETURN_IF_ERROR(ForEachStored<v1::CustomerMetrics>(
      store_, store::KeyBuilder(kMetrics).String(customer_id).key(), "stored metrics do not parse",
      [&](v1::CustomerMetrics m) {
        out.push_back(std::move(m));
        return true;
      }));
  return out;
}

void CustomerRepository::PutMetrics(store::Batch& batch, const v1::CustomerMetrics& metrics) {
  batch.Put(kState, MetricsKey(metrics.customer_id(), metrics.period(), metrics.department()),
            metrics.SerializeAsString());
}

absl::StatusOr<std::optional<v1::Territory>> CustomerRepository::Territory(
    absl::string_view id) const {
  return GetParsed<v1::Territory>(store_, store::KeyBuilder(kTerritory).String(id).key(),
                                  "stored territory does not parse");
}

absl::StatusOr<std::vector<v1::Territory>> CustomerRepository::Territories() const {
  std::vector<v1::Territory> out;
  RETURN_IF_ERROR(ForEachStored<v1::Territory>(store_, store::KeyBuilder(kTerritory).key(),
                                               "stored territory does not parse",
                                               [&](v1::Territory t) {
                                                 out.push_back(std::move(t));
                                                 return true;
                                               }));
  return out;
}

absl::StatusOr<std::optional<std::string>> CustomerRepository::TerritoryWithCode(
    absl::string_view code) const {
  return store_.Get(kState, store::KeyBuilder(kTerritoryCode).String(code).key());
}

void CustomerRepository::PutTerritory(store::Batch& batch, const v1::Territory& territory) {
  batch.Put(kState, store::KeyBuilder(kTerritory).String(territory.id()).key(),
            territory.SerializeAsString());
}

void CustomerRepository::PutTerritoryCode(store::Batch& batch, absl::string_view code,
                                          absl::string_view territory_id) {
  batch.Put(kState, store::KeyBuilder(kTerritoryCode).String(code).key(), territory_id);
}

void CustomerRepository::DeleteTerritoryCode(store::Batch& batch, absl::string_view code) {
  batch.Delete(kState, store::KeyBuilder(kTerritoryCode).String(code).key());
}

absl::StatusOr<std::vector<v1::Alignment>> CustomerRepository::Alignments(
    v1::AlignmentSubject subject, absl::string_view subject_id) const {
  std::vector<v1::Alignment> out;
  RETURN_IF_ERROR(ForEachStored<v1::Alignment>(
      store_,
      store::KeyBuilder(kAlignment).Uint64(static_cast<uint64_t>(subject)).String(subject_id).key(),
      "stored alignment does not parse", [&](v1::Alignment a) {
        out.push_back(std::move(a));
        return true;
      }));
  return out;
}

void CustomerRepository::PutAlignment(store::Batch& batch, const v1::Alignment& alignment) {
  using google::protobuf::util::TimeUtil;
  batch.Put(kState,
            store::KeyBuilder(kAlignment)
                .Uint64(static_cast<uint64_t>(alignment.subject()))
                .String(alignment.subject_id())
                .Int64(TimeUtil::TimestampToNanoseconds(alignment.effective_from()))
                .Int64(TimeUtil::TimestampToNanoseconds(alignment.recorded_at()))
                .key(),
            alignment.SerializeAsString());
}

void CustomerRepository::PutTerritoryMember(store::Batch& batch, absl::string_view territory_id,
                                            absl::string_view customer_id) {
  batch.Put(kState, store::KeyBuilder(kTerritoryMember).String(territory_id).String(customer_id).key(),
            "");
}

absl::StatusOr<std::vector<std::string>> CustomerRepository::TerritoryMembers(
    absl::string_view territory_id) const {
  return LastStrings(store_, store::KeyBuilder(kTerritoryMember).String(territory_id).key(), 1,
                     "territory member");
}

absl::Status CustomerRepository::DeleteRetiredIndex() {
  for (uint8_t retired :
       {kRetiredSearchTerm, kRetiredRegionIndex, kRetiredBlockKey, kRetiredIndexedSnapshot}) {
    while (true) {
      store::Batch batch;
      int n = 0;
      RETURN_IF_ERROR(store_.ScanPrefix(kState, store::KeyBuilder(retired).key(),
                                        [&](absl::string_view key, absl::string_view) {
                                          batch.Delete(kState, key);
                                          return ++n < 10000;
                                        }));
      if (batch.empty()) break;
      RETURN_IF_ERROR(store_.Write(std::move(batch)));
    }
  }
  return absl::OkStatus();
}

}  // namespace pharmacrm::customer_master
