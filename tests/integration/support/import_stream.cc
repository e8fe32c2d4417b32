#include "support/import_stream.h"

#include <algorithm>

#include "pharmacrm/rpc/server.h"

namespace pharmacrm::itest {

std::unique_ptr<v1::CustomerMaster::Stub> CustomerMasterClient(const Suite& suite) {
  return v1::CustomerMaster::NewStub(rpc::MakeChannel(suite.GrpcAddress("customer-master")));
}

bool WriteImportChunks(ImportClientStream& stream, const std::string& request_id,
                       v1::ImportFormat format, absl::string_view data, size_t chunk_bytes,
                       const std::string& source) {
  chunk_bytes = std::max<size_t>(chunk_bytes, 1);
  for (size_t at = 0; at == 0 || at < data.size(); at += chunk_bytes) {
    v1::ImportChunk chunk;
    if (at == 0) {
      chunk.set_request_id(request_id);
      chunk.set_format(format);
      chunk.set_source(source);
    }
    chunk.set_data(std::string(data.substr(at, chunk_bytes)));
    if (!stream.Write(chunk)) return false;
  }
  return true;
}

ImportResult StreamImport(v1::CustomerMaster::Stub& stub, const std::string& request_id,
                          v1::ImportFormat format, absl::string_view data, size_t chunk_bytes,
                          const std::string& source) {
  return StreamImportWith(
      [&](grpc::ClientContext* context) { return stub.ImportCustomers(context); }, request_id,
      format, data, chunk_bytes, source);
}

ImportResult StreamImportWith(const OpenImport& open, const std::string& request_id,
                              v1::ImportFormat format, absl::string_view data, size_t chunk_bytes,
                              const std::string& source) {
  auto ctx = rpc::ClientContextWithDeadline(absl::Seconds(60));
  auto stream = open(ctx.get());
  ImportResult result;
  // False: the server went away; Finish says why.
  result.all_written = WriteImportChunks(*stream, request_id, format, data, chunk_bytes, source);
  stream->WritesDone();
  for (v1::ImportProgress p; stream->Read(&p);) {
    ++result.messages;
    result.summary = std::move(p);
  }
  result.status = stream->Finish();
  return result;
}

}  // namespace pharmacrm::itest
