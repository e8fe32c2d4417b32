// What the two bulk imports (ImportCustomers, api/import.cc, and
// ImportMetrics, api/metrics.cc) share: the checks of the first chunk and
// answering a repeated request_id, the summary stored at the end, the
// reader that parses the stream on a thread of its own, and the import
// metrics. Not part of the service's interface.
#ifndef PHARMACRM_SERVICES_CUSTOMER_MASTER_API_IMPORT_SUPPORT_H_
#define PHARMACRM_SERVICES_CUSTOMER_MASTER_API_IMPORT_SUPPORT_H_

#include <deque>
#include <initializer_list>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "domain/import/import_rows.h"
#include "grpcpp/grpcpp.h"
#include "pharmacrm/core/hash.h"
#include "pharmacrm/core/log.h"
#include "pharmacrm/core/metrics.h"
#include "pharmacrm/core/serial_worker.h"
#include "pharmacrm/store/store.h"
#include "pharmacrm/v1/customer_master.grpc.pb.h"

namespace pharmacrm::customer_master::internal {

inline constexpr size_t kImportBatchRows = 500;
inline constexpr size_t kBatchesCommitting = 2;
inline constexpr int kMaxReportedErrors = 1000;
inline constexpr int kMaxReportedIds = 10000;

using ImportStream = grpc::ServerReaderWriter<v1::ImportProgress, v1::ImportChunk>;

// Adds an error of `line` to `progress`, up to kMaxReportedErrors.
void Report(v1::ImportProgress& progress, int64_t line, const std::string& field,
            const std::string& reason);

// The rows of one batch by outcome: what `progress` counts beyond
// `counted`. `counted` is then brought up to `progress`.
struct BatchCounts {
  int64_t accepted = 0;
  int64_t rejected = 0;
  int64_t duplicates = 0;
};
BatchCounts TakeBatchCounts(const v1::ImportProgress& progress, v1::ImportProgress& counted);

// The progress sent after a batch: the counts so far only (the errors and
// ids go in the final summary: copying them per batch cost more than the
// batch).
v1::ImportProgress ProgressUpdate(const v1::ImportProgress& progress);

// Import metrics of the process (docs/OPERATIONS.md, Metrics).
class ImportCounters {
 public:
  static ImportCounters& Get();
  // Rows of batches committed, by outcome: of customer imports, and of
  // metrics imports.
  void CountBatch(int64_t accepted, int64_t rejected, int64_t duplicates) {
    accepted_.Increment(static_cast<double>(accepted));
    rejected_.Increment(static_cast<double>(rejected));
    duplicates_.Increment(static_cast<double>(duplicates));
  }
  void CountMetricsBatch(int64_t accepted, int64_t rejected, int64_t duplicates) {
    metrics_accepted_.Increment(static_cast<double>(accepted));
    metrics_rejected_.Increment(static_cast<double>(rejected));
    metrics_duplicates_.Increment(static_cast<double>(duplicates));
  }
  // Counts an import as running while it lives.
  class Running {
   public:
    explicit Running(ImportCounters& metrics) : gauge_(metrics.running_) { gauge_.Increment(); }
    ~Running() { gauge_.Decrement(); }
    Running(const Running&) = delete;
    Running& operator=(const Running&) = delete;

   private:
    prometheus::Gauge& gauge_;
  };

 private:
  ImportCounters();

  prometheus::Family<prometheus::Counter>& rows_;
  prometheus::Counter& accepted_;
  prometheus::Counter& rejected_;
  prometheus::Counter& duplicates_;
  prometheus::Family<prometheus::Counter>& metrics_rows_;
  prometheus::Counter& metrics_accepted_;
  prometheus::Counter& metrics_rejected_;
  prometheus::Counter& metrics_duplicates_;
  prometheus::Gauge& running_;
};

// An import is fingerprinted by its format and the first
// kImportFingerprintBytes of its data (all of it when shorter): reusing a
// request_id for another file is refused rather than answered with the
// first file's summary.
inline constexpr uint64_t kImportFingerprintBytes = 64 * 1024;

// The fingerprint of an import: its format and the first
// kImportFingerprintBytes of its data, fed chunk by chunk.
class ImportFingerprint {
 public:
  explicit ImportFingerprint(v1::ImportFormat format)
      : fingerprint_(static_cast<uint64_t>(format)) {}
  void Add(absl::string_view data) {
    if (bytes_ >= kImportFingerprintBytes) return;
    absl::string_view head = data.substr(0, static_cast<size_t>(kImportFingerprintBytes - bytes_));
    fingerprint_.Add(head);
    bytes_ += head.size();
  }
  uint64_t value() const { return fingerprint_.value(); }
  uint64_t bytes() const { return bytes_; }

 private:
  core::Fingerprinter fingerprint_;
  uint64_t bytes_ = 0;
};

// The first chunk of an import, checked: its request_id, its format (one
// of `formats`, else INVALID_ARGUMENT with `formats_error`) and its source.
// `idempotency_key` is "<method>/<request_id>".
struct ImportStart {
  v1::ImportChunk chunk;
  std::string request_id;
  std::string idempotency_key;
};

// Reads and checks the first chunk of an import by `method`. When an import
// with the same request_id completed before, answers the stream with its
// stored summary if it is the same file (FAILED_PRECONDITION otherwise) and
// returns nullopt: nothing is to be imported.
absl::StatusOr<std::optional<ImportStart>> BeginImport(
    store::Store& store, absl::string_view method, ImportStream& stream,
    std::initializer_list<v1::ImportFormat> formats, absl::string_view formats_error);

// Ends a completed import: its errors in line order, done, its rate since
// `start`; stored (a retry with its request_id gets it back) and sent.
absl::Status FinishImport(store::Store& store, absl::string_view method, const ImportStart& begun,
                          const ImportFingerprint& fingerprint, absl::Time start,
                          v1::ImportProgress& progress, ImportStream& stream);

// Reads an import's chunks and parses them into batches of rows, on a
// thread of its own, at most kBatchesAhead batches ahead of the caller of
// Next. gRPC allows one Read and one Write of a stream at the same time, so
// the caller may write progress meanwhile.
class ImportReader {
 public:
  struct Batch {
    std::vector<ImportRow> rows;
    std::vector<RowError> errors;
    bool last = false;  // The stream has ended; nothing follows.
    // The stream was cancelled rather than closed by the client: the bytes
    // after the last line break are dropped, not parsed as a last row (a
    // cut line could parse as a row with a cut value).
    bool cancelled = false;
    // On the last batch: the fingerprint of the format and of the first
    // kImportFingerprintBytes of the data.
    std::optional<ImportFingerprint> fingerprint;
  };

  ImportReader(grpc::ServerContext* context,
               grpc::ServerReaderWriter<v1::ImportProgress, v1::ImportChunk>* stream,
               RowParser parser, v1::ImportChunk first)
      : thread_([this, context, stream, parser = std::move(parser),
                 chunk = std::move(first)]() mutable { Run(*context, *stream, parser, chunk); }) {}
  ImportReader(const ImportReader&) = delete;
  ImportReader& operator=(const ImportReader&) = delete;
  ~ImportReader() { Stop(); }

  // The next batch, in the order of the input; blocks until it is parsed.
  Batch Next() {
    absl::MutexLock lock(&mu_);
    auto ready = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) { return !queue_.empty(); };
    mu_.Await(absl::Condition(&ready));
    Batch batch = std::move(queue_.front());
    queue_.pop_front();
    return batch;
  }

  // Stops reading (after the Read in progress, if any, returns) and waits
  // for the thread.
  void Stop() {
    {
      absl::MutexLock lock(&mu_);
      stopped_ = true;
    }
    if (thread_.joinable()) thread_.join();
  }

 private:
  static constexpr size_t kBatchesAhead = 4;

  void Run(grpc::ServerContext& context,
           grpc::ServerReaderWriter<v1::ImportProgress, v1::ImportChunk>& stream, RowParser& parser,
           v1::ImportChunk& chunk) {
    core::SetCurrentThreadName("cm-import-read");
    Batch batch;
    ImportFingerprint fingerprint(chunk.format());
    while (true) {
      fingerprint.Add(chunk.data());
      parser.Feed(chunk.data(), &batch.rows, &batch.errors);
      if ((batch.rows.size() >= kImportBatchRows || batch.errors.size() >= kImportBatchRows) &&
          !Push(batch)) {
        return;
      }
      if (Stopped() || !stream.Read(&chunk)) break;
    }
    if (Stopped()) return;
    batch.cancelled = context.IsCancelled();
    if (!batch.cancelled) parser.Finish(&batch.rows, &batch.errors);
    batch.last = true;
    batch.fingerprint = fingerprint;
    Push(batch);
  }

  bool Stopped() {
    absl::MutexLock lock(&mu_);
    return stopped_;
  }

  // Queues `batch` and clears it; false once stopped.
  bool Push(Batch& batch) {
    absl::MutexLock lock(&mu_);
    auto room = [this]() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_) {
      return stopped_ || queue_.size() < kBatchesAhead;
    };
    mu_.Await(absl::Condition(&room));
    if (stopped_) return false;
    queue_.push_back(std::move(batch));
    batch = Batch{};
    return true;
  }

  absl::Mutex mu_;
  std::deque<Batch> queue_ ABSL_GUARDED_BY(mu_);
  bool stopped_ ABSL_GUARDED_BY(mu_) = false;
  std::thread thread_;  // Last: started once the rest is built.
};
}  // namespace pharmacrm::customer_master::internal

#endif  // PHARMACRM_SERVICES_CUSTOMER_MASTER_API_IMPORT_SUPPORT_H_
