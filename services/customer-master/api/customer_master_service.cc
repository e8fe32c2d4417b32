#include "api/customer_master_service.h"

#include <algorithm>
#include <deque>
#include <initializer_list>
#include <optional>
#include <set>
#include <thread>

#include "absl/container/flat_hash_map.h"
#include "absl/numeric/int128.h"
#include "absl/strings/ascii.h"
#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "domain/completeness.h"
#include "domain/customer_rules.h"
#include "domain/duplicate_scan.h"
#include "domain/first_version.h"
#include "domain/import_rows.h"
#include "domain/matching.h"
#include "domain/merge.h"
#include "domain/metrics_import.h"
#include "domain/metrics_rules.h"
#include "domain/profile_normalization.h"
#include "domain/references.h"
#include "domain/search.h"
#include "domain/territories.h"
#include "google/protobuf/util/message_differencer.h"
#include "google/protobuf/util/time_util.h"
#include "pharmacrm/bus/envelope.h"
#include "pharmacrm/bus/kafka.h"
#include "pharmacrm/core/hash.h"
#include "pharmacrm/core/log.h"
#include "pharmacrm/core/metrics.h"
#include "pharmacrm/core/payload.h"
#include "pharmacrm/core/serial_worker.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/rpc/server.h"
#include "pharmacrm/runtime/projection.h"
#include "pharmacrm/store/key.h"
#include "storage/keys.h"

namespace pharmacrm::customer_master {
namespace {
constexpr char kService[] = "customer-master";


google::protobuf::Timestamp ToProto(absl::Time t) {
  return google::protobuf::util::TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(t));
}

bool IsActive(const v1::Customer& c) {
  return c.status() == v1::CUSTOMER_STATUS_ACTIVE || c.status() == v1::CUSTOMER_STATUS_UNSPECIFIED;
}

// The version change of a customer's status.
v1::FieldChange StatusChange(v1::CustomerStatus from, v1::CustomerStatus to) {
  v1::FieldChange change;
  change.set_field("status");
  change.set_old_value(v1::CustomerStatus_Name(from));
  change.set_new_value(v1::CustomerStatus_Name(to));
  return change;
}

// Profile fields whose values differ, with old and new values as text.
std::vector<v1::FieldChange> ProfileDiff(const v1::CustomerProfile& before,
                                         const v1::CustomerProfile& after) {
  std::vector<v1::FieldChange> out;
  const auto* d = v1::CustomerProfile::descriptor();
  for (int i = 0; i < d->field_count(); ++i) {
    const auto* f = d->field(i);
    auto text = [&](const v1::CustomerProfile& p) {
      const auto* r = p.GetReflection();
      if (f->type() == google::protobuf::FieldDescriptor::TYPE_MESSAGE) {
        return r->HasField(p, f) ? r->GetMessage(p, f).ShortDebugString() : std::string();
      }
      if (f->type() == google::protobuf::FieldDescriptor::TYPE_ENUM) return std::string(r->GetEnum(p, f)->name());
      return r->GetString(p, f);
    };
    std::string old_value = text(before), new_value = text(after);
    if (old_value == new_value) continue;
    v1::FieldChange c;
    c.set_field(f->name());
    c.set_old_value(old_value);
    c.set_new_value(new_value);
    out.push_back(std::move(c));
  }
  return out;
}

// Locks the stripes of several ids at once, each stripe once, in address
// order (no deadlock between two merges of overlapping records).
class MultiLock {
 public:
  MultiLock(runtime::StripedLocks& locks, const std::vector<std::string>& ids) {
    for (const auto& id : ids) mutexes_.push_back(&locks.For(id));
    std::sort(mutexes_.begin(), mutexes_.end());
    mutexes_.erase(std::unique(mutexes_.begin(), mutexes_.end()), mutexes_.end());
    for (absl::Mutex* m : mutexes_) m->Lock();
  }
  ~MultiLock() {
    for (auto it = mutexes_.rbegin(); it != mutexes_.rend(); ++it) (*it)->Unlock();
  }

 private:
  std::vector<absl::Mutex*> mutexes_;
};

// `status` with its field (if any) under `prefix` ("metrics." + "period").
absl::Status WithFieldPrefix(const absl::Status& status, absl::string_view prefix) {
  std::optional<std::string> field = core::FieldOf(status);
  if (status.ok() || !field) return status;
  std::string message(status.message());
  if (absl::StartsWith(message, *field)) message = message.substr(field->size() + 2);
  return core::FieldStatus(status.code(), absl::StrCat(prefix, *field), message);
}

// Most customers one worklist or duplicate-candidate lookup collects.
constexpr size_t kMaxCandidates = 5000;
// Matches a search counts in a long candidate list before it stops (once it
// also has its page): totals are exact up to about this many.
constexpr size_t kSearchCounted = 1000;
// Customers of one territory a search restricted to it considers.
constexpr size_t kMaxTerritoryMembers = 50000;
}  // namespace

grpc::Status CustomerMasterService::RegisterCustomer(grpc::ServerContext* context,
                                                     const v1::RegisterCustomerRequest* request,
                                                     v1::Customer* response) {
  return rpc::HandleRpc("CustomerMaster/RegisterCustomer", context,
                        [&] { return Register(*request, rpc::ActorOf(*context), response); });
}

grpc::Status CustomerMasterService::UpdateCustomer(grpc::ServerContext* context,
                                                   const v1::UpdateCustomerRequest* request,
                                                   v1::Customer* response) {
  return rpc::HandleRpc("CustomerMaster/UpdateCustomer", context,
                        [&] { return Update(*request, rpc::ActorOf(*context), response); });
}

grpc::Status CustomerMasterService::DeactivateCustomer(grpc::ServerContext* context,
                                                       const v1::DeactivateCustomerRequest* request,
                                                       v1::Customer* response) {
  return rpc::HandleRpc("CustomerMaster/DeactivateCustomer", context,
                        [&] { return Deactivate(*request, rpc::ActorOf(*context), response); });
}

grpc::Status CustomerMasterService::ReactivateCustomer(grpc::ServerContext* context,
                                                       const v1::ReactivateCustomerRequest* request,
                                                       v1::Customer* response) {
  return rpc::HandleRpc("CustomerMaster/ReactivateCustomer", context,
                        [&] { return Reactivate(*request, rpc::ActorOf(*context), response); });
}

grpc::Status CustomerMasterService::GetCustomer(grpc::ServerContext* context,
                                                const v1::GetCustomerRequest* request,
                                                v1::Customer* response) {
  return rpc::HandleRpc("CustomerMaster/GetCustomer", context, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(*response, Load(request->customer_id(), "customer_id"));
    if (request->has_as_of()) {
      ASSIGN_OR_RETURN(std::vector<v1::CustomerVersion> versions, History(request->customer_id()));
      ASSIGN_OR_RETURN(v1::CustomerVersion v, VersionAsOf(versions, request->as_of()));
      *response = v.customer();
    }
    return absl::OkStatus();
  });
}

grpc::Status CustomerMasterService::ListReferringCustomers(
    grpc::ServerContext* context, const v1::ListReferringCustomersRequest* request,
    v1::ListReferringCustomersResponse* response) {
  return rpc::HandleRpc("CustomerMaster/ListReferringCustomers", context, [&]() -> absl::Status {
    if (request->limit() < 0 || request->limit() > 1000) {
      return core::FieldError("limit", "must be 0 (200) to 1000");
    }
    const size_t limit = request->limit() == 0 ? 200 : static_cast<size_t>(request->limit());
    RETURN_IF_ERROR(Load(request->customer_id(), "customer_id").status());
    ASSIGN_OR_RETURN(std::vector<std::string> ids, Referrers(request->customer_id()));
    for (const std::string& id : ids) {
      // The keys are hints: each profile is checked as it is now.
      absl::StatusOr<v1::Customer> c =
          runtime::ReadKeyed<v1::Customer>(host_.store(), kCustomer, id);
      if (c.status().code() == absl::StatusCode::kNotFound) continue;
      RETURN_IF_ERROR(c.status());
      if (!request->include_inactive() && !IsActive(*c)) continue;
      v1::CustomerProfile profile = c->profile();
      v1::ReferringCustomer referring;
      for (const CustomerReference& ref : ReferencesOf(&profile)) {
        if (*ref.id == request->customer_id()) referring.add_fields(ref.field);
      }
      if (referring.fields_size() == 0) continue;
      if (static_cast<size_t>(response->customers_size()) == limit) {
        response->set_truncated(true);
        break;
      }
      *referring.mutable_customer() = *std::move(c);
      *response->add_customers() = std::move(referring);
    }
    return absl::OkStatus();
  });
}

grpc::Status CustomerMasterService::GetCustomerHistory(grpc::ServerContext* context,
                                                       const v1::GetCustomerHistoryRequest* request,
                                                       v1::CustomerHistory* response) {
  return rpc::HandleRpc("CustomerMaster/GetCustomerHistory", context, [&]() -> absl::Status {
    RETURN_IF_ERROR(Load(request->customer_id(), "customer_id").status());
    ASSIGN_OR_RETURN(std::vector<v1::CustomerVersion> versions, History(request->customer_id()));
    for (auto& v : versions) *response->add_versions() = std::move(v);
    return absl::OkStatus();
  });
}

grpc::Status CustomerMasterService::ImportCustomers(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::ImportProgress, v1::ImportChunk>* stream) {
  return rpc::HandleRpc("CustomerMaster/ImportCustomers", context,
                        [&] { return Import(context, stream, rpc::ActorOf(*context)); });
}

namespace {
constexpr size_t kImportBatchRows = 500;
constexpr size_t kBatchesCommitting = 2;
constexpr int kMaxReportedErrors = 1000;
constexpr int kMaxReportedIds = 10000;
// What a ScanDuplicates answer keeps free of pairs below the largest
// message, and the bytes a repeated field adds to each element (tag and
// length).
constexpr int kScanAnswerMargin = 4096;
constexpr size_t kRepeatedOverhead = 6;

// `version` (without its customer) with the serialized customer as field 1.
std::string VersionRecord(const v1::CustomerVersion& version, absl::string_view customer) {
  std::string out = version.SerializeAsString();
  bus::AppendLengthDelimited(v1::CustomerVersion::kCustomerFieldNumber, customer, &out);
  return out;
}

// The outbox record of the CustomerRegistered event of a customer already
// serialized, written without building the envelope message. The customer
// is stored in the same write, so the record is stored without its value
// (RebuildOutboxValue makes it again after a restart): an import writes
// each customer once, not twice.
v1::OutboxRecord RegisteredRecord(const bus::EventMeta& meta, absl::string_view customer) {
  std::string payload;
  bus::AppendLengthDelimited(v1::CustomerRegistered::kCustomerFieldNumber, customer, &payload);
  return bus::MakeRebuildableOutboxRecord(
      bus::kCustomerTopic, meta, v1::CustomerRegistered::descriptor()->full_name(), payload);
}

void Report(v1::ImportProgress& progress, int64_t line, const std::string& field,
            const std::string& reason) {
  if (progress.errors_size() >= kMaxReportedErrors) return;
  v1::ImportRowError* e = progress.add_errors();
  e->set_line(line);
  e->set_field(field);
  e->set_reason(reason);
}

// Calls `fn` with each T stored in the state family under `prefix`, in key
// order, while it returns true; DATA_LOSS `unparsable` at the first value
// that does not parse.
template <typename T, typename Fn>
absl::Status ForEachStored(const store::Store& store, absl::string_view prefix,
                           absl::string_view unparsable, Fn&& fn) {
  absl::Status parse = absl::OkStatus();
  RETURN_IF_ERROR(store.ScanPrefix(
      store::Family::kState, prefix, [&](absl::string_view, absl::string_view value) {
        T message;
        if (!message.ParseFromArray(value.data(), static_cast<int>(value.size()))) {
          parse = absl::DataLossError(unparsable);
          return false;
        }
        return fn(std::move(message));
      }));
  return parse;
}

// Import metrics of the process (docs/OPERATIONS.md, Metrics).
class ImportCounters {
 public:
  static ImportCounters& Get() {
    static ImportCounters* metrics = new ImportCounters();
    return *metrics;
  }
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
  ImportCounters()
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
constexpr uint64_t kImportFingerprintBytes = 64 * 1024;

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

using ImportStream = grpc::ServerReaderWriter<v1::ImportProgress, v1::ImportChunk>;

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

// Ends a completed import: its errors in line order, done, its rate since
// `start`; stored (a retry with its request_id gets it back) and sent.
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
}  // namespace

absl::Status CustomerMasterService::Import(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::ImportProgress, v1::ImportChunk>* stream,
    const std::string& actor) {
  absl::Time start = absl::Now();
  ASSIGN_OR_RETURN(std::optional<ImportStart> begun,
                   BeginImport(host_.store(), "ImportCustomers", *stream,
                               {v1::IMPORT_FORMAT_CSV, v1::IMPORT_FORMAT_JSON_LINES},
                               "must be IMPORT_FORMAT_CSV or IMPORT_FORMAT_JSON_LINES"));
  if (!begun) return absl::OkStatus();  // Answered with the stored summary.
  v1::ImportChunk& chunk = begun->chunk;
  const std::string& request_id = begun->request_id;
  v1::ImportProgress progress;
  ImportCounters& metrics = ImportCounters::Get();
  ImportCounters::Running running(metrics);
  const std::string reason =
      absl::StrCat("imported", chunk.source().empty() ? "" : " from ", chunk.source());
  RowParser parser(
      chunk.format() == v1::IMPORT_FORMAT_CSV ? ImportFormat::kCsv : ImportFormat::kJsonLines,
      host_.clock().Now());
  // Rows of this import: external_id -> (line, customer id, kind).
  struct Imported {
    int64_t line;
    std::string id;
    v1::CustomerKind kind;
    std::string distributor_parent_id;  // Its profile.distributor.parent_id.
  };
  // The rows in a deque (never moved) and the map pointing at them: the
  // map's slots stay small, so growing it to a million rows moves little.
  std::deque<Imported> imported;
  absl::flat_hash_map<std::string, const Imported*> by_external_id;
  // Lines of the rows accepted so far, by NameAndPhoneKey.
  absl::flat_hash_map<absl::uint128, int64_t> by_name_and_phone;
  std::vector<ImportRow> rows;
  std::vector<RowError> errors;
  // A row may have several bad cells: it counts once, every cell is reported.
  int64_t last_rejected_line = -1;
  auto flush_errors = [&] {
    for (const RowError& e : errors) {
      if (e.line != last_rejected_line) {
        progress.set_rejected(progress.rejected() + 1);
        progress.set_rows_read(progress.rows_read() + 1);
        last_rejected_line = e.line;
      }
      Report(progress, e.line, e.field, e.reason);
    }
    errors.clear();
  };
  v1::ImportProgress counted;  // The counts of the batches handed on.
  // The stages after the check, each on a thread of its own: batches are
  // written one at a time, in order, and then indexed, at most
  // kBatchesCommitting waiting for each. Declared before the reader: on an
  // early return the reader stops first, then what was checked is written
  // and indexed.
  core::SerialWorker indexer("cm-import-index", kBatchesCommitting);
  core::SerialWorker committer("cm-import-write", kBatchesCommitting);
  auto process = [&]() -> absl::Status {
    store::Batch batch;
    std::vector<v1::Customer> registered;
    for (ImportRow& row : rows) {
      progress.set_rows_read(progress.rows_read() + 1);
      v1::CustomerProfile& p = row.profile;
      if (!row.external_id.empty()) {
        if (auto it = by_external_id.find(row.external_id); it != by_external_id.end()) {
          progress.set_duplicates(progress.duplicates() + 1);
          Report(progress, row.line, "external_id",
                 absl::StrCat("duplicate of line ", it->second->line, " (same external_id)"));
          continue;
        }
        ASSIGN_OR_RETURN(std::optional<std::string> known,
                         host_.store().Get(store::Family::kState,
                                           store::KeyBuilder(kExternalId).String(row.external_id).key()));
        if (known) {
          progress.set_duplicates(progress.duplicates() + 1);
          Report(progress, row.line, "external_id", absl::StrCat("already imported as ", *known));
          continue;
        }
      }
      const std::optional<absl::uint128> name_and_phone = NameAndPhoneKey(p);
      if (name_and_phone) {
        if (auto it = by_name_and_phone.find(*name_and_phone); it != by_name_and_phone.end()) {
          progress.set_duplicates(progress.duplicates() + 1);
          Report(progress, row.line, "profile.name",
                 absl::StrCat("duplicate of line ", it->second, " (same kind, name and phone)"));
          continue;
        }
      }
      // References may name a row earlier in this import or one imported
      // before by its external_id, or a customer by its id; they are stored
      // as customer ids. A row with one that names nothing fitting is
      // rejected, each such reference reported.
      bool bad_reference = false;
      for (const CustomerReference& ref : ReferencesOf(&p)) {
        std::string target = *ref.id;
        v1::CustomerKind kind = v1::CUSTOMER_KIND_UNSPECIFIED;
        bool active = true;
        std::string target_parent;  // A distributor's.
        if (auto it = by_external_id.find(target); it != by_external_id.end()) {
          target = it->second->id;
          kind = it->second->kind;
          target_parent = it->second->distributor_parent_id;
        } else {
          ASSIGN_OR_RETURN(std::optional<std::string> known,
                           host_.store().Get(store::Family::kState,
                                             store::KeyBuilder(kExternalId).String(target).key()));
          if (known) target = *known;
          absl::StatusOr<v1::Customer> found =
              runtime::ReadKeyed<v1::Customer>(host_.store(), kCustomer, target);
          if (found.ok()) {
            kind = found->profile().kind();
            active = IsActive(*found);
            target_parent = found->profile().distributor().parent_id();
          } else if (found.status().code() != absl::StatusCode::kNotFound) {
            return found.status();
          }
        }
        std::string problem;
        if (kind == v1::CUSTOMER_KIND_UNSPECIFIED) {
          problem = absl::StrCat("no customer with id or external_id '", *ref.id, "' (must be ",
                                 ref.what, ")");
        } else if (!CheckReferencedKind(ref, kind).ok()) {
          problem = absl::StrCat("'", *ref.id, "' is ", KindNoun(kind), ", not ", ref.what);
        } else if (!active) {
          problem = absl::StrCat("'", *ref.id, "' is inactive or merged");
        } else if (ref.role == ReferenceRole::kBranch) {
          // As on register (CheckBranchAgrees): the row is new, so a
          // branch with any parent has another one. References come in
          // field order: parent_id is resolved already.
          if (target == p.distributor().parent_id()) {
            problem = absl::StrCat("'", *ref.id, "' is also its parent_id");
          } else if (!target_parent.empty()) {
            problem = absl::StrCat("'", *ref.id, "' has another parent, '", target_parent,
                                   "' (its profile.distributor.parent_id)");
          }
        }
        if (!problem.empty()) {
          if (!bad_reference) progress.set_rejected(progress.rejected() + 1);
          bad_reference = true;
          Report(progress, row.line, ref.field, problem);
          continue;
        }
        *ref.id = target;
      }
      if (bad_reference) continue;
      absl::Time now = host_.clock().Now();
      v1::Customer customer;
      customer.set_id(host_.ids().Next());
      *customer.mutable_profile() = std::move(p);
      customer.set_version(1);
      customer.set_status(v1::CUSTOMER_STATUS_ACTIVE);
      *customer.mutable_created_at() = ToProto(now);
      *customer.mutable_updated_at() = ToProto(now);
      ASSIGN_OR_RETURN(std::string serialized,
                       PutVersion(batch, customer, {}, actor, reason, request_id));
      if (!row.external_id.empty()) {
        batch.Put(store::Family::kState, store::KeyBuilder(kExternalId).String(row.external_id).key(),
                  customer.id());
        by_external_id[row.external_id] =
            &imported.emplace_back(Imported{row.line, customer.id(), customer.profile().kind(),
                                            customer.profile().distributor().parent_id()});
        if (progress.imported_ids_size() < kMaxReportedIds) {
          (*progress.mutable_imported_ids())[row.external_id] = customer.id();
        } else {
          progress.set_imported_ids_truncated(true);
        }
      }
      // Only accepted rows count: a later row like a rejected one is imported.
      if (name_and_phone) by_name_and_phone[*name_and_phone] = row.line;
      batch.AppendOutbox(RegisteredRecord(EventMetaFor(customer, request_id, actor), serialized));
      registered.push_back(std::move(customer));
      progress.set_accepted(progress.accepted() + 1);
    }
    rows.clear();
    // The counts only: the errors and ids go in the final summary (copying
    // them per batch cost more than the batch).
    // This batch's rows by outcome, for the metrics once it is committed.
    const int64_t accepted = progress.accepted() - counted.accepted();
    const int64_t rejected = progress.rejected() - counted.rejected();
    const int64_t duplicates = progress.duplicates() - counted.duplicates();
    counted.set_accepted(progress.accepted());
    counted.set_rejected(progress.rejected());
    counted.set_duplicates(progress.duplicates());
    v1::ImportProgress update;
    update.set_rows_read(progress.rows_read());
    update.set_accepted(progress.accepted());
    update.set_rejected(progress.rejected());
    update.set_duplicates(progress.duplicates());
    update.set_imported_ids_truncated(progress.imported_ids_truncated());
    // Written on the committer's thread and then indexed on the indexer's
    // while this one checks the next batch; the progress is sent once the
    // batch is written.
    return committer.Submit([this, stream, start, &indexer, &metrics, accepted, rejected,
                             duplicates, batch = std::move(batch),
                             registered = std::move(registered),
                             update = std::move(update)]() mutable -> absl::Status {
      if (!batch.empty()) RETURN_IF_ERROR(host_.store().Write(std::move(batch)));
      metrics.CountBatch(accepted, rejected, duplicates);
      double seconds = std::max(absl::ToDoubleSeconds(absl::Now() - start), 1e-6);
      update.set_rows_per_second(update.rows_read() / seconds);
      stream->Write(update);
      return indexer.Submit([this, registered = std::move(registered)]() -> absl::Status {
        for (const auto& c : registered) index_.Upsert(c);
        return absl::OkStatus();
      });
    });
  };
  // The stream is read and parsed on a thread of its own, a few batches
  // ahead of this one, which checks, writes and indexes them: parsing and
  // normalising is about a third of an import's work.
  ImportReader reader(context, stream, std::move(parser), std::move(chunk));
  std::optional<ImportFingerprint> fingerprint;
  while (true) {
    ImportReader::Batch parsed = reader.Next();
    if (parsed.fingerprint) fingerprint = parsed.fingerprint;
    errors = std::move(parsed.errors);
    flush_errors();
    rows = std::move(parsed.rows);
    absl::Status status = process();
    if (!status.ok()) {
      reader.Stop();
      return status;
    }
    if (parsed.last && parsed.cancelled) {
      // No summary is stored: the same request_id imports the rest.
      return absl::CancelledError(
          "the import stream ended before the file did (cancelled or disconnected): the rows "
          "of complete lines before that are imported; send the file again with the same "
          "request_id to import the rest");
    }
    if (parsed.last) break;
  }
  RETURN_IF_ERROR(committer.Finish());
  RETURN_IF_ERROR(indexer.Finish());
  if (!fingerprint) return absl::InternalError("import ended without its last batch");
  sorter_.Request();  // The import lengthened the index's posting lists.
  return FinishImport(host_.store(), "ImportCustomers", *begun, *fingerprint, start, progress,
                      *stream);
}

grpc::Status CustomerMasterService::ImportMetrics(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::ImportProgress, v1::ImportChunk>* stream) {
  return rpc::HandleRpc("CustomerMaster/ImportMetrics", context,
                        [&] { return ImportMetricRows(context, stream, rpc::ActorOf(*context)); });
}

namespace {
// True if `a` and `b` have the same customer, period, department and
// figures: who recorded them, when, from where and as which version aside.
bool SameFigures(v1::CustomerMetrics a, v1::CustomerMetrics b) {
  for (v1::CustomerMetrics* m : {&a, &b}) {
    m->clear_version();
    m->clear_recorded_at();
    m->clear_recorded_by();
    m->clear_source();
  }
  return google::protobuf::util::MessageDifferencer::Equals(a, b);
}

// The field a FieldError names and its reason, without the "field: " the
// message starts with (an ImportRowError carries the field apart).
std::pair<std::string, std::string> FieldAndReason(const absl::Status& status) {
  std::string field = core::FieldOf(status).value_or("");
  absl::string_view reason = status.message();
  if (!field.empty()) absl::ConsumePrefix(&reason, absl::StrCat(field, ": "));
  return {std::move(field), std::string(reason)};
}
}  // namespace

absl::Status CustomerMasterService::RecordMetricRows(std::vector<MetricsRow>& rows,
                                                     const std::string& source,
                                                     const std::string& request_id,
                                                     const std::string& actor,
                                                     v1::ImportProgress& progress) {
  auto reject = [&](int64_t line, const std::string& field, const std::string& reason) {
    progress.set_rejected(progress.rejected() + 1);
    Report(progress, line, field, reason);
  };
  absl::MutexLock exclusive(&metrics_mu_);
  const absl::Time now = host_.clock().Now();
  store::Batch batch;
  // What this batch records, by key: a later row of the same customer,
  // period and department is checked against it.
  absl::flat_hash_map<std::string, v1::CustomerMetrics> recorded;
  // A file usually holds a customer's months one after another: each
  // external id is resolved, and each customer read, once per batch.
  // Resolved: the customer an external id was imported as, and the
  // survivor that stands for it if it was merged since ("" if none).
  struct Resolved {
    std::string known;
    std::string survivor;
  };
  absl::flat_hash_map<std::string, Resolved> resolved;
  absl::flat_hash_map<std::string, absl::StatusOr<v1::Customer>> customers;
  for (MetricsRow& row : rows) {
    progress.set_rows_read(progress.rows_read() + 1);
    v1::CustomerMetrics& m = row.metrics;
    if (!row.external_id.empty()) {
      auto it = resolved.find(row.external_id);
      if (it == resolved.end()) {
        ASSIGN_OR_RETURN(
            std::optional<std::string> known,
            host_.store().Get(store::Family::kState,
                              store::KeyBuilder(kExternalId).String(row.external_id).key()));
        Resolved r;
        if (known) {
          // A record merged since its import stands for its survivor:
          // the source system still sends the id it knows.
          ASSIGN_OR_RETURN(r.survivor, SurvivorOf(*known));
          r.known = *std::move(known);
        }
        it = resolved.emplace(row.external_id, std::move(r)).first;
      }
      const Resolved& r = it->second;
      if (r.known.empty()) {
        reject(row.line, "external_id",
               absl::StrCat("no customer was imported with external_id '", row.external_id, "'"));
        continue;
      }
      if (!m.customer_id().empty() && m.customer_id() != r.known && m.customer_id() != r.survivor) {
        reject(row.line, "metrics.customer_id",
               absl::StrCat("is '", m.customer_id(), "', but external_id '", row.external_id,
                            "' names customer '", r.survivor, "'"));
        continue;
      }
      m.set_customer_id(r.survivor);
    }
    auto customer_it = customers.find(m.customer_id());
    if (customer_it == customers.end()) {
      customer_it =
          customers.emplace(m.customer_id(), Load(m.customer_id(), "metrics.customer_id")).first;
    }
    const absl::StatusOr<v1::Customer>& customer = customer_it->second;
    if (customer.status().code() == absl::StatusCode::kNotFound) {
      auto [field, reason] = FieldAndReason(customer.status());
      reject(row.line, field, reason);
      continue;
    }
    RETURN_IF_ERROR(customer.status());
    absl::Status valid =
        WithFieldPrefix(ValidateMetrics(m, customer->profile().kind(), now), "metrics.");
    if (!valid.ok()) {
      auto [field, reason] = FieldAndReason(valid);
      reject(row.line, field, reason);
      continue;
    }
    if (m.source().empty()) m.set_source(source);
    std::string key = store::KeyBuilder(kMetrics)
                          .String(m.customer_id())
                          .String(m.period())
                          .String(m.department())
                          .key();
    std::optional<v1::CustomerMetrics> stored;
    if (auto it = recorded.find(key); it != recorded.end()) {
      stored = it->second;
    } else {
      ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                       host_.store().Get(store::Family::kState, key));
      if (bytes) {
        stored.emplace();
        if (!stored->ParseFromString(*bytes)) {
          return absl::DataLossError("stored metrics do not parse");
        }
      }
    }
    if (stored && SameFigures(*stored, m)) {
      progress.set_duplicates(progress.duplicates() + 1);
      Report(progress, row.line, "metrics",
             absl::StrCat("unchanged: already recorded as version ", stored->version()));
      continue;
    }
    m.set_version(stored ? stored->version() + 1 : 1);
    *m.mutable_recorded_at() = ToProto(now);
    m.set_recorded_by(actor);
    batch.Put(store::Family::kState, key, m.SerializeAsString());
    v1::MetricsRecorded event;
    *event.mutable_key_figures() = ComputeKeyFigures(m, customer->profile());
    bus::EventMeta meta = EventMetaFor(*customer, request_id, actor);
    meta.aggregate_kind = "customer-metrics";
    meta.aggregate_id = absl::StrCat(m.customer_id(), "/", m.period(), "/", m.department());
    meta.aggregate_version = m.version();
    *event.mutable_metrics() = m;
    batch.AppendOutbox(bus::MakeOutboxRecord(bus::kCustomerTopic, bus::MakeEnvelope(meta, event)));
    recorded[key] = std::move(m);
    progress.set_accepted(progress.accepted() + 1);
  }
  rows.clear();
  if (!batch.empty()) RETURN_IF_ERROR(host_.store().Write(std::move(batch)));
  return absl::OkStatus();
}

absl::Status CustomerMasterService::ImportMetricRows(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::ImportProgress, v1::ImportChunk>* stream,
    const std::string& actor) {
  absl::Time start = absl::Now();
  ASSIGN_OR_RETURN(
      std::optional<ImportStart> begun,
      BeginImport(host_.store(), "ImportMetrics", *stream, {v1::IMPORT_FORMAT_JSON_LINES},
                  "metrics are imported from JSON Lines only "
                  "(IMPORT_FORMAT_JSON_LINES, one MetricsImportRecord per line)"));
  if (!begun) return absl::OkStatus();  // Answered with the stored summary.
  v1::ImportChunk& chunk = begun->chunk;
  const std::string& request_id = begun->request_id;
  v1::ImportProgress progress;
  ImportCounters& counters = ImportCounters::Get();
  ImportCounters::Running running(counters);
  const std::string source = chunk.source();
  v1::ImportProgress counted;  // The counts of the batches committed.
  MetricsLineParser parser;
  std::vector<MetricsRow> rows;
  std::vector<RowError> errors;
  auto reject = [&](int64_t line, const std::string& field, const std::string& reason) {
    progress.set_rejected(progress.rejected() + 1);
    Report(progress, line, field, reason);
  };
  // Checks and records the rows parsed so far, in one write.
  auto process = [&]() -> absl::Status {
    for (const RowError& e : errors) {
      progress.set_rows_read(progress.rows_read() + 1);
      reject(e.line, e.field, e.reason);
    }
    errors.clear();
    // Recorded holding metrics_mu_ alone; the progress is sent after, so
    // that a slow reader of the stream holds up no RecordMetrics.
    if (!rows.empty()) {
      RETURN_IF_ERROR(RecordMetricRows(rows, source, request_id, actor, progress));
    }
    counters.CountMetricsBatch(progress.accepted() - counted.accepted(),
                               progress.rejected() - counted.rejected(),
                               progress.duplicates() - counted.duplicates());
    counted.set_accepted(progress.accepted());
    counted.set_rejected(progress.rejected());
    counted.set_duplicates(progress.duplicates());
    v1::ImportProgress update;
    update.set_rows_read(progress.rows_read());
    update.set_accepted(progress.accepted());
    update.set_rejected(progress.rejected());
    update.set_duplicates(progress.duplicates());
    const double seconds = std::max(absl::ToDoubleSeconds(absl::Now() - start), 1e-6);
    update.set_rows_per_second(update.rows_read() / seconds);
    stream->Write(update);
    return absl::OkStatus();
  };
  ImportFingerprint fingerprint(chunk.format());
  while (true) {
    fingerprint.Add(chunk.data());
    parser.Feed(chunk.data(), &rows, &errors);
    if (rows.size() + errors.size() >= kImportBatchRows) RETURN_IF_ERROR(process());
    if (!stream->Read(&chunk)) break;
  }
  if (context->IsCancelled()) {
    // As for customers: the complete lines are recorded, the bytes after
    // the last line break dropped, and no summary is stored.
    RETURN_IF_ERROR(process());
    return absl::CancelledError(
        "the import stream ended before the file did (cancelled or disconnected): the rows "
        "of complete lines before that are recorded; send the file again with the same "
        "request_id to record the rest (rows recorded already count as unchanged)");
  }
  parser.Finish(&rows, &errors);
  RETURN_IF_ERROR(process());
  return FinishImport(host_.store(), "ImportMetrics", *begun, fingerprint, start, progress,
                      *stream);
}

grpc::Status CustomerMasterService::CreateTerritory(grpc::ServerContext* context,
                                                    const v1::CreateTerritoryRequest* request,
                                                    v1::Territory* response) {
  return rpc::HandleRpc("CustomerMaster/CreateTerritory", context, [&]() -> absl::Status {
    RETURN_IF_ERROR(runtime::ValidateRequestId(request->request_id()));
    const v1::Territory& t = request->territory();
    std::optional<v1::Territory> parent;
    if (!t.parent_id().empty()) {
      ASSIGN_OR_RETURN(parent, LoadTerritory(t.parent_id(), "territory.parent_id"));
    }
    RETURN_IF_ERROR(ValidateNewTerritory(t, parent));
    absl::MutexLock lock(&locks_.For(absl::StrCat("territory-code/", t.code())));
    return runtime::ExecuteOnce(
        host_.store(), "CreateTerritory", request->request_id(), *request, response,
        [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
          std::string code_key = store::KeyBuilder(kTerritoryCode).String(t.code()).key();
          ASSIGN_OR_RETURN(std::optional<std::string> taken,
                           host_.store().Get(store::Family::kState, code_key));
          if (taken) {
            return core::FieldStatus(absl::StatusCode::kAlreadyExists, "territory.code",
                                     absl::StrCat("'", t.code(), "' is used by territory ", *taken));
          }
          *response = t;
          response->set_id(host_.ids().Next());
          response->set_version(1);
          *response->mutable_created_at() = ToProto(host_.clock().Now());
          batch.Put(store::Family::kState, code_key, response->id());
          batch.Put(store::Family::kState, store::KeyBuilder(kTerritory).String(response->id()).key(),
                    response->SerializeAsString());
          return absl::OkStatus();
        });
  });
}

grpc::Status CustomerMasterService::UpdateTerritory(grpc::ServerContext* context,
                                                    const v1::UpdateTerritoryRequest* request,
                                                    v1::Territory* response) {
  return rpc::HandleRpc("CustomerMaster/UpdateTerritory", context, [&]() -> absl::Status {
    RETURN_IF_ERROR(runtime::ValidateRequestId(request->request_id()));
    if (request->territory_id().empty()) return core::FieldError("territory_id", "must be set");
    if (request->expected_version() < 1) {
      return core::FieldError("expected_version", "must be the version last read (>= 1)");
    }
    // The territory, and both its old and its new code, are held while the
    // change is checked and written (a code is taken under its lock, as in
    // CreateTerritory). The new code is only known once the territory is
    // read: the territory's lock keeps it from changing meanwhile.
    absl::MutexLock territory_lock(&locks_.For(absl::StrCat("territory/", request->territory_id())));
    ASSIGN_OR_RETURN(v1::Territory current, LoadTerritory(request->territory_id(), "territory_id"));
    ASSIGN_OR_RETURN(v1::Territory updated, ApplyTerritoryUpdate(current, *request));
    std::optional<v1::Territory> parent;
    if (!updated.parent_id().empty()) {
      ASSIGN_OR_RETURN(parent, LoadTerritory(updated.parent_id(), "territory.parent_id"));
    }
    RETURN_IF_ERROR(ValidateNewTerritory(updated, parent));
    const bool new_code = updated.code() != current.code();
    std::optional<absl::MutexLock> code_lock;
    if (new_code) code_lock.emplace(&locks_.For(absl::StrCat("territory-code/", updated.code())));
    return runtime::ExecuteOnce(
        host_.store(), "UpdateTerritory", request->request_id(), *request, response,
        [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
          // `current` is what is stored: its lock has been held since it was read.
          const v1::Territory& stored = current;
          RETURN_IF_ERROR(
              CheckExpectedVersion(request->expected_version(), stored.version(), "territory"));
          if (google::protobuf::util::MessageDifferencer::Equals(updated, stored)) {
            *response = stored;  // Nothing changes: no new version.
            return absl::OkStatus();
          }
          if (new_code) {
            std::string code_key = store::KeyBuilder(kTerritoryCode).String(updated.code()).key();
            ASSIGN_OR_RETURN(std::optional<std::string> taken,
                             host_.store().Get(store::Family::kState, code_key));
            if (taken) {
              return core::FieldStatus(
                  absl::StatusCode::kAlreadyExists, "territory.code",
                  absl::StrCat("'", updated.code(), "' is used by territory ", *taken));
            }
            batch.Delete(store::Family::kState,
                         store::KeyBuilder(kTerritoryCode).String(stored.code()).key());
            batch.Put(store::Family::kState, code_key, stored.id());
          }
          *response = updated;
          response->set_version(stored.version() + 1);
          batch.Put(store::Family::kState, store::KeyBuilder(kTerritory).String(stored.id()).key(),
                    response->SerializeAsString());
          return absl::OkStatus();
        });
  });
}

grpc::Status CustomerMasterService::GetTerritory(grpc::ServerContext* context,
                                                 const v1::GetTerritoryRequest* request,
                                                 v1::Territory* response) {
  return rpc::HandleRpc("CustomerMaster/GetTerritory", context, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(*response, LoadTerritory(request->territory_id(), "territory_id"));
    return absl::OkStatus();
  });
}

grpc::Status CustomerMasterService::Align(grpc::ServerContext* context,
                                          const v1::AlignRequest* request, v1::Alignment* response) {
  return rpc::HandleRpc("CustomerMaster/Align", context,
                        [&] { return DoAlign(*request, rpc::ActorOf(*context), response); });
}

grpc::Status CustomerMasterService::GetAlignment(grpc::ServerContext* context,
                                                 const v1::GetAlignmentRequest* request,
                                                 v1::Alignment* response) {
  return rpc::HandleRpc("CustomerMaster/GetAlignment", context, [&]() -> absl::Status {
    if (request->subject_id().empty()) return core::FieldError("subject_id", "must be set");
    ASSIGN_OR_RETURN(std::vector<v1::Alignment> history,
                     Alignments(request->subject(), request->subject_id()));
    google::protobuf::Timestamp as_of =
        request->has_as_of() ? request->as_of() : ToProto(host_.clock().Now());
    std::optional<v1::Alignment> a = AlignmentAsOf(history, as_of);
    if (!a) {
      return core::FieldStatus(absl::StatusCode::kNotFound, "subject_id",
                               "was not aligned to any territory at that time");
    }
    *response = *std::move(a);
    return absl::OkStatus();
  });
}

grpc::Status CustomerMasterService::GetAlignmentHistory(grpc::ServerContext* context,
                                                        const v1::GetAlignmentRequest* request,
                                                        v1::AlignmentHistory* response) {
  return rpc::HandleRpc("CustomerMaster/GetAlignmentHistory", context, [&]() -> absl::Status {
    if (request->subject_id().empty()) return core::FieldError("subject_id", "must be set");
    ASSIGN_OR_RETURN(std::vector<v1::Alignment> history,
                     Alignments(request->subject(), request->subject_id()));
    for (auto& a : history) *response->add_alignments() = std::move(a);
    return absl::OkStatus();
  });
}

grpc::Status CustomerMasterService::ListTerritoryCustomers(
    grpc::ServerContext* context, const v1::ListTerritoryCustomersRequest* request,
    v1::ListTerritoryCustomersResponse* response) {
  return rpc::HandleRpc("CustomerMaster/ListTerritoryCustomers", context, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(*response, ListMembers(*request));
    return absl::OkStatus();
  });
}

grpc::Status CustomerMasterService::ListTerritories(grpc::ServerContext* context,
                                                    const v1::ListTerritoriesRequest* request,
                                                    v1::ListTerritoriesResponse* response) {
  return rpc::HandleRpc("CustomerMaster/ListTerritories", context, [&]() -> absl::Status {
    constexpr int kMaxTerritories = 10000;
    if (!v1::TerritoryLevel_IsValid(request->level())) {
      return core::FieldError("level", absl::StrCat("unknown territory level ", request->level()));
    }
    if (!request->parent_id().empty()) {
      RETURN_IF_ERROR(LoadTerritory(request->parent_id(), "parent_id").status());
    }
    std::vector<v1::Territory> found;
    RETURN_IF_ERROR(ForEachStored<v1::Territory>(
        host_.store(), store::KeyBuilder(kTerritory).key(), "stored territory does not parse",
        [&](v1::Territory t) {
          if ((request->parent_id().empty() || t.parent_id() == request->parent_id()) &&
              (request->level() == v1::TERRITORY_LEVEL_UNSPECIFIED ||
               t.level() == request->level())) {
            found.push_back(std::move(t));
          }
          return true;
        }));
    std::sort(found.begin(), found.end(),
              [](const v1::Territory& a, const v1::Territory& b) { return a.code() < b.code(); });
    for (v1::Territory& t : found) {
      if (response->territories_size() == kMaxTerritories) {
        response->set_truncated(true);
        break;
      }
      *response->add_territories() = std::move(t);
    }
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::Territory> CustomerMasterService::LoadTerritory(absl::string_view id,
                                                                   absl::string_view field) const {
  if (id.empty()) return core::FieldError(field, "must be set");
  ASSIGN_OR_RETURN(std::optional<std::string> raw,
                   host_.store().Get(store::Family::kState, store::KeyBuilder(kTerritory).String(id).key()));
  if (!raw) {
    return core::FieldStatus(absl::StatusCode::kNotFound, field,
                             absl::StrCat("no territory with id '", id, "'"));
  }
  v1::Territory t;
  if (!t.ParseFromString(*raw)) return absl::DataLossError("stored territory does not parse");
  return t;
}

absl::StatusOr<std::vector<v1::Alignment>> CustomerMasterService::Alignments(
    v1::AlignmentSubject subject, absl::string_view subject_id) const {
  std::vector<v1::Alignment> out;
  RETURN_IF_ERROR(ForEachStored<v1::Alignment>(
      host_.store(),
      store::KeyBuilder(kAlignment).Uint64(static_cast<uint64_t>(subject)).String(subject_id).key(),
      "stored alignment does not parse", [&](v1::Alignment a) {
        out.push_back(std::move(a));
        return true;
      }));
  return out;
}

absl::Status CustomerMasterService::DoAlign(const v1::AlignRequest& request,
                                            const std::string& actor, v1::Alignment* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  v1::Territory target;
  if (!request.territory_id().empty()) {
    absl::StatusOr<v1::Territory> t = LoadTerritory(request.territory_id(), "territory_id");
    if (t.ok()) target = *std::move(t);
    else if (t.status().code() != absl::StatusCode::kNotFound) return t.status();
  }
  absl::Time now = host_.clock().Now();
  RETURN_IF_ERROR(ValidateAlignment(request, now, target));
  std::optional<v1::Customer> customer;
  if (request.subject() == v1::ALIGNMENT_SUBJECT_CUSTOMER) {
    ASSIGN_OR_RETURN(customer, Load(request.subject_id(), "subject_id"));
  }
  absl::MutexLock lock(&locks_.For(request.subject_id()));
  return runtime::ExecuteOnce(
      host_.store(), "Align", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ASSIGN_OR_RETURN(std::vector<v1::Alignment> history,
                         Alignments(request.subject(), request.subject_id()));
        google::protobuf::Timestamp effective =
            request.has_effective_from() ? request.effective_from() : ToProto(now);
        std::optional<v1::Alignment> previous = AlignmentAsOf(history, effective);
        response->set_subject_id(request.subject_id());
        response->set_subject(request.subject());
        response->set_territory_id(request.territory_id());
        *response->mutable_effective_from() = effective;
        *response->mutable_recorded_at() = ToProto(now);
        response->set_recorded_by(actor);
        response->set_reason(request.reason());
        batch.Put(store::Family::kState,
                  store::KeyBuilder(kAlignment)
                      .Uint64(static_cast<uint64_t>(request.subject()))
                      .String(request.subject_id())
                      .Int64(google::protobuf::util::TimeUtil::TimestampToNanoseconds(effective))
                      .Int64(absl::ToUnixNanos(now))
                      .key(),
                  response->SerializeAsString());
        if (customer && !request.territory_id().empty()) {
          batch.Put(store::Family::kState,
                    store::KeyBuilder(kTerritoryMember)
                        .String(request.territory_id())
                        .String(request.subject_id())
                        .key(),
                    "");
        }
        bus::EventMeta meta;
        if (customer) {
          meta = EventMetaFor(*customer, request.request_id(), actor);
        } else {
          meta.event_id = host_.ids().Next();
          meta.source = "customer-master";
          meta.customer_id = request.subject_id();
          meta.occurred_at = meta.recorded_at = now;
          meta.actor = actor;
          meta.correlation_id = core::CurrentCorrelationId();
          meta.causation_id = request.request_id();
        }
        meta.aggregate_kind = customer ? "customer-alignment" : "rep-alignment";
        meta.aggregate_id = request.subject_id();
        meta.aggregate_version = static_cast<int64_t>(history.size()) + 1;
        std::string previous_territory = previous ? previous->territory_id() : "";
        if (customer) {
          v1::CustomerAligned event;
          *event.mutable_alignment() = *response;
          event.set_previous_territory_id(previous_territory);
          batch.AppendOutbox(bus::MakeOutboxRecord(bus::kCustomerTopic, bus::MakeEnvelope(meta, event)));
        } else {
          v1::RepAligned event;
          *event.mutable_alignment() = *response;
          event.set_previous_territory_id(previous_territory);
          batch.AppendOutbox(bus::MakeOutboxRecord(bus::kCustomerTopic, bus::MakeEnvelope(meta, event)));
        }
        return absl::OkStatus();
      });
}

absl::StatusOr<std::vector<std::string>> CustomerMasterService::AlignedNow(
    absl::string_view territory_id, bool include_descendants, size_t max, bool* truncated) const {
  ASSIGN_OR_RETURN(v1::Territory root, LoadTerritory(territory_id, "territory_id"));
  ASSIGN_OR_RETURN(std::set<std::string> members,
                   MembersAsOf(root, include_descendants, ToProto(host_.clock().Now())));
  *truncated = members.size() > max;
  std::vector<std::string> ids;
  for (auto it = members.begin(); it != members.end() && ids.size() < max; ++it) ids.push_back(*it);
  return ids;
}

absl::StatusOr<v1::ListTerritoryCustomersResponse> CustomerMasterService::ListMembers(
    const v1::ListTerritoryCustomersRequest& request) const {
  ASSIGN_OR_RETURN(v1::Territory root, LoadTerritory(request.territory_id(), "territory_id"));
  if (request.page_size() < 0 || request.page_size() > 1000) {
    return core::FieldError("page_size", "must be 0 (default 100) to 1000");
  }
  google::protobuf::Timestamp as_of =
      request.has_as_of() ? request.as_of() : ToProto(host_.clock().Now());
  ASSIGN_OR_RETURN(std::set<std::string> members,
                   MembersAsOf(root, request.include_descendants(), as_of));
  int page_size = request.page_size() == 0 ? 100 : request.page_size();
  v1::ListTerritoryCustomersResponse out;
  auto it = request.page_token().empty() ? members.begin() : members.upper_bound(request.page_token());
  for (; it != members.end() && out.customer_ids_size() < page_size; ++it) {
    out.add_customer_ids(*it);
    if (out.customer_ids_size() == page_size && std::next(it) != members.end()) {
      out.set_next_page_token(*it);
    }
  }
  return out;
}

absl::StatusOr<std::set<std::string>> CustomerMasterService::MembersAsOf(
    const v1::Territory& root, bool include_descendants,
    const google::protobuf::Timestamp& as_of) const {
  std::vector<std::string> territories = {root.id()};
  if (include_descendants) {
    std::vector<v1::Territory> all;
    RETURN_IF_ERROR(host_.store().ScanPrefix(
        store::Family::kState, store::KeyBuilder(kTerritory).key(),
        [&](absl::string_view, absl::string_view value) {
          v1::Territory t;
          if (t.ParseFromArray(value.data(), static_cast<int>(value.size()))) all.push_back(std::move(t));
          return true;
        }));
    territories = Descendants(all, root.id());
  }
  std::set<std::string> members;
  for (const std::string& territory : territories) {
    std::vector<std::string> candidates;
    RETURN_IF_ERROR(host_.store().ScanPrefix(
        store::Family::kState, store::KeyBuilder(kTerritoryMember).String(territory).key(),
        [&](absl::string_view key, absl::string_view) {
          store::KeyReader reader(key);
          (void)reader.KeySpace();
          (void)reader.String();
          absl::StatusOr<std::string> id = reader.String();
          if (id.ok()) candidates.push_back(*std::move(id));
          return true;
        }));
    for (const std::string& id : candidates) {
      ASSIGN_OR_RETURN(std::vector<v1::Alignment> history,
                       Alignments(v1::ALIGNMENT_SUBJECT_CUSTOMER, id));
      if (SubjectAlignedTo(history, territory, as_of)) members.insert(id);
    }
  }
  return members;
}

grpc::Status CustomerMasterService::MergeCustomers(grpc::ServerContext* context,
                                                   const v1::MergeCustomersRequest* request,
                                                   v1::Customer* response) {
  return rpc::HandleRpc("CustomerMaster/MergeCustomers", context,
                        [&] { return Merge(*request, rpc::ActorOf(*context), response); });
}

grpc::Status CustomerMasterService::UnmergeCustomer(grpc::ServerContext* context,
                                                    const v1::UnmergeCustomerRequest* request,
                                                    v1::Customer* response) {
  return rpc::HandleRpc("CustomerMaster/UnmergeCustomer", context,
                        [&] { return Unmerge(*request, rpc::ActorOf(*context), response); });
}

absl::Status CustomerMasterService::Merge(const v1::MergeCustomersRequest& request,
                                          const std::string& actor, v1::Customer* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  if (request.survivor_id().empty()) return core::FieldError("survivor_id", "must be set");
  RETURN_IF_ERROR(ValidateMergedIdCount(request));
  std::vector<std::string> ids(request.merged_ids().begin(), request.merged_ids().end());
  ids.push_back(request.survivor_id());
  // Customers that name a merged one are re-pointed at the survivor: they
  // are locked too.
  absl::flat_hash_set<std::string> merging(ids.begin(), ids.end());
  std::map<std::string, std::vector<std::string>> referrers;
  std::vector<std::string> locked = ids;
  for (const std::string& merged_id : request.merged_ids()) {
    ASSIGN_OR_RETURN(std::vector<std::string> found, Referrers(merged_id));
    std::vector<std::string>& outside = referrers[merged_id];  // Each merged id has an entry.
    for (std::string& id : found) {
      if (merging.contains(id)) continue;
      locked.push_back(id);
      outside.push_back(std::move(id));
    }
  }
  MultiLock lock(locks_, locked);
  std::vector<v1::Customer> repointed;
  absl::Status status = runtime::ExecuteOnce(
      host_.store(), "MergeCustomers", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ASSIGN_OR_RETURN(v1::Customer survivor, Load(request.survivor_id(), "survivor_id"));
        std::vector<v1::Customer> merged;
        for (int i = 0; i < request.merged_ids_size(); ++i) {
          ASSIGN_OR_RETURN(v1::Customer m, Load(request.merged_ids(i), absl::StrCat("merged_ids[", i, "]")));
          merged.push_back(std::move(m));
        }
        RETURN_IF_ERROR(ValidateMerge(request, survivor, merged));
        MergeOutcome outcome = MergeProfiles(survivor, merged, request);
        auto source = outcome.field_sources.find("distributor");
        RETURN_IF_ERROR(CheckMergedDistributor(
            outcome.profile, ids, referrers,
            source == outcome.field_sources.end() ? "" : absl::string_view(source->second)));
        absl::Time now = host_.clock().Now();
        const v1::Customer before = survivor;
        *survivor.mutable_profile() = outcome.profile;
        for (const auto& m : merged) survivor.add_merged_from(m.id());
        survivor.set_version(survivor.version() + 1);
        *survivor.mutable_updated_at() = ToProto(now);
        RETURN_IF_ERROR(PutVersion(batch, survivor,
                                   ProfileDiff(before.profile(), survivor.profile()), actor,
                                   request.reason(), request.request_id(), &outcome.field_sources)
                            .status());
        for (v1::Customer& m : merged) {
          const v1::CustomerStatus previous = m.status();
          m.set_status(v1::CUSTOMER_STATUS_MERGED);
          m.set_merged_into(survivor.id());
          m.set_version(m.version() + 1);
          *m.mutable_updated_at() = ToProto(now);
          RETURN_IF_ERROR(PutVersion(batch, m, {StatusChange(previous, v1::CUSTOMER_STATUS_MERGED)},
                                     actor, request.reason(), request.request_id())
                              .status());
          v1::RepointedReferences moved;
          RETURN_IF_ERROR(
              Repoint(batch, referrers[m.id()], m.id(), survivor.id(), nullptr, actor,
                      absl::StrCat("references re-pointed: ", m.id(), " was merged into ",
                                   survivor.id(), " (", request.reason(), ")"),
                      request.request_id(), &repointed, &moved));
          if (moved.references_size() > 0) {
            moved.set_survivor_id(survivor.id());
            batch.Put(store::Family::kState, store::KeyBuilder(kRepointed).String(m.id()).key(),
                      moved.SerializeAsString());
          }
        }
        v1::CustomersMerged event;
        *event.mutable_survivor() = survivor;
        for (const auto& m : merged) event.add_merged_ids(m.id());
        for (const auto& [field, source] : outcome.field_sources) {
          (*event.mutable_field_sources())[field] = source;
        }
        event.set_reason(request.reason());
        batch.AppendOutbox(Event(survivor, event, request.request_id(), actor));
        *response = std::move(survivor);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  index_.Upsert(*response);
  for (const auto& id : request.merged_ids()) {
    ASSIGN_OR_RETURN(v1::Customer merged, Load(id, "merged_ids"));
    index_.Upsert(merged);
  }
  for (const v1::Customer& c : repointed) index_.Upsert(c);
  return status;
}

absl::Status CustomerMasterService::Unmerge(const v1::UnmergeCustomerRequest& request,
                                            const std::string& actor, v1::Customer* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  if (request.survivor_id().empty()) return core::FieldError("survivor_id", "must be set");
  if (request.merged_id().empty()) return core::FieldError("merged_id", "must be set");
  if (absl::StripAsciiWhitespace(request.reason()).empty()) {
    return core::FieldError("reason", "say why the records are not the same customer");
  }
  // What the merge re-pointed at the survivor goes back to the restored
  // customer: those customers are locked too.
  const std::string repointed_key = store::KeyBuilder(kRepointed).String(request.merged_id()).key();
  v1::RepointedReferences repointed_before;
  ASSIGN_OR_RETURN(std::optional<std::string> stored,
                   host_.store().Get(store::Family::kState, repointed_key));
  if (stored && !repointed_before.ParseFromString(*stored)) {
    return absl::DataLossError("stored re-pointed references do not parse");
  }
  std::vector<std::string> locked = {request.survivor_id(), request.merged_id()};
  std::vector<std::string> back_ids;
  absl::flat_hash_set<std::string> back_fields;
  if (repointed_before.survivor_id() == request.survivor_id()) {
    for (const auto& r : repointed_before.references()) {
      if (back_fields.insert(absl::StrCat(r.customer_id(), " ", r.field())).second &&
          std::find(back_ids.begin(), back_ids.end(), r.customer_id()) == back_ids.end()) {
        back_ids.push_back(r.customer_id());
      }
    }
  }
  locked.insert(locked.end(), back_ids.begin(), back_ids.end());
  MultiLock lock(locks_, locked);
  std::vector<v1::Customer> pointed_back;
  absl::Status status = runtime::ExecuteOnce(
      host_.store(), "UnmergeCustomer", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ASSIGN_OR_RETURN(v1::Customer survivor, Load(request.survivor_id(), "survivor_id"));
        ASSIGN_OR_RETURN(v1::Customer merged, Load(request.merged_id(), "merged_id"));
        if (merged.status() != v1::CUSTOMER_STATUS_MERGED || merged.merged_into() != survivor.id()) {
          return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "merged_id",
                                   "was not merged into survivor_id");
        }
        // The survivor's version that took the record in, and the one before.
        ASSIGN_OR_RETURN(std::vector<v1::CustomerVersion> history, History(survivor.id()));
        const v1::CustomerVersion* merge_version = nullptr;
        const v1::CustomerVersion* before_merge = nullptr;
        for (size_t i = 1; i < history.size(); ++i) {
          const auto& from = history[i].customer().merged_from();
          if (std::find(from.begin(), from.end(), merged.id()) != from.end()) {
            merge_version = &history[i];
            before_merge = &history[i - 1];
            break;
          }
        }
        if (merge_version == nullptr) return absl::DataLossError("merge not found in the survivor's history");
        std::map<std::string, std::string> sources(merge_version->field_sources().begin(),
                                                   merge_version->field_sources().end());
        absl::Time now = host_.clock().Now();
        const v1::Customer survivor_before = survivor;
        *survivor.mutable_profile() = UnmergeProfile(survivor.profile(), sources, merged.id(),
                                                     before_merge->customer().profile());
        auto* from = survivor.mutable_merged_from();
        from->erase(std::remove(from->begin(), from->end(), merged.id()), from->end());
        survivor.set_version(survivor.version() + 1);
        *survivor.mutable_updated_at() = ToProto(now);
        RETURN_IF_ERROR(PutVersion(batch, survivor,
                                   ProfileDiff(survivor_before.profile(), survivor.profile()),
                                   actor, request.reason(), request.request_id())
                            .status());
        // The merged record as it was before the merge, active again.
        ASSIGN_OR_RETURN(std::vector<v1::CustomerVersion> merged_history, History(merged.id()));
        for (auto it = merged_history.rbegin(); it != merged_history.rend(); ++it) {
          if (it->customer().status() != v1::CUSTOMER_STATUS_MERGED) {
            *merged.mutable_profile() = it->customer().profile();
            break;
          }
        }
        merged.set_status(v1::CUSTOMER_STATUS_ACTIVE);
        merged.clear_merged_into();
        merged.set_version(merged.version() + 1);
        *merged.mutable_updated_at() = ToProto(now);
        RETURN_IF_ERROR(
            PutVersion(batch, merged,
                       {StatusChange(v1::CUSTOMER_STATUS_MERGED, v1::CUSTOMER_STATUS_ACTIVE)},
                       actor, request.reason(), request.request_id())
                .status());
        if (stored) {
          v1::RepointedReferences moved_back;
          RETURN_IF_ERROR(Repoint(
              batch, back_ids, survivor.id(), merged.id(), &back_fields, actor,
              absl::StrCat("references re-pointed back: ", merged.id(), " was unmerged from ",
                           survivor.id(), " (", request.reason(), ")"),
              request.request_id(), &pointed_back, &moved_back));
          batch.Delete(store::Family::kState, repointed_key);
        }
        v1::CustomersUnmerged event;
        *event.mutable_survivor() = survivor;
        *event.mutable_restored() = merged;
        event.set_reason(request.reason());
        batch.AppendOutbox(Event(survivor, event, request.request_id(), actor));
        *response = std::move(survivor);
        return absl::OkStatus();
      });
  if (!status.ok()) return status;
  index_.Upsert(*response);
  ASSIGN_OR_RETURN(v1::Customer restored, Load(request.merged_id(), "merged_id"));
  index_.Upsert(restored);
  for (const v1::Customer& c : pointed_back) index_.Upsert(c);
  return status;
}

grpc::Status CustomerMasterService::FindDuplicateCandidates(
    grpc::ServerContext* context, const v1::FindDuplicateCandidatesRequest* request,
    v1::DuplicateCandidates* response) {
  return rpc::HandleRpc("CustomerMaster/FindDuplicateCandidates", context, [&]() -> absl::Status {
    RETURN_IF_ERROR(ValidateFindDuplicates(*request));
    ASSIGN_OR_RETURN(v1::Customer subject, Load(request->customer_id(), "customer_id"));
    std::set<std::string> ids;
    bool partial = false;
    for (const std::string& block : BlockingKeys(MatchInputFor(subject, pinyin_))) {
      bool truncated = false;
      for (auto& id : index_.IdsWithBlockKey(block, kMaxCandidates, &truncated)) {
        ids.insert(std::move(id));
      }
      partial = partial || truncated;
    }
    std::vector<v1::Customer> candidates;
    for (const std::string& id : ids) {
      if (id == subject.id()) continue;
      absl::StatusOr<v1::Customer> c = runtime::ReadKeyed<v1::Customer>(host_.store(), kCustomer, id);
      if (c.status().code() == absl::StatusCode::kNotFound) continue;
      RETURN_IF_ERROR(c.status());
      candidates.push_back(*std::move(c));
    }
    for (auto& d : RankCandidates(subject, candidates, *request, pinyin_)) {
      *response->add_candidates() = std::move(d);
    }
    response->set_partial(partial);
    return absl::OkStatus();
  });
}

grpc::Status CustomerMasterService::ScanDuplicates(grpc::ServerContext* context,
                                                   const v1::ScanDuplicatesRequest* request,
                                                   v1::ScanDuplicatesResponse* response) {
  return rpc::HandleRpc("CustomerMaster/ScanDuplicates", context, [&]() -> absl::Status {
    RETURN_IF_ERROR(ValidateScanDuplicates(*request));
    ScanOptions options;
    if (request->min_score() != 0) options.min_score = request->min_score();
    if (request->limit() != 0) options.limit = static_cast<size_t>(request->limit());
    options.threads = static_cast<int>(std::clamp(std::thread::hardware_concurrency(), 1u, 4u));
    absl::MutexLock lock(&scan_mu_);
    absl::Time start = absl::Now();
    CustomerIndex::DuplicateScan scan = index_.ScanDuplicates(request->kind(), request->province(), options);
    // The pairs stop short of the largest message gRPC sends; the rest of
    // the answer takes far less than the margin.
    const size_t budget =
        static_cast<size_t>(std::max(0, host_.max_message_bytes() - kScanAnswerMargin));
    size_t bytes = 0;
    for (const ScoredPair& p : scan.result.pairs) {
      const MatchRecord& first = *scan.records[p.first];
      const MatchRecord& second = *scan.records[p.second];
      v1::DuplicatePair* out = response->add_pairs();
      out->set_first_id(first.id);
      out->set_first_name(std::string(first.input().name));
      out->set_second_id(second.id);
      out->set_second_name(std::string(second.input().name));
      out->set_kind(first.kind);
      out->set_score(p.match.score);
      for (const MatchReason& r : p.match.reasons) {
        v1::MatchSignal* s = out->add_reasons();
        s->set_signal(r.signal);
        s->set_score(r.score);
        s->set_detail(r.detail);
      }
      bytes += out->ByteSizeLong() + kRepeatedOverhead;
      if (bytes > budget) {
        response->mutable_pairs()->RemoveLast();
        response->set_cut_to_message_size(true);
        break;
      }
    }
    response->set_records_scanned(static_cast<int64_t>(scan.records.size()));
    response->set_blocks(scan.result.blocks);
    response->set_blocks_windowed(scan.result.blocks_windowed);
    response->set_windowed_comparisons(scan.result.windowed_comparisons);
    response->set_comparisons(scan.result.comparisons);
    response->set_pairs_found(scan.result.pairs_found);
    response->set_truncated(scan.result.truncated || response->cut_to_message_size());
    response->set_elapsed_ms(absl::ToInt64Milliseconds(absl::Now() - start));
    core::Log(core::LogLevel::kInfo, "duplicate scan",
              {{"records", std::to_string(scan.records.size())},
               {"comparisons", std::to_string(scan.result.comparisons)},
               {"pairs", std::to_string(scan.result.pairs_found)},
               {"ms", std::to_string(response->elapsed_ms())}});
    return absl::OkStatus();
  });
}

grpc::Status CustomerMasterService::RecordMetrics(grpc::ServerContext* context,
                                                  const v1::RecordMetricsRequest* request,
                                                  v1::CustomerMetrics* response) {
  return rpc::HandleRpc("CustomerMaster/RecordMetrics", context,
                        [&] { return Record(*request, rpc::ActorOf(*context), response); });
}

grpc::Status CustomerMasterService::GetMetrics(grpc::ServerContext* context,
                                               const v1::GetMetricsRequest* request,
                                               v1::MetricsSeries* response) {
  return rpc::HandleRpc("CustomerMaster/GetMetrics", context, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(*response, Series(*request));
    return absl::OkStatus();
  });
}

absl::Status CustomerMasterService::Record(const v1::RecordMetricsRequest& request,
                                           const std::string& actor, v1::CustomerMetrics* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  if (!request.has_metrics()) return core::FieldError("metrics", "must be set");
  const v1::CustomerMetrics& m = request.metrics();
  ASSIGN_OR_RETURN(v1::Customer customer, Load(m.customer_id(), "metrics.customer_id"));
  absl::Time now = host_.clock().Now();
  RETURN_IF_ERROR(WithFieldPrefix(ValidateMetrics(m, customer.profile().kind(), now), "metrics."));
  absl::ReaderMutexLock imports(&metrics_mu_);
  absl::MutexLock lock(&locks_.For(m.customer_id()));
  return runtime::ExecuteOnce(
      host_.store(), "RecordMetrics", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        std::string key = store::KeyBuilder(kMetrics)
                              .String(m.customer_id())
                              .String(m.period())
                              .String(m.department())
                              .key();
        ASSIGN_OR_RETURN(std::optional<std::string> previous,
                         host_.store().Get(store::Family::kState, key));
        int64_t version = 1;
        if (previous) {
          v1::CustomerMetrics old;
          if (!old.ParseFromString(*previous)) return absl::DataLossError("stored metrics do not parse");
          version = old.version() + 1;
        }
        *response = m;
        response->set_version(version);
        *response->mutable_recorded_at() = ToProto(now);
        response->set_recorded_by(actor);
        batch.Put(store::Family::kState, key, response->SerializeAsString());
        v1::MetricsRecorded event;
        *event.mutable_metrics() = *response;
        *event.mutable_key_figures() = ComputeKeyFigures(*response, customer.profile());
        bus::EventMeta meta = EventMetaFor(customer, request.request_id(), actor);
        meta.aggregate_kind = "customer-metrics";
        meta.aggregate_id = absl::StrCat(m.customer_id(), "/", m.period(), "/", m.department());
        meta.aggregate_version = version;
        batch.AppendOutbox(
            bus::MakeOutboxRecord(bus::kCustomerTopic, bus::MakeEnvelope(meta, event)));
        return absl::OkStatus();
      });
}

absl::StatusOr<v1::MetricsSeries> CustomerMasterService::Series(
    const v1::GetMetricsRequest& request) const {
  ASSIGN_OR_RETURN(v1::Customer customer, Load(request.customer_id(), "customer_id"));
  if (!request.from_period().empty()) RETURN_IF_ERROR(ValidatePeriod("from_period", request.from_period()));
  if (!request.to_period().empty()) RETURN_IF_ERROR(ValidatePeriod("to_period", request.to_period()));
  std::vector<v1::CustomerMetrics> all;
  RETURN_IF_ERROR(ForEachStored<v1::CustomerMetrics>(
      host_.store(), store::KeyBuilder(kMetrics).String(request.customer_id()).key(),
      "stored metrics do not parse", [&](v1::CustomerMetrics m) {
        if (request.all_departments() || m.department() == request.department()) {
          all.push_back(std::move(m));
        }
        return true;
      }));
  v1::MetricsSeries series;
  for (auto& m : SelectPeriods(std::move(all), request.from_period(), request.to_period())) {
    *series.add_key_figures() = ComputeKeyFigures(m, customer.profile());
    *series.add_records() = std::move(m);
  }
  return series;
}

grpc::Status CustomerMasterService::GetCompleteness(grpc::ServerContext* context,
                                                    const v1::GetCompletenessRequest* request,
                                                    v1::Completeness* response) {
  return rpc::HandleRpc("CustomerMaster/GetCompleteness", context, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(v1::Customer customer, Load(request->customer_id(), "customer_id"));
    *response = ScoreCompleteness(customer.profile(), rules_);
    return absl::OkStatus();
  });
}

grpc::Status CustomerMasterService::GetWorklist(grpc::ServerContext* context,
                                                const v1::GetWorklistRequest* request,
                                                v1::Worklist* response) {
  return rpc::HandleRpc("CustomerMaster/GetWorklist", context, [&]() -> absl::Status {
    if (request->kind() == v1::CUSTOMER_KIND_UNSPECIFIED || !v1::CustomerKind_IsValid(request->kind())) {
      return core::FieldError("kind", "must be a customer kind");
    }
    if (request->limit() < 0 || request->limit() > 500) {
      return core::FieldError("limit", "must be 0 (default 50) to 500");
    }
    bool truncated = false;
    std::vector<std::string> ids;
    if (request->territory_id().empty()) {
      ids = index_.IdsInRegion(request->kind(), request->province(), request->city(), kMaxCandidates,
                               &truncated);
    } else {
      // Customers aligned now to the territory or below it.
      ASSIGN_OR_RETURN(ids, AlignedNow(request->territory_id(), /*include_descendants=*/true,
                                       kMaxCandidates, &truncated));
    }
    std::vector<v1::Customer> customers;
    for (const auto& id : ids) {
      absl::StatusOr<v1::Customer> c = runtime::ReadKeyed<v1::Customer>(host_.store(), kCustomer, id);
      if (c.status().code() == absl::StatusCode::kNotFound) continue;
      RETURN_IF_ERROR(c.status());
      if (!IsActive(*c)) continue;  // Nothing to collect.
      const v1::CustomerProfile& p = c->profile();
      if (p.kind() != request->kind() ||
          (!request->province().empty() && p.province() != request->province()) ||
          (!request->city().empty() && p.city() != request->city())) {
        continue;
      }
      customers.push_back(*std::move(c));
    }
    for (auto& item : BuildWorklist(customers, rules_, request->limit() == 0 ? 50 : request->limit())) {
      *response->add_items() = std::move(item);
    }
    response->set_partial(truncated);
    return absl::OkStatus();
  });
}

grpc::Status CustomerMasterService::SearchCustomers(grpc::ServerContext* context,
                                                    const v1::SearchCustomersRequest* request,
                                                    v1::SearchCustomersResponse* response) {
  return rpc::HandleRpc("CustomerMaster/SearchCustomers", context, [&]() -> absl::Status {
    ASSIGN_OR_RETURN(*response, Search(*request));
    return absl::OkStatus();
  });
}

absl::StatusOr<v1::SearchCustomersResponse> CustomerMasterService::Search(
    const v1::SearchCustomersRequest& request) const {
  RETURN_IF_ERROR(ValidateSearch(request));
  ASSIGN_OR_RETURN(ParsedQuery query, ParseSearchQuery(request.query()));
  // The index holds the filters and the sort key and pages the matches:
  // only the page's customers are read from the store.
  std::optional<absl::flat_hash_set<std::string>> aligned;
  bool members_truncated = false;
  if (!request.territory_id().empty()) {
    ASSIGN_OR_RETURN(std::vector<std::string> ids,
                     AlignedNow(request.territory_id(), /*include_descendants=*/false,
                                kMaxTerritoryMembers, &members_truncated));
    aligned.emplace(std::make_move_iterator(ids.begin()), std::make_move_iterator(ids.end()));
  }
  ASSIGN_OR_RETURN(CustomerIndex::Found found,
                   index_.Search(query, request, kSearchCounted, aligned ? &*aligned : nullptr));
  const SearchPage& page = found.page;
  v1::SearchCustomersResponse out;
  out.set_total_size(page.total_size);
  out.set_total_is_lower_bound(found.truncated || members_truncated);
  out.set_next_page_token(page.next_page_token);
  std::vector<std::string> keys;
  keys.reserve(page.ids.size());
  for (const std::string& id : page.ids) keys.push_back(runtime::CustomerKey(kCustomer, id));
  ASSIGN_OR_RETURN(std::vector<std::optional<std::string>> values,
                   host_.store().MultiGet(store::Family::kState, keys));
  for (size_t i = 0; i < values.size(); ++i) {
    if (!values[i]) {
      return absl::NotFoundError(
          absl::StrCat("customer '", page.ids[i], "' is indexed but not stored"));
    }
    if (!out.add_customers()->ParseFromString(*values[i])) {
      return absl::DataLossError("stored customer does not parse");
    }
  }
  return out;
}

absl::StatusOr<std::vector<v1::CustomerVersion>> CustomerMasterService::History(
    absl::string_view id) const {
  // Version 1 holds no snapshot while it is the only one (PutVersion): the
  // customer record holds it. The two are read one after the other, so a
  // version 2 committed in between (which completes version 1 in the same
  // batch) shows as a customer record past version 1: the versions are
  // read again.
  constexpr int kAttempts = 3;
  for (int attempt = 1;; ++attempt) {
    std::vector<v1::CustomerVersion> versions;
    RETURN_IF_ERROR(ForEachStored<v1::CustomerVersion>(
        host_.store(), store::KeyBuilder(kCustomerVersion).String(id).key(),
        "stored customer version does not parse", [&](v1::CustomerVersion v) {
          versions.push_back(std::move(v));
          return true;
        }));
    if (versions.empty() || versions[0].has_customer()) {
      for (const v1::CustomerVersion& v : versions) {
        if (!v.has_customer()) {
          return absl::DataLossError(
              absl::StrCat("customer ", id, ": a version after the first has no snapshot"));
        }
      }
      return versions;
    }
    ASSIGN_OR_RETURN(v1::Customer stored,
                     runtime::ReadKeyed<v1::Customer>(host_.store(), kCustomer, std::string(id)));
    if (versions.size() == 1 && stored.version() == 1) {
      *versions[0].mutable_customer() = std::move(stored);
      return versions;
    }
    if (attempt == kAttempts) {
      return absl::DataLossError(absl::StrCat(
          "customer ", id, ": version 1 has no snapshot and the customer record is version ",
          stored.version(), " of ", versions.size(), " stored"));
    }
  }
}


absl::Status CustomerMasterService::LoadIndex() {
  // Key spaces of the on-disk index of earlier versions: removed once, in
  // batches of 10,000 keys.
  for (uint8_t retired : {kRetiredSearchTerm, kRetiredRegionIndex, kRetiredBlockKey,
                          kRetiredIndexedSnapshot}) {
    while (true) {
      store::Batch batch;
      int n = 0;
      RETURN_IF_ERROR(host_.store().ScanPrefix(store::Family::kState, store::KeyBuilder(retired).key(),
                                               [&](absl::string_view key, absl::string_view) {
                                                 batch.Delete(store::Family::kState, key);
                                                 return ++n < 10000;
                                               }));
      if (batch.empty()) break;
      RETURN_IF_ERROR(host_.store().Write(std::move(batch)));
    }
  }
  absl::Time start = absl::Now();
  // Data folders from before kReferrer: its keys are written once, here.
  const std::string built_key = store::KeyBuilder(kReferrersBuilt).key();
  ASSIGN_OR_RETURN(std::optional<std::string> built,
                   host_.store().Get(store::Family::kState, built_key));
  store::Batch referrers;
  absl::Status written = absl::OkStatus();
  RETURN_IF_ERROR(
      ForEachStored<v1::Customer>(host_.store(), store::KeyBuilder(kCustomer).key(),
                                  "a stored customer does not parse", [&](const v1::Customer& c) {
                                    index_.Upsert(c);
                                    if (!built) {
                                      PutReferrerKeys(referrers, c.id(), c.profile());
                                      if (referrers.Mark().ops >= 10000) {
                                        written = host_.store().Write(std::move(referrers));
                                        referrers = store::Batch();
                                        if (!written.ok()) return false;
                                      }
                                    }
                                    return true;
                                  }));
  RETURN_IF_ERROR(written);
  if (!built) {
    referrers.Put(store::Family::kState, built_key, "1");
    RETURN_IF_ERROR(host_.store().Write(std::move(referrers)));
  }
  core::Log(core::LogLevel::kInfo, "search index built",
            {{"customers", std::to_string(index_.size())},
             {"seconds", absl::StrCat(absl::ToDoubleSeconds(absl::Now() - start))}});
  sorter_.Request();
  return absl::OkStatus();
}

IndexSorter::IndexSorter(const CustomerIndex& index) : index_(index), thread_([this] { Run(); }) {}

IndexSorter::~IndexSorter() {
  stopping_ = true;
  {
    absl::MutexLock lock(&mu_);
    requested_ = true;  // Wakes Run.
  }
  thread_.join();
}

void IndexSorter::Request() {
  absl::MutexLock lock(&mu_);
  requested_ = true;
}

void IndexSorter::Run() {
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(&requested_));
      requested_ = false;
    }
    if (stopping_) return;
    absl::Time start = absl::Now();
    size_t sorted = index_.SortLongLists(&stopping_);
    if (sorted > 0) {
      core::Log(core::LogLevel::kInfo, "search index lists sorted",
                {{"lists", std::to_string(sorted)},
                 {"seconds", absl::StrCat(absl::ToDoubleSeconds(absl::Now() - start))}});
    }
  }
}

absl::StatusOr<std::string> CustomerMasterService::PutVersion(
    store::Batch& batch, const v1::Customer& customer, std::vector<v1::FieldChange> changes,
    const std::string& actor, const std::string& reason, const std::string& request_id,
    const std::map<std::string, std::string>* field_sources) {
  // Version 1 of a customer is written without its snapshot: until version
  // 2 is written the customer record holds it (History reads it there), so
  // a registration or an imported row stores the customer once, not twice.
  // Writing version 2 completes version 1's record, in the same batch.
  if (customer.version() == 2) RETURN_IF_ERROR(CompleteFirstVersion(batch, customer.id()));
  // The customer is serialized once: the state record, and field 1 of the
  // version record appended to the rest of it (bus::AppendLengthDelimited).
  std::string serialized = customer.SerializeAsString();
  batch.Put(store::Family::kState, runtime::CustomerKey(kCustomer, customer.id()), serialized);
  v1::CustomerVersion version;
  for (auto& c : changes) *version.add_changes() = std::move(c);
  version.set_actor(actor);
  version.set_reason(reason);
  *version.mutable_changed_at() = customer.updated_at();
  version.set_request_id(request_id);
  if (field_sources != nullptr) {
    for (const auto& [field, source] : *field_sources) (*version.mutable_field_sources())[field] = source;
  }
  batch.Put(
      store::Family::kState,
      store::KeyBuilder(kCustomerVersion)
          .String(customer.id())
          .Uint64(static_cast<uint64_t>(customer.version()))
          .key(),
      customer.version() == 1 ? version.SerializeAsString() : VersionRecord(version, serialized));
  // So that a merge of a customer this one names can re-point it.
  PutReferrerKeys(batch, customer.id(), customer.profile());
  return serialized;
}

absl::StatusOr<std::string> CustomerMasterService::RebuildOutboxValue(
    const v1::OutboxRecord& record) const {
  ASSIGN_OR_RETURN(v1::EventEnvelope bare,
                   bus::ParseEnvelopeWithoutPayload(record.envelope_without_payload()));
  if (bare.event_type() != v1::CustomerRegistered::descriptor()->full_name() ||
      bare.aggregate_version() != 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "envelope_without_payload: customer-master rebuilds only CustomerRegistered of version "
        "1, not ",
        bare.event_type(), " of version ", bare.aggregate_version()));
  }
  const std::string& id = bare.aggregate_id();
  ASSIGN_OR_RETURN(std::string first, FirstVersionRecord(id));
  ASSIGN_OR_RETURN(std::string customer, FirstVersionBytes(id, first));
  std::string payload;
  bus::AppendLengthDelimited(v1::CustomerRegistered::kCustomerFieldNumber, customer, &payload);
  return bus::EnvelopeWithPayload(std::move(bare), payload);
}

absl::StatusOr<std::string> CustomerMasterService::FirstVersionRecord(const std::string& id) const {
  ASSIGN_OR_RETURN(
      std::optional<std::string> first,
      host_.store().Get(store::Family::kState,
                        store::KeyBuilder(kCustomerVersion).String(id).Uint64(1).key()));
  if (!first) {
    return absl::DataLossError(absl::StrCat("customer ", id, ": version 1 is not stored"));
  }
  return *std::move(first);
}

absl::StatusOr<std::string> CustomerMasterService::FirstVersionBytes(
    const std::string& id, absl::string_view version_record) const {
  ASSIGN_OR_RETURN(std::optional<std::string> current,
                   host_.store().Get(store::Family::kState, runtime::CustomerKey(kCustomer, id)));
  std::optional<absl::string_view> current_view;
  if (current) current_view = *current;
  return FirstVersionCustomer(id, version_record, current_view);
}

absl::Status CustomerMasterService::CompleteFirstVersion(store::Batch& batch,
                                                         const std::string& id) {
  ASSIGN_OR_RETURN(std::string first, FirstVersionRecord(id));
  v1::CustomerVersion parsed;
  if (!parsed.ParseFromString(first)) {
    return absl::DataLossError(absl::StrCat("customer ", id, ": version 1 does not parse"));
  }
  if (parsed.has_customer()) return absl::OkStatus();  // Written whole (before this rule).
  ASSIGN_OR_RETURN(std::string customer, FirstVersionBytes(id, first));
  bus::AppendLengthDelimited(v1::CustomerVersion::kCustomerFieldNumber, customer, &first);
  batch.Put(store::Family::kState, store::KeyBuilder(kCustomerVersion).String(id).Uint64(1).key(),
            std::move(first));
  return absl::OkStatus();
}

void CustomerMasterService::PutReferrerKeys(store::Batch& batch, const std::string& id,
                                            const v1::CustomerProfile& profile) {
  for (absl::string_view target : ReferencedIds(profile)) {
    batch.Put(store::Family::kState, store::KeyBuilder(kReferrer).String(target).String(id).key(),
              "");
  }
}

absl::StatusOr<std::vector<std::string>> CustomerMasterService::Referrers(
    absl::string_view target) const {
  std::vector<std::string> ids;
  absl::Status status = absl::OkStatus();
  RETURN_IF_ERROR(host_.store().ScanPrefix(
      store::Family::kState, store::KeyBuilder(kReferrer).String(target).key(),
      [&](absl::string_view key, absl::string_view) {
        store::KeyReader reader(key);
        absl::StatusOr<std::string> id;
        if (reader.KeySpace().ok() && reader.String().ok()) id = reader.String();
        if (!id.ok()) {
          status = absl::DataLossError("a referrer key does not parse");
          return false;
        }
        ids.push_back(*std::move(id));
        return true;
      }));
  RETURN_IF_ERROR(status);
  return ids;
}

absl::Status CustomerMasterService::Repoint(
    store::Batch& batch, const std::vector<std::string>& ids, const std::string& from,
    const std::string& to, const absl::flat_hash_set<std::string>* only, const std::string& actor,
    const std::string& reason, const std::string& request_id, std::vector<v1::Customer>* changed,
    v1::RepointedReferences* moved) {
  for (const std::string& id : ids) {
    absl::StatusOr<v1::Customer> c = runtime::ReadKeyed<v1::Customer>(host_.store(), kCustomer, id);
    if (c.status().code() == absl::StatusCode::kNotFound) continue;
    RETURN_IF_ERROR(c.status());
    if (!IsActive(*c)) continue;  // Its profile no longer changes.
    const v1::CustomerProfile before = c->profile();
    bool any = false;
    for (const CustomerReference& ref : ReferencesOf(c->mutable_profile())) {
      if (*ref.id != from) continue;
      if (only != nullptr && !only->contains(absl::StrCat(id, " ", ref.field))) continue;
      *ref.id = to;
      any = true;
      v1::RepointedReferences::Reference* r = moved->add_references();
      r->set_customer_id(id);
      r->set_field(ref.field);
    }
    if (!any) continue;
    c->set_version(c->version() + 1);
    *c->mutable_updated_at() = ToProto(host_.clock().Now());
    std::vector<v1::FieldChange> changes = ProfileDiff(before, c->profile());
    RETURN_IF_ERROR(PutVersion(batch, *c, changes, actor, reason, request_id).status());
    v1::ProfileChanged event;
    *event.mutable_customer() = *c;
    for (auto& change : changes) *event.add_changes() = std::move(change);
    event.set_reason(reason);
    batch.AppendOutbox(Event(*c, event, request_id, actor));
    changed->push_back(*std::move(c));
  }
  return absl::OkStatus();
}

absl::StatusOr<v1::Customer> CustomerMasterService::Load(absl::string_view id,
                                                         absl::string_view field) const {
  if (id.empty()) return core::FieldError(field, "must be set");
  absl::StatusOr<v1::Customer> c = runtime::ReadKeyed<v1::Customer>(host_.store(), kCustomer, id);
  if (c.status().code() == absl::StatusCode::kNotFound) {
    return core::FieldStatus(absl::StatusCode::kNotFound, field,
                             absl::StrCat("no customer with id '", id, "'"));
  }
  return c;
}

absl::Status CustomerMasterService::CheckReferences(const v1::CustomerProfile& profile,
                                                    absl::string_view self_id,
                                                    const v1::CustomerProfile* before) const {
  v1::CustomerProfile copy = profile;
  absl::flat_hash_set<std::pair<std::string, std::string>> unchanged;
  if (before != nullptr) {
    v1::CustomerProfile before_copy = *before;
    for (const CustomerReference& ref : ReferencesOf(&before_copy)) {
      unchanged.emplace(ref.field, *ref.id);
    }
  }
  for (const CustomerReference& ref : ReferencesOf(&copy)) {
    if (unchanged.contains(std::make_pair(ref.field, *ref.id))) continue;
    if (*ref.id == self_id) return core::FieldError(ref.field, "must not name the customer itself");
    ASSIGN_OR_RETURN(v1::Customer target, Load(*ref.id, ref.field));
    RETURN_IF_ERROR(CheckReferencedKind(ref, target.profile().kind()));
    if (!IsActive(target)) {
      return core::FieldStatus(absl::StatusCode::kFailedPrecondition, ref.field,
                               absl::StrCat("'", *ref.id, "' is inactive or merged"));
    }
    if (!self_id.empty() && ref.role == ReferenceRole::kParent) {
      RETURN_IF_ERROR(CheckNoParentCycle(ref.field, target, self_id));
      // Only a distributor can be among another's branch_ids.
      if (profile.has_distributor()) {
        RETURN_IF_ERROR(CheckNotBranchOfAnother(ref.field, *ref.id, self_id));
      }
    }
    if (ref.role == ReferenceRole::kBranch) {
      RETURN_IF_ERROR(CheckBranchAgrees(ref.field, target, profile, self_id));
    }
  }
  return absl::OkStatus();
}

absl::Status CustomerMasterService::CheckBranchAgrees(const std::string& field,
                                                      const v1::Customer& branch,
                                                      const v1::CustomerProfile& profile,
                                                      absl::string_view self_id) const {
  if (branch.id() == profile.distributor().parent_id()) {
    return core::FieldError(field, absl::StrCat("'", branch.id(), "' is also its parent_id"));
  }
  const std::string& parent = branch.profile().distributor().parent_id();
  if (!parent.empty() && parent != self_id) {
    return core::FieldStatus(
        absl::StatusCode::kFailedPrecondition, field,
        absl::StrCat("'", branch.id(), "' has another parent, '", parent,
                     "' (its profile.distributor.parent_id): change that first"));
  }
  return absl::OkStatus();
}

absl::Status CustomerMasterService::CheckNotBranchOfAnother(const std::string& field,
                                                            absl::string_view parent_id,
                                                            absl::string_view self_id) const {
  ASSIGN_OR_RETURN(std::vector<std::string> referrers, Referrers(self_id));
  for (const std::string& id : referrers) {
    if (id == parent_id || id == self_id) continue;
    absl::StatusOr<v1::Customer> c = runtime::ReadKeyed<v1::Customer>(host_.store(), kCustomer, id);
    if (c.status().code() == absl::StatusCode::kNotFound) continue;
    RETURN_IF_ERROR(c.status());
    if (!IsActive(*c)) continue;
    const auto& branches = c->profile().distributor().branch_ids();
    if (std::find(branches.begin(), branches.end(), self_id) != branches.end()) {
      return core::FieldStatus(absl::StatusCode::kFailedPrecondition, field,
                               absl::StrCat("this distributor is among the branch_ids of '", id,
                                            "': remove it there first, or make that its parent"));
    }
  }
  return absl::OkStatus();
}

absl::Status CustomerMasterService::CheckMergedDistributor(
    const v1::CustomerProfile& profile, const std::vector<std::string>& merging,
    const std::map<std::string, std::vector<std::string>>& merged_referrers,
    absl::string_view source) const {
  if (profile.kind() != v1::CUSTOMER_KIND_DISTRIBUTOR) return absl::OkStatus();
  auto in_merge = [&](const std::string& id) {
    return std::find(merging.begin(), merging.end(), id) != merging.end();
  };
  const v1::DistributorDetails& d = profile.distributor();
  const std::string from = source.empty() ? "" : absl::StrCat(" (taken from '", source, "')");
  if (!d.parent_id().empty() && in_merge(d.parent_id())) {
    return core::FieldStatus(
        absl::StatusCode::kFailedPrecondition, "profile.distributor.parent_id",
        absl::StrCat("'", d.parent_id(), "' is in this merge", from,
                     ": the merged distributor would be its own parent; clear that parent_id "
                     "first"));
  }
  for (int i = 0; i < d.branch_ids_size(); ++i) {
    if (!in_merge(d.branch_ids(i))) continue;
    return core::FieldStatus(
        absl::StatusCode::kFailedPrecondition,
        absl::StrCat("profile.distributor.branch_ids[", i, "]"),
        absl::StrCat("'", d.branch_ids(i), "' is in this merge", from,
                     ": the merged distributor would be its own branch; remove it from those "
                     "branch_ids first"));
  }
  if (d.parent_id().empty()) return absl::OkStatus();
  for (const std::string& id : merging) {
    // The merged records' referrers are known already; the survivor's are read.
    std::vector<std::string> read;
    const std::vector<std::string>* referrers = &read;
    if (auto it = merged_referrers.find(id); it != merged_referrers.end()) {
      referrers = &it->second;
    } else {
      ASSIGN_OR_RETURN(read, Referrers(id));
    }
    for (const std::string& other : *referrers) {
      if (other == d.parent_id() || in_merge(other)) continue;
      absl::StatusOr<v1::Customer> c =
          runtime::ReadKeyed<v1::Customer>(host_.store(), kCustomer, other);
      if (c.status().code() == absl::StatusCode::kNotFound) continue;
      RETURN_IF_ERROR(c.status());
      if (!IsActive(*c)) continue;
      const auto& branches = c->profile().distributor().branch_ids();
      if (std::find(branches.begin(), branches.end(), id) == branches.end()) continue;
      return core::FieldStatus(
          absl::StatusCode::kFailedPrecondition, "profile.distributor.parent_id",
          absl::StrCat("the merged distributor's parent would be '", d.parent_id(), "'", from,
                       ", but '", other, "' lists '", id,
                       "' among its branch_ids: remove it there first, or take "
                       "profile.distributor from the record whose parent that is (field_rules)"));
    }
  }
  return absl::OkStatus();
}

absl::Status CustomerMasterService::CheckNoParentCycle(const std::string& field,
                                                       v1::Customer parent,
                                                       absl::string_view self_id) const {
  // Up the chain of parents from the new one: reaching the customer itself
  // would make it its own ancestor.
  constexpr int kMaxDepth = 64;
  for (int depth = 0; depth < kMaxDepth; ++depth) {
    const std::string& next = parent.profile().has_distributor()
                                  ? parent.profile().distributor().parent_id()
                                  : parent.profile().pharmacy().parent_id();
    if (next.empty()) return absl::OkStatus();
    if (next == self_id) {
      return core::FieldError(field, absl::StrCat("'", parent.id(), "' is under this customer ",
                                                  "already: the chain of parents would loop"));
    }
    absl::StatusOr<v1::Customer> up =
        runtime::ReadKeyed<v1::Customer>(host_.store(), kCustomer, next);
    if (up.status().code() == absl::StatusCode::kNotFound) return absl::OkStatus();
    RETURN_IF_ERROR(up.status());
    parent = *std::move(up);
  }
  return core::FieldError(field, absl::StrCat("the chain of parents above it is longer than ",
                                              kMaxDepth, " customers"));
}

bus::EventMeta CustomerMasterService::EventMetaFor(const v1::Customer& customer,
                                                  absl::string_view request_id,
                                                  const std::string& actor) {
  bus::EventMeta meta;
  meta.event_id = host_.ids().Next();
  meta.source = kService;
  meta.aggregate_kind = "customer";
  meta.aggregate_id = customer.id();
  meta.aggregate_version = customer.version();
  meta.customer_id = customer.id();
  meta.occurred_at = meta.recorded_at = host_.clock().Now();
  meta.actor = actor;
  meta.correlation_id = core::CurrentCorrelationId();
  meta.causation_id = std::string(request_id);
  return meta;
}

v1::OutboxRecord CustomerMasterService::Event(const v1::Customer& customer,
                                              const google::protobuf::Message& payload,
                                              absl::string_view request_id,
                                              const std::string& actor) {
  return bus::MakeOutboxRecord(bus::kCustomerTopic,
                               bus::MakeEnvelope(EventMetaFor(customer, request_id, actor), payload));
}

absl::Status CustomerMasterService::Register(const v1::RegisterCustomerRequest& request,
                                             const std::string& actor, v1::Customer* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  if (!request.has_profile()) return core::FieldError("profile", "must be set");
  v1::CustomerProfile profile = request.profile();
  RETURN_IF_ERROR(NormalizeProfile(&profile));
  RETURN_IF_ERROR(ValidateProfile(profile, host_.clock().Now()));
  RETURN_IF_ERROR(CheckReferences(profile, "", nullptr));
  absl::MutexLock lock(&locks_.For(request.request_id()));
  absl::Status status = runtime::ExecuteOnce(
      host_.store(), "RegisterCustomer", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) {
        absl::Time now = host_.clock().Now();
        response->set_id(host_.ids().Next());
        *response->mutable_profile() = profile;
        response->set_version(1);
        response->set_status(v1::CUSTOMER_STATUS_ACTIVE);
        *response->mutable_created_at() = ToProto(now);
        *response->mutable_updated_at() = ToProto(now);
        ASSIGN_OR_RETURN(std::string serialized, PutVersion(batch, *response, {}, actor,
                                                            "registered", request.request_id()));
        batch.AppendOutbox(
            RegisteredRecord(EventMetaFor(*response, request.request_id(), actor), serialized));
        return absl::OkStatus();
      });
  if (status.ok()) index_.Upsert(*response);
  return status;
}

absl::Status CustomerMasterService::ChangeStatus(
    const StatusRequest& request, const google::protobuf::Message& message,
    const std::string& actor, v1::Customer* response,
    absl::FunctionRef<absl::StatusOr<std::vector<v1::FieldChange>>(v1::Customer&)> change,
    absl::FunctionRef<v1::OutboxRecord(const v1::Customer&, std::vector<v1::FieldChange>)> event) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id));
  if (request.customer_id.empty()) return core::FieldError("customer_id", "must be set");
  if (request.expected_version < 1) {
    return core::FieldError("expected_version", "must be the version last read (>= 1)");
  }
  if (absl::StripAsciiWhitespace(request.reason).empty()) {
    return core::FieldError("reason", absl::StrCat("say why the customer is ", request.done));
  }
  if (request.reason.size() > 500) return core::FieldError("reason", "longer than 500 bytes");
  absl::MutexLock lock(&locks_.For(request.customer_id));
  absl::Status status = runtime::ExecuteOnce(
      host_.store(), request.method, request.request_id, message, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ASSIGN_OR_RETURN(v1::Customer customer, Load(request.customer_id, "customer_id"));
        RETURN_IF_ERROR(CheckExpectedVersion(request.expected_version, customer.version()));
        ASSIGN_OR_RETURN(std::vector<v1::FieldChange> changes, change(customer));
        customer.set_version(customer.version() + 1);
        *customer.mutable_updated_at() = ToProto(host_.clock().Now());
        RETURN_IF_ERROR(
            PutVersion(batch, customer, changes, actor, request.reason, request.request_id)
                .status());
        batch.AppendOutbox(event(customer, std::move(changes)));
        *response = std::move(customer);
        return absl::OkStatus();
      });
  if (status.ok()) index_.Upsert(*response);
  return status;
}

absl::Status CustomerMasterService::Deactivate(const v1::DeactivateCustomerRequest& request,
                                               const std::string& actor, v1::Customer* response) {
  return ChangeStatus(
      {"DeactivateCustomer", "deactivated", request.request_id(), request.customer_id(),
       request.expected_version(), request.reason()},
      request, actor, response,
      [&](v1::Customer& customer) -> absl::StatusOr<std::vector<v1::FieldChange>> {
        if (!IsActive(customer)) {
          return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "customer_id",
                                   "is already inactive or merged");
        }
        std::vector<v1::FieldChange> changes = {
            StatusChange(v1::CUSTOMER_STATUS_ACTIVE, v1::CUSTOMER_STATUS_INACTIVE)};
        customer.set_status(v1::CUSTOMER_STATUS_INACTIVE);
        return changes;
      },
      [&](const v1::Customer& customer, std::vector<v1::FieldChange>) {
        v1::CustomerDeactivated event;
        *event.mutable_customer() = customer;
        event.set_reason(request.reason());
        return Event(customer, event, request.request_id(), actor);
      });
}

absl::StatusOr<std::string> CustomerMasterService::SurvivorOf(std::string id) const {
  // A chain of survivors (A merged into B, B later into C) is followed at
  // most this far.
  constexpr int kMaxMergeHops = 16;
  for (int hop = 0; hop < kMaxMergeHops; ++hop) {
    absl::StatusOr<v1::Customer> c = runtime::ReadKeyed<v1::Customer>(host_.store(), kCustomer, id);
    if (c.status().code() == absl::StatusCode::kNotFound) break;
    RETURN_IF_ERROR(c.status());
    if (c->status() != v1::CUSTOMER_STATUS_MERGED || c->merged_into().empty()) break;
    id = c->merged_into();
  }
  return id;
}

absl::Status CustomerMasterService::RepointToSurvivors(v1::CustomerProfile* profile) const {
  for (const CustomerReference& ref : ReferencesOf(profile)) {
    ASSIGN_OR_RETURN(*ref.id, SurvivorOf(*ref.id));
  }
  return absl::OkStatus();
}

absl::Status CustomerMasterService::Reactivate(const v1::ReactivateCustomerRequest& request,
                                               const std::string& actor, v1::Customer* response) {
  return ChangeStatus(
      {"ReactivateCustomer", "reactivated", request.request_id(), request.customer_id(),
       request.expected_version(), request.reason()},
      request, actor, response,
      [&](v1::Customer& customer) -> absl::StatusOr<std::vector<v1::FieldChange>> {
        if (customer.status() == v1::CUSTOMER_STATUS_MERGED) {
          return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "customer_id",
                                   absl::StrCat("was merged into '", customer.merged_into(),
                                                "': UnmergeCustomer on it restores this record"));
        }
        if (IsActive(customer)) {
          return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "customer_id",
                                   "is already active");
        }
        const v1::CustomerProfile before = customer.profile();
        RETURN_IF_ERROR(RepointToSurvivors(customer.mutable_profile()));
        std::vector<v1::FieldChange> changes = {
            StatusChange(customer.status(), v1::CUSTOMER_STATUS_ACTIVE)};
        for (v1::FieldChange& c : ProfileDiff(before, customer.profile())) {
          changes.push_back(std::move(c));
        }
        customer.set_status(v1::CUSTOMER_STATUS_ACTIVE);
        return changes;
      },
      [&](const v1::Customer& customer, std::vector<v1::FieldChange> changes) {
        v1::CustomerReactivated event;
        *event.mutable_customer() = customer;
        event.set_reason(request.reason());
        for (auto& c : changes) *event.add_changes() = std::move(c);
        return Event(customer, event, request.request_id(), actor);
      });
}

absl::Status CustomerMasterService::Update(const v1::UpdateCustomerRequest& request,
                                           const std::string& actor, v1::Customer* response) {
  RETURN_IF_ERROR(runtime::ValidateRequestId(request.request_id()));
  if (request.customer_id().empty()) return core::FieldError("customer_id", "must be set");
  if (request.expected_version() < 1) {
    return core::FieldError("expected_version", "must be the version last read (>= 1)");
  }
  if (request.reason().size() > 500) return core::FieldError("reason", "longer than 500 bytes");
  absl::MutexLock lock(&locks_.For(request.customer_id()));
  absl::Status status = runtime::ExecuteOnce(
      host_.store(), "UpdateCustomer", request.request_id(), request, response,
      [&](store::Batch& batch, google::protobuf::Message*) -> absl::Status {
        ASSIGN_OR_RETURN(v1::Customer customer, Load(request.customer_id(), "customer_id"));
        RETURN_IF_ERROR(CheckExpectedVersion(request.expected_version(), customer.version()));
        if (!IsActive(customer)) {
          return core::FieldStatus(absl::StatusCode::kFailedPrecondition, "customer_id",
                                   "is inactive or merged; its profile no longer changes");
        }
        v1::CustomerProfile patch = request.profile();
        RETURN_IF_ERROR(NormalizeProfile(&patch));
        const v1::CustomerProfile before = customer.profile();
        ASSIGN_OR_RETURN(std::vector<v1::FieldChange> changes,
                         ApplyProfileUpdate(patch, request.update_mask(),
                                            host_.clock().Now(), customer.mutable_profile()));
        if (changes.empty()) {
          *response = customer;  // Nothing to change: no new version, no event.
          return absl::OkStatus();
        }
        RETURN_IF_ERROR(CheckReferences(customer.profile(), customer.id(), &before));
        customer.set_version(customer.version() + 1);
        *customer.mutable_updated_at() = ToProto(host_.clock().Now());
        RETURN_IF_ERROR(
            PutVersion(batch, customer, changes, actor, request.reason(), request.request_id())
                .status());
        v1::ProfileChanged event;
        *event.mutable_customer() = customer;
        for (auto& c : changes) *event.add_changes() = std::move(c);
        event.set_reason(request.reason());
        batch.AppendOutbox(Event(customer, event, request.request_id(), actor));
        *response = std::move(customer);
        return absl::OkStatus();
      });
  if (status.ok()) index_.Upsert(*response);
  return status;
}

}  // namespace pharmacrm::customer_master
