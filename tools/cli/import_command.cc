#include "import_command.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <thread>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/clock.h"
#include "encoding.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/rpc/status.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"

namespace pharmacrm::cli {
namespace {
constexpr size_t kChunkBytes = 256 * 1024;

std::string Thousands(int64_t n) {
  std::string digits = std::to_string(n < 0 ? -n : n), out;
  for (size_t i = 0; i < digits.size(); ++i) {
    if (i > 0 && (digits.size() - i) % 3 == 0) out.push_back(',');
    out.push_back(digits[i]);
  }
  return n < 0 ? "-" + out : out;
}
// Reads `file` through a converter to find a byte that is not text in
// `encoding` before anything is sent; stops as soon as the input is known
// to be UTF-8 (passed through, and checked by the server row by row).
// Leaves `file` at its start.
absl::Status CheckEncoding(std::ifstream& file, InputEncoding encoding) {
  if (encoding == InputEncoding::kUtf8) return absl::OkStatus();
  ToUtf8Converter converter(encoding);
  std::vector<char> buffer(kChunkBytes);
  absl::Status status;
  while (status.ok() && converter.encoding() != InputEncoding::kUtf8) {
    file.read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    std::streamsize n = file.gcount();
    if (n <= 0) {
      status = converter.Finish().status();
      break;
    }
    status = converter.Convert(absl::string_view(buffer.data(), static_cast<size_t>(n))).status();
  }
  file.clear();
  file.seekg(0);
  return status;
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
        absl::StrCat("--what: '", options.what, "' is not customers or metrics"));
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
  absl::StatusOr<InputEncoding> encoding = ParseInputEncoding(options.encoding);
  if (!encoding.ok()) return encoding.status();
  std::ifstream file;
  std::istream* in = &std::cin;
  int64_t total = 0;
  if (options.file != "-") {
    file.open(options.file, std::ios::binary | std::ios::ate);
    if (!file) return absl::NotFoundError(absl::StrCat("--file: cannot read ", options.file));
    total = static_cast<int64_t>(file.tellg());
    file.seekg(0);
    in = &file;
    if (absl::Status s = CheckEncoding(file, *encoding); !s.ok()) return s;
  }
  ToUtf8Converter converter(*encoding);
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
  std::vector<char> buffer(kChunkBytes);
  absl::Status conversion;
  bool first = true;
  while (true) {
    in->read(buffer.data(), static_cast<std::streamsize>(buffer.size()));
    const std::streamsize n = in->gcount();
    const bool end = n <= 0;
    // At the end, what the converter held back (a character cut by the
    // last read) is converted, or reported if it is not a whole one.
    absl::StatusOr<std::string> utf8 =
        end ? converter.Finish()
            : converter.Convert(absl::string_view(buffer.data(), static_cast<size_t>(n)));
    if (!utf8.ok()) {
      conversion = utf8.status();
      context.TryCancel();
      break;
    }
    if (end && utf8->empty() && !first) break;
    v1::ImportChunk chunk;
    if (first) {
      chunk.set_request_id(request_id);
      chunk.set_format(format);
      chunk.set_source(options.source);
      first = false;
    }
    chunk.set_data(*std::move(utf8));
    if (!stream->Write(chunk)) break;  // The server ended the call; Finish says why.
    sent += std::max<std::streamsize>(n, 0);
    if (end) break;
  }
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
