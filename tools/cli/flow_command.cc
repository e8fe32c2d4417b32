#include "flow_command.h"

#include <cstdio>
#include <fstream>
#include <sstream>

#include "absl/strings/str_cat.h"
#include "absl/time/clock.h"
#include "input.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/rpc/status.h"
#include "pharmacrm/v1/channel_service.grpc.pb.h"

namespace pharmacrm::cli {

absl::StatusOr<v1::ImportFlowSummary> RunFlowImport(const FlowImportOptions& options) {
  if (options.distributor_id.empty()) {
    return absl::InvalidArgumentError("--distributor: the distributor whose flow this is");
  }
  if (options.month.empty()) return absl::InvalidArgumentError("--month: the month, YYYY-MM");
  std::string mapping;
  if (!options.mapping_file.empty()) {
    std::ifstream in(options.mapping_file, std::ios::binary);
    if (!in) return absl::NotFoundError(absl::StrCat("--mapping: cannot read ", options.mapping_file));
    std::ostringstream text;
    text << in.rdbuf();
    mapping = text.str();
  }
  ASSIGN_OR_RETURN(
      std::unique_ptr<ImportInput> input,
      ImportInput::Open(options.file, options.encoding, ImportInput::Workbooks::kSend));
  std::string request_id = options.request_id;
  if (request_id.empty()) {
    request_id = absl::StrCat("flow-", options.distributor_id, "-", options.month, "-",
                              input->total_bytes(), "-", absl::ToUnixSeconds(absl::Now()));
    if (request_id.size() > 128) request_id = request_id.substr(request_id.size() - 128);
  }
  auto stub = v1::SalesChannel::NewStub(rpc::MakeChannel(options.server, 16 << 20));
  grpc::ClientContext context;  // No deadline: a large file takes a while.
  v1::ImportFlowSummary summary;
  auto stream = stub->ImportFlow(&context, &summary);
  const absl::Time start = absl::Now();
  absl::Status conversion = input->SendAll(
      [&](std::string data, bool first) {
        v1::FlowChunk chunk;
        if (first) {
          chunk.set_request_id(request_id);
          chunk.set_distributor_id(options.distributor_id);
          chunk.set_month(options.month);
          chunk.set_file_name(options.file);
          chunk.set_column_mapping(mapping);
        }
        chunk.set_data(std::move(data));
        return stream->Write(chunk);
      },
      [&](int64_t bytes) {
        if (options.progress) {
          std::fprintf(stderr, "\rsent %lld of %lld bytes  %.1fs", static_cast<long long>(bytes),
                       static_cast<long long>(input->total_bytes()),
                       absl::ToDoubleSeconds(absl::Now() - start));
        }
      });
  if (!conversion.ok()) context.TryCancel();
  stream->WritesDone();
  grpc::Status status = stream->Finish();
  if (options.progress) std::fprintf(stderr, "\n");
  if (!conversion.ok()) return conversion;
  if (!status.ok()) return rpc::FromGrpcStatus(status);
  return summary;
}

}  // namespace pharmacrm::cli
