#include "storage/channel_repository.h"

#include <utility>

#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/runtime/projection.h"
#include "pharmacrm/store/key.h"
#include "storage/keys.h"
#include "storage/records.h"

namespace pharmacrm::sales_pipeline {
namespace {

std::string Key(uint8_t space, absl::string_view a) {
  return store::KeyBuilder(space).String(a).key();
}

std::string Key(uint8_t space, absl::string_view a, absl::string_view b) {
  return store::KeyBuilder(space).String(a).String(b).key();
}

std::string RowKey(uint8_t space, absl::string_view distributor_id, absl::string_view month,
                   int64_t line) {
  return store::KeyBuilder(space).String(distributor_id).String(month).Int64(line).key();
}

// A TerminalTaskId split; false when `id` is not of that form.
bool SplitTaskId(absl::string_view id, std::string* distributor_id, std::string* month,
                 int64_t* line) {
  const size_t hash = id.rfind('#');
  if (hash == absl::string_view::npos) return false;
  const size_t slash = id.rfind('/', hash);
  if (slash == absl::string_view::npos || slash == 0) return false;
  *distributor_id = std::string(id.substr(0, slash));
  *month = std::string(id.substr(slash + 1, hash - slash - 1));
  return absl::SimpleAtoi(id.substr(hash + 1), line) && *line > 0;
}

}  // namespace

const v1::Product* ProductReads::Find(absl::string_view product_id) {
  auto it = products_.find(product_id);
  if (it == products_.end()) {
    absl::StatusOr<std::optional<v1::Product>> read = repo_.Product(product_id);
    if (!read.ok()) status_ = read.status();
    it = products_.emplace(std::string(product_id), read.ok() ? *std::move(read) : std::nullopt)
             .first;
  }
  return it->second ? &*it->second : nullptr;
}

absl::StatusOr<std::optional<v1::Product>> ChannelRepository::Product(
    absl::string_view product_id) const {
  return ParseRecord<v1::Product>(store_.Get(store::Family::kState, Key(kProduct, product_id)),
                            "product");
}

absl::StatusOr<std::optional<v1::Product>> ChannelRepository::ProductVersion(
    absl::string_view product_id, int64_t version) const {
  return ParseRecord<v1::Product>(
      store_.Get(store::Family::kState,
                 store::KeyBuilder(kProductVersion).String(product_id).Int64(version).key()),
      "product version");
}

absl::StatusOr<std::vector<v1::Product>> ChannelRepository::Products(absl::string_view after,
                                                                     size_t limit) const {
  std::vector<v1::Product> out;
  bool bad = false;
  const std::string prefix = store::KeyBuilder(kProduct).key();
  RETURN_IF_ERROR(store_.ScanPrefix(
      store::Family::kState, prefix, [&](absl::string_view, absl::string_view value) {
        v1::Product product;
        if (!product.ParseFromArray(value.data(), value.size())) {
          bad = true;
          return false;
        }
        if (!after.empty() && product.id() <= after) return true;
        out.push_back(std::move(product));
        return out.size() < limit;
      }));
  if (bad) return absl::DataLossError("a stored product does not parse");
  return out;
}

void ChannelRepository::PutProduct(store::Batch& batch, const v1::Product& product) const {
  const std::string bytes = product.SerializeAsString();
  batch.Put(store::Family::kState, Key(kProduct, product.id()), bytes);
  batch.Put(store::Family::kState,
            store::KeyBuilder(kProductVersion).String(product.id()).Int64(product.version()).key(),
            bytes);
}

absl::StatusOr<std::optional<v1::DistributorAccount>> ChannelRepository::Account(
    absl::string_view distributor_id) const {
  return ParseRecord<v1::DistributorAccount>(
      store_.Get(store::Family::kState, Key(kAccount, distributor_id)), "distributor account");
}

void ChannelRepository::PutAccount(store::Batch& batch,
                                   const v1::DistributorAccount& account) const {
  batch.Put(store::Family::kState, Key(kAccount, account.distributor_id()),
            account.SerializeAsString());
}

absl::StatusOr<v1::DistributorAccount> ChannelRepository::RequireAccount(
    absl::string_view distributor_id, absl::string_view field) const {
  if (distributor_id.empty()) return core::FieldError(field, "must be set");
  ASSIGN_OR_RETURN(std::optional<v1::DistributorAccount> account, Account(distributor_id));
  if (!account) {
    return core::FieldStatus(absl::StatusCode::kNotFound, field,
                             absl::StrCat("'", distributor_id,
                                          "' has no distributor account: set one first"));
  }
  return *std::move(account);
}

absl::StatusOr<std::vector<v1::DistributorAccount>> ChannelRepository::Accounts() const {
  return ScanRecords<v1::DistributorAccount>(store_, store::KeyBuilder(kAccount).key(),
                                             "distributor account");
}

absl::StatusOr<std::vector<v1::Product>> ChannelRepository::AllProducts() const {
  return ScanRecords<v1::Product>(store_, store::KeyBuilder(kProduct).key(), "product");
}

absl::StatusOr<std::vector<v1::Shipment>> ChannelRepository::Shipments() const {
  return ScanRecords<v1::Shipment>(store_, store::KeyBuilder(kShipment).key(), "shipment");
}

absl::StatusOr<std::vector<v1::FlowPeriod>> ChannelRepository::FlowPeriods() const {
  return ScanRecords<v1::FlowPeriod>(store_, store::KeyBuilder(kFlowPeriod).key(), "flow period");
}

absl::StatusOr<std::optional<v1::Customer>> ChannelRepository::KnownCustomer(
    absl::string_view customer_id) const {
  return ParseRecord<v1::Customer>(
      store_.Get(store::Family::kState, runtime::CustomerKey(kKnownCustomer, customer_id)),
      "known customer");
}

absl::StatusOr<std::vector<v1::Invoice>> ChannelRepository::Invoices(
    absl::string_view distributor_id) const {
  return ScanRecords<v1::Invoice>(store_, Key(kInvoice, distributor_id), "invoice");
}

absl::StatusOr<std::vector<v1::Payment>> ChannelRepository::Payments(
    absl::string_view distributor_id) const {
  return ScanRecords<v1::Payment>(store_, Key(kPayment, distributor_id), "payment");
}

absl::StatusOr<std::vector<std::string>> ChannelRepository::InvoicedDistributors() const {
  std::vector<std::string> out;
  RETURN_IF_ERROR(store_.ScanPrefix(
      store::Family::kState, store::KeyBuilder(kInvoice).key(),
      [&](absl::string_view key, absl::string_view) {
        store::KeyReader reader(key);
        (void)reader.KeySpace();
        absl::StatusOr<std::string> id = reader.String();
        if (id.ok() && (out.empty() || out.back() != *id)) out.push_back(*std::move(id));
        return true;
      }));
  return out;
}

void ChannelRepository::PutShipment(store::Batch& batch, const v1::Shipment& shipment) const {
  batch.Put(store::Family::kState, Key(kShipment, shipment.distributor_id(), shipment.id()),
            shipment.SerializeAsString());
}

void ChannelRepository::PutInvoice(store::Batch& batch, const v1::Invoice& invoice) const {
  batch.Put(store::Family::kState, Key(kInvoice, invoice.distributor_id(), invoice.id()),
            invoice.SerializeAsString());
}

void ChannelRepository::PutPayment(store::Batch& batch, const v1::Payment& payment) const {
  batch.Put(store::Family::kState, Key(kPayment, payment.distributor_id(), payment.id()),
            payment.SerializeAsString());
}

absl::StatusOr<std::vector<v1::Customer>> ChannelRepository::KnownCustomers() const {
  return ScanRecords<v1::Customer>(store_, store::KeyBuilder(kKnownCustomer).key(), "known customer");
}

absl::StatusOr<std::optional<v1::FlowPeriod>> ChannelRepository::FlowPeriod(
    absl::string_view distributor_id, absl::string_view month) const {
  return ParseRecord<v1::FlowPeriod>(
      store_.Get(store::Family::kState, Key(kFlowPeriod, distributor_id, month)), "flow period");
}

void ChannelRepository::PutFlowPeriod(store::Batch& batch, const v1::FlowPeriod& period) const {
  batch.Put(store::Family::kState, Key(kFlowPeriod, period.distributor_id(), period.month()),
            period.SerializeAsString());
}

absl::StatusOr<std::vector<v1::FlowRow>> ChannelRepository::FlowRows(
    absl::string_view distributor_id, absl::string_view month) const {
  return ScanRecords<v1::FlowRow>(store_, Key(kFlowRow, distributor_id, month), "flow row");
}

absl::Status ChannelRepository::DeleteFlowRows(store::Batch& batch,
                                               absl::string_view distributor_id,
                                               absl::string_view month) const {
  return store_.ScanPrefix(store::Family::kState, Key(kFlowRow, distributor_id, month),
                           [&](absl::string_view key, absl::string_view) {
                             batch.Delete(store::Family::kState, key);
                             return true;
                           });
}

void ChannelRepository::PutFlowRow(store::Batch& batch, absl::string_view distributor_id,
                                   absl::string_view month, const v1::FlowRow& row) const {
  batch.Put(store::Family::kState, RowKey(kFlowRow, distributor_id, month, row.line()),
            row.SerializeAsString());
}

std::string ChannelRepository::TerminalTaskId(absl::string_view distributor_id,
                                              absl::string_view month, int64_t line) {
  return absl::StrCat(distributor_id, "/", month, "#", line);
}

absl::StatusOr<std::optional<v1::TerminalTask>> ChannelRepository::TerminalTask(
    absl::string_view task_id) const {
  std::string distributor_id, month;
  int64_t line = 0;
  if (!SplitTaskId(task_id, &distributor_id, &month, &line)) return std::nullopt;
  return ParseRecord<v1::TerminalTask>(
      store_.Get(store::Family::kState, RowKey(kTerminalTask, distributor_id, month, line)),
      "terminal task");
}

absl::StatusOr<std::vector<v1::TerminalTask>> ChannelRepository::PeriodTasks(
    absl::string_view distributor_id, absl::string_view month) const {
  return ScanRecords<v1::TerminalTask>(store_, Key(kTerminalTask, distributor_id, month),
                                   "terminal task");
}

absl::StatusOr<std::vector<v1::TerminalTask>> ChannelRepository::TerminalTasks(
    absl::string_view distributor_id, absl::string_view after_id, size_t limit,
    const std::function<bool(const v1::TerminalTask&)>& keep) const {
  const std::string prefix = distributor_id.empty() ? store::KeyBuilder(kTerminalTask).key()
                                                    : Key(kTerminalTask, distributor_id);
  std::string after_key;
  std::string after_distributor, after_month;
  int64_t after_line = 0;
  if (SplitTaskId(after_id, &after_distributor, &after_month, &after_line)) {
    after_key = RowKey(kTerminalTask, after_distributor, after_month, after_line);
  }
  std::vector<v1::TerminalTask> out;
  bool bad = false;
  RETURN_IF_ERROR(store_.ScanPrefix(
      store::Family::kState, prefix, [&](absl::string_view key, absl::string_view value) {
        if (!after_key.empty() && key <= after_key) return true;
        v1::TerminalTask task;
        if (!task.ParseFromArray(value.data(), value.size())) {
          bad = true;
          return false;
        }
        if (keep(task)) out.push_back(std::move(task));
        return out.size() < limit;
      }));
  if (bad) return absl::DataLossError("a stored terminal task does not parse");
  return out;
}

void ChannelRepository::PutTerminalTask(store::Batch& batch, const v1::TerminalTask& task) const {
  batch.Put(store::Family::kState,
            RowKey(kTerminalTask, task.distributor_id(), task.month(), task.row().line()),
            task.SerializeAsString());
}

}  // namespace pharmacrm::sales_pipeline
