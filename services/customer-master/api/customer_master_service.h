// gRPC edge of customer-master: proto in, domain rules, one WriteBatch with
// the customer, its event in the outbox and the idempotency record.
//
// One class, its handlers in one file per aggregate: customers.cc
// (customers and history), territories.cc (territories and alignment),
// metrics.cc (monthly metrics, their import, completeness), merge.cc
// (duplicates, merge and unmerge), import.cc (bulk import of customers),
// search.cc; customer_master_service.cc holds the shared write path, its
// post-commit hook (the index) and start-up. Keys and reads and writes of
// the state are storage/customer_repository.h's; the rules, domain/'s.
//
// Locks: a write holds the striped locks of every customer it writes and
// of every customer whose state it checks (the references a profile names,
// the referrers a merge re-points), taken at once in address order
// (internal.h, MultiLock), so that no check is out of date when the write
// commits.
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_API_CUSTOMER_MASTER_SERVICE_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_API_CUSTOMER_MASTER_SERVICE_H_

#include <atomic>
#include <map>
#include <set>
#include <thread>

#include "absl/container/flat_hash_set.h"
#include "absl/functional/function_ref.h"
#include "absl/synchronization/mutex.h"
#include "domain/import/metrics_import.h"
#include "domain/search/customer_index.h"
#include "pharmacrm/bus/envelope.h"
#include "pharmacrm/matching/pinyin.h"
#include "pharmacrm/runtime/command.h"
#include "pharmacrm/runtime/host.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"
#include "pharmacrm/v1/customer_master_storage.pb.h"
#include "pharmacrm/v1/events.pb.h"
#include "storage/customer_repository.h"

namespace pharmacrm::customer_master {

// Sorts the search index's long posting lists (CustomerIndex::SortLongLists)
// on a thread of its own when asked, after the start-up build and after
// each import, so that searches find them sorted rather than sort them.
class IndexSorter {
 public:
  explicit IndexSorter(const CustomerIndex& index);
  ~IndexSorter();
  IndexSorter(const IndexSorter&) = delete;
  IndexSorter& operator=(const IndexSorter&) = delete;

  void Request();

 private:
  void Run();

  const CustomerIndex& index_;
  absl::Mutex mu_;
  bool requested_ ABSL_GUARDED_BY(mu_) = false;
  std::atomic<bool> stopping_ = false;
  std::thread thread_;  // Last: started once the rest is built.
};

class CustomerMasterService final : public v1::CustomerMaster::Service {
 public:
  // `pinyin` must outlive the service.
  CustomerMasterService(runtime::ServiceHost& host, const matching::PinyinConverter& pinyin,
                        v1::CompletenessRules rules)
      : host_(host), repo_(host.store()), pinyin_(pinyin), rules_(std::move(rules)),
        index_(pinyin) {}

  // Builds the in-memory search index from every stored customer; call once
  // before serving. Also removes the on-disk index entries of earlier
  // versions (retired key spaces, storage/keys.h).
  absl::Status LoadIndex();

  // The value of an outbox record stored without it (an imported customer's
  // CustomerRegistered, bus::MakeRebuildableOutboxRecord): its envelope_without_payload with
  // the customer as it was at version 1. The host's OutboxRebuilder.
  absl::StatusOr<std::string> RebuildOutboxValue(const v1::OutboxRecord& record) const;

  grpc::Status RegisterCustomer(grpc::ServerContext* context, const v1::RegisterCustomerRequest* request,
                                v1::Customer* response) override;
  grpc::Status UpdateCustomer(grpc::ServerContext* context, const v1::UpdateCustomerRequest* request,
                              v1::Customer* response) override;
  grpc::Status DeactivateCustomer(grpc::ServerContext* context,
                                  const v1::DeactivateCustomerRequest* request,
                                  v1::Customer* response) override;
  grpc::Status ReactivateCustomer(grpc::ServerContext* context,
                                  const v1::ReactivateCustomerRequest* request,
                                  v1::Customer* response) override;
  grpc::Status GetCustomer(grpc::ServerContext* context, const v1::GetCustomerRequest* request,
                           v1::Customer* response) override;
  grpc::Status GetCustomerHistory(grpc::ServerContext* context,
                                  const v1::GetCustomerHistoryRequest* request,
                                  v1::CustomerHistory* response) override;
  grpc::Status ListReferringCustomers(grpc::ServerContext* context,
                                      const v1::ListReferringCustomersRequest* request,
                                      v1::ListReferringCustomersResponse* response) override;
  grpc::Status ImportCustomers(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::ImportProgress, v1::ImportChunk>* stream) override;
  grpc::Status ImportMetrics(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::ImportProgress, v1::ImportChunk>* stream) override;
  grpc::Status CreateTerritory(grpc::ServerContext* context,
                               const v1::CreateTerritoryRequest* request,
                               v1::Territory* response) override;
  grpc::Status ListTerritories(grpc::ServerContext* context,
                               const v1::ListTerritoriesRequest* request,
                               v1::ListTerritoriesResponse* response) override;
  grpc::Status UpdateTerritory(grpc::ServerContext* context,
                               const v1::UpdateTerritoryRequest* request,
                               v1::Territory* response) override;
  grpc::Status GetTerritory(grpc::ServerContext* context, const v1::GetTerritoryRequest* request,
                            v1::Territory* response) override;
  grpc::Status Align(grpc::ServerContext* context, const v1::AlignRequest* request,
                     v1::Alignment* response) override;
  grpc::Status GetAlignment(grpc::ServerContext* context, const v1::GetAlignmentRequest* request,
                            v1::Alignment* response) override;
  grpc::Status GetAlignmentHistory(grpc::ServerContext* context,
                                   const v1::GetAlignmentRequest* request,
                                   v1::AlignmentHistory* response) override;
  grpc::Status ListTerritoryCustomers(grpc::ServerContext* context,
                                      const v1::ListTerritoryCustomersRequest* request,
                                      v1::ListTerritoryCustomersResponse* response) override;
  grpc::Status MergeCustomers(grpc::ServerContext* context, const v1::MergeCustomersRequest* request,
                              v1::Customer* response) override;
  grpc::Status UnmergeCustomer(grpc::ServerContext* context,
                               const v1::UnmergeCustomerRequest* request,
                               v1::Customer* response) override;
  grpc::Status FindDuplicateCandidates(grpc::ServerContext* context,
                                       const v1::FindDuplicateCandidatesRequest* request,
                                       v1::DuplicateCandidates* response) override;
  grpc::Status ScanDuplicates(grpc::ServerContext* context,
                              const v1::ScanDuplicatesRequest* request,
                              v1::ScanDuplicatesResponse* response) override;
  grpc::Status RecordMetrics(grpc::ServerContext* context, const v1::RecordMetricsRequest* request,
                             v1::CustomerMetrics* response) override;
  grpc::Status GetMetrics(grpc::ServerContext* context, const v1::GetMetricsRequest* request,
                          v1::MetricsSeries* response) override;
  grpc::Status GetCompleteness(grpc::ServerContext* context,
                               const v1::GetCompletenessRequest* request,
                               v1::Completeness* response) override;
  grpc::Status GetWorklist(grpc::ServerContext* context, const v1::GetWorklistRequest* request,
                           v1::Worklist* response) override;
  grpc::Status SearchCustomers(grpc::ServerContext* context,
                               const v1::SearchCustomersRequest* request,
                               v1::SearchCustomersResponse* response) override;

 private:
  // What one write changes: its batch, and every customer version put into
  // it (PutVersion), which the index learns once the batch is committed.
  struct CustomerWrite {
    store::Batch& batch;
    std::vector<v1::Customer> customers;
  };
  // runtime::ExecuteOnce with `decide` given a CustomerWrite; once its
  // batch is committed, Committed gets the customers it put. The caller
  // holds the locks of every customer written or checked.
  absl::Status WriteOnce(absl::string_view method, const std::string& request_id,
                         const google::protobuf::Message& request,
                         google::protobuf::Message* response,
                         absl::FunctionRef<absl::Status(CustomerWrite&)> decide);
  // The post-commit hook: the one place the in-memory index learns of
  // committed customers (each write's, in the order put; the last version
  // of a customer wins).
  void Committed(const std::vector<v1::Customer>& customers);
  // Puts the customer and its new version record into `write`
  // (CustomerRepository::PutVersion) and notes it for Committed. Returns
  // the serialized customer, for an event that carries it.
  absl::StatusOr<std::string> PutVersion(
      CustomerWrite& write, const v1::Customer& customer, std::vector<v1::FieldChange> changes,
      const std::string& actor, const std::string& reason, const std::string& request_id,
      const std::map<std::string, std::string>* field_sources = nullptr);

  // ---- Customers and history (api/customers.cc).
  absl::Status Register(const v1::RegisterCustomerRequest& request, const std::string& actor,
                        v1::Customer* response);
  absl::Status Update(const v1::UpdateCustomerRequest& request, const std::string& actor,
                      v1::Customer* response);
  absl::Status Deactivate(const v1::DeactivateCustomerRequest& request, const std::string& actor,
                          v1::Customer* response);
  absl::Status Reactivate(const v1::ReactivateCustomerRequest& request, const std::string& actor,
                          v1::Customer* response);
  // What DeactivateCustomer and ReactivateCustomer share.
  struct StatusRequest {
    const char* method;  // For the idempotency record.
    const char* done;    // "deactivated": for the error on a missing reason.
    const std::string& request_id;
    const std::string& customer_id;
    int64_t expected_version;
    const std::string& reason;
  };
  // Checks `request`, then, under the customer's lock and once per request
  // id (`message` is fingerprinted), loads the customer at its expected
  // version, lets `change` check and change its status (returning the field
  // changes), and writes the new version and the outbox record of `event`.
  absl::Status ChangeStatus(
      const StatusRequest& request, const google::protobuf::Message& message,
      const std::string& actor, v1::Customer* response,
      absl::FunctionRef<absl::StatusOr<std::vector<v1::FieldChange>>(v1::Customer&)> change,
      absl::FunctionRef<v1::OutboxRecord(const v1::Customer&, std::vector<v1::FieldChange>)> event);
  // `id`, or if that customer was merged, the end of its chain of survivors
  // (followed at most 16 merges far).
  absl::StatusOr<std::string> SurvivorOf(std::string id) const;
  // Points each reference of `profile` that names a merged customer at the
  // end of its chain of survivors (SurvivorOf).
  absl::Status RepointToSurvivors(v1::CustomerProfile* profile) const;
  // NOT_FOUND naming `field` if absent.
  absl::StatusOr<v1::Customer> Load(absl::string_view id, absl::string_view field) const;
  // The active customers among `ids` (absent ones skipped).
  absl::StatusOr<std::vector<v1::Customer>> ActiveAmong(const std::vector<std::string>& ids) const;
  // Every reference of `profile` (domain/customers/references.h) names an
  // active customer of an allowed kind other than `self_id`; references
  // that `before` (the profile being updated, if any) already had as they
  // are are not checked again. The distributor and parent rules are
  // domain/customers/hierarchy.h's, given what they name from the store.
  // Race-free only under the locks of the ids the profile names.
  absl::Status CheckReferences(const v1::CustomerProfile& profile, absl::string_view self_id,
                               const v1::CustomerProfile* before) const;

  // ---- Duplicates and merge (api/merge.cc).
  absl::Status Merge(const v1::MergeCustomersRequest& request, const std::string& actor,
                     v1::Customer* response);
  absl::Status Unmerge(const v1::UnmergeCustomerRequest& request, const std::string& actor,
                       v1::Customer* response);
  // CheckMergedDistributor (domain/customers/hierarchy.h) with the active
  // distributors that name a record of the merge: `merged_referrers` holds,
  // for each merged id, its referrers outside the merge (read by Merge);
  // the survivor's are read here.
  absl::Status CheckMergedDistributor(
      const v1::CustomerProfile& profile, const std::vector<std::string>& merging,
      const std::map<std::string, std::vector<std::string>>& merged_referrers,
      absl::string_view source) const;
  // Points the references to `from` that the active customers `ids` hold at
  // `to` (with `only`, just those listed there as "<customer id> <field>"):
  // a new version and a ProfileChanged event for each customer changed;
  // each reference moved is added to `moved`.
  absl::Status Repoint(CustomerWrite& write, const std::vector<std::string>& ids,
                       const std::string& from, const std::string& to,
                       const absl::flat_hash_set<std::string>* only, const std::string& actor,
                       const std::string& reason, const std::string& request_id,
                       v1::RepointedReferences* moved);

  // ---- Import (api/import.cc) and metrics (api/metrics.cc).
  absl::Status Import(grpc::ServerContext* context,
                      grpc::ServerReaderWriter<v1::ImportProgress, v1::ImportChunk>* stream,
                      const std::string& actor);
  // Checks `rows` of a metrics import, records the good ones in one write
  // (holding metrics_mu_), counts them all in `progress`, and clears them.
  absl::Status RecordMetricRows(std::vector<MetricsRow>& rows, const std::string& source,
                                const std::string& request_id, const std::string& actor,
                                v1::ImportProgress& progress);
  absl::Status ImportMetricRows(
      grpc::ServerContext* context,
      grpc::ServerReaderWriter<v1::ImportProgress, v1::ImportChunk>* stream,
      const std::string& actor);
  absl::Status Record(const v1::RecordMetricsRequest& request, const std::string& actor,
                      v1::CustomerMetrics* response);
  absl::StatusOr<v1::MetricsSeries> Series(const v1::GetMetricsRequest& request) const;

  // ---- Territories and alignment (api/territories.cc).
  absl::StatusOr<v1::Territory> LoadTerritory(absl::string_view id, absl::string_view field) const;
  // The outbox record of the TerritoryChanged event of `territory` as this
  // write stores it (customer topic, aggregate kind "territory", key the
  // territory id); `changed_fields` empty for a creation.
  v1::OutboxRecord TerritoryEvent(const v1::Territory& territory,
                                  std::vector<std::string> changed_fields,
                                  absl::string_view request_id, const std::string& actor,
                                  absl::Time now);
  absl::Status DoAlign(const v1::AlignRequest& request, const std::string& actor,
                       v1::Alignment* response);
  // Ids of the customers aligned now to the territory (and below it), at
  // most `max`; NOT_FOUND naming territory_id if there is no such territory.
  absl::StatusOr<std::vector<std::string>> AlignedNow(absl::string_view territory_id,
                                                      bool include_descendants, size_t max,
                                                      bool* truncated) const;
  // Customers aligned to `root` (and below it) at `as_of`.
  absl::StatusOr<std::set<std::string>> MembersAsOf(const v1::Territory& root,
                                                    bool include_descendants,
                                                    const google::protobuf::Timestamp& as_of) const;
  absl::StatusOr<v1::ListTerritoryCustomersResponse> ListMembers(
      const v1::ListTerritoryCustomersRequest& request) const;

  // ---- Search (api/search.cc).
  absl::StatusOr<v1::SearchCustomersResponse> Search(const v1::SearchCustomersRequest& request) const;

  bus::EventMeta EventMetaFor(const v1::Customer& customer, absl::string_view request_id,
                              const std::string& actor);
  v1::OutboxRecord Event(const v1::Customer& customer, const google::protobuf::Message& payload,
                         absl::string_view request_id, const std::string& actor);

  runtime::ServiceHost& host_;
  CustomerRepository repo_;  // Every key and every read and write of the state.
  const matching::PinyinConverter& pinyin_;
  const v1::CompletenessRules rules_;
  runtime::StripedLocks locks_;
  // Search, region and blocking-key index: updated by Committed after each
  // commit, under the locks of the customers concerned.
  CustomerIndex index_;
  IndexSorter sorter_{index_};  // After index_: stopped before it goes.
  // One duplicate scan at a time: each uses every core it is given.
  absl::Mutex scan_mu_;
  // RecordMetrics holds it shared; a metrics import holds it alone while it
  // reads the stored versions of a batch and writes the batch, so that no
  // record gets the same version twice.
  absl::Mutex metrics_mu_;
};

}  // namespace pharmacrm::customer_master

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_API_CUSTOMER_MASTER_SERVICE_H_
