#include "pharmacrm/privacy/classification.h"

#include <set>
#include <vector>

namespace pharmacrm::privacy {
namespace {
using google::protobuf::Descriptor;
using google::protobuf::FieldDescriptor;
using google::protobuf::Message;

int Rank(v1::DataClass c) {
  return c == v1::DATA_CLASS_UNSPECIFIED ? v1::DATA_CLASS_BUSINESS : static_cast<int>(c);
}

void Collect(const Descriptor* d, const std::string& prefix, v1::DataClass min_class,
             std::set<const Descriptor*>& on_path, std::map<std::string, v1::DataClass>& out) {
  if (!on_path.insert(d).second) return;  // Recursive message types.
  for (int i = 0; i < d->field_count(); ++i) {
    const FieldDescriptor* f = d->field(i);
    std::string path = prefix.empty() ? f->name() : prefix + "." + f->name();
    v1::DataClass c = ClassOf(f);
    if (Rank(c) >= Rank(min_class)) out[path] = c;
    if (f->type() == FieldDescriptor::TYPE_MESSAGE && !f->is_map()) {
      Collect(f->message_type(), path, min_class, on_path, out);
    }
  }
  on_path.erase(d);
}
}  // namespace

v1::DataClass ClassOf(const FieldDescriptor* field) {
  v1::DataClass c = field->options().GetExtension(v1::data_class);
  return c == v1::DATA_CLASS_UNSPECIFIED ? v1::DATA_CLASS_BUSINESS : c;
}

std::map<std::string, v1::DataClass> ClassifiedPaths(const Descriptor* descriptor,
                                                     v1::DataClass min_class) {
  std::map<std::string, v1::DataClass> out;
  std::set<const Descriptor*> on_path;
  Collect(descriptor, "", min_class, on_path, out);
  return out;
}

int Mask(Message* message, v1::DataClass allowed) {
  const auto* reflection = message->GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(*message, &fields);
  int cleared = 0;
  for (const FieldDescriptor* f : fields) {
    if (Rank(ClassOf(f)) > Rank(allowed)) {
      reflection->ClearField(message, f);
      ++cleared;
      continue;
    }
    if (f->type() != FieldDescriptor::TYPE_MESSAGE || f->is_map()) continue;
    if (f->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(*message, f); ++i) {
        cleared += Mask(reflection->MutableRepeatedMessage(message, f, i), allowed);
      }
    } else {
      cleared += Mask(reflection->MutableMessage(message, f), allowed);
    }
  }
  return cleared;
}

v1::DataClass HighestSetClass(const Message& message) {
  const auto* reflection = message.GetReflection();
  std::vector<const FieldDescriptor*> fields;
  reflection->ListFields(message, &fields);
  v1::DataClass highest = v1::DATA_CLASS_UNSPECIFIED;
  auto raise = [&](v1::DataClass c) {
    if (highest == v1::DATA_CLASS_UNSPECIFIED || Rank(c) > Rank(highest)) highest = c;
  };
  for (const FieldDescriptor* f : fields) {
    // A message field is what it holds, unless it has a class of its own.
    if (f->type() != FieldDescriptor::TYPE_MESSAGE || f->is_map() ||
        f->options().GetExtension(v1::data_class) != v1::DATA_CLASS_UNSPECIFIED) {
      raise(ClassOf(f));
    }
    if (f->type() != FieldDescriptor::TYPE_MESSAGE || f->is_map()) continue;
    if (f->is_repeated()) {
      for (int i = 0; i < reflection->FieldSize(message, f); ++i) {
        v1::DataClass c = HighestSetClass(reflection->GetRepeatedMessage(message, f, i));
        if (c != v1::DATA_CLASS_UNSPECIFIED) raise(c);
      }
    } else {
      v1::DataClass c = HighestSetClass(reflection->GetMessage(message, f));
      if (c != v1::DATA_CLASS_UNSPECIFIED) raise(c);
    }
  }
  return highest;
}

}  // namespace pharmacrm::privacy
