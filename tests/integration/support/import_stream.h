// Calls to a suite's customer-master for tests: a client, and a file
// streamed to ImportCustomers as pharmacrm import does, for tests that look
// at the summary and the progress messages.
#ifndef PHARMACRM_TESTS_INTEGRATION_SUPPORT_IMPORT_STREAM_H_
#define PHARMACRM_TESTS_INTEGRATION_SUPPORT_IMPORT_STREAM_H_

#include <cstddef>
#include <functional>
#include <memory>
#include <string>

#include "absl/strings/string_view.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"
#include "support/suite.h"

namespace pharmacrm::itest {

// A client of the suite's customer-master on a channel of its own: make a
// new one after a restart, so that no reconnection backoff of the old
// channel delays the first call.
std::unique_ptr<v1::CustomerMaster::Stub> CustomerMasterClient(const Suite& suite);

using ImportClientStream = grpc::ClientReaderWriter<v1::ImportChunk, v1::ImportProgress>;

// Writes `data` to an import stream in chunks of `chunk_bytes` (at least one
// chunk, even for empty data), the first carrying `request_id`, `format`
// and `source`. False once the server has ended the call (Finish says why).
bool WriteImportChunks(ImportClientStream& stream, const std::string& request_id,
                       v1::ImportFormat format, absl::string_view data, size_t chunk_bytes,
                       const std::string& source = "");

struct ImportResult {
  grpc::Status status;         // Of the call.
  v1::ImportProgress summary;  // The last message read (the summary once done).
  int messages = 0;            // Progress messages read, the summary included.
  bool all_written = true;     // Every chunk was sent (false: the server went away).
};

// Opens an import stream (ImportCustomers or ImportMetrics) on a context.
using OpenImport = std::function<std::unique_ptr<ImportClientStream>(grpc::ClientContext* context)>;

// Sends `data` on a stream `open` makes, in chunks of `chunk_bytes` (at
// least one chunk, even for empty data), the first carrying `request_id`,
// `format` and `source`; reads every progress message, then finishes the
// call (a deadline of 60 s).
ImportResult StreamImportWith(const OpenImport& open, const std::string& request_id,
                              v1::ImportFormat format, absl::string_view data, size_t chunk_bytes,
                              const std::string& source = "");

// StreamImportWith on ImportCustomers.
ImportResult StreamImport(v1::CustomerMaster::Stub& stub, const std::string& request_id,
                          v1::ImportFormat format, absl::string_view data, size_t chunk_bytes,
                          const std::string& source = "");

}  // namespace pharmacrm::itest

#endif  // PHARMACRM_TESTS_INTEGRATION_SUPPORT_IMPORT_STREAM_H_
