// Bulk import of customers (CSV or JSON Lines): rows parsed on one thread,
// checked here, written and indexed on two more, batch by batch.
#include <deque>
#include <optional>

#include "absl/container/flat_hash_map.h"
#include "absl/numeric/int128.h"
#include "absl/strings/str_cat.h"
#include "api/customer_master_service.h"
#include "api/import_support.h"
#include "api/internal.h"
#include "domain/customers/lifecycle.h"
#include "domain/customers/references.h"
#include "domain/import/import_rows.h"
#include "pharmacrm/core/serial_worker.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/core/time.h"
#include "pharmacrm/rpc/server.h"

namespace pharmacrm::customer_master {

using internal::BatchCounts;
using internal::BeginImport;
using internal::FinishImport;
using internal::ImportCounters;
using internal::ImportFingerprint;
using internal::ImportReader;
using internal::ImportStart;
using internal::ProgressUpdate;
using internal::Report;
using internal::TakeBatchCounts;

grpc::Status CustomerMasterService::ImportCustomers(
    grpc::ServerContext* context,
    grpc::ServerReaderWriter<v1::ImportProgress, v1::ImportChunk>* stream) {
  return rpc::HandleRpc("CustomerMaster/ImportCustomers", context,
                        [&] { return Import(context, stream, rpc::ActorOf(*context)); });
}

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
  core::SerialWorker indexer("cm-import-index", internal::kBatchesCommitting);
  core::SerialWorker committer("cm-import-write", internal::kBatchesCommitting);
  auto process = [&]() -> absl::Status {
    store::Batch batch;
    CustomerWrite write{batch, {}};
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
        ASSIGN_OR_RETURN(std::optional<std::string> known, repo_.ImportedAs(row.external_id));
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
          ASSIGN_OR_RETURN(std::optional<std::string> known, repo_.ImportedAs(target));
          if (known) target = *known;
          absl::StatusOr<v1::Customer> found = repo_.Customer(target);
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
      *customer.mutable_created_at() = core::ToTimestamp(now);
      *customer.mutable_updated_at() = core::ToTimestamp(now);
      ASSIGN_OR_RETURN(std::string serialized,
                       PutVersion(write, customer, {}, actor, reason, request_id));
      if (!row.external_id.empty()) {
        CustomerRepository::PutImportedAs(batch, row.external_id, customer.id());
        by_external_id[row.external_id] =
            &imported.emplace_back(Imported{row.line, customer.id(), customer.profile().kind(),
                                            customer.profile().distributor().parent_id()});
        if (progress.imported_ids_size() < internal::kMaxReportedIds) {
          (*progress.mutable_imported_ids())[row.external_id] = customer.id();
        } else {
          progress.set_imported_ids_truncated(true);
        }
      }
      // Only accepted rows count: a later row like a rejected one is imported.
      if (name_and_phone) by_name_and_phone[*name_and_phone] = row.line;
      batch.AppendOutbox(
          internal::RegisteredRecord(EventMetaFor(customer, request_id, actor), serialized));
      progress.set_accepted(progress.accepted() + 1);
    }
    rows.clear();
    std::vector<v1::Customer> registered = std::move(write.customers);
    // This batch's rows by outcome, for the metrics once it is committed.
    const BatchCounts counts = TakeBatchCounts(progress, counted);
    v1::ImportProgress update = ProgressUpdate(progress);
    update.set_imported_ids_truncated(progress.imported_ids_truncated());
    // Written on the committer's thread and then indexed on the indexer's
    // while this one checks the next batch; the progress is sent once the
    // batch is written.
    return committer.Submit([this, stream, start, &indexer, &metrics, counts,
                             batch = std::move(batch),
                             registered = std::move(registered),
                             update = std::move(update)]() mutable -> absl::Status {
      if (!batch.empty()) RETURN_IF_ERROR(host_.store().Write(std::move(batch)));
      metrics.CountBatch(counts.accepted, counts.rejected, counts.duplicates);
      double seconds = std::max(absl::ToDoubleSeconds(absl::Now() - start), 1e-6);
      update.set_rows_per_second(update.rows_read() / seconds);
      stream->Write(update);
      // The post-commit hook, as for every other write.
      return indexer.Submit([this, registered = std::move(registered)]() -> absl::Status {
        Committed(registered);
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

}  // namespace pharmacrm::customer_master
