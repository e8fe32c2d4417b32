// Every key and every read and write of the distributor channel's records
// (storage/keys.h): products and their versions, distributor accounts,
// shipments, invoices and payments. Writes go into the caller's batch, so
// a command's records, outbox and idempotency record commit together.
// Thread-safe (the store is); callers serialise changes to one aggregate.
#ifndef PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_CHANNEL_REPOSITORY_H_
#define PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_CHANNEL_REPOSITORY_H_

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "pharmacrm/store/store.h"
#include "pharmacrm/v1/channel.pb.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::sales_pipeline {

class ChannelRepository;

// The catalogue as a command's checks read it: each product read from the
// store once, however many lines name it. Find answers nullptr for an
// unknown product, and also when the store failed, which status() then
// says. Not thread-safe; one per command.
class ProductReads {
 public:
  explicit ProductReads(const ChannelRepository& repo) : repo_(repo) {}
  const v1::Product* Find(absl::string_view product_id);
  const absl::Status& status() const { return status_; }

 private:
  const ChannelRepository& repo_;
  absl::flat_hash_map<std::string, std::optional<v1::Product>> products_;
  absl::Status status_;
};

class ChannelRepository {
 public:
  explicit ChannelRepository(store::Store& store) : store_(store) {}

  // nullopt when absent; an error only when the store fails or a record
  // does not parse.
  absl::StatusOr<std::optional<v1::Product>> Product(absl::string_view product_id) const;
  absl::StatusOr<std::optional<v1::Product>> ProductVersion(absl::string_view product_id,
                                                            int64_t version) const;
  // Up to `limit` current products with ids after `after`, in id order.
  absl::StatusOr<std::vector<v1::Product>> Products(absl::string_view after, size_t limit) const;
  // Writes the product as current and as its version.
  void PutProduct(store::Batch& batch, const v1::Product& product) const;

  absl::StatusOr<std::optional<v1::DistributorAccount>> Account(
      absl::string_view distributor_id) const;
  void PutAccount(store::Batch& batch, const v1::DistributorAccount& account) const;
  // The account; INVALID_ARGUMENT naming `field` when the id is empty,
  // NOT_FOUND naming it when there is no account.
  absl::StatusOr<v1::DistributorAccount> RequireAccount(absl::string_view distributor_id,
                                                        absl::string_view field) const;
  // Every account, in distributor id order.
  absl::StatusOr<std::vector<v1::DistributorAccount>> Accounts() const;
  // Every current product, in id order.
  absl::StatusOr<std::vector<v1::Product>> AllProducts() const;

  // The customer as the known-customers projection keeps it.
  absl::StatusOr<std::optional<v1::Customer>> KnownCustomer(absl::string_view customer_id) const;

  absl::StatusOr<std::vector<v1::Invoice>> Invoices(absl::string_view distributor_id) const;
  absl::StatusOr<std::vector<v1::Payment>> Payments(absl::string_view distributor_id) const;
  // Distributors with at least one invoice, in id order.
  absl::StatusOr<std::vector<std::string>> InvoicedDistributors() const;
  void PutShipment(store::Batch& batch, const v1::Shipment& shipment) const;
  // Every shipment (returns included), by distributor and shipment id.
  absl::StatusOr<std::vector<v1::Shipment>> Shipments() const;
  void PutInvoice(store::Batch& batch, const v1::Invoice& invoice) const;
  void PutPayment(store::Batch& batch, const v1::Payment& payment) const;

  // Every customer the known-customers projection keeps, in id order.
  absl::StatusOr<std::vector<v1::Customer>> KnownCustomers() const;

  absl::StatusOr<std::optional<v1::FlowPeriod>> FlowPeriod(absl::string_view distributor_id,
                                                           absl::string_view month) const;
  void PutFlowPeriod(store::Batch& batch, const v1::FlowPeriod& period) const;
  // Every loaded period, by distributor and month.
  absl::StatusOr<std::vector<v1::FlowPeriod>> FlowPeriods() const;
  absl::StatusOr<std::vector<v1::FlowRow>> FlowRows(absl::string_view distributor_id,
                                                    absl::string_view month) const;
  // Deletes every row of the period (a reload replaces them).
  absl::Status DeleteFlowRows(store::Batch& batch, absl::string_view distributor_id,
                              absl::string_view month) const;
  void PutFlowRow(store::Batch& batch, absl::string_view distributor_id, absl::string_view month,
                  const v1::FlowRow& row) const;

  // The id of the task of a period's row: "<distributor>/<month>#<line>".
  static std::string TerminalTaskId(absl::string_view distributor_id, absl::string_view month,
                                    int64_t line);
  // A task by its id (TerminalTaskId); nullopt when absent
  // or the id is not of that form.
  absl::StatusOr<std::optional<v1::TerminalTask>> TerminalTask(absl::string_view task_id) const;
  // Tasks of one period, in line order.
  absl::StatusOr<std::vector<v1::TerminalTask>> PeriodTasks(absl::string_view distributor_id,
                                                            absl::string_view month) const;
  // Up to `limit` tasks (of one distributor, or all when empty) whose
  // storage position is after `after_id` ("" : from the first), in
  // distributor, month and line order, filtered by `keep`.
  absl::StatusOr<std::vector<v1::TerminalTask>> TerminalTasks(
      absl::string_view distributor_id, absl::string_view after_id, size_t limit,
      const std::function<bool(const v1::TerminalTask&)>& keep) const;
  void PutTerminalTask(store::Batch& batch, const v1::TerminalTask& task) const;

 private:
  store::Store& store_;
};

}  // namespace pharmacrm::sales_pipeline

#endif  // PHARMACRM_SERVICES_SALES_PIPELINE_STORAGE_CHANNEL_REPOSITORY_H_
