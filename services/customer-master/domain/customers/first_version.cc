#include "domain/customers/first_version.h"

#include "absl/strings/str_cat.h"
#include "google/protobuf/io/coded_stream.h"
#include "google/protobuf/wire_format_lite.h"
#include "pharmacrm/v1/customer_master.pb.h"

namespace pharmacrm::customer_master {

absl::StatusOr<std::string> FirstVersionCustomer(absl::string_view id,
                                                 absl::string_view version_record,
                                                 std::optional<absl::string_view> customer_record) {
  using google::protobuf::internal::WireFormatLite;
  auto lost = [&](absl::string_view what) {
    return absl::DataLossError(absl::StrCat("customer ", id, ": ", what));
  };
  // The snapshot's bytes as stored, read off the wire: parsing and
  // serializing again need not give the same bytes.
  google::protobuf::io::CodedInputStream in(reinterpret_cast<const uint8_t*>(version_record.data()),
                                            static_cast<int>(version_record.size()));
  std::optional<std::string> snapshot;
  while (uint32_t tag = in.ReadTag()) {
    if (tag == WireFormatLite::MakeTag(v1::CustomerVersion::kCustomerFieldNumber,
                                       WireFormatLite::WIRETYPE_LENGTH_DELIMITED)) {
      std::string bytes;
      if (!WireFormatLite::ReadBytes(&in, &bytes)) break;
      snapshot = std::move(bytes);
    } else if (!WireFormatLite::SkipField(&in, tag)) {
      return lost("version 1 does not parse");
    }
  }
  if (!in.ConsumedEntireMessage() ||
      in.CurrentPosition() != static_cast<int>(version_record.size())) {
    return lost("version 1 does not parse");
  }
  v1::Customer customer;
  if (snapshot) {
    if (!customer.ParseFromString(*snapshot)) return lost("version 1's snapshot does not parse");
    return *std::move(snapshot);
  }
  if (!customer_record) return lost("version 1 has no snapshot and the customer is not stored");
  if (!customer.ParseFromArray(customer_record->data(),
                               static_cast<int>(customer_record->size()))) {
    return lost("the stored customer does not parse");
  }
  if (customer.version() != 1) {
    return lost(absl::StrCat("version 1 has no snapshot and the stored customer is version ",
                             customer.version()));
  }
  return std::string(*customer_record);
}

}  // namespace pharmacrm::customer_master
