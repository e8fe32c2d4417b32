#include "import_command.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "input.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/rpc/status.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"

namespace pharmacrm::cli {
namespace {
std::string Thousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}
}  // namespace

std::string ProgressLine(const v1::ImportProgress& p, int64_t bytes_sent, int64_t total_bytes,
                         double seconds) {
  std::string bar;
  if (total_bytes > 0) {
    double fraction = std::min(1.0, static_cast<double>(bytes_sent) / total_bytes);
    int filled = static_cast<int>(fraction * 30);
    bar = absl::StrFormat("[%s%s] %3d%% ", std::string(filled, '#'), std::string(30 - filled, '.'),
                          static_cast<int>(fraction * 100));
  }
  return absl::StrFormat("%s%s rows  %s rows/s  accepted %s  rejected %s  duplicates %s  %.1fs", bar,
                         Thousands(p.rows_read()), Thousands(static_cast<int64_t>(p.rows_per_second())),
                         Thousands(p.accepted()), Thousands(p.rejected()), Thousands(p.duplicates()),
                         seconds);
}

absl::StatusOr<v1::ImportProgress> RunImport(const ImportOptions& options) {
  if (options.what != "customers" && options.what != "metrics") {
    return absl::InvalidArgumentError(
        absl::StrCat("--what: '", options.what, "' is not customers, metrics or flow"));
  }
  v1::ImportFormat format = v1::IMPORT_FORMAT_UNSPECIFIED;
  std::string f = options.format;
  // Metrics come as JSON Lines only; customers as CSV or JSON Lines.
  if (f.empty()) {
    f = options.what == "customers" && absl::EndsWith(options.file, ".csv") ? "csv" : "jsonl";
  }
  if (f == "csv") format = v1::IMPORT_FORMAT_CSV;
  if (f == "jsonl" || f == "json") format = v1::IMPORT_FORMAT_JSON_LINES;
  if (format == v1::IMPORT_FORMAT_UNSPECIFIED) {
    return absl::InvalidArgumentError(absl::StrCat("--format: '", f, "' is not csv or jsonl"));
  }
  ASSIGN_OR_RETURN(std::unique_ptr<ImportInput> input,
                   ImportInput::Open(options.file, options.encoding));
  const int64_t total = input->total_bytes();
  std::string request_id = options.request_id;
  if (request_id.empty()) {
    request_id = absl::StrCat("import-", options.file == "-" ? "stdin" : options.file, "-", total, "-",
                              absl::ToUnixSeconds(absl::Now()));
    if (request_id.size() > 128) request_id = request_id.substr(request_id.size() - 128);
  }

  auto stub = v1::CustomerMaster::NewStub(rpc::MakeChannel(options.server, 16 << 20));
  grpc::ClientContext context;  // No deadline: an import may take minutes; progress shows it lives.
  auto stream =
      options.what == "metrics" ? stub->ImportMetrics(&context) : stub->ImportCustomers(&context);
  absl::Time start = absl::Now();
  std::atomic<int64_t> sent{0};
  absl::Mutex mu;
  v1::ImportProgress last;
  std::thread reader([&] {
    v1::ImportProgress p;
    while (stream->Read(&p)) {
      absl::MutexLock lock(&mu);
      last = p;
      if (options.progress) {
        std::fprintf(stderr, "\r%s", ProgressLine(p, sent, total, absl::ToDoubleSeconds(absl::Now() - start)).c_str());
      }
    }
  });
  absl::Status conversion = input->SendAll(
      [&](std::string data, bool first) {
        v1::ImportChunk chunk;
        if (first) {
          chunk.set_request_id(request_id);
          chunk.set_format(format);
          chunk.set_source(options.source);
        }
        chunk.set_data(std::move(data));
        return stream->Write(chunk);
      },
      [&](int64_t bytes) { sent = bytes; });
  if (!conversion.ok()) context.TryCancel();
  stream->WritesDone();
  reader.join();
  grpc::Status status = stream->Finish();
  if (options.progress) std::fprintf(stderr, "\n");
  if (!conversion.ok()) return conversion;
  if (!status.ok()) return rpc::FromGrpcStatus(status);
  absl::MutexLock lock(&mu);
  if (!last.done()) return absl::UnavailableError("the import ended without a final summary");
  return last;
}

}  // namespace pharmacrm::cli
