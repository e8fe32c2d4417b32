// Personal-data classification read from the contract: every field may carry
// the (pharmacrm.v1.data_class) option (privacy.proto). The gateway uses this
// to mask what a caller's role may not see and to know which reads to audit.
// Pure; thread-safe.
#ifndef PHARMACRM_PRIVACY_CLASSIFICATION_H_
#define PHARMACRM_PRIVACY_CLASSIFICATION_H_

#include <map>
#include <string>

#include "google/protobuf/message.h"
#include "pharmacrm/v1/privacy.pb.h"

namespace pharmacrm::privacy {

// The class of one field; fields without the option are BUSINESS.
v1::DataClass ClassOf(const google::protobuf::FieldDescriptor* field);

// Every field path reachable from `descriptor` (through nested messages,
// "details.doctor.person.home_address" style) whose class is at least
// `min_class`, with its class.
std::map<std::string, v1::DataClass> ClassifiedPaths(const google::protobuf::Descriptor* descriptor,
                                                     v1::DataClass min_class);

// Clears, in `message` and everything nested in it, every set field whose
// class is above `allowed`. Returns how many fields were cleared, so a
// caller can say that something was withheld.
int Mask(google::protobuf::Message* message, v1::DataClass allowed);

// The highest class among the fields set in `message` and everything nested
// in it (a message field without a class of its own counts as what it
// holds); UNSPECIFIED when nothing is set. What an answer discloses, for the
// audit of reads.
v1::DataClass HighestSetClass(const google::protobuf::Message& message);

}  // namespace pharmacrm::privacy

#endif  // PHARMACRM_PRIVACY_CLASSIFICATION_H_
