// customer-master's repository: every key of the service (storage/keys.h)
// and every read and write of its state, so that no other file builds a
// key. Reads go to the store; writes go into a store::Batch the caller
// commits (with its outbox record and idempotency record, in one write).
//
// Threads: thread-safe as the store is; it keeps no state of its own. The
// callers' locks (CustomerMasterService) decide what a read may see.
// Errors: the store's; DATA_LOSS when a stored value does not parse.
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_STORAGE_CUSTOMER_REPOSITORY_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_STORAGE_CUSTOMER_REPOSITORY_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/functional/function_ref.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "pharmacrm/store/store.h"
#include "pharmacrm/v1/customer_master.pb.h"
#include "pharmacrm/v1/customer_master_storage.pb.h"

namespace pharmacrm::customer_master {

class CustomerRepository {
 public:
  // `store` must outlive the repository.
  explicit CustomerRepository(store::Store& store) : store_(store) {}

  store::Store& store() { return store_; }

  // ---- Customers and their versions (kCustomer, kCustomerVersion).

  // The current customer `id`; NOT_FOUND naming customer_id if there is
  // none (runtime::ReadKeyed), INVALID_ARGUMENT if `id` is empty.
  absl::StatusOr<v1::Customer> Customer(absl::string_view id) const;
  // The customers `ids` in one read, in that order; nullopt where absent.
  absl::StatusOr<std::vector<std::optional<v1::Customer>>> Customers(
      const std::vector<std::string>& ids) const;
  // Calls `fn` with every stored customer, in key order, while it returns
  // true.
  absl::Status ForEachCustomer(absl::FunctionRef<bool(const v1::Customer&)> fn) const;
  // Every version of customer `id`, oldest first, each with its snapshot
  // (version 1's taken from the customer record while it is the only one);
  // empty if there is no such customer.
  absl::StatusOr<std::vector<v1::CustomerVersion>> History(absl::string_view id) const;
  // Puts `customer` and its version record `version` (without the
  // customer: it is added here) into `batch`, with the referrer keys of its
  // references. Version 1 is stored without its snapshot (the customer
  // record holds it); writing version 2 completes version 1's record in the
  // same batch. Returns the serialized customer, for an event carrying it.
  absl::StatusOr<std::string> PutVersion(store::Batch& batch, const v1::Customer& customer,
                                         const v1::CustomerVersion& version);
  // The serialized customer `id` as it was at version 1, byte for byte as
  // stored (domain/customers/first_version.h); DATA_LOSS if version 1 is not
  // stored.
  absl::StatusOr<std::string> FirstVersionBytes(const std::string& id) const;

  // ---- References (kReferrer, kReferrersBuilt, kRepointed).

  // Ids of the customers whose profile named `target` in a reference in
  // some version: candidates to check, not a promise.
  absl::StatusOr<std::vector<std::string>> Referrers(absl::string_view target) const;
  // The referrer keys of customer `id`'s references, into `batch`.
  static void PutReferrers(store::Batch& batch, const std::string& id,
                           const v1::CustomerProfile& profile);
  // True once the referrer keys of every customer stored before they
  // existed have been written (MarkReferrersBuilt).
  absl::StatusOr<bool> ReferrersBuilt() const;
  static void MarkReferrersBuilt(store::Batch& batch);
  // What the merge of `merged_id` re-pointed to its survivor; nullopt if
  // nothing is stored (no merge re-pointed anything, or it was unmerged).
  absl::StatusOr<std::optional<v1::RepointedReferences>> Repointed(
      absl::string_view merged_id) const;
  static void PutRepointed(store::Batch& batch, absl::string_view merged_id,
                           const v1::RepointedReferences& moved);
  static void DeleteRepointed(store::Batch& batch, absl::string_view merged_id);

  // ---- Imports (kExternalId).

  // The id of the customer imported with `external_id`, if any.
  absl::StatusOr<std::optional<std::string>> ImportedAs(absl::string_view external_id) const;
  static void PutImportedAs(store::Batch& batch, absl::string_view external_id,
                            absl::string_view customer_id);

  // ---- Monthly metrics (kMetrics).

  // The latest version of the customer's metrics of `period` and
  // `department`, if any.
  absl::StatusOr<std::optional<v1::CustomerMetrics>> Metrics(absl::string_view customer_id,
                                                             absl::string_view period,
                                                             absl::string_view department) const;
  // Every stored metrics record of the customer, in key order.
  absl::StatusOr<std::vector<v1::CustomerMetrics>> MetricsOf(absl::string_view customer_id) const;
  // Puts `metrics` as the latest of its customer, period and department.
  static void PutMetrics(store::Batch& batch, const v1::CustomerMetrics& metrics);

  // ---- Territories and alignment (kTerritory, kTerritoryCode,
  // kAlignment, kTerritoryMember).

  absl::StatusOr<std::optional<v1::Territory>> Territory(absl::string_view id) const;
  // Every territory, in key order.
  absl::StatusOr<std::vector<v1::Territory>> Territories() const;
  // The id of the territory with `code`, if any.
  absl::StatusOr<std::optional<std::string>> TerritoryWithCode(absl::string_view code) const;
  static void PutTerritory(store::Batch& batch, const v1::Territory& territory);
  static void PutTerritoryCode(store::Batch& batch, absl::string_view code,
                               absl::string_view territory_id);
  static void DeleteTerritoryCode(store::Batch& batch, absl::string_view code);
  // The alignment history of a subject, in (effective_from, recorded_at)
  // order.
  absl::StatusOr<std::vector<v1::Alignment>> Alignments(v1::AlignmentSubject subject,
                                                        absl::string_view subject_id) const;
  // Appends `alignment` to its subject's history; recorded_at must be set.
  static void PutAlignment(store::Batch& batch, const v1::Alignment& alignment);
  // Notes that customer `customer_id` was aligned to `territory_id` at some
  // time (TerritoryMembers).
  static void PutTerritoryMember(store::Batch& batch, absl::string_view territory_id,
                                 absl::string_view customer_id);
  // Ids of the customers ever aligned to `territory_id`: candidates, to be
  // checked against their alignment history.
  absl::StatusOr<std::vector<std::string>> TerritoryMembers(absl::string_view territory_id) const;

  // ---- Start-up.

  // Deletes what is left of the on-disk index of earlier versions (the
  // retired key spaces), in writes of 10,000 keys.
  absl::Status DeleteRetiredIndex();

 private:
  // Version 1's stored record of customer `id`; DATA_LOSS if there is none.
  absl::StatusOr<std::string> FirstVersionRecord(const std::string& id) const;
  // The customer's bytes at version 1, from `version_record` and the
  // stored customer.
  absl::StatusOr<std::string> FirstVersionBytes(const std::string& id,
                                                absl::string_view version_record) const;
  // Puts version 1 of customer `id` with its snapshot, the stored customer
  // record, if it was written without one.
  absl::Status CompleteFirstVersion(store::Batch& batch, const std::string& id);

  store::Store& store_;
};

}  // namespace pharmacrm::customer_master

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_STORAGE_CUSTOMER_REPOSITORY_H_
