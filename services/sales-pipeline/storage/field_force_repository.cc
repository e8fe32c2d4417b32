#include "storage/field_force_repository.h"

#include <utility>

#include "pharmacrm/core/status.h"
#include "pharmacrm/store/key.h"
#include "storage/keys.h"
#include "storage/records.h"

namespace pharmacrm::sales_pipeline {
namespace {

std::string CallKey(absl::string_view rep_id, absl::string_view month, absl::string_view id) {
  return store::KeyBuilder(kCall).String(rep_id).String(month).String(id).key();
}

}  // namespace

absl::StatusOr<std::vector<v1::CallReport>> FieldForceRepository::RepCalls(
    absl::string_view rep_id, absl::string_view month) const {
  return ScanRecords<v1::CallReport>(
      store_, store::KeyBuilder(kCall).String(rep_id).String(month).key(), "call report");
}

absl::Status FieldForceRepository::VisitRepCalls(
    absl::string_view rep_id, absl::string_view month,
    const std::function<void(const v1::CallReport&)>& visit) const {
  return VisitRecords<v1::CallReport>(
      store_, store::KeyBuilder(kCall).String(rep_id).String(month).key(), "call report", visit);
}

absl::StatusOr<std::vector<v1::CallReport>> FieldForceRepository::Indexed(
    uint8_t key_space, absl::string_view id, absl::string_view month) const {
  std::vector<std::string> keys;
  RETURN_IF_ERROR(store_.ScanPrefix(store::Family::kState,
                                    store::KeyBuilder(key_space).String(id).String(month).key(),
                                    [&](absl::string_view key, absl::string_view rep_id) {
                                      store::KeyReader reader(key);
                                      (void)reader.KeySpace();
                                      (void)reader.String();
                                      (void)reader.String();
                                      absl::StatusOr<std::string> call_id = reader.String();
                                      if (call_id.ok())
                                        keys.push_back(CallKey(rep_id, month, *call_id));
                                      return true;
                                    }));
  ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> values,
                   store_.MultiGet(store::Family::kState, keys));
  std::vector<v1::CallReport> out;
  for (std::optional<std::string>& value : values) {
    ASSIGN_OR_RETURN(std::optional<v1::CallReport> call,
                     ParseRecord<v1::CallReport>(std::move(value), "call report"));
    if (!call) return absl::DataLossError("a call index names a report that is not stored");
    out.push_back(*std::move(call));
  }
  return out;
}

absl::StatusOr<std::vector<v1::CallReport>> FieldForceRepository::CustomerCalls(
    absl::string_view customer_id, absl::string_view month) const {
  return Indexed(kCustomerCall, customer_id, month);
}

absl::StatusOr<std::vector<v1::CallReport>> FieldForceRepository::JointCalls(
    absl::string_view manager_id, absl::string_view month) const {
  return Indexed(kJointCall, manager_id, month);
}

void FieldForceRepository::PutCall(store::Batch& batch, const v1::CallReport& call,
                                   absl::string_view month) const {
  batch.Put(store::Family::kState, CallKey(call.rep_id(), month, call.id()),
            call.SerializeAsString());
  auto index = [&](uint8_t key_space, const std::string& id) {
    batch.Put(store::Family::kState,
              store::KeyBuilder(key_space).String(id).String(month).String(call.id()).key(),
              call.rep_id());
  };
  index(kCustomerCall, call.customer_id());
  for (const std::string& attendee : call.attendee_ids()) index(kCustomerCall, attendee);
  if (!call.joint_with().empty()) index(kJointCall, call.joint_with());
}

absl::StatusOr<std::map<process::StockKey, v1::SampleStockLine>> FieldForceRepository::Stock(
    absl::string_view rep_id) const {
  ASSIGN_OR_RETURN(
      std::vector<v1::SampleStockLine> lines,
      ScanRecords<v1::SampleStockLine>(store_, store::KeyBuilder(kSampleStock).String(rep_id).key(),
                                       "sample stock"));
  std::map<process::StockKey, v1::SampleStockLine> out;
  for (v1::SampleStockLine& line : lines) {
    process::StockKey key{line.product_id(), line.batch_no()};
    out.emplace(std::move(key), std::move(line));
  }
  return out;
}

void FieldForceRepository::PutStockLine(store::Batch& batch, absl::string_view rep_id,
                                        const v1::SampleStockLine& line) const {
  batch.Put(store::Family::kState,
            store::KeyBuilder(kSampleStock)
                .String(rep_id)
                .String(line.product_id())
                .String(line.batch_no())
                .key(),
            line.SerializeAsString());
}

}  // namespace pharmacrm::sales_pipeline
