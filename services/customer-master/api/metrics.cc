// Monthly metrics (动态数据): recorded one at a time or imported in bulk
// (JSON Lines), read as a series with derived key figures.
#include <optional>
#include <tuple>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/strip.h"
#include "api/customer_master_service.h"
#include "api/import_support.h"
#include "api/internal.h"
#include "domain/import/metrics_import.h"
#include "domain/metrics/metrics_rules.h"
#include "google/protobuf/util/message_differencer.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/rpc/server.h"

namespace pharmacrm::customer_master {
namespace {

using internal::BatchCounts;
using internal::BeginImport;
using internal::FinishImport;
using internal::ImportCounters;
using internal::ImportFingerprint;
using internal::ImportStart;
using internal::ProgressUpdate;
using internal::Report;
using internal::TakeBatchCounts;
using internal::WithFieldPrefix;

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
        ASSIGN_OR_RETURN(std::optional<v1::CustomerMetrics> previous,
                         repo_.Metrics(m.customer_id(), m.period(), m.department()));
        const int64_t version = previous ? previous->version() + 1 : 1;
        *response = m;
        response->set_version(version);
        *response->mutable_recorded_at() = core::ToTimestamp(now);
        response->set_recorded_by(actor);
        CustomerRepository::PutMetrics(batch, *response);
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
  ASSIGN_OR_RETURN(std::vector<v1::CustomerMetrics> stored, repo_.MetricsOf(request.customer_id()));
  std::vector<v1::CustomerMetrics> all;
  for (v1::CustomerMetrics& m : stored) {
    if (request.all_departments() || m.department() == request.department()) {
      all.push_back(std::move(m));
    }
  }
  v1::MetricsSeries series;
  for (auto& m : SelectPeriods(std::move(all), request.from_period(), request.to_period())) {
    *series.add_key_figures() = ComputeKeyFigures(m, customer.profile());
    *series.add_records() = std::move(m);
  }
  return series;
}

grpc::Status CustomerMasterService::ImportMetrics(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::ImportProgress, v1::ImportChunk>* stream) {
  return rpc::HandleRpc("CustomerMaster/ImportMetrics", context,
                        [&] { return ImportMetricRows(context, stream, rpc::ActorOf(*context)); });
}

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
  using MetricsKey = std::tuple<std::string, std::string, std::string>;
  absl::flat_hash_map<MetricsKey, v1::CustomerMetrics> recorded;
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
        ASSIGN_OR_RETURN(std::optional<std::string> known, repo_.ImportedAs(row.external_id));
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
    MetricsKey key{m.customer_id(), m.period(), m.department()};
    std::optional<v1::CustomerMetrics> stored;
    if (auto it = recorded.find(key); it != recorded.end()) {
      stored = it->second;
    } else {
      ASSIGN_OR_RETURN(stored, repo_.Metrics(m.customer_id(), m.period(), m.department()));
    }
    if (stored && SameFigures(*stored, m)) {
      progress.set_duplicates(progress.duplicates() + 1);
      Report(progress, row.line, "metrics",
             absl::StrCat("unchanged: already recorded as version ", stored->version()));
      continue;
    }
    m.set_version(stored ? stored->version() + 1 : 1);
    *m.mutable_recorded_at() = core::ToTimestamp(now);
    m.set_recorded_by(actor);
    CustomerRepository::PutMetrics(batch, m);
    v1::MetricsRecorded event;
    *event.mutable_key_figures() = ComputeKeyFigures(m, customer->profile());
    bus::EventMeta meta = EventMetaFor(*customer, request_id, actor);
    meta.aggregate_kind = "customer-metrics";
    meta.aggregate_id = absl::StrCat(m.customer_id(), "/", m.period(), "/", m.department());
    meta.aggregate_version = m.version();
    *event.mutable_metrics() = m;
    batch.AppendOutbox(bus::MakeOutboxRecord(bus::kCustomerTopic, bus::MakeEnvelope(meta, event)));
    recorded[std::move(key)] = std::move(m);
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
    const BatchCounts counts = TakeBatchCounts(progress, counted);
    counters.CountMetricsBatch(counts.accepted, counts.rejected, counts.duplicates);
    v1::ImportProgress update = ProgressUpdate(progress);
    const double seconds = std::max(absl::ToDoubleSeconds(absl::Now() - start), 1e-6);
    update.set_rows_per_second(update.rows_read() / seconds);
    stream->Write(update);
    return absl::OkStatus();
  };
  ImportFingerprint fingerprint(chunk.format());
  while (true) {
    fingerprint.Add(chunk.data());
    parser.Feed(chunk.data(), &rows, &errors);
    if (rows.size() + errors.size() >= internal::kImportBatchRows) RETURN_IF_ERROR(process());
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

}  // namespace pharmacrm::customer_master
