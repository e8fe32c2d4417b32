#include "api/import_support.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/runtime/command.h"

namespace pharmacrm::customer_master::internal {
namespace {

// True if the import on `stream`, whose first chunk is `chunk`, is the one
// `previous` was stored for: it reads as much of the stream as the stored
// fingerprint covers, and when that was the whole file, up to the stream's
// end (at most one chunk more), so a longer file is not taken for it.
absl::StatusOr<bool> SameImport(
    const v1::IdempotencyRecord& previous,
    grpc::ServerReaderWriter<v1::ImportProgress, v1::ImportChunk>& stream, v1::ImportChunk& chunk) {
  if (previous.request_fingerprint() == 0 && previous.fingerprint_bytes() == 0) {
    return true;  // Stored before imports were fingerprinted: as before.
  }
  const uint64_t covered = previous.fingerprint_bytes();
  if (covered > kImportFingerprintBytes) {
    return absl::DataLossError("stored import fingerprint covers more than it can");
  }
  const bool whole_file = covered < kImportFingerprintBytes;
  core::Fingerprinter fingerprint(static_cast<uint64_t>(chunk.format()));
  uint64_t seen = 0;
  while (true) {
    absl::string_view data = chunk.data();
    absl::string_view head = data.substr(0, static_cast<size_t>(covered - seen));
    fingerprint.Add(head);
    seen += head.size();
    if (data.size() > head.size()) {
      if (whole_file) return false;  // Longer than the file it was used for.
      break;
    }
    if (seen == covered && !whole_file) break;
    if (!stream.Read(&chunk)) break;
  }
  return seen == covered && fingerprint.value() == previous.request_fingerprint();
}

}  // namespace

void Report(v1::ImportProgress& progress, int64_t line, const std::string& field,
            const std::string& reason) {
  if (progress.errors_size() >= kMaxReportedErrors) return;
  v1::ImportRowError* e = progress.add_errors();
  e->set_line(line);
  e->set_field(field);
  e->set_reason(reason);
}

BatchCounts TakeBatchCounts(const v1::ImportProgress& progress, v1::ImportProgress& counted) {
  BatchCounts batch;
  batch.accepted = progress.accepted() - counted.accepted();
  batch.rejected = progress.rejected() - counted.rejected();
  batch.duplicates = progress.duplicates() - counted.duplicates();
  counted.set_accepted(progress.accepted());
  counted.set_rejected(progress.rejected());
  counted.set_duplicates(progress.duplicates());
  return batch;
}

v1::ImportProgress ProgressUpdate(const v1::ImportProgress& progress) {
  v1::ImportProgress update;
  update.set_rows_read(progress.rows_read());
  update.set_accepted(progress.accepted());
  update.set_rejected(progress.rejected());
  update.set_duplicates(progress.duplicates());
  return update;
}

ImportCounters& ImportCounters::Get() {
  static ImportCounters* metrics = new ImportCounters();
  return *metrics;
}

ImportCounters::ImportCounters()
    : rows_(prometheus::BuildCounter()
                .Name("pharmacrm_import_rows_total")
                .Help("Rows of bulk imports, by outcome, counted as each batch is committed")
                .Register(core::Metrics())),
      accepted_(rows_.Add({{"outcome", "accepted"}})),
      rejected_(rows_.Add({{"outcome", "rejected"}})),
      duplicates_(rows_.Add({{"outcome", "duplicate"}})),
      metrics_rows_(prometheus::BuildCounter()
                        .Name("pharmacrm_metrics_import_rows_total")
                        .Help("Rows of bulk imports of monthly metrics, by outcome, counted as "
                              "each batch is committed")
                        .Register(core::Metrics())),
      metrics_accepted_(metrics_rows_.Add({{"outcome", "accepted"}})),
      metrics_rejected_(metrics_rows_.Add({{"outcome", "rejected"}})),
      metrics_duplicates_(metrics_rows_.Add({{"outcome", "duplicate"}})),
      running_(prometheus::BuildGauge()
                   .Name("pharmacrm_imports_running")
                   .Help("Bulk imports in progress")
                   .Register(core::Metrics())
                   .Add({})) {}

absl::StatusOr<std::optional<ImportStart>> BeginImport(
    store::Store& store, absl::string_view method, ImportStream& stream,
    std::initializer_list<v1::ImportFormat> formats, absl::string_view formats_error) {
  ImportStart start;
  if (!stream.Read(&start.chunk)) return core::FieldError("request_id", "no chunk was sent");
  start.request_id = start.chunk.request_id();
  RETURN_IF_ERROR(runtime::ValidateRequestId(start.request_id));
  if (std::find(formats.begin(), formats.end(), start.chunk.format()) == formats.end()) {
    return core::FieldError("format", formats_error);
  }
  if (start.chunk.source().size() > 100) {
    return core::FieldError("source", "longer than 100 bytes");
  }
  start.idempotency_key = absl::StrCat(method, "/", start.request_id);
  ASSIGN_OR_RETURN(auto previous, store.GetIdempotency(start.idempotency_key));
  if (!previous.has_value()) return start;
  ASSIGN_OR_RETURN(bool same, SameImport(*previous, stream, start.chunk));
  if (!same) {
    return core::FieldStatus(
        absl::StatusCode::kFailedPrecondition, "request_id",
        absl::StrCat("already used to import a different file (its format, its length or "
                     "its first ",
                     previous->fingerprint_bytes(),
                     " bytes differ): use a new request_id for a new file"));
  }
  v1::ImportProgress progress;
  if (!progress.ParseFromString(previous->response())) {
    return absl::DataLossError("stored import summary does not parse");
  }
  stream.Write(progress);
  return std::nullopt;
}

absl::Status FinishImport(store::Store& store, absl::string_view method, const ImportStart& begun,
                          const ImportFingerprint& fingerprint, absl::Time start,
                          v1::ImportProgress& progress, ImportStream& stream) {
  std::sort(progress.mutable_errors()->begin(), progress.mutable_errors()->end(),
            [](const auto& a, const auto& b) { return a.line() < b.line(); });
  progress.set_done(true);
  const double seconds = std::max(absl::ToDoubleSeconds(absl::Now() - start), 1e-6);
  progress.set_rows_per_second(progress.rows_read() / seconds);
  store::Batch done;
  v1::IdempotencyRecord record;
  record.set_method(std::string(method));
  record.set_request_fingerprint(fingerprint.value());
  record.set_fingerprint_bytes(fingerprint.bytes());
  record.set_response(progress.SerializeAsString());
  done.PutIdempotency(begun.idempotency_key, record);
  RETURN_IF_ERROR(store.Write(std::move(done)));
  stream.Write(progress);
  return absl::OkStatus();
}

}  // namespace pharmacrm::customer_master::internal
