// Read models keyed by customer id: one protobuf message per customer in the
// state family under KeyBuilder(key_space).String(customer_id).
#ifndef PHARMACRM_RUNTIME_PROJECTION_H_
#define PHARMACRM_RUNTIME_PROJECTION_H_

#include <functional>
#include <optional>
#include <string>

#include "absl/strings/str_cat.h"
#include "pharmacrm/bus/consumer.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/store/key.h"
#include "pharmacrm/store/store.h"
#include "pharmacrm/v1/events.pb.h"

namespace pharmacrm::runtime {

// Pure step of a read model: the customer's current entry (if any) and an
// event in, the new entry out (nullopt: unchanged).
template <typename T>
using ProjectFn =
    std::function<absl::StatusOr<std::optional<T>>(const v1::EventEnvelope&, std::optional<T>)>;

inline std::string CustomerKey(uint8_t key_space, absl::string_view customer_id) {
  return store::KeyBuilder(key_space).String(customer_id).key();
}

// The entry for `customer_id`, or NOT_FOUND naming customer_id. With
// `pending`, a change already in that batch wins over the store.
template <typename T>
absl::StatusOr<T> ReadKeyed(const store::Store& store, uint8_t key_space,
                            absl::string_view customer_id, const store::Batch* pending = nullptr) {
  if (customer_id.empty()) return core::FieldError("customer_id", "must be set");
  std::string key = CustomerKey(key_space, customer_id);
  std::optional<std::string> raw;
  std::optional<std::optional<std::string>> staged;
  if (pending != nullptr) staged = pending->Pending(store::Family::kState, key);
  if (staged.has_value()) {
    raw = *staged;
  } else {
    ASSIGN_OR_RETURN(raw, store.Get(store::Family::kState, key));
  }
  if (!raw) {
    return core::FieldStatus(absl::StatusCode::kNotFound, "customer_id",
                             absl::StrCat("'", customer_id, "' is not known here"));
  }
  T value;
  if (!value.ParseFromString(*raw)) return absl::DataLossError("stored read model does not parse");
  return value;
}

// Adapts a pure ProjectFn to the consumer: loads the entry, applies the
// event, puts the result in the consumer's batch.
template <typename T>
bus::ApplyFn KeyedProjection(store::Store* store, uint8_t key_space, ProjectFn<T> project) {
  return [store, key_space, project = std::move(project)](const v1::EventEnvelope& event,
                                                          store::Batch& batch) -> absl::Status {
    if (event.customer_id().empty()) return core::FieldError("customer_id", "event has none");
    absl::StatusOr<T> current = ReadKeyed<T>(*store, key_space, event.customer_id(), &batch);
    if (!current.ok() && current.status().code() != absl::StatusCode::kNotFound) {
      return current.status();
    }
    std::optional<T> entry;
    if (current.ok()) entry = std::move(*current);
    ASSIGN_OR_RETURN(std::optional<T> next, project(event, std::move(entry)));
    if (next) {
      batch.Put(store::Family::kState, CustomerKey(key_space, event.customer_id()),
                next->SerializeAsString());
    }
    return absl::OkStatus();
  };
}

}  // namespace pharmacrm::runtime

#endif  // PHARMACRM_RUNTIME_PROJECTION_H_
