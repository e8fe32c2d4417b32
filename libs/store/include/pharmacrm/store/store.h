// A service's local state: one RocksDB database with four column families.
//
//   state        the service's own data; key layout in the service's storage/.
//   outbox       OutboxRecords waiting for the relay, keyed by a big-endian
//                sequence number (commit order per aggregate).
//   inbox        consumed offsets per topic-partition and the ids of events
//                already applied (de-duplication of re-published events).
//   idempotency  IdempotencyRecords keyed by request id.
//
// A Batch is applied atomically: a command's state change, its outbox records
// and its idempotency record, or a projection's read-model change, the
// consumed offset and the event id, commit together or not at all.
//
// Durability: with sync_writes (the default) Write returns only after the
// RocksDB WAL is fsync'ed; concurrent writers share one fsync (RocksDB's write
// group), so the cost is per group, not per command. Without it, a returned
// Write survives a process crash but not a machine crash.
//
// Thread-safe.
#ifndef PHARMACRM_STORE_STORE_H_
#define PHARMACRM_STORE_STORE_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "pharmacrm/v1/outbox.pb.h"

namespace rocksdb {
class DB;
class ColumnFamilyHandle;
}  // namespace rocksdb

namespace pharmacrm::store {

enum class Family { kState = 0, kOutbox = 1, kInbox = 2, kIdempotency = 3 };

struct StoreOptions {
  std::string path;
  bool sync_writes = true;
};

// A set of changes applied atomically by Store::Write. Not thread-safe.
class Batch {
 public:
  void Put(Family family, absl::string_view key, absl::string_view value);
  void Delete(Family family, absl::string_view key);
  // Queues `record` for the relay; it gets its sequence number at Write.
  // A record with an envelope_without_payload is stored without its value (the
  // listener still gets it whole); ReadOutbox returns it so.
  void AppendOutbox(v1::OutboxRecord record);
  // Marks `offset` of topic/partition consumed and, if non-empty, `event_id`
  // applied.
  void RecordConsumed(absl::string_view topic, int32_t partition, int64_t offset,
                      absl::string_view event_id);
  void PutIdempotency(absl::string_view request_id, const v1::IdempotencyRecord& record);
  bool empty() const { return ops_.empty() && outbox_.empty(); }

  // Whether Write waits for the WAL's fsync (only if the store syncs at all;
  // the default). A projection passes false: its batch holds the consumed
  // offset next to the read-model change, so what a machine crash loses of
  // it is lost together and consumed again from Kafka.
  void SetSync(bool sync) { sync_ = sync; }

  // What this batch will have written under `key` once applied: a value, a
  // deletion (nullopt inside), or nothing (outer nullopt: ask the store).
  // Lets several changes to one key share a batch. Linear in the batch size.
  std::optional<std::optional<std::string>> Pending(Family family, absl::string_view key) const;

  // A point to roll back to: Rollback drops everything added after Mark.
  struct Checkpoint {
    size_t ops = 0;
    size_t outbox = 0;
  };
  Checkpoint Mark() const { return {ops_.size(), outbox_.size()}; }
  void Rollback(const Checkpoint& mark);

 private:
  friend class Store;
  struct Op {
    Family family;
    std::string key;
    std::optional<std::string> value;  // nullopt: delete.
  };
  std::vector<Op> ops_;
  std::vector<v1::OutboxRecord> outbox_;
  bool sync_ = true;
};

struct OutboxEntry {
  uint64_t seq;
  v1::OutboxRecord record;
};

class Store {
 public:
  static absl::StatusOr<std::unique_ptr<Store>> Open(const StoreOptions& options);
  ~Store();
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

  // NotFound is not an error: an absent key is nullopt.
  absl::StatusOr<std::optional<std::string>> Get(Family family, absl::string_view key) const;

  // The values of `keys` in their order (nullopt where absent), read in one
  // batched lookup (RocksDB MultiGet: one pass over the memtables and each
  // file's index for all keys), e.g. a page of customers.
  absl::StatusOr<std::vector<std::optional<std::string>>> MultiGet(
      Family family, const std::vector<std::string>& keys) const;

  // Applies `batch` atomically. On return it is durable per StoreOptions and
  // its outbox entries have been handed to the outbox listener.
  absl::Status Write(Batch batch);

  // Calls `fn` for each key with `prefix`, in key order, until it returns
  // false.
  absl::Status ScanPrefix(
      Family family, absl::string_view prefix,
      const std::function<bool(absl::string_view key, absl::string_view value)>& fn) const;

  // Called after each Write that holds outbox records, in commit order per
  // aggregate, before Write returns. Set once, before the first Write.
  void SetOutboxListener(std::function<void(std::vector<OutboxEntry>)> listener);
  // Every outbox entry still stored, in sequence order (recovery after start).
  absl::StatusOr<std::vector<OutboxEntry>> ReadOutbox(size_t max_entries) const;
  // Deletes delivered entries: each run of at least kOutboxDeleteRun
  // consecutive sequence numbers with one range tombstone, others with a
  // tombstone each (which RocksDB keeps and compacts one by one).
  absl::Status DeleteOutbox(const std::vector<uint64_t>& seqs);
  static constexpr size_t kOutboxDeleteRun = 8;
  absl::StatusOr<size_t> CountOutbox() const;

  // The last offset applied for topic/partition, if any.
  absl::StatusOr<std::optional<int64_t>> ConsumedOffset(absl::string_view topic,
                                                        int32_t partition) const;
  absl::StatusOr<bool> EventApplied(absl::string_view event_id) const;
  absl::StatusOr<std::optional<v1::IdempotencyRecord>> GetIdempotency(
      absl::string_view request_id) const;

  const std::string& path() const { return path_; }

 private:
  Store() = default;
  rocksdb::ColumnFamilyHandle* Handle(Family family) const;

  std::string path_;
  bool sync_writes_ = true;
  std::unique_ptr<rocksdb::DB> db_;
  std::vector<rocksdb::ColumnFamilyHandle*> handles_;  // Indexed by Family.
  std::atomic<uint64_t> next_outbox_seq_{1};
  std::function<void(std::vector<OutboxEntry>)> outbox_listener_;
};

}  // namespace pharmacrm::store

#endif  // PHARMACRM_STORE_STORE_H_
