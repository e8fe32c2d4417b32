#include "domain/masking.h"

#include <string>

#include "absl/strings/ascii.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/privacy/classification.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::gateway {
namespace {
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

// True if profile field `name` is above `allowed` or holds a field that is.
bool ProfileFieldAbove(const std::string& name, v1::DataClass allowed) {
  const FieldDescriptor* f = v1::CustomerProfile::descriptor()->FindFieldByName(name);
  if (f == nullptr) return false;
  if (privacy::ClassOf(f) > allowed) return true;
  if (f->type() != FieldDescriptor::TYPE_MESSAGE || allowed == v1::DATA_CLASS_HEALTH) return false;
  return !privacy::ClassifiedPaths(f->message_type(), static_cast<v1::DataClass>(allowed + 1))
              .empty();
}

int WithholdChanges(Message* message, v1::DataClass allowed) {
  if (message->GetDescriptor() == v1::FieldChange::descriptor()) {
    auto* change = static_cast<v1::FieldChange*>(message);
    if (!ProfileFieldAbove(change->field(), allowed)) return 0;
    change->set_old_value(kWithheldValue);
    change->set_new_value(kWithheldValue);
    return 1;
  }
  int withheld = 0;
  const auto* reflection = message->GetReflection();
  const auto* descriptor = message->GetDescriptor();
  for (int i = 0; i < descriptor->field_count(); ++i) {
    const FieldDescriptor* f = descriptor->field(i);
    if (f->type() != FieldDescriptor::TYPE_MESSAGE || f->is_map()) continue;
    if (f->is_repeated()) {
      for (int j = 0; j < reflection->FieldSize(*message, f); ++j) {
        withheld += WithholdChanges(reflection->MutableRepeatedMessage(message, f, j), allowed);
      }
    } else if (reflection->HasField(*message, f)) {
      withheld += WithholdChanges(reflection->MutableMessage(message, f), allowed);
    }
  }
  return withheld;
}
}  // namespace

absl::StatusOr<v1::DataClass> ParseMaxDataClass(absl::string_view text) {
  std::string name = absl::AsciiStrToLower(text);
  if (name == "public") return v1::DATA_CLASS_PUBLIC;
  if (name == "business") return v1::DATA_CLASS_BUSINESS;
  if (name == "personal") return v1::DATA_CLASS_PERSONAL;
  if (name == "sensitive") return v1::DATA_CLASS_SENSITIVE;
  if (name == "health") return v1::DATA_CLASS_HEALTH;
  return core::FieldError("max_data_class",
                          "must be public, business, personal, sensitive or health");
}

int WithholdAbove(Message* message, v1::DataClass allowed) {
  if (allowed == v1::DATA_CLASS_HEALTH) return 0;  // Nothing is above it.
  return privacy::Mask(message, allowed) + WithholdChanges(message, allowed);
}

Disclosure Disclose(Message* message, v1::DataClass allowed) {
  Disclosure d;
  d.withheld = WithholdAbove(message, allowed);
  d.highest = privacy::HighestSetClass(*message);
  return d;
}

bool Audited(const Disclosure& d) { return d.highest >= v1::DATA_CLASS_PERSONAL; }

}  // namespace pharmacrm::gateway
