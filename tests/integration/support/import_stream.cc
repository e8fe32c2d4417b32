#include "support/import_stream.h"

#include <algorithm>

#include "pharmacrm/rpc/server.h"

namespace pharmacrm::itest {

std::unique_ptr<v1::CustomerMaster::Stub> CustomerMasterClient(const Suite& suite) {
  return v1::CustomerMaster::NewStub(rpc::MakeChannel(suite.GrpcAddress("customer-master")));
}

ImportResult StreamImport(v1::CustomerMaster::Stub& stub, const std::string& request_id,
                          v1::ImportFormat format, absl::string_view data, size_t chunk_bytes,
                          const std::string& source) {
  chunk_bytes = std::max<size_t>(chunk_bytes, 1);
  auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(60));
  auto stream = stub.ImportCustomers(ctx.get());
  ImportResult result;
  for (size_t at = 0; at == 0 || at < data.size(); at += chunk_bytes) {
    v1::ImportChunk chunk;
    if (at == 0) {
      chunk.set_request_id(request_id);
      chunk.set_format(format);
      chunk.set_source(source);
    }
    chunk.set_data(std::string(data.substr(at, chunk_bytes)));
    if (!stream->Write(chunk)) {
      result.all_written = false;  // The server went away: Finish says why.
      break;
    }
  }
  stream->WritesDone();
  for (v1::ImportProgress p; stream->Read(&p);) {
    ++result.messages;
    result.summary = std::move(p);
  }
  result.status = stream->Finish();
  return result;
}

}  // namespace pharmacrm::itest
