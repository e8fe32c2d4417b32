#include "domain/customer_360.h"

#include "absl/strings/str_cat.h"
#include "pharmacrm/core/status.h"

namespace pharmacrm::gateway {
namespace {

template <typename T>
void Take(absl::StatusOr<T>& part, absl::string_view name, absl::string_view service,
          T* (v1::Customer360::*mutable_field)(), v1::Customer360* out) {
  if (part.ok()) {
    *(out->*mutable_field)() = std::move(*part);
    return;
  }
  v1::MissingPart* missing = out->add_missing_parts();
  missing->set_part(std::string(name));
  missing->set_service(std::string(service));
  missing->set_code(absl::StatusCodeToString(part.status().code()));
  missing->set_message(std::string(part.status().message()));
}

}  // namespace

absl::StatusOr<v1::Customer360> MergeCustomer360(absl::string_view customer_id, Parts parts) {
  if (customer_id.empty()) return core::FieldError("customer_id", "must be set");
  if (parts.profile.status().code() == absl::StatusCode::kNotFound) {
    return core::FieldStatus(absl::StatusCode::kNotFound, "customer_id",
                             absl::StrCat("no customer with id '", customer_id, "'"));
  }
  v1::Customer360 out;
  Take(parts.profile, "profile", "customer-master", &v1::Customer360::mutable_customer, &out);
  Take(parts.activity, "activity", "sales-pipeline", &v1::Customer360::mutable_activity, &out);
  Take(parts.audience, "audience", "campaigns", &v1::Customer360::mutable_audience, &out);
  Take(parts.contact_card, "contact_card", "service-desk", &v1::Customer360::mutable_contact_card,
       &out);
  Take(parts.value, "value", "value-scoring", &v1::Customer360::mutable_value, &out);
  Take(parts.channel, "channel", "sales-pipeline", &v1::Customer360::mutable_channel, &out);
  Take(parts.process, "process", "sales-pipeline", &v1::Customer360::mutable_process, &out);
  out.set_complete(out.missing_parts_size() == 0);
  return out;
}

}  // namespace pharmacrm::gateway
