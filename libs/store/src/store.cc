#include "pharmacrm/store/store.h"

#include <algorithm>
#include <filesystem>

#include "absl/base/dynamic_annotations.h"
#include "absl/strings/str_cat.h"
#include "pharmacrm/core/crash.h"
#include "pharmacrm/core/status.h"
#include "pharmacrm/store/key.h"
#include "rocksdb/db.h"
#include "rocksdb/filter_policy.h"
#include "rocksdb/options.h"
#include "rocksdb/table.h"
#include "rocksdb/write_batch.h"

namespace pharmacrm::store {
namespace {

// db_->Write for ThreadSanitizer builds. RocksDB (Debian's uninstrumented
// static library) commits concurrent writers as a group: the leading
// writer's thread copies the other writers' batches into the WAL record and
// the memtable, handed over through atomics TSan cannot see. TSan sees only
// the copies (its memcpy interceptor) with our frames around them, not
// RocksDB's, so `race:rocksdb::` cannot name them: a relay's outbox delete
// read by a handler's commit looked like a race on the relay's batch. The
// calling thread's memory accesses are ignored for the duration of the call
// (RocksDB's own; none of our code runs inside it: no comparator, merge
// operator or listener of ours), locks and allocations still tracked.
// Without TSan the annotations are empty.
rocksdb::Status WriteGrouped(rocksdb::DB& db, const rocksdb::WriteOptions& options,
                             rocksdb::WriteBatch& batch) {
  ABSL_ANNOTATE_IGNORE_READS_AND_WRITES_BEGIN();
  rocksdb::Status s = db.Write(options, &batch);
  ABSL_ANNOTATE_IGNORE_READS_AND_WRITES_END();
  return s;
}

// Key spaces of the inbox family.
constexpr uint8_t kInboxOffset = 1;
constexpr uint8_t kInboxEvent = 2;
constexpr uint8_t kOutboxSeq = 1;
constexpr uint8_t kIdempotencyKey = 1;

const char* const kFamilyNames[] = {"state", "outbox", "inbox", "idempotency"};

absl::Status FromRocks(const rocksdb::Status& s, absl::string_view what) {
  if (s.ok()) return absl::OkStatus();
  absl::StatusCode code = absl::StatusCode::kInternal;
  if (s.IsIOError() || s.IsBusy() || s.IsTryAgain() || s.IsTimedOut()) {
    code = absl::StatusCode::kUnavailable;
  } else if (s.IsCorruption()) {
    code = absl::StatusCode::kDataLoss;
  }
  return absl::Status(code, absl::StrCat("rocksdb ", what, ": ", s.ToString()));
}

std::string OffsetKey(absl::string_view topic, int32_t partition) {
  return KeyBuilder(kInboxOffset).String(topic).Uint64(static_cast<uint32_t>(partition)).key();
}
std::string EventKey(absl::string_view event_id) {
  return KeyBuilder(kInboxEvent).String(event_id).key();
}
std::string OutboxKey(uint64_t seq) { return KeyBuilder(kOutboxSeq).Uint64(seq).key(); }

// What the outbox stores of `record`: all of it, or without its value if it
// has an envelope_without_payload (the relay rebuilds the value after a restart). The
// value is moved out and back, not copied.
std::string StoredForm(v1::OutboxRecord& record) {
  if (record.envelope_without_payload().empty()) return record.SerializeAsString();
  std::string value = std::move(*record.mutable_value());
  record.clear_value();
  std::string stored = record.SerializeAsString();
  *record.mutable_value() = std::move(value);
  return stored;
}

void EncodeInt64(int64_t v, std::string* out) {
  out->clear();
  for (int i = 7; i >= 0; --i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

}  // namespace

void Batch::Put(Family family, absl::string_view key, absl::string_view value) {
  ops_.push_back({family, std::string(key), std::string(value)});
}

void Batch::Delete(Family family, absl::string_view key) {
  ops_.push_back({family, std::string(key), std::nullopt});
}

void Batch::AppendOutbox(v1::OutboxRecord record) { outbox_.push_back(std::move(record)); }

void Batch::RecordConsumed(absl::string_view topic, int32_t partition, int64_t offset,
                           absl::string_view event_id) {
  std::string value;
  EncodeInt64(offset, &value);
  ops_.push_back({Family::kInbox, OffsetKey(topic, partition), std::move(value)});
  if (!event_id.empty()) ops_.push_back({Family::kInbox, EventKey(event_id), std::string()});
}

void Batch::PutIdempotency(absl::string_view request_id, const v1::IdempotencyRecord& record) {
  ops_.push_back({Family::kIdempotency, KeyBuilder(kIdempotencyKey).String(request_id).key(),
                  record.SerializeAsString()});
}

std::optional<std::optional<std::string>> Batch::Pending(Family family,
                                                         absl::string_view key) const {
  for (auto it = ops_.rbegin(); it != ops_.rend(); ++it) {
    if (it->family == family && it->key == key) return it->value;
  }
  return std::nullopt;
}

void Batch::Rollback(const Checkpoint& mark) {
  ops_.resize(std::min(ops_.size(), mark.ops));
  outbox_.resize(std::min(outbox_.size(), mark.outbox));
}

absl::StatusOr<std::unique_ptr<Store>> Store::Open(const StoreOptions& options) {
  if (options.path.empty()) return absl::InvalidArgumentError("data_dir: must not be empty");
  std::error_code ec;
  std::filesystem::create_directories(options.path, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("data_dir: cannot create '", options.path, "': ", ec.message()));
  }
  rocksdb::Options db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.IncreaseParallelism(2);
  db_options.enable_pipelined_write = true;  // WAL and memtable writes of a group overlap.
  // Point lookups of keys that do not exist are common (is this external
  // id, request id or event id known?): a Bloom filter per table file
  // answers most of them without reading a block.
  rocksdb::BlockBasedTableOptions table_options;
  table_options.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  rocksdb::ColumnFamilyOptions family_options;
  family_options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table_options));
  // And one per memtable, so that those lookups skip its skip list (about
  // 1.3 MB per 64 MB memtable).
  family_options.memtable_whole_key_filtering = true;
  family_options.memtable_prefix_bloom_size_ratio = 0.02;
  // Flushes and the first compactions write uncompressed: they run while
  // imports and events are being written, and their files are short-lived;
  // the levels that keep data for long are compressed.
  family_options.compression_per_level = {rocksdb::kNoCompression, rocksdb::kNoCompression,
                                          rocksdb::kSnappyCompression};
  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, family_options);
  for (const char* name : kFamilyNames) {
    descriptors.emplace_back(name, family_options);
  }
  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, options.path, descriptors, &handles, &raw);
  if (!s.ok()) return FromRocks(s, absl::StrCat("open ", options.path));
  auto store = std::unique_ptr<Store>(new Store());
  store->db_.reset(raw);
  store->path_ = options.path;
  store->sync_writes_ = options.sync_writes;
  store->handles_.assign(handles.begin() + 1, handles.end());
  store->handles_.push_back(handles[0]);  // default family, closed with the others.

  // Continue outbox sequence numbers after the highest one still stored.
  std::unique_ptr<rocksdb::Iterator> it(
      store->db_->NewIterator(rocksdb::ReadOptions(), store->Handle(Family::kOutbox)));
  it->SeekToLast();
  if (it->Valid()) {
    KeyReader r(absl::string_view(it->key().data(), it->key().size()));
    if (r.KeySpace().ok()) {
      absl::StatusOr<uint64_t> seq = r.Uint64();
      if (seq.ok()) store->next_outbox_seq_ = *seq + 1;
    }
  }
  return store;
}

Store::~Store() {
  if (!db_) return;
  for (auto* h : handles_) db_->DestroyColumnFamilyHandle(h);
  db_->Close();
}

rocksdb::ColumnFamilyHandle* Store::Handle(Family family) const {
  return handles_[static_cast<size_t>(family)];
}

absl::StatusOr<std::optional<std::string>> Store::Get(Family family, absl::string_view key) const {
  std::string value;
  rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), Handle(family),
                               rocksdb::Slice(key.data(), key.size()), &value);
  if (s.IsNotFound()) return std::nullopt;
  if (!s.ok()) return FromRocks(s, "get");
  return value;
}

absl::StatusOr<std::vector<std::optional<std::string>>> Store::MultiGet(
    Family family, const std::vector<std::string>& keys) const {
  std::vector<rocksdb::Slice> slices(keys.begin(), keys.end());
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db_->MultiGet(rocksdb::ReadOptions(), Handle(family), keys.size(), slices.data(), values.data(),
                statuses.data());
  std::vector<std::optional<std::string>> out(keys.size());
  for (size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].IsNotFound()) continue;
    if (!statuses[i].ok()) return FromRocks(statuses[i], "multi get");
    out[i] = values[i].ToString();
  }
  return out;
}

absl::Status Store::Write(Batch batch) {
  // The operations go into the memtables in key order: RocksDB's skip list
  // starts each insert from where the one before it ended, so neighbouring
  // keys in a row cost a few comparisons each instead of a search from the
  // top (an import batch interleaves customer, version, referrer and
  // external-id keys row by row). The sort is stable, so of two writes of
  // one key the later still wins; the batch is applied atomically either
  // way.
  std::vector<const Batch::Op*> ordered;
  ordered.reserve(batch.ops_.size());
  for (const auto& op : batch.ops_) ordered.push_back(&op);
  std::stable_sort(ordered.begin(), ordered.end(), [](const Batch::Op* a, const Batch::Op* b) {
    return a->family != b->family ? a->family < b->family : a->key < b->key;
  });
  std::vector<std::string> outbox_values;
  outbox_values.reserve(batch.outbox_.size());
  for (auto& record : batch.outbox_) outbox_values.push_back(StoredForm(record));
  // The batch's buffer is sized once: grown record by record, an import
  // batch of a few MB was copied over and over.
  constexpr size_t kHeaderBytes = 12;     // Sequence number and count.
  constexpr size_t kPerRecordBytes = 16;  // Tag, family id and two lengths, at most.
  size_t bytes = kHeaderBytes;
  for (const auto& op : batch.ops_) {
    bytes += kPerRecordBytes + op.key.size() + (op.value ? op.value->size() : 0);
  }
  const size_t outbox_key_bytes = OutboxKey(0).size();
  for (const auto& value : outbox_values)
    bytes += kPerRecordBytes + outbox_key_bytes + value.size();
  rocksdb::WriteBatch wb(bytes);
  for (const Batch::Op* op_ptr : ordered) {
    const Batch::Op& op = *op_ptr;
    rocksdb::Slice key(op.key);
    rocksdb::Status s = op.value ? wb.Put(Handle(op.family), key, *op.value)
                                 : wb.Delete(Handle(op.family), key);
    if (!s.ok()) return FromRocks(s, "batch");
  }
  std::vector<OutboxEntry> entries;
  entries.reserve(batch.outbox_.size());
  for (size_t i = 0; i < batch.outbox_.size(); ++i) {
    uint64_t seq = next_outbox_seq_.fetch_add(1);
    rocksdb::Status s = wb.Put(Handle(Family::kOutbox), OutboxKey(seq), outbox_values[i]);
    if (!s.ok()) return FromRocks(s, "batch");
    entries.push_back({seq, std::move(batch.outbox_[i])});
  }
  rocksdb::WriteOptions wo;
  wo.sync = sync_writes_ && batch.sync_;
  RETURN_IF_ERROR(FromRocks(WriteGrouped(*db_, wo, wb), "write"));
  // Fault injection: the batch is durable, nothing has been published yet.
  core::CrashPoint("after_commit_before_publish");
  if (!entries.empty() && outbox_listener_) outbox_listener_(std::move(entries));
  return absl::OkStatus();
}

absl::Status Store::ScanPrefix(
    Family family, absl::string_view prefix,
    const std::function<bool(absl::string_view key, absl::string_view value)>& fn) const {
  std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(rocksdb::ReadOptions(), Handle(family)));
  for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size())); it->Valid(); it->Next()) {
    absl::string_view key(it->key().data(), it->key().size());
    if (key.substr(0, prefix.size()) != prefix) break;
    if (!fn(key, absl::string_view(it->value().data(), it->value().size()))) break;
  }
  return FromRocks(it->status(), "scan");
}

void Store::SetOutboxListener(std::function<void(std::vector<OutboxEntry>)> listener) {
  outbox_listener_ = std::move(listener);
}

absl::StatusOr<std::vector<OutboxEntry>> Store::ReadOutbox(size_t max_entries) const {
  std::vector<OutboxEntry> out;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), Handle(Family::kOutbox)));
  for (it->SeekToFirst(); it->Valid() && out.size() < max_entries; it->Next()) {
    KeyReader r(absl::string_view(it->key().data(), it->key().size()));
    RETURN_IF_ERROR(r.KeySpace().status());
    ASSIGN_OR_RETURN(uint64_t seq, r.Uint64());
    OutboxEntry entry{seq, {}};
    if (!entry.record.ParseFromArray(it->value().data(), static_cast<int>(it->value().size()))) {
      return absl::DataLossError(absl::StrCat("outbox: record ", seq, " does not parse"));
    }
    out.push_back(std::move(entry));
  }
  RETURN_IF_ERROR(FromRocks(it->status(), "outbox scan"));
  return out;
}

absl::Status Store::DeleteOutbox(const std::vector<uint64_t>& seqs) {
  if (seqs.empty()) return absl::OkStatus();
  std::vector<uint64_t> sorted = seqs;
  std::sort(sorted.begin(), sorted.end());
  rocksdb::WriteBatch wb;
  // Delivery reports come mostly in order, so the delivered records are
  // mostly runs of consecutive numbers: one range tombstone per run rather
  // than a tombstone per record.
  for (size_t i = 0; i < sorted.size();) {
    size_t end = i + 1;
    while (end < sorted.size() && sorted[end] <= sorted[end - 1] + 1) ++end;
    if (end - i >= kOutboxDeleteRun) {
      RETURN_IF_ERROR(FromRocks(wb.DeleteRange(Handle(Family::kOutbox), OutboxKey(sorted[i]),
                                               OutboxKey(sorted[end - 1] + 1)),
                                "batch"));
    } else {
      for (size_t k = i; k < end; ++k) {
        RETURN_IF_ERROR(
            FromRocks(wb.Delete(Handle(Family::kOutbox), OutboxKey(sorted[k])), "batch"));
      }
    }
    i = end;
  }
  // Not synced: losing a delete only means re-publishing an event that
  // consumers then recognise by its id.
  return FromRocks(WriteGrouped(*db_, rocksdb::WriteOptions(), wb), "outbox delete");
}

absl::StatusOr<size_t> Store::CountOutbox() const {
  size_t n = 0;
  std::unique_ptr<rocksdb::Iterator> it(
      db_->NewIterator(rocksdb::ReadOptions(), Handle(Family::kOutbox)));
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++n;
  RETURN_IF_ERROR(FromRocks(it->status(), "outbox count"));
  return n;
}

absl::StatusOr<std::optional<int64_t>> Store::ConsumedOffset(absl::string_view topic,
                                                             int32_t partition) const {
  ASSIGN_OR_RETURN(std::optional<std::string> v, Get(Family::kInbox, OffsetKey(topic, partition)));
  if (!v) return std::nullopt;
  if (v->size() != 8) return absl::DataLossError("inbox: offset value is not 8 bytes");
  uint64_t u = 0;
  for (char c : *v) u = (u << 8) | static_cast<uint8_t>(c);
  return static_cast<int64_t>(u);
}

absl::StatusOr<bool> Store::EventApplied(absl::string_view event_id) const {
  ASSIGN_OR_RETURN(std::optional<std::string> v, Get(Family::kInbox, EventKey(event_id)));
  return v.has_value();
}

absl::StatusOr<std::optional<v1::IdempotencyRecord>> Store::GetIdempotency(
    absl::string_view request_id) const {
  ASSIGN_OR_RETURN(std::optional<std::string> v,
                   Get(Family::kIdempotency, KeyBuilder(kIdempotencyKey).String(request_id).key()));
  if (!v) return std::nullopt;
  v1::IdempotencyRecord record;
  if (!record.ParseFromString(*v)) return absl::DataLossError("idempotency record does not parse");
  return record;
}

}  // namespace pharmacrm::store
